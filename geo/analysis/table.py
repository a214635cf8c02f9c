"""The per-cercle indicator table: the one table every page, command and output reads.

It joins the reference columns (:func:`geo.analysis.indicators.reference_indicators`), the
all-time counts of the field records, the windowed hazard and coping indicators, the forecast
of tension reports (:mod:`geo.analysis.forecast`) and the context ratings in force. It takes
frames: the caller (a page's cached data, a command) reads them from the store.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.analysis import observation
from geo.analysis.forecast import Forecaster
from geo.analysis.indicators import (DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS,
                                     default_as_of, field_counts, reference_indicators,
                                     with_window)
from geo.reference import neighbours


def observed_records(records: dict[str, pd.DataFrame], communes: pd.Series | None,
                     as_of: date | None = None) -> dict[str, pd.DataFrame]:
    """``records`` with the tension reports known at ``as_of`` (all when None) and their
    observation weights (:mod:`geo.analysis.observation`), as the forecast and the hazard
    read them; ``communes``: communes per cercle (None: every weight 1)."""
    tensions = records.get("tensions")
    if as_of is not None:
        tensions = observation.known_reports(tensions, as_of)
    if communes is not None:
        tensions = observation.with_weights(tensions, records.get("mediators"), communes)
    return {**records, "tensions": tensions}


def forecaster(records: dict[str, pd.DataFrame], reference: pd.DataFrame) -> Forecaster:
    """The :class:`~geo.analysis.forecast.Forecaster` of ``records`` (as from
    :func:`observed_records`) on the cercles of ``reference``, with their queen contiguity
    (a unit that is not a cercle, in a hand-made table, has no neighbours)."""
    return Forecaster(records.get("tensions"), reference.index,
                      neighbours.cercle_weights(reference.index))


def cercle_indicators(records: dict[str, pd.DataFrame], ratings: pd.DataFrame | None = None,
                      as_of: date | None = None, window_days: int = DEFAULT_WINDOW_DAYS,
                      unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT,
                      min_count: int | None = None) -> pd.DataFrame:
    """Indicators per cercle.

    Parameters
    ----------
    records : dict of DataFrame
        The stored records by kind (``workshops``, ``mediators``, ``tensions``; as from
        :func:`geo.records.store.load_all`); a missing kind counts as none.
    ratings : DataFrame, optional
        The context ratings in force, one column per factor (:func:`geo.records.context.ratings`).
    as_of : date, optional
        Default: the latest record date (:func:`geo.analysis.indicators.default_as_of`).
    window_days, unverified_weight, min_count
        The look-back window (days), the weight of an unverified report, the suppression
        threshold of mediator counts.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cercle_id`` (50 rows), with :data:`geo.analysis.indicators.ID_COLUMNS`
        and:

        * ``population`` -- persons, RGPH 2009;
        * ``area_km2`` -- km², EPSG:6933, full geometry;
        * ``density`` -- persons per km² = population / area_km2;
        * ``n_communes`` -- number of communes (ADM3) in the cercle;
        * :data:`geo.analysis.indicators.FIELD_COLUMNS` -- counts to date (0 without
          records; mediators: those of ``as_of``'s release, as every output shows them);
        * the hazard and coping indicators of
          :func:`geo.analysis.indicators.window_indicators` as of ``as_of`` over ``window_days``;
        * ``forecast_reports``, ``forecast_low80``, ``forecast_high80``,
          ``forecast_p_any``, ``forecast_p_severe`` -- the forecast of the next 90 days
          (:data:`geo.analysis.indicators.FORECAST_COLUMNS`), from the reports known at
          ``as_of``;
        * ``observed_share``, ``under_observed``, ``hazard_unknown`` -- how the network
          watches the cercle (:mod:`geo.analysis.observation`);
        * ``context_<factor_id>`` -- the expert rating in force (0–10, NaN when unrated) of
          each context factor.

        ``table.attrs`` records ``as_of``, ``window_days``, ``context_factors`` (the factor
        ids, in order), the forecast's own attributes (``forecast``, with ``explain``: per
        cercle, :meth:`~geo.analysis.forecast.Forecaster.explain`'s row as a dict), the
        reporting lag and the first provisional day.
    """
    table = reference_indicators()
    as_of = as_of or default_as_of(records)
    table = table.join(field_counts(records, table.index, as_of, min_count))
    known = observed_records(records, table["n_communes"], as_of)
    f = forecaster(known, table)
    predicted = f.forecast(as_of)
    # how each cercle's forecast is made (the Risk page says it): plain values, per cercle
    predicted.attrs["explain"] = f.explain(as_of).to_dict("index")
    return with_window(table, known, as_of, predicted, window_days, unverified_weight,
                       ratings, min_count)
