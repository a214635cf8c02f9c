"""Risk: composite risk score per cercle — map by class, explanation, ranking, sensitivity,
downloads, and the expert-rated context factors."""

import pandas as pd
import streamlit as st

import ui
from geo.records import context, store
from geo.outputs import export, maps
from geo.analysis import forecast, risk, robustness
from geo.records.roles import AccessDenied
from geo.i18n import format_date, format_number, t
from ui import charts, map_cache
from ui import risk as ui_risk

page = ui.begin("risk", intro=False)
user = page.user

MAP_KEY = "risk_map"
SEL_KEY = "risk_cercle"
lang = page.lang
engine = page.engine

base = ui_risk.base_method()
factors = context.factors(engine)
# the period and method are chosen in the shared sidebar panel (ui.risk.panel)
view = ui_risk.current_view(base)
latest = ui.cercle_indicators().attrs["as_of"]
col_select, _ = st.columns([2, 1], vertical_alignment="bottom")

table, scores = ui_risk.scores_for(view)
as_of = table.attrs["as_of"]
ui.follow_selection(SEL_KEY, MAP_KEY, set(table.index))
selected = ui.cercle_selectbox(col_select, table, SEL_KEY)
m = view.method
st.caption(ui.tr("risk.intro", as_of=format_date(as_of, lang), window=view.window_days,
                 preset=ui.tr(f"risk.preset.{view.preset}"),
                 norm=ui.tr(f"risk.norm.{m.normalisation}"),
                 agg=ui.tr(f"risk.agg.{m.aggregation}")))

# ------------------------------------------------------------------ map + explanation
units_gdf = ui.display_cercles()[["geometry"]].join(table.assign(risk_score=scores.score))
fmap = map_cache.prepared(
    lambda: maps.choropleth_map(units_gdf, "risk_score", lang, ui.display_regions(),
                                assets=ui.map_assets(), legend_inside=False),
    "risk", units_gdf, lang, ui.map_assets())
ex = risk.explain(table, m, scores, selected) if selected else None


def _explanation():
    st.subheader(ui.tr("risk.explain"))
    if not selected:
        st.info(ui.tr("risk.pick_hint"))
    else:
        value = scores.score[selected]
        cls = scores.risk_class[selected]
        st.markdown(f"### {ui.md_escape(table.at[selected, 'cercle_fr'])}")
        c1, c2, c3 = st.columns(3)
        c1.metric(ui.tr("risk.score"), ui.fmt(value),
                  help=ui.tr(f"risk.class.{cls}") if cls else None)
        c2.metric(ui.tr("risk.rank"), "—" if pd.isna(scores.rank[selected])
                  else f"{int(scores.rank[selected])} / {int(scores.score.notna().sum())}")
        c3.metric(ui.tr("risk.completeness"),
                  f"{format_number(100 * scores.completeness[selected], lang)} %")
        st.markdown(ui.tr("risk.class_line", cls=ui.tr(f"risk.class.{cls}") if cls
                          else ui.tr("map.no_data")))
        ui_risk.forecast_box(table, selected)
        dims = pd.DataFrame({
            ui.tr("risk.col.dimension"): [ui.tr(f"risk.dim.{d}") for d in scores.dimensions],
            ui.tr("risk.col.value"): [ui.fmt(scores.dimensions.at[selected, d])
                                      for d in scores.dimensions],
            ui.tr("risk.col.median"): [ui.fmt(scores.dimensions[d].median())
                                       for d in scores.dimensions]})
        ui.dataframe(dims, hide_index=True, width="stretch")
        charts.draw(charts.contribution_bars(ex, lang), width="stretch")


ui.map_with_details(fmap, MAP_KEY, units_gdf, selected, _explanation, ratio=(3, 2), height=540,
                    under_map=lambda: ui_risk.provisional_note(table))

# The indicator breakdown gets the page's full width (eight columns).
if selected:
    st.markdown(f"#### {ui.tr('risk.breakdown', cercle=table.at[selected, 'cercle_fr'])}")
    shown = pd.DataFrame({
        ui.tr("risk.col.dimension"): [ui.tr(f"risk.dim.{d}") for d in ex["dimension"]],
        ui.tr("risk.col.indicator"): [ui_risk.indicator_label(c, lang, factors)
                                      for c in ex["column"]],
        ui.tr("risk.col.raw"): [ui.tr("disclosure.hidden") if h else ui.fmt(v, 3)
                                for v, h in zip(ex["raw"], ex["hidden"])],
        ui.tr("risk.col.raw_median"): [ui.fmt(v, 3) for v in ex["raw_median"]],
        ui.tr("risk.col.normalised"): ex["normalised"].round(1),
        ui.tr("risk.col.normalised_median"): ex["normalised_median"].round(1),
        ui.tr("risk.col.contribution"): ex["contribution"].round(2),
        ui.tr("risk.col.contribution_median"): ex["contribution_median"].round(2)})
    ui.dataframe(shown, hide_index=True, width="stretch", height=36 + 35 * len(shown),
                 column_config={ui.tr("risk.col.normalised"): st.column_config.ProgressColumn(
                     min_value=0, max_value=10, format="%.1f")})
    st.caption(ui.tr("risk.explain_note"))

def _refused(err: context.RatingError) -> None:
    st.error("\n".join(f"- {ui.tr_text('risk.ctx.problem.' + code, **details)}"
                       for code, details in err.problems))


# ------------------------------------------------------------------ sections
SECTIONS = ["ranking", "forecast", "sensitivity", "context"]
section = st.segmented_control(ui.tr("risk.section"), SECTIONS, key="risk_section",
                               default="ranking",
                               format_func=lambda k: t(f"risk.section.{k}", lang))

if section in (None, "ranking"):
    ranked = export.risk_frame(table, scores, view)
    shown = ranked[["rank", "cercle_fr", "region_fr", "score", "class", *scores.dimensions,
                    "completeness"]].copy()
    shown["class"] = [ui.tr(f"risk.class.{c}") if c else ui.tr("map.no_data")
                      for c in shown["class"]]
    shown["completeness"] = (100 * shown["completeness"]).round(0)
    ui.dataframe(shown.rename(columns={
        "rank": ui.tr("risk.rank"), "cercle_fr": ui.tr("field.cercle"),
        "region_fr": ui.tr("field.region"), "score": ui.tr("risk.score"),
        "class": ui.tr("risk.class"), "completeness": ui.tr("risk.completeness_pct"),
        **{d: ui.tr(f"risk.dim.{d}") for d in scores.dimensions}}),
        hide_index=True, width="stretch", height=420)
    stamp = as_of.isoformat()
    col_csv, col_geo, _ = st.columns([1, 1, 3])
    # the files are made when asked for (a callable), not on every run
    col_csv.download_button(ui.tr("risk.download_csv"), lambda: export.to_csv(ranked, lang=lang),
                            file_name=f"veille-risque-{stamp}.csv", mime="text/csv")
    col_geo.download_button(ui.tr("risk.download_geojson"), lambda: export.risk_geojson(ranked, view),
        file_name=f"veille-risque-{stamp}.geojson",
        mime="application/geo+json")
    st.caption(ui.tr("risk.download_note"))

elif section == "forecast":
    st.markdown(ui.tr("risk.fc.intro", horizon=table.attrs["forecast"].get("horizon", 90)))
    shown = ui_risk.forecast_frame(table)
    ui.dataframe(shown, hide_index=True, width="stretch", height=420,
                 column_config={ui.tr("risk.fc.col.p_any"): st.column_config.ProgressColumn(
                     min_value=0, max_value=100, format="%d %%"),
                     ui.tr("risk.fc.col.p_severe"): st.column_config.ProgressColumn(
                         min_value=0, max_value=100, format="%d %%")})
    state = forecast.model_state(table.attrs["forecast"])
    st.caption(ui.tr(f"forecast.model.{state}", n=table.attrs["forecast"].get(
        "training_origins", 0), gate=forecast.GATE_ORIGINS) if state
        else ui.tr("risk.forecast_none"))
    st.caption(ui.tr("risk.fc.note"))

elif section == "sensitivity":
    st.markdown(ui.tr("risk.sens.intro"))
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    draws = c1.number_input(ui.tr("risk.sens.draws"), 1000, 20000, 1000, step=500,
                            key="sens_draws")
    seed = c2.number_input(ui.tr("risk.sens.seed"), 0, 2**31 - 1, robustness.DEFAULT_SEED,
                           key="sens_seed")
    spread = ui.number_slider(c3, ui.tr("risk.sens.spread"), lo=0.1, hi=0.9, step=0.1,
                              key="sens_spread", value=0.5,
                              text=lambda v: format_number(v, lang, 1))
    signature = (repr(view.to_query(latest)), str(as_of), ui.store_token(),
                 int(draws), int(seed), float(spread))
    if c4.button(ui.tr("risk.sens.run"), type="primary", key="sens_run"):
        bar = st.progress(0.0, text=ui.tr("risk.sens.progress", done=0, total=int(draws)))
        result = robustness.sensitivity(
            table, m, int(draws), int(seed), float(spread),
            progress=lambda done, total: bar.progress(
                done / total, text=t("risk.sens.progress", lang, done=done, total=total)))
        bar.empty()
        st.session_state["sens_result"] = (signature, result.summary(), result.stable_top())
    stored = st.session_state.get("sens_result")
    if not stored:
        st.info(ui.tr("risk.sens.none"))
    elif stored[0] != signature:
        st.info(ui.tr("risk.sens.stale"))
    else:
        _, summary, stable = stored
        names = table["cercle_fr"]
        st.markdown(ui.tr("risk.sens.stable", n=len(stable)) + " "
                    + (ui.md_escape(", ".join(names[c] for c in stable)) or "—"))
        charts.draw(charts.rank_intervals(summary, names, stable, lang), width="stretch")
        st.caption(ui.tr("risk.sens.chart_note", draws=int(draws), seed=int(seed),
                         spread=int(spread * 100)))

else:
    st.markdown(ui.tr("risk.ctx.intro"))
    ratings = context.ratings(engine)
    names = table["cercle_fr"]
    grid = ratings.copy()
    grid.insert(0, "region_fr", table["region_fr"].reindex(grid.index))
    grid.insert(0, "cercle_fr", names.reindex(grid.index))
    may_rate = ui.allowed("rate")
    edited = st.data_editor(
        grid, key="ctx_editor", height=420, width="stretch", hide_index=True,
        placeholder=ui.tr("risk.ctx.unrated"),
        disabled=True if not may_rate else ["cercle_fr", "region_fr"],
        column_config={
            "cercle_fr": ui.tr("field.cercle"), "region_fr": ui.tr("field.region"),
            **{f: st.column_config.NumberColumn(
                context.label(factors.loc[f], lang), min_value=0.0, max_value=10.0, step=0.5,
                format="%.1f", help=ui.md_escape(context.description(factors.loc[f], lang) or "")
                or None)
               for f in factors.index}})
    if not may_rate:
        st.caption(ui.tr("risk.ctx.read_only"))
        ui.end_page()
    col_note, col_save = st.columns([3, 1], vertical_alignment="bottom")
    note = col_note.text_input(ui.tr("risk.ctx.note"), key="ctx_note")
    st.caption(ui.tr("risk.ctx.by", user=ui.md_escape(user.label)))
    changes = context.changes(ratings, edited)
    # The store's version token covers ratings and factors: cached tables refresh by themselves.
    if col_save.button(ui.tr("risk.ctx.save", n=len(changes)), type="primary",
                       disabled=not changes, key="ctx_save"):
        try:
            context.rate(engine, changes, user, note)
        except context.RatingError as err:
            _refused(err)
        except AccessDenied as denied:
            ui.refused(denied)
        else:
            st.session_state.pop("ctx_editor", None)
            st.session_state["ctx_done"] = ui.tr("risk.ctx.saved")
            st.rerun()

    with st.expander(ui.tr("risk.ctx.add")):
        token = ui.once("ctx_add")
        with st.form(f"ctx_add_{token}", clear_on_submit=False):
            fr = st.text_input(ui.tr("risk.ctx.label_fr"))
            en = st.text_input(ui.tr("risk.ctx.label_en"))
            dfr = st.text_area(ui.tr("risk.ctx.desc_fr"), height=68)
            den = st.text_area(ui.tr("risk.ctx.desc_en"), height=68)
            if st.form_submit_button(ui.tr("risk.ctx.add_button")):
                try:
                    context.add_factor(engine, fr, en, user, dfr, den, once=token)
                except context.RatingError as err:
                    _refused(err)
                except AccessDenied as denied:
                    ui.refused(denied)
                except store.AlreadyStored:     # the same submit again: stored already
                    ui.stored("ctx_add")
                else:
                    ui.stored("ctx_add")
                    st.session_state["ctx_done"] = ui.tr("risk.ctx.added", factor=ui.md_escape(fr.strip()))
                    st.rerun()
    if done := st.session_state.pop("ctx_done", None):
        st.success(done)

    hist = context.history(engine, limit=300)
    with st.expander(ui.tr("risk.ctx.history", n=len(hist))):
        if not hist.empty:
            labels = {f: context.label(factors.loc[f], lang) for f in factors.index}
            ui.dataframe(pd.DataFrame({
                ui.tr("risk.ctx.when"): [format_date(v, lang, time=True) for v in hist["rated_at"]],
                ui.tr("risk.ctx.who"): hist["rated_by"],
                ui.tr("risk.ctx.factor"): hist["factor_id"].map(labels),
                ui.tr("field.cercle"): hist["cercle_id"].map(names),
                ui.tr("risk.col.value"): hist["value"],
                ui.tr("risk.ctx.note"): hist["note"]}), hide_index=True, width="stretch")
