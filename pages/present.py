"""Presentation mode (a projector in a briefing room): one full-width map, its legend large
beside it, the title with the as-of date; no sidebar, no widgets. It cycles through the
chosen layers on a timer and is live: every refresh reads the store again, so a CLI import or
another user's change appears without a reload. Its URL reproduces it:
``/present?layers=risk_score,gap_class&every=20&refresh=10``."""

import time
from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo.analysis import counts, coverage
from geo.outputs import maps
from geo.records import store
from geo.i18n import format_date, format_number
from geo.outputs.layers import LAYERS, layer_classes
from ui import coverage as ui_cov
from ui import risk as ui_risk

page = ui.begin("present", title=False, intro=False)

DEFAULT_LAYERS = ("risk_score", "gap_class", "mediators_per_10k")
lang = page.lang


def _ints(raw, default, lo, hi):
    try:
        return min(max(int(raw), lo), hi)
    except (TypeError, ValueError):
        return default


asked = [k for k in (st.query_params.get("layers") or "").split(",") if k in LAYERS]
layers = asked or list(DEFAULT_LAYERS)
every = _ints(st.query_params.get("every"), 20, 5, 600)        # seconds per layer
refresh = _ints(st.query_params.get("refresh"), 10, 2, 600)    # seconds between store reads

st.html("""<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
  .block-container {padding-top: 1rem !important; max-width: 100% !important;}
  .veille-present-legend .veille-legend {font-size: 1.35rem; line-height: 1.5;
    max-width: none; box-shadow: none; padding: 0;}
  .veille-present-legend .lg-title {font-size: 1.6rem; font-weight: 700;}
  .veille-present-legend .lg-unit {font-size: 1.1rem; color: #333; margin-bottom: .4rem;}
  .veille-present-legend .lg-row {display: flex; align-items: center; gap: .6rem;}
  .veille-present-legend .lg-sw {width: 2.2rem; height: 1.3rem; border: 1px solid #777;
    flex: none;}
  .veille-present-legend .lg-nodata {background: repeating-linear-gradient(45deg,
    #d9d9d9 0 3px, #f7f7f7 3px 6px);}
</style>""")


@st.fragment(run_every=refresh)
def live() -> None:
    try:
        _live()
    except Exception as err:  # noqa: BLE001 - the store unreachable: said, tried at the next
        if store.failure(err) != "unreachable":           # refresh; anything else raised
            raise
        ui.store_down(st.container(), retry=False)


def _live() -> None:
    view = ui_risk.current_view()
    table = ui_cov.published_table(view)           # reads the store's current content
    as_of = table.attrs["as_of"]
    key = layers[int(time.time() // every) % len(layers)]
    layer = LAYERS[key]
    units_gdf = ui.display_cercles()[["geometry"]].join(table)
    words = coverage.gap_words(ui_cov.rule().risk_level, lang)
    st.markdown(f"## {ui.tr(layer.label_key)} — "
                f"{ui.tr('present.as_of', date=format_date(as_of, lang))}")
    col_map, col_legend = st.columns([4, 1.3], vertical_alignment="center")
    with col_map:
        fmap = maps.choropleth_map(units_gdf, layer, lang, ui.display_regions(),
                                   assets=ui.map_assets(), height_px=720,
                                   class_words=words, legend_inside=False)
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
        st.caption(ui.tr("present.refreshed", at=datetime.now().strftime("%H:%M:%S"),
                     every=refresh, n=len(layers)))
        if store.demo_in_use(ui.engine()):
            st.warning(ui.tr("present.demo"))


live()
st.page_link("pages/overview.py", label=ui.tr("present.leave"))
