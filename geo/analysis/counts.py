"""The reports of a period: one definition, for every output that counts them (Overview,
presentation, brief, monitor), and the words that say what is counted.

A report of the period ending ``as_of`` with a window of ``w`` days is one that

* counts (:func:`geo.analysis.indicators.counted_reports`: not verified false),
* was known on ``as_of`` (:func:`geo.analysis.observation.known_reports`: happened and
  reported on or before it), and
* happened in (as_of − w, as_of], the same days as the indicators' window
  (``tension_reports_window`` is its count per cercle).

Every such report is counted once in the total, wherever it is placed; ``located`` are those
placed in a cercle, ``region_only`` those known only to their region (or not placed at all),
which no cercle's figure includes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis import indicators, observation
from geo.i18n import format_date, format_number, t


@dataclass(frozen=True)
class PeriodReports:
    """The reports of one period and their counts."""

    start: date            # first day included
    end: date              # last day included (the as-of date)
    reports: pd.DataFrame  # the reports themselves (store columns)

    @property
    def total(self) -> int:
        """Every report of the period, wherever placed."""
        return len(self.reports)

    @property
    def located(self) -> int:
        """Reports placed in a cercle."""
        return int(self._in_cercle().sum())

    @property
    def region_only(self) -> int:
        """Reports placed no finer than their region (or not placed)."""
        return self.total - self.located

    def by_cercle(self, index: pd.Index | None = None) -> pd.Series:
        """Reports per ``cercle_id`` (0 for a cercle of ``index`` without any)."""
        counts = self.reports.loc[self._in_cercle(), "cercle_id"].value_counts() \
            if self.total else pd.Series(dtype="int64")
        if index is not None:
            counts = counts.reindex(index).fillna(0)
        return counts.astype("int64")

    def _in_cercle(self) -> np.ndarray:
        if not self.total or "cercle_id" not in self.reports:
            return np.zeros(self.total, dtype=bool)
        return self.reports["cercle_id"].map(
            lambda c: isinstance(c, str) and c != "").to_numpy(dtype=bool)


def period_reports(tensions: pd.DataFrame | None, as_of: date, window_days: int
                   ) -> PeriodReports:
    """The reports of the ``window_days`` days ending ``as_of`` (module docstring)."""
    start = as_of - timedelta(days=window_days - 1)
    if tensions is None or not len(tensions):
        return PeriodReports(start, as_of, pd.DataFrame(
            columns=["occurred_on", "cercle_id", "region_id", "category", "severity"]))
    known = observation.known_reports(indicators.counted_reports(tensions), as_of)
    day = pd.to_datetime(known["occurred_on"]).dt.date
    keep = ((day >= start) & (day <= as_of)).to_numpy(dtype=bool)
    return PeriodReports(start, as_of, known[keep])


def plural(key: str, n: int, lang: str, **values) -> str:
    """``key.one`` or ``key.many`` filled with ``n`` and ``values``: French takes the
    singular for 0 and 1 ("0 signalement"), English for 1 only."""

    one = n in (0, 1) if lang == "fr" else n == 1
    return t(f"{key}.{'one' if one else 'many'}", lang, n=format_number(n, lang), **values)


def count_text(period: PeriodReports, lang: str) -> str:
    """What is counted, in words: "58 signalements du 03/06/2018 au 31/08/2018 (tous lieux),
    dont 7 localisés seulement à la région" — the same line on every output."""

    text = plural("counts.total", period.total, lang, start=format_date(period.start, lang),
              end=format_date(period.end, lang))
    if period.region_only:
        text += plural("counts.region_only", period.region_only, lang)
    return text


def cercle_text(period: PeriodReports, cercle_id: str, lang: str) -> str:
    """A cercle's reports of the period: "12 signalements localisés au cercle"."""
    return plural("counts.in_cercle", int(period.by_cercle().get(cercle_id, 0)), lang)
