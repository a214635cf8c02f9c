"""Hazard and coping-capacity indicators as of a date (first part of issue 4), on a fixture
small enough to compute by hand."""

from datetime import date

import pandas as pd
import pytest

from geo.analysis.indicators import PROGRAMME_START, default_as_of, window_indicators

AS_OF = date(2018, 8, 31)
POP = pd.Series({"a": 100_000, "b": 50_000, "c": 200_000})


def tensions(*rows):
    cols = ["cercle_id", "occurred_on", "severity", "fatalities", "injuries", "verification",
            "source_type"]
    return pd.DataFrame(rows, columns=cols)


RECORDS = {
    "tensions": tensions(
        ("a", date(2018, 8, 20), 4, 2, 1, "verified", "mediator"),     # last 30 days
        ("a", date(2018, 8, 2), 2, 0, 0, "unverified", "media"),       # last 30 days
        ("a", date(2018, 6, 15), 3, 1, 0, "verified", "acled"),        # 77 days ago
        ("a", date(2018, 8, 30), 5, 9, 9, "false", "media"),           # false: excluded
        ("b", date(2018, 3, 1), 5, 3, 3, "verified", "mediator"),      # outside the window
        ("b", date(2018, 9, 5), 5, 3, 3, "verified", "mediator"),      # after as_of
    ),
    # (without a training date a mediator counts at every date; a dated one from its
    # cercle's release on: tests/test_releases.py)
    "mediators": pd.DataFrame([
        ("a", "a-1", "active", None),
        ("a", "a-1", "active", None),
        ("a", "a-2", "inactive", None),
        ("b", None, "active", None),
        ("c", "c-1", "active", date(2019, 1, 1)),                       # trained after as_of
    ], columns=["cercle_id", "commune_id", "status", "trained_on"]),
    "workshops": pd.DataFrame([
        ("a", date(2018, 5, 1), 30),
        ("a", date(2016, 5, 1), 99),                                    # > 24 months before
        ("c", date(2018, 9, 1), 40),                                    # after as_of
    ], columns=["cercle_id", "start_date", "participants"]),
}


@pytest.fixture(scope="module")
def table():
    # threshold 2: the counts here (2, 1) are then published as they are (1 = its stand-in)
    return window_indicators(RECORDS, POP, AS_OF, window_days=90, unverified_weight=0.5,
                             communes_per_cercle=pd.Series({"a": 4, "b": 2, "c": 5}),
                             min_count=2)


def test_hazard_by_hand(table):
    # a's network watches 1 of its 4 communes (a-1): its mediator's report counts 4, the
    # media's and ACLED's 1. a: 4×1×4 + 2×0.5×1 + 3×1×1 = 20 weighted, per 100,000 people
    assert table.at["a", "tension_weighted_per_100k"] == pytest.approx(20.0)
    # deaths read the same way (2×4 + 1), injuries as reported
    assert table.at["a", "fatalities"] == 9 and table.at["a", "injuries"] == 1
    # last 30 days: 16 + 1 = 17; 90 days before (30..119 days ago): 3 -> 17 - 3/3 = 16
    assert table.at["a", "tension_trend_per_100k"] == pytest.approx(16.0)
    assert table.at["a", "armed_events_per_100k"] == pytest.approx(1.0)
    # b's reports are outside the window or after as_of
    assert table.loc["b", ["tension_weighted_per_100k", "fatalities"]].tolist() == [0, 0]
    assert table.at["c", "tension_weighted_per_100k"] == 0


def test_observation_by_hand(table):
    # a: commune a-1 watched (a-2's mediator is inactive) of 4; b: a mediator whose commune
    # is unknown watches one of 2; c: its mediator was trained after as_of
    assert table["observed_share"].tolist() == pytest.approx([0.25, 0.5, 0.0])
    assert table["under_observed"].tolist() == [False, False, True]
    # c: nobody watches and no report came in: its hazard is unknown, not calm
    assert table["hazard_unknown"].tolist() == [False, False, True]


def test_coping_by_hand(table):
    assert table.at["a", "mediators_active_per_10k"] == pytest.approx(2 / 100_000 * 1e4)
    assert table.at["b", "mediators_active_per_10k"] == pytest.approx(1 / 50_000 * 1e4)
    assert table.at["c", "mediators_active_per_10k"] == 0          # trained after as_of
    assert table.at["a", "communes_with_mediator_share"] == pytest.approx(1 / 4)
    assert table.at["b", "communes_with_mediator_share"] == 0      # commune unknown
    assert table.at["a", "workshop_participants_24m_per_10k"] == pytest.approx(3.0)
    assert table.at["a", "months_since_workshop"] == pytest.approx(122 / (365.25 / 12))
    never = (AS_OF - PROGRAMME_START).days / (365.25 / 12)
    assert table.at["b", "months_since_workshop"] == pytest.approx(never)
    assert table.at["c", "months_since_workshop"] == pytest.approx(never)   # future session


def test_unverified_weight_and_row_order():
    full = window_indicators(RECORDS, POP, AS_OF, unverified_weight=1.0)
    assert full.at["a", "tension_weighted_per_100k"] == pytest.approx(9.0)
    shuffled = {k: v.sample(frac=1, random_state=3) for k, v in RECORDS.items()}
    pd.testing.assert_frame_equal(window_indicators(shuffled, POP, AS_OF),
                                  window_indicators(RECORDS, POP, AS_OF))


def test_empty_store_and_default_as_of():
    empty = window_indicators({}, POP, AS_OF)
    assert (empty["tension_weighted_per_100k"] == 0).all()
    assert empty["communes_with_mediator_share"].isna().all()
    assert default_as_of(RECORDS) == date(2018, 9, 5)
    assert default_as_of({}, today=date(2026, 1, 1)) == date(2026, 1, 1)


# --------------------------------------------------------------------------- record level
# The score's invariants checked from records, through the same indicator table as the app
# (default method: the trend, which a report 30–120 days old lowers, has weight 0).
from datetime import timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geo.analysis.table import forecaster  # noqa: E402
from geo.analysis.indicators import with_window  # noqa: E402
from geo.analysis.risk import Method, method_for, score  # noqa: E402

REFERENCE = pd.DataFrame({"population": [100_000, 50_000, 200_000, 80_000],
                          "density": [10.0, 40.0, 5.0, 120.0], "n_communes": [2, 3, 1, 4]},
                         index=pd.Index(["a", "b", "c", "d"], name="cercle_id"))
report = st.tuples(st.sampled_from("abcd"), st.integers(0, 200), st.integers(1, 5),
                   st.integers(0, 5), st.sampled_from(["verified", "unverified", "false"]))
mediator = st.tuples(st.sampled_from("abcd"), st.sampled_from(["x", "y", None]),
                     st.sampled_from(["active", "inactive"]))


def _records(reports, mediators):
    return {
        "tensions": tensions(*[(c, AS_OF - timedelta(days=age), sev, deaths, 0, ver, "mediator")
                               for c, age, sev, deaths, ver in reports]),
        "mediators": pd.DataFrame([(c, f"{c}-{k}" if k else None, s, date(2018, 1, 1))
                                   for c, k, s in mediators],
                                  columns=["cercle_id", "commune_id", "status", "trained_on"]),
        "workshops": pd.DataFrame([("a", date(2018, 5, 1), 30)],
                                  columns=["cercle_id", "start_date", "participants"]),
    }


def _score(records, how):
    table = with_window(REFERENCE, records, AS_OF, forecaster(records, REFERENCE).forecast(AS_OF))
    base = method_for(table)
    return score(table, Method(base.indicators, how[0], how[1])).score


methods = st.tuples(st.sampled_from(["minmax", "rank", "zscore"]),
                    st.sampled_from(["geometric", "geometric_strict", "arithmetic"]))


@settings(max_examples=60, deadline=None)
@given(reports=st.lists(report, max_size=12), mediators=st.lists(mediator, max_size=10),
       who=st.sampled_from("abcd"), age=st.integers(0, 200), severity=st.integers(1, 5),
       how=methods)
@pytest.mark.slow
def test_a_new_report_never_lowers_the_score_of_its_cercle(reports, mediators, who, age,
                                                           severity, how):
    before = _score(_records(reports, mediators), how)
    after = _score(_records(reports + [(who, age, severity, 0, "verified")], mediators), how)
    assert after[who] >= before[who] - 1e-9 or (pd.isna(before[who]) and pd.isna(after[who]))


@settings(max_examples=60, deadline=None)
@given(reports=st.lists(report, max_size=12), mediators=st.lists(mediator, max_size=10),
       who=st.sampled_from("abcd"), commune=st.sampled_from(["x", "y", None]), how=methods)
@pytest.mark.slow
def test_a_new_active_mediator_never_raises_the_score_of_its_cercle(reports, mediators, who,
                                                                    commune, how):
    before = _score(_records(reports, mediators), how)
    after = _score(_records(reports, mediators + [(who, commune, "active")]), how)
    assert after[who] <= before[who] + 1e-9 or (pd.isna(before[who]) and pd.isna(after[who]))


def test_rows_in_any_order_give_the_same_scores():
    reports = [("a", 3, 4, 1, "verified"), ("b", 50, 2, 0, "unverified"),
               ("c", 10, 5, 3, "verified"), ("a", 80, 1, 0, "false")]
    mediators = [("a", "x", "active"), ("d", None, "active"), ("b", "y", "inactive")]
    one = _score(_records(reports, mediators), ("minmax", "geometric"))
    two = _score(_records(reports[::-1], mediators[::-1]), ("minmax", "geometric"))
    pd.testing.assert_series_equal(one, two)


def test_hidden_mediator_counts_enter_the_score_as_one_stand_in():
    """Threshold 3: a's 2 and b's 1 are hidden counts; both enter as 1.5, so the score
    cannot tell them apart (geo.analysis.disclosure.score_count); c's 0 is published as it is."""
    t3 = window_indicators(RECORDS, POP, AS_OF, communes_per_cercle=pd.Series(
        {"a": 4, "b": 2, "c": 5}), min_count=3)
    assert t3["mediators_active_hidden"].tolist() == [True, True, False]
    assert t3.at["a", "mediators_active_per_10k"] == pytest.approx(1.5 / 100_000 * 1e4)
    assert t3.at["b", "mediators_active_per_10k"] == pytest.approx(1.5 / 50_000 * 1e4)
    assert t3.at["c", "mediators_active_per_10k"] == 0
