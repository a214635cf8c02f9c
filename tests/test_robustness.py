"""Monte Carlo sensitivity and back-test: hand-computed fixtures and the demo store."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from geo.ingest import demo
from geo.analysis import backtest, robustness
from geo.records import store
from geo.analysis.risk import Indicator, Method, method_for, score

METHOD = Method(indicators=(
    Indicator("reports", "hazard", 1, "none", 1.0),
    Indicator("deaths", "hazard", 1, "none", 1.0),
    Indicator("mediators", "coping", -1, "none", 1.0),
))
TABLE = pd.DataFrame({"reports": [0.0, 5.0, 10.0, 7.0], "deaths": [2.0, 0.0, 4.0, 1.0],
                      "mediators": [1.0, 3.0, np.nan, 2.0]}, index=["a", "b", "c", "d"])


def test_sensitivity_is_reproducible_with_its_seed():
    one = robustness.sensitivity(TABLE, METHOD, draws=300, seed=7)
    two = robustness.sensitivity(TABLE, METHOD, draws=300, seed=7)
    other = robustness.sensitivity(TABLE, METHOD, draws=300, seed=8)
    np.testing.assert_array_equal(one.ranks, two.ranks)
    assert not np.array_equal(one.ranks, other.ranks)
    assert one.ranks.shape == (300, 4)


def test_without_perturbation_every_draw_is_the_score():
    seen = []
    sens = robustness.sensitivity(TABLE, METHOD, draws=250, spread=0.0, alternatives=False,
                                  progress=lambda done, total: seen.append((done, total)),
                                  batch=100)
    expected = score(TABLE, METHOD).rank.to_numpy()
    assert (sens.ranks == expected).all()
    assert seen == [(100, 250), (200, 250), (250, 250)]
    summary = sens.summary(top=1)
    assert summary["median_rank"].tolist() == expected.tolist()
    assert summary["rank_p05"].tolist() == summary["rank_p95"].tolist() == expected.tolist()
    assert summary["top_share"].tolist() == [1.0 if r == 1 else 0.0 for r in expected]
    assert sens.stable_top(top=1) == ["c"]


def test_sensitivity_on_the_fifty_cercles(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    demo.ensure_initialised(engine)
    from tests.support import indicator_table

    table = indicator_table(engine, date(2018, 8, 31))
    method = method_for(table)
    sens = robustness.sensitivity(table, method, draws=1000)
    summary = sens.summary()
    assert len(summary) == 50
    ok = summary.dropna()
    assert ((ok["rank_p05"] <= ok["median_rank"]) & (ok["median_rank"] <= ok["rank_p95"])).all()
    assert ok["rank_p95"].max() <= 50 and ok["rank_p05"].min() >= 1
    # the stable top is a subset of the cercles in the top 10 most of the time, at most 10
    stable = sens.stable_top()
    assert 1 <= len(stable) <= 10
    assert (summary.loc[stable, "top_share"] >= 0.8).all()


def _report(cercle, day, n=1, severity=1):
    return [{"cercle_id": cercle, "occurred_on": day, "severity": severity, "fatalities": 0,
             "injuries": 0, "verification": "verified", "source_type": "mediator"}] * n


def test_backtest_by_hand():
    t = date(2020, 1, 1)
    before, after = t - timedelta(days=10), t + timedelta(days=10)
    tensions = pd.DataFrame(_report("a", before, 3) + _report("b", before, severity=5)
                            + _report("a", after) + _report("b", after, 3)
                            + _report("c", after, 2) + _report("d", t + timedelta(days=40)))
    reference = pd.DataFrame({"population": [100_000] * 4, "n_communes": [1] * 4},
                             index=pd.Index(["a", "b", "c", "d"], name="cercle_id"))
    method = Method(indicators=(Indicator("tension_weighted_per_100k", "hazard"),))
    out = backtest.backtest_records(reference, {"tensions": tensions}, [t], method,
                                    window_days=90, horizon_days=30, top=3)
    row = out.iloc[0]
    assert row["as_of"] == t and row["cercles_with_reports"] == 3    # d's report is too late
    # among a, b, c (the cercles with a report): score (severities) b 5 > a 3 > c 0 and
    # persistence (counts) a 3 > b 1 > c 0, against outcomes a 1, b 3, c 2
    assert row["spearman_score"] == pytest.approx(0.5)
    assert row["spearman_persistence"] == pytest.approx(-0.5)
    # the third place is a tie of c (a report) and d (none): half a hit
    assert row["top_hits_score"] == row["top_hits_persistence"] == 2.5


def test_backtest_on_the_demo_store(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    demo.ensure_initialised(engine)
    records = store.load_all(engine)
    out = backtest.backtest(records, dates=[date(2018, 6, 1), date(2018, 7, 1)],
                            horizon_days=90)
    assert list(out["as_of"]) == [date(2018, 6, 1), date(2018, 7, 1)]
    assert out["spearman_score"].between(-1, 1).all()
    assert out["top_hits_score"].between(0, 10).all()
    assert (out["cercles_with_reports"] > 10).all()     # the 2018 election is in the horizon
    # by default, the forecast evaluation's origins: quarterly, from a year of history
    dates = backtest.backtest(records, horizon_days=90)["as_of"].tolist()
    ev = backtest.forecast_evaluation(records, 90)
    assert [d.isoformat() for d in dates] == [r["as_of"] for r in ev["per_origin"]]
    assert dates[0] >= demo.HISTORY_START + timedelta(days=365)
    assert all((b - a).days == 91 for a, b in zip(dates, dates[1:]))
