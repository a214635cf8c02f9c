"""The tensions monitor's trends: reports over time by category, region or cercle, with the
election rounds marked, small multiples and the year-on-year comparison."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

import ui
from geo.i18n import format_date, t
from geo.records.fields import ENUMS
from geo.analysis import monitor
from geo.reference import elections
from ui import charts
from ui.monitor import Monitor


def trends_section(m: Monitor) -> None:
    if m.reports.empty:
        st.info(ui.tr("monitor.no_reports"))
        return
    first = pd.to_datetime(m.reports["occurred_on"]).min().date()
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    default = (max(first, m.as_of - timedelta(days=365)), m.as_of)
    period = c1.date_input(ui.tr("monitor.period"), value=default, key="mon_t_period",
                           format="DD/MM/YYYY", min_value=first, max_value=m.as_of)
    since, until = (tuple(period) + (None, None))[:2] if period else default
    until = until or since
    freq = c2.radio(ui.tr("monitor.freq"), list(monitor.FREQUENCIES), key="mon_t_freq",
                    format_func=lambda f: t(f"monitor.freq.{f}", m.lang), horizontal=True,
                    index=1)
    by = c3.selectbox(ui.tr("monitor.by"), list(monitor.GROUPS), key="mon_t_by",
                      format_func=lambda g: t(f"monitor.by.{g}", m.lang),
                      placeholder=ui.tr("chrome.choose"))
    weight = c4.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_t_weight",
                      format_func=lambda w: t(f"monitor.weight.{w}", m.lang), horizontal=True)
    table = monitor.trends(m.reports, since, until, freq=freq, by=by, weight=weight)
    if table.empty:
        st.info(ui.tr("monitor.no_reports_period"))
        return
    names = _group_names(m, by)
    table = table.assign(name=table["group"].map(names))
    if by == "cercle_id":                      # 50 colours say nothing: the 8 most active
        keep = monitor.most_active(m.reports, since, until, 8)
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
        ui.tr("monitor.election", date=format_date(d, m.lang)) for d in days]), width="stretch")
    st.caption(ui.tr("monitor.elections_note"))

    st.subheader(ui.tr("monitor.small_multiples"))
    active = monitor.most_active(m.reports, since, until, 6)
    if active:
        per = monitor.trends(m.reports, since, until, freq=freq, by="cercle_id", weight=weight)
        per = per[per["group"].isin(active)].assign(name=lambda f: f["group"].map(m.cercle_name))
        charts.draw(charts.Chart(per, {
            "facet": charts.enc("name:N", title=None, sort=[m.cercle_name(c) for c in active]),
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
    yoy = monitor.year_on_year(m.reports, since, until, by=by)
    ui.dataframe(pd.DataFrame({
        ui.tr(f"monitor.by.{by}"): yoy["group"].map(names),
        ui.tr("monitor.col.current", since=format_date(since, m.lang),
              until=format_date(until, m.lang)): yoy["current"],
        ui.tr("monitor.col.year_before"): yoy["year_before"],
        ui.tr("monitor.col.difference"): yoy["change"]}), hide_index=True, width="stretch",
        key="mon_yoy")



def _group_names(m: Monitor, by: str) -> dict:
    if by == "category":
        return {c: m.label("category", c) for c in ENUMS[("tensions", "category")]}
    if by == "region_id":
        return m.regions.to_dict()
    return m.cercles["cercle_fr"].to_dict()

