"""What a server process reads once rather than on every run (issue 32): the store's version
token at most every ui.data.TOKEN_INTERVAL_S (at once after a write of this process), the
settings once (again when the environment or the secrets change)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.records import store
from geo.settings import Settings
from ui import data

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def clock():
    data._TOKENS.clear()
    yield Clock()
    data._TOKENS.clear()


def test_token_read_again_only_after_the_interval(engine, clock):
    reads = []

    def read(e):
        reads.append(clock.t)
        return (len(reads),)

    assert data.throttled_token("version", engine, read, clock) == (1,)
    clock.t += data.TOKEN_INTERVAL_S - 0.01
    assert data.throttled_token("version", engine, read, clock) == (1,)
    clock.t += 0.01
    assert data.throttled_token("version", engine, read, clock) == (2,)
    assert reads == [1000.0, 1000.0 + data.TOKEN_INTERVAL_S]
    # another token of the same engine is kept apart
    assert data.throttled_token("planning", engine, read, clock) == (3,)


def test_a_write_of_this_process_is_seen_at_once(engine, clock):
    store.migrate(engine)
    before = data.throttled_token("version", engine, store.version_token, clock)
    with engine.begin() as conn:
        store.set_meta(conn, "demo_removed_at", "2026-12-06")
    after = data.throttled_token("version", engine, store.version_token, clock)
    assert before != after and after == store.version_token(engine)


def test_a_read_forgets_nothing(engine, clock):
    store.migrate(engine)
    data.throttled_token("version", engine, store.version_token, clock)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert ("version", id(engine)) in data._TOKENS


def test_a_write_of_another_process_is_seen_within_the_interval(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = store.make_engine(url)
    store.migrate(engine)
    before = data.throttled_token("version", engine, store.version_token, clock)
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from geo.records import store
        engine = store.make_engine({url!r})
        with engine.begin() as conn:
            store.set_meta(conn, "demo_removed_at", "2026-12-06")
    """)], cwd=ROOT, check=True, timeout=120)
    clock.t += data.TOKEN_INTERVAL_S / 2
    assert data.throttled_token("version", engine, store.version_token, clock) == before
    clock.t += data.TOKEN_INTERVAL_S / 2
    assert data.throttled_token("version", engine, store.version_token, clock) != before


def test_settings_read_once_then_again_when_the_environment_changes(monkeypatch):
    made = []
    original = Settings.from_environment.__func__

    def counting(cls, secrets=None, *args, **kwargs):
        made.append(1)
        return original(cls, secrets, *args, **kwargs)

    monkeypatch.setattr(Settings, "from_environment", classmethod(counting))
    data._SETTINGS[0] = None
    monkeypatch.setenv("VEILLE_MIN_COUNT", "4")
    first = data.settings()
    assert data.settings() is first and len(made) == 1
    monkeypatch.setenv("VEILLE_MIN_COUNT", "5")
    assert data.settings().min_count == 5 and len(made) == 2
    data._SETTINGS[0] = None


def test_a_callers_change_never_reaches_the_kept_records():
    """The store's frames are kept once (st.cache_resource) and handed out as shallow
    copies: a page that changes its copy leaves the next reader's intact."""
    first = data.records("tensions")
    assert len(first) and (first["severity"] != 0).any()
    first["severity"] = 0
    first.loc[first.index[0], "category"] = "changed"
    again = data.records("tensions")
    assert (again["severity"] != 0).any() and "changed" not in set(again["category"])


def test_shared_attrs_are_not_copied_with_the_table():
    import pandas as pd

    from geo.analysis.indicators import SharedAttrs

    table = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    table.attrs["forecast"] = SharedAttrs(explain={"C1": {"x": 1}})
    table.attrs["as_of"] = "2026-01-01"
    derived = table[["a"]].join(table[["b"]])
    assert derived.attrs["forecast"] is table.attrs["forecast"]
    assert derived.attrs["as_of"] == "2026-01-01"
