"""Counts of reports per cercle over any window, from daily cumulative sums.

The one place where a report frame becomes counts for the forecast, its evaluation and the
measurement of a history's properties. Only reports that count
(:func:`geo.analysis.indicators.counted_reports`: all but those verified false) placed in one of the
given cercles enter; a window ``(start, end]`` counts reports with
``start < occurred_on <= end``, so a count at date ``t`` never sees a report after ``t``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis.indicators import counted_reports

#: Severity from which a report is *severe* (1–5 scale).
SEVERE = 4
#: Length of a "month" in the forecast's monthly counts, days.
MONTH_DAYS = 30


class History:
    """Daily cumulative counts per cercle (all reports, severe reports) of a report frame.

    Parameters
    ----------
    reports : DataFrame or None
        Reports with ``cercle_id``, ``occurred_on`` (dates or ISO strings), ``severity``
        and ``verification``; reports outside ``cercles`` or without a date are ignored.
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
        self._cum = {}
        for kind, weight in (("all", np.ones(len(t))), ("severe", severity >= SEVERE)):
            daily = np.zeros((len(self.cercles), n_days))
            np.add.at(daily, (rows, offset), weight)
            cum = np.zeros((len(self.cercles), n_days + 1))
            cum[:, 1:] = np.cumsum(daily, axis=1)
            self._cum[kind] = cum

    def _index(self, day: date | np.ndarray) -> np.ndarray:
        """Column of the cumulative array holding the count of reports on or before ``day``."""
        if isinstance(day, date):
            offset = (day - self.first).days
        else:
            offset = (np.asarray(day, dtype="datetime64[D]")
                      - np.datetime64(self.first, "D")).astype(int)
        n = next(iter(self._cum.values())).shape[1] - 1
        return np.clip(np.asarray(offset) + 1, 0, n)

    def window(self, start: date, end: date, kind: str = "all") -> np.ndarray:
        """Reports per cercle with ``start < occurred_on <= end`` (``kind``: ``all`` or
        ``severe``)."""
        if self._cum is None:
            return np.zeros(len(self.cercles))
        cum = self._cum[kind]
        return cum[:, self._index(end)] - cum[:, self._index(start)]

    def months(self, t: date, count: int, kind: str = "all") -> np.ndarray:
        """Monthly counts back from ``t``: column k counts the 30-day month
        ``(t − 30(k+1), t − 30k]``; shape (cercles, ``count``)."""
        if self._cum is None:
            return np.zeros((len(self.cercles), count))
        ends = np.datetime64(t, "D") - MONTH_DAYS * np.arange(count + 1)
        cum = self._cum[kind][:, self._index(ends)]
        return cum[:, :-1] - cum[:, 1:]

    def exposure(self, t: date, count: int) -> np.ndarray:
        """Share (0–1) of each of the ``count`` months back from ``t`` that lies on or after
        the first day of observation: a month before the history began is not a quiet month."""
        if self.first is None:
            return np.zeros(count)
        ends = np.array([(t - timedelta(days=MONTH_DAYS * k) - self.first).days + 1
                         for k in range(count)], dtype=float)
        return np.clip(ends / MONTH_DAYS, 0.0, 1.0)
