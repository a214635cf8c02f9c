"""Streamlit glue of the Planner: one plan (mediators, workshops or both) drawn — figures,
the map of proposed sites, the curve, the tables, the downloads —, saved and turned into
actions once, and saved plans compared side by side.

State that behaves (issue 30): the plan on screen is ``plan_result`` with ``plan_source``
(the scenario it was opened from or saved as, else None) and ``plan_serial`` (a number that
changes with every new plan, so that a widget of the previous one — the scenario name —
never carries over). Every input widget takes its value from the session only (its default
set once with ``setdefault``), never from a ``value=`` argument as well, so that reopening a
scenario can set them without Streamlit's "default value and Session State" warning."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import streamlit as st

import ui
from geo.analysis import disclosure
from geo.i18n import format_date, format_number, t
from geo.outputs import export, maps
from geo.outputs.layers import LAYERS, PLAN_LAYER
from geo.plans import compare, planner, scenarios
from geo.records import actions, store
from geo.records.roles import AccessDenied
from ui import charts

SITE_COLOUR = "#d7301f"
WORKSHOP_COLOUR = "#6a3d9a"
# blue and white: no tension category uses them, so the register stands out over the reports
OPEN_COLOUR, CLOSED_COLOUR = "#1f78b4", "#ffffff"

#: The inputs' session keys and their defaults.
DEFAULTS = {"plan_new": 50, "plan_radius": 30, "plan_model": "mclp",
            "plan_demand": "population", "plan_k": 0, "plan_regions": [], "plan_cercles": [],
            "plan_exclude": [], "plan_exclude_cercles": []}
#: Where each input of a saved plan goes back (session key ← the plan's input).
_FROM_INPUTS = {"plan_radius": "radius_km", "plan_model": "model", "plan_demand": "demand",
                "plan_regions": "regions", "plan_cercles": "cercles", "plan_exclude": "exclude",
                "plan_exclude_cercles": "exclude_cercles"}


def _names():
    communes = ui.communes()
    cercles = ui.display_cercles().set_index("cercle_id")
    return communes, cercles


def set_inputs(result: planner.Deployment | None) -> None:
    """Put ``result``'s inputs into the input widgets (defaults for what it does not say);
    called before they are drawn."""
    inputs = result.inputs if result is not None else {}
    for key, default in DEFAULTS.items():
        st.session_state[key] = default
    for key, name in _FROM_INPUTS.items():
        if inputs.get(name) is not None:
            value = inputs[name]
            st.session_state[key] = int(value) if key == "plan_radius" else value
    if result is not None:
        st.session_state["plan_new"] = result.mediators.new if result.mediators else 0
        st.session_state["plan_k"] = result.workshops.k if result.workshops else 0


def keep_valid(options: dict) -> None:
    """Before the widgets: a value (or the values of a multiselect) not among its options —
    from an older scenario, another kind of plan — goes back to the default, never to a
    Streamlit error."""
    ss = st.session_state
    for key, allowed in options.items():
        allowed = set(allowed)
        value = ss.get(key)
        if isinstance(value, list):
            ss[key] = [v for v in value if v in allowed]
        elif value not in allowed:
            ss[key] = DEFAULTS[key]


def show_result(result: planner.Deployment, source: str | None, serial: int) -> None:
    """Keep ``result`` as the plan on screen (``source``: its scenario id, or None)."""
    st.session_state["plan_result"] = result
    st.session_state["plan_source"] = source
    st.session_state["plan_serial"] = serial


def open_from_url(engine) -> None:
    """A scenario's URL (``?scenario=12``) opens it — once per new URL value, so that the
    user's later runs stay —, with its inputs in the widgets."""
    ss = st.session_state
    wanted = st.query_params.get("scenario")
    if not wanted or ss.get("_plan_url_seen") == wanted:
        return
    ss["_plan_url_seen"] = wanted
    found = (scenarios.load(engine, int(wanted))
             if wanted.isdigit() and len(wanted) <= 9 else None)     # an id, bounded
    if found is None:
        st.warning(ui.tr("planner.scenario_missing", id=ui.md_escape(wanted[:40])))
        return
    set_inputs(found.result)
    show_result(found.result, wanted, ss.get("plan_serial", 0) + 1)


# --------------------------------------------------------------------------- the plan
def site_points(result: planner.Deployment, lang: str) -> list[maps.PointSet]:
    """The proposed communes (mediators) and cercles (workshops), numbered in order."""
    communes, cercles = _names()
    out = []
    if result.mediators is not None:
        feats = [maps.point(r.lon, r.lat, t(
            "planner.site_label", lang, n=r.order, commune=communes.at[r.commune_id, "commune_fr"],
            cercle=cercles.at[r.cercle_id, "cercle_fr"],
            gain=format_number(r.covered_population_gain, lang),
            nearer=format_number(r.people_nearer, lang)), radius=7)
            for r in result.mediators.sites.itertuples()]
        out.append(maps.PointSet("plan-sites", feats, t("planner.map.sites", lang),
                                 [(SITE_COLOUR, t("planner.map.site", lang))], SITE_COLOUR))
    if result.workshops is not None:
        pts = cercles.geometry.representative_point()
        feats = [maps.point(pts[r.cercle_id].x, pts[r.cercle_id].y, t(
            "planner.site_label_ws", lang, n=r.order,
            cercle=cercles.at[r.cercle_id, "cercle_fr"]), radius=9)
            for r in result.workshops.cercles.itertuples()]
        out.append(maps.PointSet("plan-workshops", feats, t("planner.map.workshops", lang),
                                 [(WORKSHOP_COLOUR, t("planner.map.workshop", lang))],
                                 WORKSHOP_COLOUR))
    return out


def plan_map(result: planner.Deployment, lang: str, height_px: int = 460):
    """Cercles coloured by the share of people covered after the plan (without mediators:
    the population density), the proposed sites and workshops on top."""
    units_gdf = ui.display_cercles()[["geometry"]].join(ui.cercle_indicators()[
        ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]])
    if result.mediators is None:
        layer = LAYERS["density"]
    else:
        per = result.mediators.per_cercle.set_index("cercle_id")
        units_gdf["covered_share"] = (100 * per["covered_after"] / per["population"]) \
            .reindex(units_gdf.index)
        layer = PLAN_LAYER
    return maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                               assets=ui.map_assets(), height_px=height_px,
                               point_sets=site_points(result, lang), legend_inside=False)


def _share(part: int, whole: int) -> str:
    return f"{ui.fmt(100 * part / whole, 3)} %" if whole else ui.tr("map.no_data")


def _band(distance_km: float) -> str:
    return disclosure.band_text(distance_km, ui.current_lang()) or ui.tr("planner.no_mediator")


def mediator_figures(med: planner.Plan) -> None:
    """The mediators' headline figures (short values: nothing cut at 1,280 px) and what
    they mean; the warning where more sites add nothing."""
    gain = med.covered_after - med.covered_before
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(ui.tr("planner.before"), ui.count(med.covered_before))
    m2.metric(ui.tr("planner.after"), ui.count(med.covered_after),
              f"+{ui.count(gain)}" if gain else None)
    m3.metric(ui.tr("planner.useful"), f"{ui.count(len(med.sites))} / {ui.count(med.new)}",
              help=ui.tr("planner.useful_help"))
    m4.metric(ui.tr("planner.distance"), f"{_band(med.distance_after_km)}",
              help=ui.tr("planner.distance_help"))
    st.caption(ui.tr("planner.figures_note", share_before=_share(med.covered_before,
                                                                   med.population),
                     share_after=_share(med.covered_after, med.population),
                     population=ui.count(med.population),
                     d_before=_band(med.distance_before_km), d_after=_band(med.distance_after_km),
                     radius=format_number(med.radius_km, ui.current_lang()),
                     model=ui.tr(f"planner.model.{med.model}"),
                     status=ui.tr(f"planner.solver.{med.solver_status}"),
                     seconds=ui.fmt(med.seconds)))
    focus = _focus(med)
    if focus is not None:
        st.caption(focus)
    if med.saturated:
        st.warning(planner.saturation_note(med, ui.current_lang()),
                   icon=":material/trending_flat:")


def _focus(med: planner.Plan) -> str | None:
    """Covered population in the chosen regions and cercles, before and after."""
    regions, chosen = med.inputs.get("regions") or [], med.inputs.get("cercles") or []
    if not regions and not chosen:
        return None
    cercles = ui.display_cercles().set_index("cercle_id")
    inside = [c for c in med.per_cercle["cercle_id"]
              if c in chosen or cercles.at[c, "region_id"] in regions]
    part = med.per_cercle[med.per_cercle["cercle_id"].isin(inside)]
    return ui.tr("planner.focus", before=ui.count(int(part["covered_before"].sum())),
                 after=ui.count(int(part["covered_after"].sum())),
                 population=ui.count(int(part["population"].sum())), n=len(inside))


def workshop_figures(ws: planner.WorkshopPlan) -> None:
    w1, w2, _ = st.columns([1, 1, 2])
    w1.metric(ui.tr("planner.ws.count"), f"{ui.count(len(ws.cercles))} / {ui.count(ws.k)}")
    w2.metric(ui.tr("planner.ws.share"), f"{ui.fmt(100 * ws.share, 3)} %",
              help=ui.tr("planner.ws.share_help"))
    if ws.saturated:
        st.warning(planner.saturation_note(ws, ui.current_lang()),
                   icon=":material/trending_flat:")


def sites_table(med: planner.Plan) -> pd.DataFrame:
    """The useful sites with their names (the screen's and the CSV's table)."""
    communes, cercles = _names()
    sites = med.sites.join(communes[["commune_fr"]], on="commune_id")
    sites["cercle_fr"] = sites["cercle_id"].map(cercles["cercle_fr"])
    sites["region_fr"] = sites["cercle_id"].map(cercles["region_fr"])
    return sites[["order", "commune_fr", "cercle_fr", "region_fr", "commune_id", "cercle_id",
                  "covered_population_gain", "people_nearer"]]


def workshops_table(ws: planner.WorkshopPlan) -> pd.DataFrame:
    _, cercles = _names()
    shown = ws.cercles.assign(cercle_fr=ws.cercles["cercle_id"].map(cercles["cercle_fr"]),
                              region_fr=ws.cercles["cercle_id"].map(cercles["region_fr"]))
    return shown[["order", "cercle_fr", "region_fr", "cercle_id", "population", "risk_score",
                  "months_since_workshop", "weight"]]


def show(result: planner.Deployment, key: str) -> None:
    """Draw ``result`` in full: figures, map, curve, tables, downloads; ``key`` tells its
    widgets apart."""
    from streamlit_folium import st_folium

    lang = ui.current_lang()
    med, ws = result.mediators, result.workshops
    figures, drawn = st.container(), st.container()     # the map's place never moves
    with figures:
        if med is not None:
            st.markdown(f"#### {ui.tr('planner.kind.mediators')}")
            mediator_figures(med)
        if ws is not None:
            st.markdown(f"#### {ui.tr('planner.kind.workshops')}")
            workshop_figures(ws)
    fmap = plan_map(result, lang)
    with drawn:
        st_folium(fmap, key=f"{key}_map", height=460, use_container_width=True,
                  returned_objects=[])
        ui.map_legend(fmap)
    if med is not None:
        curve = pd.DataFrame({"n": range(0, len(med.sites) + 1), "covered": [
            med.covered_before] + list(med.covered_before
                                       + med.sites["covered_population_gain"].cumsum())})
        st.markdown(f"**{ui.tr('planner.curve')}**")
        charts.draw(charts.coverage_curve(curve, lang), width="stretch")
        ui.dataframe(sites_table(med).rename(columns=_column_names()), hide_index=True,
                     width="stretch", key=f"{key}_table")
        per = med.per_cercle.assign(
            gain=med.per_cercle["covered_after"] - med.per_cercle["covered_before"])
        per = per[per["gain"] > 0].sort_values("gain", ascending=False)
        per.insert(1, "cercle_fr", per["cercle_id"].map(_names()[1]["cercle_fr"]))
        with st.expander(ui.tr("planner.per_cercle", n=len(per))):
            ui.dataframe(per.rename(columns=_column_names()), hide_index=True,
                         width="stretch", key=f"{key}_per_cercle")
        with st.expander(ui.tr("planner.bands")):
            st.caption(ui.tr("planner.bands_note"))
            ui.dataframe(bands_table(med), hide_index=True, width="stretch",
                         key=f"{key}_bands")
    if ws is not None:
        st.markdown(f"**{ui.tr('planner.ws.table')}**")
        ui.dataframe(workshops_table(ws).rename(columns=_column_names()).round(1),
                     hide_index=True, width="stretch", key=f"{key}_ws_table")
    _downloads(result, key)


def bands_table(med: planner.Plan) -> pd.DataFrame:
    """People per distance band to the nearest mediator, before and after."""
    lang = ui.current_lang()
    return pd.DataFrame({
        ui.tr("planner.col.band"): [disclosure.band_text(r.from_km, lang)
                                    for r in med.bands.itertuples()],
        ui.tr("planner.before_short"): med.bands["population_before"].astype(int).to_numpy(),
        ui.tr("planner.after_short"): med.bands["population_after"].astype(int).to_numpy()})


def _column_names() -> dict:
    return {"order": ui.tr("planner.col.order"), "commune_fr": ui.tr("field.commune"),
            "cercle_fr": ui.tr("field.cercle"), "region_fr": ui.tr("field.region"),
            "commune_id": ui.tr("planner.col.commune_id"),
            "cercle_id": ui.tr("planner.col.cercle_id"),
            "covered_population_gain": ui.tr("planner.col.gain"),
            "people_nearer": ui.tr("planner.col.nearer"),
            "population": ui.tr("field.population"),
            "covered_before": ui.tr("planner.before"), "covered_after": ui.tr("planner.after"),
            "gain": ui.tr("planner.col.gain"), "risk_score": ui.tr("planner.col.risk"),
            "months_since_workshop": ui.tr("planner.col.months"),
            "weight": ui.tr("planner.col.weight")}


def _downloads(result: planner.Deployment, key: str) -> None:
    communes, cercles = _names()
    inputs = {f"input_{k}": json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
              else v for k, v in result.inputs.items()}
    parts = []
    if result.mediators is not None:
        parts.append(sites_table(result.mediators).assign(proposal="mediator"))
    if result.workshops is not None:
        parts.append(workshops_table(result.workshops).assign(proposal="workshop"))
    rows = pd.concat(parts, ignore_index=True).assign(**inputs)
    c1, c2 = st.columns(2)
    c1.download_button(ui.tr("planner.download"), export.to_csv(rows, lang=ui.current_lang()),
                       file_name="veille-planification.csv", mime="text/csv",
                       key=f"{key}_csv")
    c2.download_button(ui.tr("planner.download_geojson"), json.dumps(
        planner.as_geojson(result, communes["commune_fr"], cercles["cercle_fr"],
                           ref=ui.reference_data()),
        ensure_ascii=False, default=str),
        file_name="veille-planification.geojson", mime="application/geo+json",
        key=f"{key}_geojson")


# --------------------------------------------------------------------------- save, act
def save_box(page: ui.Page, result: planner.Deployment) -> None:
    """Save the plan on screen as a scenario (its name field is new for every plan)."""
    serial = st.session_state.get("plan_serial", 0)
    with st.container(border=True):
        col_name, col_save = st.columns([3, 1], vertical_alignment="bottom")
        # no max_chars: Streamlit drops a pasted text longer than it without a word; the
        # save says the limit instead (scenarios.ScenarioError "name_long")
        name = col_name.text_input(ui.tr("planner.save_name"), key=f"plan_name_{serial}")
        token = ui.once("plan_save")          # a save sent twice is stored once
        if col_save.button(ui.tr("planner.save"), key=f"plan_save_{token}"):
            try:
                sid = scenarios.save(page.engine, name, result, ui.current_user(), once=token)
            except scenarios.ScenarioError as err:
                st.error(ui.tr_text(f"planner.scenario_error.{err.code}", **err.details))
            except AccessDenied as denied:
                ui.refused(denied)
            except store.AlreadyStored:
                ui.stored("plan_save")
            else:
                ui.stored("plan_save")
                st.session_state["plan_source"] = st.query_params["scenario"] = str(sid)
                st.session_state["_plan_url_seen"] = str(sid)
                page.flash(ui.tr("planner.saved", name=ui.md_escape(" ".join(name.split())),
                                   id=sid))
                st.rerun()


def proposals_table(rows: list[dict]) -> pd.DataFrame:
    """The actions a plan proposes, in words (cercle, what)."""
    communes, cercles = _names()
    lang = ui.current_lang()
    frame = pd.DataFrame(rows)
    return pd.DataFrame({
        ui.tr("field.cercle"): frame["cercle_id"].map(cercles["cercle_fr"]),
        ui.tr("actions.what"): [actions.what(r, lang, communes["commune_fr"])
                                for r in frame.itertuples()]})


def actions_box(page: ui.Page, result: planner.Deployment, scenario_id: int) -> None:
    """The saved plan's actions: created once (a second click says they exist and links to
    them), withdrawn together."""
    engine = page.engine
    cercles = ui.display_cercles().set_index("cercle_id")
    made = actions.listing(engine, scenario_id=scenario_id)
    link = {"scenario": str(scenario_id)}
    with st.container(border=True):
        st.markdown(f"**{ui.tr('planner.to_actions')}**")
        if not made.empty:
            st.info(ui.tr("planner.actions_exist", n=len(made),
                          ids=", ".join(f"n° {i}" for i in made["action_id"])),
                    icon=":material/task_alt:")
            st.page_link("pages/actions.py", label=ui.tr("planner.actions_open"),
                         query_params=link, icon=":material/open_in_new:")
            st.button(ui.tr("planner.withdraw"), key="plan_withdraw", on_click=ui.ask,
                      args=("ask_withdraw_actions",))
            planned = int((made["status"] == "planned").sum())
            if ui.confirmation("ask_withdraw_actions", ui.tr(
                    "planner.withdraw_confirm", n=planned, kept=len(made) - planned)):
                try:
                    out = actions.withdraw(engine, ui.current_user(), scenario_id)
                except AccessDenied as denied:
                    ui.refused(denied)
                else:
                    page.flash(ui.tr("planner.withdrawn", **out))
                    st.rerun()
            return
        rows = planner.proposed_actions(result)
        if not rows:
            st.caption(ui.tr("planner.no_proposals"))
            return
        ui.dataframe(proposals_table(rows), hide_index=True, width="stretch",
                     key="plan_proposals")
        ss = st.session_state
        ss.setdefault("plan_act_date", date.today() + timedelta(days=30))
        ss.setdefault("plan_act_unit", actions.UNITS[0])
        a1, a2, a3 = st.columns([1, 1, 1], vertical_alignment="bottom")
        when = a1.date_input(ui.tr("actions.planned_on"), key="plan_act_date",
                             format="DD/MM/YYYY")
        unit = a2.selectbox(ui.tr("actions.unit"), actions.UNITS, key="plan_act_unit",
                            format_func=lambda u: t(f"actions.unit.{u}", page.lang),
                            placeholder=ui.tr("chrome.choose"))
        if a3.button(ui.tr("planner.to_actions_button"), key="plan_to_actions"):
            try:
                ids = actions.from_scenario(engine, ui.current_user(), set(cercles.index),
                                            scenario_id, rows, when, unit)
            except actions.ActionError as err:
                for code, details in err.problems:
                    if code == "exists":
                        st.info(ui.tr("planner.actions_exist", n=details["n"], ids=", ".join(
                            f"n° {i}" for i in details["ids"])))
                        st.page_link("pages/actions.py", label=ui.tr("planner.actions_open"),
                                     query_params=link)
                    else:
                        st.error(ui.tr(f"actions.error.{code}", **details))
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                page.flash(ui.tr("planner.to_actions_done", n=len(ids)))
                st.rerun()


# --------------------------------------------------------------------------- register map
def action_points(registered: pd.DataFrame, lang: str) -> maps.PointSet:
    """One point per cercle of the action register: blue while an action is planned or
    under way, white when all are done or cancelled; the tooltip counts them by status."""
    cercles = ui.display_cercles().set_index("cercle_id")
    pts = cercles.geometry.representative_point()
    feats = []
    for cid, row in actions.per_cercle(registered).iterrows():
        counts = ", ".join(f"{row[s]} {t(f'actions.status.{s}', lang).lower()}"
                           for s in actions.STATUSES if row[s])
        feats.append(maps.point(pts[cid].x, pts[cid].y, t(
            "map.actions_label", lang, cercle=cercles.at[cid, "cercle_fr"], counts=counts),
            colour=OPEN_COLOUR if row["open"] else CLOSED_COLOUR, ring="#0b2545", ring_weight=3,
            radius=6 + 2 * min(int(row[list(actions.STATUSES)].sum()), 9) ** 0.5))
    return maps.PointSet("actions", feats, t("map.actions_title", lang),
                         [(OPEN_COLOUR, t("map.actions_open", lang)),
                          (CLOSED_COLOUR, t("map.actions_closed", lang))])


# --------------------------------------------------------------------------- saved plans
def scenario_label(row) -> str:
    demo = f" · {ui.tr('planner.demo_mark')}" if row.is_demo else ""
    return f"n° {row.scenario_id} — {row.name} ({ui.tr(f'planner.kind.{row.kind}')}){demo}"


def saved_scenarios(page: ui.Page) -> None:
    """The saved scenarios: listed, one opened (its URL), two compared, one deleted
    (admins, after confirming)."""
    lang = page.lang
    engine = page.engine
    ss = st.session_state
    st.subheader(ui.tr("planner.scenarios"))
    saved_list = scenarios.listing(engine)
    if saved_list.empty:
        st.caption(ui.tr("planner.no_scenarios"))
        return
    labels = {int(r.scenario_id): scenario_label(r) for r in saved_list.itertuples()}
    listing = saved_list.drop(columns=["solver_status"]).assign(    # saved: all optimal
        kind=saved_list["kind"].map(lambda k: t(f"planner.kind.{k}", lang)),
        created_at=saved_list["created_at"].map(lambda d: format_date(d, lang, time=True)),
        is_demo=saved_list["is_demo"].map(lambda d: t("planner.demo_mark", lang) if d else ""))
    ui.dataframe(listing.rename(columns={
        "scenario_id": "n°", "name": ui.tr("planner.col.name"), "kind": ui.tr("planner.kind"),
        "created_by": ui.tr("planner.col.by"), "created_at": ui.tr("planner.col.at"),
        "mediators": ui.tr("planner.col.mediators"),
        "workshops": ui.tr("planner.col.workshops"), "covered_after": ui.tr("planner.after"),
        "is_demo": ui.tr("planner.col.demo")}), hide_index=True, width="stretch")
    o1, o2 = st.columns([3, 1], vertical_alignment="bottom")
    opened = o1.selectbox(ui.tr("planner.open"), list(labels), key="plan_open",
                          format_func=labels.get, placeholder=ui.tr("chrome.choose"))
    if o2.button(ui.tr("planner.open_button"), key="plan_open_button"):
        st.query_params["scenario"] = str(opened)
        st.rerun()
    pair = compare.default_pair(saved_list)
    if pair is not None:
        comparison(engine, labels, pair)
    if ui.allowed("delete_scenario"):
        doomed = ui.chosen_and_confirmed(ui.tr("planner.delete"), labels, "plan_delete",
                                         ui.tr("planner.delete_button"),
                                         "planner.delete_confirm", "ask_delete_scenario")
        if doomed is not None:
            try:
                unlinked = scenarios.delete(engine, doomed, ui.current_user())
            except scenarios.ScenarioError as err:
                st.error(ui.tr_text(f"planner.scenario_error.{err.code}", **err.details))
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                if ss.get("plan_source") == str(doomed):
                    ss["plan_source"] = None
                    st.query_params.pop("scenario", None)
                page.flash(ui.tr("planner.deleted", name=ui.md_escape(labels[doomed]),
                                   n=unlinked))
                st.rerun()


def comparison(engine, labels: dict[int, str], pair: tuple[int, int]) -> None:
    """Two saved plans side by side (same kind by default): the difference table, which
    sites only one proposes, their maps and tables."""
    from streamlit_folium import st_folium

    lang = ui.current_lang()
    st.markdown(f"**{ui.tr('planner.compare')}**")
    ids = list(labels)
    st.session_state.setdefault("plan_cmp_a", pair[0])
    st.session_state.setdefault("plan_cmp_b", pair[1])
    for key, default in (("plan_cmp_a", pair[0]), ("plan_cmp_b", pair[1])):
        if st.session_state[key] not in ids:
            st.session_state[key] = default
    k1, k2 = st.columns(2)
    left = k1.selectbox("A", ids, key="plan_cmp_a", format_func=labels.get,
                        placeholder=ui.tr("chrome.choose"))
    right = k2.selectbox("B", ids, key="plan_cmp_b", format_func=labels.get,
                         placeholder=ui.tr("chrome.choose"))
    a, b = scenarios.load(engine, left), scenarios.load(engine, right)
    if a is None or b is None:
        return
    if a.kind != b.kind:
        st.caption(ui.tr("planner.compare_kinds"))
    result = compare.compare(a.result, b.result)
    ui.dataframe(difference_table(result), hide_index=True, width="stretch",
                 key="plan_cmp_table")
    st.markdown(site_lists(result, lang))
    for column, chosen, tag in ((k1, a, "a"), (k2, b, "b")):
        with column:
            fmap = plan_map(chosen.result, lang, height_px=380)
            st_folium(fmap, key=f"cmp_{tag}_map", height=380, use_container_width=True,
                      returned_objects=[])


def difference_table(result: compare.Comparison) -> pd.DataFrame:
    """The comparison's figures as the screen writes them (bands as bands)."""
    rows = []
    for key, r in result.figures.iterrows():
        if key in compare.BANDS:
            a, b, d = (_band_text(r["a"]), _band_text(r["b"]), "")
        else:
            a, b = _cell(r["a"]), _cell(r["b"])
            d = "" if pd.isna(r["difference"]) else \
                ("+" if r["difference"] > 0 else "") + _cell(r["difference"])
        rows.append({ui.tr("planner.cmp.figure"): ui.tr(f"planner.cmp.{key}"), "A": a,
                     "B": b, ui.tr("planner.cmp.difference"): d})
    return pd.DataFrame(rows)


def _cell(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return ui.count(value) if float(value).is_integer() else ui.fmt(value, 3)


def _band_text(lower) -> str:
    return "—" if lower is None or pd.isna(lower) else \
        disclosure.band_text(float(lower), ui.current_lang())


def site_lists(result: compare.Comparison, lang: str) -> str:
    """Which communes (mediators) and cercles (workshops) only A, only B, or both propose."""
    communes, cercles = _names()
    lines = []
    for what, found, names in (("sites", result.sites, communes["commune_fr"]),
                               ("cercles", result.cercles, cercles["cercle_fr"])):
        if not any(found.values()):
            continue
        for part in ("only_a", "only_b", "both"):
            listed = ", ".join(ui.md_escape(names.get(c, c)) for c in found[part]) or "—"
            lines.append(f"- **{ui.tr(f'planner.cmp.{what}.{part}', n=len(found[part]))}** "
                         f"{listed}")
    return "\n".join(lines)
