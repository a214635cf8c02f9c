"""Synchronising a form: its new and edited submissions, through the importer, in one
transaction.

A sync (:func:`sync`)

1. reads the source's state (where the last successful sync stopped: its *cursor*, the
   newest submission time it saw) and fetches every page of submissions at or after it from
   the platform (:mod:`geo.intake.kobo`, :mod:`geo.intake.odk`) — or all of them for a
   *full* sync;
2. makes one table of them, one row per submission keyed on the platform's own id
   (``report_id`` = ``kobo:<_uuid>`` / ``odk:<instanceID>``; a submission seen twice keeps
   its last version), ``source_type`` the platform; device metadata (:data:`DEVICE_META`)
   never enters it; a choice name that is not one of Veille's codes is replaced by its label
   when the label is one (``discours_haine`` → "Discours de haine");
3. screens it for personal data like a file: a question whose name names a person refuses
   the sync (nothing stored); a phone number or e-mail address in a submission's answer
   rejects that submission (the cell is not kept), as a file row is rejected;
4. checks that the form still gives what a tension report needs (date, category, severity
   and a place): when not, the form's fields changed and the sync stops (``fields_changed``,
   naming what is missing, nothing stored);
5. imports the table with :func:`geo.ingest.import_frame` (``updates=True``): every
   submission is accepted, rejected with its reasons, a duplicate, or — when it came back
   edited — updated with its old values in the report's history; ``accepted + rejected +
   duplicates + updated = submissions``; the source's new state and the audit entry are
   written in the same transaction.

Any failure (network, timeout, a token refused, an unknown form, a page that is not the
documented JSON, too much data, fields changed) raises :class:`~geo.intake.remote.SyncError`
before anything is written: the records and the cursor stay as they were, so the next sync
resumes where the last one succeeded. The failure itself is recorded on the source (code,
time, no token) with an audit entry, for the Data page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.records import audit, roles, store
from geo.records.roles import Actor
from geo.ingest import ImportRefused, ImportReport, Locator, import_frame, map_headers, reason
from geo.ingest.parse import enum_lookup, norm_value
from geo.ingest.read import MAX_ROWS, ROW_PROBLEM
from geo.intake import kobo, odk
from geo.intake.remote import Source, SyncError
from geo.records.fields import ENUMS, FREE_TEXT
from geo.records import personal

#: Metadata questions of XLSForm that describe the device or the person holding it (a phone
#: number, a SIM serial, an account, an e-mail); never read into the table.
DEVICE_META = frozenset({"start", "end", "today", "deviceid", "subscriberid", "simserial",
                         "phonenumber", "username", "email", "audit", "instanceid",
                         "instancename", "deprecatedid", "rootuuid"})
#: What a tension report needs, and where a form's answers must be able to give it.
NEEDED = ("occurred_on", "category", "severity", "place")
_PLACES = {"region", "cercle", "commune", "latitude", "longitude", "_geolocation"}
PLATFORM_MODULES = {"kobo": kobo, "odk": odk}
KIND = "tensions"


@dataclass
class Pull:
    """What a sync fetched: one flat row per submission, by id, with the newest stamp."""

    rows: dict[str, dict]
    cursor: str | None
    choices: dict[str, dict[str, list[str]]]
    pages: int


def fetch(source: Source, token: str, since: str | None, *, transport=None,
          page_size: int | None = None) -> Pull:
    """Every submission of ``source`` received (or, on ODK Central, edited) at or after
    ``since`` (all when None), with the form's choice labels.

    Raises
    ------
    SyncError
        On any failure; nothing is kept of the pages already read.
    """
    module = PLATFORM_MODULES[source.platform]
    rows: dict[str, dict] = {}
    cursor, pages = since, 0
    with module.client(source, token, transport) as http:
        choices = module.choice_labels(http, source)
        for page in module.pages(http, source, since, page_size or module.PAGE_SIZE):
            pages += 1
            for raw in page:
                sid, stamp, row = module.submission(raw)
                rows.pop(sid, None)                # a submission seen twice: its last version
                rows[sid] = row
                if stamp and (cursor is None or stamp > cursor):
                    cursor = stamp
            if len(rows) > MAX_ROWS:
                raise SyncError("too_large_rows", limit=MAX_ROWS)
    return Pull(rows, cursor, choices, pages)


def _kept_column(path: str) -> bool:
    return path.rsplit("/", 1)[-1].lower() not in DEVICE_META


def table(source: Source, pull: Pull) -> pd.DataFrame:
    """The importer's table of a pull: ``report_id`` and ``source_type`` first, then each
    question in order of appearance; a ``ROW_PROBLEM`` column rejects a submission whose
    answer holds a phone number or an e-mail address (that cell emptied).

    Raises
    ------
    SyncError
        ``refused`` (a question names a person) or ``fields_changed``.
    """
    columns: dict[str, None] = {}
    for row in pull.rows.values():
        columns.update(dict.fromkeys(k for k in row if _kept_column(k)))
    names = ["report_id", "source_type", *columns]
    try:
        mapping, _ignored, _fmt = map_headers(names, KIND)
    except ImportRefused as exc:
        raise SyncError("refused", refusal=exc) from None
    found = set(mapping.values())
    missing = [n for n in NEEDED if n not in found and not (n == "place" and found & _PLACES)]
    if missing:
        raise SyncError("fields_changed", fields=missing)
    free = {c for c, target in mapping.items() if target in FREE_TEXT[KIND]}
    relabel = {c: (target, enum_lookup(KIND, target)) for c, target in mapping.items()
               if (KIND, target) in ENUMS and c in pull.choices}
    records, problems = [], []
    for sid, row in pull.rows.items():
        record = {"report_id": f"{source.platform}:{sid}", "source_type": source.platform}
        problem = None
        for column in columns:
            value = row.get(column)
            if value is None:
                continue
            if column not in free and (what := personal.value_kind(str(value))):
                problem = problem or reason("personal_data_in_text", field=column, what=what)
                continue
            if column in relabel and isinstance(value, str):
                value = _label(value, pull.choices[column], relabel[column][1])
            record[column] = value
        records.append(record)
        problems.append(problem)
    frame = pd.DataFrame.from_records(records, columns=names).astype(object)
    frame = frame.where(frame.notna(), None)
    if any(problems):
        frame[ROW_PROBLEM] = problems
    return frame


def _label(value: str, choices: dict[str, list[str]], lookup: dict[str, str]) -> str:
    """``value`` when Veille knows it as a code or label, else its first label that Veille
    knows (any form language), else ``value`` (the importer then says which codes are
    allowed)."""
    if norm_value(value) in lookup:
        return value
    return next((label for label in choices.get(value, ()) if norm_value(label) in lookup),
                value)


def sync(engine: Engine, source: Source, token: str | None, actor: Actor, *,
         full: bool = False, transport=None, locator: Locator | None = None,
         today: date | None = None, page_size: int | None = None) -> ImportReport:
    """Synchronise ``source`` as ``actor`` (who may import) with ``token``; return the
    import's report (``batch_id`` None when there was nothing new). See the module
    docstring.

    Raises
    ------
    SyncError
        When the sync could not run; nothing of it is stored (the failure is recorded on
        the source).
    """
    roles.require(actor, "import")
    try:
        if not token:
            raise SyncError("token_missing", platform=source.platform)
        state = source_state(engine, source.source_id)
        since = None if full else (state or {}).get("cursor")
        pull = fetch(source, token, since, transport=transport, page_size=page_size)
        if not pull.rows:
            report = ImportReport(KIND, source.name, "", source_format=source.platform)
            with store.writing(engine, KIND) as conn:
                _succeeded(conn, source, actor, report, pull, full)
            return report
        frame = table(source, pull)
        body = json.dumps(list(pull.rows.items()), sort_keys=True, default=str)
        return import_frame(
            engine, KIND, frame, list(range(1, len(frame) + 1)),
            f"{source.platform}: {source.name}", hashlib.sha256(body.encode()).hexdigest(),
            actor=actor, locator=locator, today=today, updates=True,
            source_format=source.platform,
            within=lambda conn, report: _succeeded(conn, source, actor, report, pull, full))
    except SyncError as exc:
        _failed(engine, source, actor, exc)
        raise


# --------------------------------------------------------------------------- the state

def _register(conn: Connection, source: Source, actor: Actor) -> None:
    t_ = store.intake_source
    if conn.execute(sa.select(t_.c.source_id).where(t_.c.source_id == source.source_id)
                    ).first() is None:
        conn.execute(t_.insert().values(
            source_id=source.source_id, platform=source.platform, server=source.server,
            project=source.project, form=source.form, label=source.label,
            created_by=actor.label, created_at=datetime.now(timezone.utc), syncs=0,
            failures=0))
        audit.record(conn, actor, "source_set", target=source.source_id[:254],
                     details={"platform": source.platform, "server": source.server,
                              "project": source.project, "form": source.form})


def counts_of(report: ImportReport) -> dict:
    return {"rows": report.rows, "accepted": report.accepted, "rejected": report.rejected,
            "duplicates": report.duplicates, "updated": report.updated}


def _succeeded(conn: Connection, source: Source, actor: Actor, report: ImportReport,
               pull: Pull, full: bool) -> None:
    _register(conn, source, actor)
    now = datetime.now(timezone.utc)
    t_ = store.intake_source
    counts = counts_of(report)
    values = dict(cursor=pull.cursor, last_attempt_at=now, last_success_at=now,
                  last_counts=json.dumps(counts), last_error_code=None, last_error_at=None,
                  last_error_detail=None, syncs=t_.c.syncs + 1)
    if report.batch_id is not None:
        values["last_batch_id"] = report.batch_id
    if full:
        values["last_full_at"] = now
    conn.execute(t_.update().where(t_.c.source_id == source.source_id).values(**values))
    audit.record(conn, actor, "sync", target=source.source_id[:254],
                 records={"batch": report.batch_id} if report.batch_id else None,
                 details={**counts, "full": full, "pages": pull.pages,
                          "cursor": pull.cursor})


def _detail(exc: SyncError) -> str:
    """A failure's parameters as stored (plain values; a refusal as its code and columns)."""
    params = dict(exc.params)
    if "refusal" in params:
        refusal = params.pop("refusal")
        params["refusal"] = {"code": refusal.code, **{
            k: v for k, v in refusal.params.items() if isinstance(v, (str, int, list))}}
    return json.dumps(params, ensure_ascii=False, default=str)


def _failed(engine: Engine, source: Source, actor: Actor, exc: SyncError) -> None:
    """The failure on the source's row when it is a connected form (its last error, for the
    Data page); a form never synchronised is not connected by a failed attempt (nothing is
    stored: the attempt is in the audit log only)."""
    now = datetime.now(timezone.utc)
    t_ = store.intake_source
    with store.writing(engine, KIND) as conn:
        conn.execute(t_.update().where(t_.c.source_id == source.source_id).values(
            last_attempt_at=now, last_error_code=exc.code, last_error_at=now,
            last_error_detail=_detail(exc), failures=t_.c.failures + 1))
        audit.record(conn, actor, "sync", target=source.source_id[:254],
                     details={"error": exc.code})


def source_state(engine: Engine, source_id: str) -> dict | None:
    """The stored row of one source (its definition and sync state), or None."""
    t_ = store.intake_source
    with engine.connect() as conn:
        row = conn.execute(sa.select(t_).where(t_.c.source_id == source_id)).first()
    return dict(row._mapping) if row else None


STATE_COLUMNS = ["source_id", "platform", "server", "project", "form", "label",
                 "last_success_at", "last_attempt_at", "last_full_at", "cursor", "syncs",
                 "failures", "rows", "accepted", "rejected", "duplicates", "updated",
                 "last_batch_id", "error", "last_error_at"]


def sources(engine: Engine, lang: str = "fr") -> pd.DataFrame:
    """Every connected form with its last sync (for the Data page): when it last succeeded
    and was tried, the last success's counts (``rows``, ``accepted``, ``rejected``,
    ``duplicates``, ``updated``), its batch, and the last failure's message in ``lang``
    (``error``, empty after a success). Sorted by source id."""
    t_ = store.intake_source
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t_).order_by(t_.c.source_id)).all()
    out = []
    for row in rows:
        counts = json.loads(row.last_counts) if row.last_counts else {}
        out.append({**{c: getattr(row, c) for c in STATE_COLUMNS if hasattr(row, c)},
                    **{k: counts.get(k) for k in ("rows", "accepted", "rejected",
                                                  "duplicates", "updated")},
                    "error": error_text(row.last_error_code, row.last_error_detail, lang)})
    return pd.DataFrame(out, columns=STATE_COLUMNS)


def error_text(code: str | None, detail: str | None, lang: str = "fr") -> str:
    """The message of a stored failure in ``lang`` (empty for none)."""
    if not code:
        return ""
    params = json.loads(detail) if detail else {}
    if "refusal" in params:
        refusal = dict(params.pop("refusal"))
        params["refusal"] = ImportRefused(refusal.pop("code"), **{
            k: [tuple(x) for x in v] if k == "columns" else v for k, v in refusal.items()})
    return SyncError(code, **params).message(lang)


def remove_source(engine: Engine, source_id: str, actor: Actor) -> bool:
    """Forget a connected form and its sync state (its reports stay); True when it existed.
    Audited."""
    roles.require(actor, "import")
    t_ = store.intake_source
    with store.writing(engine, KIND) as conn:
        gone = conn.execute(t_.delete().where(t_.c.source_id == source_id)).rowcount
        if gone:
            audit.record(conn, actor, "source_removed", target=source_id[:254])
    return bool(gone)


def add_source(engine: Engine, source: Source, actor: Actor) -> None:
    """Connect a form (no token: tokens live in the secrets). Audited once."""
    roles.require(actor, "import")
    with store.writing(engine, KIND) as conn:
        _register(conn, source, actor)

