"""Streamlit glue of the tensions monitor: what its sections share (:class:`Monitor`), cached
analyses, their maps, alert lines, and the hot spot, emerging hot spot and alert sections (the
queue: :mod:`ui.monitor_queue`; the trends: :mod:`ui.monitor_trends`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

import ui
from ui import map_cache
from ui.data import CACHE_TTL
from geo.outputs import maps
from geo.analysis import counts, monitor
from geo.i18n import format_date, format_number, format_significant, t
from geo.records.fields import enum_label
from geo.outputs.layers import HOTSPOT_CODE, emerging_layer, hotspot_layer


@dataclass(frozen=True)
class Monitor:
    """What every section of the monitor reads: the page, the view's as-of date, the stored
    reports and the names of the units."""

    page: ui.Page
    view: object
    as_of: date
    reports: pd.DataFrame
    cercles: pd.DataFrame
    regions: pd.Series

    @property
    def lang(self) -> str:
        return self.page.lang

    @property
    def engine(self):
        return self.page.engine

    def label(self, field: str, code) -> str:
        return enum_label("tensions", field, code, self.lang) if code == code and code else ""

    @functools.cached_property
    def _cercle_names(self) -> dict:
        return self.cercles["cercle_fr"].to_dict()

    def cercle_name(self, cid) -> str:
        return self._cercle_names.get(cid, "") if isinstance(cid, str) else ""

    def _place(self, cercle_id, region_id) -> str:
        """The report's cercle, or its region in brackets when it is placed no finer."""
        if isinstance(cercle_id, str):
            return self.cercle_name(cercle_id)
        return f"({self.regions.get(region_id, '')})" if isinstance(region_id, str) else ""

    def places(self, reports: pd.DataFrame) -> list[str]:
        """Where every report is (:meth:`_place`), in order (without a row object per report: a
        queue of thousands is read on every run of the monitor)."""
        return [self._place(c, r) for c, r in zip(reports["cercle_id"].tolist(),
                                                  reports["region_id"].tolist())]


def context(page: ui.Page) -> Monitor:
    """The monitor's shared state for this run."""
    from ui import risk as ui_risk

    view = ui_risk.current_view()
    return Monitor(page, view, ui_risk.table_for(view).attrs["as_of"], ui.records("tensions"),
                   ui.display_cercles().set_index("cercle_id"),
                   ui.display_regions().set_index("region_id")["region_fr"])


def period_line(m: Monitor) -> None:
    """The view's reports of the period, as every output counts them."""
    period = counts.period_reports(m.reports, m.as_of, m.view.window_days)
    st.caption(ui.md_escape(counts.count_text(period, m.lang)), help=ui.tr("counts.help"))


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _hotspots(token: tuple, as_of: date, window_days: int, level: str, weight: str,
              contiguity: str, band_km: float) -> pd.DataFrame:
    return monitor.hotspots(ui.records("tensions"), as_of, window_days, level=level,
                            weight=weight, contiguity=contiguity, band_km=band_km)


def hotspots(as_of: date, window_days: int, level: str = "cercle", weight: str = "count",
             contiguity: str = "queen", band_km: float = monitor.DEFAULT_BAND_KM
             ) -> pd.DataFrame:
    """Gi* hot spots of the store's reports (cached per store content and options)."""
    return _hotspots(ui.store_token(), as_of, window_days, level, weight, contiguity,
                     float(band_km))


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _emerging(token: tuple, as_of: date, months: int, weight: str) -> pd.DataFrame:
    return monitor.emerging(ui.records("tensions"), as_of, months, weight=weight)


def emerging(as_of: date, months: int, weight: str = "count") -> pd.DataFrame:
    return _emerging(ui.store_token(), as_of, months, weight)


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _alerts(token: tuple, as_of: date) -> pd.DataFrame:
    return monitor.alerts(ui.records("tensions"), as_of)


def alerts(as_of: date) -> pd.DataFrame:
    """The cercles in alert on ``as_of`` (14 and 30 days; cached)."""
    return _alerts(ui.store_token(), as_of)


def alert_lines(flagged: pd.DataFrame, lang: str) -> list[str]:
    """One line per cercle in alert (its most significant window): "Ségou — 4 reports in 14
    days, 0.46 expected (×8.7)"."""
    names = ui.display_cercles().set_index("cercle_id")["cercle_fr"]
    lines = []
    for row in flagged.drop_duplicates("cercle_id").itertuples():
        lines.append(ui.tr("monitor.alert_line", cercle=names.get(row.cercle_id, row.cercle_id),
                       n=format_number(row.observed, lang), days=row.window_days,
                       expected=format_significant(row.expected, lang, 2),
                       ratio=format_significant(row.ratio, lang, 2)))
    return lines


def hotspot_map(result: pd.DataFrame, level: str, lang: str, as_of: date):
    """Cercles (or communes) coloured by their Gi* class, legend beside the map (commune
    tooltips carry the published mediator counts of ``as_of``, as on the Coverage page)."""
    layer = hotspot_layer(level)
    codes = result.set_index("unit_id")["class"].map(HOTSPOT_CODE)
    if level == "cercle":
        units_gdf = ui.display_cercles()[["geometry"]].join(ui.cercle_indicators()[
            ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]])
        units_gdf["hotspot_code"] = codes.reindex(units_gdf.index).to_numpy()
    else:
        from ui import coverage as ui_cov

        communes = ui_cov.commune_table(as_of, lang).set_index("commune_id")
        units_gdf = ui.display_communes()[["geometry"]].join(communes)
        units_gdf["hotspot_code"] = codes.reindex(units_gdf.index).to_numpy()
    return map_cache.prepared(
        lambda: maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                                    assets=ui.map_assets(), height_px=520, legend_inside=False),
        "hotspots", level, units_gdf, lang, ui.map_assets())


def emerging_map(result: pd.DataFrame, lang: str):
    """Cercles coloured by their emerging category (the legend lists those present)."""
    present = [c for c in monitor.CATEGORIES if c in set(result["category"])]
    layer = emerging_layer(present)
    code = {c: i for i, c in enumerate(present)}
    units_gdf = ui.display_cercles()[["geometry"]].join(ui.cercle_indicators()[
        ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]])
    units_gdf["emerging_code"] = result.set_index("unit_id")["category"].map(code) \
        .reindex(units_gdf.index).to_numpy()
    return map_cache.prepared(
        lambda: maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                                    assets=ui.map_assets(), height_px=520, legend_inside=False),
        "emerging", present, units_gdf, lang, ui.map_assets())


def hotspots_section(m: Monitor) -> None:
    c1, c2, c3, c4 = st.columns(4)
    level = c1.radio(ui.tr("monitor.level"), list(monitor.LEVELS), key="mon_h_level",
                     format_func=lambda v: t(f"monitor.level.{v}", m.lang), horizontal=True)
    contiguity = c2.radio(ui.tr("monitor.contiguity"), list(monitor.CONTIGUITY),
                          key="mon_h_contiguity", horizontal=True,
                          format_func=lambda v: t(f"monitor.contiguity.{v}", m.lang))
    band = c3.slider(ui.tr("monitor.band_km"), 25, 400, int(monitor.DEFAULT_BAND_KM), 25,
                     key="mon_h_band", disabled=contiguity != "distance")
    weight = c4.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_h_weight",
                      format_func=lambda w: t(f"monitor.weight.{w}", m.lang), horizontal=True)
    window = m.view.window_days
    with st.spinner(ui.tr("monitor.computing")):
        result = hotspots(m.as_of, window, level, weight, contiguity, band)
    st.caption(ui.tr("monitor.hotspots_note", window=window, date=format_date(m.as_of, m.lang),
                     n=format_number(monitor.PERMUTATIONS, m.lang)))
    fmap = hotspot_map(result, level, m.lang, m.as_of)
    col_map, col_table = st.columns([3, 2])
    with col_map:
        map_cache.show(fmap, f"mon_hot_map_{level}", 520, [])
        ui.map_legend(fmap)
    with col_table:
        significant = result[result["class"] != "none"]
        st.markdown(ui.tr("monitor.hot_count",
                          hot=ui.count(int(significant["class"].str.startswith("hot").sum())),
                          cold=ui.count(int(significant["class"].str.startswith("cold").sum()))))
        names = _unit_names(m, level)
        ui.dataframe(pd.DataFrame({
            ui.tr(f"monitor.level.{level}"): significant["unit_id"].map(names),
            ui.tr("monitor.col.class"): significant["class"].map(
                lambda c: t(f"monitor.class.{c}", m.lang)),
            ui.tr("monitor.col.value", weight=ui.tr(f"monitor.weight.{weight}")):
                significant["value"],
            "Gi* z": significant["gi_z"].round(2),
            "p (permutations)": significant["p_sim"]}).sort_values("Gi* z", ascending=False),
            hide_index=True, width="stretch", height=min(440, 38 + 35 * len(significant)),
            key="mon_hot_table")
    st.caption(ui.tr("monitor.hotspots_method"))



def _unit_names(m: Monitor, level: str) -> dict:
    if level == "cercle":
        return m.cercles["cercle_fr"].to_dict()
    communes = ui.display_communes().set_index("commune_id")
    return {c: f"{communes.at[c, 'commune_fr']} ({m.cercle_name(communes.at[c, 'cercle_id'])})"
            for c in communes.index}



def emerging_section(m: Monitor) -> None:
    c1, c2 = st.columns([2, 1])
    months = c1.slider(ui.tr("monitor.months"), 6, 36, 24, 1, key="mon_e_months")
    weight = c2.radio(ui.tr("monitor.weight"), list(monitor.WEIGHTS), key="mon_e_weight",
                      format_func=lambda w: t(f"monitor.weight.{w}", m.lang), horizontal=True)
    with st.spinner(ui.tr("monitor.computing")):
        result = emerging(m.as_of, months, weight)
    st.caption(ui.tr("monitor.emerging_note", months=months, date=format_date(m.as_of, m.lang)))
    fmap = emerging_map(result, m.lang)
    col_map, col_table = st.columns([3, 2])
    with col_map:
        map_cache.show(fmap, "mon_emerging_map", 520, [])
        ui.map_legend(fmap)
    with col_table:
        found = result[result["category"] != "none"]
        if found.empty:
            st.info(ui.tr("monitor.no_emerging"))
        else:
            ui.dataframe(pd.DataFrame({
                ui.tr("field.cercle"): found["unit_id"].map(m.cercle_name),
                ui.tr("monitor.col.category"): found["category"].map(
                    lambda c: t(f"monitor.emerging.{c}", m.lang)),
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



def alerts_section(m: Monitor) -> None:
    from ui import subscriptions

    _alerts_table(m)
    subscriptions.section(m.page)


def _alerts_table(m: Monitor) -> None:
    flagged = alerts(m.as_of)
    st.caption(ui.tr("monitor.alerts_note", date=format_date(m.as_of, m.lang)))
    if flagged.empty:
        st.success(ui.tr("monitor.no_alerts"))
        return
    ui.dataframe(pd.DataFrame({
        ui.tr("field.cercle"): flagged["cercle_id"].map(m.cercle_name),
        ui.tr("field.region"): flagged["cercle_id"].map(m.cercles["region_fr"]),
        ui.tr("monitor.col.window"): flagged["window_days"],
        ui.tr("monitor.col.observed"): flagged["observed"],
        ui.tr("monitor.col.baseline"): flagged["baseline"],
        ui.tr("monitor.col.expected"): flagged["expected"].round(2),
        ui.tr("monitor.col.ratio"): flagged["ratio"].round(1),
        ui.tr("monitor.col.p"): flagged["p_value"].map(
            lambda p: format_significant(p, m.lang, 2))}),
        hide_index=True, width="stretch", key="mon_alerts")
