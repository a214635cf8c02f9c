"""Backups and restores (issue 27): SQLite's online backup while another connection writes,
PostgreSQL's pg_dump / pg_restore with two roles, counts compared, and the append-only
tables still protected after a restore."""

import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.records import audit, store
from geo.records import backup
from geo.ingest import demo
from tests.support import ADMIN, ANALYST, ROOT
from tests.test_store import (assert_app_role_cannot_rewrite, assert_append_only,
                              first_entries, pg_two_roles)

DEPLOY = ROOT / "deploy"


def _sqlite_store(path: Path):
    engine = store.make_engine(f"sqlite:///{path}")
    demo.load(engine, ADMIN)
    first_entries(engine)
    return engine


def _cli(action, *args, env=None) -> subprocess.CompletedProcess:
    """``python -m geo backup FILE`` (``action`` "create") or ``python -m geo restore FILE``."""
    command = {"create": "backup", "restore": "restore"}[action]
    return subprocess.run([sys.executable, "-m", "geo", command, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, **(env or {})})


# ------------------------------------------------------------------ SQLite
def test_a_file_copy_misses_what_the_online_backup_keeps(tmp_path):
    """The finding: with the app running, recent commits are in ``veille.sqlite-wal``; a
    ``cp`` of the database file alone misses them, the online backup has them."""
    engine = _sqlite_store(tmp_path / "live.sqlite")
    with engine.connect() as conn:        # the app's connection, open: the WAL stays
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")   # all in the file, but…
        conn.commit()
        with store.writing(engine) as write:                     # …this last commit
            audit.record(write, ADMIN, "role_set", target="in the wal only")
        shutil.copyfile(tmp_path / "live.sqlite", tmp_path / "cp.sqlite")
        backup.backup(str(engine.url), tmp_path / "online.backup")
        targets = {}
        for name in ("cp.sqlite", "online.backup"):
            with sqlite3.connect(tmp_path / name) as copy:
                targets[name] = copy.execute("SELECT count(*) FROM audit_log WHERE target = "
                                             "'in the wal only'").fetchone()[0]
    assert targets == {"cp.sqlite": 0, "online.backup": 1}


def test_sqlite_round_trip_while_another_connection_writes(tmp_path):
    engine = _sqlite_store(tmp_path / "live.sqlite")
    before = backup.table_counts(engine)
    stop, written = threading.Event(), []

    def writer():                         # another process's writes, one entry per commit
        other = store.make_engine(f"sqlite:///{tmp_path / 'live.sqlite'}")
        while not stop.is_set():
            with store.writing(other) as conn:
                audit.record(conn, ANALYST, "rate", target=f"w{len(written)}")
            written.append(1)
        other.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        size = backup.backup(str(engine.url), tmp_path / "veille.backup")
        while len(written) < 40:          # and the writes go on after it
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(30)
    path = tmp_path / "veille.backup"
    assert size == path.stat().st_size > 0
    assert stat.S_IMODE(path.stat().st_mode) == backup.FILE_MODE     # owner only
    assert not (tmp_path / "veille.backup.part").exists()
    after = backup.table_counts(engine)
    restored = backup.restore(path, f"sqlite:///{tmp_path / 'restored.sqlite'}")
    # one snapshot: every table as before the writes, but the audit log in between
    assert {k: v for k, v in restored.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    assert before["audit_log"] + 20 <= restored["audit_log"] < after["audit_log"]
    again = store.make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    assert backup.table_counts(again) == restored
    assert store.load_records(again, "tensions").equals(store.load_records(engine, "tensions"))
    assert_append_only(again)            # UPDATE, DELETE, INSERT OR REPLACE… still refused
    assert store.counts(again)["tensions"] == 2318          # the demo's and R1


def test_restore_refuses_a_store_that_is_not_empty_unless_forced(tmp_path):
    source = _sqlite_store(tmp_path / "a.sqlite")
    backup.backup(str(source.url), tmp_path / "a.backup")
    target = store.make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert backup.is_empty(target)                # a new store: migrations and seeds only
    with store.writing(target) as conn:
        audit.record(conn, ADMIN, "role_set", target="b's own")
    assert not backup.is_empty(target)
    before = store.snapshot(target)
    done = _cli("restore", str(tmp_path / "a.backup"),
                env={"VEILLE_DATABASE_URL": str(target.url)})
    assert done.returncode == 2 and "--force" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert store.snapshot(target) == before
    done = _cli("restore", str(tmp_path / "a.backup"), "--force",
                env={"VEILLE_DATABASE_URL": str(target.url)})
    assert done.returncode == 0, done.stderr
    assert backup.table_counts(target) == backup.table_counts(source)
    assert f"audit_log {backup.table_counts(source)['audit_log']}" in done.stdout


def test_a_backup_of_an_older_version_is_restored_with_todays_protections(tmp_path):
    old = sa.create_engine(f"sqlite:///{tmp_path / 'v7.sqlite'}")
    with old.begin() as conn:
        for number, step in enumerate(store.MIGRATIONS[:7], start=1):
            step(conn)
            conn.execute(store.schema_version.insert().values(version=number,
                                                              applied_at=datetime.now()))
    old.dispose()
    backup.backup(f"sqlite:///{tmp_path / 'v7.sqlite'}", tmp_path / "v7.backup")
    backup.restore(tmp_path / "v7.backup", f"sqlite:///{tmp_path / 'new.sqlite'}")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    with engine.connect() as conn:
        assert store.current_version(conn) == store.SCHEMA_VERSION
        triggers = set(conn.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert {f"{t}_no_reused_id" for t in store.APPEND_ONLY} <= triggers


@pytest.mark.parametrize("store_name, args, message", [
    ("absent.sqlite", ("create", "x.backup"), "No database at"),
    ("s.sqlite", ("create", "no/such/dir/x.backup"), "failed: [Errno 2]"),
    ("s.sqlite", ("restore", "missing.backup"), "No backup at"),
    ("new.sqlite", ("restore", "junk.backup"), "is not a Veille backup"),
    ("s.sqlite", ("restore", "s.sqlite"), "The store is not empty"),
])
def test_failures_are_one_line_and_exit_2(tmp_path, store_name, args, message):
    store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}").dispose()
    with store.writing(store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")) as conn:
        audit.record(conn, ADMIN, "role_set")
    (tmp_path / "junk.backup").write_bytes(b"not a database at all" * 100)
    done = _cli(args[0], str(tmp_path / args[1]),
                env={"VEILLE_DATABASE_URL": f"sqlite:///{tmp_path / store_name}"})
    assert done.returncode == 2
    assert message in done.stderr and " / " in done.stderr       # French / English
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("**/*.part"))


# ------------------------------------------------------------------ PostgreSQL
@pytest.fixture
def two_roles():
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not found: apt-get install postgresql-client")
    yield from pg_two_roles()


def test_postgresql_round_trip_with_two_roles(two_roles, tmp_path):
    app_url, owner_url, role, schema = two_roles
    engine = store.make_engine(app_url, owner_url=owner_url)
    demo.load(engine, ADMIN)
    first_entries(engine)
    before = backup.table_counts(engine)
    records = store.load_records(engine, "tensions")
    engine.dispose()
    done = _cli("create", str(tmp_path / "pg.backup"),
                env={"VEILLE_DATABASE_URL": app_url, "VEILLE_DATABASE_OWNER_URL": owner_url})
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "pg.backup").stat().st_mode) == backup.FILE_MODE
    # the store is lost: an empty schema of the same name
    owner = sa.create_engine(owner_url)
    with owner.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    owner.dispose()
    done = _cli("restore", str(tmp_path / "pg.backup"),
                env={"VEILLE_DATABASE_URL": app_url, "VEILLE_DATABASE_OWNER_URL": owner_url})
    assert done.returncode == 0, done.stderr
    engine = store.make_engine(app_url)              # the app's role again
    try:
        assert backup.table_counts(engine) == before
        assert store.load_records(engine, "tensions").sort_values("report_id") \
            .reset_index(drop=True).equals(records.sort_values("report_id")
                                           .reset_index(drop=True))
        with store.writing(engine) as conn:          # the app appends (its rights are back)
            audit.record(conn, ANALYST, "rate", target="after the restore")
        assert backup.table_counts(engine)["audit_log"] == before["audit_log"] + 1
        assert_app_role_cannot_rewrite(engine)       # and cannot rewrite
    finally:
        engine.dispose()
    # a second restore over it: refused, then forced
    done = _cli("restore", str(tmp_path / "pg.backup"),
                env={"VEILLE_DATABASE_URL": app_url, "VEILLE_DATABASE_OWNER_URL": owner_url})
    assert done.returncode == 2 and "--force" in done.stderr
    done = _cli("restore", str(tmp_path / "pg.backup"), "--force",
                env={"VEILLE_DATABASE_URL": app_url, "VEILLE_DATABASE_OWNER_URL": owner_url})
    assert done.returncode == 0, done.stderr
    engine = store.make_engine(app_url)
    try:
        assert backup.table_counts(engine) == before             # the entry after: gone
        assert_app_role_cannot_rewrite(engine)
    finally:
        engine.dispose()


# ------------------------------------------------------------------ the schedule
def test_the_systemd_timer_runs_the_backup_command_daily():
    service = (DEPLOY / "veille-backup.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "veille-backup.timer").read_text(encoding="utf-8")
    assert "Type=oneshot" in service and "UMask=0077" in service
    assert "-m geo backup /var/backups/veille/" in service
    assert "EnvironmentFile=/etc/veille/env" in service
    assert "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer
    assert "Unit=veille-backup.service" in timer
