"""Streamlit glue of mediator coverage and gaps: cached computation, the gap rule kept in
the session (thresholds the user moves; None = national median)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

import ui
from ui.data import CACHE_TTL
from geo.analysis import coverage
from geo.i18n import format_significant
from ui import risk as ui_risk

MEASURE_KEY = "gap_measure"
RISK_LEVEL_KEY = "gap_risk_level"
COVER_T_KEY = "gap_coverage_threshold"


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _result(token: tuple, as_of: date, threshold: int) -> coverage.Coverage:
    records = {k: ui.records(k) for k in ("mediators", "workshops")}
    return coverage.compute(records, ui.reference_data(), as_of, threshold)


def result(as_of: date) -> coverage.Coverage:
    """Coverage for the store's current content (cached)."""
    return _result(ui.store_token(), as_of, min_count())


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _commune_table(token: tuple, as_of: date, threshold: int, lang: str) -> pd.DataFrame:
    return coverage.commune_table(_result(token, as_of, threshold), lang)


def commune_table(as_of: date, lang: str) -> pd.DataFrame:
    """The communes' published table (:func:`geo.analysis.coverage.commune_table`) of
    :func:`result`, in ``lang``; cached (a shallow copy of the kept table)."""
    return _commune_table(ui.store_token(), as_of, min_count(), lang).copy(deep=False)


def min_count() -> int:
    """Suppression threshold of the deployment (:func:`ui.settings`)."""
    return ui.settings().min_count


def rule() -> coverage.GapRule:
    ss = st.session_state
    level = ss.get(RISK_LEVEL_KEY) or coverage.DEFAULT_RISK_LEVEL
    return coverage.GapRule(ss.get(MEASURE_KEY, "mediators_per_10k"),
                            coverage.RISK_LEVELS.get(level, coverage.RISK_LEVELS["high"]),
                            ss.get(COVER_T_KEY))


def cercle_table(view=None, gap_rule: coverage.GapRule | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per cercle: the published coverage measures (:func:`geo.analysis.coverage.published_cercles`:
    hidden counts blank, distances in bands) joined with the risk score and class of the
    risk view (default: the session's) and the gap classes of the rule (default: the
    session's), plus ``gap_code`` (0–3, for the map); and the gaps table alone."""
    view = view or ui_risk.current_view()
    gap_rule = gap_rule or rule()
    cercles, gaps = _cercle_table(ui.store_token(), min_count(), repr(view), repr(gap_rule),
                                  view, gap_rule)
    return cercles.copy(deep=False), gaps.copy(deep=False)


# kept as shared objects, a shallow copy to each caller (see ui.data.records)
@st.cache_resource(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _cercle_table(token: tuple, threshold: int, view_key: str, rule_key: str, _view, _rule
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    table, scores = ui_risk.scores_for(_view)
    both = coverage.gap_table(scores, result(table.attrs["as_of"]), _rule)
    return both.cercles, both.gaps


def threshold_slider(container, label: str, key: str, values: pd.Series, lo: float, hi: float,
                     step: float, help: str | None = None) -> float:
    """A slider whose value is kept under ``key`` (None = follow the national median of
    ``values``; ``lo`` when there is none)."""
    widget = f"_w_{key}"
    value = st.session_state.get(key)
    median = float(values.median()) if values.notna().any() else lo
    st.session_state[widget] = float(np.clip(median if value is None else value, lo, hi))

    def changed():
        st.session_state[key] = st.session_state[widget]

    lang = ui.current_lang()
    ui.number_slider(container, label, lo=lo, hi=hi, step=step, key=widget, on_change=changed,
                     help=help, text=lambda v: format_significant(v, lang, 3))
    return st.session_state[widget]


def published_table(view=None, gap_rule: coverage.GapRule | None = None) -> pd.DataFrame:
    """The view's one per-cercle table as the maps show it: its indicators (the period of
    its score) with the coverage columns as they may be published (hidden small counts,
    distances in bands) and the gap classes; ``attrs["as_of"]`` says the date. Cached per
    store content, view and gap rule (default: the session's): every analysis page draws it
    on every run."""
    view = view or ui_risk.current_view()
    gap_rule = gap_rule or rule()
    return _published(ui.store_token(), min_count(), repr(view), repr(gap_rule), view, gap_rule)


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _published(token: tuple, threshold: int, view_key: str, rule_key: str, _view, _rule
               ) -> pd.DataFrame:
    cover = cercle_table(_view, _rule)[0]
    indicators = ui_risk.table_for(_view)
    published = indicators.drop(columns=["mediators", "workshop_participants"]).join(
        cover[["mediators", "mediators_hidden", "mediators_per_10k", "mediators_per_1000km2",
               "workshop_participants", "workshop_participants_per_10k", "risk_score",
               "risk_class", "communes_without_mediator_share", "mean_distance_km",
               "gap_code", "gap_class"]])
    published.attrs.update({k: indicators.attrs[k] for k in (
        "as_of", "reporting_lag", "provisional_since")})
    return published
