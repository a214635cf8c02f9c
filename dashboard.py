"""Veille — entry point: ``streamlit run dashboard.py``.

Sets the page, the language switch and the navigation over ``pages/``.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import ui
from geo import units

# Streamlit runs the first script of a new server process as a legacy "pages/ folder" app
# until st.navigation has run once; widgets created in that run lose their first change
# (the language switch ignored a click). Leave that mode at once and start the run again.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

# No page or page_icon icons: Streamlit turns them into a favicon fetched from a CDN.
st.set_page_config(page_title="Veille", layout="wide")
ui.install_assets()
ui.language_selector()

navigation = st.navigation([
    st.Page("pages/overview.py", title=ui.tr("nav.overview"),
            url_path="overview", default=True),
    st.Page("pages/provenance.py", title=ui.tr("nav.provenance"),
            url_path="provenance"),
])
st.sidebar.caption(ui.tr("sidebar.boundaries", version=units.BOUNDARY_VERSION))
ui.demo_banner()
navigation.run()
