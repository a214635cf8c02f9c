"""The import itself: duplicates and conflicts, one transaction, the batch."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from datetime import date, datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.records import audit, roles, store
from geo.records.roles import Actor
from geo.ingest.headers import map_headers, screen_values
from geo.ingest.place import Locator
from geo.ingest.read import read_table
from geo.ingest.report import ImportRefused, ImportReport, reason
from geo.ingest.rows import validate
from geo.records.fields import ID_FIELD, KINDS, REVIEWED_FIELDS


_HASH_SKIP = {"warnings", "is_demo", "batch_id"}


def row_hash(rec: dict, keys: list[str] | None = None) -> str:
    """Content fingerprint of a record: SHA-1 of the pickled tuple of its values in key order
    (deterministic for text, numbers, dates and None). ``keys`` fixes the order (default:
    sorted)."""
    keys = keys if keys is not None else sorted(k for k in rec if k not in _HASH_SKIP)
    return hashlib.sha1(pickle.dumps(tuple(map(rec.get, keys)), protocol=4)).hexdigest()


#: Accepted rows kept in the report for the preview (where each was placed).
PREVIEW_ROWS = 1000


def import_frame(engine: Engine | None, kind: str, frame: pd.DataFrame, row_numbers: list[int],
                 file_name: str, sha256: str, *, actor: Actor | None = None,
                 dry_run: bool = False, is_demo: bool = False,
                 locator: Locator | None = None, today: date | None = None,
                 updates: bool = False, source_format: str | None = None,
                 within: Callable[[Connection, ImportReport], None] | None = None
                 ) -> ImportReport:
    """Validate a table already read, then store it in one transaction (unless ``dry_run``)
    with its audit entry. Against a store (``engine``), even the preview needs an ``actor``
    who may import (analyst); ``engine=None`` only validates.

    Parameters
    ----------
    updates : bool
        The rows come from a keyed source (a KoboToolbox or ODK Central form, :mod:`geo.intake`)
        whose identifier is the platform's submission id: a stored report that comes back
        with different content is *updated* — every changed field written, its old and new
        values appended to ``report_history``, the ids listed in the audit entry — instead of
        rejected as a conflict. A reviewed report keeps its verification and status (the
        review queue owns them). Tension reports only. A file import keeps the rule that the
        same identifier with other content is rejected. When nothing is new (every row a
        duplicate), no batch is made.
    source_format : str, optional
        Stored with the batch instead of the recognised format's key (``kobo``, ``odk``,
        ``sms``).
    within : callable, optional
        ``within(conn, report)`` runs inside the write transaction after the rows are written
        (a sync's state and audit entry): everything commits together or not at all.

    ``accepted + rejected + duplicates + updated == rows``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if updates and kind != "tensions":
        raise ValueError("updates are for tension reports only")
    if engine is not None:
        roles.require(actor, "import")
    mapping, ignored, fmt = map_headers(list(frame.columns), kind, frame.attrs.get("hxl"))
    screen_values(frame, mapping, kind)
    results = validate(frame, row_numbers, kind, mapping, fmt, locator, today)
    report = ImportReport(kind, file_name, sha256, rows=len(results), ignored_columns=ignored,
                          source_format=source_format or fmt.key, dry_run=dry_run,
                          hxl_row=bool(frame.attrs.get("hxl_row")),
                          notices=list(frame.attrs.get("notices", [])),
                          attribution=fmt.attribution)
    id_field = ID_FIELD[kind]
    table = store.TABLES[kind]
    columns = store.RECORD_COLUMNS[kind]
    hash_keys = sorted(c for c in columns if c != id_field)

    prefix = f"{kind[0].upper()}-"
    changes: list[tuple[str, dict, str | None]] = []     # (id, {field: (old, new)}, warnings)

    def warnings_text(res) -> str | None:
        return (json.dumps([w.text("fr") for w in res.warnings], ensure_ascii=False)
                if res.warnings else None)

    def decide(existing_among, stored_rows) -> list[dict]:
        """Classify each valid row: new, duplicate, update or conflict (same id, other
        content).

        Two rows of the file with one id are duplicates when their content is the same (a
        dyadic ACLED file repeats an event per actor pair). A row whose id is stored is a
        duplicate when every field the file gives equals the stored value — a file that
        carries fewer fields (a Veille export, mediators at cercle level) re-imports as
        duplicates — and a conflict when one differs; with ``updates``, every field is
        compared (a field emptied on the platform is emptied here) and a difference is an
        update."""
        valid = []
        for res in results:
            if res.warnings:
                report.row_warnings.append((res.row, res.warnings))
            rec = res.record
            if rec is None:
                report.rejections.append((res.row, res.reasons, res.data))
                continue
            if not rec[id_field]:          # no identifier: one made from the content
                rec[id_field] = prefix + row_hash(rec, hash_keys)[:16]
            valid.append(res)
        existing_ids = existing_among({res.record[id_field] for res in valid})
        seen: dict[str, dict] = {}
        pending = []                       # rows whose id is already in the store
        to_insert, kept = [], []
        for res in valid:
            rec = res.record
            rid = rec[id_field]
            if rid in existing_ids:
                pending.append(res)
                continue
            first = seen.get(rid)
            if first is None:
                seen[rid] = rec
                rec["is_demo"] = is_demo
                rec["warnings"] = warnings_text(res)
                to_insert.append(rec)
                kept.append(res)
            elif row_hash(first, hash_keys) == row_hash(rec, hash_keys):
                report.duplicates += 1
            else:
                report.rejections.append((res.row, [reason("id_conflict", id=rid)], res.data))
        if pending:
            stored = stored_rows([res.record[id_field] for res in pending])
            for res in pending:
                rid = res.record[id_field]
                old = stored.get(rid)
                rec = res.record
                # the review queue owns a reviewed report's verification and status: a
                # re-import does not undo a review (geo.records.review)
                skip = REVIEWED_FIELDS if old is not None and old.get("_reviewed") else ()
                compared = [k for k in hash_keys if k not in skip]
                if updates and old is not None and rid not in {c[0] for c in changes}:
                    diff = {k: (old[k], rec.get(k)) for k in compared if rec.get(k) != old[k]}
                    if diff:
                        changes.append((rid, diff, warnings_text(res)))
                    else:
                        report.duplicates += 1
                elif old is not None and all(rec.get(k) is None or rec[k] == old[k]
                                             for k in compared):
                    report.duplicates += 1
                else:
                    report.rejections.append((res.row, [reason("id_conflict", id=rid)],
                                              res.data))
        report.rejections.sort(key=lambda item: item[0])
        report.placed = [{"row": res.row, "id": res.record[id_field],
                          **{k: res.record.get(k) for k in ("region_id", "cercle_id",
                                                            "commune_id")},
                          "precision": res.record.get("location_precision"),
                          "corrections": res.warnings}
                         for res in kept[:PREVIEW_ROWS]]
        report.accepted = len(to_insert)
        report.updated = len(changes)
        report.rejected = len(report.rejections)
        return to_insert

    def existing_from(conn):
        def among(ids: set) -> set:
            # a few ids (a sync page, an SMS): looked up; many: the whole column read once
            column = table.c[id_field]
            if len(ids) <= 500:
                return set(conn.execute(sa.select(column).where(column.in_(ids))).scalars()) \
                    if ids else set()
            return set(conn.execute(sa.select(column)).scalars()) & ids
        return among

    def stored_rows_from(conn):
        def fetch(ids: list[str]) -> dict[str, dict]:
            cols = [table.c[id_field], *(table.c[k] for k in hash_keys)]
            wanted = set(ids)
            out = {}
            query = sa.select(*cols)
            if len(wanted) <= 500:
                query = query.where(table.c[id_field].in_(wanted))
            for row in conn.execute(query):
                if row[0] in wanted:
                    out[row[0]] = dict(zip(hash_keys, row[1:]))
            if kind == "tensions" and out:
                review = store.report_review
                for rid in conn.execute(sa.select(review.c.report_id)).scalars():
                    if rid in out:
                        out[rid]["_reviewed"] = True
            return out
        return fetch

    if engine is None or dry_run:
        if engine is None:
            decide(lambda ids: set(), lambda ids: {})
        else:
            with engine.connect() as conn:
                decide(existing_from(conn), stored_rows_from(conn))
        return report
    with store.writing(engine, kind) as conn:
        to_insert = decide(existing_from(conn), stored_rows_from(conn))
        if updates and not (to_insert or changes or report.rejections):
            # a keyed source read again with nothing new: no batch, nothing written
            if within is not None:
                within(conn, report)
            return report
        batch_id = conn.execute(store.import_batch.insert().values(
            kind=kind, file_name=file_name[:255], sha256=sha256, rows=report.rows,
            accepted=report.accepted, rejected=report.rejected, duplicates=report.duplicates,
            updated=report.updated, warnings=report.warnings, is_demo=is_demo,
            imported_at=datetime.now(timezone.utc), source_format=report.source_format,
            attribution=fmt.attribution)).inserted_primary_key[0]
        for row in to_insert:
            row["batch_id"] = batch_id
        store.bulk_insert(conn, table, to_insert)
        if changes:
            _write_updates(conn, actor, changes)
        store.bulk_insert(conn, store.rejected_row, [
            {"batch_id": batch_id, "row": row,
             "reasons": json.dumps([x.text("fr") for x in reasons], ensure_ascii=False),
             "codes": json.dumps([x.code for x in reasons]),
             "details": json.dumps([x.as_json() for x in reasons], ensure_ascii=False,
                                   default=str),
             "data": json.dumps(data, ensure_ascii=False, default=str)}
            for row, reasons, data in report.rejections])
        records = {"batch": batch_id}
        if changes:
            records["updated"] = [rid for rid, _, _ in changes]
        audit.record(conn, actor, "import", target=f"batch {batch_id}",
                     records=records,
                     details={"kind": kind, "file_name": file_name[:255],
                              "format": report.source_format, "sha256": sha256,
                              **({"updated": {rid: sorted(diff) for rid, diff, _ in changes}}
                                 if changes else {})})
        report.batch_id = batch_id
        if within is not None:
            within(conn, report)
    assert report.accepted + report.rejected + report.duplicates + report.updated \
        == report.rows
    return report


def _history_text(value) -> str | None:
    """A field's value as ``report_history`` keeps it (ISO dates, plain numbers)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_updates(conn: Connection, actor: Actor,
                   changes: list[tuple[str, dict, str | None]]) -> None:
    """Write the changed fields of updated tension reports and append each change (old →
    new) to the append-only ``report_history``, at the report's current review revision
    (an edit on the platform is not a review: the review queue's revision is unchanged)."""
    table, review = store.TABLES["tensions"], store.report_review
    ids = [rid for rid, _, _ in changes]
    revisions = dict(conn.execute(sa.select(review.c.report_id, review.c.revision)
                                  .where(review.c.report_id.in_(ids))).all())
    now = datetime.now(timezone.utc)
    history = []
    for rid, diff, warnings in changes:
        conn.execute(table.update().where(table.c.report_id == rid)
                     .values(warnings=warnings, **{k: new for k, (_, new) in diff.items()}))
        history += [{"report_id": rid, "revision": revisions.get(rid, 0), "at": now,
                     "subject": actor.subject, "user_label": actor.label, "field": k,
                     "old": _history_text(old), "new": _history_text(new), "note": None}
                    for k, (old, new) in diff.items()]
    conn.execute(store.report_history.insert(), history)


def import_file(engine: Engine | None, kind: str, data: bytes, file_name: str, *,
                actor: Actor | None = None, dry_run: bool = False, is_demo: bool = False,
                locator: Locator | None = None, today: date | None = None,
                within: Callable[[Connection, ImportReport], None] | None = None
                ) -> ImportReport:
    """Read ``data`` (the file's bytes) and import it; see :func:`import_frame`.

    Raises
    ------
    ImportRefused
        When the file cannot be read or is refused whole (personal data); nothing is stored.
    """
    frame, numbers = read_table(data, file_name)
    if frame.empty and not len(frame.columns):
        raise ImportRefused("empty")
    sha = hashlib.sha256(data).hexdigest()
    return import_frame(engine, kind, frame, numbers, file_name, sha, actor=actor,
                        dry_run=dry_run,
                        is_demo=is_demo, locator=locator, today=today, within=within)
