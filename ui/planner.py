"""Streamlit glue of the Planner: a plan (fresh or saved) drawn — figures, the map of
proposed sites, the curve, the tables, the downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

import ui
from geo.records import actions
from geo.outputs import export, maps
from geo.plans import planner, scenarios
from geo.records.roles import AccessDenied
from geo.i18n import format_date, format_number, t
from geo.outputs.layers import LAYERS, PLAN_LAYER
from ui import charts

SITE_COLOUR = "#d7301f"
# blue and white: no tension category uses them, so the register stands out over the reports
OPEN_COLOUR, CLOSED_COLOUR = "#1f78b4", "#ffffff"


def _names():
    communes = ui.communes()
    cercles = ui.display_cercles().set_index("cercle_id")
    return communes, cercles


def site_points(result, lang: str) -> maps.PointSet:
    """The proposed communes (or cercles, for workshops), numbered in order."""
    communes, cercles = _names()
    feats = []
    if isinstance(result, planner.WorkshopPlan):
        pts = ui.display_cercles().set_index("cercle_id").geometry.representative_point()
        for r in result.cercles.itertuples():
            feats.append(maps.point(pts[r.cercle_id].x, pts[r.cercle_id].y,
                                    t("planner.site_label_ws", lang, n=r.order,
                                      cercle=cercles.at[r.cercle_id, "cercle_fr"]),
                                    radius=8))
        title = t("planner.map.workshops", lang)
    else:
        for r in result.sites.itertuples():
            feats.append(maps.point(r.lon, r.lat, t(
                "planner.site_label", lang, n=r.order,
                commune=communes.at[r.commune_id, "commune_fr"],
                cercle=cercles.at[r.cercle_id, "cercle_fr"],
                gain=format_number(r.covered_population_gain, lang)), radius=7))
        title = t("planner.map.sites", lang)
    return maps.PointSet("plan-sites", feats, title, [(SITE_COLOUR, t("planner.map.site",
                                                                       lang))], SITE_COLOUR)


def plan_map(result, lang: str):
    """Cercles coloured by the share of people covered after the plan (for workshops: the
    population density), the proposed sites on top."""
    units_gdf = ui.display_cercles()[["geometry"]].join(ui.cercle_indicators()[
        ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]])
    if isinstance(result, planner.WorkshopPlan):
        layer = LAYERS["density"]
    else:
        per = result.per_cercle.set_index("cercle_id")
        units_gdf["covered_share"] = (100 * per["covered_after"] / per["population"]) \
            .reindex(units_gdf.index)
        layer = PLAN_LAYER
    return maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                               assets=ui.map_assets(), height_px=460,
                               point_sets=[site_points(result, lang)], legend_inside=False)


def show(result, key: str, compact: bool = False) -> None:
    """Draw ``result``; ``key`` tells widgets of two plans shown side by side apart;
    ``compact`` (the comparison) leaves out the curve and the downloads."""
    from streamlit_folium import st_folium

    lang = ui.current_lang()
    workshops = isinstance(result, planner.WorkshopPlan)
    if workshops:
        share = result.cercles["weight"].sum() / result.total_weight if result.total_weight \
            else 0.0
        m1, m2 = st.columns(2)
        m1.metric(ui.tr("planner.ws.count"), ui.count(result.k))
        m2.metric(ui.tr("planner.ws.share"), f"{ui.fmt(100 * share)} %",
                  help=ui.tr("planner.ws.share_help"))
    else:
        total = result.population or 1.0
        m1, m2, m3 = st.columns(3)
        m1.metric(ui.tr("planner.before"), f"{ui.count(result.covered_before)} "
                  f"({ui.fmt(100 * result.covered_before / total)} %)")
        m2.metric(ui.tr("planner.after"), f"{ui.count(result.covered_after)} "
                  f"({ui.fmt(100 * result.covered_after / total)} %)")
        m3.metric(ui.tr("planner.status"), f"{ui.tr('planner.solver.' + result.solver_status)}"
                  f" · {ui.fmt(result.seconds)} s")
    fmap = plan_map(result, lang)
    st_folium(fmap, key=f"{key}_map", height=460, use_container_width=True,
              returned_objects=[])
    ui.map_legend(fmap)
    communes, cercles = _names()
    if workshops:
        shown = result.cercles.assign(
            cercle_fr=result.cercles["cercle_id"].map(cercles["cercle_fr"]),
            region_fr=result.cercles["cercle_id"].map(cercles["region_fr"]))
        shown = shown[["order", "cercle_fr", "region_fr", "cercle_id", "population",
                       "risk_score", "months_since_workshop", "weight"]]
        ui.dataframe(shown.rename(columns=_column_names()).round(1), hide_index=True,
                     width="stretch", key=f"{key}_table")
        return _downloads(result, key, compact)
    sites = result.sites.join(communes[["commune_fr"]], on="commune_id")
    sites["cercle_fr"] = sites["cercle_id"].map(cercles["cercle_fr"])
    sites["region_fr"] = sites["cercle_id"].map(cercles["region_fr"])
    if not compact:
        curve = pd.DataFrame({"n": range(0, len(sites) + 1), "covered": [
            result.covered_before] + list(result.covered_before
                                          + sites["covered_population_gain"].cumsum())})
        st.markdown(f"**{ui.tr('planner.curve')}**")
        charts.draw(charts.coverage_curve(curve, lang), width="stretch")
    shown = sites[["order", "commune_fr", "cercle_fr", "region_fr", "commune_id", "cercle_id",
                   "covered_population_gain"]]
    ui.dataframe(shown.rename(columns=_column_names()).round(0), hide_index=True,
                 width="stretch", key=f"{key}_table")
    if not compact:
        per = result.per_cercle.assign(
            gain=result.per_cercle["covered_after"] - result.per_cercle["covered_before"])
        per = per[per["gain"] > 0].sort_values("gain", ascending=False)
        per.insert(1, "cercle_fr", per["cercle_id"].map(cercles["cercle_fr"]))
        with st.expander(ui.tr("planner.per_cercle", n=len(per))):
            ui.dataframe(per.rename(columns=_column_names()).round(0), hide_index=True,
                         width="stretch", key=f"{key}_per_cercle")
    _downloads(result, key, compact)


def _column_names() -> dict:
    return {"order": ui.tr("planner.col.order"), "commune_fr": ui.tr("field.commune"),
            "cercle_fr": ui.tr("field.cercle"), "region_fr": ui.tr("field.region"),
            "commune_id": ui.tr("planner.col.commune_id"),
            "cercle_id": ui.tr("planner.col.cercle_id"),
            "covered_population_gain": ui.tr("planner.col.gain"),
            "population": ui.tr("field.population"),
            "covered_before": ui.tr("planner.before"), "covered_after": ui.tr("planner.after"),
            "gain": ui.tr("planner.col.gain"), "risk_score": ui.tr("planner.col.risk"),
            "months_since_workshop": ui.tr("planner.col.months"),
            "weight": ui.tr("planner.col.weight")}


def _downloads(result, key: str, compact: bool) -> None:
    if compact:
        return
    communes, cercles = _names()
    rows = result.cercles if isinstance(result, planner.WorkshopPlan) else result.sites
    inputs = {f"input_{k}": json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
              else v for k, v in result.inputs.items()}
    names = cercles["cercle_fr"] if isinstance(result, planner.WorkshopPlan) \
        else communes["commune_fr"]
    c1, c2 = st.columns(2)
    c1.download_button(ui.tr("planner.download"), export.to_csv(rows.assign(**inputs)),
                       file_name="veille-planification.csv", mime="text/csv",
                       key=f"{key}_csv")
    c2.download_button(ui.tr("planner.download_geojson"), json.dumps(
        planner.as_geojson(result, names), ensure_ascii=False, default=str),
        file_name="veille-planification.geojson", mime="application/geo+json",
        key=f"{key}_geojson")


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


def saved_scenarios() -> None:
    """The saved scenarios: listed, one opened (its URL), two compared side by side, one
    deleted (admins, after confirming)."""
    lang = ui.current_lang()
    engine = ui.engine()
    ss = st.session_state
    st.subheader(ui.tr("planner.scenarios"))
    saved_list = scenarios.listing(engine)
    if saved_list.empty:
        st.caption(ui.tr("planner.no_scenarios"))
    else:
        labels = {int(r.scenario_id): f"n° {r.scenario_id} — {r.name}"
                  for r in saved_list.itertuples()}
        listing = saved_list.assign(
            kind=saved_list["kind"].map(lambda k: t(f"planner.kind.{k}", lang)),
            created_at=saved_list["created_at"].map(lambda d: format_date(d, lang, time=True)),
            solver_status=saved_list["solver_status"].map(
                lambda s: t(f"planner.solver.{s}", lang)))
        ui.dataframe(listing.rename(columns={
            "scenario_id": "n°", "name": ui.tr("planner.col.name"), "kind": ui.tr("planner.kind"),
            "created_by": ui.tr("planner.col.by"), "created_at": ui.tr("planner.col.at"),
            "solver_status": ui.tr("planner.status"), "size": ui.tr("planner.col.size"),
            "covered_after": ui.tr("planner.after")}).round(0), hide_index=True, width="stretch")
        o1, o2 = st.columns([3, 1], vertical_alignment="bottom")
        opened = o1.selectbox(ui.tr("planner.open"), list(labels), key="plan_open",
                              format_func=labels.get)
        if o2.button(ui.tr("planner.open_button"), key="plan_open_button"):
            st.query_params["scenario"] = str(opened)
            st.rerun()
        if len(labels) >= 2:
            st.markdown(f"**{ui.tr('planner.compare')}**")
            ids = list(labels)
            k1, k2 = st.columns(2)
            left = k1.selectbox("A", ids, index=1, key="plan_cmp_a", format_func=labels.get)
            right = k2.selectbox("B", ids, index=0, key="plan_cmp_b", format_func=labels.get)
            for column, sid, tag in ((k1, left, "a"), (k2, right, "b")):
                with column:
                    chosen = scenarios.load(engine, sid)
                    if chosen is not None:
                        show(chosen.result, f"cmp_{tag}", compact=True)
        if ui.allowed("delete_scenario"):
            d1, d2 = st.columns([3, 1], vertical_alignment="bottom")
            doomed = d1.selectbox(ui.tr("planner.delete"), list(labels), key="plan_delete",
                                  format_func=labels.get)
            d2.button(ui.tr("planner.delete_button"), key="plan_delete_button", on_click=ui.ask,
                      args=("ask_delete_scenario",))
            if ui.confirmation("ask_delete_scenario", ui.tr("planner.delete_confirm",
                                                            name=labels[doomed])):
                try:
                    unlinked = scenarios.delete(engine, doomed, ui.current_user())
                except scenarios.ScenarioError as err:
                    st.error(ui.tr(f"planner.scenario_error.{err.code}", **err.details))
                except AccessDenied as denied:
                    ui.refused(denied)
                else:
                    if ss.get("plan_source") == str(doomed):
                        ss["plan_source"] = None
                        st.query_params.pop("scenario", None)
                    ss["planner_flash"] = ui.tr("planner.deleted", name=labels[doomed], n=unlinked)
                    st.rerun()
