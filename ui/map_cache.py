"""A map's HTML built once per content and language, not on every run (issue 32).

Building a folium map (GeoJSON of every cercle, the layer's classes and tooltips) and then
what ``st_folium`` sends of it (folium's Jinja templates rendered, the Leaflet script
rewritten with stable names, its hash) was the costliest part of a page's run: about a
quarter of a warm view's server time. The same map comes back again and again (a page
revisited, another visitor, the same layer and dates), so :func:`prepared` keeps what
``st_folium`` computes from a map (:class:`Prepared`) under a fingerprint of what the map
is built from, and :func:`show` hands it to streamlit-folium's component exactly as
``st_folium`` does (``tests/test_map_cache.py`` compares the two). The selected cercle's
outline (drawn over the map without rebuilding it) is kept per cercle the same way.

Kept in this process, shared by every session, read-only; at most :data:`MAX_MAPS` maps
(least recently used dropped first).
"""

from __future__ import annotations

import collections
import hashlib
import pickle
import threading
import weakref
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

#: Maps kept per process (each a few hundred KB of script).
MAX_MAPS = 32
#: Selection outlines kept per process (one per cercle and map geometry).
MAX_OUTLINES = 128


@dataclass
class Prepared:
    """What ``st_folium`` computes from a folium map, computed once."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: dict
    zoom: object
    css_links: list[str]
    js_links: list[str]
    legends: list[str]              # the map's legend blocks (maps.legend_row_html)
    hashes: dict = field(default_factory=dict)   # component key per (widget key, hover)

    @property
    def veille_legends(self) -> list[str]:         # read by geo.outputs.maps.legend_row_html
        return self.legends

    def component_key(self, key: str | None, return_on_hover: bool = False) -> str:
        from streamlit_folium import generate_js_hash

        tag = (key, return_on_hover)
        if tag not in self.hashes:
            self.hashes[tag] = generate_js_hash(self.script, key, return_on_hover)
        return self.hashes[tag]


class _Lru:
    """The ``size`` values last used, by key; a value missing is made once: the sessions
    asking for it meanwhile wait for it (a briefing room's first minutes on a new process:
    25 sessions each built the same map, 0.3 s of the process's core each)."""

    def __init__(self, size: int):
        self.size = size
        self.items: collections.OrderedDict = collections.OrderedDict()
        self.making: dict = {}              # key: the Event set once its value is made
        self.lock = threading.Lock()

    def get(self, key, make):
        while True:
            with self.lock:
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
                made = self.making.get(key)
                if made is None:
                    self.making[key] = made = threading.Event()
                    break
            made.wait()             # made by another session (or failed: then made here)
        try:
            value = make()
            with self.lock:
                self.items[key] = value
                self.items.move_to_end(key)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
            return value
        finally:
            with self.lock:
                del self.making[key]
            made.set()

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_MAPS = _Lru(MAX_MAPS)
_OUTLINES = _Lru(MAX_OUTLINES)


def clear() -> None:
    """Forget every kept map and outline."""
    _MAPS.clear()
    _OUTLINES.clear()


#: The digests of frames kept between runs and never changed (:func:`shared`), by identity
#: while they live.
_SHARED: dict[int, list] = {}
_SHARED_LOCK = threading.Lock()


def shared(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``, noted as one kept between runs and never changed (a process-wide cache's:
    :func:`ui.data.tension_points`): :func:`fingerprint` digests it once while it lives
    (the Overview's 2,000 tension points took 6 of a run's ~10 ms of digests)."""
    key = id(frame)

    def gone(ref, key=key):
        with _SHARED_LOCK:
            if _SHARED.get(key, [None])[0] is ref:
                del _SHARED[key]

    with _SHARED_LOCK:
        kept = _SHARED.get(key)
        if kept is None or kept[0]() is not frame:
            _SHARED[key] = [weakref.ref(frame, gone), None]
    return frame


def _frame_digest(frame: pd.DataFrame) -> bytes:
    """A frame's digest: its pickle without geometries (index, columns, every value;
    ``attrs`` left out), then each geometry column's coordinates."""
    import shapely

    digest = hashlib.sha256()
    geometry_cols = [c for c, dtype in frame.dtypes.items() if dtype == "geometry"]
    plain = pd.DataFrame(frame, copy=False).drop(columns=geometry_cols)
    plain.attrs = {}
    digest.update(pickle.dumps(plain, protocol=5))
    for c in geometry_cols:
        shapes = frame[c].to_numpy()
        digest.update(repr(c).encode())
        digest.update(shapely.get_num_coordinates(shapes).tobytes())
        digest.update(shapely.get_num_geometries(shapes).tobytes())
        digest.update(shapely.get_coordinates(shapes).tobytes())
    return digest.digest()


def fingerprint(*parts) -> str:
    """A digest of what a map is built from: frames by :func:`_frame_digest` (once while
    they live for a :func:`shared` one), other values by their ``repr``, part by part.
    About a millisecond for a table of the cercles with their outlines (pandas' own row
    hashes took 5 ms, the geometries' WKB 7 ms)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            with _SHARED_LOCK:
                kept = _SHARED.get(id(part))
            if kept is not None and kept[0]() is part:
                if kept[1] is None:
                    kept[1] = _frame_digest(part)
                digest.update(kept[1])
            else:
                digest.update(_frame_digest(part))
        else:
            digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _walk(fig):
    import branca
    import folium.elements

    if isinstance(fig, branca.colormap.ColorMap):
        yield fig
    if isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def prepare(fmap) -> Prepared:
    """What ``st_folium`` computes from ``fmap`` (a ``folium.Map``) before it calls its
    component: the same steps, with streamlit-folium's own functions."""
    import streamlit_folium as sf

    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    southwest, northeast = fmap.get_bounds()
    bounds = {"_southWest": {"lat": southwest[0], "lng": southwest[1]},
              "_northEast": {"lat": northeast[0], "lng": northeast[1]}}
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(fmap):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return Prepared(script=script, header=header, html=html, map_id=sf.get_full_id(fmap),
                    bounds=bounds, zoom=fmap.options.get("zoom"),
                    css_links=list(dict.fromkeys(css)), js_links=list(dict.fromkeys(js)),
                    legends=list(getattr(fmap, "veille_legends", [])))


def prepared(build: Callable, *content) -> Prepared:
    """The map ``build()`` makes, prepared (:func:`prepare`), kept under the fingerprint of
    ``content`` (everything the map is built from: its frames, layer, language, dates...):
    ``build`` runs only when no map of that content is kept."""
    return _MAPS.get(fingerprint(*content), lambda: prepare(build()))


def outline_script(units_gdf, cercle_id: str | None) -> str:
    """The selected cercle's outline as ``st_folium`` sends a ``feature_group_to_add``,
    kept per cercle and geometry."""
    def make() -> str:
        import folium
        import streamlit_folium as sf

        from geo.outputs import maps

        host = folium.Map()
        host._id = "div"        # the id st_folium leaves on a rendered map ("map_div")
        return sf._get_feature_group_string(maps.selection_layer(units_gdf, cercle_id),
                                            map=host, idx=0)

    chosen = units_gdf[units_gdf["cercle_id"] == cercle_id] if cercle_id else units_gdf[:0]
    return _OUTLINES.get(fingerprint(cercle_id, chosen[["cercle_id", "geometry"]]), make)


_DEFAULTS = ("last_clicked", "last_object_clicked", "last_object_clicked_count",
             "last_object_clicked_tooltip", "last_object_clicked_popup", "all_drawings",
             "last_active_drawing", "bounds", "zoom", "last_circle_radius",
             "last_circle_polygon", "selected_layers", "selected_tags",
             "last_geocoder_result")


def show(prep: Prepared, key: str, height: int, returned_objects: Iterable[str],
         feature_group: str | None = None, center=None, zoom=None):
    """``st_folium(fmap, key=key, height=height, use_container_width=True,
    returned_objects=..., feature_group_to_add=..., center=..., zoom=...)`` for a prepared
    map (``feature_group``: :func:`outline_script`); what it returns."""
    import streamlit as st
    import streamlit_folium as sf

    returned = list(returned_objects)
    known = {"bounds": prep.bounds, "zoom": prep.zoom}
    defaults = {k: known.get(k) for k in _DEFAULTS if k in returned}
    hash_key = prep.component_key(key)

    def _on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=prep.script, header=prep.header, html=prep.html, id=prep.map_id,
        key=hash_key, height=height, width=None, returned_objects=returned,
        default=defaults, zoom=zoom, center=center, feature_group=feature_group,
        return_on_hover=False, layer_control=None, pixelated=False,
        css_links=prep.css_links, js_links=prep.js_links, on_change=_on_change,
        wrap_longitude=False)
