"""Mediator and workshop coverage, and the gaps where high risk meets thin coverage.

Measures (per cercle; per commune where communes are loaded):

* active mediators: count, per 10,000 people, per 1,000 km²;
* communes without any active mediator: count, share of the cercle's communes, their
  (estimated) population;
* distance from each commune's representative point to the nearest active mediator, in km,
  measured in :data:`geo.reference.units.DISTANCE_CRS` (a Lambert conformal conic fitted to Mali: scale error
  below 0.6 % over the country, so distances agree with great-circle distances within 1 %).
  A mediator is placed at its recorded coordinates, else at its commune's representative point,
  else at its cercle's; the cercle figure is the population-weighted mean over its communes;
* workshop coverage: participants per 10,000 people, share of women and of young people,
  months since the last workshop, stakeholder groups reached.

Commune populations are *estimates*: no commune figures exist in the reference data, so each
cercle's RGPH 2009 population is shared among its communes in proportion to their area
(uniform density within the cercle). Every screen that shows them says so.

Gaps: each cercle is placed on risk (the composite score, :mod:`geo.analysis.risk`) against coverage
(mediators per 10,000 people by default, or mean distance) and falls in one of four quadrants,
with thresholds the user can move (default: the national medians):

=================  ==========================  ==============================
                   coverage thin               coverage adequate
=================  ==========================  ==============================
risk >= threshold  ``priority`` (gap)          ``watch`` (covered risk)
risk <  threshold  ``reinforce``               ``adequate``
=================  ==========================  ==============================

Protection (:mod:`geo.analysis.disclosure`, which states the guarantee): mediators are never placed
on a map; below the cercle they are counted per disclosure zone (communes merged to at least
the area of a 20 km disc); every distance is measured to the mediator's zone point, never to
its recorded coordinates, and published in bands; counts from 1 to ``min_count − 1``
(default 3, setting ``VEILLE_MIN_COUNT``) are hidden with complementary suppression, at
zone and cercle level; :func:`published_cercles` and :func:`commune_table` are the only
doors out.

Command line: ``python -m geo.analysis.coverage [--json] [--risk-threshold X] [--coverage-threshold Y]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely

from geo.analysis import disclosure
from geo import settings
from geo.reference import Reference, units
from geo.analysis.indicators import active_mediators, months_since_workshop
from geo.records.fields import GROUPS
from geo.i18n import t

DEFAULT_MIN_COUNT = settings.DEFAULT_MIN_COUNT
GAP_CLASSES = ("priority", "watch", "reinforce", "adequate")
#: Colours of the gap classes (legend, map): red, orange, yellow, grey-green.
GAP_COLOURS = ("#d7301f", "#fc8d59", "#fee08b", "#91bfdb")
#: Coverage measures a gap can be judged on, with their direction: +1 when more is better.
COVERAGE_MEASURES = {"mediators_per_10k": 1, "mean_distance_km": -1}


def min_count(configured: int | str | None = None) -> int:
    """The suppression threshold of a configured value (see
    :func:`geo.settings.suppression_threshold`); the deployment's own setting is read once
    at the edge (:class:`geo.settings.Settings`)."""
    return settings.suppression_threshold(configured)


def mediator_points(mediators: pd.DataFrame, ref: Reference,
                    as_of: date | None = None, threshold: int | None = None) -> pd.DataFrame:
    """Where each active mediator counts for distances (never drawn, never published): the
    representative point of its disclosure zone (:func:`geo.analysis.disclosure.zones`,
    :func:`geo.analysis.disclosure.mediator_zones`) when its commune is known, else its
    cercle's. Its recorded coordinates are not used: no output may depend on them
    (:mod:`geo.analysis.disclosure`). ``placed_by`` says which. With ``as_of``: the
    mediators of the release a view of that date shows (``threshold``: ``k``)."""
    active = active_mediators(mediators, as_of, threshold)
    zp, cercles = ref.zone_points, ref.points["cercle"]
    zone = disclosure.mediator_zones(active, ref)
    zone = zone.where(~zone.astype(str).str.startswith("cercle:"), None)
    has_zone = zone.notna().to_numpy()
    cercle_pt = active["cercle_id"].map(cercles)
    commune = active["commune_id"] if "commune_id" in active else pd.Series(None, index=active.index)
    out = pd.DataFrame({
        "cercle_id": active["cercle_id"].to_numpy(),
        "commune_id": commune.to_numpy(),
        "zone_id": zone.to_numpy(),
        "lon": np.where(has_zone, zone.map(zp["lon"]).astype(float),
                        [p.x if p is not None else np.nan for p in cercle_pt]).astype(float),
        "lat": np.where(has_zone, zone.map(zp["lat"]).astype(float),
                        [p.y if p is not None else np.nan for p in cercle_pt]).astype(float),
        "placed_by": np.where(has_zone, "zone", "cercle"),
    })
    return out.dropna(subset=["lon", "lat"]).reset_index(drop=True)


@dataclass
class Coverage:
    """Result of :func:`compute`: ``cercles``, ``communes`` and ``zones`` tables (indexed by
    id) and the counts as they may be published (``protected``, see
    :func:`geo.analysis.disclosure.protect`). ``cercles`` holds exact figures for computations only:
    every output goes through :func:`published_cercles` / :func:`commune_table`."""

    cercles: pd.DataFrame
    communes: pd.DataFrame
    zones: pd.DataFrame
    protected: disclosure.Protected


def compute(records: dict[str, pd.DataFrame], ref: Reference,
            as_of: date | None = None, threshold: int | None = None) -> Coverage:
    """Coverage measures per cercle, per disclosure zone and per commune.

    Parameters
    ----------
    records : dict
        ``"mediators"`` and ``"workshops"`` frames as from :func:`geo.records.store.load_records`.
    ref : Reference
        Units, populations, zones and points (:func:`geo.reference.load`, loaded by the caller).
    as_of : date, optional
        For "months since the last workshop" (default: today).
    threshold : int, optional
        Suppression threshold ``k`` (default 3; the deployment's is in
        :class:`geo.settings.Settings`).

    Returns
    -------
    Coverage
        ``communes`` (one row per commune): ``cercle_id, commune_fr, zone_id,
        population_est, mediators`` (active mediators *of its zone*), ``has_mediator`` (its
        zone has one) and ``distance_km`` (from the commune's representative point to the
        nearest mediator's zone point, NaN when there is none anywhere). ``zones``:
        ``cercle_id, mediators, area_km2, n_communes, communes``. ``cercles``:
        ``mediators, mediators_hidden, mediators_per_10k`` (a hidden count enters as the
        stand-in of :func:`geo.analysis.disclosure.score_count`), ``mediators_per_1000km2,
        n_communes, communes_without_mediator, communes_without_mediator_share,
        population_without_mediator, mean_distance_km`` (population-weighted over its
        communes), ``max_distance_km``, and the workshop measures ``workshop_participants,
        workshop_participants_per_10k, women_share, youth_share, months_since_workshop,
        groups_reached, groups``.
    """
    as_of = as_of or date.today()
    threshold = DEFAULT_MIN_COUNT if threshold is None else threshold
    communes, zone_of = ref.communes, ref.zone_of
    cercles = ref.cercles
    population = cercles["population"].astype(float)
    med = records.get("mediators")
    if med is None or med.empty:
        med = pd.DataFrame(columns=["cercle_id", "commune_id", "status", "latitude", "longitude"])
    points = mediator_points(med, ref, as_of, threshold)

    z = pd.DataFrame(index=pd.Index(sorted(set(zone_of)), name=None))
    z["cercle_id"] = communes["cercle_id"].groupby(zone_of).first()
    z["mediators"] = points.groupby("zone_id").size().reindex(z.index).fillna(0).astype("int64")
    z["area_km2"] = communes["area_km2"].groupby(zone_of).sum()
    z["n_communes"] = zone_of.value_counts()
    z["communes"] = communes["commune_fr"].groupby(zone_of).agg(lambda n: ", ".join(sorted(n)))

    c = pd.DataFrame(index=communes.index)
    c["cercle_id"] = communes["cercle_id"]
    c["commune_fr"] = communes["commune_fr"]
    c["zone_id"] = zone_of
    c["population_est"] = ref.commune_population
    c["mediators"] = c["zone_id"].map(z["mediators"]).astype("int64")
    c["has_mediator"] = c["mediators"] > 0
    reps = ref.points["commune"]
    c["distance_km"] = _nearest_km(np.column_stack([reps.x, reps.y]),
                                   points[["lon", "lat"]].to_numpy())

    protected = disclosure.protect(z["mediators"], z["cercle_id"], cercles.index, threshold)
    k = pd.DataFrame(index=cercles.index)
    k["mediators"] = points.groupby("cercle_id").size().reindex(k.index).fillna(0) \
        .astype("int64")
    k["mediators_hidden"] = protected.cercle_hidden.reindex(k.index).fillna(False)
    counted = disclosure.score_count(k["mediators"], k["mediators_hidden"], threshold)
    k["mediators_per_10k"] = counted / population * 1e4
    k["mediators_per_1000km2"] = counted / cercles["area_km2"].astype(float) * 1e3
    by = c.groupby("cercle_id")
    k["n_communes"] = by.size().reindex(k.index).fillna(0).astype("int64")
    without = c[~c["has_mediator"]].groupby("cercle_id")
    k["communes_without_mediator"] = without.size().reindex(k.index).fillna(0).astype("int64")
    k["communes_without_mediator_share"] = (k["communes_without_mediator"]
                                            / k["n_communes"].where(k["n_communes"] > 0))
    k["population_without_mediator"] = without["population_est"].sum().reindex(k.index) \
        .fillna(0.0)
    weighted = (c["distance_km"] * c["population_est"]).groupby(c["cercle_id"]).sum(min_count=1)
    k["mean_distance_km"] = (weighted / by["population_est"].sum()).reindex(k.index)
    k["max_distance_km"] = by["distance_km"].max().reindex(k.index)
    k = k.join(_workshop_coverage(records.get("workshops"), population, as_of))
    return Coverage(k, c, z, protected)


#: Columns of :attr:`Coverage.cercles` that are counts of mediators or rates made from them.
MEDIATOR_COLUMNS = ("mediators", "mediators_per_10k", "mediators_per_1000km2")
#: Distance columns, published as the lower limit of their band.
DISTANCE_COLUMNS = ("mean_distance_km", "max_distance_km")


def published_cercles(result: Coverage) -> pd.DataFrame:
    """The per-cercle coverage table as it may be published (screen, downloads, command
    line): mediator counts and rates blank where the count is hidden, distances as the lower
    limit of their band (:func:`geo.analysis.disclosure.band_lower`), ``mediators_txt`` and
    ``mean_distance_txt`` / ``max_distance_txt`` as shown (French)."""
    k = result.cercles.copy()
    hidden = k["mediators_hidden"].to_numpy(dtype=bool)
    k["mediators"] = k["mediators"].astype("Int64").mask(hidden)
    for col in MEDIATOR_COLUMNS[1:]:
        k[col] = k[col].mask(hidden)
    k["mediators_txt"] = [disclosure.count_text(v, h) for v, h in zip(k["mediators"], hidden)]
    for col in DISTANCE_COLUMNS:
        k[col.replace("_km", "_txt")] = [disclosure.band_text(v) for v in k[col]]
        k[col] = disclosure.band_lower(k[col])
    return k


def _nearest_km(origins_lonlat: np.ndarray, targets_lonlat: np.ndarray) -> np.ndarray:
    """Distance (km, projected) from each origin to the nearest target; NaN without targets."""
    if len(targets_lonlat) == 0:
        return np.full(len(origins_lonlat), np.nan)
    targets = np.unique(targets_lonlat, axis=0)       # many mediators share a point
    origin_xy = units.to_metres(origins_lonlat[:, 0], origins_lonlat[:, 1])
    target_xy = units.to_metres(targets[:, 0], targets[:, 1])
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
        out["months_since_workshop"] = months_since_workshop(None, out.index, as_of)
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
    out["months_since_workshop"] = months_since_workshop(ws, out.index, as_of)
    reached = (g[list(GROUPS)].sum(min_count=1).reindex(out.index).fillna(0) > 0)
    out["groups_reached"] = reached.sum(axis=1).astype("int64")
    out["groups"] = [";".join(gr for gr in GROUPS if row[gr]) for _, row in reached.iterrows()]
    return out


# --------------------------------------------------------------------------- gaps
#: Risk levels of the gap rule, named after the Risk page's classes: the score from which
#: risk counts as high enough for a gap (the lower bound of a class), or the national median.
RISK_LEVELS: dict[str, float | None] = {"medium": 3.5, "high": 5.0, "very_high": 6.5,
                                        "median": None}
DEFAULT_RISK_LEVEL = "high"


@dataclass(frozen=True)
class GapRule:
    """How gaps are judged: the coverage measure and both thresholds.

    ``risk_threshold`` is a score (default 5, the lower bound of the Risk page's "high"
    class: "high and above"); None means the national median. ``coverage_threshold`` None
    means the national median of the measure. Coverage is *thin* below the threshold for a
    rate (``mediators_per_10k``), above it for a distance (``mean_distance_km``) — and always
    where the cercle has no active mediator, whatever the threshold.
    """

    measure: str = "mediators_per_10k"
    risk_threshold: float | None = RISK_LEVELS[DEFAULT_RISK_LEVEL]
    coverage_threshold: float | None = None

    def resolved(self, risk: pd.Series, coverage: pd.Series) -> tuple[float, float]:
        """The thresholds in force (medians filled in)."""
        r = self.risk_threshold if self.risk_threshold is not None else float(risk.median())
        c = (self.coverage_threshold if self.coverage_threshold is not None
             else float(coverage.median()))
        return r, c

    @property
    def risk_level(self) -> str | None:
        """The key of :data:`RISK_LEVELS` the risk threshold is, or None (another score)."""
        return next((k for k, v in RISK_LEVELS.items() if v == self.risk_threshold), None)


def gap_words(level: str | None, lang: str = "fr") -> dict[str, str]:
    """The words of the gap classes for a risk level (:data:`RISK_LEVELS` key, None for
    another score): ``{"high": …, "low": …}`` to fill ``gap.<class>`` ("Priorité : risque
    élevé ou très élevé, couverture faible"), so that the names say what the rule is."""

    key = level if level in RISK_LEVELS else "score"
    return {"high": t(f"gap.high.{key}", lang), "low": t(f"gap.low.{key}", lang)}


def gap_label(gap_class: str | None, level: str | None, lang: str = "fr") -> str | None:
    """The name of a gap class under a risk level (None for no class)."""

    return t(f"gap.{gap_class}", lang, **gap_words(level, lang)) if gap_class else None


def classify_gaps(risk: pd.Series, coverage: pd.DataFrame, rule: GapRule = GapRule()
                  ) -> pd.DataFrame:
    """Four-quadrant gap class per cercle (see the module docstring and :class:`GapRule`).

    ``coverage`` holds the measure and, when known, ``mediators`` (active mediators): a
    cercle with none is thin coverage whatever the threshold (with no mediator anywhere,
    every cercle is, instead of the median 0 making every cercle "covered").

    Returns a frame indexed like ``risk`` with ``risk_score``, the coverage measure,
    ``high_risk``, ``thin_coverage``, ``gap_class`` (None when either value is missing) and
    ``gap_rank`` (1 = most urgent: priority gaps first, by risk then thinnest coverage).
    """
    if rule.measure not in COVERAGE_MEASURES:
        raise ValueError(f"measure must be one of {tuple(COVERAGE_MEASURES)}")
    cov = coverage[rule.measure].reindex(risk.index).astype(float)
    none = (coverage["mediators"].reindex(risk.index).fillna(0) == 0
            if "mediators" in coverage else pd.Series(False, index=risk.index))
    r_t, c_t = rule.resolved(risk, cov)
    if np.isnan(c_t):                 # no measured value at all (nobody anywhere)
        c_t = 0.0
    high = risk >= r_t
    thin = (cov < c_t if COVERAGE_MEASURES[rule.measure] > 0 else cov > c_t) | none
    known = risk.notna() & (cov.notna() | none)
    cls = np.select([high & thin, high & ~thin, ~high & thin], GAP_CLASSES[:3], GAP_CLASSES[3])
    out = pd.DataFrame({"risk_score": risk, rule.measure: cov,
                        "high_risk": high.where(known), "thin_coverage": thin.where(known),
                        "gap_class": pd.Series([v if k else None for v, k in zip(cls, known)],
                                               index=risk.index, dtype=object)})
    order = out.assign(
        _cls=out["gap_class"].map({c: i for i, c in enumerate(GAP_CLASSES)}).fillna(9),
        _cov=(cov * COVERAGE_MEASURES[rule.measure]).fillna(-np.inf)).sort_values(
        ["_cls", "risk_score", "_cov"], ascending=[True, False, True], na_position="last")
    out["gap_rank"] = pd.Series(range(1, len(out) + 1), index=order.index).reindex(out.index)
    out.attrs.update(risk_threshold=r_t, coverage_threshold=c_t, measure=rule.measure,
                     risk_level=rule.risk_level)
    return out


@dataclass
class Gaps:
    """Coverage and risk of every cercle as published, for one analysis value and gap rule:
    ``cercles`` = :func:`published_cercles` with ``risk_score, risk_class, gap_class,
    gap_rank`` and ``gap_code`` (0–3, for the map); ``gaps`` = :func:`classify_gaps`' table
    (its ``attrs`` give the thresholds in force)."""

    cercles: pd.DataFrame
    gaps: pd.DataFrame


def gap_table(scores, result: Coverage, rule: GapRule = GapRule()) -> Gaps:
    """The one per-cercle table of the coverage screens: published coverage measures, the
    score and class of the view (``scores``, a :class:`geo.analysis.risk.Scores`) and the gap classes
    (:func:`classify_gaps` on the exact figures, never published themselves)."""
    gaps = classify_gaps(scores.score, result.cercles, rule)
    out = published_cercles(result).join(gaps[["risk_score", "gap_class", "gap_rank"]])
    out["risk_class"] = scores.risk_class
    out["gap_code"] = gaps["gap_class"].map({c: i for i, c in enumerate(GAP_CLASSES)}) \
        .astype(float)
    return Gaps(out, gaps)


def commune_table(result: Coverage, lang: str = "fr") -> pd.DataFrame:
    """Communes as shown and exported. Mediators are given per disclosure zone (the zone's
    communes are listed), hidden where :func:`geo.analysis.disclosure.protect` hides them; distances
    as their band. Nothing here depends on where a mediator is inside its zone."""
    c = result.communes
    prot = result.protected
    zone_hidden = c["zone_id"].map(prot.zone_hidden).to_numpy(dtype=bool)
    return pd.DataFrame({
        "commune_id": c.index, "commune_fr": c["commune_fr"].to_numpy(),
        "cercle_id": c["cercle_id"].to_numpy(), "zone_id": c["zone_id"].to_numpy(),
        "zone_communes": c["zone_id"].map(result.zones["communes"]).to_numpy(),
        "population_est": c["population_est"].round(-1).astype("Int64").to_numpy(),
        "zone_mediators": [disclosure.count_text(v, h, lang)
                           for v, h in zip(c["mediators"], zone_hidden)],
        "has_mediator": c["has_mediator"].to_numpy(),
        "distance_km": disclosure.band_lower(c["distance_km"]),
        "distance_band": [disclosure.band_text(v, lang) for v in c["distance_km"]],
    })
