"""The per-cercle indicator table: one row per cercle, one column per indicator.

Every page that shows a number about a cercle reads it from :func:`cercle_indicators`; no page
recomputes an indicator. Reference columns come from ``data/``; field columns from the
record store (workshops, mediators, tension reports).
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.settings import DEFAULT_MIN_COUNT
from geo.records import context
from geo.analysis import disclosure, observation
from geo.reference import units
from geo import reference as reference_module

#: Identity columns of the table (the rest are indicators).
ID_COLUMNS = ["cercle_id", "cercle_fr", "region_id", "region_fr", "population_type"]
#: Field-record indicators (counts; 0 where nothing is recorded).
FIELD_COLUMNS = ["workshop_sessions", "workshop_participants", "workshop_women",
                 "workshop_youth", "mediators", "tension_reports"]
PER_10K = 10_000

#: Look-back window (days) of the hazard indicators.
DEFAULT_WINDOW_DAYS = 90
#: The window's bounds (days).
WINDOW_DAYS_RANGE = (7, 730)
#: Weight of an unverified report relative to a verified one (a false one never counts).
DEFAULT_UNVERIFIED_WEIGHT = 0.5


class SharedAttrs(dict):
    """A table's attribute that is never copied: pandas deep-copies a frame's ``attrs`` on
    every operation (a column read, a join), and the forecast's explanation (a dict per
    cercle) made that a tenth of a page's work (issue 32). Read it, never change it."""

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def reference_indicators() -> pd.DataFrame:
    """Indicators from the reference data only (see :func:`cercle_indicators`)."""
    cercles = units.load_cercles()
    table = pd.DataFrame(cercles.drop(columns="geometry"))
    table["n_communes"] = units.commune_counts().reindex(table.index).fillna(0).astype("int64")
    return table[ID_COLUMNS + ["population", "area_km2", "density", "n_communes"]]


def field_counts(records: dict[str, pd.DataFrame], index: pd.Index,
                 as_of: date | None = None, min_count: int | None = None) -> pd.DataFrame:
    """Counts per cercle from record tables (as returned by :func:`geo.records.store.load_records`).

    * ``workshop_sessions`` / ``workshop_participants`` / ``workshop_women`` /
      ``workshop_youth`` -- sessions held in the cercle and their participants;
    * ``mediators`` -- active mediators (inactive ones do not cover anybody); with
      ``as_of``, those of its release (:func:`active_mediators`, ``min_count`` = ``k``);
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
        out["mediators"] = active_mediators(med, as_of, min_count).groupby("cercle_id").size()
    ten = records.get("tensions")
    if ten is not None and len(ten):
        out["tension_reports"] = counted_reports(ten).groupby("cercle_id").size()
    for col in FIELD_COLUMNS:
        out[col] = out[col].fillna(0).astype("int64") if col in out else 0
    return out[FIELD_COLUMNS]


#: The forecast's columns in the table (``forecast_<name>`` from the forecast's ``<name>``).
FORECAST_COLUMNS = {"forecast_reports": "expected_reports", "forecast_low80": "low80",
                    "forecast_high80": "high80", "forecast_p_any": "p_any",
                    "forecast_p_severe": "p_severe"}


def with_window(table: pd.DataFrame, records: dict[str, pd.DataFrame], as_of: date,
                forecast: pd.DataFrame, window_days: int = DEFAULT_WINDOW_DAYS,
                unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
                ratings: pd.DataFrame | None = None, min_count: int | None = None
                ) -> pd.DataFrame:
    """``table`` (reference columns, indexed by ``cercle_id``) joined with the indicators of
    :func:`window_indicators` as of ``as_of``, the forecast of tension reports
    (``forecast``, from :mod:`geo.analysis.forecast`, as :data:`FORECAST_COLUMNS`:
    ``forecast_reports`` expected in the next 90 days, its 80 % interval
    ``forecast_low80``–``forecast_high80``, ``forecast_p_any`` = P(at least one report),
    ``forecast_p_severe`` = P(at least one of severity 4–5)) and the context ratings (one
    column per factor, as from :func:`geo.records.context.ratings`) as
    ``context_<factor_id>`` columns. ``attrs``: the window, the factor ids, the forecast's
    attributes, the reporting
    lag (``reporting_lag``, days or None) and the first provisional day
    (``provisional_since``; :mod:`geo.analysis.observation`). The app and the back-test
    both build their table here.
    """
    table = table.join(window_indicators(records, table["population"], as_of, window_days,
                                         unverified_weight, table.get("n_communes"),
                                         min_count))
    for column, name in FORECAST_COLUMNS.items():
        table[column] = forecast[name].reindex(table.index)
    factor_ids: list[str] = []
    if ratings is not None:
        factor_ids = list(ratings.columns)
        table = table.join(ratings.rename(columns=context.column))
    tensions = records.get("tensions")
    table.attrs.update(as_of=as_of, window_days=window_days, context_factors=factor_ids,
                       forecast=SharedAttrs(forecast.attrs),
                       reporting_lag=observation.reporting_lag(tensions, as_of),
                       provisional_since=observation.provisional_since(tensions, as_of))
    return table


def tension_points(reports: pd.DataFrame, reference=None) -> gpd.GeoDataFrame:
    """Where to draw each tension report: never more precisely than its location precision.

    ``exact`` reports at their coordinates; ``commune``, ``cercle`` and ``region`` reports at
    the representative point of that unit (:attr:`geo.reference.Reference.points`), the
    finest unit known at or above the report's precision (an ``exact`` report without
    coordinates at its commune's point, and so on). Returns a GeoDataFrame in EPSG:4326 with
    the report columns and ``geometry`` (None where no place is known).
    """
    reports = reports.reset_index(drop=True)
    n = len(reports)
    if not n:
        return gpd.GeoDataFrame(reports, geometry=[], crs="EPSG:4326")
    reps = (reference or reference_module.load()).points
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    rank = reports["location_precision"].map(PRECISION_RANK).to_numpy(dtype=float)
    if "latitude" in reports and "longitude" in reports:
        lat = pd.to_numeric(reports["latitude"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(reports["longitude"], errors="coerce").to_numpy(dtype=float)
        exact = (rank == 0) & np.isfinite(lat) & np.isfinite(lon)
        x[exact], y[exact] = lon[exact], lat[exact]
    for level in ("commune", "cercle", "region"):
        todo = np.isnan(x) & (rank <= PRECISION_RANK[level])
        if not todo.any() or f"{level}_id" not in reports:
            continue
        known = reps[level]          # a GeoSeries of points by unit code
        codes = reports.loc[todo, f"{level}_id"]
        x[todo] = codes.map(pd.Series(known.x.to_numpy(), index=known.index)).to_numpy(float)
        y[todo] = codes.map(pd.Series(known.y.to_numpy(), index=known.index)).to_numpy(float)
    geoms = np.array(gpd.points_from_xy(x, y), dtype=object)
    geoms[np.isnan(x)] = None
    return gpd.GeoDataFrame(reports, geometry=list(geoms), crs="EPSG:4326")


#: Location precisions, finest first: a report is placed at its own precision or coarser.
PRECISION_RANK = {"exact": 0, "commune": 1, "cercle": 2, "region": 3}


def active_mediators(mediators: pd.DataFrame, as_of: date | None = None,
                     threshold: int | None = None) -> pd.DataFrame:
    """The mediators that count as of a date: active, and — with ``as_of`` — those of the
    release that a view of ``as_of`` shows (:func:`geo.analysis.disclosure.released`: of
    each cercle, the mediators trained on or before its release, a quarter end on or before
    ``as_of``; one whose training date is unknown counts). ``threshold``: the suppression
    threshold ``k`` (default: the deployment's default). The one definition, for the score,
    for coverage and for the planner."""
    if mediators is None or not len(mediators):
        return mediators
    active = mediators[(mediators["status"] != "inactive").to_numpy(dtype=bool)]
    if as_of is None:
        return active
    return disclosure.released(active, as_of,
                               DEFAULT_MIN_COUNT if threshold is None else threshold,
                               reference_module.load())


def months_since_workshop(workshops: pd.DataFrame, index: pd.Index, as_of: date) -> pd.Series:
    """Months (of 365.25 / 12 days) from each cercle's last session started on or before
    ``as_of`` to ``as_of``; from :data:`PROGRAMME_START` for a cercle that never had one (a
    known absence, not missing data). The one definition, for the score and for coverage."""
    ws = _frame({"workshops": workshops} if workshops is not None else {}, "workshops")
    ws = ws[_age_days(ws["start_date"], as_of) >= 0]
    last = ws.groupby("cercle_id")["start_date"].max().reindex(index)
    last = last.map(lambda d: PROGRAMME_START if d is None or pd.isna(d) else d)
    return last.map(lambda d: (as_of - d).days / DAYS_PER_MONTH).astype(float)


def counted_reports(tensions: pd.DataFrame) -> pd.DataFrame:
    """The reports that count: all but those verified as false (the one place that rule is
    written; unverified ones count, weighted where a weight applies)."""
    if tensions is None or not len(tensions):
        return tensions
    return tensions[(tensions["verification"] != "false").to_numpy(dtype=bool)]


# --------------------------------------------------------------------------- windowed indicators
# Hazard and coping capacity for an as-of date and a look-back window (the context factors
# come from geo.records.context).

#: First month of the mission's programme: "months since the last workshop" of a cercle that
#: never had one counts from here (a known absence, not missing data).
PROGRAMME_START = date(2017, 1, 1)
DAYS_PER_MONTH = 365.25 / 12


def default_as_of(records: dict[str, pd.DataFrame], today: date | None = None) -> date:
    """The latest date the store knows of: a tension report's ``reported_on`` (its
    ``occurred_on`` when not given) or a workshop's start; else ``today``. Reports arrive
    late (:mod:`geo.analysis.observation`): the last report to happen may have been
    reported weeks later, and the view of the store as it is includes it."""
    dates = []
    ten = records.get("tensions")
    if ten is not None and len(ten):
        known = ten["reported_on"].where(ten["reported_on"].notna(), ten["occurred_on"]) \
            if "reported_on" in ten else ten["occurred_on"]
        dates.append(max(max(known), max(ten["occurred_on"])))
    ws = records.get("workshops")
    if ws is not None and len(ws):
        dates.append(max(ws["start_date"]))
    return max(dates) if dates else (today or date.today())


def window_indicators(records: dict[str, pd.DataFrame], population: pd.Series, as_of: date,
                      window_days: int = DEFAULT_WINDOW_DAYS, unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
                      communes_per_cercle: pd.Series | None = None,
                      min_count: int | None = None) -> pd.DataFrame:
    """Hazard and coping-capacity indicators per cercle, as of a date.

    Reports and workshops dated after ``as_of`` are ignored, and so are reports reported
    after it (:func:`geo.analysis.observation.known_reports`), so the table can be computed
    as it would have been on any past date (back-tests).

    **Observation.** The hazard indicators read each report with its observation weight
    (:func:`geo.analysis.observation.weights`: 1 for an external source, 1 / the share of
    the cercle's communes its network watched that day for the division's own; the column
    :data:`geo.analysis.observation.WEIGHT` when the frame has it, else computed from the
    mediators and ``communes_per_cercle``, else 1): what a fully watched cercle would have
    reported, so that more mediators do not by themselves raise the hazard.

    Parameters
    ----------
    records : dict
        ``{"tensions", "mediators", "workshops"}`` DataFrames as from
        :func:`geo.records.store.load_records` (missing kinds count as empty).
    population : Series
        Persons per ``cercle_id`` (the index of the result).
    as_of : date
        Last day included.
    window_days : int
        Look-back window in days for the hazard indicators (default 90).
    unverified_weight : float
        Weight of an unverified report relative to a verified one (0–1). Reports verified as
        ``false`` are always excluded.
    communes_per_cercle : Series, optional
        Number of communes per cercle, for the share of communes with a mediator.

    Returns
    -------
    DataFrame indexed like ``population`` with

    * ``tension_weighted_per_100k`` = Σ severity × verification weight × observation weight
      over reports in (as_of − window_days, as_of], / population × 100,000;
    * ``fatalities`` -- Σ fatalities × observation weight over the same reports (persons,
      at full observation); ``injuries`` -- their sum (persons, as reported);
    * ``tension_trend_per_100k`` = weighted reports in the last 30 days − (weighted reports in
      the 90 days before those) / 3, per 100,000 people: > 0 when the last month is above the
      monthly rate of the previous quarter;
    * ``armed_events_per_100k`` -- ACLED/UCDP events in the window per 100,000 people
      (external: weight 1);
    * ``observed_share`` -- share (0–1) of the cercle's communes its network watches at
      ``as_of`` (NaN without ``communes_per_cercle``); ``under_observed`` -- none
      (:func:`geo.analysis.observation.observed_share`); ``hazard_unknown`` -- under-observed
      and no report in the window: its hazard indicators are 0 because nothing was seen,
      not because it is calm (the score's class says so: :func:`geo.analysis.risk.score`);
    * ``mediators_active_per_10k`` -- active mediators trained on or before ``as_of``, per
      10,000 people; a count that :mod:`geo.analysis.disclosure` hides (1 to ``min_count`` − 1, or
      one that would give such a count away) enters as its stand-in ``min_count / 2``
      (``mediators_active_hidden`` is True there);
    * ``communes_with_mediator_share`` -- share (0–1) of the cercle's communes with at least
      one active mediator whose commune is known (NaN without ``communes_per_cercle``);
    * ``workshop_participants_24m_per_10k`` -- participants of sessions started in the 24
      months (730 days) up to ``as_of``, per 10,000 people;
    * ``months_since_workshop`` -- :func:`months_since_workshop`;
    * ``tension_reports_window`` -- counted reports in the window (not weighted);
    * ``workshop_sessions_to_date`` -- sessions started on or before ``as_of``.
    """
    min_count = DEFAULT_MIN_COUNT if min_count is None else min_count
    index = population.index
    pop = population.astype(float)
    out = pd.DataFrame(index=index)
    ten = _frame(records, "tensions")
    ten = observation.known_reports(counted_reports(ten), as_of)
    mediators = _frame(records, "mediators")
    if observation.WEIGHT in ten:
        seen = ten[observation.WEIGHT].astype(float)
    elif communes_per_cercle is not None:
        seen = observation.weights(ten, mediators, communes_per_cercle)
    else:
        seen = pd.Series(1.0, index=ten.index)
    ten = ten.assign(weight=(ten["severity"] * ten["verification"].map(
        lambda v: 1.0 if v == "verified" else unverified_weight)).astype(float) * seen,
        seen_fatalities=pd.to_numeric(ten["fatalities"], errors="coerce").fillna(0) * seen)
    age = _age_days(ten["occurred_on"], as_of)
    in_window = ten[age < window_days]
    by = in_window.groupby("cercle_id")
    out["tension_weighted_per_100k"] = by["weight"].sum().reindex(index).fillna(0) / pop * 1e5
    out["fatalities"] = by["seen_fatalities"].sum().reindex(index).fillna(0)
    out["injuries"] = by["injuries"].sum().reindex(index).fillna(0)
    last30 = ten[age < 30].groupby("cercle_id")["weight"].sum().reindex(index).fillna(0)
    prev90 = ten[(age >= 30) & (age < 120)].groupby("cercle_id")["weight"].sum() \
        .reindex(index).fillna(0)
    out["tension_trend_per_100k"] = (last30 - prev90 / 3) / pop * 1e5
    armed = in_window[in_window["source_type"].isin(["acled", "ucdp"])].groupby("cercle_id").size()
    out["armed_events_per_100k"] = armed.reindex(index).fillna(0) / pop * 1e5

    active = active_mediators(mediators, as_of, min_count)
    counts = active.groupby("cercle_id").size().reindex(index).fillna(0).astype("int64")
    hidden = _hidden_cercles(active, index, min_count)
    out["mediators_active_hidden"] = hidden
    # a hidden count enters as one stand-in value, so the score cannot reveal it
    out["mediators_active_per_10k"] = disclosure.score_count(counts, hidden, min_count) / pop * 1e4
    if communes_per_cercle is not None:
        covered = active.dropna(subset=["commune_id"]).groupby("cercle_id")["commune_id"].nunique()
        out["communes_with_mediator_share"] = (covered.reindex(index).fillna(0)
                                               / communes_per_cercle.reindex(index))
    else:
        out["communes_with_mediator_share"] = np.nan

    ws = _frame(records, "workshops")
    ws = ws[_age_days(ws["start_date"], as_of) >= 0]
    recent = ws[_age_days(ws["start_date"], as_of) < 730]
    out["workshop_participants_24m_per_10k"] = (recent.groupby("cercle_id")["participants"].sum()
                                                .reindex(index).fillna(0) / pop * 1e4)
    out["months_since_workshop"] = months_since_workshop(ws, index, as_of)
    # counts over the same period, for the pages that show them next to the score
    out["tension_reports_window"] = in_window.groupby("cercle_id").size().reindex(index) \
        .fillna(0).astype("int64")
    out["workshop_sessions_to_date"] = ws.groupby("cercle_id").size().reindex(index) \
        .fillna(0).astype("int64")
    if communes_per_cercle is not None:
        out["observed_share"] = observation.observed_share(
            mediators, communes_per_cercle.reindex(index).fillna(1), as_of)
        out["under_observed"] = out["observed_share"] <= 0
    else:
        out["observed_share"] = np.nan
        out["under_observed"] = False
    out["hazard_unknown"] = out["under_observed"] & (out["tension_reports_window"] == 0)
    return out


def _hidden_cercles(active: pd.DataFrame, index: pd.Index, threshold: int) -> pd.Series:
    """Cercles whose count of these active mediators is hidden (:func:`geo.analysis.disclosure.protect`
    over the disclosure zones, as the Coverage page publishes them)."""
    if active is None or not len(active):
        return pd.Series(False, index=index)
    zones = disclosure.mediator_zones(active, reference_module.load())
    zone_cercle = pd.Series(active["cercle_id"].to_numpy(), index=zones.to_numpy())
    zone_cercle = zone_cercle[~zone_cercle.index.duplicated()]
    counts = zones.value_counts()
    if counts.empty:
        return pd.Series(False, index=index)
    prot = disclosure.protect(counts, zone_cercle.reindex(counts.index), index, threshold)
    return prot.cercle_hidden.reindex(index).fillna(False).astype(bool)


_EMPTY = {
    "tensions": ["cercle_id", "occurred_on", "reported_on", "severity", "fatalities",
                 "injuries", "verification", "source_type"],
    "mediators": ["cercle_id", "commune_id", "status", "trained_on"],
    "workshops": ["cercle_id", "start_date", "participants"],
}


def _age_days(dates: pd.Series, as_of: date) -> np.ndarray:
    """Days from each date to ``as_of`` (negative after it; NaN when unknown)."""
    return np.array([np.nan if d is None or pd.isna(d) else (as_of - d).days for d in dates],
                    dtype=float)


def _frame(records: dict[str, pd.DataFrame], kind: str) -> pd.DataFrame:
    frame = records.get(kind)
    if frame is None or not len(frame):
        numeric = {"severity", "fatalities", "injuries", "participants"}
        return pd.DataFrame({c: pd.Series(dtype=float if c in numeric else object)
                             for c in _EMPTY[kind]})
    return frame
