"""The action register (as IDEA's ERMTool keeps risks, actions and outcomes): what the
division does about a cercle's risk — a workshop, a mediator deployment, a dialogue, an
escalation to a partner — when, by which unit (a function from :data:`UNITS`, never a
person), with its status and outcome; optionally from a saved scenario (schema v6, table
``action``).

Analysts and admins write (permission ``act``); every write is one transaction with its audit
entry (the old and new value of each changed field). An edit names the ``revision`` it was
made on: when someone else changed the action since, it is refused (``conflict``), never
overwritten. Outcome notes are free text and refused when they hold a phone number, an
e-mail address or a person's name (:func:`geo.records.personal.free_text_kind`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, personal, roles, store

KINDS = ("workshop", "deployment", "dialogue", "escalation")
STATUSES = ("planned", "under_way", "done", "cancelled")
#: Responsible units: functions, never people.
UNITS = ("electoral_division", "regional_office", "civil_affairs", "mediator_network",
         "partner_cso", "local_authority", "security_liaison")
MAX_OUTCOME = 2000
FIELDS = ("cercle_id", "scenario_id", "kind", "planned_on", "unit", "status", "outcome")
#: Audit detail key of each field (``kind`` is taken by the record kinds).
_AUDIT_KEY = {"kind": "action_kind", "cercle_id": "cercle", "scenario_id": "scenario"}


class ActionError(ValueError):
    """A refused write: ``problems``, a list of (code, details) translated by the screen."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__("; ".join(code for code, _ in problems))
        self.problems = problems


def _check(conn, values: dict, cercles: set[str]) -> dict:
    problems: list[tuple[str, dict]] = []
    out = dict(values)
    if "cercle_id" in values and values["cercle_id"] not in cercles:
        problems.append(("cercle", {"value": values["cercle_id"]}))
    for name, allowed in (("kind", KINDS), ("status", STATUSES), ("unit", UNITS)):
        if name in values and values[name] not in allowed:
            problems.append((name, {"value": values[name]}))
    if "planned_on" in values:
        value = values["planned_on"]
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, date) or isinstance(value, datetime):
            problems.append(("planned_on", {"value": values["planned_on"]}))
        out["planned_on"] = value
    if "outcome" in values:
        out["outcome"], problem = personal.note(values["outcome"], MAX_OUTCOME, "outcome_long")
        problems += [problem] if problem else []
    if values.get("scenario_id") is not None:
        found = conn.execute(sa.select(store.scenario.c.scenario_id).where(
            store.scenario.c.scenario_id == values["scenario_id"])).scalar()
        if found is None:
            problems.append(("scenario", {"value": values["scenario_id"]}))
    if problems:
        raise ActionError(problems)
    return out


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def add(engine: Engine, actor: roles.Actor, cercles: set[str], *, cercle_id: str, kind: str,
        planned_on: date, unit: str, status: str = "planned", outcome: str | None = None,
        scenario_id: int | None = None) -> int:
    """Record a new action by ``actor`` (analyst) on one of the known ``cercles``; its id."""
    roles.require(actor, "act")
    values = {"cercle_id": cercle_id, "kind": kind, "planned_on": planned_on, "unit": unit,
              "status": status, "outcome": outcome, "scenario_id": scenario_id}
    with store.writing(engine) as conn:
        return _insert(conn, actor, _check(conn, values, cercles))


def _insert(conn, actor: roles.Actor, values: dict) -> int:
    """Store one checked action and its audit entry (inside the caller's transaction)."""
    now = datetime.now(timezone.utc)
    aid = conn.execute(store.action.insert().values(
        **values, created_by=actor.label, created_at=now, updated_by=actor.label,
        updated_at=now, revision=1)).inserted_primary_key[0]
    audit.record(conn, actor, "add_action", f"action {aid}", [aid],
                 {_AUDIT_KEY.get(k, k): _plain(v) for k, v in values.items()})
    return int(aid)


def add_many(engine: Engine, actor: roles.Actor, cercles: set[str], rows: list[dict]) -> int:
    """Record several new actions (each as :func:`add`: ``cercle_id, kind, planned_on, unit``
    and optionally ``status, outcome, scenario_id``) in one transaction; how many."""
    roles.require(actor, "act")
    with store.writing(engine) as conn:
        for values in rows:
            _insert(conn, actor, _check(conn, {"status": "planned", "outcome": None,
                                               "scenario_id": None, **values}, cercles))
    return len(rows)


def update(engine: Engine, actor: roles.Actor, action_id: int, revision: int,
           cercles: set[str], **changes) -> int:
    """Change fields of an action (analyst) made on ``revision``; the new revision.
    Refused (``conflict``) when the action changed since, (``missing``) when it is gone."""
    roles.require(actor, "act")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ActionError([("field", {"value": ", ".join(sorted(unknown))})])
    a = store.action
    with store.writing(engine) as conn:
        row = conn.execute(sa.select(a).where(a.c.action_id == action_id)).first()
        if row is None:
            raise ActionError([("missing", {"value": action_id})])
        if row.revision != revision:
            raise ActionError([("conflict", {"by": row.updated_by,
                                             "at": row.updated_at.isoformat()})])
        changes = _check(conn, changes, cercles)
        diff = {k: [_plain(getattr(row, k)), _plain(v)] for k, v in changes.items()
                if getattr(row, k) != v}
        if not diff:
            return revision
        conn.execute(a.update().where((a.c.action_id == action_id)
                                      & (a.c.revision == revision)).values(
            **{k: changes[k] for k in diff}, updated_by=actor.label,
            updated_at=datetime.now(timezone.utc), revision=revision + 1))
        audit.record(conn, actor, "update_action", f"action {action_id}", [action_id],
                     {_AUDIT_KEY.get(k, k): v for k, v in diff.items()})
    return revision + 1


COLUMNS = ["action_id", *FIELDS, "created_by", "created_at", "updated_by", "updated_at",
           "revision"]


def listing(engine: Engine, *, cercles: list[str] | None = None,
            kinds: list[str] | None = None, statuses: list[str] | None = None,
            since: date | None = None, until: date | None = None,
            scenario_id: int | None = None) -> pd.DataFrame:
    """Actions, by planned date then id, filtered (``until`` included)."""
    a = store.action
    query = sa.select(*[a.c[c] for c in COLUMNS])
    if cercles:
        query = query.where(a.c.cercle_id.in_(cercles))
    if kinds:
        query = query.where(a.c.kind.in_(kinds))
    if statuses:
        query = query.where(a.c.status.in_(statuses))
    if since:
        query = query.where(a.c.planned_on >= since)
    if until:
        query = query.where(a.c.planned_on <= until)
    if scenario_id is not None:
        query = query.where(a.c.scenario_id == scenario_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(a.c.planned_on, a.c.action_id)).all()
    return pd.DataFrame(rows, columns=COLUMNS)


def per_cercle(actions: pd.DataFrame) -> pd.DataFrame:
    """Counts of actions per cercle and status (one column per status, and ``open``: planned
    or under way), for the map layer."""
    table = pd.crosstab(actions["cercle_id"], actions["status"]).reindex(
        columns=list(STATUSES), fill_value=0)
    table["open"] = table["planned"] + table["under_way"]
    return table
