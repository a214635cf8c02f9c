"""Streamlit glue of the analysis value (:class:`geo.analysis.view.Analysis`): the period and the
score's method chosen in one sidebar panel shared by every page that shows a score or a gap,
kept in the session and in every page's URL, and cached computations."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import numpy as np
import pandas as pd
import streamlit as st

import ui
from geo.analysis import backtest, forecast, indicators, risk
from geo.records import context
from geo.analysis.table import cercle_indicators
from geo.analysis.view import MAX_WEIGHT, QUERY_KEYS, Analysis
from geo.i18n import t

PREFIX = "risk_"
_APPLIED = "_risk_url_applied"
#: The pages that show a score or a gap: they share the sidebar panel and the URL's view.
ANALYSIS_PAGES = ("", "overview", "risk", "coverage", "monitor", "methodology")   # "": the home page


def base_method() -> risk.Method:
    """Default method with the store's context factors (they do not depend on the date)."""
    return risk.method_for(ui.cercle_indicators())


def _dw_key(dim: str) -> str:
    return f"{PREFIX}dw_{dim}"


def _iw_key(column: str) -> str:
    return f"{PREFIX}iw_{column}"


def _set_state(view: Analysis) -> None:
    ss = st.session_state
    ss[f"{PREFIX}preset"] = view.preset
    for dim in risk.DIMENSIONS:
        ss[_dw_key(dim)] = float(view.method.dimension_weights.get(dim, 1.0))
    for ind in view.method.indicators:
        ss[_iw_key(ind.column)] = float(ind.weight)
    ss[f"{PREFIX}norm"] = view.method.normalisation
    ss[f"{PREFIX}agg"] = view.method.aggregation
    ss[f"{PREFIX}window"] = view.window_days
    ss[f"{PREFIX}uw"] = view.unverified_weight
    ss[f"{PREFIX}as_of"] = view.as_of


def _initialised() -> bool:
    return f"{PREFIX}preset" in st.session_state


def current_view(base: risk.Method | None = None) -> Analysis:
    """The analysis value in the session (the default before any was chosen)."""
    base = base or base_method()
    ss = st.session_state
    if not _initialised():
        return Analysis.default(base)
    method = risk.Method(
        tuple(risk.dc_replace(i, weight=float(ss.get(_iw_key(i.column), i.weight)))
              for i in base.indicators),
        ss.get(f"{PREFIX}norm", "minmax"), ss.get(f"{PREFIX}agg", "geometric"),
        {d: float(ss.get(_dw_key(d), 1.0)) for d in risk.DIMENSIONS})
    return Analysis(ss[f"{PREFIX}preset"], method,
                    int(ss.get(f"{PREFIX}window", indicators.DEFAULT_WINDOW_DAYS)),
                    float(ss.get(f"{PREFIX}uw", indicators.DEFAULT_UNVERIFIED_WEIGHT)),
                    ss.get(f"{PREFIX}as_of"))


@st.cache_data(show_spinner=False, max_entries=16)
def _table(token: tuple, as_of: date | None, window_days: int,
           unverified_weight: float) -> pd.DataFrame:
    return cercle_indicators(ui.store_records(), ui.context_ratings(), as_of, window_days,
                             unverified_weight, ui.settings().min_count)


def table_for(view: Analysis) -> pd.DataFrame:
    """The indicator table of a view (cached per store content and window)."""
    return _table(ui.store_token(), view.as_of, view.window_days, view.unverified_weight)


def scores_for(view: Analysis) -> tuple[pd.DataFrame, risk.Scores]:
    """Indicator table and scores of a view (scoring takes a few ms: not cached)."""
    table = table_for(view)
    return table, risk.score(table, view.method)


def apply_url(base: risk.Method) -> list[str]:
    """Take the view from the URL when it carries one not applied yet (a shared link), else
    keep the session's; return the names of parameters that were not understood."""
    given = {k: st.query_params[k] for k in QUERY_KEYS if k in st.query_params}
    signature = repr(sorted(given.items()))
    if _initialised() and (not given or st.session_state.get(_APPLIED) == signature):
        return []
    view, ignored = Analysis.from_query(given, base)
    _set_state(view)
    st.session_state[_APPLIED] = signature
    return ignored


def write_url(view: Analysis, latest: date) -> None:
    """Put the view into the URL (only what differs from its preset and the defaults)."""
    wanted = view.to_query(latest)
    for k in QUERY_KEYS:
        if k in st.query_params and k not in wanted:
            del st.query_params[k]
    for k, v in wanted.items():
        if st.query_params.get(k) != v:
            st.query_params[k] = v
    st.session_state[_APPLIED] = repr(sorted(wanted.items()))


def apply_view(url_path: str) -> None:
    """Before an analysis page runs: the view of the URL into the session (a shared link),
    with a warning naming what was not understood; nothing on the other pages."""
    if url_path not in ANALYSIS_PAGES:
        return
    ignored = apply_url(base_method())
    if ignored:
        st.warning(ui.tr("risk.url_ignored", params=", ".join(ignored)))


def panel(url_path: str, slot) -> None:
    """The shared period and method panel of the analysis pages, drawn in ``slot`` (in the
    sidebar), and the view written to the URL; nothing on the other pages. Drawn after the
    page (whose map goes to the browser first): the page reads the view from the session,
    which the panel's widgets keep (:func:`apply_view` sets it from the URL before)."""
    if url_path not in ANALYSIS_PAGES:
        return
    base = base_method()
    view = sidebar(base, context.factors(ui.engine()), slot)
    write_url(view, ui.cercle_indicators().attrs["as_of"])


indicator_label = context.indicator_label


def sidebar(base: risk.Method, factors: pd.DataFrame, side) -> dict:
    """The method controls, in ``side`` (a sidebar container); returns the view they
    define."""
    lang = ui.current_lang()
    side.subheader(ui.tr("risk.sidebar.title"))

    def on_preset():
        preset = st.session_state[f"{PREFIX}preset"]
        now = current_view(base)
        _set_state(now.replace(preset=preset, method=risk.PRESETS[preset].apply(base)))

    ui.localized_selectbox(side, ui.tr("risk.preset"), list(risk.PRESETS),
                           key=f"{PREFIX}preset", default=risk.DEFAULT_PRESET,
                           on_change=on_preset, help=ui.tr("risk.preset_help"),
                           format_func=lambda k: t(f"risk.preset.{k}", lang))
    side.caption(ui.tr(f"risk.preset.{st.session_state[f'{PREFIX}preset']}.help"))
    latest = ui.cercle_indicators().attrs["as_of"]

    def on_date():
        picked = st.session_state[f"_w_{PREFIX}as_of"]
        st.session_state[f"{PREFIX}as_of"] = None if picked in (None, latest) else picked

    st.session_state[f"_w_{PREFIX}as_of"] = st.session_state.get(f"{PREFIX}as_of") or latest
    side.date_input(ui.tr("risk.as_of"), key=f"_w_{PREFIX}as_of", on_change=on_date,
                    min_value=date(1989, 1, 1), max_value=max(latest, date.today()),
                    format="DD/MM/YYYY", help=ui.tr("risk.as_of_help"))
    ui.bound_widget(side.number_input, ui.tr("risk.window"), key=f"{PREFIX}window",
                    default=indicators.DEFAULT_WINDOW_DAYS,
                    min_value=indicators.WINDOW_DAYS_RANGE[0],
                    max_value=indicators.WINDOW_DAYS_RANGE[1], step=15,
                    help=ui.tr("risk.window_help"))

    # The method's ~25 controls are drawn only while their expander is open: drawn closed,
    # they took the browser ~1 s of every page load, before the page's map (issue 18).
    # Their values live in the session (bound widgets), drawn or not.
    method = side.expander(ui.tr("risk.method_controls"), key=f"{PREFIX}method_open",
                           on_change="rerun")
    if method.open:
        with method:
            _method_controls(base, factors, lang)

    def on_reset():
        _set_state(Analysis.default(base))

    side.button(ui.tr("risk.reset"), on_click=on_reset, key=f"{PREFIX}reset",
                icon=":material/restart_alt:")
    return current_view(base)


def _method_controls(base: risk.Method, factors: pd.DataFrame, lang: str) -> None:
    """The weights of the dimensions and of each indicator, the normalisation, the
    aggregation and the weight of unverified reports."""
    for dim in risk.DIMENSIONS:
        ui.bound_widget(st.slider, ui.tr(f"risk.dim.{dim}"), key=_dw_key(dim), default=1.0,
                        min_value=0.0, max_value=MAX_WEIGHT, step=0.5, format="%.1f")
    ui.localized_selectbox(st, ui.tr("risk.normalisation"), list(risk.NORMALISATIONS),
                           key=f"{PREFIX}norm", default="minmax",
                           format_func=lambda k: t(f"risk.norm.{k}", lang))
    ui.localized_selectbox(st, ui.tr("risk.aggregation"), list(risk.AGGREGATIONS),
                           key=f"{PREFIX}agg", default="geometric",
                           format_func=lambda k: t(f"risk.agg.{k}", lang))
    ui.bound_widget(st.slider, ui.tr("risk.unverified"), key=f"{PREFIX}uw",
                    default=indicators.DEFAULT_UNVERIFIED_WEIGHT, min_value=0.0, max_value=1.0,
                    step=0.05, help=ui.tr("risk.unverified_help"))
    st.markdown(f"**{ui.tr('risk.indicator_weights')}**")
    for dim in risk.DIMENSIONS:
        st.caption(ui.tr(f"risk.dim.{dim}"))
        for ind in (i for i in base.indicators if i.dimension == dim):
            ui.bound_widget(st.slider, indicator_label(ind.column, lang, factors),
                            key=_iw_key(ind.column), default=float(ind.weight),
                            min_value=0.0, max_value=MAX_WEIGHT, step=0.5,
                            format="%.1f")


@st.cache_data(show_spinner=False, max_entries=4)
def score_backtest(token: tuple, method: risk.Method, window_days: int, horizon_days: int,
             unverified_weight: float) -> pd.DataFrame:
    def ratings_at(t: date) -> pd.DataFrame:
        return context.ratings(ui.engine(), until=datetime.combine(t, time.max, timezone.utc))

    return backtest.backtest(ui.store_records(), ratings_at, None, method, window_days,
                             horizon_days, unverified_weight)


def forecast_box(table: pd.DataFrame, cercle: str) -> None:
    """The forecast of ``cercle`` beside its score: reports expected in the next 90 days,
    the chance of a severe one, its rank, and what pushed it up or down (GLM factors)."""
    expected = table.at[cercle, "forecast_reports"]
    if pd.isna(expected):
        st.caption(ui.tr("risk.forecast_none"))
        return
    attrs = table.attrs.get("forecast", {})
    rank = int((table["forecast_reports"] > expected).sum()) + 1
    p_severe = table.at[cercle, "forecast_p_severe"]
    st.markdown(ui.tr("risk.forecast_line", n=ui.fmt(expected), horizon=attrs.get("horizon", 90),
                      p="—" if pd.isna(p_severe) else f"{ui.fmt(100 * p_severe)} %",
                      rank=rank, of=int(table["forecast_reports"].notna().sum())))
    factors = forecast.contributions(attrs.get("fit"), attrs["features"].loc[cercle]) \
        if "features" in attrs else pd.Series(dtype=float)
    if len(factors):
        strongest = factors[(np.log(factors).abs() > 0.05)]
        up = strongest[strongest > 1].sort_values(ascending=False).head(3)
        down = strongest[strongest < 1].sort_values().head(2)
        text = lambda s: ", ".join(  # noqa: E731
            f"{ui.tr(f'forecast.feature.{k}')} ×{ui.fmt(v)}" for k, v in s.items()) or "—"
        st.caption(ui.tr("risk.forecast_factors", up=text(up), down=text(down)))


@st.cache_data(show_spinner=False, max_entries=4)
def forecast_evaluation(token: tuple, horizon_days: int) -> dict:
    """The forecast's rolling evaluation on the store's records (cached per content)."""
    return backtest.evaluate(ui.store_records(), horizon_days)
