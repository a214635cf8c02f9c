"""The properties that make a history of reports hard to forecast, measured on any report
frame (the generator's, :mod:`geo.ingest.synthetic`; the demonstration's; real data), and
the real data's figures (:data:`TARGETS`) the generator is calibrated to.

Moved out of the generator so that the demonstration (``geo/ingest``) can draw from it
while the measurement reads reports as the analysis does (the reports that count:
:func:`geo.analysis.indicators.counted_reports`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis.forecast import SEVERE
from geo.analysis.indicators import counted_reports
from geo.ingest.synthetic import CAPITAL, NORTH

#: The real data's figures (ACLED Mali 2012–2020, 50 cercles, as given in issue 29), with the
#: definitions of :func:`properties`.
TARGETS: dict[str, float] = {
    "reports": 3800, "years": 8.6, "quarter_min": 30, "quarter_max": 320,
    "median_cercle_total": 23.5, "top1_share": 0.09, "top5_share": 0.41, "top10_share": 0.67,
    "max_cercle_quarter": 56, "share_cercle_quarters_20": 0.018,
    "zero_share": 0.60, "zero_cercles_median": 32, "zero_cercles_min": 10,
    "zero_cercles_max": 44, "p_active_after_quiet": 0.17, "p_active_after_active": 0.76,
    "monthly_autocorrelation": 0.33, "quarter_log_correlation": 0.78,
    "quarter_rank_correlation": 0.70, "busy_ratio_p10": 0.28, "busy_ratio_p90": 1.59,
    "dispersion_median": 2.8, "dispersion_q1": 2.2, "dispersion_q3": 4.0,
    "dispersion_max": 10.0, "fatalities_zero_share": 0.54, "fatalities_p99": 28,
    "fatalities_max": 164, "severe_share": 0.14, "national_year_ratio": 5.0,
    "centre_south_first": 0.2, "centre_south_last": 0.47, "capital_first": 0.21,
    "capital_later_min": 0.04, "capital_later_max": 0.07,
}


def _next_month(first: date) -> date:
    return (pd.Timestamp(first) + pd.offsets.MonthBegin(1)).date()


def _quarters(start: date, end: date) -> list[date]:
    """First days of the calendar quarters that lie wholly in [start, end]."""
    q = pd.Timestamp(start).to_period("Q")
    out = []
    while True:
        first, last = q.start_time.date(), q.end_time.date()
        if last > end:
            return out
        if first >= start:
            out.append(first)
        q += 1


def counts_by_period(reports: pd.DataFrame, cercles: pd.Index, firsts: list[date],
                     end: date) -> np.ndarray:
    """Reports that count per cercle (rows) and period (columns): period i runs from
    ``firsts[i]`` to the day before ``firsts[i + 1]`` (the last to ``end``)."""
    t = counted_reports(reports)
    t = t[t["cercle_id"].isin(cercles).to_numpy(dtype=bool)]
    days = pd.to_datetime(t["occurred_on"]).to_numpy(dtype="datetime64[D]")
    edges = np.array(list(firsts) + [end + timedelta(days=1)], dtype="datetime64[D]")
    period = np.searchsorted(edges, days, side="right") - 1
    keep = (period >= 0) & (period < len(firsts))
    out = np.zeros((len(cercles), len(firsts)))
    np.add.at(out, (cercles.get_indexer(t["cercle_id"].to_numpy()[keep]), period[keep]), 1)
    return out


def _rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return np.nan
    return float(np.corrcoef(ra, rb)[0, 1])


def properties(reports: pd.DataFrame, cercles: pd.DataFrame, start: date | None = None,
               end: date | None = None, north: tuple[str, ...] = NORTH,
               capital: str = CAPITAL, busy: int = 10) -> dict[str, float]:
    """Every property of :data:`TARGETS`, measured on ``reports`` (those that count) over
    the cercles of ``cercles`` (indexed by ``cercle_id``, with ``region_id``).

    Definitions (calendar quarters, months and years wholly inside [start, end]; default
    from the first day of the first report's month to the last report's date):

    * ``reports``, ``years`` -- reports counted, span in years of 365.25 days;
    * ``quarter_min`` / ``quarter_max`` -- national reports per quarter;
    * ``median_cercle_total``; ``top1/5/10_share`` -- share of all reports in the 1, 5, 10
      cercles with most;
    * ``max_cercle_quarter``; ``share_cercle_quarters_20`` -- share of cercle-quarters with
      ≥ 20 reports;
    * ``zero_share`` -- share of cercle-quarters without a report;
      ``zero_cercles_median/min/max`` -- cercles without a report, per quarter;
    * ``p_active_after_quiet`` / ``p_active_after_active`` -- chance that a cercle has a
      report next quarter given it had none / some this quarter (pooled over pairs);
    * ``monthly_autocorrelation`` -- lag-1 autocorrelation of a cercle's calendar-month
      counts, median over the cercles with at least ``busy`` reports;
    * ``quarter_log_correlation`` -- Pearson correlation of log(1 + count) between a
      quarter and the next, pooled over cercles and pairs;
    * ``quarter_rank_correlation`` -- Spearman correlation of the cercles' counts between a
      quarter and the next, mean over pairs;
    * ``busy_ratio_p10/p90`` -- percentiles of next ÷ this quarter's count for the
      cercle-quarters with at least ``busy`` reports;
    * ``dispersion_median/q1/q3/max`` -- variance ÷ mean of a cercle's monthly counts over
      the span, over the cercles with at least ``busy`` reports;
    * ``fatalities_zero_share``, ``fatalities_p99``, ``fatalities_max`` -- per report;
      ``severe_share`` -- share of reports of severity 4–5;
    * ``national_year_ratio`` -- largest ÷ smallest national count of the whole calendar
      years; ``centre_south_first/last`` -- share of the reports of the first and last whole
      years outside the north and the capital; ``capital_first`` -- the capital's share in
      the first whole year, ``capital_later_min/max`` -- its range over the years from the
      third on (NaN without a capital).
    """
    index = pd.Index(cercles.index)
    t = counted_reports(reports)
    t = t[t["cercle_id"].isin(index).to_numpy(dtype=bool)]
    days = pd.to_datetime(t["occurred_on"])
    start = start or days.min().date().replace(day=1)
    end = end or days.max().date()
    quarters = _quarters(start, end)
    q = counts_by_period(t, index, quarters, end)
    month_firsts = [m for m in pd.date_range(pd.Timestamp(start), end, freq="MS").date
                    if m >= start and _next_month(m) <= end + timedelta(days=1)]
    mo = counts_by_period(t, index, month_firsts, end)
    totals = np.sort(mo.sum(axis=1))[::-1] if len(month_firsts) else np.zeros(len(index))
    total = max(totals.sum(), 1)
    this, nxt = q[:, :-1].ravel(), q[:, 1:].ravel()
    active_cercles = mo.sum(axis=1) >= busy
    autocorr = [np.corrcoef(r[:-1], r[1:])[0, 1] for r in mo[active_cercles]
                if r[:-1].std() > 0 and r[1:].std() > 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        dispersion = (mo.var(axis=1, ddof=1) / mo.mean(axis=1))[active_cercles]
    is_busy = this >= busy
    zero_per_quarter = (q == 0).sum(axis=0)
    fatalities = pd.to_numeric(t["fatalities"], errors="coerce").fillna(0).to_numpy()
    severity = pd.to_numeric(t["severity"], errors="coerce").fillna(0).to_numpy()
    # whole calendar years
    years = [y for y in range(start.year, end.year + 1)
             if date(y, 1, 1) >= start and date(y, 12, 31) <= end]
    by_year = counts_by_period(t, index, [date(y, 1, 1) for y in years],
                               date(years[-1], 12, 31)) if years else np.zeros((len(index), 0))
    national = by_year.sum(axis=0)
    regions = cercles["region_id"].astype(str).to_numpy()
    is_capital = (index == capital)
    centre = ~np.isin(regions, north) & ~is_capital
    with np.errstate(invalid="ignore", divide="ignore"):
        centre_share = by_year[centre].sum(axis=0) / national
        capital_share = by_year[is_capital].sum(axis=0) / national
    nan = float("nan")
    return {
        "reports": float(len(t)), "years": ((end - start).days + 1) / 365.25,
        "quarter_min": float(q.sum(axis=0).min()), "quarter_max": float(q.sum(axis=0).max()),
        "median_cercle_total": float(np.median(totals)),
        "top1_share": totals[:1].sum() / total, "top5_share": totals[:5].sum() / total,
        "top10_share": totals[:10].sum() / total,
        "max_cercle_quarter": float(q.max()),
        "share_cercle_quarters_20": float((q >= 20).mean()),
        "zero_share": float((q == 0).mean()),
        "zero_cercles_median": float(np.median(zero_per_quarter)),
        "zero_cercles_min": float(zero_per_quarter.min()),
        "zero_cercles_max": float(zero_per_quarter.max()),
        "p_active_after_quiet": float((nxt[this == 0] > 0).mean()),
        "p_active_after_active": float((nxt[this > 0] > 0).mean()),
        "monthly_autocorrelation": float(np.median(autocorr)) if autocorr else nan,
        "quarter_log_correlation": float(np.corrcoef(np.log1p(this), np.log1p(nxt))[0, 1]),
        "quarter_rank_correlation": float(np.nanmean([
            _rank_correlation(q[:, i], q[:, i + 1]) for i in range(q.shape[1] - 1)])),
        "busy_ratio_p10": float(np.percentile(nxt[is_busy] / this[is_busy], 10))
        if is_busy.any() else nan,
        "busy_ratio_p90": float(np.percentile(nxt[is_busy] / this[is_busy], 90))
        if is_busy.any() else nan,
        "dispersion_median": float(np.median(dispersion)) if len(dispersion) else nan,
        "dispersion_q1": float(np.percentile(dispersion, 25)) if len(dispersion) else nan,
        "dispersion_q3": float(np.percentile(dispersion, 75)) if len(dispersion) else nan,
        "dispersion_max": float(dispersion.max()) if len(dispersion) else nan,
        "fatalities_zero_share": float((fatalities == 0).mean()),
        "fatalities_p99": float(np.percentile(fatalities, 99)),
        "fatalities_max": float(fatalities.max()),
        "severe_share": float((severity >= SEVERE).mean()),
        "national_year_ratio": float(national.max() / national.min())
        if len(national) and national.min() > 0 else nan,
        "centre_south_first": float(centre_share[0]) if len(years) else nan,
        "centre_south_last": float(centre_share[-1]) if len(years) else nan,
        "capital_first": float(capital_share[0]) if len(years) and is_capital.any() else nan,
        "capital_later_min": float(capital_share[2:].min())
        if len(years) > 2 and is_capital.any() else nan,
        "capital_later_max": float(capital_share[2:].max())
        if len(years) > 2 and is_capital.any() else nan,
    }
