"""The tensions monitor's review queue: filters over every report, the queue's figures and
downloads, and the review form of one report (saved against the revision opened)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo.analysis import disclosure
from geo.i18n import format_date, t
from geo.ingest import demo
from geo.outputs import export
from geo.records import review
from geo.records.actions import UNITS
from geo.records.fields import ENUMS
from ui import downloads
from ui.data import CACHE_TTL
from ui.monitor import Monitor

SHOWN = 200                         # queue rows drawn (the exports hold them all)


def filtered_queue(**filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review states (:func:`geo.records.review.states`) and the queue of the published
    reports with ``filters`` (:func:`geo.records.review.queue`; empty tuples: no filter),
    kept per store content and filters: every widget change runs the page again."""
    states, queue = _filtered_queue(ui.store_token(), tuple(sorted(filters.items())))
    return states.copy(deep=False), queue.copy(deep=False)


# kept as shared objects, a shallow copy to each caller (see ui.data.records); the reviews
# are in the store's token (geo.records.store.version_token)
@st.cache_resource(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _filtered_queue(token: tuple, filters: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    states = review.states(ui.engine())
    given = {name: (value or None) if isinstance(value, tuple) else value
             for name, value in filters}
    return states, review.queue(ui.records("tensions"), states, **given)


def queue_section(m: Monitor) -> None:
    if m.reports.empty:
        st.info(ui.tr("monitor.no_reports"))
        return
    f1, f2, f3, f4 = st.columns(4)
    pick_regions = f1.multiselect(ui.tr("field.region"), list(m.regions.index), key="mon_regions",
                                  format_func=m.regions.get, placeholder=ui.tr("planner.all"),
                                  select_all=False)
    in_regions = [c for c in m.cercles.index if not pick_regions
                  or m.cercles.at[c, "region_id"] in pick_regions]
    pick_cercles = f2.multiselect(ui.tr("field.cercle"), sorted(in_regions, key=m.cercle_name),
                                  key="mon_cercles", format_func=m.cercle_name,
                                  placeholder=ui.tr("planner.all"), select_all=False)
    # the filters whose labels follow the language keep their choice across a switch
    pick_cats = ui.localized_multiselect(f3, ui.tr("monitor.category"),
                                         list(ENUMS[("tensions", "category")]), key="mon_cats",
                                         format_func=lambda c: m.label("category", c),
                                         placeholder=ui.tr("planner.all"), select_all=False)
    pick_sev = f4.multiselect(ui.tr("monitor.severity"), [1, 2, 3, 4, 5], key="mon_sev",
                              placeholder=ui.tr("planner.all"), select_all=False)
    g1, g2, g3, g4 = st.columns(4)
    # the sources as published: the network's reports under one (geo.analysis.disclosure)
    sources = [s for s in ENUMS[("tensions", "source_type")]
               if s not in disclosure.NETWORK_SOURCES] + [disclosure.NETWORK_LABEL]
    pick_src = ui.localized_multiselect(
        g1, ui.tr("monitor.source"), sources, key="mon_src",
        format_func=lambda c: m.label("source_type", c), placeholder=ui.tr("planner.all"),
        select_all=False)
    pick_ver = ui.localized_multiselect(
        g2, ui.tr("monitor.verification"), list(review.VERIFICATIONS), key="mon_ver",
        format_func=lambda c: m.label("verification", c), placeholder=ui.tr("planner.all"),
        select_all=False)
    pick_status = ui.localized_multiselect(
        g3, ui.tr("monitor.status"), list(review.STATUSES), key="mon_status",
        format_func=lambda c: m.label("status", c), placeholder=ui.tr("planner.all"),
        select_all=False)
    period = g4.date_input(ui.tr("monitor.period"), value=(), key="mon_period",
                           format="DD/MM/YYYY")
    escalated_only = st.toggle(ui.tr("monitor.escalated_only"), key="mon_escalated")
    since, until = (tuple(period) + (None, None))[:2] if period else (None, None)
    states, queue = filtered_queue(
        regions=tuple(pick_regions), cercles=tuple(pick_cercles), categories=tuple(pick_cats),
        severities=tuple(pick_sev), sources=tuple(pick_src), verifications=tuple(pick_ver),
        statuses=tuple(pick_status), escalated_only=escalated_only, since=since, until=until)
    waiting = int((queue["verification"] == "unverified").sum())
    following = int((queue["status"] == "follow_up").sum())
    st.caption(ui.tr("monitor.queue_count", n=ui.count(len(queue)), waiting=ui.count(waiting),
                     following=ui.count(following), shown=ui.count(min(len(queue), SHOWN))))
    top = queue.head(SHOWN)
    columns = {
        "report_id": ui.tr("monitor.col.report"), "occurred_on": ui.tr("monitor.col.date"),
        "cercle": ui.tr("field.cercle"), "category": ui.tr("monitor.category"),
        "severity": ui.tr("monitor.severity"), "source_type": ui.tr("monitor.source"),
        "verification": ui.tr("monitor.verification"), "status": ui.tr("monitor.status"),
        "unit": ui.tr("monitor.unit"), "escalated": ui.tr("monitor.escalated"),
        "reviewed_at": ui.tr("monitor.col.reviewed_at")}
    shown = pd.DataFrame({
        "report_id": top["report_id"],
        "occurred_on": [format_date(d, m.lang) for d in top["occurred_on"]],
        "cercle": m.places(top),
        "category": top["category"].map(lambda c: m.label("category", c)),
        "severity": top["severity"],
        "source_type": top["source_type"].map(lambda c: m.label("source_type", c)),
        "verification": top["verification"].map(lambda c: m.label("verification", c)),
        "status": top["status"].map(lambda c: m.label("status", c)),
        "unit": top["unit"].map(lambda u: t(f"actions.unit.{u}", m.lang) if isinstance(u, str)
                                else ""),
        "escalated": top["escalated"],
        "reviewed_at": [format_date(d, m.lang, time=True) if pd.notna(d) else ""
                        for d in top["reviewed_at"]]})
    ui.dataframe(shown.rename(columns=columns), hide_index=True, width="stretch",
                 height=380, key="mon_table")
    # every report of the queue with its review state and history, made only when asked for
    ids = set(queue["report_id"])

    def queue_file(hxl: bool) -> bytes:
        chosen = export.export_frame(m.reports[m.reports["report_id"].isin(ids)], "tensions")
        return export.to_csv(review.with_review(chosen, m.engine), hxl=hxl, lang=m.lang)

    # the review history is restricted: served to this session only (ui.downloads)
    d1, d2, _ = st.columns([1.3, 1.6, 2.1])
    downloads.offer(d1, ui.tr("monitor.download_csv"), lambda: queue_file(False),
                    f"veille-file-{m.as_of.isoformat()}.csv", "text/csv", key="mon_csv")
    downloads.offer(d2, ui.tr("monitor.download_hxl"), lambda: queue_file(True),
                    f"veille-file-{m.as_of.isoformat()}-hxl.csv", "text/csv", key="mon_hxl")
    if queue.empty and st.session_state.get(PICKED) is None:
        return
    review_form(m, queue, states)


#: The session key of the report under review: it stays selected after its review is saved,
#: even when the review takes it out of the filters or to the end of the queue.
PICKED = "mon_report"
#: Its place in the queue when it was chosen: "next report" takes the one that followed it.
PLACE = "mon_report_place"


def review_form(m: Monitor, queue: pd.DataFrame, states: pd.DataFrame) -> None:
    """The review of one report, chosen among the whole filtered queue (the list is searched
    by typing); the report stays selected once saved, and "next report" moves on."""
    st.subheader(ui.tr("monitor.review"))
    if (saved := st.session_state.pop("mon_saved", None)) is not None:
        st.success(saved, icon=":material/check_circle:")
    ids = in_queue = list(queue["report_id"])
    picked = st.session_state.get(PICKED)
    if picked is not None and picked not in ids:
        # the report under review left the filters (or the queue's order moved it): it stays
        # selected, first in the list
        kept = review.queue(m.reports[m.reports["report_id"] == picked], states)
        if kept.empty:
            picked = None
        else:
            queue = pd.concat([kept, queue], ignore_index=True)
            ids = [picked, *ids]
    if not ids:
        return
    if picked is None:
        picked = ids[0]
        st.session_state[PICKED] = picked
        st.session_state[PLACE] = 0
    rows = queue.set_index("report_id")
    places = dict(zip(queue["report_id"].tolist(), m.places(queue)))
    # every option's label, once per run: the selectbox asks for each of them (a queue of
    # thousands of reports: per-row lookups were most of the monitor's server time)
    categories, dates = {}, {}
    labels = {}
    for r, category, day in zip(queue["report_id"].tolist(), queue["category"].tolist(),
                                queue["occurred_on"].tolist()):
        if category not in categories:
            categories[category] = m.label("category", category)
        if day not in dates:
            dates[day] = format_date(day, m.lang)
        labels[r] = f"{r} — {places[r]} · {categories[category]} · {dates[day]}"

    def chosen():
        now = st.session_state[PICKED]
        st.session_state[PLACE] = in_queue.index(now) if now in in_queue else 0

    def following():
        """The report that followed this one in the queue when it was chosen: the one now
        at its place once it is left out (reviewed, it may have moved or left the
        filters); the first after the last."""
        now, place = st.session_state[PICKED], st.session_state.get(PLACE, 0)
        rest = [r for r in in_queue if r != now]
        if not rest:
            return
        after = rest[place] if place < len(rest) else rest[0]
        st.session_state[PICKED] = after
        st.session_state[PLACE] = in_queue.index(after)

    col_pick, col_next = st.columns([4, 1], vertical_alignment="bottom")
    rid = ui.localized_selectbox(col_pick, ui.tr("monitor.pick"), ids, key=PICKED,
                                 default=picked, format_func=labels.__getitem__,
                                 on_change=chosen, help=ui.tr("monitor.pick_help",
                                                              n=ui.count(len(ids))))
    col_next.button(ui.tr("monitor.next"), key="mon_next", on_click=following,
                    icon=":material/skip_next:", disabled=len(ids) < 2)
    row = rows.loc[rid]
    ui.edit_revision("mon_opened", rid, row["revision"])
    info, past_col = st.columns([1, 1])
    with info:
        st.markdown(ui.tr("monitor.report_line", cercle=ui.md_escape(places[rid]),
                          date=format_date(row["occurred_on"], m.lang),
                          category=m.label("category", row["category"]),
                          severity=row["severity"],
                          source=m.label("source_type", row["source_type"]),
                          precision=m.label("location_precision", row["location_precision"])))
        if isinstance(row.get("summary"), str) and row["summary"]:
            st.text(demo.summary_text(row["summary"], m.lang))
    with past_col:
        past = review.history(m.engine, [rid])
        if past.empty:
            st.caption(ui.tr("monitor.no_history"))
        else:
            st.caption(ui.tr("monitor.history"))
            ui.dataframe(pd.DataFrame({
                ui.tr("monitor.col.when"): [format_date(v, m.lang, time=True) for v in past["at"]],
                ui.tr("monitor.col.who"): past["user_label"],
                ui.tr("monitor.col.field"): [ui.tr(f"monitor.field.{f}") for f in past["field"]],
                ui.tr("monitor.col.change"): [
                    f"{_value(m, f, o)} → {_value(m, f, n)}"
                    for f, o, n in zip(past["field"], past["old"], past["new"])]}),
                hide_index=True, width="stretch", key="mon_history")
    if not ui.allowed("review"):
        st.info(ui.tr("monitor.read_only"))
        return
    # per report, revision and language: the form opens on the stored review (its radios'
    # labels follow the language; a switch must not leave them unticked)
    tag = f"{rid}_{row['revision']}_{m.lang}"
    with st.form("mon_review"):
        c1, c2, c3 = st.columns(3)
        verification = c1.radio(ui.tr("monitor.verification"), review.VERIFICATIONS,
                                index=review.VERIFICATIONS.index(row["verification"]),
                                format_func=lambda c: m.label("verification", c),
                                key=f"mon_v_{tag}", horizontal=True)
        status = c2.radio(ui.tr("monitor.status"), review.STATUSES,
                          index=review.STATUSES.index(row["status"]),
                          format_func=lambda c: m.label("status", c), key=f"mon_s_{tag}",
                          horizontal=True)
        units = [None, *UNITS]
        unit = c3.selectbox(ui.tr("monitor.unit"), units,
                            index=units.index(row["unit"]) if row["unit"] in UNITS else 0,
                            format_func=lambda u: t("monitor.no_unit", m.lang) if u is None
                            else t(f"actions.unit.{u}", m.lang), key=f"mon_u_{tag}",
                            help=ui.tr("actions.unit_help"), placeholder=ui.tr("chrome.choose"))
        escalated = st.checkbox(ui.tr("monitor.escalate"), value=bool(row["escalated"]),
                                key=f"mon_e_{tag}", help=ui.tr("monitor.escalate_help"))
        note = st.text_area(ui.tr("monitor.note"), row["note"] if isinstance(row["note"], str)
                            else "", max_chars=review.MAX_NOTE, key=f"mon_n_{tag}",
                            help=ui.tr("monitor.note_help"))
        if st.form_submit_button(ui.tr("monitor.save"), type="primary"):
            def problems(err: review.ReviewError) -> None:
                for code, details in err.problems:
                    if code == "conflict":
                        details = {**details, "at": format_date(pd.Timestamp(details["at"]),
                                                                m.lang, time=True)}
                    st.error(ui.tr_text(f"monitor.error.{code}", **details))

            ui.save_edit(m.page, "mon_opened", lambda revision: review.change(
                m.engine, ui.current_user(), rid, revision, verification=verification,
                status=status, unit=unit, escalated=escalated, note=note),
                review.ReviewError, problems, ui.tr_text("monitor.saved", id=rid),
                flash_key="mon_saved")



def _value(m: Monitor, field: str, value) -> str:
    if value is None:
        return "—"
    if field in ("verification", "status"):
        return m.label(field, value)
    if field == "unit":
        return ui.tr(f"actions.unit.{value}")
    if field == "escalated":
        return ui.tr("audit.yes" if value == "true" else "audit.no")
    return value

