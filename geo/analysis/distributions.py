"""The negative binomial predictive distribution of a count (Poisson as its limit).

NB2 with mean μ ≥ 0 and size θ > 0 (``theta=inf`` is the Poisson):

    P(Y = y) = Γ(y + θ) / (Γ(θ) y!) · (θ / (θ + μ))^θ · (μ / (θ + μ))^y,

variance μ + μ²/θ. Written on numpy alone (no scipy: the app's process is spared it); every
function broadcasts ``mu`` and ``theta`` (scalar or one per cell).
"""

from __future__ import annotations

import math

import numpy as np

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def lgamma(x) -> np.ndarray:
    """log Γ(x) for x > 0, vectorised: Stirling's series at x + 7 (error < 1e-12) and the
    recurrence Γ(x + 7) = Γ(x) · x(x + 1)…(x + 6)."""
    x = np.asarray(x, dtype=float)
    z = x + 7.0
    inv, inv2 = 1.0 / z, 1.0 / (z * z)
    series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
    shift = sum(np.log(x + k) for k in range(7))
    return (z - 0.5) * np.log(z) - z + _HALF_LOG_2PI + series - shift
#: Probability mass left beyond the last count of a CDF table.
TAIL = 1e-5
#: Largest count a CDF table reaches.
MAX_COUNT = 200_000


def _arrays(*values) -> list[np.ndarray]:
    """The values as float arrays of one broadcast shape (writable copies)."""
    return [np.array(v, dtype=float) for v in np.broadcast_arrays(*values)]


def logpmf(y, mu, theta=np.inf) -> np.ndarray:
    """log P(Y = y) (natural log); −inf for an impossible count (μ = 0 and y > 0)."""
    y, mu, theta = _arrays(y, mu, theta)
    out = np.empty(y.shape)
    poisson = np.isinf(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        yp, mp = y[poisson], mu[poisson]
        out[poisson] = np.where(yp > 0, yp * np.log(mp) - lgamma(yp + 1), 0.0) - mp
        yn, mn, tn = y[~poisson], mu[~poisson], theta[~poisson]
        out[~poisson] = (np.where(yn > 0, lgamma(yn + tn) - lgamma(tn) - lgamma(yn + 1)
                                  + yn * (np.log(mn) - np.log(tn + mn)), 0.0)
                         - tn * np.log1p(mn / tn))
    out[(mu == 0) & (y > 0)] = -np.inf
    return out


def p_zero(mu, theta=np.inf) -> np.ndarray:
    """P(Y = 0) = (θ / (θ + μ))^θ, exp(−μ) for the Poisson."""
    mu, theta = _arrays(mu, theta)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isinf(theta), np.exp(-mu), np.exp(-theta * np.log1p(mu / theta)))


def cdf_table(mu, theta=np.inf, at_least: int = 0) -> np.ndarray:
    """P(Y ≤ k) for k = 0 … K, one row per cell (shape cells × (K + 1)), with K ≥
    ``at_least`` and P(Y > K) ≤ :data:`TAIL` in every row (or K = :data:`MAX_COUNT`).

    The PMF by its recursion in logs: log p(k+1) = log p(k) + log((k + θ)/(k + 1)) +
    log(μ/(θ + μ)) (Poisson: log μ − log(k + 1)).
    """
    mu, theta = _arrays(np.atleast_1d(mu), theta)
    mu, theta = mu.ravel(), theta.ravel()
    poisson = np.isinf(theta)
    sd = np.sqrt(mu + np.where(poisson, 0.0, mu ** 2 / np.where(poisson, 1.0, theta)))
    k = int(max(at_least, np.max(mu + 8 * sd, initial=0), 16))
    while True:
        steps = np.arange(k, dtype=float)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(poisson, 1.0, theta)[:, None]
            ratio = np.where(poisson[:, None], np.log(mu)[:, None] - np.log(steps + 1),
                             np.log((steps + t) / (steps + 1))
                             + (np.log(mu) - np.log(t[:, 0] + mu))[:, None])
            log0 = np.where(poisson, -mu, -theta * np.log1p(mu / np.where(poisson, 1, theta)))
            logp = np.concatenate([log0[:, None], log0[:, None] + np.cumsum(ratio, axis=1)],
                                  axis=1)
        pmf = np.exp(logp)
        pmf[mu == 0] = np.eye(1, k + 1)[0]
        cdf = np.minimum(np.cumsum(pmf, axis=1), 1.0)
        if cdf[:, -1].min(initial=1.0) >= 1 - TAIL or k >= MAX_COUNT:
            return cdf
        k = min(2 * k, MAX_COUNT)


def interval(mu, theta=np.inf, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """A central interval [low, high] of probability as near ``level`` as counts allow.

    A count has no exact 80 % interval: the conservative one, from the 10 % to the 90 %
    quantile, covers ≥ 80 % and often far more (P(0) = 0.85 gives [0, 1], 97 %). Here each
    bound is the count whose tail probability is nearest its target: ``high`` the y with
    P(Y ≤ y) nearest (1 + level)/2 and ``low`` the y with P(Y < y) nearest (1 − level)/2
    (on a tie, the wider interval; low ≤ high always).
    """
    cdf = cdf_table(mu, theta)
    rows = np.arange(len(cdf))
    upper, lower = (1 + level) / 2, (1 - level) / 2
    q_hi = (cdf < upper - 1e-12).sum(axis=1)            # smallest y with F(y) ≥ upper
    below = np.where(q_hi > 0, cdf[rows, np.maximum(q_hi - 1, 0)], -np.inf)
    high = np.where(upper - below < cdf[rows, q_hi] - upper - 1e-12, q_hi - 1, q_hi)
    q_lo = (cdf < lower - 1e-12).sum(axis=1)            # smallest y with F(y) ≥ lower
    # P(Y < q_lo) < lower ≤ P(Y < q_lo + 1): take the nearer of the two
    under = np.where(q_lo > 0, cdf[rows, np.maximum(q_lo - 1, 0)], 0.0)
    low = np.where(cdf[rows, q_lo] - lower < lower - under - 1e-12, q_lo + 1, q_lo)
    low = np.minimum(low, high)
    return low.astype(float), high.astype(float)


def interval_probability(low, high, mu, theta=np.inf) -> np.ndarray:
    """P(low ≤ Y ≤ high) per cell: the interval's own coverage under the distribution."""
    low, high = np.asarray(low, dtype=int), np.asarray(high, dtype=int)
    cdf = cdf_table(mu, theta, int(high.max(initial=0)))
    rows = np.arange(len(cdf))
    return cdf[rows, high] - np.where(low > 0, cdf[rows, np.maximum(low - 1, 0)], 0.0)
