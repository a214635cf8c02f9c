"""Forecasting tension reports per cercle (issue 29, phase 1; moves to ``geo/analysis/``).

Frames in, results out; the modules import only numpy and pandas:

* :mod:`geo.forecasting.synthetic` -- a history of reports as hard as real event data, and
  the measurement of the properties it is calibrated to (applicable to any report frame);
* :mod:`geo.forecasting.distributions` -- the negative binomial (and Poisson) predictive
  distribution: PMF, CDF, P(0), the 80 % interval;
* :mod:`geo.forecasting.model` -- the forecast: the decayed recent count as an anchor,
  shrunk for quiet cercles, with a gated, shrunk correction and negative-binomial
  uncertainty;
* :mod:`geo.forecasting.scores` -- proper scores and rank measures;
* :mod:`geo.forecasting.evaluate` -- the rolling-origin evaluation against five baselines.

A report frame has at least ``cercle_id``, ``occurred_on`` (dates), ``severity`` (1–5),
``fatalities`` and ``verification`` (reports verified ``false`` never count).
"""
