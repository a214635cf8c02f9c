"""Triggers agreed in advance, each tied to its response (anticipatory action: a threshold,
a pre-agreed activity; OCHA). Stored in schema v10, table ``trigger_rule``.

A trigger is a rule on one of :data:`KINDS`, over an area (regions and cercles, as
``region:<id>`` / ``cercle:<id>``; none = all of Mali):

* ``baseline`` — a cercle's reports over the last ``window_days`` (14 or 30) above the 99 %
  Poisson bound of its own past year: the monitor's alert (:func:`geo.analysis.monitor.alerts`);
* ``forecast`` — the forecast probability of at least one severe report (severity 4–5) in the
  next 90 days above ``threshold`` (the indicator table's ``forecast_p_severe``);
* ``hotspot`` — a 99 % Getis-Ord Gi* hot spot of the last 90 days (the monitor's hot spots).

It is judged over ``horizon_days`` (7–180): did a report (``outcome="any"``) or a severe report
(``"severe"``) follow within the horizon of a firing? Its ``response`` is an action template —
the kind of action, the responsible unit, how many days after the firing it is planned, and
optionally how many (mediators, workshops) — from which one click makes the action
(:func:`respond`). How a trigger fires and how it did over the history:
:mod:`geo.analysis.triggers`.

Analysts and admins define and retire triggers (permission ``trigger``); a trigger is retired,
never deleted (the actions that answered it name it). Every write is audited; a trigger
defined while the demonstration data is loaded is marked as such and removed with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import actions, audit, personal, roles, store
from geo.reference import units

KINDS = ("baseline", "forecast", "hotspot")
OUTCOMES = ("any", "severe")
#: The monitor's alert windows (geo.analysis.monitor.ALERT_WINDOWS; a test checks they agree).
WINDOWS = (14, 30)
MIN_HORIZON, MAX_HORIZON = 7, 180
MAX_DELAY = 90
MAX_NAME = 120


class TriggerError(ValueError):
    """A refused write: ``problems``, a list of (code, details) translated by the screen."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__("; ".join(code for code, _ in problems))
        self.problems = problems


@dataclass(frozen=True)
class Trigger:
    trigger_id: int
    name: str
    kind: str
    window_days: int | None
    threshold: float | None
    areas: tuple[str, ...]
    horizon_days: int
    outcome: str
    response: dict
    active: bool
    is_demo: bool
    created_by: str
    created_at: datetime
    revision: int

    def cercles(self, region_of: dict[str, str]) -> set[str]:
        """The cercles the trigger watches (``region_of``: every cercle's region)."""
        if not self.areas:
            return set(region_of)
        return {c for c, r in region_of.items()
                if f"cercle:{c}" in self.areas or f"region:{r}" in self.areas}


def _areas_known() -> set[str]:
    return {f"region:{r}" for r in units.load_regions().index} | \
        {f"cercle:{c}" for c in units.load_cercles().index}


def _check(values: dict) -> dict:
    problems: list[tuple[str, dict]] = []
    out = dict(values)
    name = " ".join(personal.printable(values.get("name") or "").split())
    if not name:
        problems.append(("name_missing", {}))
    elif len(name) > MAX_NAME:
        problems.append(("name_long", {"max": MAX_NAME}))
    elif personal.free_text_kind(name):
        problems.append(("personal", {}))
    out["name"] = name
    kind = values.get("kind")
    if kind not in KINDS:
        problems.append(("kind", {"value": kind}))
    if kind == "baseline" and values.get("window_days") not in WINDOWS:
        problems.append(("window", {"value": values.get("window_days")}))
    if kind != "baseline":
        out["window_days"] = None
    threshold = values.get("threshold")
    if kind == "forecast":
        if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            problems.append(("threshold", {"value": threshold}))
        else:
            out["threshold"] = float(threshold)
    else:
        out["threshold"] = None
    known = _areas_known()
    areas = sorted(set(values.get("areas") or []))
    for area in areas:
        if area not in known:
            problems.append(("area", {"value": str(area)[:80]}))
    out["areas"] = json.dumps(areas)
    horizon = values.get("horizon_days")
    if not isinstance(horizon, int) or not MIN_HORIZON <= horizon <= MAX_HORIZON:
        problems.append(("horizon", {"value": horizon, "min": MIN_HORIZON,
                                     "max": MAX_HORIZON}))
    if values.get("outcome") not in OUTCOMES:
        problems.append(("outcome", {"value": values.get("outcome")}))
    response = dict(values.get("response") or {})
    if response.get("kind") not in actions.KINDS:
        problems.append(("response_kind", {"value": response.get("kind")}))
    if response.get("unit") not in actions.UNITS:
        problems.append(("response_unit", {"value": response.get("unit")}))
    delay = response.get("delay_days", 0)
    if not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY:
        problems.append(("delay", {"value": delay, "max": MAX_DELAY}))
    quantity = response.get("quantity")
    if quantity is not None and (not isinstance(quantity, int)
                                 or not 1 <= quantity <= actions.MAX_QUANTITY):
        problems.append(("quantity", {"value": quantity, "max": actions.MAX_QUANTITY}))
    out["response"] = json.dumps({"kind": response.get("kind"), "unit": response.get("unit"),
                                  "delay_days": delay, "quantity": quantity})
    if problems:
        raise TriggerError(problems)
    return out


def define(engine: Engine, actor: roles.Actor, *, name: str, kind: str,
           window_days: int | None = None, threshold: float | None = None,
           areas: list[str] | None = None, horizon_days: int = 30, outcome: str = "severe",
           response: dict) -> int:
    """Store a new trigger by ``actor`` (analyst); its id. ``response``: ``kind`` and
    ``unit`` of the action, ``delay_days`` (0–90) from the firing to its planned date,
    optionally ``quantity``."""
    roles.require(actor, "trigger")
    values = _check({"name": name, "kind": kind, "window_days": window_days,
                     "threshold": threshold, "areas": areas, "horizon_days": horizon_days,
                     "outcome": outcome, "response": response})
    demo = store.demo_in_use(engine)
    now = datetime.now(timezone.utc)
    with store.writing(engine) as conn:
        tid = conn.execute(store.trigger.insert().values(
            **values, active=True, is_demo=demo, created_by=actor.label, created_at=now,
            updated_by=actor.label, updated_at=now, revision=1)).inserted_primary_key[0]
        template = json.loads(values["response"])
        audit.record(conn, actor, "save_trigger", f"trigger {tid}", [tid], {
            "name": values["name"], "trigger_kind": kind, "window_days": values["window_days"],
            "threshold": values["threshold"],
            "areas": ", ".join(json.loads(values["areas"])) or None,
            "horizon_days": horizon_days, "trigger_outcome": outcome,
            "response_kind": template["kind"], "response_unit": template["unit"],
            "delay_days": template["delay_days"], "quantity": template["quantity"],
            **({"demo": True} if demo else {})})
    return int(tid)


def retire(engine: Engine, actor: roles.Actor, trigger_id: int) -> None:
    """Retire a trigger (analyst): it fires no more; the actions that answered it keep its
    name. Audited."""
    roles.require(actor, "trigger")
    t = store.trigger
    with store.writing(engine) as conn:
        row = conn.execute(sa.select(t).where(t.c.trigger_id == trigger_id)).first()
        if row is None or not row.active:
            raise TriggerError([("missing", {"value": trigger_id})])
        conn.execute(t.update().where(t.c.trigger_id == trigger_id).values(
            active=False, updated_by=actor.label, updated_at=datetime.now(timezone.utc),
            revision=row.revision + 1))
        audit.record(conn, actor, "retire_trigger", f"trigger {trigger_id}", [trigger_id],
                     {"name": row.name})


def _trigger(row) -> Trigger:
    return Trigger(row.trigger_id, row.name, row.kind, row.window_days, row.threshold,
                   tuple(json.loads(row.areas)), row.horizon_days, row.outcome,
                   json.loads(row.response), bool(row.active), bool(row.is_demo),
                   row.created_by, row.created_at, row.revision)


def listing(engine: Engine, active_only: bool = True) -> list[Trigger]:
    """The triggers (only those in force by default), oldest first."""
    t = store.trigger
    query = sa.select(t).order_by(t.c.trigger_id)
    if active_only:
        query = query.where(t.c.active)
    with engine.connect() as conn:
        return [_trigger(r) for r in conn.execute(query).all()]


def get(engine: Engine, trigger_id: int) -> Trigger | None:
    t = store.trigger
    with engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.trigger_id == trigger_id)).first()
    return None if row is None else _trigger(row)


def respond(engine: Engine, actor: roles.Actor, cercles: set[str], trigger: Trigger,
            cercle_id: str, fired_on: date) -> int:
    """The agreed response to ``trigger``'s firing in ``cercle_id`` on ``fired_on``, made
    into a planned action (analyst, :func:`geo.records.actions.from_trigger`): its id.
    Refused (``exists_trigger``) when an action from this trigger already answers a firing
    in that cercle within the horizon; (``trigger_retired``) for a retired trigger."""
    if not trigger.active:
        raise actions.ActionError([("trigger_retired", {"name": trigger.name})])
    return actions.from_trigger(engine, actor, cercles, trigger_id=trigger.trigger_id,
                                cercle_id=cercle_id, fired_on=fired_on,
                                horizon_days=trigger.horizon_days, template=trigger.response)
