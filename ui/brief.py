"""The brief, one click away on the analysis pages: the user chooses the period, a cercle or
region of focus, the saved scenarios and the sections (defaults: the view on screen, the
scenario on the planner if saved); preparing shows its progress where the button is, and the
two downloads (PDF, self-contained HTML) take the button's place."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

import ui
from geo.i18n import format_date, t
from geo.outputs import brief
from geo.plans import scenarios
from ui import risk as ui_risk
from ui.data import CACHE_TTL

KEY = "brief_files"
WINDOWS = (30, 60, 90, 180, 365)


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _scenario_labels(token: tuple, lang: str) -> dict[int, str]:
    """The saved scenarios, "name (date)" by id (cached per planning content)."""
    return {int(r.scenario_id): f"{r.name} ({format_date(r.created_at, lang)})"
            for r in scenarios.listing(ui.engine()).itertuples()}


def _choices(box, view) -> dict:
    """The brief's content as chosen in its expander (kept in the session)."""
    lang = ui.current_lang()
    ss = st.session_state
    lo, hi = ui_risk.as_of_bounds()
    table = ui_risk.table_for(view)
    as_of = table.attrs["as_of"]
    with box.expander(ui.tr("brief.choose"), expanded=False):
        day = st.date_input(ui.tr("brief.choose_as_of"), value=as_of, min_value=lo,
                            max_value=hi, format="DD/MM/YYYY", key=f"brief_as_of_{as_of}")
        windows = sorted({*WINDOWS, view.window_days})
        # the choices whose labels follow the language keep their value across a switch
        window = ui.localized_selectbox(st, ui.tr("brief.choose_window"), windows,
                                        default=view.window_days,
                                        format_func=lambda d: t("brief.choose_days", lang, n=d),
                                        key=f"brief_window_{view.window_days}")
        regions = dict(zip(table["region_id"], table["region_fr"]))
        cercles = dict(zip(table.index, zip(table["cercle_fr"], table["region_fr"])))
        # every option's label once per run (the selectbox asks for each of them)
        # the whole country is "" (a select box shows None as no choice: its placeholder)
        focus_labels = {"": ui.tr("brief.focus_none"),
                        **{r: t("brief.focus_region", lang, name=name)
                           for r, name in sorted(regions.items(), key=lambda kv: kv[1])},
                        **{c: t("brief.focus_cercle", lang, name=name, region=region)
                           for c, (name, region) in sorted(cercles.items(),
                                                           key=lambda kv: kv[1][0])}}
        focus = ui.localized_selectbox(st, ui.tr("brief.choose_focus"), list(focus_labels),
                                       key="brief_focus", default="",
                                       format_func=focus_labels.__getitem__)
        labels = _scenario_labels(ui.planning_token(), lang)
        on_screen = ss.get("plan_source")
        ss.setdefault("brief_scenarios", [int(on_screen)] if on_screen and
                      str(on_screen).isdigit() and int(on_screen) in labels else [])
        chosen = ui.localized_multiselect(st, ui.tr("brief.choose_scenarios"), list(labels),
                                          key="brief_scenarios", format_func=labels.get,
                                          placeholder=ui.tr("brief.none_chosen"),
                                          select_all=False)
        sections = ui.localized_multiselect(st, ui.tr("brief.choose_sections"),
                                            list(brief.SECTIONS), pills=True,
                                            default=list(brief.DEFAULT_SECTIONS),
                                            key="brief_sections",
                                            format_func=lambda s: t(f"brief.section.{s}", lang))
    return {"as_of": day if isinstance(day, date) else as_of, "window": int(window),
            "focus": focus or None, "scenarios": tuple(c for c in chosen if c in labels),
            "sections": tuple(sections)}


def sidebar_button(slot) -> None:
    """In ``slot`` (the sidebar): the choices, then prepare; the downloads replace the button
    (kept until the choices, the view, the language or the store change)."""
    view = ui_risk.current_view()
    box = slot.container(border=True)
    choice = _choices(box, view)
    shown_as_of = ui_risk.table_for(view).attrs["as_of"]
    view = view.replace(window_days=choice["window"])
    if choice["as_of"] != shown_as_of:       # else the view as on screen: its cached table
        view = view.replace(as_of=choice["as_of"])
    tag = (repr(view), repr(sorted(choice.items())), ui.current_lang(), ui.store_token())
    here = box.empty()                  # the button, its progress, then the downloads
    files = st.session_state.get(KEY)
    if files is None or files[0] != tag:
        if not here.button(ui.tr("brief.prepare"), key="brief_prepare", width="stretch",
                           type="primary"):
            return
        with here.container():
            files = _prepare(view, choice, tag)
        st.session_state[KEY] = files
    _tag, pdf, html, as_of = files
    with here.container():
        if pdf is not None:
            st.download_button(ui.tr("brief.button"), pdf,
                               file_name=f"veille-brief-{as_of}.pdf", mime="application/pdf",
                               key="brief_pdf", width="stretch", on_click="ignore",
                               type="primary")
        st.download_button(ui.tr("brief.button_html"), html,
                           file_name=f"veille-brief-{as_of}.html", mime="text/html",
                           key="brief_html", width="stretch", on_click="ignore")
        st.caption(ui.tr("brief.ready", size=ui.count(len(pdf or b"") / 1024),
                         html=ui.count(len(html) / 1024)))


def _prepare(view, choice: dict, tag) -> tuple:
    """Make the brief, its progress shown step by step."""
    lang = ui.current_lang()
    status = st.status(ui.tr("brief.preparing"), expanded=True)
    bar = status.progress(0.0)

    def progress(fraction: float, step: str) -> None:
        bar.progress(min(fraction, 1.0), text=t(f"brief.step.{step}", lang))

    table = ui_risk.table_for(view)
    prev = view.replace(as_of=table.attrs["as_of"] - timedelta(days=view.window_days))
    made = brief.build(ui.engine(), view, lang, choice["scenarios"], ui.settings().min_count,
                       focus=choice["focus"], sections=choice["sections"],
                       progress=progress, tables=(table, ui_risk.table_for(prev)))
    html = brief.render(made, "html")
    progress(0.9, "pdf")
    try:
        pdf = brief.render(made, "pdf")
    except OSError:              # pango missing: the HTML still serves
        pdf = None
    progress(1.0, "done")
    status.update(label=ui.tr("brief.prepared"), state="complete", expanded=False)
    return (tag, pdf, html, made.as_of.isoformat())
