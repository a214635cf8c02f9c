"""Planner (analysts): where the next mediators (maximal covering or p-median over the
communes, the existing mediators fixed at their zones) or workshops (the cercles of largest
need) should go; runs saved as scenarios, reopened by URL (``?scenario=``), compared side by
side, turned into planned actions (geo.plans.planner, geo.plans.scenarios, geo.records.actions)."""

from datetime import date, timedelta

import streamlit as st

import ui
from geo.records import actions
from geo.plans import planner, scenarios
from geo.records.roles import AccessDenied
from geo.i18n import format_date, t
from ui import coverage as ui_cov
from ui import planner as ui_plan
from ui import risk as ui_risk

page = ui.begin("planner")

lang = page.lang
engine = page.engine
ss = st.session_state

communes = ui.communes()
cercles = ui.display_cercles().set_index("cercle_id")
region_names = communes.drop_duplicates("region_id").set_index("region_id")["region_fr"]

# A scenario's URL reopens it (once per new URL value: the user's later runs stay).
wanted = st.query_params.get("scenario")
if wanted and ss.get("plan_source") != wanted:
    found = scenarios.load(engine, int(wanted)) if wanted.isdigit() else None
    if found is None:
        st.warning(ui.tr("planner.scenario_missing", id=wanted))
    else:
        ss["plan_result"], ss["plan_source"] = found.result, wanted
        ss["plan_kind"] = found.kind

kind = st.segmented_control(ui.tr("planner.kind"), ["mediators", "workshops"],
                            key="plan_kind", default="mediators",
                            format_func=lambda k: t(f"planner.kind.{k}", lang)) or "mediators"

if kind == "mediators":
    c1, c2, c3, c4 = st.columns(4)
    new = c1.number_input(ui.tr("planner.new"), 0, 500, 50, step=5, key="plan_new")
    radius = c2.number_input(ui.tr("planner.radius"), 1, planner.MAX_RADIUS_KM, 30, step=5,
                             key="plan_radius")
    model = c3.selectbox(ui.tr("planner.model"), planner.MODELS, key="plan_model",
                         format_func=lambda m: t(f"planner.model.{m}", lang))
    demand = c4.selectbox(ui.tr("planner.demand"), planner.DEMANDS, key="plan_demand",
                          format_func=lambda d: t(f"planner.demand.{d}", lang))
else:
    new = st.number_input(ui.tr("planner.ws.k"), 0, 50, 6, key="plan_k")
c5, c6, c7 = st.columns(3)
regions = c5.multiselect(ui.tr("planner.regions"), list(region_names.index), key="plan_regions",
                         placeholder=ui.tr("planner.all_regions"),
                         format_func=lambda r: region_names[r])
chosen_cercles = c6.multiselect(ui.tr("planner.cercles"), sorted(
    cercles.index, key=lambda c: cercles.at[c, "cercle_fr"]), key="plan_cercles",
    placeholder=ui.tr("planner.all"),
    format_func=lambda c: cercles.at[c, "cercle_fr"])
if kind == "mediators":
    exclude = c7.multiselect(ui.tr("planner.exclude"), list(communes.index), key="plan_exclude",
                             placeholder=ui.tr("planner.none_excluded"),
                             help=ui.tr("planner.exclude_help"),
                             format_func=lambda c: f"{communes.at[c, 'commune_fr']} ("
                             f"{cercles.at[communes.at[c, 'cercle_id'], 'cercle_fr']})")
else:
    exclude = c7.multiselect(ui.tr("planner.exclude_cercles"), list(cercles.index),
                             key="plan_exclude_cercles",
                             placeholder=ui.tr("planner.none_excluded"),
                             format_func=lambda c: cercles.at[c, "cercle_fr"])

if st.button(ui.tr("planner.run"), type="primary", key="plan_run"):
    view = ui_risk.current_view()
    table, scores = ui_risk.scores_for(view)
    context = {"view": {"preset": view.preset, "window_days": view.window_days,
                        "as_of": table.attrs["as_of"].isoformat()}}
    try:
        with st.spinner(ui.tr("planner.running")):
            if kind == "mediators":
                gaps = ui_cov.cercle_table(view)[1]["gap_class"] if demand == "gap" else None
                result = planner.plan(
                    {"mediators": ui.records("mediators")}, int(new), float(radius), model,
                    demand, scores.score, regions or None, as_of=view.as_of,
                    cercles=chosen_cercles or None, exclude=exclude or None, gaps=gaps,
                    isolated=True, context=context)
            else:
                result = planner.plan_workshops(
                    {"workshops": ui.records("workshops")}, int(new), scores.score,
                    table.attrs["as_of"], regions or None, chosen_cercles or None,
                    exclude or None, context=context)
        ss["plan_result"], ss["plan_source"] = result, None
        if "scenario" in st.query_params:
            del st.query_params["scenario"]
    except planner.PlanError as err:
        st.error(ui.tr(f"planner.error.{err.code}", **err.details))

result = ss.get("plan_result")        # the last good result stays on screen
if result is None:
    st.info(ui.tr("planner.none"))
else:
    source = ss.get("plan_source")
    if source:
        saved = scenarios.load(engine, int(source))
        if saved is not None:
            st.info(ui.tr("planner.opened", name=saved.name, by=saved.created_by,
                          at=format_date(saved.created_at, lang, time=True), id=source))
    ui_plan.show(result, "plan")

    with st.container(border=True):
        col_name, col_save = st.columns([3, 1], vertical_alignment="bottom")
        name = col_name.text_input(ui.tr("planner.save_name"), key="plan_name", max_chars=120)
        if col_save.button(ui.tr("planner.save"), key="plan_save"):
            try:
                sid = scenarios.save(engine, name, result, ui.current_user())
            except scenarios.ScenarioError as err:
                st.error(ui.tr(f"planner.scenario_error.{err.code}", **err.details))
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                ss["plan_source"] = st.query_params["scenario"] = str(sid)
                st.success(ui.tr("planner.saved", name=name.strip(), id=sid))
        source = ss.get("plan_source")
        if source and ui.allowed("act"):
            st.markdown(f"**{ui.tr('planner.to_actions')}**")
            a1, a2, a3 = st.columns([1, 1, 1], vertical_alignment="bottom")
            when = a1.date_input(ui.tr("actions.planned_on"), date.today() + timedelta(days=30),
                                 key="plan_act_date", format="DD/MM/YYYY")
            unit = a2.selectbox(ui.tr("actions.unit"), actions.UNITS, key="plan_act_unit",
                                format_func=lambda u: t(f"actions.unit.{u}", lang))
            if a3.button(ui.tr("planner.to_actions_button"), key="plan_to_actions"):
                made = actions.add_many(engine, ui.current_user(), set(cercles.index), [
                    dict(a, planned_on=when, unit=unit, scenario_id=int(source))
                    for a in planner.proposed_actions(result)])
                st.success(ui.tr("planner.to_actions_done", n=made))

ui_plan.saved_scenarios()
