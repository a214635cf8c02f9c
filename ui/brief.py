"""The brief, one click away on the analysis pages: made for the session's view (and the
planner scenario on screen, if saved), downloaded as PDF or self-contained HTML."""

from __future__ import annotations

import streamlit as st

import ui
from geo.outputs import brief
from ui import risk as ui_risk

KEY = "brief_files"


def sidebar_button(slot) -> None:
    """In ``slot`` (the sidebar): prepare, then the two downloads (kept until the view, the
    language or the store changes)."""
    view = ui_risk.current_view()
    scenario = st.session_state.get("plan_source")
    tag = (repr(view), scenario, ui.current_lang(), ui.store_token())
    box = slot.container(border=True)
    files = st.session_state.get(KEY)
    if files is None or files[0] != tag:
        if box.button(ui.tr("brief.prepare"), key="brief_prepare", width="stretch"):
            with box, st.spinner(ui.tr("brief.preparing")):
                made = brief.build(ui.engine(), view, ui.current_lang(),
                                   int(scenario) if scenario else None,
                                   ui.settings().min_count)
                html = brief.render(made, "html")
                try:
                    pdf = brief.render(made, "pdf")
                except OSError:              # pango missing: the HTML still serves
                    pdf = None
            st.session_state[KEY] = files = (tag, pdf, html, made.as_of.isoformat())
        else:
            return
    _tag, pdf, html, as_of = files
    if pdf is not None:
        box.download_button(ui.tr("brief.button"), pdf, file_name=f"veille-brief-{as_of}.pdf",
                            mime="application/pdf", key="brief_pdf", width="stretch")
    box.download_button(ui.tr("brief.button_html"), html,
                        file_name=f"veille-brief-{as_of}.html", mime="text/html",
                        key="brief_html", width="stretch")
    box.caption(ui.tr("brief.ready", size=ui.count(len(pdf or b"") / 1024),
                      html=ui.count(len(html) / 1024)))
