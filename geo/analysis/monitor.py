"""Watching tensions over time: trends, significant hot spots, emerging hot spots, alerts.

Every computation takes the stored tension reports and counts those that count
(:func:`geo.analysis.indicators.counted_reports`: all but the ones verified false) by their incident
date, up to and including ``as_of``.

**Hot spots** — Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) of each unit's reports
over the window (a count, or the sum of severities), with binary weights (queen contiguity
from ``libpysal``; a distance band as an option) and the unit itself included (``star``),
computed by ``esda.G_Local``. Inference is by conditional permutation (seeded), and the
classes are corrected for multiple testing by the false discovery rate (Benjamini–Hochberg,
``esda.fdr``): a unit is a 99 / 95 / 90 % hot (cold) spot when its Gi* z is positive
(negative) and its p-value is below the FDR cut-off at α = 0.01 / 0.05 / 0.10 — the classes
of Esri's Hot Spot Analysis with FDR correction. The p-value the classes use is the
permutation z's normal tail (``p_z_sim``): with 999 permutations the pseudo p-value
``p_sim`` cannot go below 0.001, and the FDR cut-off at α = 0.01 over 50 cercles is 0.0002 for
the first rank, so no cluster of fewer than five cercles could ever be a 99 % hot spot on
``p_sim``; both are reported.

**Emerging hot spots** — what PySAL lacks (pysal/esda#221), after Esri's Emerging Hot Spot
Analysis: a space-time cube of unit × month (months ending on ``as_of``), the Gi* of each
month (same weights and inference; a month is a hot / cold spot for a unit at 90 %, FDR
corrected) and the Mann-Kendall trend of each unit's monthly z-scores (``pymannkendall``,
α = 0.05). With n months, the categories, as Esri defines them (a hot spot below means a
statistically significant hot spot; cold spots are the mirror, with "intensifying" meaning
colder):

* ``new`` — a hot spot in the last month, and never before;
* ``consecutive`` — a single uninterrupted run of at least two hot months ending with the
  last, never a hot spot before the run, and less than 90 % of the months hot;
* ``intensifying`` — hot in at least 90 % of the months including the last, and the z-scores
  rise significantly;
* ``persistent`` — hot in at least 90 % of the months including the last, no significant
  trend;
* ``diminishing`` — hot in at least 90 % of the months including the last, and the z-scores
  fall significantly;
* ``sporadic`` — hot in the last month, on and off before, less than 90 % of the months hot,
  and never a cold spot;
* ``oscillating`` — hot in the last month, a cold spot in some earlier month, less than 90 %
  of the months hot;
* ``historical`` — not hot in the last month, but hot in at least 90 % of the months;
* ``none`` — no pattern (including units with no report in the cube).

Esri's Gi* uses space-time neighbourhoods; here each month's Gi* uses spatial neighbours only
(the trend test carries the time dimension), which the issue asks for.

**Alerts** — a cercle whose reports in the last 14 (or 30) days exceed its own baseline:
with ``n`` reports in the 12 months before the window, the expected count over ``w`` days is
μ = max(n, ½) · w / 365 (half a report a year stands for a cercle with no history, so a single
report there is not an alert), and the cercle is flagged when P(X ≥ observed | Poisson(μ)) <
α = 0.01 — the observed count lies above the 99 % one-sided Poisson upper bound of its
baseline. Over 50 cercles and two windows about one alert in a hundred cercle-windows can be
chance; the p-value and the ratio to μ are shown so that a reader can weigh it.

Command line::

    python -m geo.analysis.monitor hotspots --as-of D [--window-days 90] [--level cercle|commune] --json
    python -m geo.analysis.monitor emerging --as-of D [--months 24] --json
    python -m geo.analysis.monitor alerts --as-of D --json
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.analysis import indicators
from geo import reference
from geo.reference.neighbours import NEIGHBOURS_FILE
from geo.reference.units import DISTANCE_CRS

LEVELS = ("cercle", "commune")
WEIGHTS = ("count", "severity")
CONTIGUITY = ("queen", "distance")
PERMUTATIONS = 999
SEED = 20170101
#: Confidence of each hot/cold class and its α for the FDR cut-off.
CONFIDENCE = ((99, 0.01), (95, 0.05), (90, 0.10))
CLASSES = ("hot_99", "hot_95", "hot_90", "none", "cold_90", "cold_95", "cold_99")
#: Significance of a month in the emerging analysis, and of the Mann-Kendall trend.
EMERGING_ALPHA = 0.10
MK_ALPHA = 0.05
PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
            "oscillating", "historical")
CATEGORIES = (*(f"{p}_hot" for p in PATTERNS), *(f"{p}_cold" for p in PATTERNS), "none")
ALERT_WINDOWS = (14, 30)
ALERT_ALPHA = 0.01
BASELINE_DAYS = 365
BASELINE_FLOOR = 0.5
DEFAULT_BAND_KM = 150.0


# --------------------------------------------------------------------------- reports

def reports_up_to(tensions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The reports that count (not verified false), dated on or before ``as_of``, with
    ``day`` (their incident date as a timestamp)."""
    if tensions is None or not len(tensions):
        return pd.DataFrame(columns=["report_id", "occurred_on", "day", "cercle_id",
                                     "commune_id", "region_id", "category", "severity"])
    counted = indicators.counted_reports(tensions)
    day = pd.to_datetime(counted["occurred_on"])
    keep = (day <= pd.Timestamp(as_of)).to_numpy()
    return counted[keep].assign(day=day[keep])


def _units(level: str, ref=None) -> pd.Index:
    ref = ref or reference.load()
    return (ref.cercles if level == "cercle" else ref.communes).index


def unit_values(reports: pd.DataFrame, units: pd.Index, level: str, since: pd.Timestamp,
                until: pd.Timestamp, weight: str = "count") -> pd.Series:
    """Each unit's reports with ``since < day <= until`` (count, or sum of severities); 0
    where none. At commune level only reports placed at a commune count."""
    inside = reports[(reports["day"] > since) & (reports["day"] <= until)]
    key = f"{level}_id"
    inside = inside[inside[key].notna()]
    values = (inside.groupby(key).size() if weight == "count"
              else inside.groupby(key)["severity"].sum())
    return values.reindex(units).fillna(0).astype(float)


# --------------------------------------------------------------------------- weights

@lru_cache(maxsize=8)
def spatial_weights(level: str = "cercle", contiguity: str = "queen",
                    band_km: float = DEFAULT_BAND_KM):
    """Binary ``libpysal`` weights of the shipped cercles or communes, in the reference
    order: queen contiguity (the cercles' from ``data/mali_cercle_neighbours.csv``, checked
    against libpysal by the tests) or a distance band of ``band_km`` between representative
    points in the distance projection."""
    from libpysal.weights import DistanceBand, Queen, W


    ref = reference.load()
    frame = ref.cercles if level == "cercle" else ref.communes
    ids = list(frame.index)
    if contiguity == "distance":
        pts = ref.points[level].to_crs(DISTANCE_CRS)
        coords = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
        with warnings.catch_warnings():      # "not fully connected": a band leaves islands
            warnings.simplefilter("ignore", UserWarning)
            w = DistanceBand(coords, threshold=band_km * 1000, binary=True, ids=ids,
                             silence_warnings=True)
    elif level == "cercle":
        pairs = pd.read_csv(NEIGHBOURS_FILE, comment="#")
        neighbours = {c: [] for c in ids}
        for c, n in pairs.itertuples(index=False):
            neighbours[c].append(n)
        w = W(neighbours, id_order=ids, silence_warnings=True)
    else:
        with warnings.catch_warnings():      # "not fully connected": islands, Bamako
            warnings.simplefilter("ignore", UserWarning)
            w = Queen.from_dataframe(frame, use_index=True, silence_warnings=True)
    w.transform = "B"
    return w


# --------------------------------------------------------------------------- Gi*

@dataclass(frozen=True)
class GiStar:
    z: np.ndarray          # Gi* z-score (analytical)
    p_sim: np.ndarray      # pseudo p-value of the permutations (one-sided)
    p_z_sim: np.ndarray    # normal p-value of the permutation z (one-sided)
    z_sim: np.ndarray


def gi_star(values, w, permutations: int = PERMUTATIONS, seed: int = SEED) -> GiStar:
    """Gi* of ``values`` on weights ``w`` (``esda.G_Local``, star, binary). A field with no
    variation (every unit 0) has no hot spot: z 0, p 1."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n < 3 or np.allclose(y, y[0]):
        zero, one = np.zeros(n), np.ones(n)
        return GiStar(zero, one, one / 2, zero)
    from esda import G_Local

    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        # esda announces a change of its default alternative; G_Local has no such option
        warnings.filterwarnings("ignore", "The alternative hypothesis", DeprecationWarning)
        g = G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed,
                    n_jobs=1, keep_simulations=True)
    # a unit whose neighbourhood is the whole field has no variance: z 0, not significant
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float))
    z_sim = np.nan_to_num(np.asarray(g.z_sim, dtype=float))
    p_z = np.nan_to_num(np.asarray(g.p_z_sim, dtype=float), nan=1.0)
    return GiStar(z, np.asarray(g.p_sim, dtype=float).round(6), p_z, z_sim)


def fdr_cutoff(p: np.ndarray, alpha: float) -> float:
    """The Benjamini–Hochberg cut-off of ``p`` at ``alpha`` (``esda.fdr``): significant when
    p < cut-off."""
    from esda import fdr

    return float(fdr(np.asarray(p, dtype=float), alpha))


def classify(z: np.ndarray, p: np.ndarray) -> list[str]:
    """Hot / cold class of each unit at 99, 95 or 90 % (FDR corrected), else ``none``."""
    out = ["none"] * len(z)
    for confidence, alpha in reversed(CONFIDENCE):          # 90, then 95, then 99 wins
        cut = fdr_cutoff(p, alpha)
        for i in np.flatnonzero(p < cut):
            if z[i] > 0:
                out[i] = f"hot_{confidence}"
            elif z[i] < 0:
                out[i] = f"cold_{confidence}"
    return out


def hotspots(tensions: pd.DataFrame, as_of: date, window_days: int = 90, *,
             level: str = "cercle", weight: str = "count", contiguity: str = "queen",
             band_km: float = DEFAULT_BAND_KM, permutations: int = PERMUTATIONS,
             seed: int = SEED) -> pd.DataFrame:
    """Gi* hot and cold spots of the reports over (as_of − window_days, as_of], one row per
    unit (``unit_id``, ``value``, ``gi_z``, ``p_sim``, ``p_z_sim``, ``p_fdr_significant`` at
    95 %, ``class``)."""
    _check(level=level, weight=weight, contiguity=contiguity)
    units = _units(level)
    end = pd.Timestamp(as_of)
    values = unit_values(reports_up_to(tensions, as_of), units, level,
                         end - pd.Timedelta(days=window_days), end, weight)
    g = gi_star(values.to_numpy(), spatial_weights(level, contiguity, band_km),
                permutations, seed)
    classes = classify(g.z_sim, g.p_z_sim)
    return pd.DataFrame({
        "unit_id": units, "value": values.to_numpy(), "gi_z": g.z, "p_sim": g.p_sim,
        "p_z_sim": g.p_z_sim,
        "p_fdr_significant": g.p_z_sim < fdr_cutoff(g.p_z_sim, 0.05),
        "class": classes})


def _check(**given) -> None:
    allowed = {"level": LEVELS, "weight": WEIGHTS, "contiguity": CONTIGUITY}
    for name, value in given.items():
        if value not in allowed[name]:
            raise ValueError(f"{name} must be one of {allowed[name]}, not {value!r}")


# --------------------------------------------------------------------------- emerging

def month_edges(as_of: date, months: int) -> list[pd.Timestamp]:
    """``months`` + 1 edges of monthly bins ending on ``as_of``: bin k is
    (edge[k], edge[k + 1]]."""
    end = pd.Timestamp(as_of)
    return [end - pd.DateOffset(months=months - k) for k in range(months + 1)]


def cube(tensions: pd.DataFrame, as_of: date, months: int = 24, *, level: str = "cercle",
         weight: str = "count") -> pd.DataFrame:
    """The space-time cube: units × monthly bins ending on ``as_of`` (columns: each bin's
    end date)."""
    reports = reports_up_to(tensions, as_of)
    units = _units(level)
    edges = month_edges(as_of, months)
    return pd.DataFrame({edges[k + 1].date(): unit_values(reports, units, level, edges[k],
                                                           edges[k + 1], weight)
                         for k in range(months)}, index=units)


def category(bins: list[int], trend: str) -> str:
    """The emerging category of one unit from its monthly significance (``+1`` hot, ``-1``
    cold, ``0`` neither, oldest first) and the Mann-Kendall trend of its z-scores
    (``increasing`` / ``decreasing`` / ``no trend``): the definitions of the module's
    docstring."""
    for sign, kind in ((1, "hot"), (-1, "cold")):
        hot = [b == sign for b in bins]
        other = [b == -sign for b in bins]
        n, last, share = len(bins), hot[-1], sum(hot) / len(bins)
        rising = "increasing" if sign == 1 else "decreasing"
        falling = "decreasing" if sign == 1 else "increasing"
        if last:
            if share >= 0.9:
                pattern = ("intensifying" if trend == rising else
                           "diminishing" if trend == falling else "persistent")
            elif not any(hot[:-1]):
                pattern = "new"
            else:
                run = n - next(i for i in range(n - 1, -1, -1) if not hot[i]) - 1
                before = hot[:n - run]
                if run >= 2 and not any(before):
                    pattern = "consecutive"
                elif any(other[:-1]):
                    pattern = "oscillating"
                else:
                    pattern = "sporadic"
            return f"{pattern}_{kind}"
    for sign, kind in ((1, "hot"), (-1, "cold")):
        if sum(b == sign for b in bins) / len(bins) >= 0.9:
            return f"historical_{kind}"
    return "none"


def emerging(tensions: pd.DataFrame, as_of: date, months: int = 24, *,
             level: str = "cercle", weight: str = "count", contiguity: str = "queen",
             band_km: float = DEFAULT_BAND_KM, permutations: int = PERMUTATIONS,
             seed: int = SEED) -> pd.DataFrame:
    """Emerging hot spots over ``months`` monthly bins ending on ``as_of``: one row per unit
    (``unit_id``, ``category``, ``mk_tau``, ``mk_p``, ``mk_trend``, ``hot_months``,
    ``cold_months``, ``reports``)."""
    import pymannkendall

    _check(level=level, weight=weight, contiguity=contiguity)
    if months < 3:
        raise ValueError("the emerging analysis needs at least 3 months")
    table = cube(tensions, as_of, months, level=level, weight=weight)
    w = spatial_weights(level, contiguity, band_km)
    z = np.zeros(table.shape)
    sig = np.zeros(table.shape, dtype=int)
    for k, column in enumerate(table.columns):
        g = gi_star(table[column].to_numpy(), w, permutations, seed + k)
        z[:, k] = g.z_sim
        cut = fdr_cutoff(g.p_z_sim, EMERGING_ALPHA)
        sig[:, k] = np.where(g.p_z_sim < cut, np.sign(g.z_sim), 0).astype(int)
    rows = []
    totals = table.sum(axis=1).to_numpy()
    for i, unit in enumerate(table.index):
        if totals[i] == 0:           # no report in the cube: nothing to analyse
            rows.append((unit, "none", math.nan, math.nan, "no trend", 0, 0, 0.0))
            continue
        series = z[i]
        if np.allclose(series, series[0]):
            tau, p, trend = 0.0, 1.0, "no trend"
        else:
            mk = pymannkendall.original_test(series, alpha=MK_ALPHA)
            tau, p, trend = float(mk.Tau), float(mk.p), mk.trend
        bins = sig[i].tolist()
        rows.append((unit, category(bins, trend), tau, p, trend, bins.count(1),
                     bins.count(-1), float(totals[i])))
    return pd.DataFrame(rows, columns=["unit_id", "category", "mk_tau", "mk_p", "mk_trend",
                                       "hot_months", "cold_months", "reports"])


# --------------------------------------------------------------------------- alerts

def poisson_at_least(k, mu) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(mu), element by element (k whole, mu > 0): the upper tail
    summed directly where k > mu (exact to the last digits for the small p-values alerts
    are ranked by), one minus the lower terms elsewhere (p is then above ~0.4).

    Written here rather than imported: SciPy's ``poisson.sf`` (tested equal) costs every
    app process 15–50 MB for this one function, on the Overview's alerts (issue 18)."""
    out = np.empty(len(k))
    for j, (n, m) in enumerate(zip(np.asarray(k, dtype=float), np.asarray(mu, dtype=float))):
        n = int(n)

        def term(i: int) -> float:
            return math.exp(i * math.log(m) - m - math.lgamma(i + 1))

        if n <= 0:
            out[j] = 1.0
        elif n > m:           # the terms decrease from n on: sum until they stop counting
            total, i = 0.0, n
            while (t := term(i)) > total * 1e-17 and t > 0:
                total, i = total + t, i + 1
            out[j] = total
        else:
            out[j] = 1.0 - math.fsum(term(i) for i in range(n))
    return out


def alerts(tensions: pd.DataFrame, as_of: date, windows=ALERT_WINDOWS, *,
           alpha: float = ALERT_ALPHA, only_alerts: bool = True) -> pd.DataFrame:
    """Cercles whose reports in the last ``w`` days exceed their baseline (module
    docstring): ``cercle_id``, ``window_days``, ``observed``, ``baseline`` (reports in the
    previous 12 months), ``expected`` (μ), ``ratio``, ``p_value``, ``alert``; most
    significant first."""
    reports = reports_up_to(tensions, as_of)
    units = _units("cercle")
    end = pd.Timestamp(as_of)
    rows = []
    for w in windows:
        start = end - pd.Timedelta(days=w)
        observed = unit_values(reports, units, "cercle", start, end)
        base = unit_values(reports, units, "cercle",
                           start - pd.Timedelta(days=BASELINE_DAYS), start)
        expected = np.maximum(base.to_numpy(), BASELINE_FLOOR) * w / BASELINE_DAYS
        p = poisson_at_least(observed.to_numpy(), expected)
        rows.append(pd.DataFrame({
            "cercle_id": units, "window_days": w, "observed": observed.astype(int).to_numpy(),
            "baseline": base.astype(int).to_numpy(), "expected": expected,
            "ratio": observed.to_numpy() / expected, "p_value": p,
            "alert": (p < alpha) & (observed.to_numpy() > 0)}))
    out = pd.concat(rows, ignore_index=True)
    if only_alerts:
        out = out[out["alert"]]
    return out.sort_values(["p_value", "window_days", "cercle_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- trends

FREQUENCIES = {"week": "W-MON", "month": "MS"}
GROUPS = ("category", "region_id", "cercle_id")


def trends(tensions: pd.DataFrame, since: date, until: date, *, freq: str = "month",
           by: str = "category", weight: str = "count") -> pd.DataFrame:
    """Reports per period (``week``: weeks starting on Monday; ``month``: calendar months)
    and group (``category``, ``region_id`` or ``cercle_id``) over [since, until]: one row per
    (``period``, ``group``) with ``value`` (count or severity sum), every period present."""
    _check(weight=weight)
    if freq not in FREQUENCIES or by not in GROUPS:
        raise ValueError(f"freq in {tuple(FREQUENCIES)}, by in {GROUPS}")
    reports = reports_up_to(tensions, until)
    reports = reports[reports["day"] >= pd.Timestamp(since)]
    periods = pd.period_range(pd.Timestamp(since), pd.Timestamp(until),
                              freq="W-SUN" if freq == "week" else "M")
    if reports.empty:
        return pd.DataFrame(columns=["period", "group", "value"])
    period = reports["day"].dt.to_period("W-SUN" if freq == "week" else "M")
    values = reports.assign(period=period, one=1.0)
    column = "one" if weight == "count" else "severity"
    table = values.groupby(["period", by])[column].sum().unstack(fill_value=0) \
        .reindex(periods, fill_value=0)
    long = table.stack().rename("value").reset_index()
    long.columns = ["period", "group", "value"]
    long["period"] = long["period"].dt.start_time.dt.date
    return long.astype({"value": float})


def most_active(tensions: pd.DataFrame, since: date, until: date, n: int = 6) -> list[str]:
    """The ``n`` cercles with most reports over [since, until] (ties by id)."""
    reports = reports_up_to(tensions, until)
    reports = reports[reports["day"] >= pd.Timestamp(since)]
    counts = reports.groupby("cercle_id").size()
    return list(counts.sort_index().sort_values(ascending=False, kind="stable").index[:n])


def year_on_year(tensions: pd.DataFrame, since: date, until: date, *,
                 by: str = "category") -> pd.DataFrame:
    """Reports over [since, until] and over the same dates a year earlier, per group:
    ``group``, ``current``, ``year_before``, ``change`` (current − year before)."""
    def counts(a: date, b: date) -> pd.Series:
        reports = reports_up_to(tensions, b)
        reports = reports[reports["day"] >= pd.Timestamp(a)]
        return reports.groupby(by).size()

    earlier = (pd.Timestamp(since) - pd.DateOffset(years=1)).date(), \
        (pd.Timestamp(until) - pd.DateOffset(years=1)).date()
    now, before = counts(since, until), counts(*earlier)
    groups = sorted(set(now.index) | set(before.index))
    out = pd.DataFrame({"group": groups,
                        "current": now.reindex(groups).fillna(0).astype(int).to_numpy(),
                        "year_before": before.reindex(groups).fillna(0).astype(int).to_numpy()})
    out["change"] = out["current"] - out["year_before"]
    return out.sort_values(["current", "group"], ascending=[False, True]).reset_index(drop=True)


def latest(tensions: pd.DataFrame) -> date:
    """The latest incident date of ``tensions`` (today when there is none)."""
    if tensions is None or not len(tensions):
        return date.today()
    return pd.to_datetime(tensions["occurred_on"]).max().date()


def as_records(rows: pd.DataFrame) -> list[dict]:
    """``rows`` as plain JSON-ready dicts (NaN → None, numpy scalars → Python, dates → ISO)."""
    out = []
    for rec in rows.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                        bool(v) if isinstance(v, (bool, np.bool_)) else
                        int(v) if isinstance(v, np.integer) else
                        float(v) if isinstance(v, np.floating) else
                        v.isoformat() if isinstance(v, date) else v)
                    for k, v in rec.items()})
    return out
