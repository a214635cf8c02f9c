"""Streamlit glue of the tensions monitor: cached analyses, their maps, alert lines."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from geo.outputs import maps
from geo.analysis import monitor
from geo.i18n import format_number, format_significant, t
from geo.outputs.layers import HOTSPOT_CODE, emerging_layer, hotspot_layer


@st.cache_data(show_spinner=False, max_entries=16)
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


@st.cache_data(show_spinner=False, max_entries=8)
def _emerging(token: tuple, as_of: date, months: int, weight: str) -> pd.DataFrame:
    return monitor.emerging(ui.records("tensions"), as_of, months, weight=weight)


def emerging(as_of: date, months: int, weight: str = "count") -> pd.DataFrame:
    return _emerging(ui.store_token(), as_of, months, weight)


@st.cache_data(show_spinner=False, max_entries=8)
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
        lines.append(t("monitor.alert_line", lang, cercle=names.get(row.cercle_id, row.cercle_id),
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
        from geo.analysis import coverage
        from ui import coverage as ui_cov

        communes = coverage.commune_table(ui_cov.result(as_of), lang).set_index("commune_id")
        units_gdf = ui.display_communes()[["geometry"]].join(communes)
        units_gdf["hotspot_code"] = codes.reindex(units_gdf.index).to_numpy()
    return maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                               assets=ui.map_assets(), height_px=520, legend_inside=False)


def emerging_map(result: pd.DataFrame, lang: str):
    """Cercles coloured by their emerging category (the legend lists those present)."""
    present = [c for c in monitor.CATEGORIES if c in set(result["category"])]
    layer = emerging_layer(present)
    code = {c: i for i, c in enumerate(present)}
    units_gdf = ui.display_cercles()[["geometry"]].join(ui.cercle_indicators()[
        ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]])
    units_gdf["emerging_code"] = result.set_index("unit_id")["category"].map(code) \
        .reindex(units_gdf.index).to_numpy()
    return maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                               assets=ui.map_assets(), height_px=520, legend_inside=False)
