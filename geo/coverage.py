"""Mediator and workshop coverage, and the gaps where high risk meets thin coverage.

Measures (per cercle; per commune where communes are loaded):

* active mediators: count, per 10,000 people, per 1,000 km²;
* communes without any active mediator: count, share of the cercle's communes, their
  (estimated) population;
* distance from each commune's representative point to the nearest active mediator, in km,
  measured in :data:`DISTANCE_CRS` (a Lambert conformal conic fitted to Mali: scale error
  below 0.6 % over the country, so distances agree with great-circle distances within 1 %).
  A mediator is placed at its recorded coordinates, else at its commune's representative point,
  else at its cercle's; the cercle figure is the population-weighted mean over its communes;
* workshop coverage: participants per 10,000 people, share of women and of young people,
  months since the last workshop, stakeholder groups reached.

Commune populations are *estimates*: no commune figures exist in the reference data, so each
cercle's RGPH 2009 population is shared among its communes in proportion to their area
(uniform density within the cercle). Every screen that shows them says so.

Gaps: each cercle is placed on risk (the composite score, :mod:`geo.risk`) against coverage
(mediators per 10,000 people by default, or mean distance) and falls in one of four quadrants,
with thresholds the user can move (default: the national medians):

=================  ==========================  ==============================
                   coverage thin               coverage adequate
=================  ==========================  ==============================
risk >= threshold  ``priority`` (gap)          ``watch`` (covered risk)
risk <  threshold  ``reinforce``               ``adequate``
=================  ==========================  ==============================

Protection: mediators are never placed on a map; at commune level a count from 1 to
``min_count − 1`` (default 3, setting ``VEILLE_MIN_COUNT``) is shown as "< 3" everywhere
(:func:`suppress`), and commune distances are rounded to :data:`COMMUNE_DISTANCE_STEP_KM` so
that distances from several communes cannot pin down a mediator's recorded position.

Command line: ``python -m geo.coverage [--json] [--risk-threshold X] [--coverage-threshold Y]``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyproj
import shapely

from geo import units
from geo.indicators import DAYS_PER_MONTH, PROGRAMME_START
from geo.records import GROUPS

#: Projected CRS for distances: Lambert conformal conic, standard parallels 12° N and 22° N
#: (Mali spans 10–25° N), central meridian 4° W, WGS 84, metres.
DISTANCE_CRS = ("+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +x_0=0 +y_0=0 "
                "+datum=WGS84 +units=m +no_defs")
MIN_COUNT_ENV = "VEILLE_MIN_COUNT"
DEFAULT_MIN_COUNT = 3
#: Commune distances are shown and exported rounded to this step (km).
COMMUNE_DISTANCE_STEP_KM = 5
GAP_CLASSES = ("priority", "watch", "reinforce", "adequate")
#: Colours of the gap classes (legend, map): red, orange, yellow, grey-green.
GAP_COLOURS = ("#d7301f", "#fc8d59", "#fee08b", "#91bfdb")
#: Coverage measures a gap can be judged on, with their direction: +1 when more is better.
COVERAGE_MEASURES = {"mediators_per_10k": 1, "mean_distance_km": -1}

_TO_METRES = pyproj.Transformer.from_crs("EPSG:4326", DISTANCE_CRS, always_xy=True)


def min_count(configured: int | str | None = None) -> int:
    """The suppression threshold: ``VEILLE_MIN_COUNT``, else ``configured``, else 3; at least
    2 (suppression cannot be switched off)."""
    value = os.environ.get(MIN_COUNT_ENV) or configured or DEFAULT_MIN_COUNT
    try:
        return max(2, int(value))
    except (TypeError, ValueError):
        return DEFAULT_MIN_COUNT


def suppress(count, threshold: int = DEFAULT_MIN_COUNT) -> str:
    """A commune-level count as shown to users: ``"< 3"`` from 1 to threshold − 1 (a zero is
    shown: it reveals nobody and is what a coverage gap is)."""
    if count is None or (isinstance(count, float) and np.isnan(count)):
        return ""
    count = int(count)
    return f"< {threshold}" if 0 < count < threshold else str(count)


def to_metres(lon, lat) -> np.ndarray:
    """Project WGS 84 longitudes/latitudes to :data:`DISTANCE_CRS` (n × 2 array, metres)."""
    x, y = _TO_METRES.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


def distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Distance in km between points, measured in :data:`DISTANCE_CRS`."""
    a, b = to_metres(lon1, lat1), to_metres(lon2, lat2)
    return np.hypot(*(a - b).T) / 1000


def commune_population(communes: pd.DataFrame, cercle_population: pd.Series) -> pd.Series:
    """Estimated population per commune: the cercle's population × the commune's share of
    the cercle's area (persons; an estimate, see the module docstring)."""
    area = communes["area_km2"].astype(float)
    share = area / area.groupby(communes["cercle_id"]).transform("sum")
    return share * communes["cercle_id"].map(cercle_population).astype(float)


def mediator_points(mediators: pd.DataFrame) -> pd.DataFrame:
    """Where each active mediator counts for distances (never drawn): ``lon, lat`` from its
    coordinates, else its commune's representative point, else its cercle's; ``placed_by``
    says which."""
    active = mediators[(mediators["status"] != "inactive").to_numpy(dtype=bool)]
    communes = units.load_communes().geometry.representative_point()
    cercles = units.load_cercles().geometry.representative_point()
    lon = pd.to_numeric(active.get("longitude"), errors="coerce")
    lat = pd.to_numeric(active.get("latitude"), errors="coerce")
    by_commune = active["commune_id"].map(communes)
    by_cercle = active["cercle_id"].map(cercles)
    has_xy = lon.notna() & lat.notna()
    has_commune = ~has_xy & by_commune.notna()
    fallback = np.where(has_commune, by_commune, by_cercle)
    out = pd.DataFrame({
        "cercle_id": active["cercle_id"].to_numpy(),
        "commune_id": active["commune_id"].to_numpy(),
        "lon": np.where(has_xy, lon, [p.x if p is not None else np.nan for p in fallback]),
        "lat": np.where(has_xy, lat, [p.y if p is not None else np.nan for p in fallback]),
        "placed_by": np.select([has_xy, has_commune], ["coordinates", "commune"], "cercle"),
    })
    return out.dropna(subset=["lon", "lat"]).reset_index(drop=True)


@dataclass
class Coverage:
    """Result of :func:`compute`: ``cercles`` and ``communes`` tables (indexed by id)."""

    cercles: pd.DataFrame
    communes: pd.DataFrame


def compute(records: dict[str, pd.DataFrame], reference: pd.DataFrame,
            as_of: date | None = None) -> Coverage:
    """Coverage measures per cercle and per commune.

    Parameters
    ----------
    records : dict
        ``"mediators"`` and ``"workshops"`` frames as from :func:`geo.store.load_records`.
    reference : DataFrame
        Per ``cercle_id``: ``population``, ``area_km2`` (e.g.
        :func:`geo.indicators.reference_indicators`).
    as_of : date, optional
        For "months since the last workshop" (default: today).

    Returns
    -------
    Coverage
        ``communes`` (one row per commune): ``cercle_id, commune_fr, population_est,
        mediators, distance_km`` (to the nearest active mediator; NaN when there is none
        anywhere). ``cercles`` (one row per cercle): ``mediators, mediators_per_10k,
        mediators_per_1000km2, n_communes, communes_without_mediator,
        communes_without_mediator_share, population_without_mediator, mean_distance_km,
        max_distance_km, workshop_participants, workshop_participants_per_10k,
        women_share, youth_share, months_since_workshop, groups_reached, groups``.
    """
    as_of = as_of or date.today()
    communes = units.load_communes()
    population = reference["population"].astype(float)
    med = records.get("mediators")
    if med is None or med.empty:
        med = pd.DataFrame(columns=["cercle_id", "commune_id", "status", "latitude", "longitude"])
    points = mediator_points(med)

    c = pd.DataFrame(index=communes.index)
    c["cercle_id"] = communes["cercle_id"]
    c["commune_fr"] = communes["commune_fr"]
    c["population_est"] = commune_population(communes, population)
    c["mediators"] = points.groupby("commune_id").size().reindex(c.index).fillna(0) \
        .astype("int64")
    reps = communes.geometry.representative_point()
    c["distance_km"] = _nearest_km(np.column_stack([reps.x, reps.y]),
                                   points[["lon", "lat"]].to_numpy())

    k = pd.DataFrame(index=reference.index)
    k["mediators"] = points.groupby("cercle_id").size().reindex(k.index).fillna(0) \
        .astype("int64")
    k["mediators_per_10k"] = k["mediators"] / population * 1e4
    k["mediators_per_1000km2"] = k["mediators"] / reference["area_km2"].astype(float) * 1e3
    by = c.groupby("cercle_id")
    k["n_communes"] = by.size().reindex(k.index).fillna(0).astype("int64")
    without = c[c["mediators"] == 0].groupby("cercle_id")
    k["communes_without_mediator"] = without.size().reindex(k.index).fillna(0).astype("int64")
    k["communes_without_mediator_share"] = (k["communes_without_mediator"]
                                            / k["n_communes"].where(k["n_communes"] > 0))
    k["population_without_mediator"] = without["population_est"].sum().reindex(k.index) \
        .fillna(0.0)
    weighted = (c["distance_km"] * c["population_est"]).groupby(c["cercle_id"]).sum(min_count=1)
    k["mean_distance_km"] = (weighted / by["population_est"].sum()).reindex(k.index)
    k["max_distance_km"] = by["distance_km"].max().reindex(k.index)
    k = k.join(_workshop_coverage(records.get("workshops"), population, as_of))
    return Coverage(k, c)


def _nearest_km(origins_lonlat: np.ndarray, targets_lonlat: np.ndarray) -> np.ndarray:
    """Distance (km, projected) from each origin to the nearest target; NaN without targets."""
    if len(targets_lonlat) == 0:
        return np.full(len(origins_lonlat), np.nan)
    targets = np.unique(targets_lonlat, axis=0)       # many mediators share a point
    origin_xy = to_metres(origins_lonlat[:, 0], origins_lonlat[:, 1])
    target_xy = to_metres(targets[:, 0], targets[:, 1])
    tree = shapely.STRtree(shapely.points(target_xy))
    (_o, _t), dist = tree.query_nearest(shapely.points(origin_xy), return_distance=True,
                                        all_matches=False)
    out = np.full(len(origins_lonlat), np.nan)
    out[_o] = dist / 1000
    return out


def _workshop_coverage(workshops: pd.DataFrame | None, population: pd.Series,
                       as_of: date) -> pd.DataFrame:
    out = pd.DataFrame(index=population.index)
    ws = workshops if workshops is not None else pd.DataFrame()
    if len(ws):
        ws = ws[[d is not None and not pd.isna(d) and d <= as_of for d in ws["start_date"]]]
    if not len(ws):
        out["workshop_participants"] = 0
        out["workshop_participants_per_10k"] = 0.0
        out["women_share"] = out["youth_share"] = np.nan
        out["months_since_workshop"] = (as_of - PROGRAMME_START).days / DAYS_PER_MONTH
        out["groups_reached"] = 0
        out["groups"] = ""
        return out
    g = ws.groupby("cercle_id")
    participants = g["participants"].sum().reindex(out.index).fillna(0)
    out["workshop_participants"] = participants.astype("int64")
    out["workshop_participants_per_10k"] = participants / population * 1e4
    with np.errstate(divide="ignore", invalid="ignore"):
        out["women_share"] = g["women"].sum(min_count=1).reindex(out.index) / \
            participants.where(participants > 0)
        out["youth_share"] = g["youth"].sum(min_count=1).reindex(out.index) / \
            participants.where(participants > 0)
    last = g["start_date"].max().reindex(out.index)
    out["months_since_workshop"] = [
        ((as_of - (d if d is not None and not pd.isna(d) else PROGRAMME_START)).days
         / DAYS_PER_MONTH) for d in last]
    reached = (g[list(GROUPS)].sum(min_count=1).reindex(out.index).fillna(0) > 0)
    out["groups_reached"] = reached.sum(axis=1).astype("int64")
    out["groups"] = [";".join(gr for gr in GROUPS if row[gr]) for _, row in reached.iterrows()]
    return out


# --------------------------------------------------------------------------- gaps
@dataclass(frozen=True)
class GapRule:
    """How gaps are judged: the coverage measure and both thresholds (None = national
    median). Coverage is *thin* below the threshold for a rate (``mediators_per_10k``), above
    it for a distance (``mean_distance_km``)."""

    measure: str = "mediators_per_10k"
    risk_threshold: float | None = None
    coverage_threshold: float | None = None

    def resolved(self, risk: pd.Series, coverage: pd.Series) -> tuple[float, float]:
        """The thresholds in force (medians filled in)."""
        r = self.risk_threshold if self.risk_threshold is not None else float(risk.median())
        c = (self.coverage_threshold if self.coverage_threshold is not None
             else float(coverage.median()))
        return r, c


def classify_gaps(risk: pd.Series, coverage: pd.DataFrame, rule: GapRule = GapRule()
                  ) -> pd.DataFrame:
    """Four-quadrant gap class per cercle (see the module docstring).

    Returns a frame indexed like ``risk`` with ``risk_score``, the coverage measure,
    ``high_risk``, ``thin_coverage``, ``gap_class`` (None when either value is missing) and
    ``gap_rank`` (1 = most urgent: priority gaps first, by risk then thinnest coverage).
    """
    if rule.measure not in COVERAGE_MEASURES:
        raise ValueError(f"measure must be one of {tuple(COVERAGE_MEASURES)}")
    cov = coverage[rule.measure].reindex(risk.index).astype(float)
    r_t, c_t = rule.resolved(risk, cov)
    high = risk >= r_t
    thin = cov < c_t if COVERAGE_MEASURES[rule.measure] > 0 else cov > c_t
    known = risk.notna() & cov.notna()
    cls = np.select([high & thin, high & ~thin, ~high & thin], GAP_CLASSES[:3], GAP_CLASSES[3])
    out = pd.DataFrame({"risk_score": risk, rule.measure: cov,
                        "high_risk": high.where(known), "thin_coverage": thin.where(known),
                        "gap_class": pd.Series([v if k else None for v, k in zip(cls, known)],
                                               index=risk.index, dtype=object)})
    order = out.assign(
        _cls=out["gap_class"].map({c: i for i, c in enumerate(GAP_CLASSES)}).fillna(9),
        _cov=cov * COVERAGE_MEASURES[rule.measure]).sort_values(
        ["_cls", "risk_score", "_cov"], ascending=[True, False, True], na_position="last")
    out["gap_rank"] = pd.Series(range(1, len(out) + 1), index=order.index).reindex(out.index)
    out.attrs.update(risk_threshold=r_t, coverage_threshold=c_t, measure=rule.measure)
    return out


def commune_table(result: Coverage, threshold: int) -> pd.DataFrame:
    """Communes as shown and exported: mediator counts suppressed (:func:`suppress`) and
    distances rounded to :data:`COMMUNE_DISTANCE_STEP_KM`; never exact counts below the
    threshold."""
    c = result.communes
    step = COMMUNE_DISTANCE_STEP_KM
    return pd.DataFrame({
        "commune_id": c.index, "commune_fr": c["commune_fr"].to_numpy(),
        "cercle_id": c["cercle_id"].to_numpy(),
        "population_est": c["population_est"].round(-1).astype("Int64").to_numpy(),
        "mediators": [suppress(v, threshold) for v in c["mediators"]],
        "has_mediator": (c["mediators"] > 0).to_numpy(),
        "distance_km": (np.round(c["distance_km"] / step) * step).to_numpy(),
    })


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    from geo import indicators, risk, store

    parser = argparse.ArgumentParser(prog="python -m geo.coverage",
                                     description="Mediator coverage and gaps of every cercle.")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="YYYY-MM-DD for the risk score (default: the latest record date)")
    parser.add_argument("--measure", choices=tuple(COVERAGE_MEASURES),
                        default="mediators_per_10k")
    parser.add_argument("--risk-threshold", type=float, default=None,
                        help="score from which risk is high (default: national median)")
    parser.add_argument("--coverage-threshold", type=float, default=None,
                        help="coverage threshold (default: national median)")
    args = parser.parse_args(argv)
    engine = store.make_engine()
    table, as_of = risk.indicator_table(engine, args.as_of)
    scores = risk.score(table, risk.method_for(table))
    records = {k: store.load_records(engine, k) for k in ("mediators", "workshops")}
    result = compute(records, indicators.reference_indicators(), as_of)
    gaps = classify_gaps(scores.score, result.cercles,
                         GapRule(args.measure, args.risk_threshold, args.coverage_threshold))
    rows = []
    for cid in gaps.sort_values("gap_rank").index:
        k = result.cercles.loc[cid]
        rows.append({
            "cercle_id": cid, "mediators": int(k["mediators"]),
            "mediators_per_10k": _r(k["mediators_per_10k"]),
            "mediators_per_1000km2": _r(k["mediators_per_1000km2"]),
            "communes_without_mediator": int(k["communes_without_mediator"]),
            "population_without_mediator_est": _r(k["population_without_mediator"], 0),
            "mean_distance_km": _r(k["mean_distance_km"], 1),
            "risk_score": _r(gaps.at[cid, "risk_score"]),
            "gap_class": gaps.at[cid, "gap_class"], "gap_rank": int(gaps.at[cid, "gap_rank"]),
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        print(f"as of {as_of}; risk threshold {gaps.attrs['risk_threshold']:.2f}, "
              f"{args.measure} threshold {gaps.attrs['coverage_threshold']:.2f}")
        for r in rows:
            dist = "-" if r["mean_distance_km"] is None else f"{r['mean_distance_km']:.1f}"
            print(f"{r['gap_rank']:>3} {r['cercle_id']:22s} {r['gap_class'] or 'no data':10s} "
                  f"mediators {r['mediators']:4d} ({r['mediators_per_10k']} /10k) "
                  f"communes without {r['communes_without_mediator']:3d} mean distance {dist} km")
    return 0


def _r(value, digits: int = 3):
    return None if value is None or pd.isna(value) else round(float(value), digits)


if __name__ == "__main__":
    import sys

    sys.exit(main())
