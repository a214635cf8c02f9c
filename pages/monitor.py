"""Tensions monitor: the review queue (verify, follow up, escalate — analysts), trends,
significant hot spots (Gi*), emerging hot spots and alerts (geo.records.review, geo.analysis.monitor)."""

from datetime import timedelta

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui
from ui import charts
from ui import monitor as ui_mon
from ui import risk as ui_risk
from geo.outputs import export
from geo.analysis import monitor
from geo.reference import elections
from geo.records import review
from geo.records.roles import AccessDenied
from geo.records.actions import UNITS
from geo.i18n import format_date, format_number, format_significant, t
from geo.records.fields import ENUMS, enum_label

ui.leave_legacy_pages_mode()
ui.require("view")

lang = ui.current_lang()
ss = st.session_state
engine = ui.engine()
st.title(ui.tr("monitor.title"))
st.caption(ui.tr("monitor.intro"))
ui.flash("mon_flash")

view = ui_risk.current_view()
as_of = ui_risk.table_for(view).attrs["as_of"]
reports = ui.records("tensions")
cercles = ui.display_cercles().set_index("cercle_id")
regions = ui.display_regions().set_index("region_id")["region_fr"]

SECTIONS = ["queue", "trends", "hotspots", "emerging", "alerts"]
SHOWN = 200                         # queue rows drawn (the exports hold them all)
ss.setdefault("mon_section", "queue")          # the widget's default, also set by a link
ui.from_url("section", "mon_section", ui.one_of(SECTIONS))
section = st.segmented_control(ui.tr("monitor.section"), SECTIONS, key="mon_section",
                               format_func=lambda k: t(f"monitor.section.{k}", lang)) or "queue"
ui.to_url("section", section, "queue")


def label(field: str, code) -> str:
    return enum_label("tensions", field, code, lang) if code == code and code else ""


def cercle_name(cid) -> str:
    return cercles["cercle_fr"].get(cid, "") if isinstance(cid, str) else ""


def place(row) -> str:
    """The report's cercle, or its region in brackets when it is placed no finer."""
    if isinstance(row.cercle_id, str):
        return cercle_name(row.cercle_id)
    return f"({regions.get(row.region_id, '')})" if isinstance(row.region_id, str) else ""


# --------------------------------------------------------------------------- queue

def queue_section() -> None:
    if reports.empty:
        st.info(ui.tr("monitor.no_reports"))
        return
    f1, f2, f3, f4 = st.columns(4)
    pick_regions = f1.multiselect(ui.tr("field.region"), list(regions.index), key="mon_regions",
                                  format_func=regions.get, placeholder=ui.tr("planner.all"))
    in_regions = [c for c in cercles.index if not pick_regions
                  or cercles.at[c, "region_id"] in pick_regions]
    pick_cercles = f2.multiselect(ui.tr("field.cercle"), sorted(in_regions, key=cercle_name),
                                  key="mon_cercles", format_func=cercle_name,
                                  placeholder=ui.tr("planner.all"))
    pick_cats = f3.multiselect(ui.tr("monitor.category"),
                               list(ENUMS[("tensions", "category")]), key="mon_cats",
                               format_func=lambda c: label("category", c),
                               placeholder=ui.tr("planner.all"))
    pick_sev = f4.multiselect(ui.tr("monitor.severity"), [1, 2, 3, 4, 5], key="mon_sev",
                              placeholder=ui.tr("planner.all"))
    g1, g2, g3, g4 = st.columns(4)
    pick_src = g1.multiselect(ui.tr("monitor.source"), list(ENUMS[("tensions", "source_type")]),
                              key="mon_src", format_func=lambda c: label("source_type", c),
                              placeholder=ui.tr("planner.all"))
    pick_ver = g2.multiselect(ui.tr("monitor.verification"), list(review.VERIFICATIONS),
                              key="mon_ver", format_func=lambda c: label("verification", c),
                              placeholder=ui.tr("planner.all"))
    pick_status = g3.multiselect(ui.tr("monitor.status"), list(review.STATUSES),
                                 key="mon_status", format_func=lambda c: label("status", c),
                                 placeholder=ui.tr("planner.all"))
    period = g4.date_input(ui.tr("monitor.period"), value=(), key="mon_period",
                           format="DD/MM/YYYY")
    escalated_only = st.toggle(ui.tr("monitor.escalated_only"), key="mon_escalated")
    since, until = (tuple(period) + (None, None))[:2] if period else (None, None)
    states = review.states(engine)
    queue = review.queue(reports, states, regions=pick_regions or None,
                         cercles=pick_cercles or None, categories=pick_cats or None,
                         severities=pick_sev or None, sources=pick_src or None,
                         verifications=pick_ver or None, statuses=pick_status or None,
                         escalated_only=escalated_only, since=since, until=until)
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
        "occurred_on": [format_date(d, lang) for d in top["occurred_on"]],
        "cercle": [place(r) for r in top.itertuples()],
        "category": top["category"].map(lambda c: label("category", c)),
        "severity": top["severity"],
        "source_type": top["source_type"].map(lambda c: label("source_type", c)),
        "verification": top["verification"].map(lambda c: label("verification", c)),
        "status": top["status"].map(lambda c: label("status", c)),
        "unit": top["unit"].map(lambda u: t(f"actions.unit.{u}", lang) if isinstance(u, str)
                                else ""),
        "escalated": top["escalated"],
        "reviewed_at": [format_date(d, lang, time=True) if pd.notna(d) else ""
                        for d in top["reviewed_at"]]})
    ui.dataframe(shown.rename(columns=columns), hide_index=True, width="stretch",
                 height=380, key="mon_table")
    # every report of the queue with its review state and history, made only when asked for
    ids = set(queue["report_id"])

    def queue_file(hxl: bool) -> bytes:
        chosen = export.export_frame(reports[reports["report_id"].isin(ids)], "tensions")
        return export.to_csv(review.with_review(chosen, engine), hxl=hxl)

    d1, d2, _ = st.columns([1.3, 1.6, 2.1])
    d1.download_button(ui.tr("monitor.download_csv"), lambda: queue_file(False),
                       file_name=f"veille-file-{as_of.isoformat()}.csv", mime="text/csv",
                       key="mon_csv")
    d2.download_button(ui.tr("monitor.download_hxl"), lambda: queue_file(True),
                       file_name=f"veille-file-{as_of.isoformat()}-hxl.csv", mime="text/csv",
                       key="mon_hxl")
    if top.empty:
        return
    review_form(top)


def review_form(top: pd.DataFrame) -> None:
    st.subheader(ui.tr("monitor.review"))
    rows = top.set_index("report_id")
    ids = list(rows.index)
    if ss.get("mon_report") not in ids:
        ss["mon_report"] = ids[0]
    places = {r.report_id: place(r) for r in top.itertuples()}
    rid = st.selectbox(ui.tr("monitor.pick"), ids, key="mon_report", format_func=lambda r: (
        f"{r} — {places[r]} · {label('category', rows.at[r, 'category'])}"
        f" · {format_date(rows.at[r, 'occurred_on'], lang)}"))
    row = rows.loc[rid]
    # the revision the user opened, kept until saved: someone else's change in between is
    # refused rather than overwritten
    if ss.get("mon_opened", (None,))[0] != rid:
        ss["mon_opened"] = (rid, int(row["revision"]))
    info, past_col = st.columns([1, 1])
    with info:
        st.markdown(ui.tr("monitor.report_line", cercle=ui.md_escape(places[rid]),
                          date=format_date(row["occurred_on"], lang),
                          category=label("category", row["category"]),
                          severity=row["severity"],
                          source=label("source_type", row["source_type"]),
                          precision=label("location_precision", row["location_precision"])))
        if isinstance(row.get("summary"), str) and row["summary"]:
            st.text(row["summary"])
    with past_col:
        past = review.history(engine, [rid])
        if past.empty:
            st.caption(ui.tr("monitor.no_history"))
        else:
            st.caption(ui.tr("monitor.history"))
            ui.dataframe(pd.DataFrame({
                ui.tr("monitor.col.when"): [format_date(v, lang, time=True) for v in past["at"]],
                ui.tr("monitor.col.who"): past["user_label"],
                ui.tr("monitor.col.field"): [ui.tr(f"monitor.field.{f}") for f in past["field"]],
                ui.tr("monitor.col.change"): [
                    f"{_value(f, o)} → {_value(f, n)}"
                    for f, o, n in zip(past["field"], past["old"], past["new"])]}),
                hide_index=True, width="stretch", key="mon_history")
    if not ui.allowed("review"):
        st.info(ui.tr("monitor.read_only"))
        return
    tag = f"{rid}_{row['revision']}"
    with st.form("mon_review"):
        c1, c2, c3 = st.columns(3)
        verification = c1.radio(ui.tr("monitor.verification"), review.VERIFICATIONS,
                                index=review.VERIFICATIONS.index(row["verification"]),
                                format_func=lambda c: label("verification", c),
                                key=f"mon_v_{tag}", horizontal=True)
        status = c2.radio(ui.tr("monitor.status"), review.STATUSES,
                          index=review.STATUSES.index(row["status"]),
                          format_func=lambda c: label("status", c), key=f"mon_s_{tag}",
                          horizontal=True)
        units = [None, *UNITS]
        unit = c3.selectbox(ui.tr("monitor.unit"), units,
                            index=units.index(row["unit"]) if row["unit"] in UNITS else 0,
                            format_func=lambda u: ui.tr("monitor.no_unit") if u is None
                            else t(f"actions.unit.{u}", lang), key=f"mon_u_{tag}",
                            help=ui.tr("actions.unit_help"))
        escalated = st.checkbox(ui.tr("monitor.escalate"), value=bool(row["escalated"]),
                                key=f"mon_e_{tag}", help=ui.tr("monitor.escalate_help"))
        note = st.text_area(ui.tr("monitor.note"), row["note"] if isinstance(row["note"], str)
                            else "", max_chars=review.MAX_NOTE, key=f"mon_n_{tag}",
                            help=ui.tr("monitor.note_help"))
        if st.form_submit_button(ui.tr("monitor.save"), type="primary"):
            try:
                review.change(engine, ui.current_user(), rid, ss["mon_opened"][1],
                              verification=verification, status=status, unit=unit,
                              escalated=escalated, note=note)
            except review.ReviewError as err:
                for code, details in err.problems:
                    if code == "conflict":
                        details = {**details, "at": format_date(pd.Timestamp(details["at"]),
                                                                lang, time=True)}
                    st.error(ui.tr(f"monitor.error.{code}", **details))
                if err.problems[0][0] == "conflict":     # show the current values next time
                    ss.pop("mon_opened", None)
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                ss.pop("mon_opened", None)
                ss["mon_flash"] = ui.tr("monitor.saved", id=rid)
                st.rerun()


def _value(field: str, value) -> str:
    if value is None:
        return "—"
    if field in ("verification", "status"):
        return label(field, value)
    if field == "unit":
        return t(f"actions.unit.{value}", lang)
    if field == "escalated":
        return ui.tr("audit.yes" if value == "true" else "audit.no")
    return value


# --------------------------------------------------------------------------- trends

def trends_section() -> None:
    if reports.empty:
        st.info(ui.tr("monitor.no_reports"))
        return
    first = pd.to_datetime(reports["occurred_on"]).min().date()
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    default = (max(first, as_of - timedelta(days=365)), as_of)
    period = c1.date_input(ui.tr("monitor.period"), value=default, key="mon_t_period",
                           format="DD/MM/YYYY", min_value=first, max_value=as_of)
    since, until = (tuple(period) + (None, None))[:2] if period else default
    until = until or since
    freq = c2.radio(ui.tr("monitor.freq"), list(monitor.FREQUENCIES), key="mon_t_freq",
                    format_func=lambda f: ui.tr(f"monitor.freq.{f}"), horizontal=True,
                    index=1)
    by = c3.selectbox(ui.tr("monitor.by"), list(monitor.GROUPS), key="mon_t_by",
                      format_func=lambda g: ui.tr(f"monitor.by.{g}"))
    weight = c4.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_t_weight",
                      format_func=lambda w: ui.tr(f"monitor.weight.{w}"), horizontal=True)
    table = monitor.trends(reports, since, until, freq=freq, by=by, weight=weight)
    if table.empty:
        st.info(ui.tr("monitor.no_reports_period"))
        return
    names = _group_names(by)
    table = table.assign(name=table["group"].map(names))
    if by == "cercle_id":                      # 50 colours say nothing: the 8 most active
        keep = monitor.most_active(reports, since, until, 8)
        table = table.assign(name=[n if g in keep else ui.tr("monitor.others")
                                   for g, n in zip(table["group"], table["name"])])
        table = table.groupby(["period", "name"], as_index=False)["value"].sum()
    value_title = ui.tr(f"monitor.weight.{weight}")
    # a time unit makes each bar as wide as its period; dates written as numbers (Vega's
    # month names are English only)
    unit = "yearmonth" if freq == "month" else "yearmonthdate"
    bars = charts.Chart(table, {
        "mark": {"type": "bar", "width": {"band": 0.85} if freq == "month" else 6},
        "encoding": {
            "x": charts.enc(f"{unit}(period):T", title=None, axis={
                "format": "%m/%Y" if freq == "month" else "%d/%m/%y", "labelAngle": 0}),
            "y": charts.enc("sum(value):Q", title=value_title),
            "color": charts.enc("name:N", title=ui.tr(f"monitor.by.{by}"), legend={
                "orient": "bottom", "columns": 4, "labelLimit": 260}),
            "tooltip": [
                charts.enc("period:T", title=ui.tr("monitor.col.date"), format="%d/%m/%Y"),
                charts.enc("name:N", title=ui.tr(f"monitor.by.{by}")),
                charts.enc("value:Q", title=value_title)]}})
    days = [d for d in elections.elections() if since <= d <= until]
    charts.draw(charts.with_rules(bars, days, [
        ui.tr("monitor.election", date=format_date(d, lang)) for d in days]), width="stretch")
    st.caption(ui.tr("monitor.elections_note"))

    st.subheader(ui.tr("monitor.small_multiples"))
    active = monitor.most_active(reports, since, until, 6)
    if active:
        per = monitor.trends(reports, since, until, freq=freq, by="cercle_id", weight=weight)
        per = per[per["group"].isin(active)].assign(name=lambda f: f["group"].map(cercle_name))
        charts.draw(charts.Chart(per, {
            "facet": charts.enc("name:N", title=None, sort=[cercle_name(c) for c in active]),
            "columns": 3, "spec": {
                "width": 260, "height": 120,
                "mark": {"type": "area", "line": True, "opacity": 0.6},
                "encoding": {
                    "x": charts.enc("period:T", title=None,
                                    axis={"format": "%m/%y", "labelAngle": 0}),
                    "y": charts.enc("value:Q", title=value_title),
                    "tooltip": [charts.enc("period:T", format="%d/%m/%Y",
                                           title=ui.tr("monitor.col.date")),
                                charts.enc("value:Q", title=value_title)]}}}))

    st.subheader(ui.tr("monitor.year_on_year"))
    yoy = monitor.year_on_year(reports, since, until, by=by)
    ui.dataframe(pd.DataFrame({
        ui.tr(f"monitor.by.{by}"): yoy["group"].map(names),
        ui.tr("monitor.col.current", since=format_date(since, lang),
              until=format_date(until, lang)): yoy["current"],
        ui.tr("monitor.col.year_before"): yoy["year_before"],
        ui.tr("monitor.col.difference"): yoy["change"]}), hide_index=True, width="stretch",
        key="mon_yoy")


def _group_names(by: str) -> dict:
    if by == "category":
        return {c: label("category", c) for c in ENUMS[("tensions", "category")]}
    if by == "region_id":
        return regions.to_dict()
    return cercles["cercle_fr"].to_dict()


# --------------------------------------------------------------------------- hot spots

def hotspots_section() -> None:
    c1, c2, c3, c4 = st.columns(4)
    level = c1.radio(ui.tr("monitor.level"), list(monitor.LEVELS), key="mon_h_level",
                     format_func=lambda v: ui.tr(f"monitor.level.{v}"), horizontal=True)
    contiguity = c2.radio(ui.tr("monitor.contiguity"), list(monitor.CONTIGUITY),
                          key="mon_h_contiguity", horizontal=True,
                          format_func=lambda v: ui.tr(f"monitor.contiguity.{v}"))
    band = c3.slider(ui.tr("monitor.band_km"), 25, 400, int(monitor.DEFAULT_BAND_KM), 25,
                     key="mon_h_band", disabled=contiguity != "distance")
    weight = c4.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_h_weight",
                      format_func=lambda w: ui.tr(f"monitor.weight.{w}"), horizontal=True)
    window = view.window_days
    with st.spinner(ui.tr("monitor.computing")):
        result = ui_mon.hotspots(as_of, window, level, weight, contiguity, band)
    st.caption(ui.tr("monitor.hotspots_note", window=window, date=format_date(as_of, lang),
                     n=format_number(monitor.PERMUTATIONS, lang)))
    fmap = ui_mon.hotspot_map(result, level, lang, as_of)
    col_map, col_table = st.columns([3, 2])
    with col_map:
        st_folium(fmap, key=f"mon_hot_map_{level}", height=520, use_container_width=True,
                  returned_objects=[])
        ui.map_legend(fmap)
    with col_table:
        significant = result[result["class"] != "none"]
        st.markdown(ui.tr("monitor.hot_count",
                          hot=ui.count(int(significant["class"].str.startswith("hot").sum())),
                          cold=ui.count(int(significant["class"].str.startswith("cold").sum()))))
        names = _unit_names(level)
        ui.dataframe(pd.DataFrame({
            ui.tr(f"monitor.level.{level}"): significant["unit_id"].map(names),
            ui.tr("monitor.col.class"): significant["class"].map(
                lambda c: ui.tr(f"monitor.class.{c}")),
            ui.tr("monitor.col.value", weight=ui.tr(f"monitor.weight.{weight}")):
                significant["value"],
            "Gi* z": significant["gi_z"].round(2),
            "p (permutations)": significant["p_sim"]}).sort_values("Gi* z", ascending=False),
            hide_index=True, width="stretch", height=min(440, 38 + 35 * len(significant)),
            key="mon_hot_table")
    st.caption(ui.tr("monitor.hotspots_method"))


def _unit_names(level: str) -> dict:
    if level == "cercle":
        return cercles["cercle_fr"].to_dict()
    communes = ui.display_communes().set_index("commune_id")
    return {c: f"{communes.at[c, 'commune_fr']} ({cercle_name(communes.at[c, 'cercle_id'])})"
            for c in communes.index}


def emerging_section() -> None:
    c1, c2 = st.columns([2, 1])
    months = c1.slider(ui.tr("monitor.months"), 6, 36, 24, 1, key="mon_e_months")
    weight = c2.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_e_weight",
                      format_func=lambda w: ui.tr(f"monitor.weight.{w}"), horizontal=True)
    with st.spinner(ui.tr("monitor.computing")):
        result = ui_mon.emerging(as_of, months, weight)
    st.caption(ui.tr("monitor.emerging_note", months=months, date=format_date(as_of, lang)))
    fmap = ui_mon.emerging_map(result, lang)
    col_map, col_table = st.columns([3, 2])
    with col_map:
        st_folium(fmap, key="mon_emerging_map", height=520, use_container_width=True,
                  returned_objects=[])
        ui.map_legend(fmap)
    with col_table:
        found = result[result["category"] != "none"]
        if found.empty:
            st.info(ui.tr("monitor.no_emerging"))
        else:
            ui.dataframe(pd.DataFrame({
                ui.tr("field.cercle"): found["unit_id"].map(cercle_name),
                ui.tr("monitor.col.category"): found["category"].map(
                    lambda c: ui.tr(f"monitor.emerging.{c}")),
                ui.tr("monitor.col.hot_months"): found["hot_months"],
                ui.tr("monitor.col.cold_months"): found["cold_months"],
                "Mann-Kendall τ": found["mk_tau"].round(2),
                "p": found["mk_p"].round(3)}), hide_index=True, width="stretch",
                height=min(440, 38 + 35 * len(found)), key="mon_emerging_table")
    with st.expander(ui.tr("monitor.emerging_definitions")):
        for c in monitor.PATTERNS:
            st.markdown(f"- **{ui.tr(f'monitor.emerging.{c}_hot')}** — "
                        f"{ui.tr(f'monitor.definition.{c}')}")
        st.markdown(ui.tr("monitor.definition.cold"))


def alerts_section() -> None:
    flagged = ui_mon.alerts(as_of)
    st.caption(ui.tr("monitor.alerts_note", date=format_date(as_of, lang)))
    if flagged.empty:
        st.success(ui.tr("monitor.no_alerts"))
        return
    ui.dataframe(pd.DataFrame({
        ui.tr("field.cercle"): flagged["cercle_id"].map(cercle_name),
        ui.tr("field.region"): flagged["cercle_id"].map(cercles["region_fr"]),
        ui.tr("monitor.col.window"): flagged["window_days"],
        ui.tr("monitor.col.observed"): flagged["observed"],
        ui.tr("monitor.col.baseline"): flagged["baseline"],
        ui.tr("monitor.col.expected"): flagged["expected"].round(2),
        ui.tr("monitor.col.ratio"): flagged["ratio"].round(1),
        ui.tr("monitor.col.p"): flagged["p_value"].map(
            lambda p: format_significant(p, lang, 2))}),
        hide_index=True, width="stretch", key="mon_alerts")


{"queue": queue_section, "trends": trends_section, "hotspots": hotspots_section,
 "emerging": emerging_section, "alerts": alerts_section}[section]()
