"""Coverage: where people are far from a mediator, and where risk is high but coverage thin."""

import pandas as pd
import streamlit as st

import ui
from geo.analysis import coverage, disclosure
from geo.outputs import export, maps
from geo.i18n import format_date, format_number, format_significant, t
from ui import coverage as ui_cov
from ui import map_cache
from ui import risk as ui_risk

page = ui.begin("coverage", intro=False)

MAPS = ["gap_class", "mediators_per_10k", "mediators_per_1000km2", "commune_distance_km",
        "workshop_participants_per_10k"]
MAP_KEY = "coverage_map"
SEL_KEY = "coverage_cercle"
lang = page.lang
threshold = ui_cov.min_count()

view = ui_risk.current_view()
base_table = ui_risk.table_for(view)
as_of = base_table.attrs["as_of"]
st.caption(ui.tr("coverage.intro", as_of=format_date(as_of, lang),
                 preset=ui.tr(f"risk.preset.{view.preset}"), n=threshold,
                 low=threshold - 1,
                 release=format_date(disclosure.release_date(as_of), lang)))

# ------------------------------------------------------------------ gap rule
col_measure, col_risk, col_cover, col_reset = st.columns([1.3, 1.3, 1.3, 0.8],
                                                         vertical_alignment="bottom")


def _measure_changed():
    st.session_state[ui_cov.COVER_T_KEY] = None          # the other measure's median


ui.from_url("measure", ui_cov.MEASURE_KEY, ui.one_of(coverage.COVERAGE_MEASURES))
ui.from_url("risk", ui_cov.RISK_LEVEL_KEY, ui.one_of(coverage.RISK_LEVELS))
ui.from_url("cover", ui_cov.COVER_T_KEY, ui.within(0.0, 10_000.0))
ui.from_url("map", "coverage_layer", ui.one_of(MAPS))
ui.localized_selectbox(col_measure, ui.tr("coverage.measure"),
                       list(coverage.COVERAGE_MEASURES), key=ui_cov.MEASURE_KEY,
                       default="mediators_per_10k", on_change=_measure_changed,
                       format_func=lambda k: t(f"coverage.measure.{k}", lang))
# The sliders follow the medians of the risk scores and of the chosen coverage measure.
rule = ui_cov.rule()
ui.localized_selectbox(col_risk, ui.tr("coverage.risk_level"), list(coverage.RISK_LEVELS),
                       key=ui_cov.RISK_LEVEL_KEY, default=coverage.DEFAULT_RISK_LEVEL,
                       help=ui.tr("coverage.risk_level_help"),
                       format_func=lambda k: t(f"coverage.risk_level.{k}", lang))
measured = ui_cov.result(as_of).cercles[rule.measure].dropna()
ui_cov.threshold_slider(col_cover, ui.tr(f"coverage.threshold.{rule.measure}"),
                        ui_cov.COVER_T_KEY, measured, 0.0,
                        round(max(float(measured.max()) * 1.05, 1.0) if len(measured) else 1.0, 1),
                        0.05 if rule.measure == "mediators_per_10k" else 1.0,
                        help=ui.tr("coverage.threshold_help"))


def _medians():
    st.session_state[ui_cov.RISK_LEVEL_KEY] = coverage.DEFAULT_RISK_LEVEL
    st.session_state[ui_cov.COVER_T_KEY] = None


col_reset.button(ui.tr("coverage.medians"), on_click=_medians, key="gap_medians")
table, gaps = ui_cov.cercle_table(view)
rule = ui_cov.rule()
ui.to_url("measure", rule.measure, "mediators_per_10k")
ui.to_url("risk", st.session_state.get(ui_cov.RISK_LEVEL_KEY), coverage.DEFAULT_RISK_LEVEL)
ui.to_url("cover", rule.coverage_threshold)
names = base_table["cercle_fr"]
if gaps["gap_class"].isna().all():
    st.info(ui.tr("coverage.no_gaps"))
words = coverage.gap_words(gaps.attrs["risk_level"], lang)
r_t = gaps.attrs["risk_threshold"]
st.caption(ui.tr("coverage.rule", risk=format_number(r_t, lang) if r_t == int(r_t)
                 else format_significant(r_t, lang, 2),
                 level=ui.tr(f"coverage.risk_level.{gaps.attrs['risk_level']}").split(" (")[0],
                 thin=ui.tr(f"coverage.thin.{rule.measure}", cover=format_significant(
                     gaps.attrs["coverage_threshold"], lang, 3)),
                 n=int((gaps["gap_class"] == "priority").sum())))

# ------------------------------------------------------------------ map + details
col_pick, col_select = st.columns([2, 2], vertical_alignment="bottom")
map_key = ui.localized_selectbox(col_pick, ui.tr("coverage.map"), MAPS, key="coverage_layer",
                                 default="gap_class",
                                 format_func=lambda k: t(f"layer.{k}", lang))
ui.to_url("map", map_key, "gap_class")
ui.follow_selection(SEL_KEY, MAP_KEY, set(base_table.index))
selected = ui.cercle_selectbox(col_select, base_table, SEL_KEY)

communes_shown = ui_cov.commune_table(as_of, lang).set_index("commune_id")
if map_key == "commune_distance_km":
    gdf = ui.display_communes()[["geometry"]].join(communes_shown)
    gdf["cercle_fr"] = gdf["cercle_id"].map(names)
    gdf["mediators_txt"] = gdf["zone_mediators"]
else:
    gdf = ui.display_cercles()[["geometry"]].join(base_table[
        ["cercle_id", "cercle_fr", "region_fr", "population", "density", "area_km2"]]) \
        .join(table.drop(columns=["population", "area_km2"], errors="ignore"))
fmap = map_cache.prepared(
    lambda: maps.choropleth_map(gdf, map_key, lang, ui.display_regions(),
                                assets=ui.map_assets(), class_words=words, legend_inside=False),
    "coverage", gdf, map_key, lang, ui.map_assets(), words)


def _under_map():
    if map_key == "commune_distance_km":
        st.caption(ui.tr("coverage.commune_map_note", n=threshold, low=threshold - 1,
                         km=format_number(2 * disclosure.RADIUS_KM, lang)))


def _details():
    st.subheader(ui.tr("overview.details"))
    if not selected:
        st.info(ui.tr("coverage.pick_hint"))
    else:
        k = table.loc[selected]
        st.markdown(f"### {ui.md_escape(names[selected])}")
        cls = k["gap_class"]
        st.markdown(ui.tr("coverage.gap_line", cls=ui.tr(f"gap.{cls}", **words) if cls
                          else ui.tr("map.no_data"), score=ui.fmt(k["risk_score"])))
        c1, c2 = st.columns(2)
        hidden = bool(k["mediators_hidden"])
        c1.metric(ui.tr("coverage.mediators_active"),
                  disclosure.count_text(k["mediators"], hidden, lang))
        c2.metric(ui.tr("coverage.per_10k"), ui.tr("disclosure.hidden") if hidden
                  else ui.fmt(k["mediators_per_10k"]))
        c1.metric(ui.tr("coverage.per_1000km2"), ui.tr("disclosure.hidden") if hidden
                  else ui.fmt(k["mediators_per_1000km2"]))
        c2.metric(ui.tr("coverage.mean_distance"),
                  disclosure.band_text(k["mean_distance_km"], lang) or ui.tr("map.no_data"))
        st.markdown(ui.tr("coverage.communes_line",
                          without=format_number(k["communes_without_mediator"], lang),
                          total=format_number(k["n_communes"], lang),
                          pop=format_number(round(k["population_without_mediator"], -2), lang)))
        if k["workshop_participants"] > 0:
            st.markdown(ui.tr("coverage.workshops_line",
                              participants=format_number(k["workshop_participants"], lang),
                              per10k=ui.fmt(k["workshop_participants_per_10k"]),
                              women=ui.fmt(100 * k["women_share"], 2),
                              youth=ui.fmt(100 * k["youth_share"], 2),
                              months=format_number(k["months_since_workshop"], lang),
                              groups=k["groups_reached"]))
        else:
            st.markdown(ui.tr("coverage.no_workshop",
                              months=format_number(k["months_since_workshop"], lang)))


ui.map_with_details(fmap, MAP_KEY, ui.display_cercles()[["cercle_id", "geometry"]], selected,
                    _details, under_map=_under_map)

# A selected cercle's communes without a mediator, under the map (four columns).
if selected:
    without = communes_shown[(communes_shown["cercle_id"] == selected)
                             & ~communes_shown["has_mediator"]]
    st.markdown(f"#### {ui.tr('coverage.communes_without', cercle=names[selected], n=len(without))}")
    if len(without):
        ui.dataframe(pd.DataFrame({
            ui.tr("field.commune"): without["commune_fr"],
            ui.tr("coverage.population_est"): without["population_est"],
            ui.tr("coverage.distance_km"): without["distance_band"],
        }).sort_values(ui.tr("coverage.population_est"), ascending=False),
            hide_index=True, width="stretch", height=min(36 + 35 * len(without), 400))
    else:
        st.write(ui.tr("coverage.all_communes_covered"))

# ------------------------------------------------------------------ ranked gaps, downloads
st.header(ui.tr("coverage.ranked"))
ranked = table.join(base_table[["cercle_fr", "region_fr"]]).sort_values("gap_rank")
shown = pd.DataFrame({
    ui.tr("coverage.col.gap_rank"): ranked["gap_rank"],
    ui.tr("field.cercle"): ranked["cercle_fr"], ui.tr("field.region"): ranked["region_fr"],
    ui.tr("coverage.col.gap_class"): [ui.tr(f"gap.{c}", **words) if c else ui.tr("map.no_data")
                                      for c in ranked["gap_class"]],
    ui.tr("risk.score"): ranked["risk_score"].round(2),
    ui.tr("coverage.mediators_active"): [disclosure.count_text(v, h, lang) for v, h in
                                         zip(ranked["mediators"], ranked["mediators_hidden"])],
    ui.tr("coverage.per_10k"): ranked["mediators_per_10k"].round(2),
    ui.tr("coverage.per_1000km2"): ranked["mediators_per_1000km2"].round(2),
    ui.tr("coverage.col.communes_without"): ranked["communes_without_mediator"],
    ui.tr("coverage.col.population_without"): ranked["population_without_mediator"].round(-2),
    ui.tr("coverage.mean_distance"): [disclosure.band_text(v, lang)
                                      for v in ranked["mean_distance_km"]],
})
ui.dataframe(shown, hide_index=True, width="stretch", height=420)


def frame() -> pd.DataFrame:
    return export.coverage_frame(ranked, gaps.attrs, as_of, view.preset, threshold, lang)


stamp = as_of.isoformat()
c1, c2, c3, _ = st.columns([1, 1, 1.3, 1.7])
# the files are made when asked for (a callable), not on every run
c1.download_button(ui.tr("risk.download_csv"), lambda: export.to_csv(frame(), lang=lang),
                   file_name=f"veille-couverture-{stamp}.csv", mime="text/csv")
c2.download_button(ui.tr("risk.download_geojson"), lambda: export.coverage_geojson(frame()),
                   file_name=f"veille-couverture-{stamp}.geojson", mime="application/geo+json")
c3.download_button(ui.tr("coverage.download_communes"),
                   lambda: export.to_csv(ui_cov.commune_table(as_of, lang), lang=lang),
                   file_name=f"veille-communes-{stamp}.csv", mime="text/csv")
st.caption(ui.tr("coverage.download_note", low=threshold - 1))

# ------------------------------------------------------------------ workshop coverage
st.header(ui.tr("coverage.workshops"))
ws = table.join(base_table[["cercle_fr", "region_fr"]]).sort_values(
    "workshop_participants_per_10k", ascending=False)
ui.dataframe(pd.DataFrame({
    ui.tr("field.cercle"): ws["cercle_fr"], ui.tr("field.region"): ws["region_fr"],
    ui.tr("coverage.col.participants"): ws["workshop_participants"],
    ui.tr("coverage.col.participants_10k"): ws["workshop_participants_per_10k"].round(2),
    ui.tr("coverage.col.women"): (100 * ws["women_share"]).round(0),
    ui.tr("coverage.col.youth"): (100 * ws["youth_share"]).round(0),
    ui.tr("coverage.col.months"): ws["months_since_workshop"].round(0),
    ui.tr("coverage.col.groups"): [
        ", ".join(ui.tr(f"group.{g}") for g in gs.split(";") if g) for gs in ws["groups"]],
}), hide_index=True, width="stretch", height=380)
