"""How the reports are observed (issue 29): the network's watch and the weight of its
reports by hand, the reporting lag and what was known at a date, and two planted cases —
doubling a cercle's watched communes with the same tension leaves its hazard (nearly) as it
was, and a cercle nobody watches, without a report, is under-observed, not "very low"."""

from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.analysis import observation, risk
from geo.analysis.indicators import with_window
from geo.analysis.table import forecaster, observed_records
from geo.ingest import synthetic

COMMUNES = pd.Series({"a": 4, "b": 2, "c": 1})
MEDIATORS = pd.DataFrame([
    ("a", "a-1", "active", date(2018, 1, 1)),
    ("a", "a-1", "active", date(2017, 6, 1)),       # a-1 watched from the earlier one
    ("a", "a-2", "inactive", date(2016, 1, 1)),     # inactive: watches nothing
    ("a", "a-3", "active", date(2019, 1, 1)),
    ("b", None, "active", date(2018, 6, 1)),        # commune unknown: one place of its own
    ("c", "c-1", "active", None),                   # no training date: from the start
], columns=["cercle_id", "commune_id", "status", "trained_on"])


def test_watched_share_by_hand():
    queries = [("a", date(2017, 5, 31)), ("a", date(2017, 6, 1)), ("a", date(2019, 1, 1)),
               ("b", date(2018, 5, 31)), ("b", date(2018, 6, 1)), ("c", date(2000, 1, 1)),
               ("z", date(2020, 1, 1))]
    share = observation.watched_share(MEDIATORS, COMMUNES, [c for c, _ in queries],
                                      [d for _, d in queries])
    np.testing.assert_allclose(share, [0, 0.25, 0.5, 0, 0.5, 1.0, 0])
    at = observation.observed_share(MEDIATORS, COMMUNES, date(2018, 12, 31))
    assert at.to_dict() == {"a": 0.25, "b": 0.5, "c": 1.0}
    assert (observation.observed_share(None, COMMUNES, date(2018, 1, 1)) == 0).all()


def test_the_weights_of_the_network_s_reports_by_hand():
    reports = pd.DataFrame([
        ("a", date(2018, 3, 1), "mediator"),   # a watched at 1/4: counts 4
        ("a", date(2018, 3, 1), "media"),      # external: 1
        ("a", date(2017, 1, 1), "sms"),        # the network, nothing watched yet: at most 10
        ("b", date(2019, 1, 1), "kobo"),       # 1/2: counts 2
        ("c", date(2019, 1, 1), "acled"),      # external: 1
        ("c", date(2019, 1, 1), "odk"),        # fully watched: 1
    ], columns=["cercle_id", "occurred_on", "source_type"])
    w = observation.weights(reports, MEDIATORS, COMMUNES)
    assert w.tolist() == [4.0, 1.0, observation.MAX_WEIGHT, 2.0, 1.0, 1.0]


def test_the_reporting_lag_and_what_was_known_at_a_date():
    as_of = date(2020, 12, 31)
    lags = list(range(20)) + [40] * 5                  # 25 reports reported in the last year
    reports = pd.DataFrame({
        "cercle_id": "a",
        "occurred_on": [as_of - timedelta(days=30 + lag) for lag in lags],
        "reported_on": [as_of - timedelta(days=30) for _ in lags]})
    # the 90th percentile of 0 … 19 and five of 40: 40
    assert observation.reporting_lag(reports, as_of) == 40
    assert observation.provisional_since(reports, as_of) == as_of - timedelta(days=39)
    assert observation.reporting_lag(reports.head(19), as_of) is None     # too few
    # reported after the date: not known then; no reported_on: known the day it happened
    late = pd.DataFrame({"occurred_on": [date(2020, 1, 1), date(2020, 1, 1), date(2020, 1, 5)],
                         "reported_on": [date(2020, 1, 2), date(2020, 2, 1), None]})
    assert len(observation.known_reports(late, date(2020, 1, 4))) == 1
    assert len(observation.known_reports(late, date(2020, 1, 5))) == 2
    assert len(observation.known_reports(late, date(2020, 2, 1))) == 3


# ------------------------------------------------------------------ planted: more mediators
CERCLES = pd.DataFrame({"region_id": ["ML05", "ML05", "ML07"]},
                       index=pd.Index(["x", "y", "z"], name="cercle_id"))
#: x has 12 communes, y and z 4 each.
CERCLE_COMMUNES = pd.DataFrame(
    [(f"x-{i}", "x") for i in range(12)] + [(f"{c}-{i}", c) for c in "yz" for i in range(4)],
    columns=["commune_id", "cercle_id"])
REFERENCE = pd.DataFrame({"population": [200_000, 100_000, 100_000],
                          "density": [20.0, 20.0, 20.0], "n_communes": [12, 4, 4]},
                         index=CERCLES.index)
START, END = date(2015, 1, 1), date(2020, 12, 31)


def _history(watched_in_x: int) -> pd.DataFrame:
    """The same tension (same seed), the network's mediators in ``watched_in_x`` of x's 12
    communes (and in every commune of y and z) since the start."""
    communes = [f"x-{i}" for i in range(watched_in_x)] + \
        [f"{c}-{i}" for c in "yz" for i in range(4)]
    watchers = pd.DataFrame({"cercle_id": [c[0] for c in communes], "commune_id": communes,
                             "trained_on": START, "status": "active"})
    reports = synthetic.history(3, CERCLES, START, END, 9000, sources=(
        ("mediator", 0.85), ("media", 0.15)), watchers=watchers, communes=CERCLE_COMMUNES)
    return reports, watchers


def _hazard(reports: pd.DataFrame, watchers: pd.DataFrame, read: bool = True):
    """The indicator table at the end, the reports read against the network's watch (or,
    ``read=False``, counted as they come: no commune counts to read them by)."""
    reference = REFERENCE if read else REFERENCE.drop(columns="n_communes")
    records = observed_records({"tensions": reports, "mediators": watchers},
                               reference.get("n_communes"))
    return with_window(reference, records, END, forecaster(records, reference).forecast(END),
                       window_days=730)


def test_doubling_the_watched_communes_with_the_same_tension_leaves_the_hazard_unchanged():
    three, six = _history(3), _history(6)
    network = [(r[0]["source_type"] == "mediator") & (r[0]["cercle_id"] == "x")
               for r in (three, six)]
    # the network sends about twice as many reports from x when it watches twice as much
    raw = network[1].sum() / network[0].sum()
    assert 1.7 <= raw <= 2.3
    before, after = _hazard(*three), _hazard(*six)
    assert before.at["x", "observed_share"] == 0.25 and after.at["x", "observed_share"] == 0.5
    # read against the network's watch, x's hazard and forecast hardly move
    for column, band in (("tension_weighted_per_100k", 0.15), ("forecast_reports", 0.15),
                         ("fatalities", 0.25)):     # a few deadly reports weigh much
        ratio = after.at["x", column] / before.at["x", column]
        assert 1 - band <= ratio <= 1 + band, (column, ratio)
    # ... while counted as they come (no effort read), they would rise with the network
    unread = [_hazard(*h, read=False) for h in (three, six)]
    assert unread[1].at["x", "tension_weighted_per_100k"] \
        > 1.3 * unread[0].at["x", "tension_weighted_per_100k"]


# ------------------------------------------------------------------ planted: nobody watches
def test_an_unwatched_cercle_without_a_report_is_under_observed_not_very_low():
    reference = pd.DataFrame({"population": [100_000] * 4, "density": [10.0] * 4,
                              "n_communes": [1] * 4},
                             index=pd.Index(["a", "b", "c", "d"], name="cercle_id"))
    as_of = date(2020, 6, 30)
    mediators = pd.DataFrame({"cercle_id": ["a", "b", "c"], "commune_id": ["a-1", "b-1", "c-1"],
                              "status": "active", "trained_on": date(2019, 1, 1)})
    reports = pd.DataFrame({
        "cercle_id": ["a", "a", "b", "c"], "occurred_on": [as_of - timedelta(days=5)] * 4,
        "severity": 3, "fatalities": 0, "injuries": 0, "verification": "verified",
        "source_type": ["mediator", "mediator", "mediator", "acled"]})
    records = observed_records({"tensions": reports, "mediators": mediators},
                               reference["n_communes"], as_of)
    table = with_window(reference, records, as_of,
                        forecaster(records, reference).forecast(as_of))
    assert table["under_observed"].tolist() == [False, False, False, True]
    assert table["hazard_unknown"].tolist() == [False, False, False, True]
    scores = risk.score(table, risk.method_for(table))
    assert scores.risk_class["d"] == risk.UNDER_OBSERVED
    # its score stays what was seen (hazard 0): without the flag it would read "very low"
    assert risk.score(table.drop(columns="hazard_unknown"),
                      risk.method_for(table)).risk_class["d"] == "very_low"
    # a cercle nobody watches but where an external source reported is under-observed too,
    # its class read from its score
    external = pd.concat([reports, reports.tail(1).assign(cercle_id="d")])
    records = observed_records({"tensions": external, "mediators": mediators},
                               reference["n_communes"], as_of)
    table = with_window(reference, records, as_of,
                        forecaster(records, reference).forecast(as_of))
    assert table.at["d", "under_observed"] and not table.at["d", "hazard_unknown"]
    assert risk.score(table, risk.method_for(table)).risk_class["d"] in risk.CLASSES
