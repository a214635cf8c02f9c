"""A map's HTML built once per content and language (issue 32: ui.map_cache)."""

import gc
import threading
import time

import geopandas as gpd
import pytest
import streamlit_folium
from shapely.geometry import box

from geo.outputs import maps
from ui import map_cache


def _units(density=(1.0, 2.0)) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"cercle_id": ["C1", "C2"], "cercle_fr": ["Un", "Deux"], "region_fr": ["R", "R"],
         "population": [100, 200], "density": list(density), "area_km2": [10.0, 20.0]},
        geometry=[box(-4, 12, -3, 13), box(-3, 12, -2, 13)], crs="EPSG:4326",
        index=["C1", "C2"])


@pytest.fixture
def component(monkeypatch):
    """streamlit-folium's component replaced by a recorder of what it is handed."""
    calls = []
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kwargs: calls.append(kwargs))
    map_cache.clear()
    yield calls
    map_cache.clear()


def test_show_hands_the_component_what_st_folium_does(component):
    units = _units()
    streamlit_folium.st_folium(
        maps.choropleth_map(units, "density", "fr", legend_inside=False), key="m", height=500,
        use_container_width=True, returned_objects=["last_active_drawing", "last_object_clicked"],
        feature_group_to_add=maps.selection_layer(units, "C2"), center=(12.5, -3.0), zoom=7)
    prep = map_cache.prepare(maps.choropleth_map(units, "density", "fr", legend_inside=False))
    map_cache.show(prep, "m", 500, ["last_active_drawing", "last_object_clicked"],
                   feature_group=map_cache.outline_script(units, "C2"), center=(12.5, -3.0),
                   zoom=7)
    theirs, ours = component
    theirs.pop("on_change"), ours.pop("on_change")
    assert ours == theirs
    assert "C2" in ours["feature_group"] and ours["key"] == theirs["key"]


def test_same_content_same_object_built_once(component):
    built = []

    def build():
        built.append(1)
        return maps.choropleth_map(_units(), "density", "fr", legend_inside=False)

    first = map_cache.prepared(build, "t", _units(), "density", "fr")
    again = map_cache.prepared(build, "t", _units(), "density", "fr")
    assert again is first and len(built) == 1


def test_other_language_or_values_other_map(component):
    def build(lang, units):
        return lambda: maps.choropleth_map(units, "density", lang, legend_inside=False)

    fr = map_cache.prepared(build("fr", _units()), "t", _units(), "density", "fr")
    en = map_cache.prepared(build("en", _units()), "t", _units(), "density", "en")
    changed = map_cache.prepared(build("fr", _units((1.0, 3.0))), "t", _units((1.0, 3.0)),
                                 "density", "fr")
    assert en is not fr and changed is not fr
    assert "Densité de population" in maps.legend_row_html(fr)
    assert "Population density" in maps.legend_row_html(en)


def test_fingerprint_sees_geometry_and_index():
    units = _units()
    moved = units.copy()
    moved.loc["C2", "geometry"] = box(-3, 12, -1, 13)
    assert map_cache.fingerprint(units) == map_cache.fingerprint(_units())
    assert map_cache.fingerprint(moved) != map_cache.fingerprint(units)
    assert map_cache.fingerprint(units.iloc[:1]) != map_cache.fingerprint(units)
    assert map_cache.fingerprint(None, "fr") != map_cache.fingerprint(None, "en")


def test_a_shared_frame_is_digested_once_while_it_lives(monkeypatch):
    digested = []
    real = map_cache._frame_digest
    monkeypatch.setattr(map_cache, "_frame_digest", lambda f: digested.append(id(f)) or real(f))
    units = map_cache.shared(_units())
    first = map_cache.fingerprint(units, "fr")
    assert map_cache.fingerprint(units, "fr") == first == map_cache.fingerprint(_units(), "fr")
    assert digested.count(id(units)) == 1
    assert map_cache.fingerprint(units, "en") != first            # the other parts still count
    # another frame (even equal, even shared) is digested on its own; a frame gone is forgotten
    other = map_cache.shared(_units((1.0, 3.0)))
    assert map_cache.fingerprint(other, "fr") != first
    key = id(units)
    del units
    gc.collect()
    assert key not in map_cache._SHARED
    # frames not shared: digested on every call
    plain = _units()
    map_cache.fingerprint(plain)
    map_cache.fingerprint(plain)
    assert digested.count(id(plain)) == 2


def test_least_recently_used_map_dropped(component, monkeypatch):
    monkeypatch.setattr(map_cache._MAPS, "size", 2)
    one = map_cache.prepared(lambda: maps.choropleth_map(_units(), "density", "fr"), "a")
    map_cache.prepared(lambda: maps.choropleth_map(_units(), "density", "fr"), "b")
    assert map_cache.prepared(lambda: None, "a") is one        # a used again: b is older
    map_cache.prepared(lambda: maps.choropleth_map(_units(), "density", "fr"), "c")
    assert list(map_cache._MAPS.items) == [map_cache.fingerprint("a"),
                                           map_cache.fingerprint("c")]


def test_a_map_missing_is_built_once_while_sessions_wait_for_it():
    """Regression (issue 32): in a briefing room on a new process every session built the
    same map at once (0.3 s of the process's core each)."""
    cache = map_cache._Lru(4)
    calls, results = [], []

    def make():
        calls.append(1)
        time.sleep(0.2)
        return object()

    threads = [threading.Thread(target=lambda: results.append(cache.get("k", make)))
               for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1 and len(results) == 8 and len({id(r) for r in results}) == 1
    assert cache.making == {}


def test_when_the_builder_fails_a_waiting_session_builds_it():
    cache = map_cache._Lru(4)
    started, go = threading.Event(), threading.Event()

    def failing():
        started.set()
        go.wait()
        raise RuntimeError("no map")

    errors = []

    def first():
        try:
            cache.get("k", failing)
        except RuntimeError as exc:
            errors.append(str(exc))

    one = threading.Thread(target=first)
    one.start()
    started.wait()
    got = []
    two = threading.Thread(target=lambda: got.append(cache.get("k", lambda: "built")))
    two.start()
    time.sleep(0.05)
    assert got == []                              # waiting for the first builder
    go.set()
    one.join()
    two.join()
    assert errors == ["no map"] and got == ["built"] and cache.making == {}
