"""The audit log: every write, append-only.

Each write under ``geo/`` calls :func:`record` inside its own transaction, so the entry and
the change commit together or not at all. An entry holds the user's subject, label and role,
the time, the action, its target (a batch, a principal…) and which records (JSON). The table
refuses UPDATE and DELETE (database triggers, schema v5): an entry cannot be edited or removed,
not even by the application.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.records import store
from geo.records.roles import Actor

#: Every action the log records.
ACTIONS = ("import", "delete_batch", "load_demo", "remove_demo", "rate", "add_factor",
           "role_set", "role_removed", "save_scenario", "delete_scenario", "add_action",
           "update_action", "review_report",
           # intake (geo.intake, geo.outputs.notify): a form connected or removed, a sync,
           # a batch of SMS reports from a gateway, a subscription set or removed
           "source_set", "source_removed", "sync", "sms_batch", "subscription_set",
           "subscription_removed",
           # the deployment job (issue 30): a plan's actions withdrawn, triggers
           "withdraw_actions", "save_trigger", "retire_trigger")


def record(conn: Connection, actor: Actor, action: str, target: str | None = None,
           records=None, details: dict | None = None) -> None:
    """Append one entry (inside the caller's write transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(store.audit_log.insert().values(
        at=datetime.now(timezone.utc), subject=actor.subject, user_label=actor.label,
        role=actor.role, action=action, target=target,
        records=None if records is None else json.dumps(records, ensure_ascii=False,
                                                          default=str),
        details=None if details is None else json.dumps(details, ensure_ascii=False,
                                                          default=str)))


def _filtered(query, users, actions, since, until):
    t = store.audit_log
    if users:
        query = query.where(t.c.subject.in_(users) | t.c.user_label.in_(users))
    if actions:
        query = query.where(t.c.action.in_(actions))
    if since:
        query = query.where(t.c.at >= datetime.combine(since, time(), timezone.utc))
    if until:
        query = query.where(t.c.at < datetime.combine(until + timedelta(days=1), time(),
                                                      timezone.utc))
    return query


def entries(engine: Engine, *, users: list[str] | None = None,
            actions: list[str] | None = None, since: date | None = None,
            until: date | None = None, limit: int | None = None) -> pd.DataFrame:
    """Entries, newest first (the ``limit`` newest), filtered by user (subject or label),
    action and day (``until`` included)."""
    t = store.audit_log
    query = _filtered(sa.select(t), users, actions, since, until).order_by(t.c.entry_id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def count(engine: Engine, *, users: list[str] | None = None,
          actions: list[str] | None = None, since: date | None = None,
          until: date | None = None) -> int:
    """How many entries :func:`entries` would return without a limit."""
    query = _filtered(sa.select(sa.func.count()).select_from(store.audit_log), users,
                      actions, since, until)
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def users(engine: Engine) -> list[str]:
    """The labels of everyone who wrote, for the screen's filter."""
    t = store.audit_log
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.c.user_label).distinct()
                                 .order_by(t.c.user_label)).scalars())
