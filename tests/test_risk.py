"""Risk score core on a fixture computed by hand, and its invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.risk import Indicator, Method, classify, normalise, score

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
    assert math.isnan(normalise(pd.Series([1.0, np.nan]), "minmax")[1])


def test_scores_by_hand():
    res = score(TABLE, METHOD)
    # hazard: reports -> 0, 5, 10; deaths -> 5, 0, 10; mean -> 2.5, 2.5, 10
    assert res.dimensions["hazard"].tolist() == [2.5, 2.5, 10.0]
    # coping (lack of): mediators 1 -> 0 -> lack 10; 3 -> 10 -> lack 0; c: no data
    assert res.dimensions["coping"].tolist()[:2] == [10.0, 0.0]
    assert math.isnan(res.dimensions["coping"]["c"])
    # geometric mean: a = sqrt(2.5 * 10) = 5; b = 0 (no lack of coping); c = hazard alone = 10
    assert res.score.tolist() == pytest.approx([5.0, 0.0, 10.0])
    assert res.risk_class.tolist() == ["high", "very_low", "very_high"]
    assert res.rank.tolist() == [2, 3, 1]
    assert res.completeness.tolist() == pytest.approx([1.0, 1.0, 2 / 3])
    arith = score(TABLE, Method(METHOD.indicators, aggregation="arithmetic"))
    assert arith.score.tolist() == pytest.approx([6.25, 1.25, 10.0])


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
@given(rows=rows, extra=st.floats(0.5, 50), pick=st.integers(0, 11))
def test_invariants(rows, extra, pick):
    table = pd.DataFrame(rows, columns=["reports", "deaths", "mediators"],
                         index=[f"c{i}" for i in range(len(rows))])
    res = score(table, METHOD)
    valid = res.score.dropna()
    assert ((valid >= 0) & (valid <= 10 + 1e-9)).all()
    # row order changes nothing
    shuffled = score(table.iloc[::-1], METHOD).score.reindex(table.index)
    pd.testing.assert_series_equal(shuffled, res.score, check_names=False)
    # more reports in one cercle never lowers its score; more mediators never raises it
    who = table.index[pick % len(table)]
    more = table.copy()
    more.loc[who, "reports"] += extra
    assert score(more, METHOD).score[who] >= res.score[who] - 1e-9
    helped = table.copy()
    helped.loc[who, "mediators"] += extra
    assert score(helped, METHOD).score[who] <= res.score[who] + 1e-9


def test_command_line_on_the_demo_store(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from geo import demo, store

    url = f"sqlite:///{tmp_path / 'risk.sqlite'}"
    demo.ensure_initialised(store.make_engine(url))
    out = subprocess.run([sys.executable, "-m", "geo.risk", "--as-of", "2018-08-31", "--json"],
                         cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                         text=True, env={**os.environ, "VEILLE_DATABASE_URL": url}, check=True)
    rows = json.loads(out.stdout)
    assert len(rows) == 50
    assert {"cercle_id", "score", "class", "rank", "completeness", "hazard", "coping"} <= set(rows[0])
    scores = [r["score"] for r in rows if r["score"] is not None]
    assert scores == sorted(scores, reverse=True) and rows[0]["rank"] == 1
    assert all(0 <= s <= 10 for s in scores)
