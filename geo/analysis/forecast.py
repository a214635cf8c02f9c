"""The forecast of tension reports per cercle: the recent past, shrunk, gently corrected.

For an as-of date t and a horizon h (30, 90 or 180 days) the forecast gives, per cercle, a
predictive distribution of the reports (those that count) in (t, t + h], from the reports
that happened and were reported by t only. Replaces the Poisson GLM of issue 14 (lags,
season, elections, population): pooled over all history and fitted on few origins it blew
up after regime shifts that real event data show; anchored on the recent past it does not
do worse than the recent past (``benchmarks/forecast_baselines.py``).

Reports are counted with their observation weight (:mod:`geo.analysis.observation`): a
report of the division's own network counts 1 / (share of the cercle's communes its
mediators watched that day), an external event 1. The forecast is therefore of *reports at
full observation*: adding mediators does not by itself raise it; with external sources only
(real event data) every weight is 1.

**Anchor.** The decayed recent count: monthly counts m_k (k = 0 the 30-day month ending at
t) weighted δ^k over :data:`WINDOW_MONTHS` months, D = Σ δ^k m_k, over the exposure E =
Σ δ^k e_k (e_k the share of month k inside the observed history: a month before the history
began is unknown, not quiet). As a gamma–Poisson posterior with a gamma prior of mean m per
month and shape α (reports), the monthly rate is

    r = (α + D) / (α/m + E),    anchor A = r · h / 30 reports over the horizon:

the prior weighs α/m months -- much for a quiet cercle, next to nothing for a busy one,
which follows its recent count. The prior mean m (:data:`PRIORS`, one chosen) is the
cercle's own slow memory: its counts weighted :data:`SLOW_DECAY`^k over :data:`SLOW_MONTHS`
months with one month of the national rate R = ΣD / (E · cercles), m = (S + R) /
(E_slow + 1) (``slow``: a second, longer time scale, so a cercle with no recent report
still gets a small positive mean, larger where reports came in the years before); or the
mean of that and its neighbours' recent rate D/E, at least R/10 (``mixed``: a crisis
spreads). The other priors of :data:`PRIOR_KINDS`, measured and set aside
(``benchmarks/forecast_baselines.py --ablation``), remain options: R itself (``national``)
and the neighbours' rate alone (``neighbours``). The decay δ (:data:`DECAYS`), the shape α
(:data:`PRIOR_SHAPES`) and the prior are chosen at each date on earlier origins only, by
their recency-weighted mean Poisson deviance (:data:`DEFAULT_ANCHOR` until
:data:`MIN_SELECTION_ORIGINS` training origins).

**Correction.** μ = A · exp(β₀ + β·x), x relative features (:data:`FEATURES`, see
:meth:`Forecaster.features`), fitted as a negative-binomial GLM with offset log A and a
ridge penalty (:data:`RIDGE`) that shrinks β (β₀ included) to 0 — the anchor —, training
origins weighted by recency (half-life :data:`HALF_LIFE_DAYS`). The factor exp(β₀ + β·x)
is clipped to [1/:data:`MAX_FACTOR`, :data:`MAX_FACTOR`]. It is used only when the model
fitted :data:`GATE_ORIGINS` origins earlier (itself on at least :data:`MIN_ORIGINS`
training origins) beat its own anchor on the Poisson deviance of those later origins, out of
sample; otherwise the anchor alone is the forecast. ``attrs["model"]`` says which.

**Uncertainty.** Negative binomial: a cell's size θ(μ) = θ₀ μ^p (:class:`Dispersion`; p
between 0, the NB2 with variance μ + μ²/θ₀, and 1, the NB1 with variance ∝ μ), (θ₀, p) by
maximum likelihood on the training origins (:data:`DEFAULT_DISPERSION` before
:data:`MIN_SELECTION_ORIGINS`). The 80 % interval is
:func:`geo.analysis.distributions.interval`; ``p_any`` = 1 − P(0). Severe reports
(severity 4–5): the cercle's decayed share of severe reports, shrunk to the national share
with :data:`SEVERE_PRIOR` reports of weight, times μ, same dispersion; ``p_severe`` = 1 −
P(0).

**No look-ahead.** Training origins lie on a fixed grid (every :data:`STEP_DAYS` days from
:data:`MIN_HISTORY_DAYS` after the first report) and enter only when their outcome window
ended by t; what is known at an origin is the reports that happened *and were reported* by
it (:class:`History`: the last weeks before an origin are as incomplete as the last weeks
before today, so the model learns on inputs as provisional as the ones it forecasts from).
Outcomes are counted with every report the frame holds: a forecaster built on the store as
it is today (the rolling evaluation) lets reports of a training window that came in after t
enter that window's outcome; :func:`geo.analysis.table.cercle_indicators` builds it on the
reports known at t, which leaves nothing after t. Fits are cached by the number of training
origins: a rolling evaluation fits each once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis import distributions
from geo.analysis.indicators import counted_reports
from geo.analysis.observation import WEIGHT
from geo.analysis.scores import poisson_deviance

HORIZONS = (30, 90, 180)
DEFAULT_HORIZON = 90
#: Severity from which a report is *severe* (1–5 scale).
SEVERE = 4
#: Length of a "month" in the forecast's monthly counts, days.
MONTH_DAYS = 30


class History:
    """Daily cumulative counts per cercle (all reports, severe reports) of a report frame,
    and what of them was known at a date.

    The one place where a report frame becomes counts for the forecast and its evaluation.
    Only reports that count (:func:`geo.analysis.indicators.counted_reports`: all but those
    verified false) placed in one of the given cercles enter; a window ``(start, end]``
    counts reports with ``start < occurred_on <= end``, so a count at date ``t`` never sees
    a report after ``t``. Each report counts its observation weight (column
    :data:`geo.analysis.observation.WEIGHT`, 1 without it): the division's own reports read
    against the network's effort (:mod:`geo.analysis.observation`).

    **Known at a date.** Reports arrive late: a report with ``reported_on`` after ``t`` was
    not in the store at ``t``. :meth:`months` and :meth:`window` with ``known_at`` leave
    them out (a report without ``reported_on`` is taken as reported the day it happened),
    so that what the forecast reads at a past origin is what the store held then -- the
    last weeks as incomplete as they are today.

    Parameters
    ----------
    reports : DataFrame or None
        Reports with ``cercle_id``, ``occurred_on`` (dates or ISO strings), ``severity``,
        ``verification`` and optionally ``reported_on`` and the observation weight;
        reports outside ``cercles`` or without a date are ignored.
    cercles : Index
        The cercles, in the order of every array returned.
    start : date, optional
        First day of observation (default: the first report's date). Months before it are
        unobserved, not quiet: :meth:`exposure` leaves them out.
    """

    def __init__(self, reports: pd.DataFrame | None, cercles: pd.Index,
                 start: date | None = None):
        self.cercles = pd.Index(cercles)
        t = counted_reports(reports)
        if t is not None and len(t):
            t = t[t["cercle_id"].isin(self.cercles).to_numpy(dtype=bool)]
            days = pd.to_datetime(t["occurred_on"], errors="coerce")
            keep = days.notna().to_numpy()
            t, days = t[keep], days[keep]
        if t is None or not len(t):
            self.first = start
            self.last = None
            self._cum = None
            return
        self.first = min(days.min().date(), start) if start else days.min().date()
        self.last = days.max().date()
        offset = (days - pd.Timestamp(self.first)).dt.days.to_numpy()
        rows = self.cercles.get_indexer(t["cercle_id"])
        n_days = int(offset.max()) + 1
        severity = pd.to_numeric(t["severity"], errors="coerce").fillna(0).to_numpy()
        weight = (pd.to_numeric(t[WEIGHT], errors="coerce").fillna(1.0).to_numpy(dtype=float)
                  if WEIGHT in t else np.ones(len(t)))
        reported = (pd.to_datetime(t["reported_on"], errors="coerce") if "reported_on" in t
                    else days)
        reported = reported.where(reported.notna() & (reported > days), days)
        self._cum, self._weights = {}, {}
        for kind, w in (("all", weight), ("severe", weight * (severity >= SEVERE))):
            daily = np.zeros((len(self.cercles), n_days))
            np.add.at(daily, (rows, offset), w)
            cum = np.zeros((len(self.cercles), n_days + 1))
            cum[:, 1:] = np.cumsum(daily, axis=1)
            self._cum[kind] = cum
            self._weights[kind] = w
        # the reports that came in after the day they happened: what was not yet known
        late = ((reported - pd.Timestamp(self.first)).dt.days.to_numpy() > offset)
        self._late = (rows[late], offset[late],
                      (reported[late] - pd.Timestamp(self.first)).dt.days.to_numpy(),
                      {k: w[late] for k, w in self._weights.items()})

    def _offset(self, day: date) -> int:
        return (day - self.first).days

    def _index(self, day: date | np.ndarray) -> np.ndarray:
        """Column of the cumulative array holding the count of reports on or before ``day``."""
        if isinstance(day, date):
            offset = (day - self.first).days
        else:
            offset = (np.asarray(day, dtype="datetime64[D]")
                      - np.datetime64(self.first, "D")).astype(int)
        n = next(iter(self._cum.values())).shape[1] - 1
        return np.clip(np.asarray(offset) + 1, 0, n)

    def _unknown(self, known_at: date, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cercle rows, occurrence offsets, weights) of the reports that happened on or
        before ``known_at`` but were reported after it."""
        rows, occurred, reported, weights = self._late
        at = self._offset(known_at)
        out = (occurred <= at) & (reported > at)
        return rows[out], occurred[out], weights[kind][out]

    def window(self, start: date, end: date, kind: str = "all",
               known_at: date | None = None) -> np.ndarray:
        """Reports per cercle with ``start < occurred_on <= end`` (``kind``: ``all`` or
        ``severe``), weighted; with ``known_at``, only those reported by then."""
        if self._cum is None:
            return np.zeros(len(self.cercles))
        cum = self._cum[kind]
        out = cum[:, self._index(end)] - cum[:, self._index(start)]
        if known_at is not None:
            rows, occurred, weights = self._unknown(known_at, kind)
            inside = (occurred > self._offset(start)) & (occurred <= self._offset(end))
            out = out - np.bincount(rows[inside], weights[inside], len(self.cercles))
        return out

    def months(self, t: date, count: int, kind: str = "all", known: bool = False
               ) -> np.ndarray:
        """Monthly counts back from ``t``: column k counts the 30-day month
        ``(t − 30(k+1), t − 30k]``; shape (cercles, ``count``). ``known``: only the
        reports reported by ``t``."""
        if self._cum is None:
            return np.zeros((len(self.cercles), count))
        ends = np.datetime64(t, "D") - MONTH_DAYS * np.arange(count + 1)
        cum = self._cum[kind][:, self._index(ends)]
        out = cum[:, :-1] - cum[:, 1:]
        if known:
            rows, occurred, weights = self._unknown(t, kind)
            k = (self._offset(t) - occurred) // MONTH_DAYS
            inside = k < count
            np.subtract.at(out, (rows[inside], k[inside]), weights[inside])
        return out

    def exposure(self, t: date, count: int) -> np.ndarray:
        """Share (0–1) of each of the ``count`` months back from ``t`` that lies on or after
        the first day of observation: a month before the history began is not a quiet month."""
        if self.first is None:
            return np.zeros(count)
        ends = np.array([(t - timedelta(days=MONTH_DAYS * k) - self.first).days + 1
                         for k in range(count)], dtype=float)
        return np.clip(ends / MONTH_DAYS, 0.0, 1.0)

#: Months of the decayed count.
WINDOW_MONTHS = 24
#: Grids of the anchor's decay (per month), prior shape (reports) and prior.
DECAYS = (0.5, 0.6, 0.7, 0.8, 0.9)
PRIOR_SHAPES = (0.1, 0.25, 0.5, 1.0, 2.0)
PRIOR_KINDS = ("national", "slow", "neighbours", "mixed")
PRIORS = ("slow", "mixed")
#: The slow memory of the ``slow`` prior: decay per month and months.
SLOW_DECAY, SLOW_MONTHS = 0.95, 60
#: Training origins needed to choose the anchor's settings and the dispersion.
MIN_SELECTION_ORIGINS = 4
#: Training origins needed before a correction is learned.
MIN_ORIGINS = 12
#: Origins between the gate's model and the date: the out-of-sample test of the correction.
GATE_ORIGINS = 12
#: Spacing of the training origins, days; history needed before the first one, days.
STEP_DAYS = 30
MIN_HISTORY_DAYS = 90
#: Recency weight of a training origin: 0.5 ** (age / HALF_LIFE_DAYS).
HALF_LIFE_DAYS = 730
#: Ridge penalty of the correction (on the recency-weighted mean negative log-likelihood).
RIDGE = 0.05
#: Largest factor of the correction on the anchor (and smallest, its inverse).
MAX_FACTOR = 3.0
#: Bounds of a cell's NB2 size θ; powers p of θ(μ) = θ₀ μ^p tried.
THETA_BOUNDS = (0.02, 100.0)
DISPERSION_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Weight, in reports, of the national share in a cercle's share of severe reports.
SEVERE_PRIOR = 5.0
#: The correction's features (see :meth:`Forecaster.features`).
FEATURES = ("last_month", "last_quarter", "neighbours", "national", "level", "slow")


@dataclass(frozen=True)
class Anchor:
    """The anchor's settings: decay δ per month, prior shape α (reports), prior."""

    decay: float
    shape: float
    prior: str


@dataclass(frozen=True)
class Dispersion:
    """A cell's NB2 size as a function of its mean: θ(μ) = θ₀ · max(μ, 0.001)^p, within
    :data:`THETA_BOUNDS`. p = 0 is the NB2 (variance μ + μ²/θ₀); p = 1 the NB1 (variance
    μ(1 + 1/θ₀): one variance-to-mean ratio from quiet to busy cercles, as real event data
    show)."""

    theta0: float
    power: float

    def theta(self, mu) -> np.ndarray:
        mu = np.maximum(np.asarray(mu, dtype=float), 1e-3)
        return np.clip(self.theta0 * mu ** self.power, *THETA_BOUNDS)


DEFAULT_ANCHOR = Anchor(0.8, 0.5, "slow")
#: Before enough origins: a variance-to-mean ratio of 3 (NB1, θ = μ/2), as real data show.
DEFAULT_DISPERSION = Dispersion(0.5, 1.0)


@dataclass
class Known:
    """What is known at one or more dates (a leading axis of origins on every array)."""

    months: np.ndarray       # origins × cercles × WINDOW_MONTHS: reports per 30-day month
    severe: np.ndarray       # the same for severe reports
    exposure: np.ndarray     # origins × WINDOW_MONTHS: share of each month in the history
    total: np.ndarray        # origins × cercles: reports from the start of the history
    observed: np.ndarray     # origins: months of history (30 days) up to the date
    slow: np.ndarray         # origins × cercles: reports weighted SLOW_DECAY^k, SLOW_MONTHS
    slow_exposure: np.ndarray  # origins: Σ SLOW_DECAY^k e_k


@dataclass
class Fit:
    """A model as of a date: the anchor's settings, the dispersion, the correction (``coef``
    None: the anchor alone; ``candidate``: the correction fitted, used or not) and the gate's
    evidence."""

    horizon: int
    origins: int
    anchor: Anchor
    dispersion: Dispersion
    coef: np.ndarray | None = None
    candidate: np.ndarray | None = None
    gate: dict = field(default_factory=dict)

    @property
    def model(self) -> str:
        return "anchor" if self.coef is None else "anchor+correction"


def _golden_max(f, lo: float, hi: float, iterations: int = 30) -> float:
    """The maximiser of a unimodal ``f`` on [lo, hi] by golden-section search."""
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = f(a), f(b)
    for _ in range(iterations):
        if fa > fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = f(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = f(b)
    return (lo + hi) / 2


def estimate_dispersion(y: np.ndarray, mu: np.ndarray, weights: np.ndarray | None = None,
                        powers: tuple[float, ...] = DISPERSION_POWERS) -> Dispersion:
    """:class:`Dispersion` by weighted maximum likelihood with μ fixed: for each of
    ``powers``, θ₀ by golden-section search on log θ₀ within :data:`THETA_BOUNDS`; the best
    pair."""
    y = np.asarray(y, dtype=float)
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-9)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    positive = y > 0
    yp, wp = y[positive], w[positive]
    log_mu = np.log(mu)

    def loglik(d: Dispersion) -> float:
        th = d.theta(mu)
        tp = th[positive]
        return float(wp @ (distributions.lgamma(yp + tp) - distributions.lgamma(tp))
                     + w @ (-th * np.log1p(mu / th) + y * (log_mu - np.log(th + mu))))

    best, best_value = DEFAULT_DISPERSION, -math.inf
    lo, hi = math.log(THETA_BOUNDS[0]), math.log(THETA_BOUNDS[1])
    for power in powers:
        log_theta0 = _golden_max(lambda v, p=power: loglik(Dispersion(math.exp(v), p)), lo, hi)
        candidate = Dispersion(math.exp(log_theta0), power)
        value = loglik(candidate)
        if value > best_value:
            best, best_value = candidate, value
    return best


def _posterior(shape: float, prior: np.ndarray, decayed: np.ndarray, exposure: np.ndarray
               ) -> np.ndarray:
    """The gamma–Poisson posterior mean rate (α + D) / (α/m + E) (origins × cercles)."""
    return (shape + decayed) / (shape / np.maximum(prior, 1e-12) + exposure[:, None])


def _nb_nll(y: np.ndarray, mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Per cell −log NB(y | μ, θ) without the terms free of μ."""
    return (theta + y) * np.log1p(mu / theta) - y * np.log(mu / theta)


def fit_correction(x: np.ndarray, y: np.ndarray, offset: np.ndarray, weights: np.ndarray,
                   theta: np.ndarray, ridge: float = RIDGE, iterations: int = 50
                   ) -> np.ndarray:
    """β = (β₀, β₁ …) minimising Σ w·nll(y | exp(offset + β₀ + x·β), θ) / Σ w +
    ridge/2 · ‖β‖² (β₀ penalised too: the whole correction is pulled to the anchor), θ per
    cell held fixed, by Fisher scoring with step halving."""
    x1 = np.hstack([np.ones((len(x), 1)), x])
    w = weights / weights.sum()
    beta = np.zeros(x1.shape[1])

    def objective(b):
        return w @ _nb_nll(y, np.exp(offset + x1 @ b), theta) + ridge / 2 * b @ b

    current = objective(beta)
    for _ in range(iterations):
        mu = np.exp(offset + x1 @ beta)
        factor = theta / (theta + mu)
        grad = x1.T @ (w * (mu - y) * factor) + ridge * beta
        info = (x1.T * (w * mu * factor)) @ x1 + ridge * np.eye(len(beta))
        step = np.linalg.solve(info, grad)
        scale = 1.0
        while True:
            candidate = beta - scale * step
            value = objective(candidate)
            if value <= current or scale < 1e-6:
                break
            scale /= 2
        beta, previous, current = candidate, current, value
        if previous - current < 1e-12:
            break
    return beta


class Forecaster:
    """Forecasts of reports per cercle from one report frame (see the module docstring).

    Parameters
    ----------
    reports : DataFrame or None
        Reports with ``cercle_id, occurred_on, severity, verification`` and optionally
        ``reported_on`` and the observation weight (:class:`History`).
    cercles : Index
        The cercles to forecast, in output order.
    neighbours : array, optional
        Row-standardised contiguity, rows and columns in ``cercles`` order (as
        :func:`geo.reference.neighbours.cercle_weights`); without, the neighbours' prior and
        feature fall back to the national rate and 0.
    start : date, optional
        First day of observation (default: the first report's date).
    decays, priors, prior_shapes, dispersion_powers : tuple, optional
        The grids the anchor and the dispersion are chosen from (default :data:`DECAYS`,
        :data:`PRIORS`, :data:`PRIOR_SHAPES`, :data:`DISPERSION_POWERS`; smaller ones make
        the ablations of ``benchmarks/forecast_baselines.py``).
    correction : bool
        False: the anchor alone, always.
    """

    def __init__(self, reports: pd.DataFrame | None, cercles: pd.Index,
                 neighbours: np.ndarray | None = None, start: date | None = None,
                 decays: tuple[float, ...] = DECAYS, priors: tuple[str, ...] = PRIORS,
                 prior_shapes: tuple[float, ...] = PRIOR_SHAPES,
                 dispersion_powers: tuple[float, ...] = DISPERSION_POWERS,
                 correction: bool = True):
        unknown = set(priors) - set(PRIOR_KINDS)
        if unknown or not (decays and priors and prior_shapes and dispersion_powers):
            raise ValueError(f"empty grid or unknown prior: {sorted(unknown)}")
        self.decays, self.priors, self.prior_shapes = decays, priors, prior_shapes
        self.dispersion_powers, self.correction = dispersion_powers, correction
        self.default_anchor = Anchor(
            DEFAULT_ANCHOR.decay if DEFAULT_ANCHOR.decay in decays else decays[0],
            DEFAULT_ANCHOR.shape if DEFAULT_ANCHOR.shape in prior_shapes
            else prior_shapes[0],
            DEFAULT_ANCHOR.prior if DEFAULT_ANCHOR.prior in priors else priors[0])
        self.cercles = pd.Index(cercles)
        self.history = History(reports, self.cercles, start)
        self.weights = (np.zeros((len(self.cercles), len(self.cercles))) if neighbours is None
                        else np.asarray(neighbours, dtype=float))
        self._has_neighbours = self.weights.sum(axis=1) > 0
        self._known: dict[date, Known] = {}
        self._fits: dict[tuple[int, int, bool], Fit] = {}

    # ------------------------------------------------------------------ what is known
    def known(self, dates: list[date]) -> Known:
        """Counts known at each of ``dates`` (cached per date), stacked on a leading axis:
        the reports reported by that date only (:class:`History`)."""
        h = self.history
        for t in dates:
            if t not in self._known:
                total = h.window(h.first - timedelta(days=1), t, known_at=t) if h.first \
                    else np.zeros(len(self.cercles))
                observed = max((t - h.first).days + 1, 0) / MONTH_DAYS if h.first else 0.0
                slow_w = SLOW_DECAY ** np.arange(SLOW_MONTHS) * h.exposure(t, SLOW_MONTHS)
                self._known[t] = Known(h.months(t, WINDOW_MONTHS, known=True)[None],
                                       h.months(t, WINDOW_MONTHS, "severe", known=True)[None],
                                       h.exposure(t, WINDOW_MONTHS)[None], total[None],
                                       np.array([observed]),
                                       (h.months(t, SLOW_MONTHS, known=True) @ slow_w)[None],
                                       np.array([slow_w.sum()]))
        parts = [self._known[t] for t in dates]
        return Known(*(np.concatenate([getattr(p, f) for p in parts])
                       for f in ("months", "severe", "exposure", "total", "observed", "slow",
                                 "slow_exposure")))

    def grid(self, horizon: int) -> list[date]:
        """Training origins: every :data:`STEP_DAYS` days from :data:`MIN_HISTORY_DAYS`
        after the first report, while a full horizon of history follows."""
        h = self.history
        if h.first is None or h.last is None:
            return []
        s, out = h.first + timedelta(days=MIN_HISTORY_DAYS), []
        while s + timedelta(days=horizon) <= h.last:
            out.append(s)
            s += timedelta(days=STEP_DAYS)
        return out

    def training(self, t: date, horizon: int) -> list[date]:
        """Grid origins whose outcome window (s, s + h] ended by ``t``."""
        return [s for s in self.grid(horizon) if s + timedelta(days=horizon) <= t]

    def outcome(self, s: date, horizon: int) -> np.ndarray:
        """Reports per cercle in (s, s + horizon]."""
        return self.history.window(s, s + timedelta(days=horizon))

    # ------------------------------------------------------------------ anchor
    def _decayed(self, k: Known, decay: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(D, E, R): decayed counts (origins × cercles), their exposure (origins) and the
        national rate per cercle and month (origins): ΣD / (E · cercles), or the whole
        history's N / (months · cercles) when nothing was reported in the window."""
        w = decay ** np.arange(WINDOW_MONTHS)[None, :] * k.exposure
        exposure = w.sum(axis=1)
        decayed = np.einsum("onk,ok->on", k.months, w)
        n = len(self.cercles)
        recent = decayed.sum(axis=1)
        national = np.where(recent > 0, recent / np.maximum(exposure, 1e-12) / n,
                            k.total.sum(axis=1) / np.maximum(k.observed, 1e-12) / n)
        return decayed, exposure, national

    def _prior(self, kind: str, k: Known, decayed: np.ndarray, exposure: np.ndarray,
               national: np.ndarray) -> np.ndarray:
        """The prior mean rate per month (origins × cercles); see the module docstring."""
        n = len(self.cercles)
        nat = national[:, None]
        if kind == "national":
            return np.repeat(nat, n, axis=1)
        slow = (k.slow + nat) / (k.slow_exposure[:, None] + 1)
        if kind == "slow":
            return slow
        recent = decayed / np.maximum(exposure, 1e-12)[:, None]
        near = np.where(self._has_neighbours[None, :], recent @ self.weights.T, nat)
        near = np.maximum(near, nat / 10)
        return near if kind == "neighbours" else (slow + near) / 2

    def anchor(self, k: Known, settings: Anchor, horizon: int) -> np.ndarray:
        """The anchor's mean over the horizon (reports), origins × cercles."""
        decayed, exposure, national = self._decayed(k, settings.decay)
        prior = self._prior(settings.prior, k, decayed, exposure, national)
        rate = _posterior(settings.shape, prior, decayed, exposure)
        return rate * horizon / MONTH_DAYS

    def severe_share(self, k: Known, settings: Anchor) -> np.ndarray:
        """Share of severe reports (origins × cercles): decayed severe ÷ decayed reports,
        shrunk to the national share with :data:`SEVERE_PRIOR` reports."""
        w = settings.decay ** np.arange(WINDOW_MONTHS)[None, :] * k.exposure
        reports = np.einsum("onk,ok->on", k.months, w)
        severe = np.einsum("onk,ok->on", k.severe, w)
        national = np.divide(severe.sum(axis=1), reports.sum(axis=1),
                             out=np.zeros(len(w)), where=reports.sum(axis=1) > 0)[:, None]
        return (severe + SEVERE_PRIOR * national) / (reports + SEVERE_PRIOR)

    # ------------------------------------------------------------------ correction
    def features(self, k: Known, anchor: np.ndarray, horizon: int) -> np.ndarray:
        """The correction's :data:`FEATURES` (origins × cercles × features), relative to the
        anchor A (0 when the recent past agrees with it); a₁ = A · 30/h is the anchor per
        30 days, m₀, m₁, m₂ the last three months:

        * ``last_month`` = log((m₀ + ½) / (a₁ + ½));
        * ``last_quarter`` = log((m₀ + m₁ + m₂ + ½) / (3a₁ + ½));
        * ``neighbours`` -- the same as ``last_quarter`` for the neighbours' mean (0
          without neighbours);
        * ``national`` -- the same for the sum over the cercles;
        * ``level`` = log((A + 0.1) / (mean A + 0.1)): busy cercles regress to the mean;
        * ``slow`` = log((L + 0.1) / (A + 0.1)), L = S / E_slow · h/30, the cercle's slow
          memory (see the ``slow`` prior) over the horizon.
        """
        per_month = anchor * MONTH_DAYS / horizon
        last, quarter = k.months[:, :, 0], k.months[:, :, :3].sum(axis=2)
        near = np.where(self._has_neighbours[None, :],
                        np.log((quarter @ self.weights.T + 0.5)
                               / (3 * per_month @ self.weights.T + 0.5)), 0.0)
        national = np.log((quarter.sum(axis=1, keepdims=True) + 0.5)
                          / (3 * per_month.sum(axis=1, keepdims=True) + 0.5))
        slow = k.slow / np.maximum(k.slow_exposure, 1e-12)[:, None] * horizon / MONTH_DAYS
        return np.stack([
            np.log((last + 0.5) / (per_month + 0.5)),
            np.log((quarter + 0.5) / (3 * per_month + 0.5)),
            near, np.broadcast_to(national, near.shape),
            np.log((anchor + 0.1) / (anchor.mean(axis=1, keepdims=True) + 0.1)),
            np.log((slow + 0.1) / (anchor + 0.1))], axis=2)

    @staticmethod
    def factor(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The correction's factor on the anchor, within [1/MAX_FACTOR, MAX_FACTOR]."""
        return np.clip(np.exp(coef[0] + x @ coef[1:]), 1 / MAX_FACTOR, MAX_FACTOR)

    # ------------------------------------------------------------------ fitting
    def fit(self, t: date, horizon: int = DEFAULT_HORIZON, gate: bool = True) -> Fit:
        """The model as of ``t`` (cached by the number of training origins); ``gate=False``
        skips the gate (the candidate correction is then not used)."""
        origins = self.training(t, horizon)
        key = (horizon, len(origins), gate)
        if key not in self._fits:
            self._fits[key] = self._fit(origins, horizon, gate)
        return self._fits[key]

    def _select(self, k: Known, y: np.ndarray, w: np.ndarray, horizon: int) -> Anchor:
        """The anchor's settings with the least recency-weighted mean Poisson deviance."""
        best, best_loss = self.default_anchor, math.inf
        for decay in self.decays:
            decayed, exposure, national = self._decayed(k, decay)
            for prior in self.priors:
                m = self._prior(prior, k, decayed, exposure, national)
                for shape in self.prior_shapes:
                    rate = _posterior(shape, m, decayed, exposure)
                    mu = np.maximum(rate * horizon / MONTH_DAYS, 1e-9)
                    loss = float((w[:, None] * poisson_deviance(y, mu)).sum())
                    if loss < best_loss:
                        best, best_loss = Anchor(decay, shape, prior), loss
        return best

    def _fit(self, origins: list[date], horizon: int, gate: bool) -> Fit:
        n = len(origins)
        if n < MIN_SELECTION_ORIGINS:
            return Fit(horizon, n, self.default_anchor, DEFAULT_DISPERSION)
        last = origins[-1] + timedelta(days=horizon)
        weights = np.array([0.5 ** ((last - s).days / HALF_LIFE_DAYS) for s in origins])
        k = self.known(origins)
        y = np.stack([self.outcome(s, horizon) for s in origins])
        settings = self._select(k, y, weights, horizon)
        a = np.maximum(self.anchor(k, settings, horizon), 1e-9)
        cell_w = np.repeat(weights, len(self.cercles))
        dispersion = estimate_dispersion(y.ravel(), a.ravel(), cell_w, self.dispersion_powers)
        fit = Fit(horizon, n, settings, dispersion)
        if n < MIN_ORIGINS or not self.correction:
            return fit
        x = self.features(k, a, horizon).reshape(a.size, -1)
        fit.candidate = fit_correction(x, y.ravel(), np.log(a.ravel()), cell_w,
                                       dispersion.theta(a.ravel()))
        if gate:
            fit.gate = self._gate(origins, horizon)
            if fit.gate["use"]:
                fit.coef = fit.candidate
                fit.dispersion = estimate_dispersion(
                    y.ravel(), a.ravel() * self.factor(fit.coef, x), cell_w,
                    self.dispersion_powers)
        return fit

    def _gate(self, origins: list[date], horizon: int) -> dict:
        """The candidate correction's test: the model fitted at the first of the last
        :data:`GATE_ORIGINS` training origins (on what was known then) forecasts each of
        them with and without its correction; mean Poisson deviances of both."""
        gate = {"origins": 0, "anchor_deviance": None, "corrected_deviance": None,
                "use": False}
        if len(origins) <= GATE_ORIGINS:
            return gate
        tested = origins[-GATE_ORIGINS:]
        then = self.fit(tested[0], horizon, gate=False)
        if then.candidate is None:
            return gate
        k = self.known(tested)
        a = np.maximum(self.anchor(k, then.anchor, horizon), 1e-9)
        y = np.stack([self.outcome(s, horizon) for s in tested])
        corrected = a * self.factor(then.candidate, self.features(k, a, horizon))
        gate.update(origins=len(tested),
                    anchor_deviance=float(poisson_deviance(y, a).mean()),
                    corrected_deviance=float(poisson_deviance(y, corrected).mean()))
        gate["use"] = gate["corrected_deviance"] < gate["anchor_deviance"]
        return gate

    # ------------------------------------------------------------------ forecast
    def forecast(self, t: date, horizon: int = DEFAULT_HORIZON) -> pd.DataFrame:
        """The forecast as of ``t`` for (t, t + horizon].

        Returns
        -------
        DataFrame
            Indexed by ``cercle_id``: ``expected_reports`` (predictive mean, reports),
            ``low80``/``high80`` (the 80 % interval, reports), ``p_any`` (P(at least one
            report), 0–1), ``p_severe`` (P(at least one of severity 4–5)), ``rank`` (1 =
            most expected; ties share the best rank), ``anchor`` (the anchor's mean) and
            ``nb_size`` (the cell's negative-binomial size θ). NaN everywhere with less than
            :data:`MIN_HISTORY_DAYS` of history before t. ``attrs``: ``as_of, horizon,
            model`` (``anchor``, ``anchor+correction``, None without a forecast),
            ``training_origins, decay, prior, prior_shape, theta0, dispersion_power,
            gate``.
        """
        h = self.history
        out = pd.DataFrame(index=self.cercles.rename("cercle_id"))
        if h.first is None or h.last is None or (t - h.first).days < MIN_HISTORY_DAYS:
            for c in ("expected_reports", "low80", "high80", "p_any", "p_severe", "rank",
                      "anchor", "nb_size"):
                out[c] = np.nan
            out.attrs.update(as_of=t, horizon=horizon, model=None, training_origins=0,
                             decay=None, prior=None, prior_shape=None, theta0=None,
                             dispersion_power=None, gate={})
            return out
        fit = self.fit(t, horizon)
        k = self.known([t])
        anchor = self.anchor(k, fit.anchor, horizon)
        mu = anchor if fit.coef is None else \
            anchor * self.factor(fit.coef, self.features(k, anchor, horizon))
        mu, anchor = mu[0], anchor[0]
        theta = fit.dispersion.theta(mu)
        severe = mu * self.severe_share(k, fit.anchor)[0]
        out["expected_reports"] = mu
        out["low80"], out["high80"] = distributions.interval(mu, theta)
        out["p_any"] = 1 - distributions.p_zero(mu, theta)
        out["p_severe"] = 1 - distributions.p_zero(severe, fit.dispersion.theta(severe))
        out["rank"] = out["expected_reports"].rank(ascending=False, method="min")
        out["anchor"] = anchor
        out["nb_size"] = theta
        out.attrs.update(as_of=t, horizon=horizon, model=fit.model,
                         training_origins=fit.origins, decay=fit.anchor.decay,
                         prior=fit.anchor.prior, prior_shape=fit.anchor.shape,
                         theta0=fit.dispersion.theta0, dispersion_power=fit.dispersion.power,
                         gate=dict(fit.gate))
        return out

    def explain(self, t: date, horizon: int = DEFAULT_HORIZON) -> pd.DataFrame:
        """How each cercle's forecast is made, in reports over the horizon (NaN where
        :meth:`forecast` has none).

        Columns: ``recent`` (the decayed count's rate D/E × h/30), ``exposure_months`` (E),
        ``prior`` (the prior's m × h/30), ``prior_months`` (the weight of the prior, α/m),
        ``anchor`` = (prior_months · prior + E · recent) / (prior_months + E), ``factor``
        (the correction's, clipped; 1 for the anchor alone) and, when a correction is used,
        ``factor_intercept`` and ``factor_<feature>`` for each of :data:`FEATURES`
        (exp(β·x), before the clip): ``expected_reports`` = anchor × factor.
        """
        index = self.cercles.rename("cercle_id")
        fc = self.forecast(t, horizon)
        if fc["expected_reports"].isna().all():
            return pd.DataFrame(np.nan, index=index, columns=[
                "recent", "exposure_months", "prior", "prior_months", "anchor", "factor"])
        fit = self.fit(t, horizon)
        k = self.known([t])
        decayed, exposure, national = self._decayed(k, fit.anchor.decay)
        prior = self._prior(fit.anchor.prior, k, decayed, exposure, national)[0]
        scale = horizon / MONTH_DAYS
        out = pd.DataFrame({
            "recent": decayed[0] / exposure[0] * scale if exposure[0] > 0 else np.nan,
            "exposure_months": exposure[0], "prior": prior * scale,
            "prior_months": fit.anchor.shape / np.maximum(prior, 1e-12),
            "anchor": fc["anchor"].to_numpy(), "factor": 1.0}, index=index)
        if fit.coef is not None:
            x = self.features(k, fc["anchor"].to_numpy()[None, :], horizon)[0]
            out["factor"] = self.factor(fit.coef, x)
            out["factor_intercept"] = math.exp(fit.coef[0])
            for j, name in enumerate(FEATURES):
                out[f"factor_{name}"] = np.exp(fit.coef[j + 1] * x[:, j])
        return out


def model_state(attrs: dict) -> str | None:
    """Which forecast a frame of :meth:`Forecaster.forecast` holds, from its ``attrs``:
    ``anchor_few`` (the anchor alone: fewer than :data:`MIN_ORIGINS` training origins),
    ``anchor_gate`` (the anchor alone: the correction did not beat it on the last
    :data:`GATE_ORIGINS` origins), ``corrected`` (the anchor and its correction), None
    (no forecast: too little history)."""
    if attrs.get("model") is None:
        return None
    if attrs["model"] == "anchor+correction":
        return "corrected"
    return "anchor_few" if attrs.get("training_origins", 0) < MIN_ORIGINS else "anchor_gate"
