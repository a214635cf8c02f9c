"""Methodology: a plain summary first (what a score means, how far the forecast can be
trusted on the loaded data, which data), then how the risk score is computed, its presets,
how it fared against what happened next, and the forecast of reports evaluated out of
sample against its baselines (one set of dates and outcomes for both)."""

import pandas as pd
import streamlit as st

import ui
from geo.analysis import backtest, disclosure, forecast, indicators, observation, risk
from geo.ingest.formats import attribution
from geo.records import context, store
from geo.reference import units
from geo.i18n import format_date, format_number, format_significant
from ui import charts
from ui import coverage as ui_cov
from ui import risk as ui_risk

page = ui.begin("methodology", intro=False)
lang = page.lang
engine = page.engine

st.markdown(ui.tr("method.intro"))
base = ui_risk.base_method()
view = ui_risk.current_view(base)


def sig(value, digits: int = 2) -> str:
    """A figure as the page writes it: ∞ for an infinite score, — for none."""
    if value is None or pd.isna(value):
        return "—"
    return "∞" if value == float("inf") else format_significant(value, lang, digits)


def percent(value) -> str:
    return "—" if value is None or pd.isna(value) else format_number(100 * value, lang)


# ------------------------------------------------------------------ in brief
with st.spinner(ui.tr("method.backtest_running")):
    ev_default = ui_risk.forecast_evaluation(ui.store_token(), forecast.DEFAULT_HORIZON)
    bt_default = ui_risk.score_backtest(ui.store_token(), view.method, view.window_days,
                                        forecast.DEFAULT_HORIZON, view.unverified_weight)
st.header(ui.tr("method.summary"))
six = risk.classify(6.0)
bounds = dict(zip(risk.CLASSES, zip((0.0, *risk.CLASS_THRESHOLDS),
                                    (*risk.CLASS_THRESHOLDS, 10.0))))[six]
st.markdown(ui.tr("method.summary_score", cls=ui.tr(f"risk.class.{six}"),
                  lo=sig(bounds[0]), hi=sig(bounds[1])))
head = backtest.headline(ev_default)
if head is None:
    st.info(ui.tr("method.forecast_none"))
else:
    figures = dict(model=sig(head["deviance"], 3), decayed=sig(head["decayed"], 3),
                   pct=percent(abs(head["gain"])), wins=head["wins"], n=head["origins"],
                   worst=sig(head["worst"]), coverage=percent(head["coverage"]),
                   horizon=forecast.DEFAULT_HORIZON)
    if head["beats"] and head["guard_ok"]:
        st.success(ui.tr("method.summary_forecast_beats", **figures))
    else:
        st.warning(ui.tr("method.summary_forecast_loses", **figures))
    if not bt_default.empty:
        means = bt_default[["spearman_score", "spearman_persistence", "top_hits_score",
                            "top_hits_persistence"]].mean()
        st.markdown(ui.tr("method.summary_score_figures",
                          preset=ui.tr(f"risk.preset.{view.preset}"),
                          score=sig(means["spearman_score"]),
                          persistence=sig(means["spearman_persistence"]),
                          forecast=sig(head["spearman"]), hits=sig(means["top_hits_score"]),
                          hits_persistence=sig(means["top_hits_persistence"]),
                          horizon=forecast.DEFAULT_HORIZON))
reports = indicators.counted_reports(ui.records("tensions"))
if store.demo_in_use(engine):
    st.markdown(ui.tr("method.summary_data_demo"))
elif reports is not None and len(reports):
    st.markdown(ui.tr("method.summary_data", n=format_number(len(reports), lang),
                      first=format_date(min(reports["occurred_on"]), lang),
                      last=format_date(max(reports["occurred_on"]), lang),
                      sources=", ".join(sorted(reports["source_type"].dropna().unique()))))
credits = sorted({a for a in map(attribution, reports["source_type"].dropna().unique())
                  if a}) if reports is not None and len(reports) else []
if credits:
    st.caption(ui.tr("method.summary_credits", credits=" · ".join(credits)))

# ------------------------------------------------------------------ the score
factors = context.factors(engine)
st.header(ui.tr("method.indicators"))
st.markdown(ui.tr("method.indicators_text"))
st.table(pd.DataFrame({
    ui.tr("risk.col.indicator"): [ui_risk.indicator_label(i.column, lang, factors)
                                  for i in base.indicators],
    ui.tr("risk.col.dimension"): [ui.tr(f"risk.dim.{i.dimension}") for i in base.indicators],
    ui.tr("method.col.definition"): [ui.tr(f"indicator.{i.column}.def")
                                     if not i.column.startswith(context.COLUMN_PREFIX)
                                     else ui.tr("method.context_def")
                                     for i in base.indicators],
    ui.tr("method.col.polarity"): [ui.tr("method.polarity.plus" if i.polarity > 0
                                         else "method.polarity.minus") for i in base.indicators],
    ui.tr("method.col.transform"): [ui.tr(f"method.transform.{i.transform}")
                                    for i in base.indicators],
    ui.tr("method.col.weight"): [f"{i.weight:g}" for i in base.indicators],
}).set_index(ui.tr("risk.col.indicator")))

st.header(ui.tr("method.steps"))
st.markdown(ui.tr("method.steps_text"))
st.table(pd.DataFrame({
    ui.tr("risk.class"): [ui.tr(f"risk.class.{c}") for c in risk.CLASSES],
    ui.tr("method.col.range"): [
        f"{format_significant(lo, lang, 2)} – {format_significant(hi, lang, 2)}"
        for lo, hi in zip((0.0, *risk.CLASS_THRESHOLDS), (*risk.CLASS_THRESHOLDS, 10.0))],
}).set_index(ui.tr("risk.class")))
st.markdown(ui.tr("method.observation_text",
                  cap=format_number(observation.MAX_WEIGHT, lang),
                  percentile=observation.LAG_PERCENTILE))

st.header(ui.tr("method.presets"))
st.table(pd.DataFrame({
    ui.tr("risk.preset"): [ui.tr(f"risk.preset.{k}") for k in risk.PRESETS],
    ui.tr("method.col.purpose"): [ui.tr(f"risk.preset.{k}.help") for k in risk.PRESETS],
    ui.tr("method.col.dimension_weights"): [
        " · ".join(f"{ui.tr(f'risk.dim.{d}')} {p.dimension_weights[d]:g}" for d in risk.DIMENSIONS)
        for p in risk.PRESETS.values()],
    ui.tr("risk.aggregation"): [ui.tr(f"risk.agg.{p.aggregation}") for p in risk.PRESETS.values()],
}).set_index(ui.tr("risk.preset")))

st.header(ui.tr("method.protection"))
zone_areas = units.zone_points()["area_km2"]
st.markdown(ui.tr("method.protection_text", r=format_number(disclosure.RADIUS_KM, lang),
                  r2=format_number(2 * disclosure.RADIUS_KM, lang),
                  area=format_number(disclosure.MIN_ZONE_AREA_KM2, lang),
                  zones=format_number(len(zone_areas), lang), k=ui_cov.min_count(),
                  low=ui_cov.min_count() - 1,
                  half=format_number(ui_cov.min_count() / 2, lang, 1),
                  bands=" · ".join(disclosure.band_text(b, lang)
                                   for b in disclosure.DISTANCE_BANDS_KM)))

st.header(ui.tr("method.robustness"))
st.markdown(ui.tr("method.robustness_text"))

# ------------------------------------------------------------------ the score, out of sample
st.header(ui.tr("method.backtest"))
st.markdown(ui.tr("method.backtest_text"))
c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
horizon = c1.selectbox(ui.tr("method.horizon"), list(forecast.HORIZONS),
                       index=forecast.HORIZONS.index(forecast.DEFAULT_HORIZON),
                       key="bt_horizon", placeholder=ui.tr("chrome.choose"))
c2.markdown(ui.tr("method.backtest_view", preset=ui.tr(f"risk.preset.{view.preset}"),
                  window=view.window_days))
with st.spinner(ui.tr("method.backtest_running")):
    bt = ui_risk.score_backtest(ui.store_token(), view.method, view.window_days, int(horizon),
                                view.unverified_weight)
if bt.empty:
    st.info(ui.tr("method.backtest_none"))
else:
    means = bt[["spearman_score", "spearman_persistence", "top_hits_score",
                "top_hits_persistence"]].mean()
    wins = int((bt["spearman_score"] > bt["spearman_persistence"]).sum())
    m1, m2, m3 = st.columns(3)
    m1.metric(ui.tr("method.mean_spearman"), sig(means["spearman_score"]),
              delta=sig(means["spearman_score"] - means["spearman_persistence"]),
              help=ui.tr("method.delta_help"))
    m2.metric(ui.tr("method.mean_hits"), sig(means["top_hits_score"]),
              delta=sig(means["top_hits_score"] - means["top_hits_persistence"]),
              help=ui.tr("method.delta_help"))
    m3.metric(ui.tr("method.wins"), f"{wins} / {bt['spearman_score'].notna().sum()}")
    charts.draw(charts.backtest_lines(bt, lang), width="stretch")
    ui.dataframe(bt.assign(as_of=[format_date(d, lang) for d in bt["as_of"]]).round(2).rename(
        columns={
            "as_of": ui.tr("method.col.as_of"),
            "cercles_with_reports": ui.tr("method.col.cercles_with_reports"),
            "spearman_score": ui.tr("method.col.spearman_score"),
            "spearman_persistence": ui.tr("method.col.spearman_persistence"),
            "top_hits_score": ui.tr("method.col.top_hits_score"),
            "top_hits_persistence": ui.tr("method.col.top_hits_persistence")}),
        hide_index=True, width="stretch")
    st.caption(ui.tr("method.backtest_note"))

# ------------------------------------------------------------------ the forecast, out of sample
st.header(ui.tr("method.forecast"))
st.markdown(ui.tr("method.forecast_text"))
fc_horizon = st.columns([1, 3])[0].selectbox(ui.tr("method.horizon"), list(forecast.HORIZONS),
                          index=forecast.HORIZONS.index(forecast.DEFAULT_HORIZON),
                          key="fc_horizon", placeholder=ui.tr("chrome.choose"))
with st.spinner(ui.tr("method.backtest_running")):
    ev = ui_risk.forecast_evaluation(ui.store_token(), int(fc_horizon))
head = backtest.headline(ev)
if head is None:
    st.info(ui.tr("method.forecast_none"))
else:
    first, last = ev["as_of_range"]
    st.caption(ui.tr("method.forecast_range", n=ev["origins"], first=format_date(
        pd.Timestamp(first).date(), lang), last=format_date(pd.Timestamp(last).date(), lang),
        horizon=ev["horizon_days"]))
    used = ev["model"]["used"]
    st.markdown(ui.tr("method.forecast_used", corrected=used.get("anchor+correction", 0),
                      anchor=used.get("anchor", 0), n=ev["origins"]))
    methods = ["model", *backtest.BASELINES]
    s = ev["methods"]
    st.table(pd.DataFrame({
        ui.tr("method.col.method"): [ui.tr(f"method.series.{k}") for k in methods],
        ui.tr("method.col.deviance"): [sig(s[k]["deviance"], 3) for k in methods],
        ui.tr("method.col.log_score"): [sig(s[k]["log_score"], 3) for k in methods],
        ui.tr("method.col.crps"): [sig(s[k]["crps"], 3) for k in methods],
        ui.tr("method.col.auc"): [sig(s[k]["auc_pooled"], 3) for k in methods],
        ui.tr("method.col.spearman_active"): [sig(s[k]["spearman_active"]) for k in methods],
        ui.tr("method.col.top_hits"): [sig(s[k]["top10_hits"]) for k in methods],
        ui.tr("method.col.wins"): ["—" if k == "decayed" else f"{s[k]['wins_vs_decayed']} / "
                                   f"{s[k]['origins_scored']}" for k in methods],
    }).set_index(ui.tr("method.col.method")))
    st.caption(ui.tr("method.baselines_note", floor=sig(ev["floor"])))
    guard = "method.guard_ok" if head["guard_ok"] else "method.guard_broken"
    st.markdown(ui.tr(guard, worst=sig(head["worst"]), limit=sig(backtest.GUARD)))
    charts.draw(charts.forecast_lines(ev, lang), width="stretch")
    charts.draw(charts.calibration_chart(ev, lang))
    model = ev["model"]
    st.caption(ui.tr("method.coverage_note", coverage=percent(model["coverage80"]),
                     nominal=percent(model["nominal_coverage80"]),
                     with_reports=percent(model["coverage80_with_reports"]),
                     without=percent(model["coverage80_without"])))
    st.caption(ui.tr("method.backtest_note"))
