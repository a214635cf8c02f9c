"""Warm a server process's caches when it starts, not on its first visitor (issue 18), and
register the components its pages use (issue 27).

The first page of a new process otherwise pays for everything at once: importing the
pages' libraries, opening the store (and loading the demo of a new one), reading its
records, computing the default view's indicators, scores, coverage and alerts, and building
one map (folium's templates compiled). :func:`warm` does the same with the default view,
through the same cached functions the pages call, so their entries are found by the first
run. It runs in a background thread started by the server's lifespan
(:func:`ui.server.lifespan`): the server answers meanwhile, and a visitor arriving
during the warm-up waits on the same cache entries instead of computing them twice.
"""

from __future__ import annotations

import logging
import threading
import time

LOG = logging.getLogger("veille.warm")


def warm() -> float:
    """Compute what the Overview's first run needs with the default view, then the
    Methodology page's evaluations; the seconds."""
    t0 = time.perf_counter()
    import ui
    from geo.records import actions
    from geo.analysis import coverage, indicators
    from geo.outputs import maps
    from geo.analysis.view import Analysis
    from geo.analysis.forecast import DEFAULT_HORIZON
    from geo.outputs.layers import DEFAULT_LAYER
    from ui import coverage as ui_cov, monitor as ui_mon, risk as ui_risk

    ui.install_assets()
    view = Analysis.default(ui_risk.base_method())
    table = ui_cov.published_table(view, coverage.GapRule())   # a session's first rule
    ui_mon.alerts(table.attrs["as_of"])
    reports = indicators.counted_reports(ui.records("tensions"))
    actions.listing(ui.engine())
    for kind in ("workshops", "mediators"):
        ui.records(kind)
    period = ui.report_period(reports)      # the Overview's default: first to last day
    points = ui.tension_points(*period) if period else None
    units_gdf = ui.display_cercles()[["geometry"]].join(table)
    fmap = maps.choropleth_map(units_gdf, DEFAULT_LAYER, "fr", ui.display_regions(),
                               assets=ui.map_assets(), tension_points=points,
                               class_words=coverage.gap_words(
                                   coverage.RISK_LEVELS[coverage.DEFAULT_RISK_LEVEL], "fr"),
                               legend_inside=False)
    fmap.get_root().render()
    ui.display_communes()
    ui.communes()
    # the brief's first click (issue 31): the previous period's table and the libraries that
    # draw its maps and lay out its PDF (fonts found once)
    from datetime import timedelta

    from geo.outputs import static_maps  # noqa: F401 - matplotlib imported here
    ui_risk.table_for(view.replace(as_of=table.attrs["as_of"] - timedelta(days=view.window_days)))
    try:
        from weasyprint import HTML

        HTML(string="<p>Veille</p>").write_pdf()
    except OSError:                      # pango missing: the brief serves its HTML only
        pass
    # the Methodology page's summary: the forecast's evaluation and the score's back-test
    # (seconds each; cached per store content, so computed once for every visitor)
    ui_risk.forecast_evaluation(ui.store_token(), DEFAULT_HORIZON)
    ui_risk.score_backtest(ui.store_token(), view.method, view.window_days, DEFAULT_HORIZON,
                           view.unverified_weight)
    return time.perf_counter() - t0


def register_components() -> None:
    """Register every component the pages use with this process's runtime: streamlit-folium's
    map (by itself it would register only when first imported during a page's run) and the
    map watcher (``st.components.v2``, :func:`ui.wait_for_map`). A browser that another
    replica's death moves here asks for a component's frame before this process has drawn
    any page: without this, "Component not found" and a blank map until a reload (issue 27).
    """
    import streamlit_folium
    from streamlit import runtime

    from ui import page

    # streamlit-folium declares its component when imported, but registers it only when
    # imported during a page's run (it asks for the run's context): outside one, register it
    runtime.get_instance().component_registry.register_component(
        streamlit_folium._component_func)
    page._map_drawn_watcher()


def _run() -> None:
    from streamlit import runtime

    # Streamlit's runtime (its caches' storage, the components' registry: the map
    # component registers itself when first imported) starts after the lifespan has begun
    deadline = time.monotonic() + 60
    while not runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        register_components()
    except Exception:  # noqa: BLE001 - logged: a bug to fix (the maps would not draw)
        LOG.exception("registering the components failed")
    try:
        seconds = warm()
    except Exception:  # noqa: BLE001 - a visitor will compute what failed, and see why
        LOG.exception("warming the caches failed")
    else:
        freeze()
        LOG.warning("caches warmed in %.1f s", seconds)


def freeze() -> None:
    """Collect, then move every object alive (modules, the warmed caches) out of the garbage
    collector's reach (``gc.freeze``): with Streamlit's collection after each run off
    (``runner.postScriptGC``, ``.streamlit/config.toml``), the collections Python still runs,
    and :func:`ui.server._give_back_memory`'s every minute, scan only what was made since."""
    import gc

    gc.collect()
    gc.freeze()


def start() -> threading.Thread:
    """Start :func:`register_components` and :func:`warm` in a daemon thread (the server
    does not wait for it). The map component's module is imported here, before the server
    answers, so that it is registered within moments of the runtime's start."""
    import streamlit_folium  # noqa: F401 - the slow part of registering it

    thread = threading.Thread(target=_run, name="veille-warm", daemon=True)
    thread.start()
    return thread
