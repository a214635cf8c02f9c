"""How far to trust the risk score: Monte Carlo sensitivity (its back-test against what
happened next is in :mod:`geo.analysis.backtest`).

Sensitivity (after the OECD/JRC Handbook, step 7): the score is recomputed many times with
the weights of every indicator and dimension multiplied by a random factor drawn uniformly in
``[1 − spread, 1 + spread]`` and, with ``alternatives``, a normalisation (min-max, rank,
z-score) and an aggregation (shifted geometric, strict geometric, arithmetic) drawn at random. Each cercle gets its
median rank, its 90% rank interval (5th–95th percentile) and the share of draws in which it
is in the top 10. The draws come from ``numpy.random.default_rng(seed)``: same seed, same
result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis.risk import (AGGREGATIONS, DIMENSIONS, NORMALISATIONS, Method, aggregate,
                      membership, normalised_indicators, rank_desc)

DEFAULT_SEED = 20180729
DEFAULT_DRAWS = 1000
TOP = 10


@dataclass
class Sensitivity:
    """Ranks of every cercle in every draw (``ranks``: draws × cercles, NaN = no score)."""

    ranks: np.ndarray
    index: pd.Index
    seed: int
    spread: float
    alternatives: bool

    def summary(self, top: int = TOP) -> pd.DataFrame:
        """Per cercle: ``median_rank``, ``rank_p05``, ``rank_p95``, ``top_share`` (0–1)."""
        scored = ~np.isnan(self.ranks).all(axis=0)
        r = self.ranks[:, scored]
        out = pd.DataFrame(index=self.index, columns=["median_rank", "rank_p05", "rank_p95",
                                                      "top_share"], dtype=float)
        if r.size:
            out.loc[scored, "median_rank"] = np.nanmedian(r, axis=0)
            out.loc[scored, "rank_p05"] = np.nanpercentile(r, 5, axis=0)
            out.loc[scored, "rank_p95"] = np.nanpercentile(r, 95, axis=0)
            out.loc[scored, "top_share"] = (r <= top).mean(axis=0)
        return out

    def stable_top(self, top: int = TOP, share: float = 0.8) -> list[str]:
        """Cercles in the top ``top`` in at least ``share`` of the draws, most stable first."""
        s = self.summary(top)
        s = s[s["top_share"] >= share].sort_values(["top_share", "median_rank"],
                                                   ascending=[False, True])
        return list(s.index)


def sensitivity(table: pd.DataFrame, method: Method, draws: int = DEFAULT_DRAWS,
                seed: int = DEFAULT_SEED, spread: float = 0.5, alternatives: bool = True,
                progress: Callable[[int, int], None] | None = None,
                batch: int = 100) -> Sensitivity:
    """Monte Carlo sensitivity of the ranking (see the module docstring).

    ``progress(done, draws)`` is called after each batch of draws. With ``spread=0`` and
    ``alternatives=False`` every draw reproduces :func:`geo.analysis.risk.score`.
    """
    if not 0 <= spread < 1:
        raise ValueError("spread must be in [0, 1)")
    rng = np.random.default_rng(seed)
    member = membership(method)
    base_w = np.array([i.weight for i in method.indicators], dtype=float)
    base_dw = np.array([float(method.dimension_weights.get(d, 1.0)) for d in DIMENSIONS])
    norms = {how: normalised_indicators(table, method, how).to_numpy()
             for how in (NORMALISATIONS if alternatives else (method.normalisation,))}
    n = len(table)
    ranks = np.empty((draws, n))
    done = 0
    while done < draws:
        k = min(batch, draws - done)
        w = base_w * rng.uniform(1 - spread, 1 + spread, (k, base_w.size))
        dw = base_dw * rng.uniform(1 - spread, 1 + spread, (k, base_dw.size))
        if alternatives:
            how_n = rng.integers(0, len(NORMALISATIONS), k)
            how_a = rng.integers(0, len(AGGREGATIONS), k)
        else:
            how_n = np.full(k, 0)
            how_a = np.full(k, AGGREGATIONS.index(method.aggregation))
        keys = list(norms)
        for j in range(k):
            x = norms[keys[how_n[j]]]
            present = ~np.isnan(x)
            wm = member * w[j][:, None]
            wsum = present.astype(float) @ wm
            with np.errstate(divide="ignore", invalid="ignore"):
                dims = np.where(wsum > 0, (np.where(present, x, 0.0) @ wm) / wsum, np.nan)
            # a dimension nobody has a value in, or without weight, is left out (as score())
            dims[:, (wm.sum(axis=0) <= 0) | np.isnan(dims).all(axis=0)] = np.nan
            overall = aggregate(dims, dw[j], AGGREGATIONS[how_a[j]])
            ranks[done + j] = rank_desc(overall)
        done += k
        if progress is not None:
            progress(done, draws)
    return Sensitivity(ranks, table.index, seed, spread, alternatives)
