"""Proper scores and the negative binomial (issue 29): exact values worked by hand, scipy as
a second opinion, invariants by hypothesis."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from geo.analysis import distributions, scores


# ------------------------------------------------------------------ distributions
def test_lgamma_is_the_standard_library_s():
    x = np.concatenate([np.linspace(1e-3, 30, 3001), np.logspace(-3, 7, 400)])
    expected = np.array([math.lgamma(v) for v in x])
    np.testing.assert_allclose(distributions.lgamma(x), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("theta", [0.05, 0.5, 1.0, 3.0, 40.0, np.inf])
def test_pmf_cdf_are_scipy_s(theta):
    mu = np.array([0.0, 0.02, 0.3, 1.0, 4.0, 25.0, 60.0])
    if np.isinf(theta):
        ref = stats.poisson(mu)
    else:
        ref = stats.nbinom(theta, theta / (theta + mu))
    for y in (0, 1, 2, 7, 40):
        np.testing.assert_allclose(distributions.logpmf(y, mu, theta), ref.logpmf(y),
                                   rtol=1e-9, atol=1e-12)
    cdf = distributions.cdf_table(mu, theta)
    for k in (0, 1, 5, 30):
        np.testing.assert_allclose(cdf[:, k], ref.cdf(k), rtol=1e-9, atol=1e-12)
    assert (cdf[:, -1] >= 1 - distributions.TAIL).all()
    for q in (0.1, 0.5, 0.9):          # the smallest count whose CDF reaches q
        np.testing.assert_array_equal((cdf < q - 1e-12).sum(axis=1),
                                      np.nan_to_num(ref.ppf(q)))
    np.testing.assert_allclose(distributions.p_zero(mu, theta), ref.pmf(0), rtol=1e-12)


def test_interval_by_hand():
    # the geometric distribution (NB, mean 1, size 1): F(0..3) = 1/2, 3/4, 7/8, 15/16
    low, high = distributions.interval(1.0, 1.0)
    # P(Y ≤ 2) = 0.875 is nearer 0.9 than P(Y ≤ 3) = 0.9375; P(Y < 0) = 0 nearer 0.1 than
    # P(Y < 1) = 0.5
    assert (low[0], high[0]) == (0, 2)
    assert distributions.interval_probability(low, high, 1.0, 1.0)[0] == pytest.approx(0.875)
    # a quiet cercle: P(0) = 0.95 -- no interval but [0, 0] holds its bulk
    mu = 0.1
    theta = 0.05
    assert distributions.p_zero(mu, theta) > 0.94
    low, high = distributions.interval(mu, theta)
    assert (low[0], high[0]) == (0, 0)
    # Poisson(50): the 10 % and 90 % points, rounded to the nearest tail probability
    low, high = distributions.interval(50.0)
    ref = stats.poisson(50)
    assert abs(ref.cdf(high[0]) - 0.9) <= min(abs(ref.cdf(high[0] - 1) - 0.9),
                                              abs(ref.cdf(high[0] + 1) - 0.9))
    assert abs(ref.cdf(low[0] - 1) - 0.1) <= min(abs(ref.cdf(low[0] - 2) - 0.1),
                                                 abs(ref.cdf(low[0]) - 0.1))


@settings(max_examples=150, deadline=None)
@given(mu=st.floats(0, 80), theta=st.floats(0.02, 100))
def test_interval_is_ordered_and_holds_its_probability(mu, theta):
    low, high = distributions.interval(mu, theta)
    assert 0 <= low[0] <= high[0]
    p = distributions.interval_probability(low, high, mu, theta)[0]
    assert 0 < p <= 1 + 1e-12
    # the interval is as near 80 % as the two tails allow: each tail misses its 10 % by no
    # more than the mass of a count at its boundary (just inside or just outside)
    cdf = distributions.cdf_table(mu, theta, int(high[0]) + 1)[0]
    pmf = np.diff(np.concatenate([[0.0], cdf]))
    lo, hi = int(low[0]), int(high[0])
    edge_lo = max(pmf[lo], pmf[lo - 1] if lo > 0 else 0.0)
    edge_hi = max(pmf[hi], pmf[hi + 1])
    assert abs((cdf[lo - 1] if lo > 0 else 0.0) - 0.1) <= edge_lo / 2 + 1e-9
    assert abs(cdf[hi] - 0.9) <= edge_hi / 2 + 1e-9
    assert p >= 0.8 - edge_lo / 2 - edge_hi / 2 - 1e-9


@settings(max_examples=150, deadline=None)
@given(a=st.floats(0, 50), b=st.floats(0, 50), theta=st.floats(0.02, 100))
def test_p_any_is_a_probability_increasing_in_the_mean(a, b, theta):
    lo, hi = sorted((a, b))
    p_lo, p_hi = 1 - distributions.p_zero([lo, hi], theta)
    assert 0 <= p_lo <= p_hi <= 1


# ------------------------------------------------------------------ scores
def test_poisson_deviance_by_hand():
    got = scores.poisson_deviance([0, 3, 1, 0, 2], [2, 1, 0, 0, 2])
    assert got[0] == pytest.approx(4.0)                        # 2μ at y = 0
    assert got[1] == pytest.approx(2 * (3 * math.log(3) - 2))  # 2[y log(y/μ) − (y − μ)]
    assert math.isinf(got[2])                                  # μ = 0 < y: infinite
    assert got[3] == 0 and got[4] == 0


def test_log_score_by_hand():
    # Poisson(1) at 2: −log(e^−1 / 2) = 1 + log 2
    assert scores.log_score(2, 1.0)[()] == pytest.approx(1 + math.log(2))
    # geometric NB(1, 1): P(0) = 1/2, P(1) = 1/4
    assert scores.log_score([0, 1], 1.0, 1.0) == pytest.approx([math.log(2), math.log(4)])
    assert math.isinf(scores.log_score(1, 0.0)[()])            # a zero forecast refuted


def test_crps_by_hand():
    # geometric NB(1, 1): F(k) = 1 − 2^−(k+1); at y = 0, Σ (1 − F(k))² = Σ 4^−(k+1) = 1/3;
    # at y = 1, F(0)² + Σ_{k≥1} 4^−(k+1) = 1/4 + 1/12 = 1/3
    assert scores.crps([0, 1], 1.0, 1.0) == pytest.approx([1 / 3, 1 / 3], abs=1e-6)
    # a forecast of exactly 0: the CRPS is the count itself (finite, unlike the log score)
    assert scores.crps([0, 3, 10], 0.0, np.inf) == pytest.approx([0, 3, 10])


@pytest.mark.parametrize("mu,theta,y", [(0.4, 0.3, 0), (2.5, 1.5, 4), (12.0, np.inf, 7),
                                        (30.0, 2.0, 61)])
def test_crps_is_the_expected_absolute_error_form(mu, theta, y):
    """CRPS = E|X − y| − ½ E|X − X'|, computed here from the PMF on a long support."""
    k = np.arange(1200)
    ref = stats.poisson(mu) if np.isinf(theta) else stats.nbinom(theta, theta / (theta + mu))
    p = ref.pmf(k)
    expected = p @ np.abs(k - y) - 0.5 * p @ np.abs(k[:, None] - k[None, :]) @ p
    assert scores.crps(y, mu, theta)[0] == pytest.approx(expected, abs=1e-4)


def test_auc_by_hand():
    assert scores.auc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert scores.auc([1, 1, 1, 1], [False, True, False, True]) == 0.5     # ties count half
    # positives {1, 2}, negatives {0, 1}: pairs 1>0, 1=1 (½), 2>0, 2>1 → 3.5 / 4
    assert scores.auc([0, 1, 1, 2], [False, True, False, True]) == 0.875
    assert math.isnan(scores.auc([1, 2], [True, True]))


def test_coverage_by_hand():
    assert scores.coverage([0, 2, 5, 9], [0, 1, 6, 0], [0, 3, 8, 9]) == 0.75


def test_spearman_counts_only_the_cercles_with_a_report():
    observed = pd.Series([0, 0, 0, 1, 4, 9], index=list("abcdef"))
    good = pd.Series([9, 1, 5, 1, 2, 3], index=list("abcdef"))
    # the quiet cercles' order does not matter: same value whatever it is
    other = good.copy()
    other[list("abc")] = [0, 7, 3]
    assert scores.spearman_active(good, observed) == pytest.approx(1.0)
    assert scores.spearman_active(other, observed) == pytest.approx(1.0)
    assert scores.spearman_active(-good, observed) == pytest.approx(-1.0)
    assert math.isnan(scores.spearman_active(good, observed.where(observed > 4, 0)))


def test_top_hits_share_ties_fairly():
    values = pd.Series([5, 4, 4, 4, 1], index=list("abcde"))
    happened = pd.Series([True, True, False, False, True], index=list("abcde"))
    # a, then 1 place among the three tied at 4 (one of which happened): 1 + 1/3
    assert scores.top_hits(values, happened, top=2) == pytest.approx(1 + 1 / 3)


def test_spearman_and_top_hits_by_hand():
    a = pd.Series([4.0, 3.0, 1.0, 1.0])
    b = pd.Series([0.0, 2.0, 1.0, 0.0])
    # ranks (4, 3, 1.5, 1.5) and (1.5, 4, 3, 1.5): covariance -0.25, variances 4.5 each
    assert scores.spearman(a, b) == pytest.approx(-0.25 / 4.5)
    assert np.isnan(scores.spearman(a, pd.Series([1.0] * 4)))
    happened = b > 0
    assert scores.top_hits(a, happened, 2) == 1.0
    # third place is a tie between two cercles, one of which had reports: half a hit
    assert scores.top_hits(a, happened, 3) == 1.5
