"""Veille — ``streamlit run dashboard.py``.

Imported by the server (its module name is not ``__main__``), this file is the ASGI app with
Veille's gate in front (:mod:`ui.server`). Run by Streamlit for each session (as
``__main__``), it sets the page and the language switch, decides who is using the app
(sign-in, role), then the navigation over ``pages/``: the screens of the user's role only
(each page checks it again, and so does every write).
"""

import streamlit as st

import ui
from ui import access as ui_access, brief as ui_brief, hooks, risk as ui_risk, server
from geo.records import store
from geo.reference import units

def main() -> None:
    ui.leave_legacy_pages_mode()

    # No page or page_icon icons: Streamlit turns them into a favicon fetched from a CDN.
    st.set_page_config(page_title="Veille", layout="wide")
    ui.install_assets()
    lang_slot, down_slot = st.sidebar.container(), st.container()
    ui.choose_language()
    ui.localize_chrome()
    st.session_state[ui.MAP_ALONE_RUN] = False
    try:
        _signed_in_app()
    except ui.PageEnd:           # the sign-in screen, a refusal
        pass
    except Exception as err:     # noqa: BLE001 - the user never sees a traceback
        if store.failure(err) == "unreachable":      # a page that says so and retries
            ui.store_down(down_slot)
        elif ui.settings().raise_errors:
            raise
        else:                                        # logged; said in the user's language
            ui.unexpected(down_slot, err)
    finally:
        # The language switch after the page, whatever it did: its code and widget reach
        # the browser after the page's map (once the browser has drawn a map sent alone).
        if not st.session_state[ui.MAP_ALONE_RUN]:
            ui.language_selector(lang_slot)


def _signed_in_app() -> None:
    user = ui_access.sign_in()          # stops here with the sign-in screen when needed
    ui.print_rules()

    navigation = st.navigation([
        st.Page(f"pages/{name}.py", title=ui.tr(f"nav.{name}"), url_path=name,
                default=name == "overview")
        for name, permission in ui.SCREENS.items() if user.can(permission)])
    st.sidebar.caption(ui.tr("sidebar.boundaries", version=units.BOUNDARY_VERSION))
    banner_slot = st.container()
    brief_slot, panel_slot = st.sidebar.container(), st.sidebar.container()
    ui_risk.apply_view(navigation.url_path)     # the URL's view into the session, for the page
    try:
        navigation.run()
    except ui.PageEnd:           # the page ended early (ui.end_page): the rest is drawn
        pass
    finally:
        # What surrounds the page after it, whatever it did: the page's map reaches the
        # browser first; once the browser has drawn a map sent alone (ui.wait_for_map). The
        # demonstration banner (in its place above the page), the sidebar's panel and brief
        # button: the page reads the view from the session, which the panel's widgets keep
        # from run to run.
        if not st.session_state[ui.MAP_ALONE_RUN]:
            if navigation.url_path != "present":   # the projector's screen says it itself
                with banner_slot:
                    ui.demo_banner()
            ui_risk.panel(navigation.url_path, panel_slot)   # shared period / method, the URL
            if navigation.url_path in ui_risk.ANALYSIS_PAGES:
                ui_brief.sidebar_button(brief_slot)     # the brief of this view, one click away


if __name__ == "__main__":       # a session's run
    main()
else:                            # imported by the server: the app, gate in front
    app = st.App(__file__, middleware=server.middleware(), lifespan=server.lifespan,
                 routes=hooks.routes())
