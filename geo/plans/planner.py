"""Deployment planner: where the next mediators and workshops should go, as one plan.

**People.** Each commune's population is the census population of its cercle shared by area
(:attr:`geo.reference.Reference.commune_population`), then rounded to whole people so that
each cercle keeps its census total exactly (largest remainders, :func:`whole_people`): every
figure of a plan — covered before and after, each site's gain, each cercle's — is a sum of
whole people, so the screen, the exports, the command line and the brief agree to the unit.

**Mediators.** Demand points *i* are the communes' representative points, weighted by a_i:
their population (``demand="population"``), × their cercle's risk score of the current view
(``"risk"``), or × their cercle's coverage-gap weight (``"gap"``, :data:`GAP_WEIGHTS`:
priority 1, watch 0.75, reinforce 0.5, adequate 0.25, no class 0). Candidate sites *j* are the
communes' points (optionally of chosen regions or cercles only, less the communes marked
unreachable); existing mediators stand, as for every distance in Veille, at their disclosure
zone's point (:func:`geo.analysis.coverage.mediator_points`) and are fixed facilities.
Distances d_ij in km in :data:`geo.reference.units.DISTANCE_CRS`. A demand point is
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

**Marginal gains, and where more sites add nothing.** The chosen sites are put in greedy
order: each next site is the one that adds most to the model's own objective given those
before it (MCLP: weighted demand newly within S; p-median: the fall of Σ_i a_i min_j d_ij),
and each carries its gains in people — ``covered_population_gain`` (people newly within S)
and ``people_nearer`` (people for whom it is nearer than every facility before it). A site
whose objective gain is zero adds nothing the model values: the sites before it already
reach the same optimum (so they are an optimum for their own number too), and it is left out
of the plan — never listed as a proposal, never turned into an action. The plan then says so
(:attr:`Plan.saturated`): beyond ``len(sites)`` new mediators, no gain with this radius and
these candidate sites.

**Distances, as published.** The population-weighted mean distance from each commune's point
to its nearest mediator (km; existing ones at their zone points), before and after the plan,
and the population in each distance band: published in the bands of
:data:`geo.analysis.disclosure.DISTANCE_BANDS_KM`, as every distance to a mediator.

**Workshops** (:func:`plan_workshops`). A workshop trains the actors of its own cercle, so its
"coverage" is that cercle, not a radius: the covering sets are disjoint, and the MCLP with
K facilities then reduces exactly to taking the K cercles of largest weight
w_c = population_c × risk_c × min(m_c, M) / M, with m_c the months since the cercle's last
workshop (from the programme's start when it never had one) and M = :data:`WORKSHOP_HORIZON_MONTHS`
(a cercle trained within M months is partly served). Sorting gives the optimum; no solver is
needed, and none is called. A cercle of weight 0 (no risk, or a workshop this month) adds
nothing and is not proposed.

**One plan** (:class:`Deployment`): mediators, workshops or both, computed together from one
set of inputs (:func:`deploy`), saved as one scenario, turned into actions together
(:func:`proposed_actions`).
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from geo.reference import Reference
from geo.analysis import coverage, disclosure
from geo.reference import units
from geo.analysis import indicators
from geo.i18n import t

MODELS = ("mclp", "pmedian")
DEMANDS = ("population", "risk", "gap")
KINDS = ("mediators", "workshops", "both")
#: Demand weight per coverage-gap class (``demand="gap"``); a cercle without a class: 0.
GAP_WEIGHTS = {"priority": 1.0, "watch": 0.75, "reinforce": 0.5, "adequate": 0.25}
MAX_RADIUS_KM = 300
MAX_NEW = 500
MAX_WORKSHOPS = 50
DEFAULT_TIME_LIMIT = 30
WORKSHOP_HORIZON_MONTHS = 24


class PlanError(ValueError):
    """A plan refused: ``code`` (translated by the screen) and its ``details``."""

    def __init__(self, code: str, **details):
        super().__init__(f"{code} {details}")
        self.code, self.details = code, details


SITE_COLUMNS = ["order", "commune_id", "cercle_id", "region_id", "lon", "lat",
                "covered_population_gain", "people_nearer"]
CERCLE_COLUMNS = ["cercle_id", "population", "covered_before", "covered_after"]
BAND_COLUMNS = ["from_km", "to_km", "population_before", "population_after"]


def _band_frame() -> pd.DataFrame:
    return pd.DataFrame(columns=BAND_COLUMNS)


@dataclass
class Plan:
    """Where the next mediators go: ``sites`` are the useful ones only (greedy order, each
    with its gains in people); ``new`` is the number asked. People are whole numbers."""

    model: str
    new: int
    radius_km: float
    demand: str
    covered_before: int
    covered_after: int
    sites: pd.DataFrame                 # SITE_COLUMNS, in greedy order (largest gain first)
    solver_status: str
    seconds: float
    population: int = 0
    per_cercle: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=CERCLE_COLUMNS))
    inputs: dict = field(default_factory=dict)     # every input, as given (JSON-ready)
    mip_gap: float | None = 0.0
    distance_before_km: float = float("nan")       # population-weighted mean (never shown raw)
    distance_after_km: float = float("nan")
    bands: pd.DataFrame = field(default_factory=_band_frame)   # people per distance band

    @property
    def saturated(self) -> bool:
        """True when fewer sites than asked add anything (the rest are left out)."""
        return len(self.sites) < self.new

    def as_json(self) -> dict:
        """The plan as published (command line, GeoJSON summary): people, bands, sites."""
        return {"model": self.model, "new": self.new, "useful": len(self.sites),
                "saturated": self.saturated, "radius_km": self.radius_km,
                "demand": self.demand, "population": int(self.population),
                "covered_population_before": int(self.covered_before),
                "covered_population_after": int(self.covered_after),
                "mean_distance_band_before": _band_json(self.distance_before_km),
                "mean_distance_band_after": _band_json(self.distance_after_km),
                "population_by_distance_band": [
                    {"from_km": r.from_km, "to_km": None if pd.isna(r.to_km) else r.to_km,
                     "before": int(r.population_before), "after": int(r.population_after)}
                    for r in self.bands.itertuples()],
                "sites": [{"order": int(r.order), "commune_id": r.commune_id,
                           "cercle_id": r.cercle_id,
                           "covered_population_gain": int(r.covered_population_gain),
                           "people_nearer": int(r.people_nearer)}
                          for r in self.sites.itertuples()],
                "solver_status": self.solver_status, "seconds": round(self.seconds, 3)}

    def to_record(self) -> dict:
        """Everything, JSON-ready (a saved scenario's outputs): :meth:`from_record` inverts it."""
        return {"kind": "mediators", "model": self.model, "new": self.new,
                "radius_km": self.radius_km, "demand": self.demand,
                "covered_before": int(self.covered_before),
                "covered_after": int(self.covered_after),
                "population": int(self.population), "solver_status": self.solver_status,
                "seconds": self.seconds, "mip_gap": self.mip_gap, "inputs": self.inputs,
                "distance_before_km": _finite(self.distance_before_km),
                "distance_after_km": _finite(self.distance_after_km),
                "sites": _rows(self.sites, SITE_COLUMNS),
                "per_cercle": _rows(self.per_cercle, CERCLE_COLUMNS),
                "bands": _rows(self.bands, BAND_COLUMNS)}

    @classmethod
    def from_record(cls, rec: dict) -> Plan:
        sites = pd.DataFrame(rec["sites"], columns=SITE_COLUMNS)
        if sites["people_nearer"].isna().all():          # saved before issue 30
            sites["people_nearer"] = 0
        return cls(rec["model"], rec["new"], rec["radius_km"], rec["demand"],
                   rec["covered_before"], rec["covered_after"], sites, rec["solver_status"],
                   rec["seconds"], rec["population"],
                   pd.DataFrame(rec["per_cercle"], columns=CERCLE_COLUMNS), rec["inputs"],
                   rec.get("mip_gap"), _nan(rec.get("distance_before_km")),
                   _nan(rec.get("distance_after_km")),
                   pd.DataFrame(rec.get("bands", []), columns=BAND_COLUMNS))


def _finite(value: float) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def _nan(value) -> float:
    return float("nan") if value is None else float(value)


def _band_json(distance_km: float) -> dict | None:
    """A distance as published in JSON: its band's limits (km; ``to_km`` None for the last)."""
    i = disclosure.band_index(distance_km)
    if i is None:
        return None
    bands = disclosure.DISTANCE_BANDS_KM
    return {"from_km": bands[i], "to_km": bands[i + 1] if i + 1 < len(bands) else None}


WORKSHOP_COLUMNS = ["order", "cercle_id", "region_id", "population", "risk_score",
                    "months_since_workshop", "weight"]


@dataclass
class WorkshopPlan:
    """Where the next workshops go: ``cercles`` are the useful ones (weight > 0), largest
    weight first; ``k`` is the number asked."""

    k: int
    cercles: pd.DataFrame               # WORKSHOP_COLUMNS, largest weight first
    total_weight: float
    inputs: dict = field(default_factory=dict)

    @property
    def saturated(self) -> bool:
        return len(self.cercles) < self.k

    @property
    def share(self) -> float:
        """Share of the candidate cercles' total need met by the proposed workshops (0–1)."""
        return float(self.cercles["weight"].sum() / self.total_weight) if self.total_weight \
            else 0.0

    def as_json(self) -> dict:
        return {"k": self.k, "useful": len(self.cercles), "saturated": self.saturated,
                "cercles": [
                    {"order": int(r.order), "cercle_id": r.cercle_id,
                     "weight": round(r.weight, 1),
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


@dataclass
class Deployment:
    """One plan: the next mediators, the next workshops, or both (either may be None)."""

    mediators: Plan | None = None
    workshops: WorkshopPlan | None = None

    @property
    def kind(self) -> str:
        """``mediators``, ``workshops`` or ``both``."""
        if self.mediators is not None and self.workshops is not None:
            return "both"
        return "workshops" if self.workshops is not None else "mediators"

    @property
    def inputs(self) -> dict:
        """Every input of both parts (the shared ones once)."""
        out: dict = {}
        for part in (self.workshops, self.mediators):
            if part is not None:
                out.update(part.inputs)
        return out

    @property
    def solver_status(self) -> str:
        return self.mediators.solver_status if self.mediators is not None else "Optimal"

    @property
    def mip_gap(self) -> float | None:
        return self.mediators.mip_gap if self.mediators is not None else 0.0

    def as_json(self) -> dict:
        return {"kind": self.kind,
                "mediators": self.mediators.as_json() if self.mediators else None,
                "workshops": self.workshops.as_json() if self.workshops else None}

    def to_record(self) -> dict:
        return {"kind": self.kind, "solver_status": self.solver_status,
                "mip_gap": self.mip_gap,
                "mediators": self.mediators.to_record() if self.mediators else None,
                "workshops": self.workshops.to_record() if self.workshops else None}

    @classmethod
    def from_record(cls, rec: dict) -> Deployment:
        """A saved plan back, of either shape (one part per scenario before issue 30)."""
        if rec.get("kind") == "workshops" and "cercles" in rec:
            return cls(workshops=WorkshopPlan.from_record(rec))
        if "sites" in rec:
            return cls(mediators=Plan.from_record(rec))
        return cls(Plan.from_record(rec["mediators"]) if rec.get("mediators") else None,
                   WorkshopPlan.from_record(rec["workshops"]) if rec.get("workshops")
                   else None)


def from_record(rec: dict) -> Deployment:
    """A saved plan back (any kind, any age)."""
    return Deployment.from_record(rec)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: (None if isinstance(v, float) and np.isnan(v) else
                 v.item() if hasattr(v, "item") else v) for c, v in row.items()}
            for row in frame[columns].to_dict(orient="records")]


def whole_people(population: pd.Series, groups: pd.Series) -> pd.Series:
    """``population`` (estimates with fractions) in whole people, each group keeping its
    rounded total: every value is floored, and the people left in a group go one each to
    its largest remainders (ties: the first in order) — Hamilton's method."""
    value = population.astype(float)
    floor = np.floor(value)
    remainder = value - floor
    frame = pd.DataFrame({"group": groups.to_numpy(), "floor": floor.to_numpy(),
                          "remainder": remainder.to_numpy(), "value": value.to_numpy(),
                          "pos": np.arange(len(value))})
    left = (frame.groupby("group")["value"].transform("sum").round()
            - frame.groupby("group")["floor"].transform("sum")).astype(int)
    rank = frame.sort_values(["remainder", "pos"], ascending=[False, True]) \
        .groupby("group").cumcount().reindex(frame.index)
    out = frame["floor"] + (rank < left).astype(float)
    return pd.Series(out.to_numpy(), index=population.index, name=population.name)


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance matrix (km) between lon/lat arrays ``a`` (n × 2) and ``b`` (m × 2)."""
    pa, pb = units.to_metres(a[:, 0], a[:, 1]), units.to_metres(b[:, 0], b[:, 1])
    return np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1]) / 1000


def solve(cost: np.ndarray, weights: np.ndarray, existing: np.ndarray, new: int,
          radius_km: float, model: str = "mclp", time_limit: float = DEFAULT_TIME_LIMIT,
          isolated: bool = False) -> tuple[np.ndarray, str]:
    """The chosen facilities (a boolean mask over the columns of ``cost``, ``existing`` among
    them) and the solver's status, for ``new`` facilities more than ``existing``.

    ``isolated``: solve in a fresh interpreter (``python -m geo.plans.planner``, the problem
    and the answer pickled through its standard input and output), which exits afterwards
    with the solver's memory. A plain process, not a ``multiprocessing`` spawn: a spawned
    child imports its parent's main script — in the app, ``dashboard.py`` and every page's
    glue, with Streamlit's warnings in the server log (issue 30). A child that fails or
    overruns the time limit by a minute gives the status ``"Not Solved"``."""
    if model not in MODELS:
        raise PlanError("model", model=model)
    if not isolated:
        return _solve(cost, weights, existing, new, radius_km, model, time_limit)
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    problem = pickle.dumps((cost, weights, existing, new, radius_km, model, time_limit))
    try:
        done = subprocess.run([sys.executable, "-m", "geo.plans.planner"], input=problem,
                              capture_output=True, timeout=time_limit + 60, check=True,
                              cwd=Path(__file__).resolve().parents[2])
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
        return existing.copy(), "Not Solved"
    return pickle.loads(done.stdout)


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


@dataclass(frozen=True)
class Step:
    """One site of the greedy order: its column in the cost matrix, its gain in the model's
    objective, and its gains in people."""

    column: int
    objective_gain: float
    covered_gain: float
    nearer: float


def greedy_order(cost: np.ndarray, weights: np.ndarray, population: np.ndarray,
                 existing: np.ndarray, chosen: np.ndarray, radius_km: float,
                 model: str = "mclp") -> list[Step]:
    """The new sites of ``chosen`` in greedy order (module docstring): at each step the one
    whose gain in the model's objective is largest given the existing sites and those
    before it (ties: the smaller gain in people last, then the column order).

    MCLP's gain: Σ a_i over the demand points it brings within ``radius_km``; p-median's:
    Σ a_i (d_i − min(d_i, d_ij)) with d_i the distance to the nearest facility open so far
    (a point with none counts at the largest distance in ``cost`` plus one km)."""
    reach = cost <= radius_km
    is_covered = reach[:, existing].any(axis=1) if existing.any() \
        else np.zeros(len(cost), bool)
    far = float(cost.max()) + 1.0 if cost.size else 1.0
    nearest = cost[:, existing].min(axis=1) if existing.any() else np.full(len(cost), far)
    left = list(np.nonzero(chosen & ~existing)[0])
    out: list[Step] = []
    while left:
        block = cost[:, left]
        newly = reach[:, left] & ~is_covered[:, None]
        nearer = block < nearest[:, None]
        covered_gain = population @ newly
        nearer_people = population @ nearer
        if model == "mclp":
            objective = weights @ newly
        else:
            objective = weights @ np.maximum(nearest[:, None] - block, 0.0)
        best = int(np.lexsort((np.arange(len(left)), -covered_gain, -objective))[0])
        j = left.pop(best)
        out.append(Step(int(j), float(objective[best]), float(covered_gain[best]),
                        float(nearer_people[best])))
        is_covered |= reach[:, j]
        nearest = np.minimum(nearest, cost[:, j])
    return out


def mean_distance(cost: np.ndarray, population: np.ndarray, open_: np.ndarray) -> float:
    """Population-weighted mean distance (km) from the demand points to their nearest open
    facility: Σ_i p_i min_j d_ij / Σ_i p_i; NaN when none is open or nobody lives there."""
    if not open_.any() or population.sum() <= 0:
        return float("nan")
    return float((population * cost[:, open_].min(axis=1)).sum() / population.sum())


def distance_bands(cost: np.ndarray, population: np.ndarray, before: np.ndarray,
                   after: np.ndarray) -> pd.DataFrame:
    """People in each distance band of :data:`geo.analysis.disclosure.DISTANCE_BANDS_KM`
    (``from_km`` ≤ distance < ``to_km``; the last band open, ``to_km`` NaN) from their
    nearest open facility, with ``before`` and with ``after`` open (whole people; nobody when
    no facility is open)."""
    edges = list(disclosure.DISTANCE_BANDS_KM)
    rows = []

    def counts(open_):
        if not open_.any():
            return np.zeros(len(edges))
        d = cost[:, open_].min(axis=1)
        idx = np.searchsorted(edges, d, side="right") - 1
        return np.bincount(idx, weights=population, minlength=len(edges))

    b, a = counts(before), counts(after)
    for i, lo in enumerate(edges):
        rows.append({"from_km": lo, "to_km": edges[i + 1] if i + 1 < len(edges) else np.nan,
                     "population_before": round(float(b[i])),
                     "population_after": round(float(a[i]))})
    return pd.DataFrame(rows, columns=BAND_COLUMNS)


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


def commune_people(ref) -> pd.Series:
    """Whole people per commune (:func:`whole_people` of the area-shared estimates, each
    cercle keeping its census total)."""
    communes = ref.communes
    return whole_people(ref.commune_population.reindex(communes.index),
                        communes["cercle_id"])


def plan(records: dict[str, pd.DataFrame], new: int, radius_km: float, model: str = "mclp",
         demand: str = "population", scores: pd.Series | None = None,
         regions: list[str] | None = None, as_of: date | None = None,
         time_limit: float = DEFAULT_TIME_LIMIT, *, ref: Reference,
         cercles: list[str] | None = None, exclude: list[str] | None = None,
         gaps: pd.Series | None = None, isolated: bool = False,
         context: dict | None = None) -> Plan:
    """Where ``new`` mediators should go (see the module docstring). ``scores``: the
    cercles' risk scores (``demand="risk"``); ``gaps``: their gap classes (``"gap"``);
    ``context``: what else the caller wants recorded with the inputs (e.g. the view)."""
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise PlanError("radius", max=MAX_RADIUS_KM)
    if model not in MODELS:
        raise PlanError("model", model=model)
    if demand not in DEMANDS:
        raise PlanError("demand", demand=demand)
    communes = ref.communes
    pts = ref.points["commune"]
    population = commune_people(ref).to_numpy(dtype=float)
    weights = _weights(communes["cercle_id"], population, demand, scores, gaps)
    candidates = _candidates(communes, regions, cercles, exclude)
    if not 0 <= new <= min(len(candidates), MAX_NEW):
        raise PlanError("new", max=min(len(candidates), MAX_NEW))
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
    steps = [s for s in greedy_order(cost, weights, population, existing, chosen, radius_km,
                                     model) if s.objective_gain > 0]
    rows = []
    for step in steps:
        cid = candidates[step.column - len(zones)]
        rows.append({"order": len(rows) + 1, "commune_id": cid,
                     "cercle_id": communes.at[cid, "cercle_id"],
                     "region_id": communes.at[cid, "region_id"],
                     "lon": round(float(pts[cid].x), 5), "lat": round(float(pts[cid].y), 5),
                     "covered_population_gain": round(step.covered_gain),
                     "people_nearer": round(step.nearer)})
    sites = pd.DataFrame(rows, columns=SITE_COLUMNS)
    after = existing.copy()
    after[[s.column for s in steps]] = True
    reach = cost <= radius_km
    before_mask = reach[:, existing].any(axis=1) if existing.any() \
        else np.zeros(len(cost), bool)
    after_mask = reach[:, after].any(axis=1) if after.any() else before_mask
    per_cercle = pd.DataFrame({"cercle_id": communes["cercle_id"].to_numpy(),
                               "population": population,
                               "covered_before": population * before_mask,
                               "covered_after": population * after_mask}) \
        .groupby("cercle_id", as_index=False).sum()
    per_cercle[CERCLE_COLUMNS[1:]] = per_cercle[CERCLE_COLUMNS[1:]].round().astype(int)
    return Plan(model, int(new), float(radius_km), demand,
                round(float(population[before_mask].sum())),
                round(float(population[after_mask].sum())), sites, status, seconds,
                round(float(population.sum())), per_cercle, inputs,
                0.0 if status == "Optimal" else None,
                mean_distance(cost, population, existing), mean_distance(cost, population, after),
                distance_bands(cost, population, existing, after))


def plan_workshops(records: dict[str, pd.DataFrame], k: int, scores: pd.Series,
                   as_of: date, regions: list[str] | None = None,
                   cercles: list[str] | None = None, exclude: list[str] | None = None,
                   *, ref: Reference, context: dict | None = None) -> WorkshopPlan:
    """The next ``k`` workshops: the ``k`` candidate cercles of largest weight, those of
    weight 0 left out (see the module docstring for why this is the MCLP's exact optimum)."""

    units = ref.cercles
    candidates = _candidates(units, regions, cercles, exclude)
    if not 0 <= k <= min(len(candidates), MAX_WORKSHOPS):
        raise PlanError("workshops", max=min(len(candidates), MAX_WORKSHOPS))
    months = indicators.months_since_workshop(records.get("workshops"), units.index, as_of)
    population = units["population"].astype(float)
    risk_ = scores.reindex(units.index).astype(float)
    weight = population * risk_.fillna(0) * months.clip(upper=WORKSHOP_HORIZON_MONTHS) \
        / WORKSHOP_HORIZON_MONTHS
    table = pd.DataFrame({"cercle_id": units.index, "region_id": units["region_id"].to_numpy(),
                          "population": population.to_numpy(), "risk_score": risk_.to_numpy(),
                          "months_since_workshop": months.to_numpy(),
                          "weight": weight.to_numpy()})
    pool = table[table["cercle_id"].isin(candidates)]
    top = pool[pool["weight"] > 0] \
        .sort_values(["weight", "cercle_id"], ascending=[False, True]).head(k) \
        .reset_index(drop=True)
    top.insert(0, "order", range(1, len(top) + 1))
    inputs = {"k": int(k), "regions": sorted(regions or []), "cercles": sorted(cercles or []),
              "exclude_cercles": sorted(exclude or []), "as_of": as_of.isoformat(),
              "horizon_months": WORKSHOP_HORIZON_MONTHS, **(context or {})}
    return WorkshopPlan(int(k), top[WORKSHOP_COLUMNS], float(pool["weight"].sum()), inputs)


def deploy(records: dict[str, pd.DataFrame], *, new: int = 0, workshops: int = 0,
           radius_km: float = 30.0, model: str = "mclp", demand: str = "population",
           scores: pd.Series | None = None, as_of: date | None = None,
           regions: list[str] | None = None, cercles: list[str] | None = None,
           exclude: list[str] | None = None, exclude_cercles: list[str] | None = None,
           gaps: pd.Series | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
           isolated: bool = False, context: dict | None = None, ref: Reference) -> Deployment:
    """One plan: ``new`` mediators (:func:`plan`) and ``workshops`` workshops
    (:func:`plan_workshops`) over the same candidate regions and cercles; a part asked for
    0 is left out, and asking for nothing at all is refused (``nothing``)."""
    if new == 0 and workshops == 0:
        raise PlanError("nothing")
    mediators = ws = None
    if workshops:
        if scores is None or as_of is None:
            raise PlanError("demand", demand="risk")
        ws = plan_workshops(records, workshops, scores, as_of, regions, cercles,
                            exclude_cercles, ref=ref, context=context)
    if new:
        mediators = plan(records, new, radius_km, model, demand, scores, regions,
                         as_of=as_of, time_limit=time_limit, ref=ref, cercles=cercles,
                         exclude=exclude, gaps=gaps, isolated=isolated, context=context)
    return Deployment(mediators, ws)


def as_geojson(result: Deployment, names: pd.Series | None = None,
               cercle_names: pd.Series | None = None, *, ref: Reference) -> dict:
    """The proposed sites (mediators at communes, workshops at their cercles' points) as a
    GeoJSON FeatureCollection (RFC 7946), every input and the summary recorded in the
    foreign members ``veille_inputs`` and ``veille_summary``. ``names`` / ``cercle_names``:
    French names by commune / cercle id."""
    features = []
    summary = result.as_json()
    for part in ("mediators", "workshops"):
        if summary[part]:
            summary[part] = {k: v for k, v in summary[part].items()
                             if k not in ("sites", "cercles")}
    if result.workshops is not None:
        points = ref.points["cercle"]
        for r in result.workshops.cercles.itertuples():
            pt = points[r.cercle_id]
            features.append(_feature(round(pt.x, 5), round(pt.y, 5), {
                "proposal": "workshop", "order": r.order, "cercle_id": r.cercle_id,
                "region_id": r.region_id, "name_fr": _name(cercle_names, r.cercle_id),
                "weight": round(r.weight, 1),
                "months_since_workshop": round(r.months_since_workshop, 1)}))
    if result.mediators is not None:
        for r in result.mediators.sites.itertuples():
            features.append(_feature(r.lon, r.lat, {
                "proposal": "mediator", "order": r.order, "commune_id": r.commune_id,
                "cercle_id": r.cercle_id, "region_id": r.region_id,
                "name_fr": _name(names, r.commune_id),
                "covered_population_gain": int(r.covered_population_gain),
                "people_nearer": int(r.people_nearer)}))
    return {"type": "FeatureCollection", "veille_inputs": result.inputs,
            "veille_summary": summary, "features": features}


def _feature(lon, lat, properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _name(names, key):
    return None if names is None else names.get(key)


def saturation_note(part: Plan | WorkshopPlan, lang: str) -> str | None:
    """What the screen and the command line say when fewer sites (or workshops) than asked
    add anything; None when every one does."""

    if not part.saturated:
        return None
    if isinstance(part, WorkshopPlan):
        return t("planner.ws.saturated", lang, useful=len(part.cercles), k=part.k)
    suffix = "_pmedian" if part.model == "pmedian" else ""      # nearer, not covered
    if part.sites.empty:
        return t(f"planner.saturated_none{suffix}", lang, new=part.new)
    return t(f"planner.saturated{suffix}", lang, useful=len(part.sites), new=part.new,
             idle=part.new - len(part.sites))


def proposed_actions(result: Deployment) -> list[dict]:
    """The actions a plan proposes, one per cercle and kind (for
    :func:`geo.records.actions.from_scenario`): a mediator deployment with its number of
    mediators (one per proposed site) and its communes, and a workshop per proposed cercle.
    Only useful sites and cercles are proposed: a plan's zero-gain sites are not in it."""
    out = []
    if result.workshops is not None:
        out += [{"cercle_id": r.cercle_id, "kind": "workshop", "quantity": 1, "communes": []}
                for r in result.workshops.cercles.itertuples()]
    if result.mediators is not None:
        for cercle_id, sites in result.mediators.sites.groupby("cercle_id", sort=False):
            out.append({"cercle_id": cercle_id, "kind": "deployment",
                        "quantity": len(sites), "communes": list(sites["commune_id"])})
    return out


if __name__ == "__main__":          # the isolated solve's child (:func:`solve`)
    import pickle
    import sys

    sys.stdout.buffer.write(pickle.dumps(_solve(*pickle.loads(sys.stdin.buffer.read()))))
