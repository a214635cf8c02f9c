"""Out of sample, as the field checks forecasts (ViEWS, ACLED CAST): the rolling-origin
evaluation of the forecast against its baselines, and the back-test of the composite score.

**Forecast** (:func:`evaluate`): rolling origin over quarterly dates; at each date the model
is refit on earlier data only and compared with the reports of (t, t + h], alongside
persistence (the last h days' count), the decayed 12-month count and the composite score under
each preset: Spearman rank correlation, top-10 hits, mean absolute error of counts, and a
calibration table (predicted against observed by decile).

**Score** (:func:`backtest`): for dates every 91 days, the score from what was known then
against the reports of the next 30–180 days (Spearman, top-10 hits), next to persistence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis import indicators
from geo.analysis.forecast import (DECAY, DECAY_MONTHS, DEFAULT_HORIZON, FEATURES, MIN_HISTORY_DAYS,
                                   MIN_ORIGINS, MONTH_DAYS, TRAIN_STEP_DAYS, Forecaster, decayed,
                                   forecaster)
from geo.analysis.indicators import DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS
from geo.analysis.risk import PRESETS, Method, method_for, score
from geo.analysis.robustness import TOP, spearman, top_hits
from geo.reference import neighbours


# ------------------------------------------------------------------ evaluation
def _metrics(pred: pd.Series, observed: pd.Series, counts: bool) -> dict:
    return {"spearman": spearman(pred, observed), "top10_hits": top_hits(pred, observed > 0),
            "mae": float(np.nanmean(np.abs(pred - observed))) if counts else math.nan}



def evaluation_dates(f: Forecaster, horizon: int, step_days: int = 91) -> list[date]:
    """Quarterly dates from the first with a model to the last with a full horizon after."""
    if f.history.first is None:
        return []
    t = f.history.first + timedelta(days=MIN_HISTORY_DAYS + horizon
                                    + TRAIN_STEP_DAYS * (MIN_ORIGINS - 1))
    out = []
    while t <= f.history.last - timedelta(days=horizon):
        out.append(t)
        t += timedelta(days=step_days)
    return out



def evaluate(records: dict[str, pd.DataFrame], horizon: int = DEFAULT_HORIZON,
             dates: list[date] | None = None, model: str = "glm",
             columns: tuple[str, ...] = FEATURES, presets: bool = True,
             reference: pd.DataFrame | None = None, weights=None,
             election_dates: list[date] | None = None) -> dict:
    """The rolling-origin evaluation (see the module docstring): mean metrics per method
    over the dates, the per-date figures and the forecast's calibration by decile."""
    reference = indicators.reference_indicators() if reference is None else reference
    f = Forecaster(records.get("tensions"), reference,
                   neighbours.cercle_weights(reference.index) if weights is None else weights,
                   election_dates)
    dates = evaluation_dates(f, horizon) if dates is None else dates
    per_date, pooled = [], []
    for t in dates:
        observed = pd.Series(f.history.window(t, t + timedelta(days=horizon)),
                             index=reference.index)
        fc = f.forecast(t, horizon, model, columns)
        past = pd.Series(f.history.window(t - timedelta(days=horizon), t), index=reference.index)
        dec = pd.Series(decayed(f.history, t), index=reference.index)
        # the decayed count as a count forecast: its weighted monthly mean × months ahead
        dec_count = dec / sum(DECAY ** k for k in range(DECAY_MONTHS)) * horizon / MONTH_DAYS
        row = {"as_of": t.isoformat(), "observed_total": float(observed.sum()),
               "forecast": _metrics(fc["expected_reports"], observed, True),
               "persistence": _metrics(past, observed, True),
               "decayed": _metrics(dec_count, observed, True), "score": {}}
        if presets:
            row["score"] = _preset_scores(records, reference, t, fc, observed)
        per_date.append(row)
        pooled.append(pd.DataFrame({"predicted": fc["expected_reports"], "observed": observed}))
    return {"dates": len(dates), "horizon_days": horizon, "model": model,
            "as_of_range": [dates[0].isoformat(), dates[-1].isoformat()] if dates else None,
            **{m: _mean([r[m] for r in per_date]) for m in ("forecast", "persistence",
                                                               "decayed")},
            "score": {p: _mean([r["score"][p] for r in per_date])
                      for p in (per_date[0]["score"] if per_date else {})},
            "calibration": calibration(pd.concat(pooled)) if pooled else [],
            "per_date": per_date}



def _preset_scores(records, reference, t, fc, observed) -> dict:
    table = indicators.with_window(reference, records, t, fc)
    out = {}
    for key, preset in PRESETS.items():
        s = score(table, method_for(table, preset.apply(Method()))).score
        out[key] = _metrics(s, observed, False)
    return out



def _mean(rows: list[dict]) -> dict:
    keys = ("spearman", "top10_hits", "mae")
    return {k: (None if np.all(np.isnan(v := np.array([r[k] for r in rows], dtype=float)))
                else round(float(np.nanmean(v)), 4)) for k in keys}



def calibration(pooled: pd.DataFrame, bins: int = 10) -> list[dict]:
    """Mean predicted and observed counts per decile of the prediction (pooled over dates)."""
    p = pooled.dropna()
    if p.empty:
        return []
    decile = pd.qcut(p["predicted"].rank(method="first"), bins, labels=False)
    g = p.groupby(decile)
    return [{"decile": int(d) + 1, "n": int(len(rows)),
             "predicted": round(float(rows["predicted"].mean()), 3),
             "observed": round(float(rows["observed"].mean()), 3)} for d, rows in g]



# ------------------------------------------------------------------ command line
def _json(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(type(value))


def reports_between(tensions: pd.DataFrame, index: pd.Index, start: date, end: date) -> pd.Series:
    """Reports (not verified false) per cercle with start < occurred_on <= end."""
    if tensions is None or tensions.empty:
        return pd.Series(0, index=index, dtype=float)
    t = indicators.counted_reports(tensions)
    when = t["occurred_on"]
    t = t[(when > start).to_numpy(dtype=bool) & (when <= end).to_numpy(dtype=bool)]
    return t.groupby("cercle_id").size().reindex(index).fillna(0).astype(float)



def default_dates(tensions: pd.DataFrame, window_days: int, horizon_days: int,
                  step_days: int = 91) -> list[date]:
    """Dates from the first report + window to the last report − horizon, every step."""
    if tensions is None or tensions.empty:
        return []
    first, last = min(tensions["occurred_on"]), max(tensions["occurred_on"])
    t, out = first + timedelta(days=window_days), []
    while t <= last - timedelta(days=horizon_days):
        out.append(t)
        t += timedelta(days=step_days)
    return out



def backtest_records(reference: pd.DataFrame, records: dict[str, pd.DataFrame],
                     dates: list[date], method: Method | None = None, window_days: int = DEFAULT_WINDOW_DAYS,
                     horizon_days: int = DEFAULT_WINDOW_DAYS, unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
                     ratings_at: Callable[[date], pd.DataFrame | None] | None = None,
                     top: int = TOP) -> pd.DataFrame:
    """The back-test on given records (see the module docstring), one row per date.

    Columns: ``as_of, cercles_with_reports`` (in the horizon), ``spearman_score,
    spearman_persistence, top_hits_score, top_hits_persistence``.
    """
    rows = []
    tensions = records.get("tensions")
    model = forecaster(records, reference)   # its features computed once
    for t in dates:
        ratings = ratings_at(t) if ratings_at else None
        table = indicators.with_window(reference, records, t, model.forecast(t), window_days,
                                       unverified_weight, ratings)
        s = score(table, method_for(table, method)).score
        outcome = reports_between(tensions, table.index, t, t + timedelta(days=horizon_days))
        past = reports_between(tensions, table.index, t - timedelta(days=window_days), t)
        happened = outcome > 0
        rows.append({"as_of": t, "cercles_with_reports": int(happened.sum()),
                     "spearman_score": spearman(s, outcome),
                     "spearman_persistence": spearman(past, outcome),
                     "top_hits_score": top_hits(s, happened, top),
                     "top_hits_persistence": top_hits(past, happened, top)})
    return pd.DataFrame(rows, columns=["as_of", "cercles_with_reports", "spearman_score",
                                       "spearman_persistence", "top_hits_score",
                                       "top_hits_persistence"])



def backtest(records: dict[str, pd.DataFrame],
             ratings_at: Callable[[date], pd.DataFrame | None] | None = None,
             dates: list[date] | None = None, method: Method | None = None,
             window_days: int = DEFAULT_WINDOW_DAYS, horizon_days: int = DEFAULT_WINDOW_DAYS,
             unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
             step_days: int = 91) -> pd.DataFrame:
    """The back-test of the stored ``records`` on the 50 cercles, for ``dates`` (default
    :func:`default_dates`); ``ratings_at(t)`` gives the context ratings in force at ``t``
    (e.g. ``geo.records.context.ratings(engine, until=…)``)."""
    if dates is None:
        dates = default_dates(records.get("tensions"), window_days, horizon_days, step_days)
    return backtest_records(indicators.reference_indicators(), records, dates, method,
                            window_days, horizon_days, unverified_weight, ratings_at)
