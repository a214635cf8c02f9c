"""The Overview map builder: a folium.Map that works offline, with explicit no-data styling."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo import maps, units
from geo.assets import map_assets
from geo.indicators import cercle_indicators


@pytest.fixture
def three_units():
    """Three 1°x1° squares; the third has no value."""
    return gpd.GeoDataFrame({
        "cercle_id": ["a", "b", "c"], "cercle_fr": ["Aé", "Bé", "Cé"],
        "region_fr": ["R1", "R1", "R2"], "population": [1000, 2000, np.nan],
        "area_km2": [10.0, 20.0, 30.0], "density": [100.0, 100.0, np.nan],
    }, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:4326")


def _rendered(fmap):
    """The map's HTML with JSON \\uXXXX escapes decoded (folium writes strings as JSON)."""
    html = fmap.get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def _geojson_layers(fmap):
    return [c for c in fmap._children.values() if c.__class__.__name__ == "GeoJson"]


def _features(fmap, name="cercles"):
    layer = next(g for g in _geojson_layers(fmap) if g.layer_name == name)
    return layer.data["features"]


def test_units_are_styled_by_class_and_missing_values_explicitly(three_units):
    fmap = maps.choropleth_map(three_units, "population", "fr")
    feats = {f["properties"]["cercle_id"]: f for f in _features(fmap)}
    # population 1000 and 2000 -> breaks [1000, 1500, 2000]: one unit in each class
    style = maps._styler(maps.LAYERS["population"])
    fills = [style(feats[k])["fillColor"] for k in ("a", "b")]
    assert fills[0] != fills[1]
    assert style(feats["c"]) == maps.NO_DATA_STYLE
    assert feats["c"]["properties"]["pop_txt"] == "Pas de données"
    assert feats["a"]["properties"]["pop_txt"] == "1\u202f000"
    html = _rendered(fmap)
    assert "Pas de données" in html and "lg-nodata" in html


def test_legend_caption_units_and_classes(three_units):
    html = maps.legend_html(maps.LAYERS["density"], [0.19, 3.2, 14.0], ["#ffffff", "#000000"],
                            "fr", has_missing=False)
    assert "Densité de population" in html and "hab./km²" in html
    assert "0,19 – 3,2" in html and "3,2 – 14" in html
    assert "Pas de données" not in html
    html_en = maps.legend_html(maps.LAYERS["density"], [0.19, 3.2], ["#fff"], "en", True)
    assert "Population density" in html_en and "people/km²" in html_en and "No data" in html_en


def test_tooltip_is_translated(three_units):
    fr = _rendered(maps.choropleth_map(three_units, "density", "fr"))
    en = _rendered(maps.choropleth_map(three_units, "density", "en"))
    assert "Superficie (km²)" in fr and "Région" in fr
    assert "Area (km²)" in en and "Region" in en and "Superficie" not in en


def test_only_local_assets_and_no_basemap_by_default(three_units):
    html = maps.choropleth_map(three_units).get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls == ["/app/static/vendor/leaflet-1.9.3/leaflet.js",
                    "/app/static/vendor/leaflet-1.9.3/leaflet.css"]
    assert "tile.openstreetmap" not in html and "d3" not in urls
    online = maps.choropleth_map(three_units, online_tiles=True).get_root().render()
    assert "tile.openstreetmap.org" in online


def test_assets_follow_the_base_url_path(three_units):
    fmap = maps.choropleth_map(three_units, assets=map_assets("veille/"))
    assert fmap.default_js == [("leaflet", "/veille/app/static/vendor/leaflet-1.9.3/leaflet.js")]


def test_no_branca_colormap_in_the_tree(three_units):
    """streamlit-folium would add d3 from a CDN for any branca ColorMap child: offline, the
    map would never draw."""
    import branca.colormap as cm

    def walk(el):
        yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    fmap = maps.choropleth_map(three_units)
    assert not any(isinstance(el, cm.ColorMap) for el in walk(fmap))


@pytest.fixture(scope="module")
def national():
    table = cercle_indicators()
    shown = units.display_cercles()[["geometry"]].join(table)
    return maps.choropleth_map(shown, "density", "fr", units.display_regions()), shown


def test_national_map_has_fifty_cercles_and_non_interactive_regions(national):
    fmap, _ = national
    feats = _features(fmap)
    assert len(feats) == 50
    assert {f["properties"]["cercle_id"] for f in feats} == set(units.load_cercles().index)
    mopti = next(f["properties"] for f in feats if f["properties"]["cercle_id"] == "mli-mopti")
    assert mopti["name"] == "Mopti" and mopti["pop_txt"] == "368\u202f512"
    regions = next(g for g in _geojson_layers(fmap) if g.layer_name == "regions")
    assert len(regions.data["features"]) == 9
    assert "interactive" in regions.options and regions.options["interactive"] is False


def test_national_map_payload_within_budget(national):
    fmap, _ = national
    assert maps.map_html_size(fmap) <= 200_000


def test_selection_layer(national):
    _, shown = national
    group = maps.selection_layer(shown, "mli-kidal")
    (child,) = group._children.values()
    assert [f["properties"]["cercle_id"] for f in child.data["features"]] == ["mli-kidal"]
    assert maps.selection_layer(shown, None)._children == {}
    assert maps.selection_layer(shown, "mli-nowhere")._children == {}
    json.dumps(child.data)
