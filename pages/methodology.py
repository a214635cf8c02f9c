"""Methodology: how the risk score is computed, its presets, how it fared against what
happened next (back-test against a persistence baseline), and the forecast of reports
evaluated out of sample against the baselines."""

import pandas as pd
import streamlit as st

import ui
from geo.records import context
from geo.analysis import disclosure, forecast, risk
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

st.header(ui.tr("method.backtest"))
st.markdown(ui.tr("method.backtest_text"))
view = ui_risk.current_view(base)
c1, c2, _ = st.columns([1, 1, 2])
horizon = c1.selectbox(ui.tr("method.horizon"), [30, 60, 90, 180], index=2, key="bt_horizon")
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
    m1.metric(ui.tr("method.mean_spearman"), format_significant(means["spearman_score"], lang, 2),
              delta=format_significant(means["spearman_score"] - means["spearman_persistence"],
                                       lang, 2),
              help=ui.tr("method.delta_help"))
    m2.metric(ui.tr("method.mean_hits"), format_significant(means["top_hits_score"], lang, 2),
              delta=format_significant(means["top_hits_score"] - means["top_hits_persistence"],
                                       lang, 2),
              help=ui.tr("method.delta_help"))
    m3.metric(ui.tr("method.wins"), f"{wins} / {bt['spearman_score'].notna().sum()}")
    charts.draw(charts.backtest_lines(bt, lang), width="stretch")
    ui.dataframe(bt.assign(as_of=[format_date(d, lang) for d in bt["as_of"]]).round(2).rename(columns={
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
fc_horizon = st.selectbox(ui.tr("method.horizon"), list(forecast.HORIZONS), index=1,
                          key="fc_horizon")
with st.spinner(ui.tr("method.backtest_running")):
    ev = ui_risk.forecast_evaluation(ui.store_token(), int(fc_horizon))
if not ev["dates"]:
    st.info(ui.tr("method.forecast_none"))
else:
    first, last = ev["as_of_range"]
    st.caption(ui.tr("method.forecast_range", n=ev["dates"], first=format_date(
        pd.Timestamp(first).date(), lang), last=format_date(pd.Timestamp(last).date(), lang),
        horizon=ev["horizon_days"]))
    f, p, d = ev["forecast"], ev["persistence"], ev["decayed"]
    beats = f["spearman"] > p["spearman"] and f["top10_hits"] >= p["top10_hits"]
    if beats:
        st.success(ui.tr("method.forecast_beats", f=format_significant(f["spearman"], lang, 2),
                         p=format_significant(p["spearman"], lang, 2)))
    else:
        st.warning(ui.tr("method.forecast_loses", f=format_significant(f["spearman"], lang, 2),
                         p=format_significant(p["spearman"], lang, 2)))
    rows = [("forecast", f), ("persistence", p), ("decayed", d),
            *((f"score.{k}", v) for k, v in ev["score"].items())]
    st.table(pd.DataFrame({
        ui.tr("method.col.method"): [ui.tr(f"method.series.{k}") if not k.startswith("score.")
                                     else ui.tr("method.series.score_preset",
                                                preset=ui.tr(f"risk.preset.{k[6:]}"))
                                     for k, _ in rows],
        ui.tr("method.col.spearman"): [format_significant(v["spearman"], lang, 2)
                                       for _, v in rows],
        ui.tr("method.col.top_hits"): [format_significant(v["top10_hits"], lang, 2)
                                       for _, v in rows],
        ui.tr("method.col.mae"): ["—" if v["mae"] is None else
                                  format_significant(v["mae"], lang, 2) for _, v in rows],
    }).set_index(ui.tr("method.col.method")))
    charts.draw(charts.forecast_lines(ev, lang), width="stretch")
    st.markdown(f"**{ui.tr('method.calibration')}**")
    cal = pd.DataFrame(ev["calibration"])
    ui.dataframe(pd.DataFrame({
        ui.tr("method.col.decile"): cal["decile"].astype(str),
        ui.tr("method.col.predicted"): [format_significant(v, lang, 2) for v in cal["predicted"]],
        ui.tr("method.col.observed"): [format_significant(v, lang, 2) for v in cal["observed"]],
    }), hide_index=True, width="stretch")
    st.caption(ui.tr("method.backtest_note"))
