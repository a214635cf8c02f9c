"""Veille — the app's script, served by ``streamlit run serve.py`` (the gate in front).

Sets the page and the language switch, decides who is using the app (sign-in, role), then
the navigation over ``pages/``: the screens of the user's role only (each page checks it
again, and so does every write).
"""

import streamlit as st

import ui
from ui import access as ui_access, risk as ui_risk
from geo import units

ui.leave_legacy_pages_mode()

# No page or page_icon icons: Streamlit turns them into a favicon fetched from a CDN.
st.set_page_config(page_title="Veille", layout="wide")
ui.install_assets()
ui.language_selector()
ui.localize_chrome()
user = ui_access.sign_in()          # stops here with the sign-in screen when needed

#: Each screen (its script pages/<name>.py and URL path) and the permission it needs.
SCREENS = [("overview", "view"), ("risk", "view"), ("coverage", "view"),
           ("methodology", "view"), ("planner", "scenario"), ("data", "import"),
           ("provenance", "view"),
           ("audit", "audit"), ("users", "manage_roles")]
navigation = st.navigation([
    st.Page(f"pages/{name}.py", title=ui.tr(f"nav.{name}"), url_path=name,
            default=name == "overview")
    for name, permission in SCREENS if user.can(permission)])
st.sidebar.caption(ui.tr("sidebar.boundaries", version=units.BOUNDARY_VERSION))
ui.demo_banner()
ui_risk.panel(navigation.url_path)      # the shared period / method panel and the URL's view
navigation.run()
