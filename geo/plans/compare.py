"""Two plans side by side: their figures, the difference, and which sites only one of them
proposes.

The figures are those of each plan (:class:`geo.plans.planner.Deployment`), in whole people
and distance bands as published; "sites" are the proposed communes (mediators) and cercles
(workshops), compared by code: only in A, only in B, in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis import disclosure
from geo.plans.planner import Deployment

#: The rows of :attr:`Comparison.figures`, in order; ``band`` rows hold the lower limit of a
#: distance band (km) and have no difference.
FIGURES = ("covered_before", "covered_after", "covered_gain", "mediators", "distance_before",
           "distance_after", "workshops", "workshop_share")
BANDS = ("distance_before", "distance_after")


@dataclass
class Comparison:
    """``figures``: one row per :data:`FIGURES` entry (``a``, ``b``, ``difference`` = b − a;
    NaN where a plan has no such part); ``sites`` and ``cercles``: the proposed communes and
    workshop cercles ``only_a``, ``only_b`` and in ``both`` (codes, in plan order)."""

    figures: pd.DataFrame
    sites: dict[str, list[str]]
    cercles: dict[str, list[str]]


def _figures(plan: Deployment) -> dict[str, float]:
    med, ws = plan.mediators, plan.workshops
    out = dict.fromkeys(FIGURES, np.nan)
    if med is not None:
        out.update(covered_before=med.covered_before, covered_after=med.covered_after,
                   covered_gain=med.covered_after - med.covered_before,
                   mediators=len(med.sites),
                   distance_before=disclosure.band_lower([med.distance_before_km])[0],
                   distance_after=disclosure.band_lower([med.distance_after_km])[0])
    if ws is not None:
        out.update(workshops=len(ws.cercles), workshop_share=round(100 * ws.share, 1))
    return out


def _split(a: list[str], b: list[str]) -> dict[str, list[str]]:
    return {"only_a": [x for x in a if x not in set(b)],
            "only_b": [x for x in b if x not in set(a)],
            "both": [x for x in a if x in set(b)]}


def compare(a: Deployment, b: Deployment) -> Comparison:
    """Plan ``b`` against plan ``a``."""
    fa, fb = _figures(a), _figures(b)
    rows = []
    for key in FIGURES:
        diff = np.nan if key in BANDS else fb[key] - fa[key]
        rows.append({"figure": key, "a": fa[key], "b": fb[key], "difference": diff})
    figures = pd.DataFrame(rows).set_index("figure")

    def sites(plan):
        return [] if plan.mediators is None else list(plan.mediators.sites["commune_id"])

    def cercles(plan):
        return [] if plan.workshops is None else list(plan.workshops.cercles["cercle_id"])

    return Comparison(figures, _split(sites(a), sites(b)), _split(cercles(a), cercles(b)))


def default_pair(listing: pd.DataFrame) -> tuple[int, int] | None:
    """The pair of saved scenarios compared by default (``listing``: newest first, as
    :func:`geo.plans.scenarios.listing`): the newest and the newest other one of the same
    kind; the two newest when no other has its kind; None with fewer than two."""
    if len(listing) < 2:
        return None
    newest = listing.iloc[0]
    same = listing.iloc[1:][listing.iloc[1:]["kind"] == newest["kind"]]
    other = same.iloc[0] if len(same) else listing.iloc[1]
    return int(other["scenario_id"]), int(newest["scenario_id"])
