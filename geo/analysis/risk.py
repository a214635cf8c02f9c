"""Composite risk score per cercle: method, presets, explanation.

Method (after the INFORM Risk Index and the OECD/JRC Handbook on composite indicators):

1. Each indicator is transformed (``log1p`` for skewed counts and rates) and normalised to
   0–10 across the cercles: min-max by default, ``x' = 10 (x − min) / (max − min)``; or rank,
   ``x' = 10 (rank − 1) / (n − 1)`` (average ranks for ties); or z-score, clipped to ±3 σ and
   mapped linearly, ``x' = 10 (clip(z, −3, 3) + 3) / 6``. A constant indicator (spread below
   1e-12 of its magnitude) tells the cercles nothing apart: it normalises to 0 with min-max,
   and to 5 (everyone tied, z = 0) with rank and z-score, the limits those methods reach as
   the spread vanishes — so that adding a report can never lower a score.
2. Polarity: indicators of coping capacity count *against* risk, so the dimension uses their
   lack, ``10 − x'`` (INFORM's "lack of coping capacity").
3. A dimension score is the weighted mean of its available indicators (weights renormalised
   over the indicators that have a value; no value at all → no score). Dimensions: hazard
   (tensions), vulnerability (context: population, density, expert-rated context factors),
   lack of coping capacity (mediators, workshops).
4. The overall score is a weighted geometric mean of the available dimension scores, which
   does not let a strong dimension make up for a weak one. By default it is shifted by one,
   ``exp(Σ a_d ln(d + 1) / Σ a_d) − 1`` (``"geometric"``): a dimension at 0 — typically no
   report in the window — pulls the score down instead of zeroing it, so a quiet but fragile,
   uncovered cercle keeps a score. ``"geometric_strict"`` is INFORM's own
   ``exp(Σ a_d ln d / Σ a_d)`` (no hazard, no risk); ``"arithmetic"`` the weighted mean. All
   stay on 0–10. A cercle with no dimension score has none. Missing data is never read as
   zero risk: it stays NaN and lowers ``completeness``, the share of indicators with a
   value.
5. Five classes with fixed thresholds: very low < 2 ≤ low < 3.5 ≤ medium < 5 ≤ high < 6.5
   ≤ very high. A cercle the division's network does not watch and where no report came in
   (``hazard_unknown`` in the table, :mod:`geo.analysis.observation`) is classed
   :data:`UNDER_OBSERVED` whatever its score: its hazard indicators are 0 because nobody
   saw anything, which is not calm. Its score stays as computed (0 seen), so that a new
   report never lowers a cercle's score and a new mediator never raises it.

Command line: ``python -m geo.analysis.risk [--as-of YYYY-MM-DD] [--window-days N] [--json]``.
Robustness (Monte Carlo sensitivity) and the back-test are in :mod:`geo.analysis.robustness`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

import numpy as np
import pandas as pd
from geo.records.context import column


DIMENSIONS = ("hazard", "vulnerability", "coping")
NORMALISATIONS = ("minmax", "rank", "zscore")
AGGREGATIONS = ("geometric", "geometric_strict", "arithmetic")
TRANSFORMS = ("none", "log1p")
#: Upper bounds of the classes "very low" … "high"; above the last is "very high".
CLASS_THRESHOLDS = (2.0, 3.5, 5.0, 6.5)
CLASSES = ("very_low", "low", "medium", "high", "very_high")
#: Colour of each class (ColorBrewer YlOrRd, 5 classes): legend, map, charts.
CLASS_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
#: The class of a cercle whose hazard nobody could see (see the module docstring).
UNDER_OBSERVED = "under_observed"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the score.

    ``polarity`` is +1 when more means more risk, −1 for coping capacity (more means less
    risk); ``transform`` is ``"log1p"`` or ``"none"``; ``weight`` is relative within the
    dimension (0 leaves the indicator out).
    """

    column: str
    dimension: str
    polarity: int = 1
    transform: str = "none"
    weight: float = 1.0


#: Indicators of the score (the context factors are added per table: :func:`method_for`).
DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    # The main hazard indicator: the reports expected in the next 90 days (geo.analysis.forecast:
    # the recent past, shrunk and corrected only where that did better out of sample), read
    # at the network's full observation (geo.analysis.observation); the Methodology page says
    # on the loaded data how it did against the recent past.
    Indicator("forecast_reports", "hazard", 1, "log1p", 3.0),
    Indicator("tension_weighted_per_100k", "hazard", 1, "log1p", 1.0),
    Indicator("fatalities", "hazard", 1, "log1p", 1.0),
    # Weight 0 by default: a report 30–120 days old raises the previous quarter's rate and so
    # lowers the trend, which would let a new report lower its cercle's score. It stays in the
    # table and the sidebar for whoever wants escalation to count.
    Indicator("tension_trend_per_100k", "hazard", 1, "none", 0.0),
    Indicator("armed_events_per_100k", "hazard", 1, "log1p", 1.0),
    Indicator("population", "vulnerability", 1, "log1p", 0.5),
    Indicator("density", "vulnerability", 1, "log1p", 0.5),
    Indicator("mediators_active_per_10k", "coping", -1, "none", 2.0),
    Indicator("communes_with_mediator_share", "coping", -1, "none", 1.0),
    Indicator("workshop_participants_24m_per_10k", "coping", -1, "log1p", 1.0),
    Indicator("months_since_workshop", "coping", 1, "none", 0.5),
)
#: Weight of each expert-rated context factor in the vulnerability dimension.
CONTEXT_WEIGHT = 1.0


@dataclass(frozen=True)
class Method:
    """Choices of the score: indicators with weights, normalisation, aggregation."""

    indicators: tuple[Indicator, ...] = DEFAULT_INDICATORS
    normalisation: str = "minmax"
    aggregation: str = "geometric"
    dimension_weights: dict = field(default_factory=lambda: {d: 1.0 for d in DIMENSIONS})

    def __post_init__(self):
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(f"normalisation must be one of {NORMALISATIONS}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")

    def weights(self) -> dict[str, float]:
        """Indicator weights by column."""
        return {i.column: i.weight for i in self.indicators}

    def replace(self, indicator_weights: dict[str, float] | None = None, **changes) -> "Method":
        """A copy with some choices changed; ``indicator_weights`` maps columns to weights."""
        inds = self.indicators
        if indicator_weights:
            inds = tuple(dc_replace(i, weight=float(indicator_weights.get(i.column, i.weight)))
                         for i in inds)
        return dc_replace(self, indicators=inds, **changes)

    def parameters(self) -> dict:
        """JSON-ready record of the method (written into every download)."""
        return {"normalisation": self.normalisation, "aggregation": self.aggregation,
                "dimension_weights": {d: float(self.dimension_weights.get(d, 1.0))
                                      for d in DIMENSIONS},
                "indicators": [{"column": i.column, "dimension": i.dimension,
                                "polarity": i.polarity, "transform": i.transform,
                                "weight": i.weight} for i in self.indicators],
                "class_thresholds": list(CLASS_THRESHOLDS)}


def method_for(table: pd.DataFrame, base: Method | None = None) -> Method:
    """``base`` (default: :class:`Method`) with the table's context factors added to the
    vulnerability dimension (``table.attrs["context_factors"]``)."""

    base = base or Method()
    have = {i.column for i in base.indicators}
    extra = tuple(Indicator(column(f), "vulnerability", 1, "none", CONTEXT_WEIGHT)
                  for f in table.attrs.get("context_factors", []) if column(f) not in have)
    return dc_replace(base, indicators=base.indicators + extra)


@dataclass(frozen=True)
class Preset:
    """A named set of choices: dimension weights, normalisation, aggregation, and weights of
    some indicators (the others keep their default)."""

    key: str
    dimension_weights: dict
    normalisation: str = "minmax"
    aggregation: str = "geometric"
    indicator_weights: dict = field(default_factory=dict)
    equal_indicator_weights: bool = False

    def apply(self, method: Method) -> Method:
        inds = tuple(dc_replace(i, weight=(1.0 if i.weight > 0 else 0.0)
                                if self.equal_indicator_weights
                                else self.indicator_weights.get(i.column, i.weight))
                     for i in method.indicators)
        return Method(inds, self.normalisation, self.aggregation, dict(self.dimension_weights))


PRESETS: dict[str, Preset] = {p.key: p for p in (
    # Veille's default: the three dimensions weigh the same, reports and mediators count most.
    Preset("default", {"hazard": 1.0, "vulnerability": 1.0, "coping": 1.0}),
    # As the INFORM Risk Index: equal weights everywhere, strict geometric mean, min-max.
    Preset("inform", {"hazard": 1.0, "vulnerability": 1.0, "coping": 1.0},
           aggregation="geometric_strict", equal_indicator_weights=True),
    # Recent violence first: hazard counts double, arithmetic mean so it can dominate.
    Preset("tensions_first", {"hazard": 2.0, "vulnerability": 1.0, "coping": 0.5},
           aggregation="arithmetic",
           indicator_weights={"forecast_reports": 4.0, "tension_weighted_per_100k": 2.0,
                              "fatalities": 2.0}),
    # Deployment planning: thin coverage counts double.
    Preset("coverage_first", {"hazard": 1.0, "vulnerability": 1.0, "coping": 2.0},
           indicator_weights={"mediators_active_per_10k": 3.0}),
)}
DEFAULT_PRESET = "default"


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
    return pd.Series(normalise_array(values.to_numpy(dtype=float), how), index=values.index)


def normalise_array(x: np.ndarray, how: str = "minmax") -> np.ndarray:
    """:func:`normalise` on a 1-D float array (numpy only: the score runs it per indicator)."""
    if how not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}")
    ok = ~np.isnan(x)
    valid = x[ok]
    out = np.full(x.shape, np.nan)
    # differences below 1e-12 of the values' magnitude are rounding noise: constant
    if valid.size == 0 or np.ptp(valid) <= 1e-12 * max(1.0, float(np.abs(valid).max())):
        out[ok] = 0.0 if how == "minmax" else 5.0     # rank: all tied; z-score: z = 0
        return out
    if how == "minmax":
        out[ok] = 10 * (valid - valid.min()) / (valid.max() - valid.min())
    elif how == "rank":
        _, inverse, counts = np.unique(valid, return_inverse=True, return_counts=True)
        average = np.cumsum(counts) - (counts - 1) / 2      # average rank of each distinct value
        out[ok] = 10 * (average[inverse] - 1) / (valid.size - 1)
    else:
        z = (valid - valid.mean()) / valid.std()
        out[ok] = 10 * (np.clip(z, -3, 3) + 3) / 6
    return out


def classify(score: float) -> str | None:
    """Class of a score with the fixed thresholds (None for NaN)."""
    if score is None or np.isnan(score):
        return None
    return CLASSES[int(np.searchsorted(CLASS_THRESHOLDS, score, side="right"))]


def transformed(table: pd.DataFrame, indicators: tuple[Indicator, ...]) -> np.ndarray:
    """Raw indicator values after their transform, cercles × indicators (absent columns: NaN
    for every cercle)."""
    out = np.full((len(table), len(indicators)), np.nan)
    for k, ind in enumerate(indicators):
        if ind.column in table:
            raw = table[ind.column].to_numpy(dtype=float)
            out[:, k] = np.log1p(np.clip(raw, 0, None)) if ind.transform == "log1p" else raw
    return out


def normalised_indicators(table: pd.DataFrame, method: Method,
                          how: str | None = None) -> pd.DataFrame:
    """Each indicator transformed, normalised to 0–10 and turned so that 10 = most risk."""
    values = transformed(table, method.indicators)
    out = np.empty_like(values)
    for k, ind in enumerate(method.indicators):
        norm = np.clip(normalise_array(values[:, k], how or method.normalisation), 0, 10)
        # rounded to 1e-9: "10 − 9.999999999999998" must be 0, not 2e-15 (whose square root
        # in a geometric mean would be a visible 1e-7)
        out[:, k] = np.round(norm if ind.polarity > 0 else 10 - norm, 9)
    return pd.DataFrame(out, index=table.index, columns=[i.column for i in method.indicators])


def dimension_scores(normalised: np.ndarray, membership: np.ndarray,
                     weights: np.ndarray) -> np.ndarray:
    """Weighted mean of the available indicators of each dimension.

    ``normalised``: cercles × indicators (NaN = no value); ``membership``: indicators ×
    dimensions (0/1); ``weights``: per indicator. Returns cercles × dimensions (NaN when a
    cercle has no value in a dimension).
    """
    present = ~np.isnan(normalised)
    total = np.where(present, normalised, 0.0) @ (membership * weights[:, None])
    wsum = present.astype(float) @ (membership * weights[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(wsum > 0, total / wsum, np.nan)


def aggregate(dimensions: np.ndarray, weights: np.ndarray, how: str) -> np.ndarray:
    """Overall score from cercles × dimensions scores (NaN = no score), weighted by
    dimension (see the module docstring): ``geometric`` (shifted by one), ``geometric_strict``
    (a zero dimension gives 0, as in INFORM) or ``arithmetic``."""
    present = ~np.isnan(dimensions)
    wsum = present.astype(float) @ weights
    shift = {"geometric": 1.0, "geometric_strict": 0.0}
    with np.errstate(divide="ignore", invalid="ignore"):
        if how in shift:
            logs = np.where(present, np.log(np.where(present, dimensions, 0.0) + shift[how]),
                            0.0)
            overall = np.exp((logs @ weights) / wsum) - shift[how]
        elif how == "arithmetic":
            overall = (np.where(present, dimensions, 0.0) @ weights) / wsum
        else:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
    return np.where(wsum > 0, np.clip(overall, 0.0, 10.0), np.nan)


def membership(method: Method, dims: tuple[str, ...] = DIMENSIONS) -> np.ndarray:
    """Indicators × dimensions matrix of 0/1."""
    return np.array([[1.0 if i.dimension == d else 0.0 for d in dims]
                     for i in method.indicators]).reshape(len(method.indicators), len(dims))


def rank_desc(values: np.ndarray) -> np.ndarray:
    """Rank 1 = highest; ties share the best rank; NaN stays NaN (along the last axis)."""
    v = np.where(np.isnan(values), -np.inf, values)
    ranks = (v[..., None, :] > v[..., :, None]).sum(axis=-1) + 1.0
    return np.where(np.isnan(values), np.nan, ranks)


def score(table: pd.DataFrame, method: Method = Method()) -> Scores:
    """Score every cercle of an indicator table (rows = cercles, columns = indicators).

    Indicators absent from the table are treated as missing for every cercle.
    """
    normalised = normalised_indicators(table, method)
    weights = np.array([i.weight for i in method.indicators], dtype=float)
    member = membership(method)
    dims = dimension_scores(normalised.to_numpy(), member, weights)
    used = [k for k, d in enumerate(DIMENSIONS)
            if (member[:, k] * weights).sum() > 0 and not np.isnan(dims[:, k]).all()]
    dimensions = pd.DataFrame(dims[:, used], index=table.index,
                              columns=[DIMENSIONS[k] for k in used])
    dw = np.array([float(method.dimension_weights.get(DIMENSIONS[k], 1.0)) for k in used])
    overall = pd.Series(aggregate(dimensions.to_numpy(), dw, method.aggregation),
                        index=table.index)
    completeness = normalised.notna().mean(axis=1)
    classes = pd.Series([classify(v) for v in overall.to_numpy()], index=overall.index,
                        dtype=object)
    if "hazard_unknown" in table:
        classes[table["hazard_unknown"].fillna(False).to_numpy(dtype=bool)] = UNDER_OBSERVED
    return Scores(normalised, dimensions, overall, classes,
                  pd.Series(rank_desc(overall.to_numpy()), index=table.index), completeness)


def contributions(scores: Scores, method: Method) -> pd.DataFrame:
    """Points of the score brought by each indicator, cercles × indicators; rows add up to
    the score (0 where the score is 0 or missing).

    Each indicator's share is ``(w_i / Σ w) · x_i`` of its dimension (the sum over the
    indicators with a value) times the dimension's weight share ``a_d / Σ a`` (over the
    dimensions with a score); that sums to the arithmetic overall score. With a geometric
    mean the shares are scaled so that they sum to the geometric score.
    """
    x = scores.normalised.reindex(columns=[i.column for i in method.indicators]).to_numpy()
    present = ~np.isnan(x)
    w = np.array([i.weight if i.weight > 0 else 0.0 for i in method.indicators])
    dims = list(scores.dimensions.columns)
    member = membership(method, tuple(dims))                       # indicators × dims
    dimv = scores.dimensions.to_numpy()
    a = np.array([float(method.dimension_weights.get(d, 1.0)) for d in dims])
    a_have = np.where(~np.isnan(dimv), a, 0.0)                     # cercles × dims
    a_total = a_have.sum(axis=1, keepdims=True)
    w_total = (present * w) @ member                               # cercles × dims
    with np.errstate(divide="ignore", invalid="ignore"):
        share_dim = np.where(a_total > 0, a_have / a_total, 0.0)   # cercles × dims
        per_ind_dim = share_dim / np.where(w_total > 0, w_total, np.inf)
        out = np.where(present, x, 0.0) * w * (per_ind_dim @ member.T)
        total = out.sum(axis=1, keepdims=True)
        value = scores.score.to_numpy()[:, None]
        if method.aggregation != "arithmetic":
            out = np.where(total > 0, out * value / np.where(total > 0, total, 1), 0.0)
    out = np.where(np.isnan(value), 0.0, out)
    return pd.DataFrame(out, index=scores.score.index,
                        columns=[i.column for i in method.indicators])


def explain(table: pd.DataFrame, method: Method, scores: Scores, cercle_id: str) -> pd.DataFrame:
    """Why a cercle has its score: one row per indicator with a weight.

    Columns: ``dimension, column, raw, raw_median`` (national median over the cercles with a
    value), ``normalised, normalised_median`` (0–10, 10 = most risk), ``weight`` and
    ``contribution, contribution_median`` (points of the score, see :func:`contributions`;
    the median is over the cercles with a score), and ``hidden`` (the raw value is made
    from a mediator count that :mod:`geo.analysis.disclosure` hides: show it as hidden). Indicators without a value contribute
    nothing (and lower completeness).
    """
    cols = [i.column for i in method.indicators]
    norm = scores.normalised[cols].to_numpy()
    contrib = contributions(scores, method).to_numpy()
    raw = np.column_stack([table[c].to_numpy(dtype=float) if c in table
                           else np.full(len(table), np.nan) for c in cols])
    row = scores.score.index.get_loc(cercle_id)
    scored = contrib[scores.score.notna().to_numpy()]
    with warnings.catch_warnings():       # an indicator nobody has: its median is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        raw_median = np.nanmedian(raw, axis=0)
        norm_median = np.nanmedian(norm, axis=0)
        contrib_median = (np.median(scored, axis=0) if len(scored)
                          else np.full(len(cols), np.nan))
    frame = pd.DataFrame({
        "dimension": [i.dimension for i in method.indicators], "column": cols,
        "raw": raw[row], "raw_median": raw_median,
        "normalised": norm[row], "normalised_median": norm_median,
        "weight": [i.weight for i in method.indicators],
        "contribution": contrib[row], "contribution_median": contrib_median})
    # a raw value made from a hidden mediator count is shown as hidden (geo.analysis.disclosure)
    frame["hidden"] = [bool(table[flag].iloc[row]) if (flag := HIDDEN_FLAGS.get(c)) in table
                       else False for c in cols]
    return frame[frame["weight"] > 0].reset_index(drop=True)


#: Indicator column → the table's column saying where its raw value is a hidden count.
HIDDEN_FLAGS = {"mediators_active_per_10k": "mediators_active_hidden"}


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
