"""The field-record store: SQLAlchemy 2, SQLite by default, PostgreSQL when configured.

The database URL comes from ``VEILLE_DATABASE_URL`` (any SQLAlchemy URL, e.g.
``postgresql+psycopg://user:pw@host/veille``), else from the caller (the app passes its
secrets' ``database_url``), else an embedded SQLite file ``var/veille.sqlite`` (created on first
use, not tracked). One code path serves both engines.

The schema carries a version (table ``schema_version``); :func:`migrate` applies the
missing steps of :data:`MIGRATIONS` in order, each in its own transaction.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.settings import default_database_url
from geo.records.fields import FIELDS, FINER_THAN, GROUPS, ID_FIELD, KINDS, kept_rejected_cells


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

import_batch = sa.Table(
    "import_batch", metadata,
    sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    # schema v4: the file's format and the attribution its data must carry (ACLED, UCDP)
    sa.Column("source_format", sa.String(16), nullable=True),
    sa.Column("attribution", sa.Text, nullable=True),
    # schema v9 (intake): records of a keyed source that came back edited and were updated
    sa.Column("updated", sa.Integer, nullable=True),
)

store_meta = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

rejected_row = sa.Table(
    "rejected_row", metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.batch_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),
    sa.Column("reasons", sa.Text, nullable=False),   # JSON list of reason texts (French)
    sa.Column("codes", sa.Text, nullable=False),     # JSON list of reason codes
    sa.Column("data", sa.Text, nullable=False),      # JSON of the row's recognised cells
    # schema v4: JSON list of [code, params] of each reason, to show them in any language
    sa.Column("details", sa.Text, nullable=True),
)

_SQL_TYPES = {"id": sa.String(120), "date": sa.Date, "text": sa.Text, "int": sa.Integer,
              "coord": sa.Float, "enum": sa.String(32)}


def _record_table(kind: str) -> sa.Table:
    cols = []
    for f in FIELDS[kind]:
        if f.type == "place":
            continue
        if f.type == "id":
            cols.append(sa.Column(f.name, sa.String(120), primary_key=True))
        else:
            cols.append(sa.Column(f.name, _SQL_TYPES[f.type], nullable=True))
    cols += [
        # No secondary index: every reader loads a kind whole (indicators group in pandas),
        # and each index would slow a 100,000-row import; add one with a migration when a
        # query needs it.
        sa.Column("region_id", sa.String(8), nullable=True),
        sa.Column("cercle_id", sa.String(64), nullable=True),
        sa.Column("commune_id", sa.String(120), nullable=True),
        sa.Column("warnings", sa.Text, nullable=True),
        sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.batch_id"), nullable=False),
    ]
    return sa.Table(kind, metadata, *cols)


TABLES: dict[str, sa.Table] = {kind: _record_table(kind) for kind in KINDS}
#: Columns of each record table that hold record data (no bookkeeping).
RECORD_COLUMNS: dict[str, list[str]] = {
    kind: [c.name for c in TABLES[kind].columns
           if c.name not in ("warnings", "is_demo", "batch_id")]
    for kind in KINDS
}
assert set(GROUPS) <= set(RECORD_COLUMNS["workshops"])
assert all(ID_FIELD[k] in RECORD_COLUMNS[k] for k in KINDS)


# Expert-rated context factors (schema v2): each factor is a column of the vulnerability
# dimension; each rating is kept (append-only), the latest per cercle and factor is in force,
# so who rated what and when is never lost.
context_factor = sa.Table(
    "context_factor", metadata,
    sa.Column("factor_id", sa.String(40), primary_key=True),
    sa.Column("label_fr", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False),
    sa.Column("description_fr", sa.Text, nullable=True),
    sa.Column("description_en", sa.Text, nullable=True),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

context_rating = sa.Table(
    "context_rating", metadata,
    sa.Column("rating_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("factor_id", sa.String(40), sa.ForeignKey("context_factor.factor_id"),
              nullable=False),
    sa.Column("cercle_id", sa.String(64), nullable=False),
    sa.Column("value", sa.Float, nullable=True),          # NULL: rating withdrawn (no data)
    sa.Column("rated_by", sa.String(80), nullable=False),
    sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
)

_V2_TABLES = [context_factor, context_rating]

# Access control (schema v5). Roles of users the identity provider sends without a role
# claim, keyed by e-mail or subject; and the audit log, append-only (triggers refuse UPDATE
# and DELETE): who did which write, when, under which role, to which records.
user_role = sa.Table(
    "user_role", metadata,
    sa.Column("principal", sa.String(254), primary_key=True),  # lower-case e-mail or subject
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("subject", sa.String(254), nullable=False),
    sa.Column("user_label", sa.String(254), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(254), nullable=True),   # e.g. "batch 12", a principal
    sa.Column("records", sa.Text, nullable=True),          # JSON: which records
    sa.Column("details", sa.Text, nullable=True),          # JSON: counts, before/after
)

_V5_TABLES = [user_role, audit_log]

# Planning (schema v6): saved planner runs (inputs, outputs, solver status and gap, software
# versions, as JSON) and the action register (ERMTool-like: actions per cercle, optionally
# from a scenario; ``revision`` refuses an edit made on a stale copy). Every write is audited.
scenario = sa.Table(
    "scenario", metadata,
    sa.Column("scenario_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),             # mediators | workshops
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("inputs", sa.Text, nullable=False),
    sa.Column("outputs", sa.Text, nullable=False),
    sa.Column("solver_status", sa.String(32), nullable=False),
    sa.Column("mip_gap", sa.Float, nullable=True),
    sa.Column("software", sa.Text, nullable=False),
    # schema v10 (issue 30): saved while the demonstration data was loaded (removed with it)
    sa.Column("is_demo", sa.Boolean, nullable=True),
)

action = sa.Table(
    "action", metadata,
    sa.Column("action_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cercle_id", sa.String(64), nullable=False),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenario.scenario_id"),
              nullable=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("planned_on", sa.Date, nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),             # a function (geo.records.actions)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("outcome", sa.Text, nullable=True),
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    # schema v10 (issue 30): what a planned action carries (how many mediators or workshops,
    # which communes: a JSON list of codes), its dates as it moves (under way, then done or
    # cancelled), the trigger firing it answers, and whether it was made on demonstration data
    sa.Column("quantity", sa.Integer, nullable=True),
    sa.Column("communes", sa.Text, nullable=True),
    sa.Column("started_on", sa.Date, nullable=True),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("trigger_id", sa.Integer, nullable=True),
    sa.Column("fired_on", sa.Date, nullable=True),
    sa.Column("is_demo", sa.Boolean, nullable=True),
)

_V6_TABLES = [scenario, action]

# The review queue (schema v7): a tension report's verification and follow-up status stay in
# its record (so every reader and export has them); the review state beside them — who is
# responsible (a function), the escalation flag, the last action note, the revision an edit
# is made on — and the append-only history of every change.
report_review = sa.Table(
    "report_review", metadata,
    sa.Column("report_id", sa.String(120), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(40), nullable=True),              # a function (geo.records.review)
    sa.Column("escalated", sa.Boolean, nullable=False, default=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

report_history = sa.Table(
    "report_history", metadata,
    sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("report_id", sa.String(120), nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),            # the revision it made
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("subject", sa.String(254), nullable=False),
    sa.Column("user_label", sa.String(254), nullable=False),
    sa.Column("field", sa.String(24), nullable=False),
    sa.Column("old", sa.Text, nullable=True),
    sa.Column("new", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
)

_V7_TABLES = [report_review, report_history]

# Intake (issue 33): the forms Veille synchronises and where each sync stopped (never a
# token: tokens live in the secrets), the SMS messages received (the replay guard, by the
# gateway's message id; the sender only as a pseudonymous code), the users' alert
# subscriptions, the alerts already notified and the e-mail outbox. A platform submission is
# a tension report whose ``report_id`` is the platform's own id (``kobo:<_uuid>``,
# ``odk:<instanceID>``); an edit of it updates the record, its old values go to
# ``report_history`` (geo.ingest.importer).
intake_source = sa.Table(
    "intake_source", metadata,
    sa.Column("source_id", sa.String(200), primary_key=True),   # platform:server:form
    sa.Column("platform", sa.String(8), nullable=False),         # kobo | odk
    sa.Column("server", sa.String(200), nullable=False),         # https://host[:port][/path]
    sa.Column("project", sa.String(40), nullable=True),          # ODK Central's project id
    sa.Column("form", sa.String(120), nullable=False),           # asset uid / xmlFormId
    sa.Column("label", sa.String(120), nullable=True),
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # the sync state: where the last successful sync stopped, and how the last attempt went
    sa.Column("cursor", sa.String(64), nullable=True),           # ISO time of the newest seen
    sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_full_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_batch_id", sa.Integer, nullable=True),
    sa.Column("last_counts", sa.Text, nullable=True),            # JSON of the last success
    sa.Column("last_error_code", sa.String(32), nullable=True),  # None after a success
    sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error_detail", sa.Text, nullable=True),      # JSON params, no token
    sa.Column("syncs", sa.Integer, nullable=False, default=0),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
)

sms_message = sa.Table(
    "sms_message", metadata,
    sa.Column("message_key", sa.String(64), primary_key=True),   # SHA-256 of gateway + id
    sa.Column("gateway", sa.String(16), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reporter", sa.String(24), nullable=False),        # pseudonymous code
    sa.Column("outcome", sa.String(16), nullable=False),         # received | not_understood | rejected
    sa.Column("report_id", sa.String(120), nullable=True),
    sa.Column("batch_id", sa.Integer, nullable=True),
    sa.Column("lang", sa.String(2), nullable=False),
)

subscription = sa.Table(
    "subscription", metadata,
    sa.Column("subscription_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("principal", sa.String(254), nullable=False, unique=True),   # the user's e-mail
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("areas", sa.Text, nullable=False),      # JSON list: region:<id> / cercle:<id>; [] = all
    sa.Column("kinds", sa.Text, nullable=False),      # JSON list of geo.outputs.notify.KINDS
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

alert_notice = sa.Table(
    "alert_notice", metadata,
    sa.Column("notice_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_key", sa.String(120), nullable=False, index=True),  # kind:unit:window / digest:sub
    sa.Column("fired_on", sa.Date, nullable=False),
    sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=False),
)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("message_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subscription_id", sa.Integer, nullable=True),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),            # alert | digest
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("body_text", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),           # queued | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)

_V8_TABLES = [intake_source, sms_message, subscription, alert_notice, outbox]

# Triggers (schema v10, issue 30): rules agreed in advance — a cercle's reports above its
# baseline alert level, a forecast probability of a severe report above p, a 99 % hot spot —
# each with its scope, the horizon over which it is judged, and the agreed response (an
# action template, JSON). A trigger is retired, never deleted (its responses name it).
trigger = sa.Table(
    "trigger_rule", metadata,
    sa.Column("trigger_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),      # geo.records.triggers.KINDS
    sa.Column("window_days", sa.Integer, nullable=True),   # baseline: 14 or 30
    sa.Column("threshold", sa.Float, nullable=True),       # forecast: the probability p
    sa.Column("areas", sa.Text, nullable=False),           # JSON: region:<id> / cercle:<id>; [] = all
    sa.Column("horizon_days", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),   # any | severe
    sa.Column("response", sa.Text, nullable=False),        # JSON action template
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=True),
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
)

_V10_TABLES = [trigger]

#: A signed-in session (issue 27, schema v11): one sign-in of a user, known by a hash of its ID token's
#: subject, issue time and nonce (:mod:`geo.records.sessions`); ended by a sign-out, its
#: lifetime or its idle limit. Replicas share it.
user_session = sa.Table(
    "user_session", metadata,
    sa.Column("session_key", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(254), nullable=False, index=True),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("end_reason", sa.String(16), nullable=True),      # signed_out | expired | idle
)

#: A form submission stored once (issue 27): the token a form was drawn with, claimed in
#: the transaction of its write, so that a replayed or doubled submit writes nothing
#: (:func:`claim_once`).
submission = sa.Table(
    "submission", metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("form", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(254), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

_V11_TABLES = [user_session, submission]
_LATER_TABLES = (_V2_TABLES + _V5_TABLES + _V6_TABLES + _V7_TABLES + _V8_TABLES
                 + _V10_TABLES + _V11_TABLES)

#: The threats named by the mission, seeded as the first context factors (schema v2).
SEED_FACTORS = (
    ("crisis_north_centre",
     "Persistance de la crise au Nord et extension au Centre",
     "Persistence of the crisis in the north and its spread to the centre",
     "Présence et activité de groupes armés, insécurité persistante, extension vers le Centre.",
     "Presence and activity of armed groups, lasting insecurity, spread towards the centre."),
    ("intercommunal",
     "Conflits intercommunautaires",
     "Intercommunal conflict",
     "Résurgence de conflits entre communautés (foncier, transhumance, milices d'autodéfense).",
     "Resurging conflict between communities (land, transhumance, self-defence militias)."),
    ("political_tension",
     "Tension entre acteurs politiques",
     "Tension between political actors",
     "Climat tendu entre partis, candidats et autorités autour des élections.",
     "Tense climate between parties, candidates and authorities around elections."),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables
                                      if t not in _LATER_TABLES])


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=_V2_TABLES)
    now = datetime.now(timezone.utc)
    conn.execute(context_factor.insert(), [
        {"factor_id": fid, "label_fr": fr, "label_en": en, "description_fr": dfr,
         "description_en": den, "created_by": "Veille (menaces nommées par la mission)",
         "created_at": now}
        for fid, fr, en, dfr, den in SEED_FACTORS])


def _v3(conn: Connection) -> None:
    """Protection of people (issue 10) for stores made before it: rejected rows lose what
    they must not keep, and tension reports lose location fields finer than their
    precision."""
    rows = conn.execute(sa.select(rejected_row.c.batch_id, rejected_row.c.row,
                                  rejected_row.c.data, import_batch.c.kind)
                        .join(import_batch, import_batch.c.batch_id == rejected_row.c.batch_id)
                        ).all()
    for batch_id, row, data, kind in rows:
        before = json.loads(data)
        after = kept_rejected_cells(kind, before)
        if after != before:
            conn.execute(rejected_row.update()
                         .where((rejected_row.c.batch_id == batch_id) & (rejected_row.c.row == row))
                         .values(data=json.dumps(after, ensure_ascii=False)))
    tensions = TABLES["tensions"]
    for precision, columns in FINER_THAN.items():
        if columns:
            conn.execute(tensions.update().where(tensions.c.location_precision == precision)
                         .values({c: None for c in columns}))


def _add_missing_columns(conn: Connection, table: sa.Table, names: list[str]) -> None:
    """``ALTER TABLE … ADD COLUMN`` for the columns a store made before them lacks (a new
    store's tables are created with every column already)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def _v4(conn: Connection) -> None:
    """Real files (issue 11): the batch's format and attribution, reasons with their
    parameters, and the sources' own precision codes."""
    _add_missing_columns(conn, import_batch, ["source_format", "attribution"])
    _add_missing_columns(conn, rejected_row, ["details"])
    _add_missing_columns(conn, TABLES["tensions"], ["geo_precision", "time_precision"])


def _append_only(conn: Connection, table: str) -> None:
    """Database triggers that refuse UPDATE and DELETE on ``table`` (and TRUNCATE on
    PostgreSQL): rows can be added, never edited or removed, not even by the application."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"))
        conn.execute(sa.text(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"))
    else:
        for event in ("UPDATE", "DELETE"):
            conn.execute(sa.text(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"))


#: Tables whose rows are never edited or removed, not even by the application.
APPEND_ONLY = ("audit_log", "report_history")


def _no_reused_ids(conn: Connection, table: str) -> None:
    """SQLite triggers that refuse an INSERT re-using a stored ``entry_id``: ``INSERT OR
    REPLACE``, ``REPLACE`` and upserts would otherwise delete the row they replace without
    firing its DELETE trigger. In a BEFORE INSERT trigger an id left to SQLite reads -1,
    which the AFTER INSERT trigger keeps out of the table (ids are 1, 2, …)."""
    conn.execute(sa.text(
        f"CREATE TRIGGER {table}_no_reused_id BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE entry_id = NEW.entry_id) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"))
    conn.execute(sa.text(
        f"CREATE TRIGGER {table}_positive_id AFTER INSERT ON {table} "
        f"WHEN NEW.entry_id < 1 "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"))


def _v5(conn: Connection) -> None:
    """Access control (issue 13): the role table and the append-only audit log."""
    metadata.create_all(conn, tables=_V5_TABLES)
    _append_only(conn, "audit_log")


def _v6(conn: Connection) -> None:
    """Planning (issue 15): saved scenarios and the action register."""
    metadata.create_all(conn, tables=_V6_TABLES)


def _v7(conn: Connection) -> None:
    """The review queue (issue 17): review state per report and its append-only history."""
    metadata.create_all(conn, tables=_V7_TABLES)
    _append_only(conn, "report_history")


def _v8(conn: Connection) -> None:
    """Intake (issue 33): synchronised forms and their state, SMS messages seen,
    subscriptions, alerts notified, the e-mail outbox; batches count updated records."""
    metadata.create_all(conn, tables=_V8_TABLES)
    _add_missing_columns(conn, import_batch, ["updated"])


def _v9(conn: Connection) -> None:
    """Append-only for real (issue 27): on SQLite, no INSERT re-uses a stored entry's id
    (PostgreSQL's primary key refuses it, and its statement triggers refuse an upsert's
    UPDATE)."""
    if conn.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            _no_reused_ids(conn, table)


def _v10(conn: Connection) -> None:
    """The deployment job (issue 30): triggers; actions carry their plan (how many, which
    communes), their dates and the firing they answer; scenarios, actions and triggers say
    whether they were made on demonstration data."""
    metadata.create_all(conn, tables=_V10_TABLES)
    _add_missing_columns(conn, scenario, ["is_demo"])
    _add_missing_columns(conn, action, ["quantity", "communes", "started_on", "ended_on",
                                        "trigger_id", "fired_on", "is_demo"])


def _v11(conn: Connection) -> None:
    """Sessions that end and writes stored once (issue 27): signed-in sessions, form
    submissions."""
    metadata.create_all(conn, tables=_V11_TABLES)


#: Ordered schema migrations; version N is ``MIGRATIONS[N - 1]``.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8,
                                                   _v9, _v10, _v11]
SCHEMA_VERSION = len(MIGRATIONS)


def database_url(configured: str | None = None) -> str:
    """``configured`` or the embedded SQLite file (the environment is read at the edge:
    :class:`geo.settings.Settings`)."""
    return configured or default_database_url()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # WAL: readers never block the writer (many users, imports while others read), and
    # synchronous=NORMAL is safe with WAL (no corruption; a power cut may lose the last commit)
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:
    # Writers (see :func:`writing`) take the write lock at BEGIN: two imports at once are
    # serialised, not interleaved. Readers begin a deferred transaction.
    immediate = conn.get_execution_options().get("veille_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None, pool_size: int = 5,
                owner_url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: the embedded SQLite file; a deployment's URL
    comes from :class:`geo.settings.Settings`) and bring its schema up to date. On
    PostgreSQL it keeps ``pool_size`` connections and opens as many more at peaks; with
    ``owner_url`` (the tables' owner, another role than ``url``'s) the migrations run as the
    owner and ``url``'s role gets only its rights (:func:`migrate_as_owner`)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is replaced by explicit BEGIN IMMEDIATE
        sa.event.listen(engine, "connect",
                        lambda c, _r: setattr(c, "isolation_level", None))
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                                  max_overflow=pool_size)
        if owner_url:
            migrate_as_owner(owner_url, engine.url.username)
    migrate(engine)
    return engine


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine) -> int:
    """Apply the missing migrations; return the schema version now in force."""
    with engine.connect() as conn, conn.execution_options(veille_immediate=True).begin():
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7242001)"))
        version = current_version(conn)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(schema_version.insert().values(
                version=number, applied_at=datetime.now(timezone.utc)))
        return max(version, SCHEMA_VERSION)


def migrate_as_owner(owner_url: str, app_role: str | None) -> int:
    """Apply the missing migrations as the tables' owner, then give the application's role
    ``app_role`` its rights (:func:`grant_app_role`; PostgreSQL with two roles, README
    "Access control"); return the schema version in force. On SQLite, only the migrations.
    Raises ``ValueError`` (before any change) when ``app_role`` is the owner or owns a table.
    """
    owner = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
    try:
        split = owner.dialect.name == "postgresql" and bool(app_role)
        if split:
            with owner.connect() as conn:
                _check_app_role(conn, app_role)
        version = migrate(owner)
        if split:
            with owner.begin() as conn:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7242001)"))  # one at a time
                grant_app_role(conn, app_role)
        return version
    finally:
        owner.dispose()


def _check_app_role(conn: Connection, role: str) -> None:
    me, schema = conn.execute(sa.text("SELECT current_user, current_schema()")).one()
    if role == me:
        raise ValueError(f"the application's role {role} is the tables' owner: give it "
                         f"another role than the migrations' (VEILLE_DATABASE_OWNER_URL)")
    owned = conn.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tableowner = :r "
        "AND tablename = ANY(:names)"),
        {"s": schema, "r": role, "names": [t.name for t in metadata.sorted_tables]})
    if owned := sorted(owned.scalars()):
        raise ValueError(f"the application's role {role} owns {', '.join(owned)}: run "
                         f"REASSIGN OWNED BY {role} TO {me} (as the database's owner) first")


def grant_app_role(conn: Connection, role: str) -> None:
    """The application role's rights on the current schema (PostgreSQL), given by the
    tables' owner: ``SELECT`` and ``INSERT`` on the append-only tables (:data:`APPEND_ONLY`),
    ``SELECT`` on ``schema_version``, ``SELECT``, ``INSERT``, ``UPDATE``, ``DELETE`` on the
    others, ``USAGE`` of the schema and of its id sequences. Not owning the tables, that role
    can neither disable nor drop their triggers, nor ``TRUNCATE``, ``UPDATE`` or ``DELETE``
    the append-only ones. Raises ``ValueError`` when ``role`` is the owner or owns a table
    (a store created before the split: ``REASSIGN OWNED BY`` it to the owner first)."""
    _check_app_role(conn, role)
    quote = conn.dialect.identifier_preparer.quote
    schema, who = conn.execute(sa.text("SELECT current_schema()")).scalar(), quote(role)
    conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}"))
    for table in metadata.sorted_tables:
        rights = ("SELECT" if table is schema_version
                  else "SELECT, INSERT" if table.name in APPEND_ONLY
                  else "SELECT, INSERT, UPDATE, DELETE")
        conn.execute(sa.text(f"REVOKE ALL ON {quote(table.name)} FROM {who}"))
        conn.execute(sa.text(f"GRANT {rights} ON {quote(table.name)} TO {who}"))
    conn.execute(sa.text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {who}"))


@contextmanager
def writing(engine: Engine, kind: str | None = None) -> Iterator[Connection]:
    """One write transaction, serialised against other writers of ``kind``.

    SQLite: ``BEGIN IMMEDIATE`` (the database's write lock). PostgreSQL: a transaction-level
    advisory lock per kind. Everything inside commits together or not at all.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(veille_immediate=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                key = 7242100 + (KINDS.index(kind) if kind else 9)
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            yield conn


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """One process at a time across every app process on this store (replicas starting
    together): a PostgreSQL session advisory lock, or on SQLite a lock on a file beside the
    database (``<db>.<name>.lock``)."""
    if engine.dialect.name == "postgresql":
        key = 7242200 + sum(name.encode())
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bulk_insert(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert many rows with the driver's own ``executemany``.

    SQLAlchemy's per-value type processing costs more than the database itself for 100,000
    rows; the values here are already plain Python (dates are written as ISO text on SQLite,
    as SQLAlchemy's own ``Date`` type does). Every row must have the keys of the first.
    """
    if not rows:
        return
    cols = list(rows[0])
    style = conn.dialect.paramstyle
    if style not in ("qmark", "format", "pyformat"):
        conn.execute(table.insert(), rows)
        return
    mark = "?" if style == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
           f"VALUES ({', '.join([mark] * len(cols))})")
    params = list(map(operator.itemgetter(*cols), rows))
    if conn.dialect.name == "sqlite":
        # ISO text for dates, as SQLAlchemy's Date type stores them; converted once per
        # distinct date (sqlite3's per-value adapter costs ~0.3 s per 100,000 rows).
        date_pos = [i for i, c in enumerate(cols)
                    if isinstance(table.c[c].type, sa.Date)]
        if date_pos:
            iso: dict = {}

            def convert(row: tuple) -> tuple:
                row = list(row)
                for i in date_pos:
                    v = row[i]
                    if v is not None:
                        row[i] = iso.get(v) or iso.setdefault(v, v.isoformat())
                return tuple(row)

            params = list(map(convert, params))
    conn.exec_driver_sql(sql, params)


def counts(engine: Engine) -> dict[str, int]:
    """Number of stored records per kind."""
    with engine.connect() as conn:
        return {k: conn.execute(sa.select(sa.func.count()).select_from(TABLES[k])).scalar()
                for k in KINDS}


def demo_in_use(engine: Engine) -> bool:
    """True while any demonstration record is stored."""
    with engine.connect() as conn:
        return any(conn.execute(sa.select(t.c.is_demo).where(t.c.is_demo).limit(1)).first()
                   for t in [*TABLES.values(), context_rating])


def load_records(engine: Engine, kind: str) -> pd.DataFrame:
    """All stored records of ``kind`` (record columns plus ``is_demo``), one row each."""
    table = TABLES[kind]
    cols = [table.c[c] for c in RECORD_COLUMNS[kind]] + [table.c.is_demo]
    with engine.connect() as conn:
        result = conn.execute(sa.select(*cols))
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def load_all(engine: Engine) -> dict[str, pd.DataFrame]:
    """Every stored record, by kind (:func:`load_records` of each of :data:`KINDS`)."""
    return {kind: load_records(engine, kind) for kind in KINDS}


def version_token(engine: Engine) -> tuple:
    """Changes whenever the store's records change (new batch, removal, rating): a cache
    key."""
    def one(expression):
        return expression.scalar_subquery()

    # one statement (it runs several times per page view): the batches, the demo's removal,
    # the ratings and the factors, and the reviews (a review changes a report's
    # verification, which the indicators weigh)
    with engine.connect() as conn:
        row = conn.execute(sa.select(
            one(sa.select(sa.func.max(import_batch.c.batch_id))),
            one(sa.select(sa.func.count(import_batch.c.batch_id))),
            one(sa.select(store_meta.c.value).where(store_meta.c.key == "demo_removed_at")),
            one(sa.select(sa.func.max(context_rating.c.rating_id))),
            one(sa.select(sa.func.count(context_factor.c.factor_id))),
            one(sa.select(sa.func.max(report_history.c.entry_id))))).one()
    return (str(engine.url), *row)


def planning_token(engine: Engine) -> tuple:
    """Changes whenever an action, a scenario or a trigger is written (the records' caches
    keep :func:`version_token`)."""
    with engine.connect() as conn:
        planned = conn.execute(sa.select(sa.func.max(action.c.updated_at),
                                         sa.func.count(action.c.action_id))).one()
        scenarios = conn.execute(sa.select(sa.func.max(scenario.c.scenario_id),
                                           sa.func.count(scenario.c.scenario_id))).one()
        triggers = conn.execute(sa.select(sa.func.max(trigger.c.updated_at),
                                          sa.func.count(trigger.c.trigger_id))).one()
    return (str(engine.url), *planned, *scenarios, *triggers)


#: What a failure of the store is, for a message that never quotes it (its text may hold
#: the statement's values: a row's content).
FAILURES = ("full", "unreachable", "error")
_FULL = ("database or disk is full", "no space left", "disk full", "diskfull",
         "could not extend file")


def failure(err: BaseException) -> str | None:
    """What kind of store failure ``err`` is (:data:`FAILURES`), or None when it is not one:
    ``full`` (SQLite's ``SQLITE_FULL``, PostgreSQL's 53100 or a full device), ``unreachable``
    (no connection: refused, lost, timed out, a file that cannot be opened), ``error`` (any
    other database error). Judged on the error's class and the driver's code, never shown."""
    if isinstance(err, OSError) and getattr(err, "errno", None) == 28:     # ENOSPC
        return "full"
    if not isinstance(err, sa.exc.SQLAlchemyError):
        return None
    orig = getattr(err, "orig", None)
    said = f"{type(orig).__name__} {getattr(orig, 'sqlstate', '') or ''} {orig}".lower()
    if any(word in said for word in _FULL) or "53100" in said:
        return "full"
    if isinstance(err, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)) \
            or getattr(err, "connection_invalidated", False):
        return "unreachable"
    return "error"


class AlreadyStored(Exception):
    """A form submission whose token was claimed before (:func:`claim_once`): its write
    was stored already, this one is not."""


def claim_once(conn: Connection, token: str | None, form: str, subject: str) -> None:
    """Inside a write's transaction: claim the token the form was drawn with (None: no
    token, nothing claimed). Raises :class:`AlreadyStored` when it was claimed before — the
    same submit replayed or sent twice — so that the caller's transaction stores nothing."""
    if token is None:
        return
    used = conn.execute(sa.select(submission.c.token).where(submission.c.token == token))
    if used.first() is not None:
        raise AlreadyStored(form)
    try:
        conn.execute(submission.insert().values(token=token, form=form[:40],
                                                subject=subject[:254],
                                                at=datetime.now(timezone.utc)))
    except sa.exc.IntegrityError:          # claimed meanwhile: the whole write rolls back
        raise AlreadyStored(form) from None


def get_meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(store_meta.c.value).where(store_meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(store_meta.delete().where(store_meta.c.key == key))
    conn.execute(store_meta.insert().values(key=key, value=value))


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: to prove that a failed import changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out
