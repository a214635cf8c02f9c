"""The record store on SQLite always, and on a real PostgreSQL server when one is configured
(``VEILLE_TEST_POSTGRES_URL``, set by ``.ci/run``)."""

import uuid
from datetime import datetime, timedelta, timezone

import numpy as np

import pytest
import sqlalchemy as sa

from geo import ingest
from geo.ingest import demo
from geo.records import audit, batches, context, store
from tests.support import ADMIN, ANALYST, PG_URL, run_import, store_engine

@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    yield from store_engine(request.param, tmp_path)


@pytest.fixture(scope="module")
def locator():
    return ingest.Locator()


def test_schema_is_versioned_and_migrations_are_idempotent(engine):
    with engine.connect() as conn:
        assert store.current_version(conn) == store.SCHEMA_VERSION == 11
    assert store.migrate(engine) == 11
    with engine.connect() as conn:
        rows = conn.execute(sa.select(store.schema_version)).all()
    assert [r.version for r in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    # v2 seeds the three threats named by the mission, once
    assert list(context.factors(engine).index) == [
        "crisis_north_centre", "intercommunal", "political_tension"]


def test_a_version_1_store_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'v1.sqlite'}"
    old = sa.create_engine(url)
    with old.begin() as conn:
        store._v1(conn)
        conn.execute(store.schema_version.insert().values(version=1, applied_at=datetime.now()))
    assert not sa.inspect(old).has_table("context_rating")
    engine = store.make_engine(url)
    assert sa.inspect(engine).has_table("context_rating")
    assert len(context.factors(engine)) == 3


def test_import_round_trip_and_duplicates(engine, locator):
    text = ("report_id,occurred_on,cercle,category,severity,summary\n"
            "A1,2018-07-29,Gao,clash,3,=cmd|' /C calc'!A0\n"
            "A2,29/07/2018,Ménaka,intimidation,2,\n")
    first = ingest.import_file(engine, "tensions", text.encode(), "a.csv", locator=locator, actor=ANALYST)
    again = ingest.import_file(engine, "tensions", text.encode(), "a.csv", locator=locator, actor=ANALYST)
    assert (first.accepted, again.duplicates) == (2, 2)
    stored = store.load_records(engine, "tensions").set_index("report_id")
    assert stored.loc["A2", "cercle_id"] == "mli-menaka"
    assert str(stored.loc["A1", "occurred_on"]) == "2018-07-29"
    listed = batches.list_batches(engine)
    assert list(listed["accepted"]) == [0, 2]           # newest first


def test_failed_import_changes_nothing(engine, locator, monkeypatch):
    text = ("report_id,occurred_on,cercle,category,severity\n"
            + "".join(f"B{i},2018-07-29,Gao,clash,3\n" for i in range(10)))
    ingest.import_file(engine, "tensions", text.encode(), "b.csv", locator=locator, actor=ANALYST)
    before = store.snapshot(engine)
    real_bulk_insert = store.bulk_insert

    class Boom(Exception):
        pass

    def half_then_fail(conn, table, rows):
        real_bulk_insert(conn, table, rows[: len(rows) // 2])   # half the rows are written...
        raise Boom                                               # ...then the disk fails

    monkeypatch.setattr(store, "bulk_insert", half_then_fail)
    with pytest.raises(Boom):
        ingest.import_file(engine, "tensions", text.replace("B", "C").encode(), "c.csv",
                           locator=locator, actor=ANALYST)
    monkeypatch.undo()
    assert store.snapshot(engine) == before


def test_demo_load_and_remove(engine, locator):
    reports = demo.load(engine, ADMIN, locator=locator)
    assert {k: r.accepted for k, r in reports.items()} == {
        "workshops": 18, "mediators": 1424, "tensions": 2317}
    assert store.demo_in_use(engine)
    demo_ratings = context.history(engine)
    assert len(demo_ratings) == 3 * 48 and demo_ratings["is_demo"].all()
    assert batches.demo_contents(engine) == {"workshops": 18, "mediators": 1424, "tensions": 2317,
                                           "context_ratings": 144, "batches": 3,
                                           "scenarios": 0, "actions": 0, "triggers": 0}
    removed = batches.remove_demo(engine, ADMIN)
    assert removed == {"workshops": 18, "mediators": 1424, "tensions": 2317,
                       "context_ratings": 144, "batches": 3, "actions": 0, "scenarios": 0,
                       "triggers": 0}
    assert context.history(engine).empty and len(context.factors(engine)) == 3
    assert not store.demo_in_use(engine)
    assert store.counts(engine) == {"workshops": 0, "mediators": 0, "tensions": 0}
    assert batches.list_batches(engine).empty
    assert not demo.ensure_initialised(engine)   # a removed demo does not come back


def test_context_ratings_keep_who_and_when_and_the_latest_counts(engine):
    first = datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert context.rate(engine, [context.Rating("intercommunal", "mli-bankass", 8),
                                 context.Rating("intercommunal", "mli-koro", 7.5)],
                        ANALYST, note="réunion du 5 janvier", rated_at=first) == 2
    context.rate(engine, [context.Rating("intercommunal", "mli-bankass", 9)], ADMIN,
                 rated_at=first + timedelta(days=30))
    now = context.ratings(engine)
    assert now.shape == (50, 3)
    assert now.at["mli-bankass", "intercommunal"] == 9.0
    assert now.at["mli-koro", "intercommunal"] == 7.5
    assert np.isnan(now.at["mli-gao", "intercommunal"])           # unrated: no data, not 0
    then = context.ratings(engine, until=first + timedelta(days=1))
    assert then.at["mli-bankass", "intercommunal"] == 8.0       # what was known then
    hist = context.history(engine)
    # "rated by" is the signed-in user, never free text
    assert list(hist["rated_by"]) == ["admin@example.org", "analyst@example.org",
                                      "analyst@example.org"]
    assert hist["note"].iloc[1] == "réunion du 5 janvier"
    # withdrawing a rating makes it "no data" again, and is itself recorded
    context.rate(engine, [context.Rating("intercommunal", "mli-koro", None)], ANALYST)
    assert np.isnan(context.ratings(engine).at["mli-koro", "intercommunal"])
    assert len(context.history(engine)) == 4


def test_bad_ratings_are_refused_whole_with_every_reason(engine):
    before = store.snapshot(engine)
    with pytest.raises(context.RatingError) as err:
        context.rate(engine, [context.Rating("intercommunal", "mli-koro", 11),
                              context.Rating("nope", "mli-koro", 2),
                              context.Rating("intercommunal", "mli-atlantis", 2),
                              context.Rating("intercommunal", "mli-gao", 5)], ANALYST)
    assert sorted(c for c, _ in err.value.problems) == [
        "out_of_range", "unknown_cercle", "unknown_factor"]
    assert store.snapshot(engine) == before


def test_new_context_factor(engine):
    fid = context.add_factor(engine, "Déplacements de population", "Population displacement",
                             ANALYST, "Afflux de déplacés internes")
    assert fid == "deplacements_de_population"
    assert context.factors(engine).at[fid, "created_by"] == "analyst@example.org"
    assert fid in context.ratings(engine).columns
    with pytest.raises(context.RatingError) as err:
        context.add_factor(engine, "déplacements de population", "", ANALYST)
    assert {c for c, _ in err.value.problems} == {"label_missing", "label_taken"}


def test_changes_of_an_edited_grid():
    import pandas as pd

    before = pd.DataFrame({"intercommunal": [2.0, np.nan, 5.0], "crisis": [1.0, 1.0, np.nan]},
                          index=["a", "b", "c"])
    after = before.assign(cercle_fr=["A", "B", "C"])       # display columns are ignored
    after.loc["a", "intercommunal"] = 3.5                   # changed
    after.loc["b", "intercommunal"] = 4.0                   # rated for the first time
    after.loc["c", "intercommunal"] = np.nan                # withdrawn
    assert context.changes(before, after) == [
        context.Rating("intercommunal", "a", 3.5), context.Rating("intercommunal", "b", 4.0),
        context.Rating("intercommunal", "c", None)]
    assert context.changes(before, before.copy()) == []


# ------------------------------------------------------------------ append-only for real
_ENTRY = ("(entry_id, at, subject, user_label, role, action) "
          "VALUES ({id}, '2026-01-01 00:00:00', 'evil', 'evil', 'admin', 'import')")
_HISTORY = ("(entry_id, report_id, revision, at, subject, user_label, field) "
            "VALUES ({id}, 'R1', 9, '2026-01-01 00:00:00', 'evil', 'evil', 'note')")
ENTRY_VALUES = {"audit_log": _ENTRY, "report_history": _HISTORY}
#: Statements that would rewrite or replace a stored entry (id 1), by engine.
REWRITES = {
    "sqlite": ["INSERT OR REPLACE INTO {table} {values}",
               "REPLACE INTO {table} {values}",
               "INSERT INTO {table} {values} ON CONFLICT (entry_id) DO UPDATE SET subject = 'x'",
               "INSERT INTO {table} {values}",
               "INSERT OR IGNORE INTO {table} {values}",
               "UPDATE OR REPLACE {table} SET subject = 'x'"],
    "postgresql": ["INSERT INTO {table} {values} ON CONFLICT (entry_id) DO UPDATE "
                   "SET subject = 'x'",
                   "INSERT INTO {table} {values}"],
}


def first_entries(engine) -> None:
    """Entries in both append-only tables: an import (audited) and a review of its report."""
    from geo.records import review

    run_import(engine, "tensions", "report_id,date,cercle,category,severity\n"
                                   "R1,2026-01-05,Gao,clash,3\n", actor=ANALYST)
    review.change(engine, ANALYST, "R1", 0, note="vu")
    with engine.connect() as conn:
        for table in store.APPEND_ONLY:
            assert conn.execute(sa.text(f"SELECT min(entry_id) FROM {table}")).scalar() == 1


def assert_append_only(engine, statements: list[str] | None = None,
                       refusal: str = "append-only|duplicate key") -> None:
    """Each of ``statements`` (default: UPDATE, DELETE and the engine's :data:`REWRITES` of
    entry 1) is refused, with ``refusal``, on both append-only tables, which stay as they
    were."""
    statements = statements or ["UPDATE {table} SET subject = 'x'", "DELETE FROM {table}",
                                *REWRITES[engine.dialect.name]]
    before = store.snapshot(engine)
    for table in store.APPEND_ONLY:
        assert before[table], table                    # something to rewrite
        for statement in statements:
            with pytest.raises(sa.exc.DBAPIError, match=refusal):
                with engine.begin() as conn:
                    conn.execute(sa.text(statement.format(
                        table=table, values=ENTRY_VALUES[table].format(id=1))))
    assert store.snapshot(engine) == before


def test_insert_or_replace_cannot_rewrite_audit_entry_1(engine):
    """Regression (issue 27): SQLite's REPLACE deletes the row it replaces without firing
    the DELETE trigger, so ``INSERT OR REPLACE INTO audit_log (entry_id = 1, …)`` rewrote
    entry 1; ``report_history`` was built the same way. Every rewrite is refused, on both
    engines, and the tables are as they were."""
    first_entries(engine)
    before = store.snapshot(engine)
    assert_append_only(engine)
    # and the application still appends
    with store.writing(engine) as conn:
        audit.record(conn, ANALYST, "import", target="after")
    with engine.connect() as conn:
        last = conn.execute(sa.text("SELECT entry_id, target FROM audit_log "
                                    "ORDER BY entry_id DESC LIMIT 1")).one()
    assert tuple(last) == (len(before["audit_log"]) + 1, "after")


def test_an_id_below_one_cannot_block_the_next_entries(tmp_path):
    """SQLite reads an id left to it as -1 in a BEFORE INSERT trigger: a stored -1 would make
    the re-used-id check refuse every later entry, so ids below 1 are refused."""
    engine = store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    for table, values in ENTRY_VALUES.items():
        for bad in (-1, 0):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with engine.begin() as conn:
                    conn.execute(sa.text(f"INSERT INTO {table} {values.format(id=bad)}"))
        with engine.begin() as conn:           # an explicit new id is an ordinary append
            conn.execute(sa.text(f"INSERT INTO {table} {values.format(id=7)}"))
            conn.execute(sa.text(f"INSERT INTO {table} {values.format(id='NULL')}"))
            assert conn.execute(sa.text(f"SELECT max(entry_id) FROM {table}")).scalar() == 8


def test_a_version_7_store_gets_the_protection(tmp_path):
    url = f"sqlite:///{tmp_path / 'v7.sqlite'}"
    old = sa.create_engine(url)
    with old.begin() as conn:
        for number, step in enumerate(store.MIGRATIONS[:7], start=1):
            step(conn)
            conn.execute(store.schema_version.insert().values(version=number,
                                                              applied_at=datetime.now()))
        conn.execute(sa.text(f"INSERT INTO audit_log {_ENTRY.format(id='NULL')}"))
        conn.execute(sa.text(f"INSERT OR REPLACE INTO audit_log {_ENTRY.format(id=1)}"))
    old.dispose()                                   # the hole, before v9
    engine = store.make_engine(url)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.text(f"INSERT OR REPLACE INTO audit_log {_ENTRY.format(id=1)}"))


# ------------------------------------------------------------------ PostgreSQL: two roles
def pg_two_roles():
    """A new schema on :data:`PG_URL` and a new login role for the application (made by the
    test server's role, which has CREATEROLE); yields ``(app_url, owner_url, role, schema)``,
    both URLs on that schema. Everything is dropped afterwards."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server configured: set VEILLE_TEST_POSTGRES_URL")
    tag = uuid.uuid4().hex[:10]
    schema, role = f"t_{tag}", f"veille_app_{tag}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD 'app-{tag}'"))
    options = ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    app_url = sa.engine.make_url(PG_URL).set(username=role, password=f"app-{tag}") \
        .render_as_string(hide_password=False) + options
    try:
        yield app_url, PG_URL + options, role, schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))    # and its grants
            conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()


@pytest.fixture
def two_roles():
    yield from pg_two_roles()


#: What the application's role must not be able to do to an append-only table.
OWNER_ONLY = ["UPDATE {table} SET subject = 'x'", "DELETE FROM {table}", "TRUNCATE {table}",
               "INSERT INTO {table} {values} ON CONFLICT (entry_id) DO UPDATE "
               "SET subject = 'x'",
               "ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
               "ALTER TABLE {table} DISABLE TRIGGER ALL",
               "DROP TRIGGER {table}_append_only ON {table}",
               "CREATE TRIGGER t BEFORE INSERT ON {table} FOR EACH ROW "
               "EXECUTE FUNCTION {table}_append_only()",
               "DROP TABLE {table}", "ALTER TABLE {table} OWNER TO CURRENT_USER",
               "SELECT setval('{table}_entry_id_seq', 1)",
               "SET session_replication_role = replica"]


def assert_app_role_cannot_rewrite(engine) -> None:
    """The application's role (``engine``'s) can do none of :data:`OWNER_ONLY`."""
    assert_append_only(engine, OWNER_ONLY, refusal="permission denied|must be owner")


def test_the_app_role_can_only_add_to_the_append_only_tables(two_roles):
    app_url, owner_url, role, _schema = two_roles
    engine = store.make_engine(app_url, owner_url=owner_url)
    try:
        assert engine.url.username == role
        first_entries(engine)                    # the app's writes work (audited)
        assert_app_role_cannot_rewrite(engine)
        with engine.connect() as conn:
            rights = dict(conn.execute(sa.text(
                "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
                "FROM information_schema.role_table_grants WHERE grantee = :r "
                "GROUP BY table_name"), {"r": role}).all())
        assert rights["audit_log"] == rights["report_history"] == "INSERT,SELECT"
        assert rights["schema_version"] == "SELECT"
        assert rights["tensions"] == rights["action"] == "DELETE,INSERT,SELECT,UPDATE"
        assert set(rights) == {t.name for t in store.metadata.sorted_tables}
    finally:
        engine.dispose()


def test_the_owner_split_refuses_one_role_for_both(two_roles):
    app_url, owner_url, role, schema = two_roles
    with pytest.raises(ValueError, match="is the tables' owner"):
        store.migrate_as_owner(owner_url, sa.engine.make_url(owner_url).username)
    owner = sa.create_engine(owner_url)
    with owner.connect() as conn:                       # refused before any change
        assert store.current_version(conn) == 0
    # a store the app's role created before the split: its tables must change owner first
    with owner.begin() as conn:
        conn.execute(sa.text(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO {role}'))
    owner.dispose()
    store.make_engine(app_url).dispose()
    with pytest.raises(ValueError, match=f"REASSIGN OWNED BY {role} TO veille"):
        store.migrate_as_owner(owner_url, role)
