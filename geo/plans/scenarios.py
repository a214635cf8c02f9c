"""Saved planner runs: a name, who and when, every input, the outputs, the solver's status and
gap, and the software that computed them (schema v6, table ``scenario``). A scenario is one
plan (:class:`geo.plans.planner.Deployment`: mediators, workshops or both). Saving is one
transaction with its audit entry; a scenario saved while the demonstration data is loaded is
marked as such and removed with it (:func:`geo.records.batches.remove_demo`). Deleting is for
admins and unlinks the actions that named the scenario (they stay in the register)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

import geo
from geo.records import audit, personal, roles, store
from geo.plans import planner

MAX_NAME = 120


class ScenarioError(ValueError):
    """A refused save or delete: ``code`` and its ``details`` (translated by the screen)."""

    def __init__(self, code: str, **details):
        super().__init__(f"{code} {details}")
        self.code, self.details = code, details


@dataclass
class Scenario:
    scenario_id: int
    name: str
    kind: str
    created_by: str
    created_at: datetime
    result: planner.Deployment
    software: dict
    is_demo: bool = False


def software() -> dict:
    """The versions that computed a plan (without importing the solver)."""
    out = {"veille": geo.__version__}
    for name in ("spopt", "pulp"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:       # pragma: no cover - both are required
            out[name] = None
    return out


def _clean_name(name: str) -> str:
    name = " ".join(personal.printable(name or "").split())
    if not name:
        raise ScenarioError("name_missing")
    if len(name) > MAX_NAME:
        raise ScenarioError("name_long", max=MAX_NAME)
    if personal.free_text_kind(name):
        raise ScenarioError("personal")
    return name


def save(engine: Engine, name: str, result: planner.Deployment, actor: roles.Actor,
         once: str | None = None) -> int:
    """Store ``result`` under ``name`` by ``actor`` (analyst); return its id. Marked as
    demonstration when demonstration records are loaded. ``once``: the token of the form that
    asked (:func:`geo.records.store.claim_once`)."""
    roles.require(actor, "scenario")
    name = _clean_name(name)
    rec = result.to_record()
    demo = store.demo_in_use(engine)
    with store.writing(engine) as conn:
        store.claim_once(conn, once, "save_scenario", actor.subject)
        sid = conn.execute(store.scenario.insert().values(
            name=name, kind=result.kind, created_by=actor.label,
            created_at=datetime.now(timezone.utc),
            inputs=json.dumps(result.inputs, ensure_ascii=False, default=str),
            outputs=json.dumps(rec, ensure_ascii=False, default=str),
            solver_status=result.solver_status, mip_gap=result.mip_gap,
            software=json.dumps(software()), is_demo=demo)).inserted_primary_key[0]
        audit.record(conn, actor, "save_scenario", f"scenario {sid}", [sid],
                     {"name": name, "plan_kind": result.kind,
                      **{k: v for k, v in result.inputs.items()
                         if k in ("new", "k", "radius_km", "model", "demand")},
                      **({"demo": True} if demo else {})})
    return int(sid)


LISTING = ["scenario_id", "name", "kind", "created_by", "created_at", "solver_status",
           "mediators", "workshops", "covered_after", "is_demo"]


def listing(engine: Engine) -> pd.DataFrame:
    """Every saved scenario, newest first: id, name, kind, who, when, status, the headline
    figures (useful mediator sites and workshops proposed, covered population after; None
    for a part the plan does not have) and whether it was made on demonstration data."""
    t = store.scenario
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.scenario_id, t.c.name, t.c.kind, t.c.created_by,
                                      t.c.created_at, t.c.solver_status, t.c.outputs,
                                      t.c.is_demo)
                            .order_by(t.c.scenario_id.desc())).all()
    out = []
    for r in rows:
        plan = planner.from_record(json.loads(r.outputs))
        med, ws = plan.mediators, plan.workshops
        out.append({"scenario_id": r.scenario_id, "name": r.name, "kind": r.kind,
                    "created_by": r.created_by, "created_at": r.created_at,
                    "solver_status": r.solver_status,
                    "mediators": len(med.sites) if med is not None else None,
                    "workshops": len(ws.cercles) if ws is not None else None,
                    "covered_after": med.covered_after if med is not None else None,
                    "is_demo": bool(r.is_demo)})
    return pd.DataFrame(out, columns=LISTING)


def load(engine: Engine, scenario_id: int) -> Scenario | None:
    """One saved scenario, its plan rebuilt; None when there is no such id."""
    t = store.scenario
    with engine.connect() as conn:
        r = conn.execute(sa.select(t).where(t.c.scenario_id == scenario_id)).first()
    if r is None:
        return None
    return Scenario(r.scenario_id, r.name, r.kind, r.created_by, r.created_at,
                    planner.from_record(json.loads(r.outputs)), json.loads(r.software),
                    bool(r.is_demo))


def delete(engine: Engine, scenario_id: int, actor: roles.Actor) -> int:
    """Delete a scenario (admin); its actions stay, unlinked. Returns how many were unlinked."""
    roles.require(actor, "delete_scenario")
    t, a = store.scenario, store.action
    with store.writing(engine) as conn:
        name = conn.execute(sa.select(t.c.name).where(t.c.scenario_id == scenario_id)).scalar()
        if name is None:
            raise ScenarioError("missing", scenario=scenario_id)
        unlinked = conn.execute(a.update().where(a.c.scenario_id == scenario_id).values(
            scenario_id=None, revision=a.c.revision + 1, updated_by=actor.label,
            updated_at=datetime.now(timezone.utc))).rowcount
        conn.execute(t.delete().where(t.c.scenario_id == scenario_id))
        audit.record(conn, actor, "delete_scenario", f"scenario {scenario_id}", [scenario_id],
                     {"name": name, "unlinked_actions": unlinked})
    return unlinked
