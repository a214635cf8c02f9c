"""Deployment planner: where the next mediators and workshops should go.

**Mediators.** Demand points *i* are the communes' representative points, weighted by a_i:
their estimated population (``demand="population"``), × their cercle's risk score of the
current view (``"risk"``), or × their cercle's coverage-gap weight (``"gap"``,
:data:`GAP_WEIGHTS`: priority 1, watch 0.75, reinforce 0.5, adequate 0.25, no class 0).
Candidate sites *j* are the communes' points (optionally of chosen regions or cercles only,
less the communes marked unreachable); existing mediators stand, as for every distance in
Veille, at their disclosure zone's point (:func:`geo.analysis.coverage.mediator_points`) and are fixed
facilities. Distances d_ij in km in :data:`geo.reference.units.DISTANCE_CRS`. A demand point is
*covered* when some facility (existing or new) lies within the service radius S; the
covered population counts people (a_i before weighting), whatever the demand weighting.

* **MCLP** (maximal covering, spopt): maximise Σ a_i X_i subject to Σ_{j ∈ N_i} Y_j ≥ X_i,
  Σ_j Y_j = p, Y_j = 1 for the existing sites, X, Y binary, with N_i = {j : d_ij ≤ S} and
  p = existing + new.
* **p-median**: minimise Σ_i Σ_j a_i d_ij Z_ij with each demand point assigned to one
  open facility, Σ_j Y_j = p, existing sites open — spopt's model, written sparse in PuLP
  (:func:`_pmedian` says why and why it has the same optimum).

Solved with CBC (pulp's bundled solver) under a time limit, with a relative MIP gap of 0 (an
"Optimal" status is a proven optimum). The screen solves in a short-lived child process
(``isolated=True``): spopt and its stack weigh ~150 MB that the app need not keep.

**Workshops** (:func:`plan_workshops`). A workshop trains the actors of its own cercle, so its
"coverage" is that cercle, not a radius: the covering sets are disjoint, and the MCLP with
K facilities then reduces exactly to taking the K cercles of largest weight
w_c = population_c × risk_c × min(m_c, M) / M, with m_c the months since the cercle's last
workshop (from the programme's start when it never had one) and M = :data:`WORKSHOP_HORIZON_MONTHS`
(a cercle trained within M months is partly served). Sorting gives the optimum; no solver is
needed, and none is called.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis import coverage
from geo import reference
from geo.reference import units

MODELS = ("mclp", "pmedian")
DEMANDS = ("population", "risk", "gap")
#: Demand weight per coverage-gap class (``demand="gap"``); a cercle without a class: 0.
GAP_WEIGHTS = {"priority": 1.0, "watch": 0.75, "reinforce": 0.5, "adequate": 0.25}
MAX_RADIUS_KM = 300
DEFAULT_TIME_LIMIT = 30
WORKSHOP_HORIZON_MONTHS = 24


class PlanError(ValueError):
    """A plan refused: ``code`` (translated by the screen) and its ``details``."""

    def __init__(self, code: str, **details):
        super().__init__(f"{code} {details}")
        self.code, self.details = code, details


SITE_COLUMNS = ["order", "commune_id", "cercle_id", "region_id", "lon", "lat",
                "covered_population_gain"]
CERCLE_COLUMNS = ["cercle_id", "population", "covered_before", "covered_after"]


@dataclass
class Plan:
    model: str
    new: int
    radius_km: float
    demand: str
    covered_before: float
    covered_after: float
    sites: pd.DataFrame                 # SITE_COLUMNS, in greedy order (largest gain first)
    solver_status: str
    seconds: float
    population: float = 0.0
    per_cercle: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=CERCLE_COLUMNS))
    inputs: dict = field(default_factory=dict)     # every input, as given (JSON-ready)
    mip_gap: float | None = 0.0

    def as_json(self) -> dict:
        return {"model": self.model, "new": self.new, "radius_km": self.radius_km,
                "demand": self.demand,
                "covered_population_before": round(self.covered_before),
                "covered_population_after": round(self.covered_after),
                "sites": [{"commune_id": r.commune_id, "cercle_id": r.cercle_id,
                           "covered_population_gain": round(r.covered_population_gain)}
                          for r in self.sites.itertuples()],
                "solver_status": self.solver_status, "seconds": round(self.seconds, 3)}

    def to_record(self) -> dict:
        """Everything, JSON-ready (a saved scenario's outputs): :meth:`from_record` inverts it."""
        return {"kind": "mediators", "model": self.model, "new": self.new,
                "radius_km": self.radius_km, "demand": self.demand,
                "covered_before": self.covered_before, "covered_after": self.covered_after,
                "population": self.population, "solver_status": self.solver_status,
                "seconds": self.seconds, "mip_gap": self.mip_gap, "inputs": self.inputs,
                "sites": _rows(self.sites, SITE_COLUMNS),
                "per_cercle": _rows(self.per_cercle, CERCLE_COLUMNS)}

    @classmethod
    def from_record(cls, rec: dict) -> Plan:
        return cls(rec["model"], rec["new"], rec["radius_km"], rec["demand"],
                   rec["covered_before"], rec["covered_after"],
                   pd.DataFrame(rec["sites"], columns=SITE_COLUMNS), rec["solver_status"],
                   rec["seconds"], rec["population"],
                   pd.DataFrame(rec["per_cercle"], columns=CERCLE_COLUMNS), rec["inputs"],
                   rec.get("mip_gap"))


WORKSHOP_COLUMNS = ["order", "cercle_id", "region_id", "population", "risk_score",
                    "months_since_workshop", "weight"]


@dataclass
class WorkshopPlan:
    k: int
    cercles: pd.DataFrame               # WORKSHOP_COLUMNS, largest weight first
    total_weight: float
    inputs: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"kind": "workshops", "k": self.k, "cercles": [
            {"cercle_id": r.cercle_id, "weight": round(r.weight, 1),
             "months_since_workshop": round(r.months_since_workshop, 1)}
            for r in self.cercles.itertuples()]}

    def to_record(self) -> dict:
        return {"kind": "workshops", "k": self.k, "total_weight": self.total_weight,
                "inputs": self.inputs, "solver_status": "Optimal", "mip_gap": 0.0,
                "cercles": _rows(self.cercles, WORKSHOP_COLUMNS)}

    @classmethod
    def from_record(cls, rec: dict) -> WorkshopPlan:
        return cls(rec["k"], pd.DataFrame(rec["cercles"], columns=WORKSHOP_COLUMNS),
                   rec["total_weight"], rec["inputs"])


def from_record(rec: dict) -> Plan | WorkshopPlan:
    """A saved plan back (either kind)."""
    return (WorkshopPlan if rec.get("kind") == "workshops" else Plan).from_record(rec)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: (v.item() if hasattr(v, "item") else v) for c, v in row.items()}
            for row in frame[columns].to_dict(orient="records")]


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance matrix (km) between lon/lat arrays ``a`` (n × 2) and ``b`` (m × 2)."""
    pa, pb = units.to_metres(a[:, 0], a[:, 1]), units.to_metres(b[:, 0], b[:, 1])
    return np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1]) / 1000


def solve(cost: np.ndarray, weights: np.ndarray, existing: np.ndarray, new: int,
          radius_km: float, model: str = "mclp", time_limit: float = DEFAULT_TIME_LIMIT,
          isolated: bool = False) -> tuple[np.ndarray, str]:
    """The chosen facilities (a boolean mask over the columns of ``cost``, ``existing`` among
    them) and the solver's status, for ``new`` facilities more than ``existing``.

    ``isolated``: solve in a fresh child process (spawned, so nothing of the caller is
    copied), which exits afterwards with the solver's memory; a child that dies or overruns
    the time limit by a minute gives the status ``"Not Solved"``."""
    if model not in MODELS:
        raise PlanError("model", model=model)
    if not isolated:
        return _solve(cost, weights, existing, new, radius_km, model, time_limit)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as Overrun
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        job = pool.submit(_solve, cost, weights, existing, new, radius_km, model, time_limit)
        return job.result(timeout=time_limit + 60)
    except (Overrun, BrokenProcessPool):
        return existing.copy(), "Not Solved"
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()          # an overrun child must not keep solving
        pool.shutdown(wait=False, cancel_futures=True)


def _solve(cost, weights, existing, new, radius_km, model, time_limit):
    import warnings

    import pulp
    from spopt.locate import MCLP

    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=0)
    with warnings.catch_warnings():       # spopt builds its variables the PuLP 3 way
        warnings.simplefilter("ignore", DeprecationWarning)
        if model == "mclp":
            # Demand the existing sites already cover adds the same to every solution: the
            # model is solved on the rest, over the new candidates only (same optimum, far
            # smaller).
            rest = ~(cost[:, existing] <= radius_km).any(axis=1) if existing.any() \
                else np.ones(len(cost), bool)
            free = np.nonzero(~existing)[0]
            chosen = existing.copy()
            if not rest.any() or weights[rest].sum() == 0:
                chosen[free[:new]] = True      # nothing left to cover: any sites do
                return chosen, "Optimal"
            problem = MCLP.from_cost_matrix(cost[np.ix_(rest, free)], weights[rest],
                                            radius_km, new)
            try:
                problem.solve(solver)
            except RuntimeError:             # spopt's check_status: not solved in time
                return existing.copy(), _status(problem.problem)
            picked = np.array([bool(round(v.value() or 0)) for v in problem.fac_vars])
            chosen[free[picked]] = True
        else:
            return _pmedian(cost, weights, existing, new, solver)
    return chosen, _status(problem.problem)


def _status(problem) -> str:
    """PuLP's status, "Optimal" only for a proven optimum: CBC stopped by the time limit
    with a solution in hand reports status 1 too, with ``sol_status`` "integer feasible"."""
    import pulp

    status = pulp.LpStatus[problem.status]
    if status == "Optimal" and problem.sol_status != pulp.LpSolutionOptimal:
        return "Not Solved"
    return status


def _pmedian(cost, weights, existing, new, solver):
    """The p-median with the existing sites open, written sparse (PuLP, CBC).

    spopt 0.7's ``PMedian`` builds one assignment variable per (demand, site) pair: 701 ×
    898 here, 63 s with CBC, over the time limit. A demand point is never assigned, in an
    optimum, to a new site farther than its nearest existing one d0_i (that one is open and
    at least as near), so only the pairs with d_ij < d0_i get a variable (about 2,200 of
    490,000 with the demonstration's mediators) and "stay with the nearest existing site"
    one more, of cost d0_i: minimise Σ_i a_i (d0_i z_i0 + Σ_j d_ij z_ij) subject to
    z_i0 + Σ_j z_ij = 1, z_ij ≤ Y_j, Σ_j Y_j = p. The same optimum as spopt's model
    (tests/test_planner.py checks both against brute force)."""
    import pulp

    n = len(cost)
    free = np.nonzero(~existing)[0]
    d0 = cost[:, existing].min(axis=1) if existing.any() else np.full(n, np.inf)
    rows, cols = np.nonzero(cost[:, free] < d0[:, None])
    useful = np.unique(cols)
    chosen = existing.copy()
    if len(useful) <= new:                  # every useful site opens; the rest change nothing
        extra = [j for j in range(len(free)) if j not in set(useful)][:new - len(useful)]
        chosen[free[np.r_[useful, extra].astype(int)]] = True
        return chosen, "Optimal"
    problem = pulp.LpProblem("p_median", pulp.LpMinimize)
    y = {j: pulp.LpVariable(f"y_{j}", cat="Binary") for j in useful}
    z = {(i, j): pulp.LpVariable(f"z_{i}_{j}", 0, 1) for i, j in zip(rows, cols)}
    z0 = {i: pulp.LpVariable(f"z0_{i}", 0, 1) for i in range(n) if np.isfinite(d0[i])}
    problem += (pulp.lpSum(weights[i] * d0[i] * v for i, v in z0.items())
                + pulp.lpSum(weights[i] * cost[i, free[j]] * v for (i, j), v in z.items()))
    by_row: dict[int, list] = {}
    for (i, j), v in z.items():
        by_row.setdefault(i, []).append(v)
        problem += v <= y[j]
    for i in range(n):
        terms = by_row.get(i, []) + ([z0[i]] if i in z0 else [])
        problem += pulp.lpSum(terms) == 1
    problem += pulp.lpSum(y.values()) == new
    problem.solve(solver)
    picked = [j for j, v in y.items() if round(v.value() or 0)]
    chosen[free[picked]] = True
    return chosen, _status(problem)


def covered(cost: np.ndarray, weights: np.ndarray, open_: np.ndarray, radius_km: float
            ) -> float:
    """Demand within ``radius_km`` of an open facility."""
    if not open_.any():
        return 0.0
    return float(weights[(cost[:, open_] <= radius_km).any(axis=1)].sum())


def _candidates(units: pd.DataFrame, regions, cercles, exclude) -> pd.Index:
    """The units' ids within the chosen regions and cercles (either given: their union), less
    the excluded ones."""
    keep = np.ones(len(units), bool)
    if regions or cercles:
        keep = units["region_id"].isin(regions or []).to_numpy() \
            | units["cercle_id"].isin(cercles or []).to_numpy()
    if exclude:
        keep &= ~units.index.isin(exclude)
    return units.index[keep]


def _weights(cercle_of: pd.Series, population: np.ndarray, demand: str, scores, gaps
             ) -> np.ndarray:
    if demand == "population":
        return population
    if demand == "risk":
        if scores is None:
            raise PlanError("demand", demand=demand)
        return population * cercle_of.map(scores).fillna(0).to_numpy(dtype=float)
    if gaps is None:
        raise PlanError("demand", demand=demand)
    return population * cercle_of.map(gaps).map(GAP_WEIGHTS).fillna(0).to_numpy(dtype=float)


def plan(records: dict[str, pd.DataFrame], new: int, radius_km: float, model: str = "mclp",
         demand: str = "population", scores: pd.Series | None = None,
         regions: list[str] | None = None, as_of: date | None = None,
         time_limit: float = DEFAULT_TIME_LIMIT, ref=None, *,
         cercles: list[str] | None = None, exclude: list[str] | None = None,
         gaps: pd.Series | None = None, isolated: bool = False,
         context: dict | None = None) -> Plan:
    """Where ``new`` mediators should go (see the module docstring). ``scores``: the
    cercles' risk scores (``demand="risk"``); ``gaps``: their gap classes (``"gap"``);
    ``context``: what else the caller wants recorded with the inputs (e.g. the view)."""
    ref = ref or reference.load()
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise PlanError("radius", max=MAX_RADIUS_KM)
    if model not in MODELS:
        raise PlanError("model", model=model)
    if demand not in DEMANDS:
        raise PlanError("demand", demand=demand)
    communes = ref.communes
    pts = ref.points["commune"]
    population = ref.commune_population.reindex(communes.index).to_numpy(dtype=float)
    weights = _weights(communes["cercle_id"], population, demand, scores, gaps)
    candidates = _candidates(communes, regions, cercles, exclude)
    if not 0 <= new <= len(candidates):
        raise PlanError("new", max=len(candidates))
    inputs = {"new": int(new), "radius_km": float(radius_km), "model": model,
              "demand": demand, "regions": sorted(regions or []),
              "cercles": sorted(cercles or []), "exclude": sorted(exclude or []),
              "as_of": as_of.isoformat() if as_of else None, "time_limit_s": time_limit,
              **(context or {})}
    med = records.get("mediators")
    if med is None or med.empty:
        med = pd.DataFrame(columns=["cercle_id", "commune_id", "status", "latitude",
                                    "longitude"])
    zones = coverage.mediator_points(med, ref, as_of)[["lon", "lat"]].drop_duplicates()
    cand_xy = np.column_stack([pts[candidates].x, pts[candidates].y])
    site_xy = np.vstack([zones.to_numpy(dtype=float).reshape(-1, 2), cand_xy])
    existing = np.r_[np.ones(len(zones), bool), np.zeros(len(candidates), bool)]
    cost = _km(np.column_stack([pts.x, pts.y]), site_xy)
    start = _time.perf_counter()
    if new == 0:
        chosen, status = existing.copy(), "Optimal"
    else:
        chosen, status = solve(cost, weights, existing, new, radius_km, model, time_limit,
                               isolated)
        if status != "Optimal" or chosen.sum() != existing.sum() + new:
            raise PlanError("solver", status=status)
    seconds = _time.perf_counter() - start
    reach = cost <= radius_km
    # each new site's own gain, in greedy order (the largest first): where more stop paying
    open_ = existing.copy()
    is_covered = reach[:, open_].any(axis=1) if open_.any() else np.zeros(len(cost), bool)
    before_mask = is_covered.copy()
    rows, left = [], list(np.nonzero(chosen & ~existing)[0])
    while left:
        gains = [float(population[reach[:, j] & ~is_covered].sum()) for j in left]
        best = int(np.argmax(gains))
        j = left.pop(best)
        is_covered |= reach[:, j]
        cid = candidates[j - len(zones)]
        rows.append({"order": len(rows) + 1, "commune_id": cid,
                     "cercle_id": communes.at[cid, "cercle_id"],
                     "region_id": communes.at[cid, "region_id"],
                     "lon": round(float(pts[cid].x), 5), "lat": round(float(pts[cid].y), 5),
                     "covered_population_gain": gains[best]})
    sites = pd.DataFrame(rows, columns=SITE_COLUMNS)
    per_cercle = pd.DataFrame({"cercle_id": communes["cercle_id"].to_numpy(),
                               "population": population,
                               "covered_before": population * before_mask,
                               "covered_after": population * is_covered}) \
        .groupby("cercle_id", as_index=False).sum()
    return Plan(model, int(new), float(radius_km), demand,
                float(population[before_mask].sum()), float(population[is_covered].sum()),
                sites, status, seconds, float(population.sum()), per_cercle, inputs,
                0.0 if status == "Optimal" else None)


def plan_workshops(records: dict[str, pd.DataFrame], k: int, scores: pd.Series,
                   as_of: date, regions: list[str] | None = None,
                   cercles: list[str] | None = None, exclude: list[str] | None = None,
                   ref=None, context: dict | None = None) -> WorkshopPlan:
    """The next ``k`` workshops: the ``k`` candidate cercles of largest weight (see the module
    docstring for why this is the MCLP's exact optimum)."""
    from geo.analysis import indicators

    ref = ref or reference.load()
    units = ref.cercles
    candidates = _candidates(units, regions, cercles, exclude)
    if not 0 <= k <= len(candidates):
        raise PlanError("new", max=len(candidates))
    months = indicators.months_since_workshop(records.get("workshops"), units.index, as_of)
    population = units["population"].astype(float)
    risk_ = scores.reindex(units.index).astype(float)
    weight = population * risk_.fillna(0) * months.clip(upper=WORKSHOP_HORIZON_MONTHS) \
        / WORKSHOP_HORIZON_MONTHS
    table = pd.DataFrame({"cercle_id": units.index, "region_id": units["region_id"].to_numpy(),
                          "population": population.to_numpy(), "risk_score": risk_.to_numpy(),
                          "months_since_workshop": months.to_numpy(),
                          "weight": weight.to_numpy()})
    top = table[table["cercle_id"].isin(candidates)] \
        .sort_values(["weight", "cercle_id"], ascending=[False, True]).head(k) \
        .reset_index(drop=True)
    top.insert(0, "order", range(1, len(top) + 1))
    inputs = {"k": int(k), "regions": sorted(regions or []), "cercles": sorted(cercles or []),
              "exclude": sorted(exclude or []), "as_of": as_of.isoformat(),
              "horizon_months": WORKSHOP_HORIZON_MONTHS, **(context or {})}
    return WorkshopPlan(int(k), top[WORKSHOP_COLUMNS], float(table["weight"].sum()), inputs)


def as_geojson(result: Plan | WorkshopPlan, names: pd.DataFrame | None = None,
               points: pd.Series | None = None) -> dict:
    """The proposed sites as a GeoJSON FeatureCollection (RFC 7946), every input and the
    summary recorded in the foreign members ``veille_inputs`` and ``veille_summary``.
    ``names``: French names by commune (or cercle) id; ``points``: the cercles' points (for a
    workshop plan; default: their representative points)."""
    features = []
    if isinstance(result, WorkshopPlan):
        summary = {k: v for k, v in result.as_json().items() if k != "cercles"}
        points = reference.load().points["cercle"] if points is None else points
        for r in result.cercles.itertuples():
            pt = points[r.cercle_id]
            features.append(_feature(round(pt.x, 5), round(pt.y, 5), {
                "order": r.order, "cercle_id": r.cercle_id, "region_id": r.region_id,
                "name_fr": _name(names, r.cercle_id), "weight": round(r.weight, 1),
                "months_since_workshop": round(r.months_since_workshop, 1)}))
    else:
        summary = {k: v for k, v in result.as_json().items() if k != "sites"}
        for r in result.sites.itertuples():
            features.append(_feature(r.lon, r.lat, {
                "order": r.order, "commune_id": r.commune_id, "cercle_id": r.cercle_id,
                "region_id": r.region_id, "name_fr": _name(names, r.commune_id),
                "covered_population_gain": round(r.covered_population_gain)}))
    return {"type": "FeatureCollection", "veille_inputs": result.inputs,
            "veille_summary": summary, "features": features}


def _feature(lon, lat, properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _name(names, key):
    return None if names is None else names.get(key)


def proposed_actions(result: Plan | WorkshopPlan) -> list[dict]:
    """One action per cercle of a plan's proposals: a mediator deployment, or a workshop for a
    workshop plan (``cercle_id, kind``, for :func:`geo.records.actions.add_many`)."""
    workshops = isinstance(result, WorkshopPlan)
    targets = (result.cercles if workshops else result.sites)["cercle_id"].drop_duplicates()
    return [{"cercle_id": c, "kind": "workshop" if workshops else "deployment"} for c in targets]
