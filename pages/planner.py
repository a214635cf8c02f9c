"""Planner (analysts): where the next mediators should go — maximal covering or p-median over
the communes, the existing mediators fixed at their zones (geo.planner). In progress: the
map, scenarios and the action register are still to come (issue 15)."""

import pandas as pd
import streamlit as st

import ui
from geo import export, planner
from geo.i18n import t
from ui import charts
from ui import risk as ui_risk

ui.leave_legacy_pages_mode()
ui.require("scenario")

lang = ui.current_lang()
st.title(ui.tr("planner.title"))
st.caption(ui.tr("planner.intro"))

communes = ui.communes()
c1, c2, c3, c4 = st.columns(4)
new = c1.number_input(ui.tr("planner.new"), 0, 500, 50, step=5, key="plan_new")
radius = c2.number_input(ui.tr("planner.radius"), 1, planner.MAX_RADIUS_KM, 30, step=5,
                         key="plan_radius")
model = c3.selectbox(ui.tr("planner.model"), planner.MODELS, key="plan_model",
                     format_func=lambda m: t(f"planner.model.{m}", lang))
demand = c4.selectbox(ui.tr("planner.demand"), planner.DEMANDS, key="plan_demand",
                      format_func=lambda d: t(f"planner.demand.{d}", lang))
regions = st.multiselect(ui.tr("planner.regions"), sorted(communes["region_id"].unique()),
                         key="plan_regions", placeholder=ui.tr("planner.all_regions"),
                         format_func=lambda r: communes.loc[communes["region_id"] == r,
                                                            "region_fr"].iloc[0])

if st.button(ui.tr("planner.run"), type="primary", key="plan_run"):
    view = ui_risk.current_view()
    _, scores = ui_risk.scores_for(view)
    try:
        with st.spinner(ui.tr("planner.running")):
            st.session_state["plan_result"] = planner.plan(
                {"mediators": ui.records("mediators")}, int(new), float(radius), model, demand,
                scores.score, regions or None, as_of=view.as_of)
    except planner.PlanError as err:
        st.error(ui.tr(f"planner.error.{err.code}", **err.details))

result = st.session_state.get("plan_result")        # the last good result stays on screen
if result is None:
    st.info(ui.tr("planner.none"))
else:
    total = result.population
    m1, m2, m3 = st.columns(3)
    m1.metric(ui.tr("planner.before"), f"{ui.count(result.covered_before)} "
              f"({ui.fmt(100 * result.covered_before / total)} %)")
    m2.metric(ui.tr("planner.after"), f"{ui.count(result.covered_after)} "
              f"({ui.fmt(100 * result.covered_after / total)} %)")
    m3.metric(ui.tr("planner.status"), f"{ui.tr('planner.solver.' + result.solver_status)} · "
              f"{ui.fmt(result.seconds)} s")
    sites = result.sites.join(communes[["commune_fr", "cercle_fr", "region_fr"]],
                              on="commune_id")
    curve = pd.DataFrame({"n": range(0, len(sites) + 1), "covered": [result.covered_before]
                          + list(result.covered_before
                                 + sites["covered_population_gain"].cumsum())})
    st.markdown(f"**{ui.tr('planner.curve')}**")
    st.altair_chart(charts.coverage_curve(curve, lang), width="stretch")
    shown = sites[["commune_fr", "cercle_fr", "region_fr", "commune_id", "cercle_id",
                   "covered_population_gain"]].rename(columns={
        "commune_fr": ui.tr("field.commune"), "cercle_fr": ui.tr("field.cercle"),
        "region_fr": ui.tr("field.region"), "commune_id": ui.tr("planner.col.commune_id"),
        "cercle_id": ui.tr("planner.col.cercle_id"),
        "covered_population_gain": ui.tr("planner.col.gain")})
    ui.dataframe(shown.round(0), hide_index=True, width="stretch")
    st.download_button(ui.tr("planner.download"), export.to_csv(sites.assign(
        model=result.model, new=result.new, radius_km=result.radius_km, demand=result.demand)),
        file_name="veille-planification.csv", mime="text/csv")
