"""Overview: national choropleth of the cercles, layer selector, shareable selection."""

from datetime import date

import streamlit as st

import ui
from ui import coverage as ui_cov
from ui import map_cache
from ui import monitor as ui_mon
from ui import planner as ui_plan
from ui import risk as ui_risk
from ui import triggers as ui_triggers
from geo.records import actions
from geo.analysis import counts, coverage, disclosure, indicators
from geo.outputs import maps
from geo.i18n import format_date, format_number, format_significant, t
from geo.outputs.layers import DEFAULT_LAYER, LAYERS


MAP_KEY = "overview_map"
ALERTS_SHOWN = 5
SEL_KEY = "cercle"
#: The controls' room above the map while it comes alone: their height (two rows, stacked on
#: a narrow screen), measured in Chromium at 800 to 1,920 px.
CONTROLS_ROOM = """<style>
  .st-key-overview_controls {min-height: 190px;}
  @media (max-width: 1024px) {.st-key-overview_controls {min-height: 410px;}}
</style><div></div>"""

page = ui.begin("overview")
lang = page.lang

view = ui_risk.current_view()
table = ui_cov.published_table(view)
as_of = table.attrs["as_of"]
ui.follow_selection(SEL_KEY, MAP_KEY, set(table.index))

reports = indicators.counted_reports(ui.records("tensions"))
period = counts.period_reports(reports, as_of, view.window_days)   # the view's reports
registered = actions.listing(ui.engine())      # the action register, drawn over the map
first, last = ui.report_period(reports) or (None, None)

# What the map shows, as its controls (drawn above it but after it: the map reaches the
# browser first) will hold it: each control keeps its value in the session.
ui.from_url("layer", "layer", ui.one_of(LAYERS))
if first is not None and first < last:
    ui.from_url("reports", "tension_dates", lambda raw: tuple(
        min(max(date.fromisoformat(d), first), last) for d in raw.split("/")))


def _dates() -> tuple | None:
    """The reports' period, or None when no report is shown."""
    if reports.empty or not st.session_state.get("show_tensions", True):
        return None
    if first < last:
        lo, hi = st.session_state.get("tension_dates", (first, last))
        return max(lo, first), min(hi, last)
    return first, last


peeked = (ui.chosen("layer", list(LAYERS), DEFAULT_LAYER),
          ui.chosen(SEL_KEY, [None, *table.index]), st.session_state.get("online_tiles", False),
          _dates(), not registered.empty and st.session_state.get("show_actions", True))
layer_key, selected, online, dates, with_actions = peeked
# A session's first run sends the map alone; once the browser has drawn it, the rest. The
# controls' room is kept meanwhile: the map does not move when they come.
alone = not ui.map_drawn(MAP_KEY)
controls = st.container(key="overview_controls")
if alone:
    controls.html(CONTROLS_ROOM)        # (an empty container is not drawn at all)

units_gdf = ui.display_cercles()[["geometry"]].join(table)
points = ui.tension_points(*dates) if dates else None
point_sets = [ui_plan.action_points(registered, lang)] if with_actions else []
class_words = coverage.gap_words(ui_cov.rule().risk_level, lang)
fmap = map_cache.prepared(
    lambda: maps.choropleth_map(units_gdf, layer_key, lang, ui.display_regions(),
                                online_tiles=online, assets=ui.map_assets(),
                                tension_points=points, class_words=class_words,
                                point_sets=point_sets, legend_inside=False),
    "overview", units_gdf, layer_key, lang, online, ui.map_assets(), points, class_words,
    point_sets)


def _under_map():
    st.caption(ui.md_escape(counts.count_text(period, lang)), help=ui.tr("counts.help"))
    if layer_key in ("risk_score", "gap_class"):
        st.caption(ui.tr("overview.risk_note", preset=ui.tr(f"risk.preset.{view.preset}")))
    if dates or LAYERS[layer_key].observed:
        ui_risk.provisional_note(table)


def _alerts():
    """The triggers in force with their agreed responses, and the monitor's alerts at the
    latest record date, above the cercle's details."""
    ui_triggers.fired_panel(page, as_of, table, "ov", limit=ALERTS_SHOWN, compact=True)
    flagged = ui_mon.alerts(as_of)
    if flagged.empty:
        return
    lines = ui_mon.alert_lines(flagged, lang)
    more = len(lines) - ALERTS_SHOWN
    st.warning(
        ui.tr("overview.alerts", date=format_date(as_of, lang)) + "\n\n"
        + "\n".join(f"- {ui.md_escape(line)}" for line in lines[:ALERTS_SHOWN])
        + (f"\n- {ui.tr('overview.alerts_more', n=more)}" if more > 0 else ""),
        icon=":material/notifications_active:")
    st.page_link("pages/monitor.py", label=ui.tr("overview.alerts_link"),
                 query_params={"section": "alerts"})


def _details():
    _alerts()
    st.subheader(ui.tr("overview.details"))
    if not selected:
        st.info(ui.tr("overview.pick_hint"))
    else:
        row = table.loc[selected]
        st.markdown(f"### {ui.md_escape(row['cercle_fr'])}")
        st.caption(ui.tr("overview.meta", region=row["region_fr"], code=selected))
        st.metric(ui.tr("field.population"), format_number(row["population"], lang))
        st.metric(f"{ui.tr('field.density')} ({ui.tr('unit.per_km2')})",
                  format_significant(row["density"], lang, 3))
        st.metric(f"{ui.tr('field.area')} ({ui.tr('unit.km2')})",
                  format_number(row["area_km2"], lang))
        st.markdown(ui.tr("overview.field_counts", as_of=format_date(as_of, lang),
                          window=view.window_days,
                          sessions=format_number(row["workshop_sessions_to_date"], lang),
                          participants=format_number(row["workshop_participants"], lang),
                          mediators=disclosure.count_text(row["mediators"],
                                                          row["mediators_hidden"], lang),
                          per10k=ui.tr("disclosure.hidden") if row["mediators_hidden"]
                          else format_significant(row["mediators_per_10k"], lang, 2),
                          reports=counts.cercle_text(period, selected, lang)))
        if row["risk_class"]:
            st.markdown(ui.tr("overview.risk_line",
                              score=format_significant(row["risk_score"], lang, 2),
                              cls=ui.tr(f"risk.class.{row['risk_class']}"),
                              gap=coverage.gap_label(row["gap_class"], ui_cov.rule().risk_level,
                                                     lang) if row["gap_class"]
                              else ui.tr("map.no_data")))
        if row["population_type"] != "census_2009_provisional":
            st.warning(ui.tr("overview.estimate_note"))
        communes = ui.communes()
        names_c = sorted(communes.loc[communes["cercle_id"] == selected, "commune_fr"])
        with st.expander(ui.tr("overview.communes", n=len(names_c))):
            st.write(ui.md_escape(", ".join(names_c)))


ui.map_with_details(fmap, MAP_KEY, units_gdf, selected, (lambda: None) if alone else _details,
                    ratio=(3, 1.25), under_map=_under_map)
if alone:
    ui.wait_for_map(MAP_KEY, len(units_gdf))
    ui.end_page()

with controls:        # the map's controls, above it
    col_layer, col_select, col_tiles = st.columns([2, 2, 1.4], vertical_alignment="bottom")
    drawn_layer = ui.localized_selectbox(col_layer, ui.tr("overview.layer"), list(LAYERS),
                                         key="layer", default=DEFAULT_LAYER,
                                         format_func=lambda k: t(LAYERS[k].label_key, lang))
    ui.to_url("layer", drawn_layer, DEFAULT_LAYER)
    drawn = [drawn_layer, ui.cercle_selectbox(col_select, table, SEL_KEY),
             col_tiles.toggle(ui.tr("overview.tiles"), value=False, key="online_tiles",
                              help=ui.tr("overview.tiles_help"))]
    # Tension reports: one point layer over any choropleth, filtered by date of occurrence.
    col_tension, col_dates = st.columns([1, 3], vertical_alignment="bottom")
    drawn_dates = None
    if col_tension.toggle(ui.tr("layer.tensions"), value=True, key="show_tensions",
                          disabled=reports.empty) and not reports.empty:
        drawn_dates = (first, last)
        if first < last:
            drawn_dates = col_dates.slider(ui.tr("overview.tension_dates"), first, last,
                                           (first, last), format="DD/MM/YYYY",
                                           key="tension_dates")
            ui.to_url("reports", "/".join(d.isoformat() for d in drawn_dates),
                      f"{first.isoformat()}/{last.isoformat()}")
        col_dates.caption(ui.tr("overview.tension_count",
                                n=ui.count(len(ui.tension_points(*drawn_dates)))))
    drawn += [drawn_dates and tuple(drawn_dates),
              col_tension.toggle(ui.tr("overview.actions"), value=not registered.empty,
                                 key="show_actions", help=ui.tr("overview.actions_help"),
                                 disabled=registered.empty) and not registered.empty]
if tuple(drawn) != peeked and st.session_state.get("_overview_redrawn") != drawn:
    st.session_state["_overview_redrawn"] = drawn    # a control did not hold what the map
    st.rerun()                                       # was drawn with: once more, with it

# The table is drawn on request: its grid code weighs ~1.7 MB and slows the map's first draw.
if st.toggle(ui.tr("overview.table"), key="show_table"):
    shown = table[["cercle_fr", "region_fr", "population", "area_km2", "density",
                   "n_communes"]].rename(columns={
                       "cercle_fr": ui.tr("field.cercle"), "region_fr": ui.tr("field.region"),
                       "population": ui.tr("field.population"),
                       "area_km2": f"{ui.tr('field.area')} ({ui.tr('unit.km2')})",
                       "density": f"{ui.tr('field.density')} ({ui.tr('unit.per_km2')})",
                       "n_communes": ui.tr("field.communes")})
    ui.dataframe(shown.round(1), width="stretch")
