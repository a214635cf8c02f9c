"""A history of tension reports as hard as real event data, and the measure of how hard.

:func:`history` draws reports per cercle and day with the properties of real event data for
Mali (ACLED, 2012–2020, as the client measured them; :data:`TARGETS`), so that a forecast is
not rewarded for fitting its own generator:

* **regime shifts** -- the national level follows a yearly profile that moves about 5×
  between years (:data:`NATIONAL_BY_YEAR`), with a shock early in the second year (an
  intervention: :data:`NATIONAL_SHOCK` times the level, fading; the first training origins
  of a forecast fall inside it, as they did on real data); the share of the *centre-south* (every region
  outside the north and the capital) rises from about 0.2 to 0.47 while new hot spots
  ignite inside it (each cercle's weight moves from an early to a late pattern); the
  capital's share falls from 21 % to 4–7 % (:data:`CENTRE_SOUTH_BY_YEAR`,
  :data:`CAPITAL_BY_YEAR`);
* **concentration** -- inside each group (north, centre-south, capital) a few hot spots
  (:data:`HOT_NORTH`, :data:`HOT_CENTRE_EARLY`, :data:`HOT_CENTRE_LATE`) weigh about
  :data:`HOT_RATIO` times a quiet cercle, quiet cercles spread log-normally
  (σ :data:`WEIGHT_SIGMA`): ten cercles hold two thirds of the reports; when the national
  level is high the pattern flattens (:data:`SPREAD`: escalation reaches quiet cercles);
* **persistence and overdispersion** -- each cercle's log-intensity carries a slow latent
  AR(1) (monthly φ :data:`LATENT_PHI`, innovation σ :data:`LATENT_SIGMA`, damped for busy
  cercles by :data:`LATENT_DAMPING`: a busy cercle aggregates many local processes), bursts
  that fade within months (:data:`SHOCK_RATE`, :data:`SHOCK_SIZE`, :data:`SHOCK_DECAY`) and
  its region's AR(1); the latent moves reports between the cercles of a group, whose share
  stays the regime's. Incidents are Poisson given the intensity and each brings a geometric
  cluster of reports over a few days (mean :data:`CLUSTER_MEAN`), as one attack brings
  several events;
* **fatalities and severity** -- 54 % of reports without fatalities, log-normal otherwise
  (99th percentile ≈ 28); severity follows the fatalities (14 % at 4–5);
* **reporting lag** -- most reports within days, a tail of weeks.

Options make the demonstration's history (:mod:`geo.ingest.demo`): a monthly ``surge`` of
the national level (the months of elections), the ``sources`` and their shares, a longer
lag tail and **the network's effort**: given its mediators (``watchers``) and the communes,
each report happens in a commune drawn uniformly among its cercle's, and a report of the
division's network (source ``mediator``) is kept only when an active mediator trained by
that day lives in that commune -- the network sees what happens where it watches, an
external source everything. ``total`` is then the expected count at full observation.

:func:`geo.analysis.properties.properties` measures every property of
:data:`geo.analysis.properties.TARGETS` on any report frame (the generator's, the
demonstration's, real data), with the definitions written there.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


#: Regions of the north (Tombouctou, Gao, Kidal); the capital's cercle.
NORTH = ("ML06", "ML07", "ML08")
CAPITAL = "mli-bamako"
#: Default span: 2012-01-01 to 2020-07-31, 8.6 years.
START, END = date(2012, 1, 1), date(2020, 7, 31)
#: Expected number of reports that count over the span (real data: about 3,800 for 8.6 years).
TOTAL = 3800

#: Relative national level by year of the span (first year = 1); real data move ~5× between
#: years: high in the first two years, a trough, then a steep rise.
NATIONAL_BY_YEAR = (1.0, 1.1, 0.45, 0.7, 0.55, 0.9, 1.9, 2.3, 2.4)
#: Share of the capital and of the centre-south by year of the span.
CAPITAL_BY_YEAR = (0.21, 0.09, 0.06, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05)
CENTRE_SOUTH_BY_YEAR = (0.2, 0.2, 0.26, 0.31, 0.35, 0.39, 0.44, 0.47, 0.47)
#: A national shock: the month it starts (from the first month) and its factor on the
#: level, fading by :data:`SHOCK_DECAY` a month.
SHOCK_MONTH, NATIONAL_SHOCK = 12, 3.0
#: Year-to-year noise (log scale, sd) on the national level and the two shares.
YEAR_NOISE = 0.12
#: Cercles' weights inside their group: the share of hot spots (north; centre-south before
#: and after the shift), their typical weight against a quiet cercle's, and the log-normal
#: spreads of both.
HOT_NORTH, HOT_CENTRE_EARLY, HOT_CENTRE_LATE = 0.55, 0.06, 0.21
HOT_RATIO, HOT_SIGMA, WEIGHT_SIGMA = 16.0, 0.3, 1.6
#: How much a high national level flattens the cercles' pattern (its exponent is
#: (level ÷ geometric mean level) ** −SPREAD): escalation reaches quiet cercles.
SPREAD = 0.6
#: Latent AR(1) of each cercle's log-intensity (monthly), and of each region's.
LATENT_PHI, LATENT_SIGMA = 0.97, 0.48
#: Expected reports per month at which a cercle's latent variation is damped by √2 (the
#: damping is 1 / √(1 + monthly mean / this)).
LATENT_DAMPING = 0.5
REGION_PHI, REGION_SIGMA = 0.95, 0.22
#: Monthly national noise (log scale, AR(1)).
NATIONAL_PHI, NATIONAL_SIGMA = 0.6, 0.15
#: Chance per cercle-month of a burst, its size on the log-intensity (uniform range) and its
#: monthly decay.
SHOCK_RATE, SHOCK_SIZE, SHOCK_DECAY = 0.016, (1.0, 2.0), 0.6
#: Mean number of reports per incident (geometric, at least 1).
CLUSTER_MEAN = 1.4
#: Share of reports with fatalities; log-normal fatalities (median, σ of the log) otherwise.
FATAL_SHARE, FATAL_MEDIAN, FATAL_SIGMA = 0.44, 2.0, 1.31
#: Reporting lag: share reported within days (geometric, mean :data:`LAG_DAYS`), the rest
#: log-normal with median :data:`LAG_TAIL_MEDIAN` days.
LAG_FAST_SHARE, LAG_DAYS, LAG_TAIL_MEDIAN = 0.85, 2.0, 20.0

CATEGORIES_FATAL = (("clash", 0.35), ("armed_group", 0.35), ("intercommunal", 0.2),
                    ("electoral_attack", 0.1))
CATEGORIES_OTHER = (("protest", 0.3), ("intimidation", 0.25), ("hate_speech", 0.1),
                    ("armed_group", 0.1), ("clash", 0.1), ("intercommunal", 0.1),
                    ("other", 0.05))
SOURCES = (("mediator", 0.45), ("media", 0.25), ("partner", 0.15), ("acled", 0.15))
VERIFICATION = (("verified", 0.55), ("unverified", 0.42), ("false", 0.03))
PRECISION = (("exact", 0.45), ("commune", 0.25), ("cercle", 0.22), ("region", 0.08))



def _draw(rng: np.random.Generator, choices: tuple[tuple[str, float], ...], n: int
          ) -> np.ndarray:
    names, p = zip(*choices)
    return rng.choice(np.array(names, dtype=object), size=n, p=np.array(p) / sum(p))


def _weights(rng: np.random.Generator, mask: np.ndarray, hot_share: float,
             affinity: np.ndarray | None = None) -> np.ndarray:
    """Weights of the cercles of ``mask`` (0 elsewhere): ``hot_share`` of them (at least one)
    are hot spots, log-normal around :data:`HOT_RATIO`, the others log-normal around 1
    (σ :data:`WEIGHT_SIGMA` both); with ``affinity``, hot spots are drawn in proportion to
    it and every weight is multiplied by it."""
    out = np.zeros(len(mask))
    where = np.flatnonzero(mask)
    if not len(where):
        return out
    p = None if affinity is None else affinity[where] / affinity[where].sum()
    hot = rng.choice(where, size=max(1, round(hot_share * len(where))), replace=False, p=p)
    out[where] = rng.lognormal(0, WEIGHT_SIGMA, len(where))
    out[hot] = HOT_RATIO * rng.lognormal(0, HOT_SIGMA, len(hot))
    return out if affinity is None else out * affinity


def _by_year(values: tuple[float, ...], t_years: np.ndarray) -> np.ndarray:
    """``values`` (one per year, at mid-year) interpolated linearly at ``t_years``."""
    knots = np.arange(len(values)) + 0.5
    return np.interp(t_years, knots, values)


def _ar1(rng: np.random.Generator, n: int, months: int, phi: float, sigma: float
         ) -> np.ndarray:
    """``n`` stationary AR(1) series of ``months`` steps (innovation sd ``sigma``)."""
    x = np.empty((n, months))
    x[:, 0] = rng.normal(0, sigma / np.sqrt(1 - phi ** 2), n)
    eps = rng.normal(0, sigma, (n, months))
    for m in range(1, months):
        x[:, m] = phi * x[:, m - 1] + eps[:, m]
    return x


def intensity(seed: int, cercles: pd.DataFrame, start: date = START, end: date = END,
              total: float = TOTAL, north: tuple[str, ...] = NORTH, capital: str = CAPITAL,
              surge: np.ndarray | None = None, affinity: np.ndarray | None = None
              ) -> tuple[np.ndarray, list[date]]:
    """Expected reports per cercle and calendar month (cercles × months) and the months'
    first days; see the module docstring. ``cercles`` is indexed by ``cercle_id`` with a
    ``region_id`` column; the expected total over the span is ``total``; ``surge``, one
    factor per calendar month of the span, multiplies the national level (before the total
    is set); ``affinity``, one factor per cercle, makes it likelier to be a hot spot and
    multiplies its weight inside its group (the demonstration's centre is Mopti and
    Ségou)."""
    rng = np.random.default_rng(seed)
    firsts = list(pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(),
                                end, freq="MS").date)
    months = len(firsts)
    days_in = np.array([(min(_next_month(f), end + timedelta(days=1)) - max(f, start)).days
                        for f in firsts], dtype=float)
    full = np.array([(_next_month(f) - f).days for f in firsts], dtype=float)
    t_years = np.array([((f - start).days + 15) / 365.25 for f in firsts])
    n_years = int(np.ceil(t_years[-1] + 0.5))

    def yearly(values: tuple[float, ...]) -> np.ndarray:
        v = np.array([values[min(i, len(values) - 1)] for i in range(n_years)], dtype=float)
        return v * np.exp(rng.normal(0, YEAR_NOISE, n_years))

    national = _by_year(tuple(yearly(NATIONAL_BY_YEAR)), t_years) \
        * np.exp(_ar1(rng, 1, months, NATIONAL_PHI, NATIONAL_SIGMA)[0])
    # the shock early in the second year (an intervention): a few months far above the level
    since = np.arange(months) - SHOCK_MONTH
    national *= 1 + np.where(since >= 0, (NATIONAL_SHOCK - 1) * SHOCK_DECAY ** since, 0.0)
    if surge is not None:
        national *= np.asarray(surge, dtype=float)
    share_capital = _by_year(tuple(yearly(CAPITAL_BY_YEAR)), t_years)
    share_centre = _by_year(tuple(yearly(CENTRE_SOUTH_BY_YEAR)), t_years)
    regions = cercles["region_id"].astype(str).to_numpy()
    is_capital = (cercles.index == capital)
    is_north = np.isin(regions, north) & ~is_capital
    is_centre = ~is_north & ~is_capital
    n = len(cercles)
    # the share of each group, renormalised over the groups present
    group_share = np.vstack([share_capital, 1 - share_capital - share_centre, share_centre])
    present = np.array([is_capital.any(), is_north.any(), is_centre.any()], dtype=float)
    group_share = group_share * present[:, None]
    group_share /= group_share.sum(axis=0, keepdims=True)
    # inside a group: a few hot spots among quiet cercles; the centre-south moves from an
    # early pattern to a late one (new hot spots, some of the old ones stay) over years 2–7
    early = (_weights(rng, is_north, HOT_NORTH, affinity)
             + _weights(rng, is_centre, HOT_CENTRE_EARLY, affinity) + is_capital)
    late = np.where(is_centre, _weights(rng, is_centre, HOT_CENTRE_LATE, affinity), early)
    late = np.where(is_centre, np.maximum(late, early * rng.random(n)), late)
    shift = np.clip((t_years - 2) / 5, 0, 1)
    pattern = np.zeros((n, months))
    for mask in (is_capital, is_north, is_centre):
        if mask.any():
            pattern[mask] = (np.outer(early[mask] / early[mask].sum(), 1 - shift)
                             + np.outer(late[mask] / late[mask].sum(), shift))
    # latent variation: the cercle's AR(1) with shocks, and its region's; a busy cercle
    # aggregates many local processes, so its relative variation is smaller. It moves
    # reports between the cercles of a group: the group's share stays the regime's.
    group = np.select([is_capital, is_north], [0, 1], 2)
    monthly = (pattern * group_share[group]) @ national / months * total / national.sum()
    damp = 1 / np.sqrt(1 + monthly / LATENT_DAMPING)
    latent = _ar1(rng, n, months, LATENT_PHI, LATENT_SIGMA)
    shocks = (rng.random((n, months)) < SHOCK_RATE) * rng.uniform(*SHOCK_SIZE, (n, months))
    for m in range(months):
        latent[:, m] += sum(SHOCK_DECAY ** j * shocks[:, m - j] for j in range(min(m + 1, 12)))
    codes, region_of = np.unique(regions, return_inverse=True)
    latent += _ar1(rng, len(codes), months, REGION_PHI, REGION_SIGMA)[region_of]
    # escalation spreads: the higher the national level, the flatter the pattern
    flatten = np.exp(-SPREAD * np.log(national / np.exp(np.log(national).mean())))
    raw = pattern ** flatten[None, :] * np.exp(latent * damp[:, None])
    share = np.zeros((n, months))
    for g in range(3):
        mask = group == g
        if mask.any():
            share[mask] = raw[mask] / raw[mask].sum(axis=0) * group_share[g]
    lam = national[None, :] * share * (days_in / full)[None, :]
    return lam * (total / lam.sum()), firsts


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def history(seed: int, cercles: pd.DataFrame, start: date = START, end: date = END,
            total: float = TOTAL, north: tuple[str, ...] = NORTH, capital: str = CAPITAL,
            surge: np.ndarray | None = None, affinity: np.ndarray | None = None,
            sources: tuple[tuple[str, float], ...] = SOURCES,
            lag_tail_median: float = LAG_TAIL_MEDIAN,
            watchers: pd.DataFrame | None = None, communes: pd.DataFrame | None = None
            ) -> pd.DataFrame:
    """Reports drawn from :func:`intensity`, with the store's tension-report columns.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``: same seed, same reports.
    cercles : DataFrame
        Indexed by ``cercle_id``, with ``region_id`` (e.g. ``geo.reference.units.load_cercles()``; a
        small hand-made table works as well).
    start, end : date
        First and last day of the history.
    total : float
        Expected number of reports that count (not verified false) over the span.
    north : tuple of str
        Region codes of the north; every other region but the capital's is the centre-south.
    capital : str
        The capital's ``cercle_id`` (its share falls after the first year).
    surge, affinity : array, optional
        A factor on the national level per calendar month of the span, and one on each
        cercle's weight in its group (:func:`intensity`).
    sources : tuple of (code, share)
        The sources drawn and their shares (before the network's reports are thinned).
    lag_tail_median : float
        Median lag (days) of the reports that do not come within days.
    watchers, communes : DataFrame, optional
        Together: the network's mediators (``cercle_id, commune_id, trained_on``; those
        without a commune are ignored) and the communes (``commune_id, cercle_id``, every
        cercle of ``cercles`` with at least one). Each report then happens in a commune
        drawn uniformly among its cercle's (``commune_id``), and a ``mediator`` report is
        kept only where a watcher trained on or before that day lives.

    Returns
    -------
    DataFrame
        One row per report: ``report_id, occurred_on, reported_on`` (dates), ``cercle_id,
        region_id, category, severity`` (1–5), ``fatalities, injuries`` (persons),
        ``source_type, verification, location_precision`` (the store's codes) and, with
        ``communes``, ``commune_id``; sorted by ``occurred_on``.
    """
    lam, firsts = intensity(seed, cercles, start, end, total, north, capital, surge, affinity)
    rng = np.random.default_rng([seed, 1])
    # counts that count = incidents × cluster sizes; the false ones come on top
    incidents = rng.poisson(lam / CLUSTER_MEAN)
    cell, month = np.nonzero(incidents)
    reps = incidents[cell, month]
    cell, month = np.repeat(cell, reps), np.repeat(month, reps)
    size = rng.geometric(1 / CLUSTER_MEAN, len(cell))
    first = np.array(firsts + [_next_month(firsts[-1])], dtype="datetime64[D]")
    lo = np.maximum(first[month], np.datetime64(start, "D"))
    hi = np.minimum(first[month + 1], np.datetime64(end + timedelta(days=1), "D"))
    day = lo + (rng.random(len(cell)) * (hi - lo).astype(int)).astype(int)
    cell, day = np.repeat(cell, size), np.repeat(day, size)
    # members of a cluster follow the incident within a few days
    later = np.concatenate([np.arange(s) for s in size])
    day = np.minimum(day + np.where(later > 0, rng.geometric(0.5, len(day)) - 1, 0),
                     np.datetime64(end, "D"))
    n = len(cell)
    lethal = np.clip(FATAL_SHARE * rng.lognormal(0, 0.25, len(cercles)), 0.05, 0.95)
    fatal = rng.random(n) < lethal[cell]
    fatalities = np.where(fatal, np.maximum(1, np.round(
        FATAL_MEDIAN * rng.lognormal(0, FATAL_SIGMA, n))), 0).astype(int)
    severity = np.select(
        [fatalities >= 20, fatalities >= 5, fatalities >= 1],
        [5, 4, np.where(rng.random(n) < 0.03, 4, 3)],
        rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.39, 0.3, 0.01]))
    category = np.where(fatal, _draw(rng, CATEGORIES_FATAL, n), _draw(rng, CATEGORIES_OTHER, n))
    lag = np.where(rng.random(n) < LAG_FAST_SHARE, rng.geometric(1 / (LAG_DAYS + 1), n) - 1,
                   np.round(lag_tail_median * rng.lognormal(0, 0.6, n))).astype(int)
    verification = _draw(rng, VERIFICATION, n)
    frame = pd.DataFrame({
        "occurred_on": day, "reported_on": day + lag,
        "cercle_id": cercles.index.to_numpy()[cell],
        "region_id": cercles["region_id"].to_numpy()[cell], "category": category,
        "severity": severity.astype(int), "fatalities": fatalities,
        "injuries": rng.poisson(0.6 * fatalities + 0.3), "source_type": _draw(rng, sources, n),
        "verification": verification, "location_precision": _draw(rng, PRECISION, n)})
    if communes is not None:
        frame = _watched(rng, frame, cercles.index, communes, watchers)
    # the false reports are drawn on top of the ones that count (same places and days)
    false = frame.sample(frac=VERIFICATION[2][1] / (1 - VERIFICATION[2][1]),
                         random_state=np.random.RandomState(seed % 2 ** 32))
    frame.loc[frame["verification"] == "false", "verification"] = "unverified"
    frame = pd.concat([frame, false.assign(verification="false")])
    frame = frame.sort_values("occurred_on", kind="stable").reset_index(drop=True)
    frame["occurred_on"] = frame["occurred_on"].dt.date
    frame["reported_on"] = frame["reported_on"].dt.date
    frame.insert(0, "report_id", [f"SYN-{seed}-{i:05d}" for i in range(1, len(frame) + 1)])
    return frame


#: The sources of the division's network that its watchers thin (the generator draws one).
WATCHED_SOURCES = ("mediator",)


def _watched(rng: np.random.Generator, frame: pd.DataFrame, cercles: pd.Index,
             communes: pd.DataFrame, watchers: pd.DataFrame | None) -> pd.DataFrame:
    """Each report in a commune of its cercle (uniform); the network's reports kept only in
    a commune watched on their day (see :func:`history`)."""
    by_cercle = communes.groupby("cercle_id")["commune_id"].apply(list).reindex(cercles)
    sizes = by_cercle.map(len).to_numpy()
    flat = np.concatenate(by_cercle.to_list())
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    row = cercles.get_indexer(frame["cercle_id"])
    pick = offsets[row] + (rng.random(len(frame)) * sizes[row]).astype(int)
    frame = frame.assign(commune_id=flat[pick])
    since = pd.Series(dtype="datetime64[ns]")
    if watchers is not None and len(watchers):
        w = watchers.dropna(subset=["commune_id"])
        since = pd.to_datetime(w["trained_on"], errors="coerce").fillna(
            pd.Timestamp("1900-01-01")).groupby(w["commune_id"].to_numpy()).min()
    first = since.reindex(frame["commune_id"]).to_numpy(dtype="datetime64[D]")
    day = frame["occurred_on"].to_numpy(dtype="datetime64[D]")
    seen = ~np.isnat(first) & (first <= day)
    network = frame["source_type"].isin(WATCHED_SOURCES).to_numpy()
    return frame[~network | seen]
