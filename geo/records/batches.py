"""Import batches as a whole: list them, and remove one batch or the demonstration data with
everything they brought (admins only; each removal is one transaction with its audit entry)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, roles
from geo.records.fields import ID_FIELD, KINDS
from geo.records.store import (TABLES, action, context_rating, import_batch, rejected_row,
                               report_review, scenario, set_meta, trigger, writing)

#: What was planned on demonstration data (scenarios, actions, triggers), removed with it.
PLANNING = {"scenarios": scenario, "actions": action, "triggers": trigger}


def demo_contents(engine: Engine) -> dict[str, int]:
    """What :func:`remove_demo` would delete: records per kind, context ratings, batches, and
    the scenarios, actions and triggers made while the demonstration data was loaded."""
    with engine.connect() as conn:
        out = {k: conn.execute(sa.select(sa.func.count()).select_from(TABLES[k])
                               .where(TABLES[k].c.is_demo)).scalar() for k in KINDS}
        out["context_ratings"] = conn.execute(sa.select(sa.func.count())
                                              .select_from(context_rating)
                                              .where(context_rating.c.is_demo)).scalar()
        out["batches"] = conn.execute(sa.select(sa.func.count()).select_from(import_batch)
                                      .where(import_batch.c.is_demo)).scalar()
        for key, table in PLANNING.items():
            out[key] = conn.execute(sa.select(sa.func.count()).select_from(table)
                                    .where(table.c.is_demo.is_(True))).scalar()
    return out



def remove_demo(engine: Engine, actor) -> dict[str, int]:
    """Delete every demonstration record and its batches, and what was planned on them —
    scenarios, actions, triggers marked as demonstration — (admin); return what was removed.
    An action kept (made on real data) that named a removed scenario or trigger is unlinked.
    Audited."""

    roles.require(actor, "remove_demo")
    removed = {}
    with writing(engine) as conn:
        demo_batches = sa.select(import_batch.c.batch_id).where(import_batch.c.is_demo)
        batch_ids = list(conn.execute(demo_batches).scalars())
        tensions = TABLES["tensions"]
        conn.execute(report_review.delete().where(report_review.c.report_id.in_(
            sa.select(tensions.c.report_id).where(tensions.c.is_demo))))
        for k in KINDS:
            removed[k] = conn.execute(TABLES[k].delete().where(TABLES[k].c.is_demo)).rowcount
        removed["context_ratings"] = conn.execute(
            context_rating.delete().where(context_rating.c.is_demo)).rowcount
        conn.execute(rejected_row.delete().where(rejected_row.c.batch_id.in_(demo_batches)))
        removed["batches"] = conn.execute(import_batch.delete()
                                          .where(import_batch.c.is_demo)).rowcount
        removed["actions"] = conn.execute(action.delete()
                                          .where(action.c.is_demo.is_(True))).rowcount
        demo_scenarios = sa.select(scenario.c.scenario_id).where(scenario.c.is_demo.is_(True))
        demo_triggers = sa.select(trigger.c.trigger_id).where(trigger.c.is_demo.is_(True))
        conn.execute(action.update().where(action.c.scenario_id.in_(demo_scenarios))
                     .values(scenario_id=None))
        conn.execute(action.update().where(action.c.trigger_id.in_(demo_triggers))
                     .values(trigger_id=None))
        removed["scenarios"] = conn.execute(scenario.delete()
                                            .where(scenario.c.is_demo.is_(True))).rowcount
        removed["triggers"] = conn.execute(trigger.delete()
                                           .where(trigger.c.is_demo.is_(True))).rowcount
        set_meta(conn, "demo_removed_at", datetime.now(timezone.utc).isoformat())
        audit.record(conn, actor, "remove_demo", records={"batches": batch_ids},
                     details=removed)
    return removed



def batch_contents(engine: Engine, batch_id: int) -> dict | None:
    """What :func:`delete_batch` would delete: the batch's kind, file, records and rejected
    rows still stored; None for an unknown batch."""
    with engine.connect() as conn:
        batch = conn.execute(sa.select(import_batch.c.kind, import_batch.c.file_name)
                             .where(import_batch.c.batch_id == batch_id)).first()
        if batch is None:
            return None
        table = TABLES[batch.kind]
        return {"kind": batch.kind, "file_name": batch.file_name,
                "records": conn.execute(sa.select(sa.func.count()).select_from(table)
                                        .where(table.c.batch_id == batch_id)).scalar(),
                "rejected_rows": conn.execute(sa.select(sa.func.count())
                                              .select_from(rejected_row)
                                              .where(rejected_row.c.batch_id == batch_id)
                                              ).scalar()}



def delete_batch(engine: Engine, batch_id: int, actor) -> dict:
    """Delete one import batch with its records and rejected rows (admin); return what was
    deleted (:func:`batch_contents`). Audited. Raises KeyError for an unknown batch."""

    roles.require(actor, "delete_batch")
    with writing(engine) as conn:
        batch = conn.execute(sa.select(import_batch.c.kind, import_batch.c.file_name)
                             .where(import_batch.c.batch_id == batch_id)).first()
        if batch is None:
            raise KeyError(batch_id)
        kind, file_name = batch
        table = TABLES[kind]
        ids = list(conn.execute(sa.select(table.c[ID_FIELD[kind]])
                                .where(table.c.batch_id == batch_id)).scalars())
        if kind == "tensions":          # the review state goes with its reports (history stays)
            conn.execute(report_review.delete().where(report_review.c.report_id.in_(
                sa.select(table.c.report_id).where(table.c.batch_id == batch_id))))
        conn.execute(table.delete().where(table.c.batch_id == batch_id))
        rejected = conn.execute(rejected_row.delete()
                                .where(rejected_row.c.batch_id == batch_id)).rowcount
        conn.execute(import_batch.delete().where(import_batch.c.batch_id == batch_id))
        deleted = {"kind": kind, "file_name": file_name, "records": len(ids),
                   "rejected_rows": rejected}
        audit.record(conn, actor, "delete_batch", target=f"batch {batch_id}",
                     records=ids, details=deleted)
    return deleted



def list_batches(engine: Engine) -> pd.DataFrame:
    """Every import batch, newest first."""
    with engine.connect() as conn:
        result = conn.execute(sa.select(import_batch).order_by(import_batch.c.batch_id.desc()))
        return pd.DataFrame(result.all(), columns=list(result.keys()))
