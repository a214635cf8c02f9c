"""Backups of the record store and their restore (issue 27), while the app runs.

    python -m geo backup FILE             # a consistent copy, written to FILE
    python -m geo restore FILE [--force]  # into the configured store (the app stopped)

* **SQLite**: SQLite's online backup API copies every page in one step under a read lock,
  the write-ahead log's recent commits included (a ``cp`` of ``veille.sqlite`` while the app
  runs misses them, and can catch a page half written); the copy is checked
  (``PRAGMA quick_check``) and left as one self-contained file.
* **PostgreSQL**: ``pg_dump`` in its custom format, of the store's schema (the one
  ``current_schema()`` names), without owners or grants; ``pg_restore`` in one transaction,
  so that a failed restore leaves the store as it was.

A backup file is written beside ``FILE`` under another name, readable by its owner only
(mode 0600: it holds every record), then renamed: a failed backup leaves no file that looks
like one. A restore refuses a store that holds anything (records, batches, ratings, roles,
the audit log…) unless ``force``; after it, the migrations run (a backup of an older
version is brought up to date) and so do the protections: the append-only triggers, and
with two roles on PostgreSQL the application role's rights (:func:`geo.records.store.grant_app_role`).

The commands take the app's settings (:class:`geo.settings.Settings`): the store is
``VEILLE_DATABASE_URL``; with ``VEILLE_DATABASE_OWNER_URL`` both connect as the tables'
owner. A failure is one line (French, then English) and exit status 2.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import store

#: Mode of a backup file: its owner only.
FILE_MODE = 0o600


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message is one line, French then
    English."""


# --------------------------------------------------------------------------- what a store holds
def table_counts(engine: Engine) -> dict[str, int]:
    """Rows of each of the store's tables (those present), by table name."""
    present = set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in store.metadata.sorted_tables if t.name in present}


def is_empty(engine: Engine) -> bool:
    """Whether the store holds nothing a restore would lose: no table, or no row but the
    schema's versions and the seeded context factors (:data:`geo.records.store.SEED_FACTORS`)."""
    present = set(sa.inspect(engine).get_table_names())
    seeds = {fid for fid, *_ in store.SEED_FACTORS}
    with engine.connect() as conn:
        for table in store.metadata.sorted_tables:
            if table.name not in present or table is store.schema_version:
                continue
            query = sa.select(1).select_from(table)
            if table is store.context_factor:
                query = query.where(table.c.factor_id.not_in(seeds))
            if conn.execute(query.limit(1)).first():
                return False
    return True


# --------------------------------------------------------------------------- files
def _new_file(path: Path) -> Path:
    """A new empty file beside ``path``, mode :data:`FILE_MODE`, to write the backup into
    before it is renamed ``path``."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return part


def _publish(part: Path, path: Path) -> None:
    with open(part, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(part, path)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("Base SQLite en mémoire : rien à sauvegarder. / In-memory SQLite "
                          "database: nothing to back up.")
    return Path(database)


# --------------------------------------------------------------------------- PostgreSQL tools
@contextmanager
def _libpq(engine: Engine) -> Iterator[str]:
    """The libpq connection string of ``engine`` for ``pg_dump`` / ``pg_restore``; its
    password in a password file readable by this account only, removed afterwards (not on a
    command line that ``ps`` shows)."""
    _args, params = engine.dialect.create_connect_args(engine.url)

    def quoted(value) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    conninfo = " ".join(f"{key}={quoted(value)}" for key, value in params.items()
                        if key != "password" and isinstance(value, (str, int)))
    password = params.get("password")
    if password is None:
        yield conninfo
        return
    with tempfile.TemporaryDirectory() as folder:        # mode 0700
        passfile = Path(folder) / "pgpass"
        secret = str(password).replace("\\", "\\\\").replace(":", "\\:")
        passfile.write_text(f"*:*:*:*:{secret}\n", encoding="utf-8")
        passfile.chmod(0o600)
        yield f"{conninfo} passfile={quoted(passfile)}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} introuvable : installez les outils clients de PostgreSQL "
                          f"(apt-get install postgresql-client). / {name} not found: install "
                          f"PostgreSQL's client tools (apt-get install postgresql-client).")
    return found


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[:300]
        raise BackupError(f"{Path(command[0]).name} a échoué / failed: {detail}")
    return done.stdout


def _schema(engine: Engine) -> str:
    with engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar()
    if not schema:
        raise BackupError("Aucun schéma : le search_path de la base ne nomme aucun schéma "
                          "existant. / No schema: the database's search_path names no "
                          "existing schema.")
    return schema


def _archive_schemas(listing: str) -> set[str]:
    """The schemas whose tables a ``pg_restore --list`` holds (lines such as
    ``216; 1259 33400 TABLE public audit_log veille``)."""
    schemas = set()
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) > 5 and not line.startswith(";") and parts[3] == "TABLE" \
                and parts[4] != "DATA":
            schemas.add(parts[4])
    return schemas


# --------------------------------------------------------------------------- backup
def backup(url: str, dest: Path) -> int:
    """Write a consistent copy of the store at ``url`` to ``dest`` (while the app runs);
    return its size in bytes. Raises :class:`BackupError`."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    dest = Path(dest)
    try:
        if engine.dialect.name == "sqlite":
            source = _sqlite_path(engine)
            if not source.is_file():
                raise BackupError(f"Base introuvable : {source}. / No database at {source}.")
            part = _new_file(dest)
            try:
                with closing(sqlite3.connect(f"file:{source}?mode=rw", uri=True)) as src, \
                        closing(sqlite3.connect(part)) as copy:
                    src.execute("PRAGMA busy_timeout = 30000")
                    src.backup(copy)          # every page in one step: one snapshot
                    copy.execute("PRAGMA journal_mode = DELETE")   # one self-contained file
                    if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                        raise BackupError("La copie est corrompue. / The copy is corrupt.")
                _publish(part, dest)
            finally:
                part.unlink(missing_ok=True)
        elif engine.dialect.name == "postgresql":
            pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
            schema = _schema(engine)
            part = _new_file(dest)
            try:
                with _libpq(engine) as conninfo:
                    _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                          f"--schema={schema}", f"--file={part}", f"--dbname={conninfo}"])
                if schema not in _archive_schemas(_run([pg_restore, "--list", str(part)])):
                    raise BackupError(f"La sauvegarde ne contient aucune table du schéma "
                                      f"{schema}. / The backup holds no table of schema "
                                      f"{schema}.")
                _publish(part, dest)
            finally:
                part.unlink(missing_ok=True)
        else:
            raise BackupError(f"Base non prise en charge : {engine.dialect.name}. / "
                              f"Unsupported database: {engine.dialect.name}.")
    finally:
        engine.dispose()
    return dest.stat().st_size


# --------------------------------------------------------------------------- restore
def restore(src: Path, url: str, *, force: bool = False,
            app_role: str | None = None) -> dict[str, int]:
    """Restore the backup ``src`` (made by :func:`backup`) into the store at ``url``;
    return the restored store's :func:`table_counts`. Refuses a store that is not empty
    (:func:`is_empty`) unless ``force``; afterwards the migrations run, and on PostgreSQL
    ``app_role`` (the application's role when ``url`` is the owner's) is given its rights.
    Stop the app first: it would keep serving what it had cached. Raises
    :class:`BackupError`."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"Sauvegarde introuvable : {src}. / No backup at {src}.")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        kind = engine.dialect.name
        if kind == "sqlite":
            target = _sqlite_path(engine)
            empty = not target.exists() or is_empty(engine)
        elif kind == "postgresql":
            empty = is_empty(engine)
        else:
            raise BackupError(f"Base non prise en charge : {kind}. / Unsupported database: "
                              f"{kind}.")
        if not empty and not force:
            raise BackupError("La base n'est pas vide : rien n'a été restauré (--force pour "
                              "la remplacer). / The store is not empty: nothing was restored "
                              "(--force to replace it).")
        if kind == "sqlite":
            _restore_sqlite(src, target)
        else:
            _restore_postgresql(src, engine, clean=not empty)
    finally:
        engine.dispose()
    if kind == "postgresql" and app_role:
        store.migrate_as_owner(url, app_role)
    restored = store.make_engine(url, pool_size=1)      # migrations, triggers
    try:
        return table_counts(restored)
    finally:
        restored.dispose()


def _restore_sqlite(src: Path, target: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as backup_db:
            ok = backup_db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            ours = backup_db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                     "AND name = 'schema_version'").fetchone()
            if not ok or not ours:
                raise BackupError(f"{src} n'est pas une sauvegarde de Veille. / {src} is not "
                                  f"a Veille backup.")
            target.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(target)) as db:
                db.execute("PRAGMA busy_timeout = 30000")
                backup_db.backup(db)              # replaces every page, in one transaction
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{src} n'est pas une sauvegarde de Veille ({exc}). / {src} is not "
                          f"a Veille backup ({exc}).") from None


def _restore_postgresql(src: Path, engine: Engine, *, clean: bool) -> None:
    pg_restore = _tool("pg_restore")
    schema = _schema(engine)
    listing = _run([pg_restore, "--list", str(src)])
    held = _archive_schemas(listing)
    if held != {schema}:
        raise BackupError(f"La sauvegarde contient le schéma {', '.join(sorted(held)) or '-'}"
                          f", la base utilise {schema}. / The backup holds schema "
                          f"{', '.join(sorted(held)) or '-'}, the store uses {schema}.")
    # the schema itself exists already (and public's comment belongs to the database's owner)
    entries = [line for line in listing.splitlines()
               if " SCHEMA - " not in line and " COMMENT - SCHEMA " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as use_list, \
            _libpq(engine) as conninfo:
        use_list.write("\n".join(entries) + "\n")
        use_list.flush()
        _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *(["--clean", "--if-exists"] if clean else []),
              f"--use-list={use_list.name}", f"--dbname={conninfo}", str(src)])


# --------------------------------------------------------------------------- command line
