"""How a trigger fires, and how it would have done over the history loaded: firings, hits,
false alarms, and the gap between a firing and the response.

A trigger (:class:`geo.records.triggers.Trigger`) is a **signal** — true or false for each
cercle it watches on each evaluation day — computed over the whole history at once (no
per-date call of the monitor), exactly as the monitor decides on one date:

* ``baseline`` — every day d: observed = reports in (d − w, d], baseline n = reports in the
  365 days before, μ = max(n, ½) · w / 365, true when observed > 0 and P(X ≥ observed |
  Poisson(μ)) < 0.01 (:func:`geo.analysis.monitor.alerts`; the tail probabilities are
  computed once per distinct (observed, n) pair, by the monitor's own function);
* ``hotspot`` — every day d: the reports of (d − 90, d] per cercle, true when the cercle is a
  99 % Gi* hot spot (:func:`geo.analysis.monitor.hotspots`: permutation z with the same seed,
  FDR). The permutation z is linear in the counts: for cercle i with k_i neighbours and
  the seeded draws R_ip (the sum of k_i other cercles' counts in permutation p), its mean
  and variance over the permutations are m_i·y and yᵀ C_i y, with m_i and C_i the mean and
  covariance of the draws' indicator vectors — computed once, then applied to every day
  (:func:`hotspot_signal`; ``tests/test_triggers.py`` checks it gives the monitor's classes);
* ``forecast`` — on evaluation days every ``horizon`` days back from the last one (the
  forecast's own cadence: its windows do not overlap), true when the indicator table's
  ``forecast_p_severe`` exceeds the threshold (:func:`forecast_history`).

**Firings.** A trigger fires in a cercle on a day its signal is true and it has not fired
there within the previous ``horizon`` days (the cool-down is the horizon: one firing, one
horizon to judge it). A firing is a **hit** when a report (``outcome="any"``) or a severe
report (severity ≥ 4, ``"severe"``) of that cercle followed in (fired_on, fired_on +
horizon], a **false alarm** when none did, **pending** when the horizon runs past the last
day of the history. The **base rate** is the share of all cercle-days watched whose next
``horizon`` days held such a report: a trigger whose hit rate is not above it tells nothing
that the calendar did not. **Events caught**: the share of those reports that fell within
the horizon of a firing.

**Response.** An action answers a firing when it is in the same cercle, not cancelled, and
either was made from the trigger for that firing, or takes place (its start date, else its
planned date) within the firing's horizon. The **response gap** is the days from the firing
to the first such action; with the share of firings answered, it is the alert-to-response gap
early-warning systems name as their weakest link (ECOWARN, WANEP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.analysis import monitor
from geo.records.triggers import Trigger
from geo import reference
from geo.analysis.table import cercle_indicators
from geo.i18n import format_number, t

#: A severe report (severity 4–5), as the forecast's ``p_severe`` counts them.
SEVERE = 4
HOTSPOT_WINDOW_DAYS = 90
HOTSPOT_CLASS = "hot_99"


@dataclass
class Signal:
    """A trigger's signal: ``values[d, c]`` is true when the rule holds for cercle
    ``cercles[c]`` on ``days[d]`` (evaluation days, ascending)."""

    days: pd.DatetimeIndex
    cercles: pd.Index
    values: np.ndarray


class _Daily:
    """Daily report counts per cercle from ``origin`` (cumulated: any window is two
    lookups)."""

    def __init__(self, reports: pd.DataFrame, cercles: pd.Index, origin: pd.Timestamp,
                 end: pd.Timestamp):
        self.origin, self.n_days = origin, int((end - origin).days) + 1
        self.cercles = cercles
        col = cercles.get_indexer(reports["cercle_id"])
        day = ((reports["day"] - origin).dt.days).to_numpy()
        keep = (col >= 0) & (day >= 0) & (day < self.n_days)
        counts = np.zeros((self.n_days, len(cercles)))
        np.add.at(counts, (day[keep], col[keep]), 1.0)
        self.cum = np.vstack([np.zeros((1, len(cercles))), np.cumsum(counts, axis=0)])

    def upto(self, offsets: np.ndarray) -> np.ndarray:
        """Reports dated on or before origin + offset (rows of ``offsets``; 0 before)."""
        return self.cum[np.clip(offsets + 1, 0, self.n_days)]


def _reports(tensions: pd.DataFrame, until: date, outcome: str = "any") -> pd.DataFrame:
    reports = monitor.reports_up_to(tensions, until)
    reports = reports[reports["cercle_id"].notna()]
    if outcome == "severe":
        severity = pd.to_numeric(reports["severity"], errors="coerce")
        reports = reports[(severity >= SEVERE).to_numpy()]
    return reports


def _days(start: date, end: date) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")


def baseline_signal(tensions: pd.DataFrame, cercles: pd.Index, window_days: int,
                    start: date, end: date, alpha: float = monitor.ALERT_ALPHA) -> Signal:
    """The baseline alert of every cercle on every day of [start, end] (module docstring)."""
    days = _days(start, end)
    origin = pd.Timestamp(start) - pd.Timedelta(days=window_days + monitor.BASELINE_DAYS + 1)
    daily = _Daily(_reports(tensions, end), cercles, origin, pd.Timestamp(end))
    at = (days - origin).days.to_numpy()
    observed = daily.upto(at) - daily.upto(at - window_days)
    base = daily.upto(at - window_days) - daily.upto(at - window_days
                                                     - monitor.BASELINE_DAYS)
    pairs, inverse = np.unique(np.column_stack([observed.ravel(), base.ravel()]), axis=0,
                               return_inverse=True)
    expected = np.maximum(pairs[:, 1], monitor.BASELINE_FLOOR) * window_days \
        / monitor.BASELINE_DAYS
    p = monitor.poisson_at_least(pairs[:, 0], expected)
    fired = (p < alpha) & (pairs[:, 0] > 0)
    return Signal(days, cercles, fired[inverse.ravel()].reshape(observed.shape))


@lru_cache(maxsize=4)
def _permutation_moments(neighbours: tuple[tuple[int, ...], ...], permutations: int,
                         seed: int) -> tuple[np.ndarray, np.ndarray]:
    """For each unit i: the mean m_i (n) and covariance C_i (n × n) over the seeded
    permutations of the indicator vector of the k_i other units drawn in esda's conditional
    randomisation (``esda.crand``: one table of draws among the n − 1 others, its first k_i
    columns for unit i)."""
    from esda.crand import vec_permutations

    n = len(neighbours)
    cards = np.array([len(nb) for nb in neighbours])
    draws = vec_permutations(int(cards.max()), n, permutations, seed)
    means = np.zeros((n, n))
    covs = np.zeros((n, n, n))
    for i in range(n):
        others = np.delete(np.arange(n), i)
        picked = others[draws[:, :cards[i]]]             # permutations × k_i unit indices
        indicator = np.zeros((permutations, n))
        np.add.at(indicator, (np.repeat(np.arange(permutations), cards[i]), picked.ravel()),
                  1.0)
        means[i] = indicator.mean(axis=0)
        centred = indicator - means[i]
        covs[i] = centred.T @ centred / permutations
    return means, covs


def hot_spots(values: np.ndarray, w, permutations: int = monitor.PERMUTATIONS,
              seed: int = monitor.SEED, alpha: float = 0.01) -> np.ndarray:
    """For each row of ``values`` (days × units, counts): which units are hot spots at the
    confidence 1 − ``alpha`` as :func:`geo.analysis.monitor.hotspots` classes them (Gi*,
    permutation z, FDR) — computed for every row at once (module docstring)."""
    from scipy.special import ndtr

    y = np.asarray(values, dtype=float)
    ids = list(w.id_order)
    neighbours = tuple(tuple(sorted(ids.index(j) for j in w.neighbors[i] if j != i))
                       for i in ids)
    means, covs = _permutation_moments(neighbours, permutations, seed)
    n = y.shape[1]
    adjacency = np.zeros((n, n))
    for i, nb in enumerate(neighbours):
        adjacency[i, list(nb)] = 1.0
    observed = y @ adjacency.T                      # Σ of each unit's neighbours (no self)
    mean = y @ means.T
    # yᵀ C_i y for every day and unit: one matrix product, then a row-wise dot
    spread = (y @ covs.transpose(1, 0, 2).reshape(n, n * n)).reshape(len(y), n, n)
    var = np.einsum("dik,dk->di", spread, y)
    sd = np.sqrt(np.where(var > 1e-7, var, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.nan_to_num((observed - mean) / sd)
    p = np.where(np.isnan(sd), 1.0, ndtr(-np.abs(z)))
    flat = np.isclose(y, y[:, :1]).all(axis=1)       # no variation: no hot spot (monitor)
    hot = (p < _fdr_rows(p, alpha)[:, None]) & (z > 0) & ~flat[:, None]
    return hot


def _fdr_rows(p: np.ndarray, alpha: float) -> np.ndarray:
    """``esda.fdr`` of each row: the Benjamini–Hochberg cut-off, α/n when none passes."""
    n = p.shape[1]
    descending = -np.sort(-p, axis=1)
    cut = np.arange(n, 0, -1) * alpha / n
    passing = descending < cut
    first = passing.argmax(axis=1)
    return np.where(passing.any(axis=1), cut[first], alpha / n)


def hotspot_signal(tensions: pd.DataFrame, start: date, end: date,
                   window_days: int = HOTSPOT_WINDOW_DAYS) -> Signal:
    """The 99 % hot spots (cercles, queen contiguity, counts of the last ``window_days``)
    on every day of [start, end]."""
    w = monitor.spatial_weights("cercle")
    cercles = pd.Index(list(w.id_order))
    days = _days(start, end)
    origin = pd.Timestamp(start) - pd.Timedelta(days=window_days + 1)
    daily = _Daily(_reports(tensions, end), cercles, origin, pd.Timestamp(end))
    at = (days - origin).days.to_numpy()
    counts = daily.upto(at) - daily.upto(at - window_days)
    return Signal(days, cercles, hot_spots(counts, w))


def forecast_days(first: date, last: date, horizon_days: int) -> list[date]:
    """The forecast trigger's evaluation days: ``last``, then every ``horizon_days`` back,
    from a year after ``first`` (a forecast needs a year of history)."""
    out, day = [], last
    while day >= first + timedelta(days=365):
        out.append(day)
        day -= timedelta(days=horizon_days)
    return out[::-1]


def forecast_history(records: dict[str, pd.DataFrame], days: list[date]) -> pd.DataFrame:
    """``forecast_p_severe`` of every cercle (columns) on each of ``days`` (index), as the
    indicator table gives it on that day (:func:`geo.analysis.table.cercle_indicators`,
    from the records up to that day only)."""

    rows = {pd.Timestamp(d): cercle_indicators(records, None, d)["forecast_p_severe"]
            for d in days}
    return pd.DataFrame(rows).T if rows else pd.DataFrame()


def forecast_signal(p_severe: pd.DataFrame, threshold: float) -> Signal:
    """True where the forecast probability of a severe report exceeds ``threshold``."""
    values = (p_severe.to_numpy(dtype=float) > threshold) if len(p_severe) \
        else np.zeros((0, len(p_severe.columns)), bool)
    return Signal(pd.DatetimeIndex(p_severe.index), pd.Index(p_severe.columns), values)


def signal(trigger: Trigger, tensions: pd.DataFrame, start: date, end: date,
           p_severe: pd.DataFrame | None = None) -> Signal:
    """``trigger``'s signal over [start, end] (for a forecast trigger: on the days of
    ``p_severe``, from :func:`forecast_history`)."""
    if trigger.kind == "baseline":
        return baseline_signal(tensions, reference.load().cercles.index,
                               trigger.window_days, start, end)
    if trigger.kind == "hotspot":
        return hotspot_signal(tensions, start, end)
    if p_severe is None:
        raise ValueError("a forecast trigger needs the forecast history (p_severe)")
    return forecast_signal(p_severe, trigger.threshold)


def firings(sig: Signal, watched: set[str], horizon_days: int) -> pd.DataFrame:
    """The firings of a signal (module docstring): ``cercle_id``, ``fired_on`` (date), in
    date order; ``watched``: the cercles the trigger watches."""
    rows = []
    days = sig.days
    for c, cercle in enumerate(sig.cercles):
        if cercle not in watched:
            continue
        last = None
        for d in np.flatnonzero(sig.values[:, c]):
            day = days[d]
            if last is None or (day - last).days >= horizon_days:
                rows.append((cercle, day.date()))
                last = day
    out = pd.DataFrame(rows, columns=["cercle_id", "fired_on"])
    return out.sort_values(["fired_on", "cercle_id"], kind="stable").reset_index(drop=True)


@dataclass
class Backtest:
    """How a trigger did over the history (module docstring). ``firings``: one row per
    firing (``cercle_id``, ``fired_on``, ``hit`` — True, False, or None while pending —,
    ``responded``, ``response_gap_days``); the counts and rates below; ``in_force``: the
    cercles where the signal holds on the last day, with the date of their firing."""

    trigger_id: int
    first: date | None
    last: date | None
    firings: pd.DataFrame
    fired: int
    hits: int
    false_alarms: int
    pending: int
    hit_rate: float            # hits / (hits + false alarms); NaN without a judged firing
    base_rate: float           # share of watched cercle-days followed by an event
    events: int                # outcome reports over the evaluated days
    caught: int                # of which within the horizon of a firing
    responded: int             # firings with a response
    median_gap_days: float     # days from firing to the first response (NaN: none)
    in_force: pd.DataFrame

    @property
    def false_alarm_rate(self) -> float:
        judged = self.hits + self.false_alarms
        return self.false_alarms / judged if judged else float("nan")

    @property
    def response_share(self) -> float:
        return self.responded / self.fired if self.fired else float("nan")


def _responses(fired: pd.DataFrame, actions: pd.DataFrame | None, trigger: Trigger
               ) -> tuple[list[bool], list[float]]:
    """For each firing: answered or not, and the days to its first response."""
    answered, gaps = [], []
    if actions is None or actions.empty:
        return [False] * len(fired), [np.nan] * len(fired)
    live = actions[actions["status"] != "cancelled"]
    when = pd.to_datetime(live["started_on"].where(live["started_on"].notna(),
                                                   live["planned_on"])).dt.date
    by_cercle = {c: g for c, g in live.assign(when=when.to_numpy()).groupby("cercle_id")}
    for r in fired.itertuples():
        group = by_cercle.get(r.cercle_id)
        best = None
        if group is not None:
            end = r.fired_on + timedelta(days=trigger.horizon_days)
            mine = (group["trigger_id"] == trigger.trigger_id) & \
                (pd.to_datetime(group["fired_on"]).dt.date == r.fired_on)
            inside = (group["when"] >= r.fired_on) & (group["when"] <= end)
            hits = group[mine.to_numpy() | inside.to_numpy()]
            if len(hits):
                best = max((min(hits["when"]) - r.fired_on).days, 0)
        answered.append(best is not None)
        gaps.append(np.nan if best is None else float(best))
    return answered, gaps


def backtest(trigger: Trigger, tensions: pd.DataFrame, region_of: dict[str, str], *,
             as_of: date | None = None, p_severe: pd.DataFrame | None = None,
             actions: pd.DataFrame | None = None) -> Backtest:
    """Run ``trigger`` over the reports up to ``as_of`` (default: the latest), from a year
    after the first report (a baseline needs a year); ``region_of``: every cercle's region
    (the trigger's scope); ``p_severe``: the forecast history (forecast triggers);
    ``actions``: the register (for the response)."""
    watched = trigger.cercles(region_of)
    reports = monitor.reports_up_to(tensions, as_of or monitor.latest(tensions))
    empty = pd.DataFrame(columns=["cercle_id", "fired_on", "hit", "responded",
                                  "response_gap_days"])
    if reports.empty:
        return Backtest(trigger.trigger_id, None, None, empty, 0, 0, 0, 0, np.nan, np.nan,
                        0, 0, 0, np.nan, pd.DataFrame(columns=["cercle_id", "fired_on"]))
    first = reports["day"].min().date()
    last = as_of or reports["day"].max().date()
    start = first + timedelta(days=monitor.BASELINE_DAYS)
    if trigger.kind == "forecast" and p_severe is not None:
        p_severe = p_severe[(p_severe.index >= pd.Timestamp(start))
                            & (p_severe.index <= pd.Timestamp(last))]
    if start > last:
        sig = Signal(pd.DatetimeIndex([]), pd.Index([]), np.zeros((0, 0), bool))
    else:
        sig = signal(trigger, tensions, start, last, p_severe)
    fired = firings(sig, watched, trigger.horizon_days)
    # outcomes: events of the watched cercles, judged over complete horizons only
    h = trigger.horizon_days
    events = _reports(tensions, last, trigger.outcome)
    cercles = pd.Index(sorted(watched))
    origin = pd.Timestamp(start) - pd.Timedelta(days=1)
    daily = _Daily(events, cercles, origin, pd.Timestamp(last))
    at = (pd.to_datetime(fired["fired_on"]) - origin).dt.days.to_numpy()
    col = cercles.get_indexer(fired["cercle_id"])
    complete = at + h <= daily.n_days - 1
    ahead = daily.upto(np.minimum(at + h, daily.n_days - 1))[np.arange(len(at)), col] \
        - daily.upto(at)[np.arange(len(at)), col] if len(at) else np.zeros(0)
    hit = [None if not done else bool(a > 0) for done, a in zip(complete, ahead)]
    answered, gaps = _responses(fired, actions, trigger)
    fired = fired.assign(hit=hit, responded=answered, response_gap_days=gaps)
    # base rate: every watched cercle-day with a complete horizon
    span = np.arange(1, daily.n_days - h) if daily.n_days > h + 1 else np.zeros(0, int)
    if len(span):
        future = daily.upto(span + h) - daily.upto(span)
        base_rate = float((future > 0).mean())
    else:
        base_rate = float("nan")
    # events caught: outcome reports within the horizon after a firing of their cercle
    inside = events[events["cercle_id"].isin(watched) & (events["day"] >= pd.Timestamp(start))]
    caught = 0
    if len(inside) and len(fired):
        by = fired.groupby("cercle_id")["fired_on"].apply(lambda s: pd.to_datetime(s).to_numpy())
        for cercle, days in inside.groupby("cercle_id")["day"]:
            starts = by.get(cercle)
            if starts is None:
                continue
            gap = (days.to_numpy()[:, None] - starts[None, :]).astype("timedelta64[D]") \
                .astype(int)
            caught += int(((gap > 0) & (gap <= h)).any(axis=1).sum())
    judged = [x for x in hit if x is not None]
    hits = sum(judged)
    gaps_known = [g for g in gaps if not np.isnan(g)]
    now = sig.values[-1] if len(sig.days) and sig.days[-1].date() == last else None
    on = [c for i, c in enumerate(sig.cercles) if now is not None and now[i] and c in watched]
    latest = fired.groupby("cercle_id")["fired_on"].max()
    in_force = pd.DataFrame({"cercle_id": on, "fired_on": [latest.get(c) for c in on]})
    return Backtest(trigger.trigger_id, start, last, fired, len(fired), hits,
                    len(judged) - hits, len(hit) - len(judged),
                    hits / len(judged) if judged else float("nan"), base_rate, len(inside),
                    caught, sum(answered),
                    float(np.median(gaps_known)) if gaps_known else float("nan"), in_force)


def answered(trigger: Trigger, now: pd.DataFrame, register: pd.DataFrame | None
             ) -> pd.DataFrame:
    """``now`` (``cercle_id``, ``fired_on``: firings in force) with ``actions``: the ids of
    the register's actions made from ``trigger`` that answer each firing (from the trigger, in
    that cercle, for a firing within the horizon before it; empty when none), ordered by
    cercle."""
    out = now.sort_values("cercle_id").reset_index(drop=True)
    mine = register[register["trigger_id"] == trigger.trigger_id] \
        if register is not None and len(register) else None
    ids = []
    for r in out.itertuples():
        if mine is None:
            ids.append([])
            continue
        fired = pd.to_datetime(mine["fired_on"])
        since = pd.Timestamp(r.fired_on) - pd.Timedelta(days=trigger.horizon_days)
        hit = (mine["cercle_id"] == r.cercle_id).to_numpy() & (fired > since).to_numpy() \
            & (fired <= pd.Timestamp(r.fired_on)).to_numpy()
        ids.append([int(i) for i in mine.loc[hit, "action_id"]])
    return out.assign(actions=ids)


def rule_text(trigger: Trigger, lang: str) -> str:
    """The rule in words: "reports of the last 14 days above the cercle's baseline alert
    level"."""

    if trigger.kind == "baseline":
        return t("triggers.rule.baseline", lang, days=trigger.window_days)
    if trigger.kind == "forecast":
        return t("triggers.rule.forecast", lang,
                 p=format_number(100 * trigger.threshold, lang))
    return t("triggers.rule.hotspot", lang, days=HOTSPOT_WINDOW_DAYS)


def response_text(trigger: Trigger, lang: str) -> str:
    """The agreed response in words: "Dialogue — Civil Affairs, within 7 days"."""

    r = trigger.response
    text = t("triggers.response_text", lang, kind=t(f"actions.kind.{r['kind']}", lang),
             unit=t(f"actions.unit.{r['unit']}", lang), days=r.get("delay_days") or 0)
    if r.get("quantity"):
        unit = "mediators" if r["kind"] == "deployment" else \
            "workshops" if r["kind"] == "workshop" else "other"
        text += f" ({t(f'actions.quantity.{unit}', lang, n=format_number(r['quantity'], lang))})"
    return text


def in_force_forecast(trigger: Trigger, table: pd.DataFrame, region_of: dict[str, str]
                      ) -> pd.DataFrame:
    """The cercles where a forecast trigger holds on the table's as-of date (``cercle_id``,
    ``fired_on`` = that date): what the Overview shows without the forecast's history."""
    watched = trigger.cercles(region_of)
    p = table["forecast_p_severe"]
    on = sorted(c for c in p.index[(p > trigger.threshold).to_numpy()] if c in watched)
    return pd.DataFrame({"cercle_id": on, "fired_on": [table.attrs["as_of"]] * len(on)})


def fired_now(trigger: Trigger, tensions: pd.DataFrame, region_of: dict[str, str],
              as_of: date, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where ``trigger`` is in force on ``as_of``: ``cercle_id``, ``fired_on`` (the firing
    whose horizon it is in). Baseline and hot spot triggers from their signal over the
    history (the same firings as the back-test); forecast triggers from ``table`` (the
    indicator table of ``as_of``)."""
    if trigger.kind == "forecast":
        return in_force_forecast(trigger, table, region_of)
    return backtest(trigger, tensions, region_of, as_of=as_of).in_force
