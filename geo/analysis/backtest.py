"""Out of sample, as the field checks forecasts (ViEWS, ACLED CAST): the rolling-origin
evaluation of the forecast against five baselines with proper scores, and the back-test of
the composite score on the same dates and outcomes.

**Forecast** (:func:`evaluate`). At each origin t (every :data:`STEP_DAYS` days from
:data:`WARMUP_DAYS` after the first report to the last report minus the horizon h) every
method forecasts the reports per cercle in (t, t + h] from the reports known at t only
(the model is refit on earlier origins), and is scored against what happened
(:mod:`geo.analysis.scores`). Counts are the forecast's own: weighted by observation
(:mod:`geo.analysis.observation`; 1 for every external event). The baselines
(:data:`BASELINES`, after ViEWS'):

* ``zero`` -- no report anywhere;
* ``persistence`` -- the last h days' count;
* ``decayed`` -- monthly counts weighted 0.8^k over 24 months, as a mean per 30 days,
  times h/30 (the client's "decayed count");
* ``mean12`` -- the last 12 months' count × h/365;
* ``last_year`` -- the count of the same window one year earlier, (t − 365, t − 365 + h].

They are point forecasts; for the log score, the CRPS and the interval their predictive
distribution is the Poisson with mean max(μ, ``floor``) (a Poisson of mean 0 gives a report
probability 0: its deviance and log score would be infinite wherever a report came; the
floor, 0.01 reports by default, is what any scorer must do and is reported). The zero
baseline is left at exactly 0: its deviance and log score are infinite (reported so), its
CRPS and error are finite.

Reported per origin and pooled (means over origins; AUC also over every cercle-origin):
mean Poisson deviance, log score, CRPS, absolute error, AUC of "any report", coverage of
the 80 % interval, Spearman among the cercles with a report, top-10 hits. For the model:
origins where it beats the decayed count on deviance, a bootstrap 90 % interval (over
origins, seeded) of the mean deviance margin model − decayed, the guard (largest ratio of
the model's absolute error to the decayed count's at one origin; it must stay ≤
:data:`GUARD`), calibration by decile, nominal and observed coverage, and which model
(anchor or anchor+correction) each origin used.

**Score** (:func:`backtest`). On the same origins and horizon, the composite score computed
from what was known at t (reports known then, context ratings given by then) ranks the
cercles; its ranking is compared with the same outcome, by the same two measures (Spearman
among the cercles with a report, top-10 hits), next to persistence (the last window's
reports). One set of figures: the Methodology page shows the score's here and the
forecast's from :func:`evaluate`, dates and outcome alike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis import distributions, scores
from geo.analysis.forecast import DEFAULT_HORIZON, MONTH_DAYS, Forecaster
from geo.analysis.indicators import (DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS,
                                     reference_indicators, with_window)
from geo.analysis.risk import Method, method_for, score
from geo.analysis.table import forecaster as table_forecaster
from geo.analysis.table import observed_records

BASELINES = ("zero", "persistence", "decayed", "mean12", "last_year")
#: The client's decayed count: 0.8 per month over 24 months.
BASELINE_DECAY, BASELINE_MONTHS = 0.8, 24
STEP_DAYS = 91
#: History before the first evaluated origin, days.
WARMUP_DAYS = 365
#: Smallest mean of a point baseline's Poisson distribution (reports per horizon).
FLOOR = 0.01
#: Largest acceptable ratio of the model's mean absolute error to the decayed count's.
GUARD = 3.0
BOOTSTRAP_DRAWS = 2000

#: A method other than the model and the baselines: (origin, horizon) → (μ, θ) per cercle
#: (θ = inf for a Poisson; μ NaN: no forecast at that origin).
Predictor = Callable[[date, int], tuple[np.ndarray, np.ndarray | float]]


def origins(forecaster: Forecaster, horizon: int = DEFAULT_HORIZON,
            step_days: int = STEP_DAYS, warmup_days: int = WARMUP_DAYS) -> list[date]:
    """Evaluation origins: every ``step_days`` from ``warmup_days`` after the first report
    while a full horizon of history follows."""
    h = forecaster.history
    if h.first is None or h.last is None:
        return []
    t, out = h.first + timedelta(days=warmup_days), []
    while t + timedelta(days=horizon) <= h.last:
        out.append(t)
        t += timedelta(days=step_days)
    return out


def baselines(forecaster: Forecaster, t: date, horizon: int) -> dict[str, np.ndarray]:
    """The five baselines' expected reports per cercle over (t, t + horizon], from the
    reports known at t (as the model's inputs)."""
    h = forecaster.history
    months = h.months(t, BASELINE_MONTHS, known=True)
    decay = BASELINE_DECAY ** np.arange(BASELINE_MONTHS)
    year = timedelta(days=365)
    return {
        "zero": np.zeros(len(forecaster.cercles)),
        "persistence": h.window(t - timedelta(days=horizon), t, known_at=t),
        "decayed": months @ decay / decay.sum() * horizon / MONTH_DAYS,
        "mean12": h.window(t - year, t, known_at=t) * horizon / 365,
        "last_year": h.window(t - year, t - year + timedelta(days=horizon), known_at=t),
    }


def _scores(y: np.ndarray, mu: np.ndarray, theta, index: pd.Index,
            p_any: np.ndarray | None = None) -> dict:
    """Every score of one method at one origin (NaN where the method gave no forecast)."""
    if np.isnan(mu).any():
        return {k: math.nan for k in ("deviance", "log_score", "crps", "mae", "auc",
                                      "coverage80", "spearman_active", "top10_hits")}
    low, high = distributions.interval(mu, theta)
    predicted, observed = pd.Series(mu, index=index), pd.Series(y, index=index)
    return {"deviance": float(scores.poisson_deviance(y, mu).mean()),
            "log_score": float(scores.log_score(y, mu, theta).mean()),
            "crps": float(scores.crps(y, mu, theta).mean()),
            "mae": float(np.abs(y - mu).mean()),
            "auc": scores.auc(mu if p_any is None else p_any, y > 0),
            "coverage80": scores.coverage(y, low, high),
            "spearman_active": scores.spearman_active(predicted, observed),
            "top10_hits": scores.top_hits(predicted, observed > 0)}


def evaluate(reports: pd.DataFrame | None, cercles: pd.Index,
             neighbours: np.ndarray | None = None, horizon: int = DEFAULT_HORIZON,
             at: list[date] | None = None, floor: float = FLOOR, seed: int = 0,
             others: dict[str, Predictor] | None = None,
             forecaster: Forecaster | None = None) -> dict:
    """The rolling-origin evaluation (see the module docstring).

    Parameters
    ----------
    reports, cercles, neighbours
        As for :class:`~geo.analysis.forecast.Forecaster` (ignored when ``forecaster`` is
        given).
    horizon : int
        Days ahead (30, 90 or 180).
    at : list of date, optional
        The origins (default :func:`origins`).
    floor : float
        Smallest Poisson mean of a point baseline (not the zero baseline).
    seed : int
        Seed of the bootstrap.
    others : dict, optional
        More methods to score alongside (e.g. the previous forecast), name → :data:`Predictor`.

    Returns
    -------
    dict
        ``horizon_days, origins, as_of_range, floor``; ``methods`` → name → pooled scores
        (means over the origins where the method forecast, ``origins_scored``, pooled
        ``auc_pooled``, ``wins_vs_decayed``, ``worst_mae_ratio``); ``model`` →
        ``wins_vs_decayed``, ``origins_compared``, ``margin_mean``,
        ``margin_interval90``, ``worst_mae_ratio``, ``guard_ok``, ``coverage80``,
        ``nominal_coverage80`` (the intervals' own probability), ``coverage80_with_reports``
        and ``coverage80_without``, ``used`` (origins per model); ``calibration`` (by decile
        of the model's mean); ``per_origin`` (every score per method and origin).
    """
    f = forecaster or Forecaster(reports, cercles, neighbours)
    index = f.cercles
    at = origins(f, horizon) if at is None else at
    others = others or {}
    per_origin, pooled = [], {"y": [], "model": [], "nominal": [], "inside": []}
    pooled_scores: dict[str, list] = {}
    used = Counter()
    for t in at:
        y = f.outcome(t, horizon)
        fc = f.forecast(t, horizon)
        used[fc.attrs["model"]] += 1
        mu, theta = fc["expected_reports"].to_numpy(), fc["nb_size"].to_numpy()
        row = {"as_of": t.isoformat(), "observed_total": float(y.sum()),
               "cercles_with_reports": int((y > 0).sum()), "model_used": fc.attrs["model"],
               "methods": {"model": _scores(y, mu, theta, index, fc["p_any"].to_numpy())}}
        pooled_scores.setdefault("model", []).append((y, fc["p_any"].to_numpy()))
        for name, value in baselines(f, t, horizon).items():
            point = value if name == "zero" else np.maximum(value, floor)
            row["methods"][name] = _scores(y, point, np.inf, index)
            row["methods"][name]["mae"] = float(np.abs(y - value).mean())
            pooled_scores.setdefault(name, []).append((y, value))
        for name, method in others.items():
            value, th = method(t, horizon)
            row["methods"][name] = _scores(y, value, th, index)
            pooled_scores.setdefault(name, []).append((y, value))
        per_origin.append(row)
        if not np.isnan(mu).any():
            pooled["nominal"].append(distributions.interval_probability(
                fc["low80"], fc["high80"], mu, theta))
            pooled["y"].append(y)
            pooled["model"].append(mu)
            pooled["inside"].append((fc["low80"].to_numpy() <= y)
                                    & (y <= fc["high80"].to_numpy()))
    methods = ["model", *BASELINES, *others]
    summary = {}
    for name in methods:
        table = pd.DataFrame([r["methods"][name] for r in per_origin])
        s = {k: _mean(table[k]) for k in table.columns} if len(table) else {}
        s["origins_scored"] = int(table["deviance"].notna().sum()) if len(table) else 0
        pairs = [(y, v) for y, v in pooled_scores.get(name, []) if not np.isnan(v).any()]
        s["auc_pooled"] = (scores.auc(np.concatenate([v for _, v in pairs]),
                                      np.concatenate([y for y, _ in pairs]) > 0)
                           if pairs else math.nan)
        if per_origin:
            against = _against_decayed(per_origin, name)
            s["wins_vs_decayed"] = against["wins"]
            s["worst_mae_ratio"] = (float(against["ratio"].max()) if against["compared"]
                                    else math.nan)
        summary[name] = s
    return {"horizon_days": horizon, "origins": len(at),
            "as_of_range": [at[0].isoformat(), at[-1].isoformat()] if at else None,
            "floor": floor, "methods": summary,
            "model": _model_summary(per_origin, pooled, used, seed),
            "calibration": calibration(np.concatenate(pooled["model"]),
                                       np.concatenate(pooled["y"]))
            if pooled["y"] else [],
            "per_origin": per_origin}


def _mean(values: pd.Series) -> float:
    v = values.to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    return float(v.mean()) if len(v) else math.nan


def _against_decayed(per_origin: list[dict], name: str) -> dict:
    """Origins where ``name`` beat the decayed count on deviance, the margins (``name`` −
    decayed, per origin) and the ratios of mean absolute errors, over the origins where
    ``name`` forecast."""
    dev = np.array([r["methods"][name]["deviance"] for r in per_origin], dtype=float)
    ref = np.array([r["methods"]["decayed"]["deviance"] for r in per_origin], dtype=float)
    mae = np.array([r["methods"][name]["mae"] for r in per_origin], dtype=float)
    ref_mae = np.array([r["methods"]["decayed"]["mae"] for r in per_origin], dtype=float)
    ok = ~np.isnan(dev)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ref_mae[ok] > 0, mae[ok] / ref_mae[ok],
                         np.where(mae[ok] > 0, np.inf, 1.0))
        margin = dev[ok] - ref[ok]
    return {"wins": int((margin < 0).sum()), "compared": int(ok.sum()), "margin": margin,
            "ratio": ratio}


def _model_summary(per_origin: list[dict], pooled: dict, used: Counter, seed: int) -> dict:
    against = _against_decayed(per_origin, "model")
    margin, ratio = against["margin"], against["ratio"]
    interval = [math.nan, math.nan]
    if len(margin) and np.isfinite(margin).all():
        rng = np.random.default_rng(seed)
        means = margin[rng.integers(0, len(margin), (BOOTSTRAP_DRAWS, len(margin)))].mean(1)
        interval = [float(np.percentile(means, 5)), float(np.percentile(means, 95))]
    worst = float(ratio.max()) if len(ratio) else math.nan
    return {"wins_vs_decayed": against["wins"], "origins_compared": against["compared"],
            "margin_mean": float(margin.mean()) if len(margin) else math.nan,
            "margin_interval90": interval, "worst_mae_ratio": worst,
            "guard_ok": bool(worst <= GUARD) if len(ratio) else None,
            "coverage80": _mean(pd.Series([r["methods"]["model"]["coverage80"]
                                           for r in per_origin], dtype=float)),
            "nominal_coverage80": float(np.concatenate(pooled["nominal"]).mean())
            if pooled["nominal"] else math.nan,
            **_coverage_split(pooled),
            "used": dict(used)}


def _coverage_split(pooled: dict) -> dict:
    """Coverage of the 80 % interval among the cercle-origins with and without a report:
    where the pooled figure comes from (most cells are quiet, their interval [0, 0]). Not a
    calibration check -- conditioning on the outcome lowers the first and raises the
    second even for a perfect forecast; ``nominal_coverage80`` against ``coverage80`` is."""
    if not pooled["y"]:
        return {"coverage80_with_reports": math.nan, "coverage80_without": math.nan}
    y = np.concatenate(pooled["y"])
    inside = np.concatenate(pooled["inside"])
    return {"coverage80_with_reports": float(inside[y > 0].mean()) if (y > 0).any()
            else math.nan,
            "coverage80_without": float(inside[y == 0].mean()) if (y == 0).any()
            else math.nan}


def calibration(predicted: np.ndarray, observed: np.ndarray, bins: int = 10) -> list[dict]:
    """Mean predicted and observed reports per decile of the prediction (pooled)."""
    if not len(predicted):
        return []
    order = pd.Series(predicted).rank(method="first")
    decile = pd.qcut(order, bins, labels=False)
    frame = pd.DataFrame({"predicted": predicted, "observed": observed, "decile": decile})
    return [{"decile": int(d) + 1, "n": len(g),
             "predicted": float(g["predicted"].mean()), "observed": float(g["observed"].mean())}
            for d, g in frame.groupby("decile")]


# ------------------------------------------------------------------ the store's evaluation
def forecast_evaluation(records: dict[str, pd.DataFrame], horizon: int = DEFAULT_HORIZON,
                        reference: pd.DataFrame | None = None) -> dict:
    """:func:`evaluate` on the store's records (the reports as known today, with their
    observation weights) over the cercles of ``reference`` (default: the 50)."""
    reference = reference_indicators() if reference is None else reference
    observed = observed_records(records, reference.get("n_communes"))
    return evaluate(None, None, horizon=horizon,
                    forecaster=table_forecaster(observed, reference))


# ------------------------------------------------------------------ the composite score
#: How many of the top-ranked cercles the back-test checks.
TOP = 10


def backtest_records(reference: pd.DataFrame, records: dict[str, pd.DataFrame],
                     dates: list[date] | None = None, method: Method | None = None,
                     window_days: int = DEFAULT_WINDOW_DAYS,
                     horizon_days: int = DEFAULT_HORIZON,
                     unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
                     ratings_at: Callable[[date], pd.DataFrame | None] | None = None,
                     top: int = TOP) -> pd.DataFrame:
    """The score's back-test on given records (see the module docstring), one row per date
    (default: the forecast evaluation's :func:`origins` for ``horizon_days``).

    Columns: ``as_of, cercles_with_reports`` (in the horizon), ``spearman_score,
    spearman_persistence`` (among the cercles with a report), ``top_hits_score,
    top_hits_persistence`` (of the ``top`` first).
    """
    observed = observed_records(records, reference.get("n_communes"))
    f = table_forecaster(observed, reference)        # fitted once, known at each date
    dates = origins(f, horizon_days) if dates is None else dates
    rows = []
    for t in dates:
        ratings = ratings_at(t) if ratings_at else None
        table = with_window(reference, observed, t, f.forecast(t), window_days,
                            unverified_weight, ratings)
        s = score(table, method_for(table, method)).score
        outcome = pd.Series(f.outcome(t, horizon_days), index=f.cercles)
        past = pd.Series(f.history.window(t - timedelta(days=window_days), t, known_at=t),
                         index=f.cercles)
        happened = outcome > 0
        rows.append({"as_of": t, "cercles_with_reports": int(happened.sum()),
                     "spearman_score": scores.spearman_active(s, outcome),
                     "spearman_persistence": scores.spearman_active(past, outcome),
                     "top_hits_score": scores.top_hits(s, happened, top),
                     "top_hits_persistence": scores.top_hits(past, happened, top)})
    return pd.DataFrame(rows, columns=["as_of", "cercles_with_reports", "spearman_score",
                                       "spearman_persistence", "top_hits_score",
                                       "top_hits_persistence"])


def backtest(records: dict[str, pd.DataFrame],
             ratings_at: Callable[[date], pd.DataFrame | None] | None = None,
             dates: list[date] | None = None, method: Method | None = None,
             window_days: int = DEFAULT_WINDOW_DAYS, horizon_days: int = DEFAULT_HORIZON,
             unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT) -> pd.DataFrame:
    """The back-test of the stored ``records`` on the 50 cercles (:func:`backtest_records`);
    ``ratings_at(t)`` gives the context ratings in force at ``t`` (e.g.
    ``geo.records.context.ratings(engine, until=…)``)."""
    return backtest_records(reference_indicators(), records, dates, method, window_days,
                            horizon_days, unverified_weight, ratings_at)


def headline(ev: dict) -> dict | None:
    """The figures a reader needs from an :func:`evaluate` result (None without an origin):
    ``origins`` compared, ``wins`` over the decayed count, the mean deviances ``deviance`` and
    ``decayed`` and the relative gain ``gain`` = 1 − deviance / decayed, ``beats`` (no worse
    on mean deviance and better at more than half of the origins), ``worst`` (largest ratio of
    mean absolute errors at one origin) and ``guard_ok``, the interval's ``coverage`` and
    ``nominal`` coverage, the pooled ``auc``, and ``spearman``/``top10`` (means among the
    cercles with a report) of the model and of persistence and the decayed count."""
    if not ev["origins"]:
        return None
    m, s = ev["model"], ev["methods"]
    deviance, decayed = s["model"]["deviance"], s["decayed"]["deviance"]
    return {"origins": m["origins_compared"], "wins": m["wins_vs_decayed"],
            "deviance": deviance, "decayed": decayed,
            "gain": 1 - deviance / decayed if decayed > 0 else math.nan,
            "beats": bool(deviance <= decayed and m["wins_vs_decayed"] > m["origins_compared"] / 2),
            "worst": m["worst_mae_ratio"], "guard_ok": m["guard_ok"],
            "coverage": m["coverage80"], "nominal": m["nominal_coverage80"],
            "auc": s["model"]["auc_pooled"],
            **{f"{k}_{name}" if name != "model" else k: s[name][key]
               for name in ("model", "persistence", "decayed")
               for k, key in (("spearman", "spearman_active"), ("top10", "top10_hits"))}}
