"""The forecast anchored on the recent past (issue 29): the anchor by hand, no look-ahead (a
later report, a late report), the anchor alone before enough origins, the gate, no blow-up
after an early shock, honest uncertainty on overdispersed counts, invariants by hypothesis,
the command line's JSON."""

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.analysis import backtest as evaluate
from geo.analysis import distributions
from geo.analysis import forecast as model
from geo.ingest import synthetic
from geo.reference import neighbours as contiguity
from geo.reference import units

T = date(2021, 3, 31)


def _reports(rows) -> pd.DataFrame:
    """(cercle, date, severity[, verification]) → report rows."""
    return pd.DataFrame([(c, d, s, 0, v[0] if v else "verified") for c, d, s, *v in rows],
                        columns=["cercle_id", "occurred_on", "severity", "fatalities",
                                 "verification"])


def _counts_history(counts: np.ndarray, cercles: list[str], start: date, seed: int = 0
                    ) -> pd.DataFrame:
    """Reports from monthly counts (cercles × months of 30 days), on random days."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, m in zip(*np.nonzero(counts)):
        for _ in range(int(counts[i, m])):
            rows.append((cercles[i], start + timedelta(days=int(30 * m + rng.integers(0, 30))),
                         int(rng.integers(1, 6))))
    return _reports(rows)


# ------------------------------------------------------------------ the anchor by hand
@pytest.fixture
def two():
    """a: reports 59 and 40 days before T (month 1) and 5 days before (month 0); b: none.
    The history starts 59 days before T: two months are observed."""
    reports = _reports([("a", T - timedelta(days=59), 5), ("a", T - timedelta(days=40), 1),
                        ("a", T - timedelta(days=5), 1), ("b", T + timedelta(days=3), 4)])
    return model.Forecaster(reports, pd.Index(["a", "b"]), np.array([[0.0, 1.0], [1.0, 0.0]]))


#: Prior mean rates (per month) of a and b at T, δ = 0.5 (see ``two``): D_a = 1 + 0.5·2 = 2,
#: D_b = 0, exposure E = 1 + 0.5 = 1.5 (two months seen); national R = 2 / (1.5·2) = 2/3.
SLOW = [(1 + 0.95 * 2 + 2 / 3) / (1 + 0.95 + 1), (2 / 3) / (1 + 0.95 + 1)]
NEAR = [1 / 15, 4 / 3]       # a: b's 0 raised to R/10; b: a's D/E = 4/3
PRIOR_MEANS = {"national": [2 / 3, 2 / 3], "slow": SLOW, "neighbours": NEAR,
               "mixed": [(s + n) / 2 for s, n in zip(SLOW, NEAR)]}


@pytest.mark.parametrize("prior", sorted(PRIOR_MEANS))
def test_anchor_by_hand(two, prior):
    # shape α = 1: rate = (α + D) / (α/m + E), over 90 days × 3
    expected = [(1 + d) / (1 / m + 1.5) * 3 for d, m in zip([2, 0], PRIOR_MEANS[prior])]
    anchor = two.anchor(two.known([T]), model.Anchor(0.5, 1.0, prior), 90)
    np.testing.assert_allclose(anchor[0], expected)
    # a month before the history began is unknown, not quiet
    np.testing.assert_allclose(two.known([T]).exposure[0, :3], [1, 1, 0])
    # the national prior by hand: a (1 + 2)/(1.5 + 1.5)·3 = 3, b (1 + 0)/3·3 = 1
    if prior == "national":
        np.testing.assert_allclose(anchor[0], [3.0, 1.0])


def test_severe_share_by_hand(two):
    # decayed severe reports of a: month 1's severity-5 report × 0.5 = 0.5; D_a = 2;
    # national share 0.25; shrunk with 5 reports: (0.5 + 5·0.25)/(2 + 5), b: 0.25
    share = two.severe_share(two.known([T]), model.Anchor(0.5, 1.0, "national"))
    np.testing.assert_allclose(share[0], [1.75 / 7, 0.25])


def test_a_cercle_without_recent_reports_still_has_a_chance(two):
    fc = two.forecast(T + timedelta(days=40))
    assert fc.at["b", "expected_reports"] > 0 and fc.at["b", "p_any"] > 0
    assert fc.attrs["model"] == "anchor" and fc.attrs["training_origins"] == 0


def test_too_little_history_is_no_data(two):
    fc = two.forecast(T)                                       # 59 days of history
    assert fc.isna().all().all() and fc.attrs["model"] is None
    empty = model.Forecaster(None, pd.Index(["a", "b"])).forecast(T)
    assert empty["expected_reports"].isna().all()


# ------------------------------------------------------------------ a realistic history
@pytest.fixture(scope="module")
def cercles():
    return units.load_cercles()[["region_id"]]


@pytest.fixture(scope="module")
def neighbours(cercles):
    return contiguity.cercle_weights(cercles.index)


@pytest.fixture(scope="module")
def realistic(cercles):
    return synthetic.history(0, cercles)


def test_no_look_ahead_a_future_report_does_not_move_the_forecast(realistic, cercles,
                                                                  neighbours):
    t = date(2018, 6, 30)
    before = model.Forecaster(realistic, cercles.index, neighbours).forecast(t)
    future = _reports([("mli-mopti", t + timedelta(days=1), 5),
                       ("mli-kayes", t + timedelta(days=200), 5)])
    later = model.Forecaster(pd.concat([realistic, future]), cercles.index, neighbours)
    after = later.forecast(t)
    pd.testing.assert_frame_equal(before, after)
    assert before.attrs == after.attrs
    # ... while a report known at t does move it (the test can fail)
    known = model.Forecaster(pd.concat([realistic, _reports([("mli-kayes",
                                                              t - timedelta(days=3), 5)])]),
                             cercles.index, neighbours).forecast(t)
    assert known.at["mli-kayes", "expected_reports"] > before.at["mli-kayes",
                                                                  "expected_reports"]


def test_no_look_ahead_through_a_late_report(realistic, cercles, neighbours):
    """A report that happened before t but was reported after it was not in the store at t:
    it does not move the forecast at t (nor at the training origins before); reported by t,
    it does."""
    t = date(2018, 6, 30)
    late = _reports([("mli-kayes", t - timedelta(days=3), 5)]).assign(
        reported_on=t + timedelta(days=20))
    before = model.Forecaster(realistic, cercles.index, neighbours).forecast(t)
    after = model.Forecaster(pd.concat([realistic, late]), cercles.index,
                             neighbours).forecast(t)
    pd.testing.assert_frame_equal(before, after)
    known = model.Forecaster(pd.concat([realistic, late.assign(reported_on=t)]),
                             cercles.index, neighbours).forecast(t)
    assert known.at["mli-kayes", "expected_reports"] > before.at["mli-kayes",
                                                                  "expected_reports"]


def test_history_counts_what_was_known_by_hand():
    """Month counts with and without the reports not yet reported, and weights."""
    t = date(2020, 3, 31)
    reports = pd.DataFrame({
        "cercle_id": ["a", "a", "a", "b"],
        "occurred_on": [t - timedelta(days=2), t - timedelta(days=10), t - timedelta(days=40),
                        t - timedelta(days=5)],
        "reported_on": [t + timedelta(days=1), t, t - timedelta(days=30), None],
        "severity": [5, 1, 1, 4], "verification": "verified",
        "observation_weight": [2.0, 1.0, 1.0, 3.0]})
    h = model.History(reports, pd.Index(["a", "b"]))
    np.testing.assert_allclose(h.months(t, 2), [[3, 1], [3, 0]])      # everything, weighted
    np.testing.assert_allclose(h.months(t, 2, known=True), [[1, 1], [3, 0]])
    np.testing.assert_allclose(h.months(t, 2, "severe", known=True), [[0, 0], [3, 0]])
    np.testing.assert_allclose(h.window(t - timedelta(days=30), t, known_at=t), [1, 3])
    np.testing.assert_allclose(h.window(t - timedelta(days=30), t), [3, 3])


def test_the_anchor_alone_before_twelve_training_origins(realistic, cercles, neighbours):
    f = model.Forecaster(realistic, cercles.index, neighbours)
    first = f.history.first
    few = first + timedelta(days=model.MIN_HISTORY_DAYS + 90 + 30 * 10)
    fit = f.fit(few)
    assert fit.origins < model.MIN_ORIGINS and fit.candidate is None
    assert f.forecast(few).attrs["model"] == "anchor"
    enough = first + timedelta(days=model.MIN_HISTORY_DAYS + 90 + 30 * 13)
    assert f.fit(enough).origins >= model.MIN_ORIGINS and f.fit(enough).candidate is not None
    # the gate needs a model fitted GATE_ORIGINS earlier on 12 origins: not yet
    assert f.forecast(enough).attrs["model"] == "anchor"
    assert f.forecast(enough).attrs["gate"]["use"] is False


def test_the_gate_refuses_a_correction_that_does_not_help(realistic, cercles, neighbours,
                                                          monkeypatch):
    """A correction tripling every forecast is fitted (planted) but never used: it loses to
    the anchor on the origins it is tested on."""
    def tripling(x, *args, **kwargs):
        coef = np.zeros(x.shape[1] + 1)
        coef[0] = math.log(3)
        return coef
    monkeypatch.setattr(model, "fit_correction", tripling)
    f = model.Forecaster(realistic, cercles.index, neighbours)
    fc = f.forecast(date(2019, 6, 30))
    gate = fc.attrs["gate"]
    assert gate["origins"] == model.GATE_ORIGINS
    assert gate["corrected_deviance"] > gate["anchor_deviance"]
    assert fc.attrs["model"] == "anchor"
    np.testing.assert_allclose(fc["expected_reports"], fc["anchor"])


def test_the_gate_lets_a_correction_that_helps_through():
    """Reports growing 6 % a month everywhere: the decayed count lags, the nation's last
    quarter says so; the corrected forecast is used and raises the anchor."""
    rng = np.random.default_rng(3)
    ids = [f"c{i}" for i in range(12)]
    rate = rng.uniform(0.5, 3, len(ids))[:, None] * 1.06 ** np.arange(60)[None, :]
    reports = _counts_history(rng.poisson(rate), ids, date(2015, 1, 1))
    f = model.Forecaster(reports, pd.Index(ids))
    fc = f.forecast(date(2019, 10, 1))
    assert fc.attrs["model"] == "anchor+correction"
    assert fc.attrs["gate"]["corrected_deviance"] < fc.attrs["gate"]["anchor_deviance"]
    assert (fc["expected_reports"] / fc["anchor"]).mean() > 1.05


def test_explain_adds_up_to_the_forecast(realistic, cercles, neighbours):
    f = model.Forecaster(realistic, cercles.index, neighbours)
    for t in (date(2016, 3, 31), date(2019, 9, 30)):
        fc, why = f.forecast(t), f.explain(t)
        np.testing.assert_allclose(why["anchor"] * why["factor"], fc["expected_reports"])
        # the anchor is the prior and the recent rate, weighed by their months
        blend = (why["prior_months"] * why["prior"] + why["exposure_months"] * why["recent"]) \
            / (why["prior_months"] + why["exposure_months"])
        np.testing.assert_allclose(blend, why["anchor"])
        if fc.attrs["model"] == "anchor+correction":
            parts = why.filter(like="factor_").prod(axis=1)
            np.testing.assert_allclose(parts.clip(1 / model.MAX_FACTOR, model.MAX_FACTOR),
                                       why["factor"])
        else:
            assert (why["factor"] == 1).all()
    assert {"anchor", "anchor+correction"} == {f.forecast(t).attrs["model"] for t in (
        date(2016, 3, 31), date(2017, 6, 30), date(2018, 9, 30), date(2019, 9, 30),
        date(2020, 3, 31))}
    assert f.explain(f.history.first)["anchor"].isna().all()


def test_factor_is_clipped():
    coef = np.array([10.0, 0.0])
    assert model.Forecaster.factor(coef, np.zeros((3, 1))) == pytest.approx(model.MAX_FACTOR)
    assert model.Forecaster.factor(-coef, np.zeros((3, 1))) == \
        pytest.approx(1 / model.MAX_FACTOR)


def test_no_blow_up_after_a_shock_in_the_first_origins():
    """Three months of a shock in two cercles, then a quiet, steady process: from the first
    origins on, the forecast's error stays within 3× the decayed count's."""
    rng = np.random.default_rng(5)
    ids = [f"c{i}" for i in range(10)]
    rate = np.full((len(ids), 48), 0.4)
    rate[:2, :3] = 40
    reports = _counts_history(rng.poisson(rate), ids, date(2013, 1, 1), seed=5)
    f = model.Forecaster(reports, pd.Index(ids))
    at = [date(2013, 1, 1) + timedelta(days=d) for d in range(120, 48 * 30 - 90, 91)]
    result = evaluate.evaluate(None, None, forecaster=f, at=at)
    assert result["model"]["worst_mae_ratio"] <= evaluate.GUARD
    assert result["model"]["guard_ok"]
    first = f.forecast(at[0])
    decayed = evaluate.baselines(f, at[0], 90)["decayed"]
    assert first["expected_reports"].sum() <= evaluate.GUARD * decayed.sum()
    # once the shock is a year old the forecast has let go of it faster than the decayed
    # count (its decay is chosen on what followed the shock)
    late = [r["methods"] for r in result["per_origin"][4:]]
    assert np.mean([m["model"]["mae"] for m in late]) < \
        np.mean([m["decayed"]["mae"] for m in late])


def test_an_empty_store_is_evaluated_without_a_crash():
    result = evaluate.evaluate(None, pd.Index(["a", "b"]))
    assert result["origins"] == 0 and result["per_origin"] == []
    assert result["methods"]["model"]["origins_scored"] == 0
    assert result["model"]["guard_ok"] is None and result["calibration"] == []


# ------------------------------------------------------------------ uncertainty
def _nb1(rng, mu, ratio):
    """Counts with mean μ and variance ratio·μ (NB1)."""
    theta = mu / (ratio - 1)
    return rng.negative_binomial(theta, theta / (theta + mu))


@pytest.mark.parametrize("ratio,power,theta0", [(3.0, 1.0, 0.5), (1.5, 1.0, 2.0)])
def test_dispersion_recovers_a_planted_nb1(ratio, power, theta0):
    rng = np.random.default_rng(1)
    mu = rng.lognormal(0, 1.2, 6000)
    d = model.estimate_dispersion(_nb1(rng, mu, ratio), mu)
    assert d.power == power and d.theta0 == pytest.approx(theta0, rel=0.15)


def test_dispersion_recovers_a_planted_nb2_and_a_poisson():
    rng = np.random.default_rng(2)
    mu = rng.lognormal(0, 1.2, 6000)
    nb2 = rng.negative_binomial(2.0, 2.0 / (2.0 + mu))
    d = model.estimate_dispersion(nb2, mu)
    assert d.power == 0 and d.theta0 == pytest.approx(2.0, rel=0.15)
    assert model.estimate_dispersion(rng.poisson(mu), mu).theta(5.0) > 20


def test_correction_recovers_planted_coefficients_and_shrinks_to_the_anchor():
    rng = np.random.default_rng(4)
    x = rng.normal(0, 1, (20000, 2))
    offset = np.full(20000, math.log(2.0))
    mu = np.exp(offset + 0.3 + 0.5 * x[:, 0] - 0.2 * x[:, 1])
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu))
    w, theta = np.ones(20000), np.full(20000, 2.0)
    np.testing.assert_allclose(model.fit_correction(x, y, offset, w, theta, ridge=1e-6),
                               [0.3, 0.5, -0.2], atol=0.05)
    assert np.abs(model.fit_correction(x, y, offset, w, theta, ridge=100.0)).max() < 0.01


def test_overdispersed_counts_get_honest_intervals():
    """Stationary NB1 counts (variance 3× the mean) in 30 cercles over 8 years: the
    forecast's 80 % intervals are wider than a Poisson's and cover about 80 % of outcomes
    (as many as they promise), the Poisson's far fewer among busy cercles."""
    rng = np.random.default_rng(8)
    ids = [f"c{i}" for i in range(30)]
    monthly = rng.lognormal(-0.5, 1.2, len(ids))[:, None] * np.ones((1, 97))
    reports = _counts_history(_nb1(rng, monthly, 3.0), ids, date(2012, 1, 1), seed=8)
    f = model.Forecaster(reports, pd.Index(ids))
    poisson = {"poisson": lambda t, h: (f.forecast(t, h)["expected_reports"].to_numpy(),
                                        np.inf)}
    result = evaluate.evaluate(None, None, forecaster=f, others=poisson)
    m, s = result["model"], result["methods"]
    assert 0.72 <= m["coverage80"] <= 0.9
    assert abs(m["coverage80"] - m["nominal_coverage80"]) < 0.05
    assert s["poisson"]["coverage80"] < m["coverage80"] - 0.05
    assert s["model"]["log_score"] < s["poisson"]["log_score"]
    fc = f.forecast(date(2019, 6, 30))
    busy = fc["expected_reports"] > 5
    low, high = distributions.interval(fc.loc[busy, "expected_reports"].to_numpy())
    assert (fc.loc[busy, "high80"] - fc.loc[busy, "low80"] > high - low).all()


# ------------------------------------------------------------------ invariants
@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.integers(0, 1400), min_size=1, max_size=150),
       where=st.lists(st.integers(0, 3), min_size=150, max_size=150),
       severity=st.lists(st.integers(1, 5), min_size=150, max_size=150),
       at=st.integers(0, 1500))
def test_forecast_invariants(days, where, severity, at):
    ids = ["a", "b", "c", "d"]
    start = date(2016, 1, 1)
    reports = _reports([(ids[w], start + timedelta(days=d), s)
                        for d, w, s in zip(days, where, severity)])
    f = model.Forecaster(reports, pd.Index(ids))
    fc = f.forecast(start + timedelta(days=at))
    if fc["expected_reports"].isna().any():
        assert fc.isna().all().all()
        return
    assert (fc["expected_reports"] > 0).all()
    assert (fc["low80"] <= fc["high80"]).all() and (fc["low80"] >= 0).all()
    assert ((0 <= fc["p_severe"]) & (fc["p_severe"] <= fc["p_any"]) & (fc["p_any"] < 1)).all()
    ordered = fc.sort_values("expected_reports")
    assert ordered["p_any"].is_monotonic_increasing
    assert ordered["high80"].is_monotonic_increasing
    assert (fc["rank"] == fc["expected_reports"].rank(ascending=False, method="min")).all()


# ------------------------------------------------------------------ command line
@pytest.mark.slow
def test_command_line_json(monkeypatch, tmp_path):
    import io
    import json
    from contextlib import redirect_stdout

    from geo import cli
    from geo.ingest import demo
    from geo.records import store

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    demo.ensure_initialised(store.make_engine(url))
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["forecast", "--as-of", "2020-06-30", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert len(rows) == 50
    assert set(rows[0]) == {"cercle_id", "expected_reports", "low80", "high80", "p_any",
                            "p_severe", "rank", "model", "under_observed"}
    assert rows[0]["rank"] == 1 and [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert {r["model"] for r in rows} <= {"anchor", "anchor+correction"}
    assert all(r["low80"] <= r["high80"] and 0 <= r["p_severe"] <= r["p_any"] <= 1
               and r["expected_reports"] > 0 for r in rows)
    # the demonstration's cercles without a mediator are under-observed, the others not
    assert {r["cercle_id"] for r in rows if r["under_observed"]} == set(demo.MEDIATOR_GAPS)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["backtest", "--json"]) == 0
    result = json.loads(out.getvalue())
    assert result["origins"] == len(result["per_origin"]) > 10
    assert set(result["methods"]) == {"model", *evaluate.BASELINES}
    zero = result["methods"]["zero"]
    assert zero["deviance"] == "inf" and zero["log_score"] == "inf"   # honest, not a crash
    assert isinstance(zero["crps"], float)
    assert 0 <= result["model"]["wins_vs_decayed"] <= result["model"]["origins_compared"]
    for name in ("model", "decayed"):
        assert -1 <= result["methods"][name]["spearman_active"] <= 1
        assert 0 <= result["methods"][name]["top10_hits"] <= 10
    assert isinstance(result["model"]["guard_ok"], bool)
