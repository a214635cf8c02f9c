"""Deployment planner: where the next mediators should go.

Demand points *i* are the communes' representative points, weighted by their estimated
population a_i (optionally × their cercle's risk score). Candidate sites *j* are the communes'
points (optionally of chosen regions only); existing mediators stand, as for every distance in
Veille, at their disclosure zone's point (:func:`geo.coverage.mediator_points`) and are fixed
facilities. Distances d_ij in km in :data:`geo.coverage.DISTANCE_CRS`. A demand point is
*covered* when some facility (existing or new) lies within the service radius S.

* **MCLP** (maximal covering, spopt): maximise Σ a_i X_i subject to Σ_{j ∈ N_i} Y_j ≥ X_i,
  Σ_j Y_j = p, Y_j = 1 for the existing sites, X, Y binary, with N_i = {j : d_ij ≤ S} and
  p = existing + new.
* **p-median** (spopt): minimise Σ_i Σ_j a_i d_ij Z_ij with each demand point assigned to one
  open facility, Σ_j Y_j = p, existing sites open.

Solved with CBC (pulp's bundled solver) under a time limit.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from geo import coverage, reference

MODELS = ("mclp", "pmedian")
DEMANDS = ("population", "risk")
MAX_RADIUS_KM = 300
DEFAULT_TIME_LIMIT = 30


class PlanError(ValueError):
    """A plan refused: ``code`` (translated by the screen) and its ``details``."""

    def __init__(self, code: str, **details):
        super().__init__(f"{code} {details}")
        self.code, self.details = code, details


@dataclass
class Plan:
    model: str
    new: int
    radius_km: float
    demand: str
    covered_before: float
    covered_after: float
    sites: pd.DataFrame                 # commune_id, cercle_id, region_id, covered_population_gain
    solver_status: str
    seconds: float
    population: float = 0.0
    per_cercle: pd.DataFrame = field(default_factory=pd.DataFrame)

    def as_json(self) -> dict:
        return {"model": self.model, "new": self.new, "radius_km": self.radius_km,
                "demand": self.demand,
                "covered_population_before": round(self.covered_before),
                "covered_population_after": round(self.covered_after),
                "sites": [{"commune_id": r.commune_id, "cercle_id": r.cercle_id,
                           "covered_population_gain": round(r.covered_population_gain)}
                          for r in self.sites.itertuples()],
                "solver_status": self.solver_status, "seconds": round(self.seconds, 3)}


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance matrix (km) between lon/lat arrays ``a`` (n × 2) and ``b`` (m × 2)."""
    pa, pb = coverage.to_metres(a[:, 0], a[:, 1]), coverage.to_metres(b[:, 0], b[:, 1])
    return np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1]) / 1000


def solve(cost: np.ndarray, weights: np.ndarray, existing: np.ndarray, new: int,
          radius_km: float, model: str = "mclp", time_limit: float = DEFAULT_TIME_LIMIT
          ) -> tuple[np.ndarray, str]:
    """The chosen facilities (a boolean mask over the columns of ``cost``, ``existing`` among
    them) and the solver's status, for ``new`` facilities more than ``existing``."""
    import warnings

    with warnings.catch_warnings():       # spopt builds its variables the PuLP 3 way
        warnings.simplefilter("ignore", DeprecationWarning)
        return _solve(cost, weights, existing, new, radius_km, model, time_limit)


def _solve(cost, weights, existing, new, radius_km, model, time_limit):
    import pulp
    from spopt.locate import MCLP, PMedian

    p = int(existing.sum()) + new
    fixed = existing.astype(int) if existing.any() else None
    if model == "mclp":
        # Demand the existing sites already cover adds the same to every solution: the model
        # is solved on the rest, over the new candidates only (same optimum, far smaller).
        rest = ~(cost[:, existing] <= radius_km).any(axis=1) if existing.any() \
            else np.ones(len(cost), bool)
        free = np.nonzero(~existing)[0]
        chosen = existing.copy()
        if not rest.any() or weights[rest].sum() == 0:
            chosen[free[:new]] = True      # nothing left to cover: any sites do
            return chosen, "Optimal"
        problem = MCLP.from_cost_matrix(cost[np.ix_(rest, free)], weights[rest], radius_km,
                                        new)
        problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
        status = pulp.LpStatus[problem.problem.status]
        picked = np.array([bool(round(v.value() or 0)) for v in problem.fac_vars])
        chosen[free[picked]] = True
        return chosen, status
    if model == "pmedian":
        problem = PMedian.from_cost_matrix(cost, weights, p, predefined_facilities_arr=fixed)
    else:
        raise PlanError("model", model=model)
    problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    status = pulp.LpStatus[problem.problem.status]
    chosen = np.array([bool(round(v.value() or 0)) for v in problem.fac_vars])
    return chosen, status


def covered(cost: np.ndarray, weights: np.ndarray, open_: np.ndarray, radius_km: float
            ) -> float:
    """Demand within ``radius_km`` of an open facility."""
    if not open_.any():
        return 0.0
    return float(weights[(cost[:, open_] <= radius_km).any(axis=1)].sum())


def plan(records: dict[str, pd.DataFrame], new: int, radius_km: float, model: str = "mclp",
         demand: str = "population", scores: pd.Series | None = None,
         regions: list[str] | None = None, as_of: date | None = None,
         time_limit: float = DEFAULT_TIME_LIMIT, ref=None) -> Plan:
    """Where ``new`` mediators should go (see the module docstring)."""
    ref = ref or reference.load()
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise PlanError("radius", max=MAX_RADIUS_KM)
    if model not in MODELS:
        raise PlanError("model", model=model)
    if demand not in DEMANDS:
        raise PlanError("demand", demand=demand)
    communes = ref.communes
    pts = ref.points["commune"]
    demand_xy = np.column_stack([pts.x, pts.y])
    weights = ref.commune_population.reindex(communes.index).to_numpy(dtype=float)
    if demand == "risk":
        if scores is None:
            raise PlanError("demand", demand=demand)
        weights = weights * communes["cercle_id"].map(scores).fillna(0).to_numpy(dtype=float)
    candidates = communes.index
    if regions:
        candidates = candidates[communes["region_id"].isin(regions).to_numpy()]
    if not 0 <= new <= len(candidates):
        raise PlanError("new", max=len(candidates))
    med = records.get("mediators")
    if med is None or med.empty:
        med = pd.DataFrame(columns=["cercle_id", "commune_id", "status", "latitude",
                                    "longitude"])
    zones = coverage.mediator_points(med, ref, as_of)[["lon", "lat"]].drop_duplicates()
    site_xy = np.vstack([zones.to_numpy(dtype=float).reshape(-1, 2),
                         np.column_stack([pts[candidates].x, pts[candidates].y])])
    existing = np.r_[np.ones(len(zones), bool), np.zeros(len(candidates), bool)]
    cost = _km(demand_xy, site_xy)
    population = ref.commune_population.reindex(communes.index).to_numpy(dtype=float)
    start = _time.perf_counter()
    if new == 0:
        chosen, status = existing.copy(), "Optimal"
    else:
        chosen, status = solve(cost, weights, existing, new, radius_km, model, time_limit)
        if status not in ("Optimal",) or chosen.sum() != existing.sum() + new:
            raise PlanError("solver", status=status)
    seconds = _time.perf_counter() - start
    before = covered(cost, population, existing, radius_km)
    after = covered(cost, population, chosen, radius_km)
    new_idx = np.nonzero(chosen & ~existing)[0]
    # each new site's own gain, in greedy order (the largest first): where more stop paying
    open_, rows = existing.copy(), []
    left = list(new_idx)
    while left:
        gains = [covered(cost, population, _with(open_, j), radius_km) for j in left]
        best = int(np.argmax(gains))
        j = left.pop(best)
        gain = gains[best] - covered(cost, population, open_, radius_km)
        open_[j] = True
        cid = candidates[j - len(zones)]
        rows.append({"commune_id": cid, "cercle_id": communes.at[cid, "cercle_id"],
                     "region_id": communes.at[cid, "region_id"],
                     "covered_population_gain": gain})
    sites = pd.DataFrame(rows, columns=["commune_id", "cercle_id", "region_id",
                                        "covered_population_gain"])
    return Plan(model, new, radius_km, demand, before, after, sites, status, seconds,
                float(population.sum()))


def _with(mask: np.ndarray, j: int) -> np.ndarray:
    out = mask.copy()
    out[j] = True
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys

    from geo import indicators, risk, store
    from geo.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m geo.planner",
                                     description="Where the next mediators should go.")
    parser.add_argument("--new", type=int, required=True)
    parser.add_argument("--radius-km", type=float, required=True)
    parser.add_argument("--model", choices=MODELS, default="mclp")
    parser.add_argument("--demand", choices=DEMANDS, default="population")
    parser.add_argument("--as-of", type=date.fromisoformat)
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    engine = store.make_engine(Settings.from_environment().database_url)
    records = {k: store.load_records(engine, k) for k in ("mediators", "workshops", "tensions")}
    scores = None
    if args.demand == "risk":
        table = indicators.cercle_indicators(engine, args.as_of)
        scores = risk.score(table, risk.method_for(table)).score
    try:
        result = plan(records, args.new, args.radius_km, args.model, args.demand, scores,
                      as_of=args.as_of, time_limit=args.time_limit)
    except PlanError as err:
        print(f"refused: {err.code} {err.details}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_json(), indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
