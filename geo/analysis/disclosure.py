"""What may be published about mediators: the guarantee, and the functions every output uses.

Community mediators can be harmed if exposed. Every figure Veille publishes about them —
on screen, in CSV and GeoJSON downloads, in the command lines' JSON — passes through this
module, which gives this **guarantee** (``k`` = the suppression threshold, default 3, never
below 2; ``R`` = :data:`RADIUS_KM`, 10 km):

1. **No position finer than a zone of π(2R)².** Below the cercle, mediators are published
   per *disclosure zone* (:func:`zones`): a commune whose area is at least π(2R)²
   (1,257 km²), or adjacent communes of one cercle merged until they cover that much (or the
   whole cercle, where the cercle is smaller: only the District of Bamako, 246 km², a city of
   1.8 million people). A mediator's recorded
   coordinates enter no published figure: wherever a distance is measured, a mediator stands
   at its zone's representative point. So every output is identical wherever the mediator is
   inside its zone, and no combination of outputs (trilateration from distances, several
   maps, several dates) narrows a mediator's position to less than its zone: the best guess
   is a point of the zone, on average 2/3 × 2R ≈ 13 km from a mediator anywhere in it.
   Distances are moreover published in bands (:data:`DISTANCE_BANDS_KM`) — a commune's
   distance and a cercle's population-weighted mean and maximum alike.
2. **No count from 1 to k − 1, not even by subtraction.** Such a count is hidden
   (*primary suppression*) at zone and at cercle level. Because a cercle's total is
   published, hiding one zone would not protect it (total − the other zones = the hidden
   one): *complementary suppression* (:func:`protect`) hides further zones until every
   hidden zone could hold, given the total and all other published cells, a value of at
   least ``k`` (:func:`feasible_range`); where that is impossible the cercle's total is hidden
   too. Hidden cells are all shown the same way (:func:`count_text`), so a reader cannot
   tell a small count from a complementary one. Totals above the cercle (region, country)
   are never published exactly.
3. **Derived figures follow their count**: a rate (per 10,000 people, per 1,000 km²) is hidden
   where its count is, and the risk score reads a hidden cercle count as the same stand-in
   value (:func:`score_count`), so the score cannot be inverted into a small count.

What stays visible, by design: which zones have at least one mediator (the coverage gaps the
division must see), and cercle counts of ``k`` or more. Left as a known limit: comparing two
as-of dates shows how many mediators of a cercle were trained in between (a count of
trainings, not a position).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

#: Radius (km) of the guarantee: no output narrows a mediator to less than a zone as large as
#: a disc of twice this radius, so that the best guess a reader can make (a point of the zone)
#: is on average more than this radius away (2/3 × 2R ≈ 13 km for a mediator anywhere in it).
RADIUS_KM = 10.0
#: Smallest area of a disclosure zone (km²): a disc of 2 × :data:`RADIUS_KM` (1,257 km²).
MIN_ZONE_AREA_KM2 = math.pi * (2 * RADIUS_KM) ** 2
#: Distance bands (km) in which every distance to a mediator is published; the last is open.
DISTANCE_BANDS_KM = (0.0, 5.0, 15.0, 30.0, 60.0, 120.0)
#: Marker of a hidden count in published tables.
HIDDEN = "hidden"


# --------------------------------------------------------------------------- zones
def zones(communes: pd.DataFrame, min_area_km2: float = MIN_ZONE_AREA_KM2) -> pd.Series:
    """Disclosure zone of every commune (``commune_id`` → ``zone_id``).

    Communes of at least ``min_area_km2`` are their own zone. Smaller ones are merged,
    smallest first, with the smallest adjacent zone of the same cercle (adjacent: sharing a
    border, on the analysis geometry), until every zone covers ``min_area_km2`` or is the
    whole cercle. A zone's id is the id of its largest commune. Deterministic.

    Parameters
    ----------
    communes : GeoDataFrame
        ``commune_id`` index, ``cercle_id``, ``area_km2`` (km²) and ``geometry``.
    """
    zone = pd.Series(communes.index, index=communes.index, dtype=object)
    area = communes["area_km2"].astype(float)
    geoms = communes.geometry
    for _cercle, members in communes.groupby("cercle_id").groups.items():
        ids = list(members)
        if len(ids) < 2:
            continue
        tree = shapely.STRtree(geoms.loc[ids].values)
        touching = {c: set() for c in ids}
        for i, c in enumerate(ids):
            for j in tree.query(geoms[c], predicate="intersects"):
                if j != i:
                    touching[c].add(ids[j])
        groups = {c: {c} for c in ids}               # zone key -> member communes

        def zone_area(key):
            return float(area.loc[list(groups[key])].sum())

        while True:
            small = sorted((k for k in groups if zone_area(k) < min_area_km2),
                           key=lambda k: (zone_area(k), k))
            if not small or len(groups) == 1:
                break
            key = small[0]
            neighbours = {next(z for z, m in groups.items() if n in m)
                          for c in groups[key] for n in touching[c]} - {key}
            if not neighbours:                     # an island: join the nearest zone
                here = shapely.union_all(geoms.loc[list(groups[key])].values)
                neighbours = {min((z for z in groups if z != key),
                                  key=lambda z: (here.distance(shapely.union_all(
                                      geoms.loc[list(groups[z])].values)), z))}
            other = min(neighbours, key=lambda z: (zone_area(z), z))
            groups[other] |= groups.pop(key)
        for members_set in groups.values():
            largest = max(members_set, key=lambda c: (area[c], c))
            for c in members_set:
                zone[c] = largest
    return zone.rename("zone_id")


def zone_points(communes: pd.DataFrame, zone_of: pd.Series) -> pd.DataFrame:
    """Representative point (``lon``, ``lat``, degrees) and area (km²) of every zone: where
    every mediator of the zone stands for distances."""
    merged = communes[["geometry"]].assign(zone_id=zone_of).dissolve(by="zone_id")
    rep = merged.geometry.representative_point()
    out = pd.DataFrame({"lon": rep.x, "lat": rep.y})
    out["area_km2"] = communes["area_km2"].groupby(zone_of).sum()
    out["n_communes"] = zone_of.value_counts()
    return out


# --------------------------------------------------------------------------- distances
def band_index(distance_km: float) -> int | None:
    """Index of the band of :data:`DISTANCE_BANDS_KM` holding a distance (None for NaN)."""
    if distance_km is None or not np.isfinite(distance_km):
        return None
    return int(np.searchsorted(DISTANCE_BANDS_KM, distance_km, side="right")) - 1


def band_lower(distances) -> np.ndarray:
    """Each distance replaced by the lower limit of its band (km; NaN stays NaN): what the
    maps colour and the tables sort by."""
    d = np.asarray(distances, dtype=float)
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(d)
    idx = np.searchsorted(DISTANCE_BANDS_KM, d[ok], side="right") - 1
    out[ok] = np.asarray(DISTANCE_BANDS_KM)[idx]
    return out


def band_text(distance_km: float, lang: str = "fr") -> str:
    """A distance as published: its band, ``"5–15 km"`` or ``"≥ 120 km"`` (``""`` for NaN)."""
    from geo.i18n import format_number

    i = band_index(distance_km)
    if i is None:
        return ""
    lo = format_number(DISTANCE_BANDS_KM[i], lang)
    if i == len(DISTANCE_BANDS_KM) - 1:
        return f"≥ {lo} km"
    return f"{lo}–{format_number(DISTANCE_BANDS_KM[i + 1], lang)} km"


# --------------------------------------------------------------------------- counts
@dataclass
class Protected:
    """Counts as they may be published: ``zones`` and ``cercles`` hold the count or
    ``pd.NA`` where hidden; ``zone_hidden`` / ``cercle_hidden`` say which; ``primary`` marks
    the zones hidden because their own count is small (the others are complementary)."""

    zones: pd.Series
    cercles: pd.Series
    zone_hidden: pd.Series
    cercle_hidden: pd.Series
    primary: pd.Series
    threshold: int


def _safe(counts: list[int], threshold: int) -> bool:
    """A published total and these hidden (non-zero) cells: can every hidden cell still be
    any value up to at least ``threshold``? (See :func:`feasible_range`.)"""
    if len(counts) < 2:
        return not counts
    return sum(counts) - (len(counts) - 1) >= threshold


def protect(zone_counts: pd.Series, zone_cercle: pd.Series, cercle_index: pd.Index,
            threshold: int) -> Protected:
    """Primary and complementary suppression of mediator counts (see the module docstring).

    Parameters
    ----------
    zone_counts : Series
        Active mediators per ``zone_id`` (every zone, zeros included).
    zone_cercle : Series
        ``zone_id`` → ``cercle_id``.
    cercle_index : Index
        Every cercle (cercles without a zone count have 0).
    threshold : int
        ``k``: counts from 1 to ``k − 1`` are never published.
    """
    counts = zone_counts.astype("int64")
    totals = counts.groupby(zone_cercle).sum().reindex(cercle_index).fillna(0).astype("int64")
    zone_hidden = pd.Series(False, index=counts.index)
    primary = (counts > 0) & (counts < threshold)
    cercle_hidden = (totals > 0) & (totals < threshold)
    for cercle_id, members in counts.groupby(zone_cercle):
        if cercle_hidden[cercle_id]:
            zone_hidden[members.index] = members > 0
            continue
        hidden = list(members.index[primary[members.index]])
        if not hidden:
            continue
        others = sorted((z for z in members.index if members[z] > 0 and z not in hidden),
                        key=lambda z: (members[z], z))
        while not _safe([int(members[z]) for z in hidden], threshold) and others:
            hidden.append(others.pop(0))
        if _safe([int(members[z]) for z in hidden], threshold):
            zone_hidden[hidden] = True
        else:                                     # no safe choice: hide the total as well
            cercle_hidden[cercle_id] = True
            zone_hidden[members.index] = members > 0
    return Protected(counts.astype("Int64").where(~zone_hidden, pd.NA),
                     totals.astype("Int64").where(~cercle_hidden, pd.NA),
                     zone_hidden, cercle_hidden, primary, threshold)


def feasible_range(total: int | None, published: list[int], hidden: int
                   ) -> tuple[int, float]:
    """What a reader can deduce about one hidden cell of a group: ``(lowest, highest)``.

    ``total`` is the group's published total (None when hidden), ``published`` the group's
    published cells, ``hidden`` the number of hidden cells, each known to be at least 1 (its
    zone has a mediator). With a total, the hidden cells sum to ``S = total − Σ published``
    and one of them lies in ``[1, S − (hidden − 1)]``; without it, in ``[1, ∞)``.
    """
    if total is None or hidden == 0:
        return 1, math.inf
    rest = int(total) - sum(int(v) for v in published)
    return 1, rest - (hidden - 1)


def count_text(value, hidden: bool, lang: str = "fr") -> str:
    """A count as published: the number, or the same "hidden" mark for every hidden cell."""
    from geo.i18n import format_number, t

    if hidden:
        return t("disclosure.hidden", lang)
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return format_number(int(value), lang)


def score_count(count: pd.Series, hidden: pd.Series, threshold: int) -> pd.Series:
    """Mediator counts as the risk score reads them: a hidden cercle count enters as
    ``threshold / 2`` (the middle of 1 … k − 1), whatever it is, so the score does not
    reveal it; the others as they are."""
    out = count.astype(float).copy()
    out[hidden.reindex(out.index).fillna(False).to_numpy(dtype=bool)] = threshold / 2
    return out


def batch_counts(batches: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The import history as it may be published: a mediators batch's counts are national
    totals of mediators, so they are shown rounded (``≈ 1 420``, :func:`rounded_total`) like
    the store's total; other kinds as they are."""
    from geo.i18n import format_number

    out = batches.copy()
    mediators = (out["kind"] == "mediators").to_numpy()
    for col in ("rows", "accepted", "rejected", "duplicates"):
        out[col] = [rounded_text(v, lang) if m else format_number(int(v), lang)
                    for v, m in zip(out[col], mediators)]
    return out


def rounded_text(total, lang: str = "fr") -> str:
    """A count of mediators above the cercle as shown: ``≈ 1 420`` (:func:`rounded_total`)."""
    from geo.i18n import format_number

    return f"≈ {format_number(rounded_total(int(total)), lang)}"


def rounded_total(total: int, base: int = 10) -> int:
    """A total above the cercle (region, country) as published: rounded to ``base``, so that
    it cannot be used to recover a hidden cercle by subtraction."""
    return int(base * round(total / base))


def zones_file(communes: pd.DataFrame) -> pd.DataFrame:
    """The table shipped as ``data/mali_disclosure_zones.csv``: ``commune_id, zone_id,
    zone_lon, zone_lat`` (degrees, rounded to 1e-6)."""
    zone_of = zones(communes)
    points = zone_points(communes, zone_of)
    return pd.DataFrame({"commune_id": communes.index, "zone_id": zone_of.to_numpy(),
                         "zone_lon": zone_of.map(points["lon"]).round(6).to_numpy(),
                         "zone_lat": zone_of.map(points["lat"]).round(6).to_numpy()})
