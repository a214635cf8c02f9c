"""The review queue: verification and follow-up, history, conflicts, exports."""

import io

import pandas as pd
import pytest
import sqlalchemy as sa

from geo.records import audit, review, roles, store
from geo.records import batches
from geo.outputs import export
from tests.support import ADMIN, ANALYST, VIEWER, run_import, store_engine

CSV = """report_id,occurred_on,cercle,category,severity,source_type
T1,2022-03-01,Mopti,clash,4,mediator
T2,2022-03-05,Mopti,protest,2,media
T3,2022-02-01,Gao,intimidation,5,partner
T4,2022-03-07,Kayes,hate_speech,1,mediator
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    for engine in store_engine(request.param, tmp_path):
        report = run_import(engine, "tensions", CSV)
        assert report.accepted == 4
        yield engine


def _record(engine, rid):
    t = store.TABLES["tensions"]
    with engine.connect() as conn:
        return conn.execute(sa.select(t.c.verification, t.c.status)
                            .where(t.c.report_id == rid)).one()


def test_a_change_updates_the_report_and_keeps_who_when_old_and_new(engine):
    token = store.version_token(engine)
    rev = review.change(engine, ANALYST, "T1", 0, verification="verified", status="follow_up",
                        unit="regional_office", escalated=True, note="Réunion prévue au cercle")
    assert rev == 1
    assert tuple(_record(engine, "T1")) == ("verified", "follow_up")
    state = review.states(engine).loc["T1"]
    assert (state["revision"], state["unit"], bool(state["escalated"])) == \
        (1, "regional_office", True)
    assert state["updated_by"] == ANALYST.label
    past = review.history(engine, ["T1"])
    assert past[["field", "old", "new"]].values.tolist() == [
        ["verification", "unverified", "verified"], ["status", "open", "follow_up"],
        ["unit", None, "regional_office"], ["escalated", "false", "true"],
        ["note", None, "Réunion prévue au cercle"]]
    assert set(past["user_label"]) == {ANALYST.label} and set(past["revision"]) == {1}
    entry = audit.entries(engine, actions=["review_report"]).iloc[0]
    assert entry["target"] == "report T1"
    assert store.version_token(engine) != token          # caches see the new verification
    # the next change builds on revision 1 and records only what changed
    assert review.change(engine, ANALYST, "T1", 1, status="resolved", note="Réunion prévue "
                         "au cercle") == 2
    assert review.history(engine, ["T1"])["field"].tolist()[-1] == "status"
    assert review.change(engine, ANALYST, "T1", 2, status="resolved") == 2   # nothing new


def test_a_change_on_a_stale_revision_is_refused_not_overwritten(engine):
    review.change(engine, ANALYST, "T2", 0, verification="false")
    before = store.snapshot(engine)
    with pytest.raises(review.ReviewError) as err:
        review.change(engine, ADMIN, "T2", 0, verification="verified")
    code, details = err.value.problems[0]
    assert code == "conflict" and details["by"] == ANALYST.label
    assert store.snapshot(engine) == before
    assert _record(engine, "T2").verification == "false"


def test_viewers_may_not_review_and_bad_values_are_refused_with_nothing_written(engine):
    before = store.snapshot(engine)
    with pytest.raises(roles.AccessDenied):
        review.change(engine, VIEWER, "T1", 0, verification="verified")
    for changes, code in (({"verification": "maybe"}, "verification"),
                          ({"status": "closed"}, "status"), ({"unit": "Colonel X"}, "unit"),
                          ({"note": "Appeler Moussa Traoré au 76 12 34 56"}, "personal"),
                          ({"note": "x" * 2001}, "note_long"), ({"colour": 1}, "field")):
        with pytest.raises(review.ReviewError) as err:
            review.change(engine, ANALYST, "T1", 0, **changes)
        assert err.value.problems[0][0] == code
    with pytest.raises(review.ReviewError, match="missing"):
        review.change(engine, ANALYST, "nope", 0, status="resolved")
    assert store.snapshot(engine) == before


def test_the_history_is_append_only(engine):
    review.change(engine, ANALYST, "T1", 0, verification="verified")
    for statement in ("UPDATE report_history SET new = 'false'", "DELETE FROM report_history"):
        with pytest.raises(sa.exc.DatabaseError):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert len(review.history(engine)) == 1


def test_queue_puts_reports_awaiting_verification_first_then_follow_up(engine):
    review.change(engine, ANALYST, "T3", 0, verification="verified", status="follow_up",
                  escalated=True)
    review.change(engine, ANALYST, "T2", 0, verification="verified", status="resolved")
    reports = store.load_records(engine, "tensions")
    queue = review.queue(reports, review.states(engine))
    # unverified T1 (severity 4), T4 (1); then follow-up T3; then resolved T2
    assert queue["report_id"].tolist() == ["T1", "T4", "T3", "T2"]
    assert queue.set_index("report_id").loc["T3", "revision"] == 1
    assert review.queue(reports, review.states(engine), escalated_only=True)[
        "report_id"].tolist() == ["T3"]
    mopti = review.queue(reports, review.states(engine), cercles=["mli-mopti"],
                         severities=[2, 4], since=pd.Timestamp("2022-03-02").date())
    assert mopti["report_id"].tolist() == ["T2"]
    assert review.queue(reports, review.states(engine), sources=["partner"])[
        "report_id"].tolist() == ["T3"]


def test_a_re_import_of_a_reviewed_report_does_not_undo_the_review(engine):
    review.change(engine, ANALYST, "T1", 0, verification="verified", status="resolved")
    again = run_import(engine, "tensions", CSV, name="again.csv")
    assert (again.accepted, again.duplicates, again.rejected) == (0, 4, 0)
    assert tuple(_record(engine, "T1")) == ("verified", "resolved")
    # an unreviewed report that a file contradicts is still a conflict
    changed = CSV.replace("T4,2022-03-07,Kayes,hate_speech,1,mediator",
                          "T4,2022-03-07,Kayes,hate_speech,1,mediator").replace(
        "source_type\n", "source_type,verification\n").replace(
        ",mediator\n", ",mediator,false\n").replace(",media\n", ",media,\n").replace(
        ",partner\n", ",partner,\n")
    third = run_import(engine, "tensions", changed, name="third.csv")
    assert third.rejected == 1 and third.rejections[0][0] == 5        # T4's row


def test_deleting_a_batch_drops_its_reports_review_state_but_not_the_history(engine):
    review.change(engine, ANALYST, "T1", 0, verification="verified")
    batch = int(batches.list_batches(engine)["batch_id"].iloc[0])
    batches.delete_batch(engine, batch, ADMIN)
    assert review.states(engine).empty
    assert len(review.history(engine)) == 1


def test_exports_keep_verification_follow_up_and_history(engine):
    review.change(engine, ANALYST, "T1", 0, verification="verified", status="follow_up",
                  unit="civil_affairs", escalated=True)
    data = export.export(engine, "tensions", hxl=True)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skiprows=[1])
    tags = dict(zip(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", nrows=1).columns,
                    pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", nrows=1).iloc[0]))
    assert tags["review_history"] == "#meta+history" and tags["unit"] == "#org+responsible"
    row = frame.set_index("report_id").loc["T1"]
    assert (row["verification"], row["status"], row["unit"]) == ("verified", "follow_up",
                                                                 "civil_affairs")
    assert bool(row["escalated"]) is True
    assert "verification: unverified → verified" in row["review_history"]
    assert "status: open → follow_up" in row["review_history"]
    assert ANALYST.label not in data.decode("utf-8-sig")        # no user leaves the app
    untouched = frame.set_index("report_id").loc["T2"]
    assert pd.isna(untouched["review_history"]) and untouched["verification"] == "unverified"
    # published, the mediators' reports read "network" (geo.analysis.disclosure); the
    # analysts' restricted export holds the records as stored, and re-imports as duplicates
    assert frame.set_index("report_id").loc[["T1", "T4"], "source_type"].tolist() == \
        ["network", "network"]
    stored = export.export(engine, "tensions", hxl=True, restricted=True)
    again = run_import(engine, "tensions", stored, name="export.csv")
    assert again.rejected == 0 and again.duplicates == 4
