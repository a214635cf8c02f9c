"""Streamlit glue of the analysis value (:class:`geo.analysis.view.Analysis`): the period and the
score's method chosen in one sidebar panel shared by every page that shows a score or a gap,
kept in the session and in every page's URL, and cached computations."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import partial

import pandas as pd
import streamlit as st

import ui
from geo.analysis import backtest, forecast, indicators, risk
from geo.outputs import maps
from geo.records import context
from geo.analysis.table import cercle_indicators
from geo.analysis.view import (MAX_WEIGHT, QUERY_KEYS, Analysis, as_of_range,
                               bounded_as_of)
from geo.i18n import format_date, format_number, t
from ui.data import CACHE_TTL

PREFIX = "risk_"
_APPLIED = "_risk_url_applied"
#: The notice of the link last applied (page, parameters not understood, date outside).
_NOTICE = "_risk_url_notice"
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


@st.cache_data(show_spinner=False, max_entries=4, ttl=CACHE_TTL)
def _bounds(token: tuple) -> tuple[date, date]:
    return as_of_range(ui.store_records())


def as_of_bounds() -> tuple[date, date]:
    """The as-of dates a view may take (:func:`geo.analysis.view.as_of_range`)."""
    return _bounds(ui.store_token())


def current_view(base: risk.Method | None = None) -> Analysis:
    """The analysis value in the session (the default before any was chosen); its as-of
    date within :func:`as_of_bounds`."""
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
                    bounded_as_of(ss.get(f"{PREFIX}as_of"), as_of_bounds()))


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
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


def apply_url(base: risk.Method) -> tuple[list[str], date | None]:
    """Take the view from the URL when it carries one not applied yet (a shared link), else
    keep the session's; return the names of parameters that were not understood, and the
    as-of date asked for when it lay outside :func:`as_of_bounds` (the view takes the
    nearest bound)."""
    given = {k: st.query_params[k] for k in QUERY_KEYS if k in st.query_params}
    signature = repr(sorted(given.items()))
    if _initialised() and (not given or st.session_state.get(_APPLIED) == signature):
        return [], None
    view, ignored = Analysis.from_query(given, base)
    asked = view.as_of
    bounded = bounded_as_of(asked, as_of_bounds())
    _set_state(view.replace(as_of=bounded))
    st.session_state[_APPLIED] = signature
    return ignored, (asked if asked != bounded else None)


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
    ignored, outside = apply_url(base_method())
    if ignored or outside is not None:             # a link just applied: its notice
        st.session_state[_NOTICE] = (url_path, ignored, outside)
    # kept from run to run on the page the link opened (the Overview's first run sends its
    # map alone, then the page), until the user chooses another date or page
    page, ignored, outside = st.session_state.get(_NOTICE, (url_path, [], None))
    first, last = as_of_bounds()
    if page != url_path or (outside is not None and
                            current_view().as_of != bounded_as_of(outside, (first, last))):
        st.session_state.pop(_NOTICE, None)
        return
    if ignored:
        st.warning(ui.tr("risk.url_ignored", params=", ".join(ignored)))
    if outside is not None:
        lang = ui.current_lang()
        st.warning(ui.tr("risk.as_of_outside", asked=format_date(outside, lang),
                         first=format_date(first, lang), last=format_date(last, lang),
                         used=format_date(bounded_as_of(outside, (first, last)), lang)))


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
    first, last = as_of_bounds()
    side.date_input(ui.tr("risk.as_of"), key=f"_w_{PREFIX}as_of", on_change=on_date,
                    min_value=first, max_value=last, format="DD/MM/YYYY",
                    help=ui.tr("risk.as_of_help"))
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
    weights = partial(ui.number_slider, st, lo=0.0, hi=MAX_WEIGHT, step=0.5,
                      text=lambda v: format_number(v, lang, 1))
    for dim in risk.DIMENSIONS:
        ui.bound_widget(weights, ui.tr(f"risk.dim.{dim}"), key=_dw_key(dim), default=1.0)
    ui.localized_selectbox(st, ui.tr("risk.normalisation"), list(risk.NORMALISATIONS),
                           key=f"{PREFIX}norm", default="minmax",
                           format_func=lambda k: t(f"risk.norm.{k}", lang))
    ui.localized_selectbox(st, ui.tr("risk.aggregation"), list(risk.AGGREGATIONS),
                           key=f"{PREFIX}agg", default="geometric",
                           format_func=lambda k: t(f"risk.agg.{k}", lang))
    ui.bound_widget(partial(ui.number_slider, st, lo=0.0, hi=1.0, step=0.05,
                            text=lambda v: format_number(v, lang, 2)),
                    ui.tr("risk.unverified"), key=f"{PREFIX}uw",
                    default=indicators.DEFAULT_UNVERIFIED_WEIGHT,
                    help=ui.tr("risk.unverified_help"))
    st.markdown(f"**{ui.tr('risk.indicator_weights')}**")
    for dim in risk.DIMENSIONS:
        st.caption(ui.tr(f"risk.dim.{dim}"))
        for ind in (i for i in base.indicators if i.dimension == dim):
            ui.bound_widget(weights, ui.md_escape(indicator_label(ind.column, lang, factors)),
                            key=_iw_key(ind.column), default=float(ind.weight))


@st.cache_data(show_spinner=False, max_entries=4, ttl=CACHE_TTL)
def score_backtest(token: tuple, method: risk.Method, window_days: int, horizon_days: int,
                   unverified_weight: float) -> pd.DataFrame:
    """The score's back-test on the forecast evaluation's origins (cached per content)."""
    def ratings_at(t: date) -> pd.DataFrame:
        return context.ratings(ui.engine(), until=datetime.combine(t, time.max, timezone.utc))

    return backtest.backtest(ui.store_records(), ratings_at, None, method, window_days,
                             horizon_days, unverified_weight)


def percent(p: float) -> str:
    """A probability as a whole percentage ("—" for NaN), in the session's language."""
    return "—" if pd.isna(p) else f"{format_number(100 * p, ui.current_lang())} %"


def forecast_box(table: pd.DataFrame, cercle: str) -> None:
    """The forecast of ``cercle`` beside its score: the reports expected in the next 90 days
    with their 80 % interval, the chances of at least one report and of a severe one, its
    rank, which model made it and how (the recent rate, the prior, the correction), and
    whether the network watches the cercle (the provisional weeks are said under the
    map)."""
    expected = table.at[cercle, "forecast_reports"]
    attrs = table.attrs.get("forecast", {})
    if pd.isna(expected):
        st.caption(ui.tr("risk.forecast_none"))
        return
    rank = int((table["forecast_reports"] > expected).sum()) + 1
    st.markdown(ui.tr("risk.forecast_line", n=ui.fmt(expected), horizon=attrs.get("horizon", 90),
                      low=ui.count(table.at[cercle, "forecast_low80"]),
                      high=ui.count(table.at[cercle, "forecast_high80"]),
                      p_any=percent(table.at[cercle, "forecast_p_any"]),
                      p_severe=percent(table.at[cercle, "forecast_p_severe"]),
                      rank=rank, of=int(table["forecast_reports"].notna().sum())))
    why = attrs.get("explain", {}).get(cercle)
    notes = [ui.tr(f"forecast.model.{forecast.model_state(attrs)}",
                   n=attrs.get("training_origins", 0), gate=forecast.GATE_ORIGINS)]
    if why and pd.notna(why.get("anchor")):
        notes.append(ui.tr("risk.forecast_why", recent=ui.fmt(why["recent"]),
                           months=ui.fmt(why["exposure_months"], 1),
                           prior=ui.fmt(why["prior"]), weight=ui.fmt(why["prior_months"], 1),
                           anchor=ui.fmt(why["anchor"]), factor=ui.fmt(why["factor"])))
    st.caption(" ".join(notes))
    if table.at[cercle, "under_observed"]:
        st.warning(ui.tr("risk.under_observed_note"), icon=":material/visibility_off:")


def forecast_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The forecast of every cercle as the Risk page lists it, most expected first: expected
    reports, the 80 % interval, the chances of at least one report and of a severe one (%),
    and whether the network watches the cercle."""
    order = table.sort_values(["forecast_reports", "cercle_fr"], ascending=[False, True],
                              na_position="last")
    interval = [ui.tr("map.no_data") if pd.isna(lo) else f"{ui.count(lo)}–{ui.count(hi)}"
                for lo, hi in zip(order["forecast_low80"], order["forecast_high80"])]
    return pd.DataFrame({
        ui.tr("field.cercle"): order["cercle_fr"], ui.tr("field.region"): order["region_fr"],
        ui.tr("risk.fc.col.expected"): order["forecast_reports"].round(1),
        ui.tr("risk.fc.col.interval"): interval,
        ui.tr("risk.fc.col.p_any"): (100 * order["forecast_p_any"]).round(0),
        ui.tr("risk.fc.col.p_severe"): (100 * order["forecast_p_severe"]).round(0),
        ui.tr("risk.fc.col.observation"): maps.observed_text(order, ui.current_lang())})


def provisional_note(table: pd.DataFrame) -> None:
    """A caption saying the last weeks are provisional (reports about them still come in),
    when the store's reporting lag is known (:mod:`geo.analysis.observation`)."""
    since = table.attrs.get("provisional_since")
    if since:
        st.caption(ui.tr("risk.provisional", since=format_date(since, ui.current_lang()),
                         lag=table.attrs["reporting_lag"]))


@st.cache_data(show_spinner=False, max_entries=4, ttl=CACHE_TTL)
def forecast_evaluation(token: tuple, horizon_days: int) -> dict:
    """The forecast's rolling evaluation on the store's records (cached per content)."""
    return backtest.forecast_evaluation(ui.store_records(), horizon_days)
