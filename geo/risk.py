"""Composite risk score per cercle (issue 4, in progress): the scoring core.

Method (after the INFORM Risk Index and the OECD/JRC Handbook on composite indicators):

1. Each indicator is transformed (``log1p`` for skewed counts and rates) and normalised to
   0–10 across the cercles: min-max by default, ``x' = 10 (x − min) / (max − min)``; or rank,
   ``x' = 10 (rank − 1) / (n − 1)`` (average ranks for ties); or z-score, clipped to ±3 σ and
   mapped linearly, ``x' = 10 (clip(z, −3, 3) + 3) / 6``. A constant indicator normalises to
   0 everywhere (it tells the cercles nothing apart).
2. Polarity: indicators of coping capacity count *against* risk, so the dimension uses their
   lack, ``10 − x'`` (INFORM's "lack of coping capacity").
3. A dimension score is the weighted mean of its available indicators (weights renormalised
   over the indicators that have a value; no value at all → no score).
4. The overall score is the geometric mean of the available dimension scores by default,
   ``(Π d_i)^(1/k)``, or their arithmetic mean; a cercle with no dimension score has none.
   Missing data is never read as zero risk: it stays NaN and lowers ``completeness``, the
   share of indicators with a value.
5. Five classes with fixed thresholds: very low < 2 ≤ low < 3.5 ≤ medium < 5 ≤ high < 6.5
   ≤ very high.

Command line: ``python -m geo.risk [--as-of YYYY-MM-DD] [--window-days N] [--json]``.

Not built yet: expert-rated context factors (the vulnerability dimension), the UI (Risk and
Methodology pages), sensitivity analysis and back-test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DIMENSIONS = ("hazard", "vulnerability", "coping")
NORMALISATIONS = ("minmax", "rank", "zscore")
AGGREGATIONS = ("geometric", "arithmetic")
#: Upper bounds of the classes "very low" … "high"; above the last is "very high".
CLASS_THRESHOLDS = (2.0, 3.5, 5.0, 6.5)
CLASSES = ("very_low", "low", "medium", "high", "very_high")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the score.

    ``polarity`` is +1 when more means more risk, −1 for coping capacity (more means less
    risk); ``transform`` is ``"log1p"`` or ``"none"``.
    """

    column: str
    dimension: str
    polarity: int = 1
    transform: str = "none"
    weight: float = 1.0


DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("tension_weighted_per_100k", "hazard", 1, "log1p", 2.0),
    Indicator("fatalities", "hazard", 1, "log1p", 1.0),
    Indicator("tension_trend_per_100k", "hazard", 1, "none", 0.5),
    Indicator("armed_events_per_100k", "hazard", 1, "log1p", 1.0),
    Indicator("density", "vulnerability", 1, "log1p", 1.0),
    Indicator("mediators_active_per_10k", "coping", -1, "none", 2.0),
    Indicator("communes_with_mediator_share", "coping", -1, "none", 1.0),
    Indicator("workshop_participants_24m_per_10k", "coping", -1, "log1p", 1.0),
    Indicator("months_since_workshop", "coping", 1, "none", 0.5),
)


@dataclass(frozen=True)
class Method:
    """Choices of the score: indicators with weights, normalisation, aggregation."""

    indicators: tuple[Indicator, ...] = DEFAULT_INDICATORS
    normalisation: str = "minmax"
    aggregation: str = "geometric"
    dimension_weights: dict = field(default_factory=lambda: {d: 1.0 for d in DIMENSIONS})


@dataclass
class Scores:
    """Result of :func:`score`: named tables, all indexed by ``cercle_id``."""

    normalised: pd.DataFrame      # each indicator on 0–10, polarity applied
    dimensions: pd.DataFrame      # one column per dimension with a score
    score: pd.Series              # overall 0–10 (NaN: no data)
    risk_class: pd.Series         # CLASSES value or None
    rank: pd.Series               # 1 = highest score (ties share the best rank)
    completeness: pd.Series       # share of indicators with a value (0–1)


def normalise(values: pd.Series, how: str = "minmax") -> pd.Series:
    """Map a column to 0–10 (see the module docstring); NaN stays NaN."""
    if how not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}")
    x = values.astype(float)
    valid = x.dropna()
    if valid.empty or valid.nunique() == 1:
        return x.where(x.isna(), 0.0)
    if how == "minmax":
        return 10 * (x - valid.min()) / (valid.max() - valid.min())
    if how == "rank":
        return 10 * (x.rank(method="average") - 1) / (valid.size - 1)
    z = (x - valid.mean()) / valid.std(ddof=0)
    return 10 * (z.clip(-3, 3) + 3) / 6


def classify(score: float) -> str | None:
    """Class of a score with the fixed thresholds (None for NaN)."""
    if score is None or np.isnan(score):
        return None
    return CLASSES[int(np.searchsorted(CLASS_THRESHOLDS, score, side="right"))]


def score(table: pd.DataFrame, method: Method = Method()) -> Scores:
    """Score every cercle of an indicator table (rows = cercles, columns = indicators).

    Indicators absent from the table are treated as missing for every cercle.
    """
    normalised = pd.DataFrame(index=table.index)
    for ind in method.indicators:
        raw = table[ind.column].astype(float) if ind.column in table else \
            pd.Series(np.nan, index=table.index)
        if ind.transform == "log1p":
            raw = np.log1p(raw.clip(lower=0))
        norm = normalise(raw, method.normalisation).clip(0, 10)   # no float drift outside
        normalised[ind.column] = norm if ind.polarity > 0 else 10 - norm
    dims = {}
    for dim in DIMENSIONS:
        members = [i for i in method.indicators if i.dimension == dim and i.weight > 0]
        if not members:
            continue
        values = normalised[[i.column for i in members]]
        weights = np.array([i.weight for i in members])
        present = values.notna().to_numpy()
        total = (values.fillna(0).to_numpy() * weights).sum(axis=1)
        wsum = (present * weights).sum(axis=1)
        dims[dim] = pd.Series(np.where(wsum > 0, total / np.where(wsum > 0, wsum, 1), np.nan),
                              index=table.index)
    dimensions = pd.DataFrame(dims).dropna(axis=1, how="all")
    dw = np.array([method.dimension_weights.get(d, 1.0) for d in dimensions.columns])
    present = dimensions.notna().to_numpy()
    values = dimensions.to_numpy()
    wsum = (present * dw).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method.aggregation == "geometric":   # a zero dimension gives 0, as in INFORM
            logs = np.where(present, np.log(np.where(present, values, 1.0)), 0.0)
            overall = np.exp((logs * dw).sum(axis=1) / wsum)
        elif method.aggregation == "arithmetic":
            overall = (np.nan_to_num(values) * dw).sum(axis=1) / wsum
        else:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
    overall = pd.Series(np.where(wsum > 0, overall, np.nan), index=table.index)
    completeness = normalised.notna().mean(axis=1)
    classes = pd.Series([classify(v) for v in overall], index=overall.index, dtype=object)
    return Scores(normalised, dimensions, overall, classes,
                  overall.rank(ascending=False, method="min"), completeness)


def indicator_table(engine, as_of=None, window_days: int = 90,
                    unverified_weight: float = 0.5) -> tuple[pd.DataFrame, object]:
    """The indicator table the score reads (:func:`geo.indicators.cercle_indicators`) and the
    as-of date it was computed for."""
    from geo.indicators import cercle_indicators

    table = cercle_indicators(engine, as_of, window_days, unverified_weight)
    return table, table.attrs["as_of"]


def scores_records(scores: Scores) -> list[dict]:
    """One JSON-ready object per cercle: ``cercle_id, score, class, rank, completeness`` and the
    dimension scores (None for no data), best rank first."""
    out = []
    for cid in scores.score.sort_values(ascending=False, na_position="last").index:
        value = scores.score[cid]
        rec = {"cercle_id": cid,
               "score": None if np.isnan(value) else round(float(value), 3),
               "class": scores.risk_class[cid],
               "rank": None if np.isnan(scores.rank[cid]) else int(scores.rank[cid]),
               "completeness": round(float(scores.completeness[cid]), 3)}
        for dim in scores.dimensions.columns:
            v = scores.dimensions.at[cid, dim]
            rec[dim] = None if np.isnan(v) else round(float(v), 3)
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    from datetime import date

    from geo import store

    parser = argparse.ArgumentParser(prog="python -m geo.risk",
                                     description="Risk score of every cercle.")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="YYYY-MM-DD (default: the latest record date)")
    parser.add_argument("--window-days", type=int, default=90)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    table, as_of = indicator_table(store.make_engine(), args.as_of, args.window_days)
    rows = scores_records(score(table))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        print(f"as of {as_of}, window {args.window_days} days")
        for r in rows:
            shown = "no data" if r["score"] is None else f"{r['score']:5.2f}"
            print(f"{r['rank'] or '-':>3} {r['cercle_id']:22s} {shown} {r['class'] or ''} "
                  f"(completeness {r['completeness']:.0%})")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
