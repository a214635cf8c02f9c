"""The review queue: a tension report is verified (or found false) and followed up — open →
follow-up → resolved — with an action note, the responsible unit (a function from
:data:`UNITS`, never a person) and an escalation flag, as Ushahidi/Uchaguzi keep their review
queues.

The verification and the follow-up status stay in the report's record (``tensions``), so the
indicators, the maps and every export read them as before; the rest of the review state is in
``report_review`` and every change is appended to ``report_history`` (the signed-in user,
when, the field, its old and new value, the note) — a table the database refuses to edit or
empty (schema v7). One change is one transaction: the record, the review state, the history
rows and the audit entry commit together or not at all.

An edit names the ``revision`` of the report it was made on (0 before any review): when
someone else changed the report since, it is refused (``conflict``, with who and when),
never overwritten (optimistic locking). Notes are free text and refused when they hold a
phone number, an e-mail address or a person's name (:func:`geo.records.personal.free_text_kind`).

A re-import of a reviewed report does not undo its review: the importer does not compare
these two fields (:data:`REVIEWED_FIELDS`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, personal, roles, store
from geo.records.actions import UNITS
from geo.records.fields import ENUMS, REVIEWED_FIELDS

VERIFICATIONS = tuple(ENUMS[("tensions", "verification")])   # unverified, verified, false
STATUSES = tuple(ENUMS[("tensions", "status")])              # open, follow_up, resolved
FIELDS = (*REVIEWED_FIELDS, "unit", "escalated", "note")
MAX_NOTE = 2000
#: Audit detail key of each field (``status`` is taken by the actions').
_AUDIT_KEY = {"status": "report_status"}


class ReviewError(ValueError):
    """A refused change: ``problems``, a list of (code, details) translated by the screen."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__("; ".join(code for code, _ in problems))
        self.problems = problems


def _checked(changes: dict) -> dict:
    problems: list[tuple[str, dict]] = []
    out = dict(changes)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        problems.append(("field", {"value": ", ".join(sorted(unknown))}))
    for name, allowed in (("verification", VERIFICATIONS), ("status", STATUSES)):
        if name in changes and changes[name] not in allowed:
            problems.append((name, {"value": changes[name]}))
    if "unit" in changes and changes["unit"] is not None and changes["unit"] not in UNITS:
        problems.append(("unit", {"value": changes["unit"]}))
    if "escalated" in changes:
        out["escalated"] = bool(changes["escalated"])
    if "note" in changes:
        out["note"], problem = personal.note(changes["note"], MAX_NOTE, "note_long")
        problems += [problem] if problem else []
    if problems:
        raise ReviewError(problems)
    return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def change(engine: Engine, actor: roles.Actor, report_id: str, revision: int,
           **changes) -> int:
    """Change a report's review fields (``verification``, ``status``, ``unit``,
    ``escalated``, ``note``) as ``actor`` (analyst), made on ``revision``; the new revision
    (the same when nothing changed). Refused with :class:`ReviewError`: ``missing`` report,
    ``conflict`` (changed since ``revision``), invalid values, personal data in the note."""
    roles.require(actor, "review")
    changes = _checked(changes)
    tensions, review, history = store.TABLES["tensions"], store.report_review, \
        store.report_history
    with store.writing(engine, "tensions") as conn:
        record = conn.execute(sa.select(tensions.c.verification, tensions.c.status)
                              .where(tensions.c.report_id == report_id)).first()
        if record is None:
            raise ReviewError([("missing", {"value": report_id})])
        state = conn.execute(sa.select(review).where(review.c.report_id == report_id)).first()
        current = state.revision if state else 0
        if current != revision:
            raise ReviewError([("conflict", {"by": state.updated_by,
                                             "at": state.updated_at.isoformat()})])
        before = {"verification": record.verification, "status": record.status,
                  "unit": state.unit if state else None,
                  "escalated": bool(state.escalated) if state else False,
                  "note": state.note if state else None}
        diff = {k: (before[k], v) for k, v in changes.items() if before[k] != v}
        if not diff:
            return revision
        now, new_revision = datetime.now(timezone.utc), revision + 1
        on_record = {k: new for k, (_, new) in diff.items() if k in REVIEWED_FIELDS}
        if on_record:
            conn.execute(tensions.update().where(tensions.c.report_id == report_id)
                         .values(**on_record))
        after = {**{k: before[k] for k in ("unit", "escalated", "note")},
                 **{k: new for k, (_, new) in diff.items() if k not in REVIEWED_FIELDS}}
        values = dict(revision=new_revision, updated_by=actor.label, updated_at=now, **after)
        if state is None:
            conn.execute(review.insert().values(report_id=report_id, **values))
        else:
            conn.execute(review.update().where((review.c.report_id == report_id)
                                               & (review.c.revision == revision))
                         .values(**values))
        note = after["note"] if "note" in diff else None
        conn.execute(history.insert(), [
            {"report_id": report_id, "revision": new_revision, "at": now,
             "subject": actor.subject, "user_label": actor.label, "field": field,
             "old": _text(old), "new": _text(new), "note": note}
            for field, (old, new) in diff.items()])
        audit.record(conn, actor, "review_report", f"report {report_id}", [report_id],
                     {_AUDIT_KEY.get(k, k): [o, n] for k, (o, n) in diff.items()})
    return new_revision


STATE_COLUMNS = ["report_id", "revision", "unit", "escalated", "note", "updated_by",
                 "updated_at"]


def states(engine: Engine) -> pd.DataFrame:
    """The review state of every reviewed report, indexed by ``report_id`` (a report never
    reviewed has none: revision 0, no unit, not escalated)."""
    r = store.report_review
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[r.c[c] for c in STATE_COLUMNS])).all()
    return pd.DataFrame(rows, columns=STATE_COLUMNS).set_index("report_id")


HISTORY_COLUMNS = ["entry_id", "report_id", "revision", "at", "user_label", "field", "old",
                   "new", "note"]


def history(engine: Engine, report_ids: list[str] | None = None) -> pd.DataFrame:
    """The history of changes (of ``report_ids``, or all), oldest first."""
    h = store.report_history
    query = sa.select(*[h.c[c] for c in HISTORY_COLUMNS]).order_by(h.c.entry_id)
    if report_ids is not None:
        query = query.where(h.c.report_id.in_(list(report_ids)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    texts = ["old", "new", "note"]
    frame[texts] = frame[texts].astype(object).where(frame[texts].notna(), None)
    return frame


def queue(reports: pd.DataFrame, reviews: pd.DataFrame, *,
          regions: list[str] | None = None, cercles: list[str] | None = None,
          categories: list[str] | None = None, severities: list[int] | None = None,
          sources: list[str] | None = None, verifications: list[str] | None = None,
          statuses: list[str] | None = None, escalated_only: bool = False,
          since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """Tension reports ``reports`` (as :func:`geo.records.store.load_records` gives them) joined to
    their review state ``reviews`` (:func:`states`), filtered (``until`` included) and in
    queue order: awaiting verification, then follow-up open, then the rest; most severe, then
    most recent first."""
    frame = reports
    when = pd.to_datetime(frame["occurred_on"])
    keep = pd.Series(True, index=frame.index)
    for column, allowed in (("region_id", regions), ("cercle_id", cercles),
                            ("category", categories), ("severity", severities),
                            ("source_type", sources), ("verification", verifications),
                            ("status", statuses)):
        if allowed:
            keep &= frame[column].isin(list(allowed))
    if since is not None:
        keep &= when >= pd.Timestamp(since)
    if until is not None:
        keep &= when <= pd.Timestamp(until)
    if escalated_only:
        escalated = reviews.index[reviews["escalated"].fillna(False).astype(bool)]
        keep &= frame["report_id"].isin(escalated)
    mask = keep.to_numpy()
    frame, when = frame[mask], when[mask]
    ids = frame["report_id"]
    frame = frame.assign(
        revision=ids.map(reviews["revision"]).fillna(0).astype(int).to_numpy(),
        unit=ids.map(reviews["unit"]).to_numpy(),
        escalated=ids.map(reviews["escalated"]).eq(True).to_numpy(),
        note=ids.map(reviews["note"]).to_numpy(),
        reviewed_by=ids.map(reviews["updated_by"]).to_numpy(),
        reviewed_at=ids.map(reviews["updated_at"]).to_numpy())
    verification, status = frame["verification"].to_numpy(), frame["status"].to_numpy()
    rank = np.select([verification == "unverified", status == "follow_up", status == "open"],
                     [0, 1, 2], 3)
    order = np.lexsort((frame["report_id"].to_numpy(), -when.to_numpy().astype("int64"),
                        -frame["severity"].fillna(0).to_numpy(dtype=float), rank))
    return frame.iloc[order].reset_index(drop=True)


def with_review(frame: pd.DataFrame, engine: Engine) -> pd.DataFrame:
    """Tension records ``frame`` with their review state and history as export columns:
    ``unit``, ``escalated``, ``reviewed_at`` and ``review_history`` (each change as
    ``date field: old → new``, separated by `` | ``). Exports leave the app: they name no
    user (the app's history and the audit log do)."""
    reviews = states(engine).reindex(frame["report_id"])
    past = history(engine)
    lines = {rid: " | ".join(
        f"{pd.Timestamp(row.at):%Y-%m-%d %H:%M} {row.field}: {row.old or ''} → {row.new or ''}"
        for row in group.itertuples()) for rid, group in past.groupby("report_id")}
    return frame.assign(
        unit=reviews["unit"].to_numpy(),
        escalated=reviews["escalated"].fillna(False).astype(bool).to_numpy(),
        reviewed_at=[None if pd.isna(v) else pd.Timestamp(v).isoformat()
                     for v in reviews["updated_at"]],
        review_history=frame["report_id"].map(lines).to_numpy())
