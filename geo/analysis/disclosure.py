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
   distance and a cercle's population-weighted mean and maximum alike. The same holds for
   what mediators *report*: a tension report from the division's network (a mediator, an
   SMS reporter: :data:`NETWORK_SOURCES`) is published no finer than its zone, and under one
   source label (:func:`published_reports`), so that neither its point nor its source
   singles out a mediator reporting from home.
2. **No count from 1 to k − 1, not even by subtraction.** A zone's count is never published
   as a number: only whether the zone has a mediator (the coverage gaps the division must
   see). A cercle's total is hidden (:func:`protect`) when it is 1 to ``k − 1``, or when
   its zones with a mediator (each holding at least one) would pin one of them below ``k``:
   the total is published only if ``total − (zones with a mediator − 1) ≥ k``
   (:func:`feasible_range`). Hidden cells are all shown the same way
   (:func:`count_text`). Totals above the cercle (region, country) are never published
   exactly.
3. **No count from 1 to k − 1 between two dates** (successive releases, as τ-ARGUS and
   GaussSuppression's ``IncrementalTimeSuppression`` practise it). A viewer may choose any
   as-of date, so any two dates could be compared. Mediator figures are therefore
   *released* (:func:`released`): a view shows a cercle's mediators as of a **release** —
   the last quarter end on or before its date (:func:`release_date`) — and a cercle's
   release moves on only when its total has grown by at least ``k + m − 1`` since the
   release it shows, ``m`` being its zones that gained their first mediator meanwhile
   (``k`` when none did). As a cercle's count only grows with the date (a mediator counts
   from the day of training), between any two views every cercle's total differs by 0 or
   by at least ``k``, and a zone that gained its first mediator may hold ``k`` or more of
   the newly trained: no comparison of dates, windows, cercles or zones gives a count from
   1 to ``k − 1``. The price: a cercle shows up to ``k − 1 + m − 1`` fewer mediators than
   it has until enough are trained (on the demonstration data, 27 of 1,267 active
   mediators, never more than two per cercle). The window does not enter mediator figures.
4. **Derived figures follow their count**: a rate (per 10,000 people, per 1,000 km²) is hidden
   where its count is, and the risk score reads a hidden cercle count as the same stand-in
   value (:func:`score_count`), so the score cannot be inverted into a small count.

What stays visible, by design: which zones have at least one mediator, as of the release
shown, and cercle counts of ``k`` or more. Known limit: a release is computed from the
store's current content, so the same view seen before and after an import of mediators
trained in the past (or a status changed to inactive) can differ by less than ``k``; the
imports themselves are visible to analysts only, and their history shows rounded counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from geo.i18n import format_number, t
from geo.reference import units

if TYPE_CHECKING:
    from geo.reference import Reference

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
#: Sources of tension reports that are people of the division's own network: published no
#: finer than a disclosure zone, under :data:`NETWORK_LABEL` (:func:`published_reports`).
NETWORK_SOURCES = ("mediator", "sms", "network")
#: The one source code network reports are published under.
NETWORK_LABEL = "network"
#: Months between two releases of mediator figures (quarter ends: :func:`release_date`).
RELEASE_MONTHS = 3


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
    the zones whose own count is small (1 to ``k − 1``)."""

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
        return not counts or counts[0] >= threshold
    return sum(counts) - (len(counts) - 1) >= threshold


def protect(zone_counts: pd.Series, zone_cercle: pd.Series, cercle_index: pd.Index,
            threshold: int) -> Protected:
    """Mediator counts as they may be published (see the module docstring, point 2): no
    zone's count (a zone shows only whether it has a mediator); a cercle's total unless it
    is small or its zones with a mediator would pin one of them below ``threshold``.

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
    zone_hidden = counts > 0
    primary = (counts > 0) & (counts < threshold)
    cercle_hidden = pd.Series(False, index=totals.index)
    for cercle_id, members in counts.groupby(zone_cercle):
        present = [int(v) for v in members if v > 0]
        if cercle_id in cercle_hidden.index:
            cercle_hidden[cercle_id] = bool(present) and not _safe(present, threshold)
    return Protected(counts.astype("Int64").where(~zone_hidden, pd.NA),
                     totals.astype("Int64").where(~cercle_hidden, pd.NA),
                     zone_hidden, cercle_hidden, primary, threshold)


# --------------------------------------------------------------------------- releases
def release_date(day: date) -> date:
    """The release a view of ``day`` shows mediators as of: the last quarter end (31 March,
    30 June, 30 September, 31 December) on or before ``day``."""
    start = date(day.year, RELEASE_MONTHS * ((day.month - 1) // RELEASE_MONTHS) + 1, 1)
    end = (date(start.year + (start.month + RELEASE_MONTHS > 12),
                (start.month + RELEASE_MONTHS - 1) % 12 + 1, 1) - timedelta(days=1))
    return day if day == end else start - timedelta(days=1)


def mediator_zones(mediators: pd.DataFrame, ref: Reference) -> pd.Series:
    """The disclosure zone each mediator counts in: its commune's zone; for a mediator whose
    commune is not recorded, the zone its coordinates fall in; else ``cercle:<cercle_id>``
    (known by cercle only: a zone of its own). Indexed like ``mediators``."""
    commune = mediators["commune_id"].copy() if "commune_id" in mediators \
        else pd.Series(None, index=mediators.index, dtype=object)
    if "longitude" in mediators and "latitude" in mediators:
        lon = pd.to_numeric(mediators["longitude"], errors="coerce")
        lat = pd.to_numeric(mediators["latitude"], errors="coerce")
        guess = commune.isna() & lon.notna() & lat.notna()
        if guess.any():            # coordinates only tell which zone: the commune they are in
            commune[guess] = ref.communes_at(lon[guess].to_numpy(), lat[guess].to_numpy())
    zone = commune.map(ref.zone_of)
    return zone.where(zone.notna(), "cercle:" + mediators["cercle_id"].astype(str))


def released(mediators: pd.DataFrame, as_of: date, threshold: int, ref: Reference
             ) -> pd.DataFrame:
    """The mediators a view of ``as_of`` may count (the module docstring, point 3): of each
    cercle, those counted at the cercle's **release** — the latest quarter end ``r`` on or
    before ``as_of`` that the cercle has moved on to.

    ``mediators`` are the active ones (a mediator counts from its ``trained_on`` date on;
    one without a date, always). A cercle starts at the state before any dated training
    and moves on at a quarter end ``r`` when, since the release it shows, its total has
    grown by ``d ≥ k + m − 1`` (``k`` = ``threshold``; ``m`` its zones that gained their
    first mediator, at least 1). Its total grows with ``r``, so between any two views it
    differs by 0 or by at least ``k``, and each zone that gained its first mediator could
    hold ``d − (m − 1) ≥ k`` of them. Returns the rows of ``mediators`` kept.
    """
    if mediators is None or not len(mediators) or as_of is None:
        return mediators
    trained = pd.to_datetime(mediators["trained_on"], errors="coerce") \
        if "trained_on" in mediators else pd.Series(pd.NaT, index=mediators.index)
    # the first release (quarter end) that counts each mediator; undated ones: always
    first = trained + pd.offsets.QuarterEnd(0)
    cap = pd.Timestamp(release_date(as_of))
    zone = mediator_zones(mediators, ref)
    keep = pd.Series(False, index=mediators.index)
    for _cercle, rows in mediators.groupby("cercle_id").groups.items():
        starts, zones_ = first[rows], zone[rows]
        undated = starts.isna()
        shown = undated.copy()                          # the state the cercle shows
        total, present = int(shown.sum()), set(zones_[shown])
        for release in sorted(set(starts[~undated & (starts <= cap)])):
            now = undated | (starts <= release)
            grown = int(now.sum()) - total
            new_zones = set(zones_[now]) - present
            if grown > 0 and grown >= threshold + max(len(new_zones), 1) - 1:
                shown, total, present = now, int(now.sum()), set(zones_[now])
        keep[rows] = shown.to_numpy()
    return mediators[keep.to_numpy()]


# --------------------------------------------------------------------------- reports
def published_reports(tensions: pd.DataFrame, zone_of: pd.Series | None = None
                      ) -> pd.DataFrame:
    """Tension reports as any viewer may see them (the module docstring, point 1).

    A report from the division's network (:data:`NETWORK_SOURCES`: a mediator, an SMS
    reporter) is placed no finer than its disclosure zone: its coordinates are dropped; it
    keeps its commune (``commune`` precision) only where that commune is a zone by itself,
    else it is placed at its cercle (``cercle`` precision). Its source reads
    :data:`NETWORK_LABEL`, so that the source does not single out a mediator's reports.
    Other reports are unchanged. Analysts' restricted export keeps the records as stored.
    """
    if tensions is None or not len(tensions) or "source_type" not in tensions:
        return tensions
    if zone_of is None:
        zone_of = units.commune_zones()
    alone = set(zone_of.index[zone_of.map(zone_of.value_counts()) == 1])
    out = tensions.copy()
    network = out["source_type"].isin(NETWORK_SOURCES).to_numpy()
    finer = network & out["location_precision"].isin(["exact", "commune"]).to_numpy()
    commune = out["commune_id"] if "commune_id" in out else pd.Series(None, index=out.index)
    own_zone = finer & commune.isin(alone).to_numpy()
    to_cercle = finer & ~own_zone
    for column in ("latitude", "longitude", "geo_precision"):
        if column in out:
            out[column] = out[column].astype(object).where(~finer, None)
    out.loc[own_zone, "location_precision"] = "commune"
    if "commune_id" in out:
        out["commune_id"] = out["commune_id"].astype(object).where(~to_cercle, None)
    out.loc[to_cercle, "location_precision"] = "cercle"
    out.loc[network, "source_type"] = NETWORK_LABEL
    return out


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

    out = batches.copy()
    mediators = (out["kind"] == "mediators").to_numpy()
    for col in ("rows", "accepted", "rejected", "duplicates"):
        out[col] = [rounded_text(v, lang) if m else format_number(int(v), lang)
                    for v, m in zip(out[col], mediators)]
    return out


def rounded_text(total, lang: str = "fr") -> str:
    """A count of mediators above the cercle as shown: ``≈ 1 420`` (:func:`rounded_total`)."""

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
