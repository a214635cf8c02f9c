"""The per-cercle indicator table: one row per cercle, one column per indicator.

Every page that shows a number about a cercle reads it from :func:`cercle_indicators`; no page
recomputes an indicator. Later issues add field-record indicators (workshops, mediators,
tensions) and the risk score as further columns.
"""

from __future__ import annotations

import pandas as pd

from geo import units

#: Identity columns of the table (the rest are indicators).
ID_COLUMNS = ["cercle_id", "cercle_fr", "region_id", "region_fr", "population_type"]


def cercle_indicators() -> pd.DataFrame:
    """Indicators per cercle from the reference data.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cercle_id`` (50 rows), with :data:`ID_COLUMNS` and:

        * ``population`` -- persons, RGPH 2009;
        * ``area_km2`` -- km², EPSG:6933, full geometry;
        * ``density`` -- persons per km² = population / area_km2;
        * ``n_communes`` -- number of communes (ADM3) in the cercle.
    """
    cercles = units.load_cercles()
    table = pd.DataFrame(cercles.drop(columns="geometry"))
    table["n_communes"] = units.commune_counts().reindex(table.index).fillna(0).astype("int64")
    cols = ID_COLUMNS + ["population", "area_km2", "density", "n_communes"]
    return table[cols]
