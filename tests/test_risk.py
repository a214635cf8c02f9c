"""Risk score core on a fixture computed by hand, and its invariants."""

from datetime import date
import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.view import Analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis.risk import (AGGREGATIONS, DEFAULT_INDICATORS, DIMENSIONS, NORMALISATIONS, PRESETS,
                      Indicator, Method, classify, explain, method_for,
                       normalise, score)

# Three cercles, two hazard indicators and one coping indicator, no transforms.
METHOD = Method(indicators=(
    Indicator("reports", "hazard", 1, "none", 1.0),
    Indicator("deaths", "hazard", 1, "none", 1.0),
    Indicator("mediators", "coping", -1, "none", 1.0),
))
TABLE = pd.DataFrame({"reports": [0.0, 5.0, 10.0], "deaths": [2.0, 0.0, 4.0],
                      "mediators": [1.0, 3.0, np.nan]}, index=["a", "b", "c"])


def test_normalisations_by_hand():
    x = pd.Series([2.0, 4.0, 4.0, 10.0])
    assert normalise(x, "minmax").tolist() == [0.0, 2.5, 2.5, 10.0]
    assert normalise(x, "rank").tolist() == pytest.approx([0.0, 5.0, 5.0, 10.0])
    z = normalise(x, "zscore")          # mean 5, sd 3: z = -1, -1/3, -1/3, 5/3
    assert z.tolist() == pytest.approx([10 * 2 / 6, 10 * (8 / 3) / 6, 10 * (8 / 3) / 6,
                                        10 * (14 / 3) / 6])
    assert normalise(pd.Series([3.0, 3.0]), "minmax").tolist() == [0.0, 0.0]
    assert normalise(pd.Series([3.0, 3.0]), "rank").tolist() == [5.0, 5.0]
    assert normalise(pd.Series([3.0, 3.0]), "zscore").tolist() == [5.0, 5.0]
    assert math.isnan(normalise(pd.Series([1.0, np.nan]), "minmax")[1])


def test_scores_by_hand():
    res = score(TABLE, METHOD)
    # hazard: reports -> 0, 5, 10; deaths -> 5, 0, 10; mean -> 2.5, 2.5, 10
    assert res.dimensions["hazard"].tolist() == [2.5, 2.5, 10.0]
    # coping (lack of): mediators 1 -> 0 -> lack 10; 3 -> 10 -> lack 0; c: no data
    assert res.dimensions["coping"].tolist()[:2] == [10.0, 0.0]
    assert math.isnan(res.dimensions["coping"]["c"])
    # shifted geometric mean: a = sqrt(3.5 * 11) - 1; b = sqrt(3.5 * 1) - 1; c = hazard alone
    assert res.score.tolist() == pytest.approx([math.sqrt(38.5) - 1, math.sqrt(3.5) - 1, 10.0])
    assert res.risk_class.tolist() == ["high", "very_low", "very_high"]
    assert res.rank.tolist() == [2, 3, 1]
    assert res.completeness.tolist() == pytest.approx([1.0, 1.0, 2 / 3])
    # INFORM's strict geometric mean: a = sqrt(2.5 * 10) = 5; b = 0 (no lack of coping)
    strict = score(TABLE, Method(METHOD.indicators, aggregation="geometric_strict"))
    assert strict.score.tolist() == pytest.approx([5.0, 0.0, 10.0])
    arith = score(TABLE, Method(METHOD.indicators, aggregation="arithmetic"))
    assert arith.score.tolist() == pytest.approx([6.25, 1.25, 10.0])


STRICT = Method(METHOD.indicators, aggregation="geometric_strict")


def test_explanation_by_hand():
    res = score(TABLE, STRICT)
    ex = explain(TABLE, STRICT, res, "a").set_index("column")
    assert ex["raw"].tolist() == [0.0, 2.0, 1.0]
    assert ex["raw_median"].tolist() == [5.0, 2.0, 2.0]
    assert ex["normalised"].tolist() == [0.0, 5.0, 10.0]
    # arithmetic shares: dimension share 1/2, indicator share within it: 0, 1.25, 5 (sum 6.25);
    # scaled to the geometric score 5 (x 0.8): 0, 1, 4
    assert ex["contribution"].tolist() == pytest.approx([0.0, 1.0, 4.0])
    assert ex["contribution"].sum() == pytest.approx(res.score["a"])
    # b scores 0 (all contributions 0); c: hazard alone, 5 + 5. Medians over a, b, c:
    assert ex["contribution_median"].tolist() == pytest.approx([0.0, 1.0, 0.0])
    shifted = explain(TABLE, METHOD, score(TABLE, METHOD), "a")   # scaled to sqrt(38.5) - 1
    k = (math.sqrt(38.5) - 1) / 6.25
    assert shifted["contribution"].tolist() == pytest.approx([0.0, 1.25 * k, 5 * k])
    arith_method = Method(METHOD.indicators, aggregation="arithmetic")
    arith = explain(TABLE, arith_method, score(TABLE, arith_method), "a")
    assert arith["contribution"].tolist() == pytest.approx([0.0, 1.25, 5.0])


def test_context_factors_join_the_vulnerability_dimension():
    table = TABLE.assign(context_intercommunal=[2.0, np.nan, 8.0])
    table.attrs["context_factors"] = ["intercommunal"]
    m = method_for(table, METHOD)
    assert m.indicators[-1] == Indicator("context_intercommunal", "vulnerability", 1, "none", 1.0)
    res = score(table, m)
    assert res.dimensions["vulnerability"].tolist()[0] == 0.0
    assert math.isnan(res.dimensions["vulnerability"]["b"])     # unrated: no data, not zero
    assert res.completeness["b"] == pytest.approx(3 / 4)


def test_presets_and_shared_views_round_trip():
    base = method_for(pd.DataFrame(index=["x"]))
    inform = PRESETS["inform"].apply(base)
    assert inform.weights()["tension_weighted_per_100k"] == 1.0
    assert inform.weights()["tension_trend_per_100k"] == 0.0      # left out stays out
    assert inform.aggregation == "geometric_strict"
    tf = PRESETS["tensions_first"].apply(base)
    assert tf.dimension_weights["hazard"] == 2.0 and tf.aggregation == "arithmetic"
    # untouched preset: the URL names the preset only
    assert Analysis("tensions_first", tf).to_query() == {"preset": "tensions_first"}
    changed = tf.replace(indicator_weights={"fatalities": 0.5}, normalisation="rank",
                         dimension_weights={"hazard": 1.5, "vulnerability": 0.0, "coping": 1.0})
    view = Analysis("tensions_first", changed, 60, 0.25, date(2018, 8, 31))
    q = view.to_query(latest=date(2022, 12, 29))
    assert q == {"preset": "tensions_first", "dw": "1.5-0-1", "iw": "fatalities:0.5",
                 "norm": "rank", "win": "60", "uw": "0.25", "asof": "2018-08-31"}
    assert Analysis.from_query(q, base) == (view, [])
    assert "asof" not in view.to_query(latest=date(2018, 8, 31))   # the latest date: implied
    # nonsense is ignored, named, and leaves the default
    back, ignored = Analysis.from_query(
        {"preset": "x", "dw": "1-2", "iw": "nope:1", "agg": "max", "win": "-3",
         "asof": "yesterday"}, base)
    assert back == Analysis.default(base)
    assert ignored == ["preset", "dw", "iw", "agg", "win", "asof"]


def test_regressions_found_by_property_tests():
    """Each once broke "more reports never lower a score / more mediators never raise it"."""
    for norm in ("minmax", "rank", "zscore"):
        for agg in ("geometric", "geometric_strict", "arithmetic"):
            # z-score of a column that becomes constant (was: constant -> 0 instead of 5)
            before = pd.DataFrame({"reports": [1.0, 1.0, 0.0], "deaths": [0.0] * 3,
                                   "mediators": [0.0] * 3}, index=["x", "y", "z"])
            after = before.assign(reports=[1.0, 1.0, 1.0])
            m = Method(METHOD.indicators, norm, agg)
            assert score(after, m).score["z"] >= score(before, m).score["z"] - 1e-9
            # 10 - 9.999999999999998 left 2e-15, whose square root showed as 1e-7
            rows = pd.DataFrame([(0.0, 0.0, 0.0)] * 8 + [(0.0, 1.0, 1.712054560636842)],
                                columns=["reports", "deaths", "mediators"])
            helped = rows.copy()
            helped.loc[8, "mediators"] += 11.9
            assert score(helped, m).score[8] <= score(rows, m).score[8] + 1e-9


def test_missing_everything_is_no_data_not_zero():
    table = pd.DataFrame({"reports": [np.nan, 1.0], "deaths": [np.nan, 1.0],
                          "mediators": [np.nan, 1.0]}, index=["x", "y"])
    res = score(table, METHOD)
    assert math.isnan(res.score["x"]) and res.risk_class["x"] is None
    assert res.completeness["x"] == 0


def test_classes():
    assert [classify(v) for v in (0, 1.99, 2, 3.49, 3.5, 5, 6.49, 6.5, 10)] == [
        "very_low", "very_low", "low", "low", "medium", "high", "high", "very_high",
        "very_high"]
    assert classify(float("nan")) is None


rows = st.lists(st.tuples(st.floats(0, 100), st.floats(0, 50), st.floats(0, 20)),
                min_size=3, max_size=12)


@settings(max_examples=150, deadline=None)
@given(rows=rows, extra=st.floats(0.5, 50), pick=st.integers(0, 11),
       norm=st.sampled_from(["minmax", "rank", "zscore"]),
       agg=st.sampled_from(["geometric", "geometric_strict", "arithmetic"]))
def test_invariants(rows, extra, pick, norm, agg):
    table = pd.DataFrame(rows, columns=["reports", "deaths", "mediators"],
                         index=[f"c{i}" for i in range(len(rows))])
    method = Method(METHOD.indicators, norm, agg)
    res = score(table, method)
    valid = res.score.dropna()
    assert ((valid >= 0) & (valid <= 10 + 1e-9)).all()
    # row order changes nothing
    shuffled = score(table.iloc[::-1], method).score.reindex(table.index)
    pd.testing.assert_series_equal(shuffled, res.score, check_names=False)
    # more reports in one cercle never lowers its score; more mediators never raises it
    who = table.index[pick % len(table)]
    more = table.copy()
    more.loc[who, "reports"] += extra
    assert score(more, method).score[who] >= res.score[who] - 1e-9
    helped = table.copy()
    helped.loc[who, "mediators"] += extra
    assert score(helped, method).score[who] <= res.score[who] + 1e-9
    # contributions add up to the score
    ex = explain(table, method, res, who)
    assert ex["contribution"].sum() == pytest.approx(res.score[who], abs=1e-9)


@pytest.mark.slow
def test_command_line_on_the_demo_store(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from geo.ingest import demo
    from geo.records import store

    url = f"sqlite:///{tmp_path / 'risk.sqlite'}"
    demo.ensure_initialised(store.make_engine(url))
    out = subprocess.run([sys.executable, "-m", "geo", "risk", "--as-of", "2018-08-31", "--json"],
                         cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                         text=True, env={**os.environ, "VEILLE_DATABASE_URL": url}, check=True)
    rows = json.loads(out.stdout)
    assert len(rows) == 50
    assert {"cercle_id", "score", "class", "rank", "completeness", "hazard", "vulnerability",
            "coping"} <= set(rows[0])
    scores = [r["score"] for r in rows if r["score"] is not None]
    assert scores == sorted(scores, reverse=True) and rows[0]["rank"] == 1
    assert all(0 <= s <= 10 for s in scores)


weights = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0])


@given(preset=st.sampled_from(sorted(PRESETS)), dw=st.lists(weights, min_size=3, max_size=3),
       iw=st.dictionaries(st.sampled_from([i.column for i in DEFAULT_INDICATORS]), weights),
       norm=st.sampled_from(NORMALISATIONS), agg=st.sampled_from(AGGREGATIONS),
       window=st.integers(7, 730), uw=st.floats(0, 1, allow_nan=False),
       as_of=st.none() | st.dates(date(1997, 1, 1), date(2030, 12, 31)))
def test_analysis_round_trips_through_the_url_exactly(preset, dw, iw, norm, agg, window, uw,
                                                      as_of):
    from hypothesis import assume

    assume(any(dw))                     # all-zero dimension weights are refused
    base = Method()
    method = PRESETS[preset].apply(base).replace(
        indicator_weights=iw, normalisation=norm, aggregation=agg,
        dimension_weights=dict(zip(DIMENSIONS, dw)))
    view = Analysis(preset, method, window, uw, as_of)
    assert Analysis.from_query(view.to_query(), base) == (view, [])


def test_a_link_keeps_an_indicator_weight_the_preset_does_not_set():
    """Regression: the preset was applied to the changed weights, so ?iw= was never written
    for an indicator the preset leaves alone (any indicator of the default preset)."""
    base = Method()
    changed = PRESETS["default"].apply(base).replace(indicator_weights={"fatalities": 2.0})
    q = Analysis("default", changed).to_query()
    assert q == {"preset": "default", "iw": "fatalities:2"}
    assert Analysis.from_query(q, base)[0].method == changed
