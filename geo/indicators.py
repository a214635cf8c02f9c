"""The per-cercle indicator table: one row per cercle, one column per indicator.

Every page that shows a number about a cercle reads it from :func:`cercle_indicators`; no page
recomputes an indicator. Reference columns come from ``data/``; field columns from the
record store (workshops, mediators, tension reports).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from geo import store, units

#: Identity columns of the table (the rest are indicators).
ID_COLUMNS = ["cercle_id", "cercle_fr", "region_id", "region_fr", "population_type"]
#: Field-record indicators (counts; 0 where nothing is recorded).
FIELD_COLUMNS = ["workshop_sessions", "workshop_participants", "workshop_women",
                 "workshop_youth", "mediators", "tension_reports"]
PER_10K = 10_000


def reference_indicators() -> pd.DataFrame:
    """Indicators from the reference data only (see :func:`cercle_indicators`)."""
    cercles = units.load_cercles()
    table = pd.DataFrame(cercles.drop(columns="geometry"))
    table["n_communes"] = units.commune_counts().reindex(table.index).fillna(0).astype("int64")
    return table[ID_COLUMNS + ["population", "area_km2", "density", "n_communes"]]


def field_counts(records: dict[str, pd.DataFrame], index: pd.Index) -> pd.DataFrame:
    """Counts per cercle from record tables (as returned by :func:`geo.store.load_records`).

    * ``workshop_sessions`` / ``workshop_participants`` / ``workshop_women`` /
      ``workshop_youth`` -- sessions held in the cercle and their participants;
    * ``mediators`` -- active mediators (inactive ones do not cover anybody);
    * ``tension_reports`` -- reports placed in the cercle (not those known only by region,
      nor those verified as false).
    """
    out = pd.DataFrame(index=index)
    ws = records.get("workshops")
    if ws is not None and len(ws):
        g = ws.groupby("cercle_id")
        out["workshop_sessions"] = g.size()
        out["workshop_participants"] = g["participants"].sum()
        out["workshop_women"] = g["women"].sum(min_count=1)
        out["workshop_youth"] = g["youth"].sum(min_count=1)
    med = records.get("mediators")
    if med is not None and len(med):
        out["mediators"] = med[med["status"] != "inactive"].groupby("cercle_id").size()
    ten = records.get("tensions")
    if ten is not None and len(ten):
        out["tension_reports"] = ten[ten["verification"] != "false"].groupby("cercle_id").size()
    for col in FIELD_COLUMNS:
        out[col] = out[col].fillna(0).astype("int64") if col in out else 0
    return out[FIELD_COLUMNS]


def cercle_indicators(engine: Engine | None = None) -> pd.DataFrame:
    """Indicators per cercle.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cercle_id`` (50 rows), with :data:`ID_COLUMNS` and:

        * ``population`` -- persons, RGPH 2009;
        * ``area_km2`` -- km², EPSG:6933, full geometry;
        * ``density`` -- persons per km² = population / area_km2;
        * ``n_communes`` -- number of communes (ADM3) in the cercle;
        * :data:`FIELD_COLUMNS` from the store (0 without a store or records);
        * ``workshop_participants_per_10k`` and ``mediators_per_10k`` -- per 10,000 people
          = count / population × 10,000.
    """
    table = reference_indicators()
    records = ({k: store.load_records(engine, k) for k in ("workshops", "mediators", "tensions")}
               if engine is not None else {})
    table = table.join(field_counts(records, table.index))
    pop = table["population"].astype(float)
    table["workshop_participants_per_10k"] = table["workshop_participants"] / pop * PER_10K
    table["mediators_per_10k"] = table["mediators"] / pop * PER_10K
    return table


def tension_points(reports: pd.DataFrame) -> gpd.GeoDataFrame:
    """Where to draw each tension report: never more precisely than its location precision.

    ``exact`` reports at their coordinates; ``commune``, ``cercle`` and ``region`` reports at
    the representative point of that unit (a point inside it). Returns a GeoDataFrame in
    EPSG:4326 with the report columns and ``geometry``.
    """
    cercles = units.load_cercles()
    communes = units.load_communes()
    regions = units.load_regions()
    reps = {
        "commune": communes.geometry.representative_point(),
        "cercle": cercles.geometry.representative_point(),
        "region": regions.geometry.representative_point(),
    }
    order = ["exact", "commune", "cercle", "region"]
    geoms = []
    for row in reports.itertuples(index=False):
        prec = row.location_precision
        point = None
        if prec == "exact" and row.latitude is not None and np.isfinite(row.latitude):
            point = gpd.points_from_xy([row.longitude], [row.latitude])[0]
        else:
            for level, code in (("commune", row.commune_id), ("cercle", row.cercle_id),
                                ("region", row.region_id)):
                if code and order.index(level) >= order.index(prec):
                    point = reps[level].get(code)
                    if point is not None:
                        break
        geoms.append(point)
    return gpd.GeoDataFrame(reports.reset_index(drop=True), geometry=geoms, crs="EPSG:4326")
