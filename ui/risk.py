"""Streamlit glue of the risk score: the view (method, window, as-of date) chosen in the
sidebar, kept in the session and in the URL, and cached computations.

A *view* is a dict: ``preset, method`` (:class:`geo.risk.Method`), ``window_days``,
``unverified_weight``, ``as_of`` (a date, or None for the latest record date).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from geo import context, indicators, risk, robustness
from geo.i18n import t

PREFIX = "risk_"
URL_ASOF = "asof"
_APPLIED = "_risk_url_applied"


def base_method() -> risk.Method:
    """Default method with the store's context factors (they do not depend on the date)."""
    return risk.method_for(ui.cercle_indicators())


def _dw_key(dim: str) -> str:
    return f"{PREFIX}dw_{dim}"


def _iw_key(column: str) -> str:
    return f"{PREFIX}iw_{column}"


def _set_state(preset: str, method: risk.Method, window: int | None = None,
               unverified: float | None = None) -> None:
    ss = st.session_state
    ss[f"{PREFIX}preset"] = preset
    for dim in risk.DIMENSIONS:
        ss[_dw_key(dim)] = float(method.dimension_weights.get(dim, 1.0))
    for ind in method.indicators:
        ss[_iw_key(ind.column)] = float(ind.weight)
    ss[f"{PREFIX}norm"] = method.normalisation
    ss[f"{PREFIX}agg"] = method.aggregation
    if window is not None:
        ss[f"{PREFIX}window"] = window
    if unverified is not None:
        ss[f"{PREFIX}uw"] = unverified


def _initialised() -> bool:
    return f"{PREFIX}preset" in st.session_state


def current_view(base: risk.Method | None = None) -> dict:
    """The view in the session (the defaults before the Risk page was opened)."""
    base = base or base_method()
    ss = st.session_state
    if not _initialised():
        return {"preset": risk.DEFAULT_PRESET, "method": risk.PRESETS[risk.DEFAULT_PRESET]
                .apply(base), "window_days": 90, "unverified_weight": 0.5, "as_of": None}
    method = risk.Method(
        tuple(risk.dc_replace(i, weight=float(ss.get(_iw_key(i.column), i.weight)))
              for i in base.indicators),
        ss.get(f"{PREFIX}norm", "minmax"), ss.get(f"{PREFIX}agg", "geometric"),
        {d: float(ss.get(_dw_key(d), 1.0)) for d in risk.DIMENSIONS})
    return {"preset": ss[f"{PREFIX}preset"], "method": method,
            "window_days": int(ss.get(f"{PREFIX}window", 90)),
            "unverified_weight": float(ss.get(f"{PREFIX}uw", 0.5)),
            "as_of": ss.get(f"{PREFIX}as_of")}


@st.cache_data(show_spinner=False, max_entries=16)
def _table(token: tuple, as_of: date | None, window_days: int,
           unverified_weight: float) -> pd.DataFrame:
    return indicators.cercle_indicators(ui.engine(), as_of, window_days, unverified_weight)


def table_for(view: dict) -> pd.DataFrame:
    """The indicator table of a view (cached per store content and window)."""
    return _table(ui.store_token(), view["as_of"], view["window_days"],
                  view["unverified_weight"])


def scores_for(view: dict) -> tuple[pd.DataFrame, risk.Scores]:
    """Indicator table and scores of a view (scoring takes a few ms: not cached)."""
    table = table_for(view)
    return table, risk.score(table, view["method"])


def view_query(view: dict, latest: date) -> dict[str, str]:
    q = risk.method_to_query(view["method"], view["preset"], view["window_days"],
                             view["unverified_weight"])
    if view["as_of"] and view["as_of"] != latest:
        q[URL_ASOF] = view["as_of"].isoformat()
    return q


def apply_url(base: risk.Method) -> list[str]:
    """Take the view from the URL when it carries one not applied yet (a shared link), else
    keep the session's; return the names of parameters that were not understood."""
    keys = (*risk.QUERY_KEYS, URL_ASOF)
    given = {k: st.query_params[k] for k in keys if k in st.query_params}
    signature = repr(sorted(given.items()))
    if _initialised() and (not given or st.session_state.get(_APPLIED) == signature):
        return []
    preset, method, window, unverified, ignored = risk.method_from_query(given, base)
    _set_state(preset, method, window, unverified)
    st.session_state[f"{PREFIX}as_of"] = None
    if URL_ASOF in given:
        try:
            st.session_state[f"{PREFIX}as_of"] = date.fromisoformat(given[URL_ASOF])
        except ValueError:
            ignored.append(URL_ASOF)
    st.session_state[_APPLIED] = signature
    return ignored


def write_url(view: dict, latest: date) -> None:
    """Put the view into the URL (only what differs from its preset)."""
    wanted = view_query(view, latest)
    for k in (*risk.QUERY_KEYS, URL_ASOF):
        if k in st.query_params and k not in wanted:
            del st.query_params[k]
    for k, v in wanted.items():
        if st.query_params.get(k) != v:
            st.query_params[k] = v
    st.session_state[_APPLIED] = repr(sorted(wanted.items()))


def indicator_label(column: str, lang: str, factors: pd.DataFrame | None = None) -> str:
    """Label of an indicator column (context factors: their own label)."""
    if column.startswith(context.COLUMN_PREFIX):
        fid = column[len(context.COLUMN_PREFIX):]
        if factors is not None and fid in factors.index:
            return context.label(factors.loc[fid], lang)
        return fid
    return t(f"indicator.{column}", lang)


def sidebar(base: risk.Method, factors: pd.DataFrame) -> dict:
    """The method controls in the sidebar; returns the view they define."""
    lang = ui.current_lang()
    side = st.sidebar
    side.subheader(ui.tr("risk.sidebar.title"))

    def on_preset():
        preset = st.session_state[f"{PREFIX}preset"]
        _set_state(preset, risk.PRESETS[preset].apply(base))

    ui.localized_selectbox(side, ui.tr("risk.preset"), list(risk.PRESETS),
                           key=f"{PREFIX}preset", default=risk.DEFAULT_PRESET,
                           on_change=on_preset, help=ui.tr("risk.preset_help"),
                           format_func=lambda k: t(f"risk.preset.{k}", lang))
    side.caption(ui.tr(f"risk.preset.{st.session_state[f'{PREFIX}preset']}.help"))
    for dim in risk.DIMENSIONS:
        ui.bound_widget(side.slider, ui.tr(f"risk.dim.{dim}"), key=_dw_key(dim), default=1.0,
                        min_value=0.0, max_value=risk.MAX_WEIGHT, step=0.5, format="%.1f")
    ui.localized_selectbox(side, ui.tr("risk.normalisation"), list(risk.NORMALISATIONS),
                           key=f"{PREFIX}norm", default="minmax",
                           format_func=lambda k: t(f"risk.norm.{k}", lang))
    ui.localized_selectbox(side, ui.tr("risk.aggregation"), list(risk.AGGREGATIONS),
                           key=f"{PREFIX}agg", default="geometric",
                           format_func=lambda k: t(f"risk.agg.{k}", lang))
    with side.expander(ui.tr("risk.indicator_weights")):
        for dim in risk.DIMENSIONS:
            st.markdown(f"**{ui.tr(f'risk.dim.{dim}')}**")
            for ind in (i for i in base.indicators if i.dimension == dim):
                ui.bound_widget(st.slider, indicator_label(ind.column, lang, factors),
                                key=_iw_key(ind.column), default=float(ind.weight),
                                min_value=0.0, max_value=risk.MAX_WEIGHT, step=0.5,
                                format="%.1f")
    ui.bound_widget(side.number_input, ui.tr("risk.window"), key=f"{PREFIX}window", default=90,
                    min_value=7, max_value=730, step=15, help=ui.tr("risk.window_help"))
    ui.bound_widget(side.slider, ui.tr("risk.unverified"), key=f"{PREFIX}uw", default=0.5,
                    min_value=0.0, max_value=1.0, step=0.05, help=ui.tr("risk.unverified_help"))

    def on_reset():
        _set_state(risk.DEFAULT_PRESET, risk.PRESETS[risk.DEFAULT_PRESET].apply(base), 90, 0.5)
        st.session_state[f"{PREFIX}as_of"] = None

    side.button(ui.tr("risk.reset"), on_click=on_reset, key=f"{PREFIX}reset",
                icon=":material/restart_alt:")
    return current_view(base)


@st.cache_data(show_spinner=False, max_entries=4)
def backtest(token: tuple, method: risk.Method, window_days: int, horizon_days: int,
             unverified_weight: float) -> pd.DataFrame:
    return robustness.backtest(ui.engine(), None, method, window_days, horizon_days,
                               unverified_weight)
