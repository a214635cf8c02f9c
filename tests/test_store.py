"""The record store on SQLite always, and on a real PostgreSQL server when one is configured
(``VEILLE_TEST_POSTGRES_URL``, set by ``.ci/run``)."""

from datetime import datetime, timedelta, timezone

import numpy as np

import pytest
import sqlalchemy as sa

from geo.records import context, store
from geo.records import batches
from geo.ingest import demo
from geo import ingest
from tests.support import ADMIN, ANALYST, store_engine

@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    yield from store_engine(request.param, tmp_path)


@pytest.fixture(scope="module")
def locator():
    return ingest.Locator()


def test_schema_is_versioned_and_migrations_are_idempotent(engine):
    with engine.connect() as conn:
        assert store.current_version(conn) == store.SCHEMA_VERSION == 8
    assert store.migrate(engine) == 8
    with engine.connect() as conn:
        rows = conn.execute(sa.select(store.schema_version)).all()
    assert [r.version for r in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
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
        "workshops": 18, "mediators": 1424, "tensions": 1780}
    assert store.demo_in_use(engine)
    demo_ratings = context.history(engine)
    assert len(demo_ratings) == 3 * 48 and demo_ratings["is_demo"].all()
    assert batches.demo_contents(engine) == {"workshops": 18, "mediators": 1424, "tensions": 1780,
                                           "context_ratings": 144, "batches": 3}
    removed = batches.remove_demo(engine, ADMIN)
    assert removed == {"workshops": 18, "mediators": 1424, "tensions": 1780,
                       "context_ratings": 144, "batches": 3}
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
