"""How the reports are observed: by whom (the network's effort) and how late (the lag).

**Two kinds of sources.** The division's own network -- its community mediators
(``mediator``) and the intake channels it runs for them (:data:`NETWORK_SOURCES`: the
KoboToolbox and ODK Central forms it deploys on its enumerators' devices, and the SMS
number whose message format is taught in its workshops) -- reports what its members see:
a cercle with more mediators sends more reports with the same tension. External sources
(ACLED, UCDP, media, partners' own monitors, ``other``) do not depend on the division's
effort and are read as they are.

**Effort.** A mediator watches the commune where they live. The share of a cercle's
communes that hold at least one active mediator trained by a date is the network's
detection there, d ∈ [0, 1] (:func:`watched_share`; a mediator whose commune is not known
watches one commune of its own; one without a training date watches from the start).
Only *which communes* are watched enters, never how many mediators: d is already published
(the coverage gaps; ``communes_with_mediator_share`` of the score), so reading reports
against it reveals no small count (:mod:`geo.analysis.disclosure`), and two mediators in
one commune watch it once. Workshops are not counted apart: the network's observers are the
mediators they trained; participants who are not mediators do not report into it.

**Weight.** A network report counts 1 / max(d, 1/:data:`MAX_WEIGHT`) at the date it
happened (:func:`weights`), an external one 1: the counts, weighted, are the reports a
cercle fully watched would have sent, so doubling a cercle's watched communes halves the
weight of each of its network reports while (with the same tension) doubling their number.
Every hazard indicator of the score and the forecast read reports so
(:func:`geo.analysis.indicators.window_indicators`, :class:`geo.analysis.forecast.History`).
The cap: a report where the network seemed to watch nothing, or a tenth of the communes or
less, counts 10 at most (one report from a thin network says little).

**Under-observed.** A cercle with no watched commune at the as-of date is *under-observed*
(:func:`observed_share`): the network cannot see what happens there, so the absence of its
reports is not calm. Where no external report came in either, the hazard is unknown (NaN),
not zero (:func:`geo.analysis.indicators.window_indicators`).

**Lag.** Reports arrive after the fact: the lag of a report is ``reported_on −
occurred_on`` (days). :func:`reporting_lag` is its 90th percentile over the reports that
came in during the last year; the last ``lag`` days before an as-of date are *provisional*
(:func:`provisional_since`): reports about them are still coming. What was known at a date
is what had been reported by then (:func:`known_reports`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

#: The division's own network (see the module docstring); every other source is external.
NETWORK_SOURCES = ("mediator", "kobo", "odk", "sms")
#: Column of a report frame holding its observation weight (:func:`weights`).
WEIGHT = "observation_weight"
#: Largest weight of one network report (its detection taken as at least 1 / this).
MAX_WEIGHT = 10.0
#: Percentile of the reporting lag that bounds the provisional period, and the look-back
#: (days) over which it is measured; fewer reports than LAG_MIN_REPORTS: no measure.
LAG_PERCENTILE, LAG_LOOKBACK_DAYS, LAG_MIN_REPORTS = 90, 365, 20
#: Longest provisional period (days): a few very late imports do not make a season
#: provisional.
LAG_MAX_DAYS = 120


def _days(values) -> np.ndarray:
    """Dates (or ISO strings, None) as day numbers (``datetime64[D]``, NaT when unknown)."""
    return pd.to_datetime(pd.Series(values), errors="coerce").to_numpy(dtype="datetime64[D]")


def _watch_starts(mediators: pd.DataFrame | None) -> pd.DataFrame:
    """One row per watched place: ``cercle_id`` and ``since`` (the first training date of an
    active mediator there; the earliest possible day when unknown). A place is a commune, or
    a mediator whose commune is not known."""
    if mediators is None or not len(mediators):
        return pd.DataFrame({"cercle_id": pd.Series(dtype=object),
                             "since": pd.Series(dtype="datetime64[D]")})
    active = mediators[(mediators["status"] != "inactive").to_numpy(dtype=bool)]
    since = _days(active["trained_on"]) if "trained_on" in active \
        else np.full(len(active), np.datetime64("NaT"), dtype="datetime64[D]")
    since = np.where(np.isnat(since), np.datetime64("1900-01-01", "D"), since)
    commune = (active["commune_id"] if "commune_id" in active
               else pd.Series(None, index=active.index, dtype=object))
    place = commune.where(commune.notna(), "mediator:" + pd.Series(
        np.arange(len(active)), index=active.index).astype(str))
    frame = pd.DataFrame({"cercle_id": active["cercle_id"].to_numpy(),
                          "place": place.to_numpy(), "since": since})
    return frame.groupby(["cercle_id", "place"], as_index=False)["since"].min()


def watched_share(mediators: pd.DataFrame | None, communes: pd.Series, cercle_ids,
                  days) -> np.ndarray:
    """The network's detection d per (cercle, day) query: watched places with an active
    mediator trained on or before the day, over the cercle's communes, at most 1.

    Parameters
    ----------
    mediators : DataFrame or None
        ``cercle_id``, ``commune_id``, ``status``, ``trained_on``.
    communes : Series
        Number of communes per ``cercle_id`` (at least 1).
    cercle_ids, days : array-like
        The queries, one cercle and one date each (same length).
    """
    cercle_ids = np.asarray(cercle_ids, dtype=object)
    days = _days(days)
    starts = _watch_starts(mediators)
    codes = pd.Index(communes.index)
    query = codes.get_indexer(cercle_ids)
    out = np.zeros(len(cercle_ids))
    if not len(starts) or not len(cercle_ids):
        return out
    own = codes.get_indexer(starts["cercle_id"])
    starts = starts[own >= 0]
    own = own[own >= 0]
    # one sorted key per watched place: (cercle, day); a query counts the keys at or below
    # its own (cercle, day) within its cercle
    span = np.int64(1 << 32)
    base = np.datetime64("1900-01-01", "D")
    keys = np.sort(own.astype(np.int64) * span
                   + (starts["since"].to_numpy(dtype="datetime64[D]") - base).astype(np.int64))
    known = (query >= 0) & ~np.isnat(days)
    q = query[known].astype(np.int64)
    day = (days[known] - base).astype(np.int64)
    watched = (np.searchsorted(keys, q * span + day, side="right")
               - np.searchsorted(keys, q * span, side="left"))
    total = communes.to_numpy(dtype=float)[query[known]]
    out[known] = np.minimum(watched / np.maximum(total, 1.0), 1.0)
    return out


def observed_share(mediators: pd.DataFrame | None, communes: pd.Series, as_of: date
                   ) -> pd.Series:
    """d of every cercle of ``communes`` at ``as_of`` (0: under-observed)."""
    return pd.Series(watched_share(mediators, communes, communes.index,
                                   [as_of] * len(communes)), index=communes.index)


def weights(tensions: pd.DataFrame | None, mediators: pd.DataFrame | None,
            communes: pd.Series) -> pd.Series:
    """The observation weight of every report (aligned on ``tensions``' index): 1 for an
    external source, 1 / max(d, 1/:data:`MAX_WEIGHT`) for the network's, d its cercle's
    detection the day the report happened."""
    if tensions is None or not len(tensions):
        return pd.Series(dtype=float)
    network = tensions["source_type"].isin(NETWORK_SOURCES).to_numpy(dtype=bool) \
        if "source_type" in tensions else np.zeros(len(tensions), dtype=bool)
    out = np.ones(len(tensions))
    if network.any():
        d = watched_share(mediators, communes, tensions["cercle_id"].to_numpy()[network],
                          tensions["occurred_on"].to_numpy()[network])
        out[network] = 1.0 / np.maximum(d, 1.0 / MAX_WEIGHT)
    return pd.Series(out, index=tensions.index)


def with_weights(tensions: pd.DataFrame | None, mediators: pd.DataFrame | None,
                 communes: pd.Series) -> pd.DataFrame | None:
    """``tensions`` with the :data:`WEIGHT` column (:func:`weights`)."""
    if tensions is None or not len(tensions):
        return tensions
    return tensions.assign(**{WEIGHT: weights(tensions, mediators, communes)})


def known_reports(tensions: pd.DataFrame | None, as_of: date) -> pd.DataFrame | None:
    """The reports the store held at ``as_of``: happened and reported on or before it (a
    report without ``reported_on`` counts as reported the day it happened)."""
    if tensions is None or not len(tensions):
        return tensions
    occurred = _days(tensions["occurred_on"])
    reported = _days(tensions["reported_on"]) if "reported_on" in tensions else occurred
    reported = np.where(np.isnat(reported), occurred, reported)
    day = np.datetime64(as_of, "D")
    return tensions[(occurred <= day) & (reported <= day)]


def reporting_lag(tensions: pd.DataFrame | None, as_of: date) -> int | None:
    """The :data:`LAG_PERCENTILE`-th percentile of ``reported_on − occurred_on`` (days) over
    the reports reported in the :data:`LAG_LOOKBACK_DAYS` days up to ``as_of`` (both dates
    known, reported on or after the day it happened), at most :data:`LAG_MAX_DAYS`; None
    with fewer than :data:`LAG_MIN_REPORTS` such reports."""
    if tensions is None or not len(tensions) or "reported_on" not in tensions:
        return None
    occurred, reported = _days(tensions["occurred_on"]), _days(tensions["reported_on"])
    day = np.datetime64(as_of, "D")
    lag = (reported - occurred).astype("timedelta64[D]").astype(float)
    lag[np.isnat(reported) | np.isnat(occurred)] = np.nan
    recent = ((reported <= day) & (reported > day - LAG_LOOKBACK_DAYS)
              & ~np.isnan(lag) & (lag >= 0))
    if recent.sum() < LAG_MIN_REPORTS:
        return None
    return int(min(np.ceil(np.percentile(lag[recent], LAG_PERCENTILE)), LAG_MAX_DAYS))


def provisional_since(tensions: pd.DataFrame | None, as_of: date) -> date | None:
    """First day of the provisional period (as_of − lag + 1), or None when the lag is 0 or
    unknown."""
    lag = reporting_lag(tensions, as_of)
    return as_of - timedelta(days=lag - 1) if lag else None
