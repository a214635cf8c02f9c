"""Veille — entry point: ``streamlit run dashboard.py``.

Sets the page, the language switch and the navigation over ``pages/``.
"""

import streamlit as st

import ui
from ui import risk as ui_risk
from geo import units

ui.leave_legacy_pages_mode()

# No page or page_icon icons: Streamlit turns them into a favicon fetched from a CDN.
st.set_page_config(page_title="Veille", layout="wide")
ui.install_assets()
ui.language_selector()
ui.localize_chrome()

navigation = st.navigation([
    st.Page("pages/overview.py", title=ui.tr("nav.overview"),
            url_path="overview", default=True),
    st.Page("pages/risk.py", title=ui.tr("nav.risk"), url_path="risk"),
    st.Page("pages/coverage.py", title=ui.tr("nav.coverage"), url_path="coverage"),
    st.Page("pages/methodology.py", title=ui.tr("nav.methodology"), url_path="methodology"),
    st.Page("pages/data.py", title=ui.tr("nav.data"), url_path="data"),
    st.Page("pages/provenance.py", title=ui.tr("nav.provenance"),
            url_path="provenance"),
])
st.sidebar.caption(ui.tr("sidebar.boundaries", version=units.BOUNDARY_VERSION))
ui.demo_banner()
ui_risk.panel(navigation.url_path)      # the shared period / method panel and the URL's view
navigation.run()
