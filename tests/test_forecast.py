"""The forecast of tension reports (issue 14): exact features on a hand-made fixture, no
look-ahead, a planted spreading process it must find, the command line's JSON."""

import io
import json
import math
from contextlib import redirect_stdout
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import Queen
from shapely.geometry import box

from geo.ingest import demo
from geo import cli
from geo.analysis import backtest, forecast, indicators
from geo.reference import neighbours

T = date(2020, 12, 31)


def _reports(rows) -> pd.DataFrame:
    """(cercle, date, severity, fatalities[, verification]) → the store's report columns."""
    return pd.DataFrame([(c, d, s, f, 0, v[0] if v else "verified", "mediator")
                         for c, d, s, f, *v in rows],
                        columns=["cercle_id", "occurred_on", "severity", "fatalities",
                                 "injuries", "verification", "source_type"])


@pytest.fixture(scope="module")
def row_of_four():
    """Four square cercles in a row, a – b – c – d, with their queen weights."""
    ids = ["a", "b", "c", "d"]
    squares = gpd.GeoDataFrame({"geometry": [box(i, 0, i + 1, 1) for i in range(4)]},
                               index=pd.Index(ids, name="cercle_id"), crs="EPSG:4326")
    w = Queen.from_dataframe(squares, use_index=True, silence_warnings=True)
    w.transform = "r"
    reference = pd.DataFrame({"population": [100_000, 50_000, 20_000, 10_000]},
                             index=squares.index)
    return reference, w.sparse


def test_features_by_hand(row_of_four):
    reference, weights = row_of_four
    tensions = _reports([
        ("a", date(2020, 12, 20), 4, 2),     # 11 days before T: every window
        ("a", date(2020, 10, 15), 2, 0),     # 77 days: 3, 6, 12 months
        ("a", date(2020, 5, 1), 5, 7),       # 244 days: 12 months only
        ("a", date(2020, 12, 30), 5, 9, "false"),   # verified false: never counted
        ("c", date(2020, 8, 1), 3, 1),       # 152 days: the quarter before the last
        ("d", date(2021, 1, 5), 5, 3),       # after T: not known at T
    ])
    history = forecast.History(tensions, reference.index)
    x = forecast.features(history, T, 90, weights, reference["population"], [date(2021, 2, 1)])
    a, b, c = x.loc["a"], x.loc["b"], x.loc["c"]
    assert [math.expm1(a[k]) for k in ("log_c1", "log_c3", "log_c6", "log_c12")] == \
        pytest.approx([1, 2, 2, 3])
    # months back: the report of 20/12 in month 0, 15/10 in month 2, 1/5 in month 8
    dec_a = 1 + 0.8 ** 2 + 0.8 ** 8
    assert math.expm1(a["log_decayed"]) == pytest.approx(dec_a)
    assert a["trend"] == pytest.approx(math.log(3) - 0)
    assert math.expm1(a["log_severe12"]) == pytest.approx(2)     # severities 4 and 5
    assert math.expm1(a["log_fatalities12"]) == pytest.approx(9)
    dec_c = 0.8 ** 5                                           # 152 days: month 5
    assert math.expm1(c["log_decayed"]) == pytest.approx(dec_c)
    assert c["trend"] == pytest.approx(0 - math.log(2))       # quieter than the quarter before
    # the neighbours: a has b only; b has a and c (half each); d has c; d's January is unknown
    assert math.expm1(a["lag_decayed"]) == pytest.approx(0.0)
    assert math.expm1(b["lag_decayed"]) == pytest.approx((dec_a + dec_c) / 2)
    assert math.expm1(b["lag_c3"]) == pytest.approx((2 + 0) / 2)
    assert math.expm1(x.loc["d", "lag_decayed"]) == pytest.approx(dec_c)
    assert math.expm1(x.loc["d", "log_c12"]) == 0
    assert (x["election"] == 1.0).all()                       # 1 Feb 2021 is within 90 days
    x30 = forecast.features(history, T, 30, weights, reference["population"],
                            [date(2021, 2, 1)])
    assert (x30["election"] == 0.0).all()                     # ... not within 30
    assert x["log_population"].tolist() == pytest.approx(np.log([1e5, 5e4, 2e4, 1e4]))


def _spreading_history(seed: int = 7, months: int = 84):
    """A planted truth: :func:`geo.ingest.demo.spreading_counts` on the 50 cercles, started in the
    north, as reports (one per count, on a random day of its month)."""
    reference = indicators.reference_indicators()
    weights = neighbours.cercle_weights(reference.index)
    rng = np.random.default_rng(seed)
    north = reference["region_id"].isin(["ML06", "ML07", "ML08"]).to_numpy()
    base = np.where(north, 0.5, 0.05) * np.sqrt(reference["population"].to_numpy() / 1e5)
    counts = demo.spreading_counts(rng, base, weights, months, persistence=0.3, memory=0.2,
                                   spread=0.45).astype(int)
    start = date(2013, 1, 1)
    rows = []
    for i, m in zip(*np.nonzero(counts)):
        first = start + timedelta(days=int(30.44 * m))
        for _ in range(counts[i, m]):
            rows.append((reference.index[i], first + timedelta(days=int(rng.integers(0, 30))),
                         int(rng.integers(1, 6)), int(rng.poisson(0.5))))
    return reference, _reports(rows)


@pytest.fixture(scope="module")
def spreading():
    return _spreading_history()


def test_no_look_ahead_a_future_report_does_not_move_the_forecast(spreading):
    reference, tensions = spreading
    t = date(2017, 6, 30)
    before = forecast.forecaster({"tensions": tensions}, reference).forecast(t)
    later = pd.concat([tensions, _reports([("mli-mopti", t + timedelta(days=1), 5, 10),
                                           ("mli-kayes", t + timedelta(days=200), 5, 10)])])
    after = forecast.forecaster({"tensions": later}, reference).forecast(t)
    pd.testing.assert_frame_equal(before, after)
    # ... while a report known at t does move it (the test can fail)
    known = pd.concat([tensions, _reports([("mli-kayes", t - timedelta(days=3), 5, 10)])])
    moved = forecast.forecaster({"tensions": known}, reference).forecast(t)
    assert moved.at["mli-kayes", "expected_reports"] > before.at["mli-kayes", "expected_reports"]


def test_too_little_history_is_no_data_not_zero(spreading):
    reference, tensions = spreading
    first = min(tensions["occurred_on"])
    fc = forecast.forecaster({"tensions": tensions}, reference).forecast(
        first + timedelta(days=300))
    assert fc["expected_reports"].isna().all() and fc["p_severe"].isna().all()
    table = indicators.with_window(reference, {"tensions": tensions},
                                   first + timedelta(days=300), fc)
    assert table["forecast_reports"].isna().all()
    empty = forecast.forecaster({"tensions": None}, reference).forecast(T)
    assert empty["expected_reports"].isna().all()


def test_the_forecast_finds_a_planted_spreading_process(spreading):
    reference, tensions = spreading
    result = backtest.evaluate({"tensions": tensions}, 90, presets=False, reference=reference)
    assert result["dates"] >= 15
    f, p, d = result["forecast"], result["persistence"], result["decayed"]
    assert f["spearman"] > p["spearman"] + 0.015 and f["spearman"] > d["spearman"] + 0.015
    assert f["top10_hits"] >= p["top10_hits"]
    assert f["mae"] < p["mae"]
    # what finds the spread is the neighbours' reports: without them the edge is gone
    alone = backtest.evaluate({"tensions": tensions}, 90, presets=False, reference=reference,
                              columns=tuple(c for g, cols in forecast.GROUPS.items()
                                            if g != "spatial" for c in cols))
    assert alone["forecast"]["spearman"] < f["spearman"] - 0.01
    # calibrated: the deciles of the prediction rise with what happened
    observed = [row["observed"] for row in result["calibration"]]
    assert len(observed) == 10 and observed[-1] > 3 * max(observed[0], 0.1)
    assert np.corrcoef([r["predicted"] for r in result["calibration"]], observed)[0, 1] > 0.9


def test_glm_contributions_multiply_to_the_forecast(spreading):
    reference, tensions = spreading
    f = forecast.forecaster({"tensions": tensions}, reference)
    t = date(2018, 3, 31)
    fc = f.forecast(t)
    fit = fc.attrs["fit"]
    x = f.features(t, 90).loc["mli-gao"]
    parts = forecast.contributions(fit, x)
    assert list(parts.index) == list(forecast.FEATURES)
    assert math.exp(fit.model.intercept_) * parts.prod() == \
        pytest.approx(fc.at["mli-gao", "expected_reports"])
    assert 0 <= fc["p_severe"].min() and fc["p_severe"].max() <= 1
    assert sorted(fc["rank"].astype(int)) == sorted(fc["expected_reports"].rank(
        ascending=False, method="min").astype(int))


@pytest.mark.slow
def test_command_line_json(monkeypatch, tmp_path):
    from geo.records import store

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    demo.ensure_initialised(store.make_engine(url))
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["forecast", "--as-of", "2020-06-30", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert len(rows) == 50
    assert set(rows[0]) == {"cercle_id", "expected_reports", "p_severe", "rank"}
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and rows[0]["rank"] == 1
    assert all(r["expected_reports"] >= 0 and 0 <= r["p_severe"] <= 1 for r in rows)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["backtest", "--horizon-days", "90", "--json"]) == 0
    result = json.loads(out.getvalue())
    assert {"dates", "forecast", "persistence", "decayed", "score"} <= set(result)
    assert result["dates"] == len(result["per_date"]) > 10
    for method in ("forecast", "persistence", "decayed"):
        assert set(result[method]) == {"spearman", "top10_hits", "mae"}
    assert set(result["score"]) == {"default", "inform", "tensions_first", "coverage_first"}
    assert result["score"]["default"]["mae"] is None       # a score is not a count


def test_the_glm_is_scikit_learns_poisson_regressor(spreading):
    """:class:`geo.analysis.forecast.PoissonGLM` minimises PoissonRegressor's objective: same
    coefficients and predictions on the training data of a real fit."""
    from sklearn.linear_model import PoissonRegressor

    reference, tensions = spreading
    f = forecast.forecaster({"tensions": tensions}, reference)
    t = date(2018, 3, 31)
    origins = f.origins(t, 90)
    x = pd.concat([f.features(s, 90) for s in origins])[list(forecast.FEATURES)].to_numpy()
    y = np.concatenate([f.history.window(s, s + timedelta(days=90)) for s in origins])
    z = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1)
    ours = forecast.PoissonGLM(alpha=forecast.RIDGE).fit(z, y)
    theirs = PoissonRegressor(alpha=forecast.RIDGE, solver="newton-cholesky", tol=1e-12,
                              max_iter=1000).fit(z, y)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=1e-6)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(z), theirs.predict(z), rtol=1e-6)


def test_the_shipped_neighbours_are_libpysals_queen_contiguity():
    shipped = pd.read_csv(neighbours.NEIGHBOURS_FILE, comment="#")
    pd.testing.assert_frame_equal(shipped, neighbours.queen_pairs())
    w = neighbours.cercle_weights()
    assert w.shape == (50, 50) and np.allclose(w.sum(axis=1), 1)      # no island
    ids = list(indicators.reference_indicators().index)
    kidal = ids.index("mli-kidal")
    assert {ids[j] for j in np.nonzero(w[kidal])[0]} == {
        "mli-abeibara", "mli-bourem", "mli-gao", "mli-menaka", "mli-tessalit",
        "mli-tin-essako"}
    assert not neighbours.cercle_weights(["a", "b"]).any()     # not cercles: no neighbours
