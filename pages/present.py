"""Presentation mode (a projector in a briefing room): the map and its legend fill the screen
(the map's frame sized to the window), the title with the as-of date; no sidebar. The layers
shown are chosen from the screen, the rotation paused and resumed there, and all of it is in
the URL, so that a link reproduces it:
``/present?layers=risk_score,gap_class&every=20&refresh=10`` (``&paused=1&layer=gap_class``).

Rotation is on time: a one-second clock (a fragment) picks the layer from the wall-clock time
elapsed since the rotation started (not from counting reruns), and redraws the page when the
layer changes or when the store changed (checked every ``refresh`` seconds)."""

import time
from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo.analysis import counts, coverage
from geo.outputs import maps
from geo.records import store
from geo.i18n import format_date, t
from geo.outputs.layers import LAYERS, layer_classes
from ui import coverage as ui_cov
from ui import risk as ui_risk

page = ui.begin("present", title=False, intro=False)

DEFAULT_LAYERS = ("risk_score", "gap_class", "mediators_per_10k")
#: Room kept above the map (the title and controls row), px.
TOP_ROOM = 78
lang = page.lang
ss = st.session_state


def _ints(raw, default, lo, hi):
    try:
        return min(max(int(raw), lo), hi)
    except (TypeError, ValueError):
        return default


asked = [k for k in (st.query_params.get("layers") or "").split(",") if k in LAYERS]
every = _ints(st.query_params.get("every"), 20, 5, 600)        # seconds per layer
refresh = _ints(st.query_params.get("refresh"), 10, 2, 600)    # seconds between store reads
ss.setdefault("present_layers", asked or list(DEFAULT_LAYERS))
ss.setdefault("present_paused", st.query_params.get("paused") == "1")

st.html(f"""<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"] {{display: none !important;}}
  .block-container {{padding: .4rem 1rem 0 1rem !important; max-width: 100% !important;}}
  .st-key-present_top h3 {{padding: 0; margin: 0; font-size: 1.55rem;}}
  .st-key-present_map_col iframe {{height: calc(100vh - {TOP_ROOM}px) !important;
    min-height: 300px;}}
  .veille-present-legend .veille-legend {{font-size: 1.35rem; line-height: 1.5;
    max-width: none; box-shadow: none; padding: 0;}}
  .veille-present-legend .lg-title {{font-size: 1.6rem; font-weight: 700;}}
  .veille-present-legend .lg-unit {{font-size: 1.1rem; color: #333; margin-bottom: .4rem;}}
  .veille-present-legend .lg-row {{display: flex; align-items: center; gap: .6rem;}}
  .veille-present-legend .lg-sw {{width: 2.2rem; height: 1.3rem; border: 1px solid #777;
    flex: none;}}
  .veille-present-legend .lg-nodata {{background: repeating-linear-gradient(45deg,
    #d9d9d9 0 3px, #f7f7f7 3px 6px);}}
</style>""")


def _current(layers: list[str]) -> str:
    """The layer on screen: the held one when paused, else the one the wall-clock time since
    the rotation started points at."""
    held = st.query_params.get("layer") or ss.get("present_shown")
    if ss["present_paused"] and held in layers:
        return held
    start = ss.setdefault("present_t0", time.time())
    return layers[int((time.time() - start) // every) % len(layers)]


def _pause() -> None:
    paused = not ss["present_paused"]
    ss["present_paused"] = paused
    if paused:                         # held: the layer on screen when the button was pressed
        st.query_params["layer"] = ss.get("present_shown", DEFAULT_LAYERS[0])
    else:                     # resume from the layer on screen, for a full period
        layers = ss["present_layers"] or list(DEFAULT_LAYERS)
        on = ss.get("present_shown", layers[0])
        ss["present_t0"] = time.time() - (layers.index(on) if on in layers else 0) * every


layers = ss["present_layers"] or list(DEFAULT_LAYERS)
key = _current(layers)
ss["present_shown"] = key
layer = LAYERS[key]
view = ui_risk.current_view()
table = ui_cov.published_table(view)           # reads the store's current content
as_of = table.attrs["as_of"]

top = st.container(key="present_top")
col_title, col_layers, col_pause, col_leave = top.columns([6, 1.3, 1.3, 1.4],
                                                          vertical_alignment="center")
col_title.markdown(f"### {ui.tr(layer.label_key)} — "
                   f"{ui.tr('present.as_of', date=format_date(as_of, lang))}")
with col_layers.popover(ui.tr("present.layers"), icon=":material/layers:", width="stretch"):
    st.pills(ui.tr("present.layers"), list(LAYERS), selection_mode="multi",
             key="present_layers", format_func=lambda k: t(LAYERS[k].label_key, lang))
col_pause.button(ui.tr("present.resume" if ss["present_paused"] else "present.pause"),
                 key="present_pause", on_click=_pause, width="stretch",
                 icon=":material/play_arrow:" if ss["present_paused"] else ":material/pause:")
col_leave.page_link("pages/overview.py", label=ui.tr("present.leave"))

# the URL says what the screen shows
ui.to_url("layers", ",".join(layers), ",".join(DEFAULT_LAYERS))
ui.to_url("paused", "1" if ss["present_paused"] else None)
ui.to_url("layer", key if ss["present_paused"] else None)

units_gdf = ui.display_cercles()[["geometry"]].join(table)
words = coverage.gap_words(ui_cov.rule().risk_level, lang)
col_map, col_legend = st.columns([4, 1.3], vertical_alignment="top")
with col_map.container(key="present_map_col"):
    fmap = maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                               assets=ui.map_assets(), height_px=720,
                               class_words=words, legend_inside=False)
    x0, y0, x1, y1 = units_gdf.total_bounds
    fmap.add_child(maps.FillFrame([[y0, x0], [y1, x1]]))
    st_folium(fmap, key="present_map", height=720, use_container_width=True,
              returned_objects=[])
values = units_gdf[layer.column].astype(float)
breaks, colours = layer_classes(layer, values)
with col_legend:
    st.html('<div class="veille-present-legend"><div class="veille-legend">'
            + maps.legend_html(layer, breaks, colours, lang, bool(values.isna().any()),
                               words) + "</div></div>")
    period = counts.period_reports(ui.records("tensions"), as_of, view.window_days)
    st.markdown(ui.md_escape(counts.count_text(period, lang)))
    if store.demo_in_use(ui.engine()):
        st.warning(ui.tr("present.demo"))
drawn_with = (key, ui.store_token())


@st.fragment(run_every=1)
def clock() -> None:
    """Every second: the layer the time points at, and every ``refresh`` seconds the store;
    the page is drawn again when either changed."""
    try:
        now = _current(ss["present_layers"] or list(DEFAULT_LAYERS))
        checked = ss.get("present_checked", 0.0)
        token = drawn_with[1]
        if time.time() - checked >= refresh:
            ss["present_checked"] = time.time()
            token = ui.store_token()
    except Exception as err:  # noqa: BLE001 - the store unreachable: said, tried again
        if store.failure(err) != "unreachable":
            raise
        ui.store_down(st.container(), retry=False)
        return
    if (now, token) != drawn_with:
        st.rerun()
    st.caption(ui.tr("present.paused" if ss["present_paused"] else "present.refreshed",
                     at=datetime.now().strftime("%H:%M:%S"), every=every, refresh=refresh,
                     n=len(layers)))


with col_legend:
    clock()
