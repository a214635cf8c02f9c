"""Mali's administrative units: regions, cercles and communes.

Reference data is read from ``data/`` (geoBoundaries 2017 build of the pre-2016 structure,
RGPH 2009 population; see ``data/SOURCES.md``). Every unit is keyed by a stable code:

* ``region_id``  -- national region code (``ML01`` Kayes ... ``ML08`` Kidal, ``ML09`` Bamako);
* ``cercle_id``  -- ``mli-<slug>`` (50 = 49 cercles + the District of Bamako);
* ``commune_id`` -- ``<cercle_id>-<slug>`` (701 communes).

Display names are French with accents (``*_fr``); ASCII names (``region``, ``cercle``,
``commune``) are kept for matching. Areas are km² in the equal-area CRS EPSG:6933.

Two geometries exist for each layer: the *analysis* geometry (as published, used for every
measure and every point-in-polygon test) and the *display* geometry, simplified with
``shapely.coverage_simplify`` so that neighbouring units still share their borders exactly.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: CRS of the shipped files (degrees, for storage and display only).
CRS_GEOGRAPHIC = "EPSG:4326"
#: Equal-area CRS used for every area (km²).
CRS_AREA = "EPSG:6933"
#: Projected CRS for every distance: Lambert conformal conic, standard parallels 12° N and
#: 22° N (Mali spans 10–25° N), central meridian 4° W, WGS 84, metres (within 1 % of
#: great-circle distances over Mali).
DISTANCE_CRS = ("+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +x_0=0 +y_0=0 "
                "+datum=WGS84 +units=m +no_defs")

#: Census year of the population figures.
CENSUS_YEAR = 2009
#: geoBoundaries boundary build shipped in ``data/``.
BOUNDARY_VERSION = "geoBoundaries MLI 2017"

#: Display simplification tolerance in degrees (~1 km at Mali's latitudes).
DISPLAY_TOLERANCE_DEG = 0.01
#: Grid to which display coordinates are snapped, in degrees (~11 m).
DISPLAY_GRID_DEG = 1e-4


def _area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    return gdf.geometry.to_crs(CRS_AREA).area / 1e6


def _read_geojson(name: str) -> gpd.GeoDataFrame:
    """A shipped boundary file, read with the standard library and Shapely (GeoJSON is WGS 84
    by definition, RFC 7946): the same table as ``gpd.read_file``, without loading GDAL into
    every app process (~11 MB resident, issue 18)."""
    with open(DATA_DIR / name, encoding="utf-8") as f:
        features = json.load(f)["features"]
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")


@lru_cache(maxsize=1)
def _cercles() -> gpd.GeoDataFrame:
    gdf = _read_geojson("mali_adm2.geojson")
    pop = pd.read_csv(DATA_DIR / "mali_cercle_population.csv")
    pop = pop[["cercle_id", "population", "population_type"]]
    gdf = gdf.merge(pop, on="cercle_id", how="left", validate="one_to_one")
    gdf = gdf.rename(columns={"adm1_code_natl": "region_id", "adm2_code_natl": "cercle_code_natl"})
    gdf["population"] = gdf["population"].astype("int64")
    gdf["area_km2"] = _area_km2(gdf)
    gdf["density"] = gdf["population"] / gdf["area_km2"]
    cols = [
        "cercle_id", "cercle_fr", "cercle", "region_id", "region_fr", "region",
        "cercle_code_natl", "gb_shapeID", "population", "population_type",
        "area_km2", "density", "geometry",
    ]
    return gdf[cols].set_index("cercle_id", drop=False).rename_axis(None)


@lru_cache(maxsize=1)
def _regions() -> gpd.GeoDataFrame:
    gdf = _read_geojson("mali_adm1.geojson")
    gdf = gdf.rename(columns={"adm1_code_natl": "region_id"})
    gdf["area_km2"] = _area_km2(gdf)
    pop = _cercles().groupby("region_id")["population"].sum()
    gdf["population"] = gdf["region_id"].map(pop).astype("int64")
    gdf["density"] = gdf["population"] / gdf["area_km2"]
    cols = ["region_id", "region_fr", "region", "n_cercles", "population", "area_km2",
            "density", "geometry"]
    return gdf[cols].set_index("region_id", drop=False).rename_axis(None)


@lru_cache(maxsize=1)
def _communes() -> gpd.GeoDataFrame:
    gdf = _read_geojson("mali_adm3.geojson")
    parents = _cercles()[["cercle_id", "cercle_fr", "region_id", "region_fr"]]
    gdf = gdf.drop(columns=["region"]).merge(parents, on="cercle_id", how="left",
                                             validate="many_to_one")
    gdf["commune_fr"] = gdf["commune"]  # the source has ASCII names only
    gdf["area_km2"] = _area_km2(gdf)
    cols = ["commune_id", "commune_fr", "commune", "cercle_id", "cercle_fr", "region_id",
            "region_fr", "gb_shapeID", "area_km2", "geometry"]
    return gdf[cols].set_index("commune_id", drop=False).rename_axis(None)


def load_cercles() -> gpd.GeoDataFrame:
    """The 50 cercles (49 cercles + District of Bamako) with full analysis geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``cercle_id``; columns ``cercle_id, cercle_fr, cercle, region_id,
        region_fr, region, cercle_code_natl, gb_shapeID, population`` (RGPH 2009, persons),
        ``population_type`` (``census_2009_provisional`` or an estimate), ``area_km2``
        (km², EPSG:6933) and ``density`` (persons per km²). CRS EPSG:4326.
    """
    return _cercles().copy()


def load_regions() -> gpd.GeoDataFrame:
    """The 9 first-level units (8 regions + District of Bamako), indexed by ``region_id``.

    Population is the sum of the cercles' RGPH 2009 figures; ``area_km2`` in km² (EPSG:6933);
    ``density`` in persons per km².
    """
    return _regions().copy()


def load_communes() -> gpd.GeoDataFrame:
    """The 701 communes, indexed by ``commune_id``, with their cercle and region codes.

    The source carries ASCII names only, so ``commune_fr`` equals ``commune``.
    ``area_km2`` in km² (EPSG:6933).
    """
    return _communes().copy()


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float = DISPLAY_TOLERANCE_DEG,
                      grid: float = DISPLAY_GRID_DEG) -> gpd.GeoSeries:
    """Simplify a polygon coverage for display, keeping shared borders identical.

    ``shapely.coverage_simplify`` simplifies each shared edge once, so neighbours keep
    exactly the same border (no gaps, no overlaps); coordinates are then snapped to a
    ``grid`` (degrees) to shorten the GeoJSON text, which moves shared vertices identically.

    Parameters
    ----------
    geoms : GeoSeries
        A valid polygonal coverage (no overlaps), in degrees.
    tolerance : float
        Simplification tolerance in degrees (default ~1 km).
    grid : float
        Precision grid in degrees (default 1e-4, ~11 m).
    """
    simplified = shapely.coverage_simplify(np.asarray(geoms.values), tolerance)
    snapped = shapely.set_precision(simplified, grid)
    return gpd.GeoSeries(snapped, index=geoms.index, crs=geoms.crs)


def _simplified(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = simplify_coverage(out.geometry)
    return out


@lru_cache(maxsize=1)
def _display_cercles() -> gpd.GeoDataFrame:
    return _simplified(_cercles())


def display_cercles() -> gpd.GeoDataFrame:
    """Cercles with display geometry (see :func:`simplify_coverage`); same columns."""
    return _display_cercles().copy()


@lru_cache(maxsize=1)
def _display_regions() -> gpd.GeoDataFrame:
    # Dissolving the simplified cercles makes region outlines follow cercle borders exactly.
    outlines = _display_cercles()[["region_id", "geometry"]].dissolve(by="region_id")
    gdf = _regions().copy()
    gdf["geometry"] = outlines.geometry.reindex(gdf.index).values
    return gdf


def display_regions() -> gpd.GeoDataFrame:
    """Regions whose display geometry is the union of their simplified cercles."""
    return _display_regions().copy()


@lru_cache(maxsize=1)
def _display_communes() -> gpd.GeoDataFrame:
    return _simplified(_communes())


def display_communes() -> gpd.GeoDataFrame:
    """Communes with display geometry (:func:`simplify_coverage`: 49,242 → ~18,400 vertices;
    the source has three sliver overlaps of 0.003 km² in all, kept as they are)."""
    return _display_communes().copy()


def commune_counts() -> pd.Series:
    """Number of communes per ``cercle_id``."""
    return _communes().groupby("cercle_id").size().rename("n_communes")


#: Disclosure zones shipped with the reference data (:func:`geo.analysis.disclosure.zones`, written by
#: ``python -m geo.analysis.disclosure``; a test checks the file against the computation).
ZONES_FILE = "mali_disclosure_zones.csv"


@lru_cache(maxsize=1)
def _zones():
    table = pd.read_csv(DATA_DIR / ZONES_FILE).set_index("commune_id").reindex(_communes().index)
    zone_of = table["zone_id"].rename("zone_id").rename_axis(None)
    areas = _communes()["area_km2"].groupby(zone_of).sum()
    points = table.groupby("zone_id")[["zone_lon", "zone_lat"]].first() \
        .rename(columns={"zone_lon": "lon", "zone_lat": "lat"}).rename_axis(None)
    points["area_km2"] = areas
    points["n_communes"] = zone_of.value_counts()
    return zone_of, points


def commune_zones() -> pd.Series:
    """Disclosure zone of every commune (``commune_id`` → ``zone_id``, see
    :func:`geo.analysis.disclosure.zones`), computed once."""
    return _zones()[0].copy()


def zone_points() -> pd.DataFrame:
    """Representative point (degrees), area (km²) and number of communes of every
    disclosure zone."""
    return _zones()[1].copy()


_TO_METRES = pyproj.Transformer.from_crs(CRS_GEOGRAPHIC, DISTANCE_CRS, always_xy=True)


def to_metres(lon, lat) -> np.ndarray:
    """Project WGS 84 longitudes/latitudes to :data:`DISTANCE_CRS` (n × 2 array, metres)."""
    x, y = _TO_METRES.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


def distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Distance in km between points, measured in :data:`DISTANCE_CRS`."""
    a, b = to_metres(lon1, lat1), to_metres(lon2, lat2)
    return np.hypot(*(a - b).T) / 1000
