"""Scores of count forecasts: proper scores of the predictive distribution, and ranks.

For a cell (a cercle at one origin) with observed count y, predictive mean μ and
distribution F (negative binomial of size θ, Poisson when θ = ∞; see
:mod:`geo.analysis.distributions`); lower is better for the first four:

* **Poisson deviance** d(y, μ) = 2 [y log(y/μ) − (y − μ)] (= 2μ at y = 0; ∞ when μ = 0 <
  y): the point forecast's score, proper for the mean;
* **log score** (ignorance) −log P(Y = y), in nats; ∞ when the forecast gave y no chance;
* **CRPS** Σ_k (F(k) − 1{y ≤ k})², in reports; finite even for a forecast of exactly 0
  (it is then y);
* **absolute error** |y − μ|;
* **AUC** of "any report" (Mann–Whitney: the chance that a cercle with a report was given a
  higher score than one without, ties counted half; higher is better);
* **coverage** of an interval: share of outcomes with low ≤ y ≤ high;
* **Spearman** rank correlation among the cercles that had a report (ties at zero would
  otherwise reward any ranking of the quiet ones), and **top-k hits**.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis import distributions

#: Cells per block when a CRPS table is built (bounds the memory of heavy tails).
BLOCK = 256


def poisson_deviance(y, mu) -> np.ndarray:
    """Per cell, 2 [y log(y/μ) − (y − μ)]; ∞ where μ = 0 < y."""
    y, mu = np.broadcast_arrays(np.asarray(y, dtype=float), np.asarray(mu, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    out = 2 * (term - (y - mu))
    out[(mu == 0) & (y > 0)] = np.inf
    return out


def log_score(y, mu, theta=np.inf) -> np.ndarray:
    """Per cell, −log P(Y = y) under NB(μ, θ) (Poisson when θ = ∞), nats."""
    return -distributions.logpmf(y, mu, theta)


def crps(y, mu, theta=np.inf) -> np.ndarray:
    """Per cell, Σ_k (F(k) − 1{y ≤ k})² under NB(μ, θ), reports (exact up to the
    distribution's far tail, P(Y > K) ≤ :data:`~geo.analysis.distributions.TAIL`)."""
    y, mu, theta = (np.array(v, dtype=float).ravel()
                    for v in np.broadcast_arrays(y, mu, theta))
    out = np.empty(len(y))
    for i in range(0, len(y), BLOCK):
        part = slice(i, i + BLOCK)
        cdf = distributions.cdf_table(mu[part], theta[part], int(y[part].max(initial=0)))
        k = np.arange(cdf.shape[1])[None, :]
        out[part] = ((cdf - (k >= y[part][:, None])) ** 2).sum(axis=1)
    return out


def auc(score, happened) -> float:
    """Area under the ROC curve of ``score`` for the boolean ``happened`` (ties count half);
    NaN when either class is empty."""
    score = np.asarray(score, dtype=float)
    happened = np.asarray(happened, dtype=bool)
    n_pos, n_neg = happened.sum(), (~happened).sum()
    if not n_pos or not n_neg:
        return float("nan")
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[happened].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def coverage(y, low, high) -> float:
    """Share of the cells with low ≤ y ≤ high."""
    y = np.asarray(y, dtype=float)
    return float(((np.asarray(low) <= y) & (y <= np.asarray(high))).mean())


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman rank correlation (average ranks for ties) over the common non-NaN values;
    NaN when either side is constant or fewer than 3 values are shared."""
    both = pd.concat([a, b], axis=1).dropna()
    if len(both) < 3:
        return float("nan")
    ra, rb = both.iloc[:, 0].rank(), both.iloc[:, 1].rank()
    if ra.nunique() < 2 or rb.nunique() < 2:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def spearman_active(predicted: pd.Series, observed: pd.Series) -> float:
    """:func:`spearman` among the cercles with at least one observed report."""
    active = observed > 0
    return spearman(predicted[active], observed[active])


def top_hits(values: pd.Series, happened: pd.Series, top: int = 10) -> float:
    """How many of the ``top`` cercles with the highest ``values`` had ``happened`` true.

    Ties at the cut-off are shared fairly: the places left are filled with the tied cercles'
    average hit rate (a ranking full of ties is not credited by the order of its rows).
    """
    v = values.dropna()
    if v.empty:
        return float("nan")
    top = min(top, len(v))
    cut = v.sort_values(ascending=False).iloc[top - 1]
    above, tied = v[v > cut].index, v[v == cut].index
    hits = float(happened.reindex(above).fillna(False).sum())
    return hits + (top - len(above)) * float(happened.reindex(tied).fillna(False).mean())
