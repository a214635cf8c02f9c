"""Planner (analysts): one plan for the next mediators (maximal covering or p-median over the
communes, the existing mediators fixed at their zones) and workshops (the cercles of largest
need), either or both; saved as one scenario, reopened by URL (``?scenario=``), compared
side by side, turned into planned actions once (geo.plans.planner, geo.plans.scenarios,
geo.records.actions; the state rules: ui.planner)."""

import streamlit as st

import ui
from geo.i18n import format_date, t
from geo.plans import planner, scenarios
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

for key, default in ui_plan.DEFAULTS.items():
    ss.setdefault(key, default)
ui_plan.open_from_url(engine)          # before the widgets: a scenario's inputs fill them
ui_plan.keep_valid({"plan_model": planner.MODELS, "plan_demand": planner.DEMANDS,
                    "plan_regions": region_names.index, "plan_cercles": cercles.index,
                    "plan_exclude": communes.index, "plan_exclude_cercles": cercles.index})

st.markdown(f"**{ui.tr('planner.kind.mediators')}**")
c1, c2, c3, c4 = st.columns([1, 1, 1.6, 1.6])
new = c1.number_input(ui.tr("planner.new"), 0, planner.MAX_NEW, step=5, key="plan_new",
                      help=ui.tr("planner.new_help"))
radius = c2.number_input(ui.tr("planner.radius"), 1, planner.MAX_RADIUS_KM, step=5,
                         key="plan_radius")
model = c3.selectbox(ui.tr("planner.model"), planner.MODELS, key="plan_model",
                     format_func=lambda m: t(f"planner.model.{m}", lang),
                     placeholder=ui.tr("chrome.choose"))
demand = c4.selectbox(ui.tr("planner.demand"), planner.DEMANDS, key="plan_demand",
                      format_func=lambda d: t(f"planner.demand.{d}", lang),
                      placeholder=ui.tr("chrome.choose"))
st.markdown(f"**{ui.tr('planner.kind.workshops')}**")
w1, _ = st.columns([1, 3])
k = w1.number_input(ui.tr("planner.ws.k"), 0, planner.MAX_WORKSHOPS, key="plan_k",
                    help=ui.tr("planner.ws.k_help"))
st.markdown(f"**{ui.tr('planner.where')}**")
c5, c6 = st.columns(2)
c7, c8 = st.columns(2)
# the pickers' labels, made once per run (not one table look-up per option and run)
cercle_names = cercles["cercle_fr"].to_dict()
commune_labels = {c: f"{name} ({cercle_names[cid]})" for c, name, cid
                  in zip(communes.index, communes["commune_fr"], communes["cercle_id"])}
regions = c5.multiselect(ui.tr("planner.regions"), list(region_names.index), key="plan_regions",
                         placeholder=ui.tr("planner.all_regions"),
                         format_func=lambda r: region_names[r], select_all=False)
chosen_cercles = c6.multiselect(ui.tr("planner.cercles"), sorted(
    cercles.index, key=cercle_names.get), key="plan_cercles",
    placeholder=ui.tr("planner.all"), format_func=cercle_names.__getitem__,
    select_all=False)
exclude = c7.multiselect(ui.tr("planner.exclude"), list(communes.index), key="plan_exclude",
                         placeholder=ui.tr("planner.none_excluded"),
                         help=ui.tr("planner.exclude_help"),
                         format_func=commune_labels.__getitem__, select_all=False)
exclude_cercles = c8.multiselect(ui.tr("planner.exclude_cercles"), list(cercles.index),
                                 key="plan_exclude_cercles",
                                 placeholder=ui.tr("planner.none_excluded"),
                                 format_func=cercle_names.__getitem__, select_all=False)

run = st.button(ui.tr("planner.run"), type="primary", key="plan_run")
# Fixed places (a message that comes and goes never moves the plan's map: a map whose place
# in the page changes is drawn blank by the browser)
notice, body = st.container(), st.container()
if run:
    view = ui_risk.current_view()
    table, scores = ui_risk.scores_for(view)
    context = {"view": {"preset": view.preset, "window_days": view.window_days,
                        "as_of": table.attrs["as_of"].isoformat()}}
    try:
        with notice, st.spinner(ui.tr("planner.running")):
            gaps = ui_cov.cercle_table(view)[1]["gap_class"] \
                if new and demand == "gap" else None
            result = planner.deploy(
                ui.store_records(), new=int(new), workshops=int(k), radius_km=float(radius),
                model=model, demand=demand, scores=scores.score, as_of=table.attrs["as_of"],
                regions=regions or None, cercles=chosen_cercles or None,
                exclude=exclude or None, exclude_cercles=exclude_cercles or None, gaps=gaps,
                isolated=True, context=context, ref=ui.reference_data())
    except planner.PlanError as err:
        notice.error(ui.tr_text(f"planner.error.{err.code}", **err.details))
    else:
        ui_plan.show_result(result, None, ss.get("plan_serial", 0) + 1)
        st.query_params.pop("scenario", None)
        ss.pop("_plan_url_seen", None)

result = ss.get("plan_result")        # the last good result stays on screen
with body:
    if result is None:
        st.info(ui.tr("planner.none"))
    else:
        source = ss.get("plan_source")
        saved = scenarios.load(engine, int(source)) if source else None
        if saved is not None:
            notice.info(ui.tr("planner.opened", name=ui.md_escape(saved.name),
                              by=ui.md_escape(saved.created_by),
                              at=format_date(saved.created_at, lang, time=True), id=source)
                        + (f" {ui.tr('planner.demo_saved')}" if saved.is_demo else ""))
        ui_plan.show(result, "plan")
        if saved is None:
            ui_plan.save_box(page, result)
        elif ui.allowed("act"):
            ui_plan.actions_box(page, result, int(source))

ui_plan.saved_scenarios(page)
