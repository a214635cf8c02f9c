"""The action register (as IDEA's ERMTool keeps risks, actions and outcomes): what the
division does about a cercle's risk — a workshop, a mediator deployment, a dialogue, an
escalation to a partner — when, by which unit (a function from :data:`UNITS`, never a
person), with its status and outcome; optionally from a saved scenario or in answer to a
trigger's firing (schema v6, table ``action``; v10 for what follows).

**What, where, by when.** An action names its cercle, its kind, its planned date and, when it
comes from a plan, how many (``quantity``: mediators or workshops) and which communes
(``communes``, codes): :func:`what` says it in words ("3 mediators: Kani-Bonzon, Ségué,
Sokoura").

**From a plan, once.** :func:`from_scenario` creates a scenario's proposed actions in one
transaction — and refuses (``exists``) when the scenario already has actions, so a second
click never duplicates them; :func:`withdraw` takes a scenario's actions back together
(those not yet under way are removed, the others stay and are counted).

**Life of an action** (:data:`TRANSITIONS`): planned → under way → done or cancelled (or
planned → done / cancelled directly), never back. Moving under way records ``started_on``,
moving to done or cancelled ``ended_on`` (the day given, else today); a done action records
its outcome (refused without one).

Analysts and admins write (permission ``act``); every write is one transaction with its audit
entry (the old and new value of each changed field). An edit names the ``revision`` it was
made on: when someone else changed the action since, it is refused (``conflict``), never
overwritten. Outcome notes are free text and refused when they hold a phone number, an
e-mail address or a person's name (:func:`geo.records.personal.free_text_kind`). Actions
written while the demonstration data is loaded are marked as such and removed with it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.i18n import format_number, t
from geo.records import audit, personal, roles, store
from geo.reference import units

KINDS = ("workshop", "deployment", "dialogue", "escalation")
STATUSES = ("planned", "under_way", "done", "cancelled")
OPEN = ("planned", "under_way")
#: The statuses an action may move to from each status (itself included: no change).
TRANSITIONS = {"planned": set(STATUSES), "under_way": {"under_way", "done", "cancelled"},
               "done": {"done"}, "cancelled": {"cancelled"}}
#: Responsible units: functions, never people.
UNITS = ("electoral_division", "regional_office", "civil_affairs", "mediator_network",
         "partner_cso", "local_authority", "security_liaison")
MAX_OUTCOME = 2000
MAX_QUANTITY = 500
FIELDS = ("cercle_id", "scenario_id", "kind", "planned_on", "unit", "status", "outcome",
          "quantity", "communes", "started_on", "ended_on")
DATES = ("planned_on", "started_on", "ended_on")
#: Audit detail key of each field (``kind`` is taken by the record kinds).
_AUDIT_KEY = {"kind": "action_kind", "cercle_id": "cercle", "scenario_id": "scenario",
              "trigger_id": "trigger"}


class ActionError(ValueError):
    """A refused write: ``problems``, a list of (code, details) translated by the screen."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__("; ".join(code for code, _ in problems))
        self.problems = problems


def _day(value):
    """A date from a date or an ISO string; None for anything else (a datetime included)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _communes(value, cercle_id) -> tuple[str | None, bool]:
    """The communes as stored (a JSON list of codes, None when empty) and whether they are
    all communes of ``cercle_id``."""

    if value is None or (isinstance(value, (list, tuple)) and not value):
        return None, True
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None, False
    if not isinstance(value, (list, tuple)) or not all(isinstance(c, str) for c in value):
        return None, False
    of = units.load_communes()["cercle_id"]
    ok = all(c in of.index and of[c] == cercle_id for c in value)
    return json.dumps(list(value)), ok


def _check(conn, values: dict, cercles: set[str], before=None, today: date | None = None
           ) -> dict:
    """The values as stored, or :class:`ActionError` with every problem at once. ``before``:
    the stored row an update changes (its status and dates set the lifecycle's rules)."""
    problems: list[tuple[str, dict]] = []
    out = dict(values)
    if "cercle_id" in values and values["cercle_id"] not in cercles:
        problems.append(("cercle", {"value": values["cercle_id"]}))
    for name, allowed in (("kind", KINDS), ("status", STATUSES), ("unit", UNITS)):
        if name in values and values[name] not in allowed:
            problems.append((name, {"value": values[name]}))
    for name in DATES:
        if values.get(name) is not None or (name == "planned_on" and name in values):
            day = _day(values[name])
            if day is None:
                problems.append((name, {"value": values[name]}))
            out[name] = day
        elif name in out:                   # a start or end date not given: left as it is
            del out[name]
    if "outcome" in values:
        out["outcome"], problem = personal.note(values["outcome"], MAX_OUTCOME, "outcome_long")
        problems += [problem] if problem else []
    if values.get("quantity") is not None:
        q = values["quantity"]
        if not isinstance(q, int) or isinstance(q, bool) or not 1 <= q <= MAX_QUANTITY:
            problems.append(("quantity", {"value": q, "max": MAX_QUANTITY}))
    if "communes" in values:
        cercle = values.get("cercle_id", getattr(before, "cercle_id", None))
        out["communes"], ok = _communes(values["communes"], cercle)
        if not ok:
            problems.append(("communes", {}))
    if values.get("scenario_id") is not None:
        found = conn.execute(sa.select(store.scenario.c.scenario_id).where(
            store.scenario.c.scenario_id == values["scenario_id"])).scalar()
        if found is None:
            problems.append(("scenario", {"value": values["scenario_id"]}))
    if not problems:
        problems += _lifecycle(out, before, today or date.today())
    if problems:
        raise ActionError(problems)
    return out


def _lifecycle(out: dict, before, today: date) -> list[tuple[str, dict]]:
    """Check a status change against :data:`TRANSITIONS` and fill its dates in ``out``."""
    old = before.status if before is not None else "planned"
    new = out.get("status", old)
    if new not in TRANSITIONS[old]:
        return [("transition", {"old": old, "new": new})]
    started = out["started_on"] if out.get("started_on") else getattr(before, "started_on", None)
    ended = out["ended_on"] if out.get("ended_on") else getattr(before, "ended_on", None)
    if new != old or before is None:
        if new == "under_way" and started is None:
            started = out["started_on"] = today
        if new in ("done", "cancelled"):
            if ended is None:
                ended = out["ended_on"] = today
            if started is None and new == "done":
                started = out["started_on"] = ended
    if new in OPEN and ended is not None:
        return [("ended_open", {})]
    if new == "planned" and started is not None:
        return [("started_planned", {})]
    if started is not None and ended is not None and ended < started:
        return [("dates", {})]
    outcome = out["outcome"] if "outcome" in out else getattr(before, "outcome", None)
    if new == "done" and not outcome:
        return [("outcome_needed", {})]
    return []


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def add(engine: Engine, actor: roles.Actor, cercles: set[str], *, cercle_id: str, kind: str,
        planned_on: date, unit: str, status: str = "planned", outcome: str | None = None,
        scenario_id: int | None = None, quantity: int | None = None,
        communes: list[str] | None = None, started_on: date | None = None,
        ended_on: date | None = None, once: str | None = None) -> int:
    """Record a new action by ``actor`` (analyst) on one of the known ``cercles``; its id.
    ``once``: the token of the form that asked (:func:`geo.records.store.claim_once`: a
    second submit of it raises ``AlreadyStored`` and stores nothing)."""
    roles.require(actor, "act")
    values = {"cercle_id": cercle_id, "kind": kind, "planned_on": planned_on, "unit": unit,
              "status": status, "outcome": outcome, "scenario_id": scenario_id,
              "quantity": quantity, "communes": communes, "started_on": started_on,
              "ended_on": ended_on}
    demo = store.demo_in_use(engine)
    with store.writing(engine) as conn:
        store.claim_once(conn, once, "add_action", actor.subject)
        return _insert(conn, actor, _check(conn, values, cercles), demo)


def _insert(conn, actor: roles.Actor, values: dict, demo: bool) -> int:
    """Store one checked action and its audit entry (inside the caller's transaction)."""
    now = datetime.now(timezone.utc)
    aid = conn.execute(store.action.insert().values(
        **values, created_by=actor.label, created_at=now, updated_by=actor.label,
        updated_at=now, revision=1, is_demo=demo)).inserted_primary_key[0]
    audit.record(conn, actor, "add_action", f"action {aid}", [aid],
                 {_AUDIT_KEY.get(k, k): _plain(v) for k, v in values.items()
                  if v is not None or k in ("cercle_id", "kind", "planned_on", "unit",
                                            "status")})
    return int(aid)


def add_many(engine: Engine, actor: roles.Actor, cercles: set[str], rows: list[dict],
             once: str | None = None) -> int:
    """Record several new actions (each as :func:`add`: ``cercle_id, kind, planned_on, unit``
    and optionally the other fields) in one transaction; how many. ``once``: as for
    :func:`add`."""
    roles.require(actor, "act")
    demo = store.demo_in_use(engine)
    with store.writing(engine) as conn:
        store.claim_once(conn, once, "add_actions", actor.subject)
        for values in rows:
            _insert(conn, actor, _check(conn, {"status": "planned", "outcome": None,
                                               "scenario_id": None, **values}, cercles), demo)
    return len(rows)


def from_scenario(engine: Engine, actor: roles.Actor, cercles: set[str], scenario_id: int,
                  rows: list[dict], planned_on: date, unit: str) -> list[int]:
    """Create a scenario's proposed actions (``rows``, as from
    :func:`geo.plans.planner.proposed_actions`), planned on ``planned_on`` by ``unit``, in
    one transaction; their ids. Refused (``exists``, with the ids) when the scenario already
    has actions in the register: creating a plan's actions is done once."""
    roles.require(actor, "act")
    demo = store.demo_in_use(engine)
    a = store.action
    with store.writing(engine) as conn:
        there = list(conn.execute(sa.select(a.c.action_id).where(
            a.c.scenario_id == scenario_id).order_by(a.c.action_id)).scalars())
        if there:
            raise ActionError([("exists", {"n": len(there), "scenario": scenario_id,
                                           "ids": there})])
        if not rows:
            raise ActionError([("nothing", {"scenario": scenario_id})])
        return [_insert(conn, actor, _check(conn, {
            "status": "planned", "outcome": None, **row, "scenario_id": scenario_id,
            "planned_on": planned_on, "unit": unit}, cercles), demo) for row in rows]


def from_trigger(engine: Engine, actor: roles.Actor, cercles: set[str], *, trigger_id: int,
                 cercle_id: str, fired_on: date, horizon_days: int, template: dict) -> int:
    """The agreed response to a trigger's firing (``template``: ``kind``, ``unit``,
    ``delay_days``, ``quantity``) as a planned action in ``cercle_id``, planned
    ``delay_days`` after ``fired_on``, linked to the trigger and the firing; its id. Refused
    (``exists_trigger``, with the ids) when an action from this trigger already answers a
    firing in that cercle within ``horizon_days`` before ``fired_on``: one click, one
    action."""
    roles.require(actor, "act")
    a = store.action
    demo = store.demo_in_use(engine)
    since = fired_on - timedelta(days=horizon_days)
    with store.writing(engine) as conn:
        there = list(conn.execute(sa.select(a.c.action_id).where(
            (a.c.trigger_id == trigger_id) & (a.c.cercle_id == cercle_id)
            & (a.c.fired_on > since) & (a.c.fired_on <= fired_on))
            .order_by(a.c.action_id)).scalars())
        if there:
            raise ActionError([("exists_trigger", {"n": len(there), "ids": there})])
        values = _check(conn, {
            "cercle_id": cercle_id, "kind": template["kind"], "unit": template["unit"],
            "planned_on": fired_on + timedelta(days=template.get("delay_days") or 0),
            "status": "planned", "outcome": None, "scenario_id": None,
            "quantity": template.get("quantity")}, cercles)
        return _insert(conn, actor, {**values, "trigger_id": trigger_id,
                                     "fired_on": fired_on}, demo)


def withdraw(engine: Engine, actor: roles.Actor, scenario_id: int) -> dict[str, int]:
    """Take a scenario's actions back together: those still planned are removed (audited
    with their values), those under way, done or cancelled stay. Returns ``withdrawn`` and
    ``kept`` counts."""
    roles.require(actor, "act")
    a = store.action
    with store.writing(engine) as conn:
        rows = conn.execute(sa.select(a).where(a.c.scenario_id == scenario_id)).all()
        gone = [r for r in rows if r.status == "planned"]
        if gone:
            conn.execute(a.delete().where(a.c.action_id.in_([r.action_id for r in gone])))
        out = {"withdrawn": len(gone), "kept": len(rows) - len(gone)}
        audit.record(conn, actor, "withdraw_actions", f"scenario {scenario_id}",
                     [r.action_id for r in gone], {"scenario": scenario_id, **out})
    return out


def update(engine: Engine, actor: roles.Actor, action_id: int, revision: int,
           cercles: set[str], today: date | None = None, **changes) -> int:
    """Change fields of an action (analyst) made on ``revision``; the new revision.
    Refused (``conflict``) when the action changed since, (``missing``) when it is gone,
    (``transition``, ``outcome_needed``, ``dates``…) when the change breaks its life
    (module docstring). ``today``: the date a move under way or to done records when none is
    given (default: today)."""
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
        changes = _check(conn, changes, cercles, row, today)
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


COLUMNS = ["action_id", *FIELDS, "trigger_id", "fired_on", "is_demo", "created_by",
           "created_at", "updated_by", "updated_at", "revision"]


def listing(engine: Engine, *, cercles: list[str] | None = None,
            kinds: list[str] | None = None, statuses: list[str] | None = None,
            since: date | None = None, until: date | None = None,
            scenario_id: int | None = None, trigger_id: int | None = None) -> pd.DataFrame:
    """Actions, by planned date then id, filtered (``until`` included); ``communes`` as a
    list of codes, ``is_demo`` a boolean."""
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
    if trigger_id is not None:
        query = query.where(a.c.trigger_id == trigger_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(a.c.planned_on, a.c.action_id)).all()
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["communes"] = out["communes"].map(lambda v: json.loads(v) if isinstance(v, str) else [])
    out["is_demo"] = out["is_demo"].map(bool)
    return out


def what(row, lang: str, communes: pd.Series | None = None) -> str:
    """What an action is, in words: its kind, how many and which communes ("Mediator
    deployment: 3 mediators — Kani-Bonzon, Ségué, Sokoura"). ``row``: an action of
    :func:`listing`; ``communes``: French names by code (default: the codes)."""
    text = t(f"actions.kind.{row.kind}", lang)
    quantity = row.quantity if row.quantity == row.quantity else None   # NaN: none
    if quantity and not (row.kind == "workshop" and quantity == 1):    # "Workshop", enough
        unit = "mediators" if row.kind == "deployment" else \
            "workshops" if row.kind == "workshop" else "other"
        text = t("actions.what_quantity", lang, kind=text, quantity=t(
            f"actions.quantity.{unit}", lang, n=format_number(int(quantity), lang)))
    names = [communes.get(c, c) if communes is not None else c for c in (row.communes or [])]
    if names:
        text += " — " + ", ".join(names)
    return text


def per_cercle(actions: pd.DataFrame) -> pd.DataFrame:
    """Counts of actions per cercle and status (one column per status, and ``open``: planned
    or under way), for the map layer."""
    table = pd.crosstab(actions["cercle_id"], actions["status"]).reindex(
        columns=list(STATUSES), fill_value=0)
    table["open"] = table["planned"] + table["under_way"]
    return table
