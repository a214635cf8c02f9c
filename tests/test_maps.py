"""The Overview map builder: a folium.Map that works offline, with explicit no-data styling."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from tests.support import indicator_table
from geo.outputs import maps
from geo.reference import units
from geo.outputs.assets import map_assets


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
    layer = next(g for g in _geojson_layers(fmap) if g.layer_name == "cercles")
    fills = [layer.style_function(feats[k])["fillColor"] for k in ("a", "b")]
    assert fills[0] != fills[1]
    assert layer.style_function(feats["c"]) == maps.NO_DATA_STYLE
    # a feature carries its tooltip's fields and the id a click selects, nothing else
    # (the population layer's value is the tooltip's population line: no value_txt)
    assert set(feats["a"]["properties"]) == {"cercle_id", "name", "region", "pop_txt",
                                             "density_txt", "area_txt"}
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
    table = indicator_table()
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
    assert maps.map_html_size(fmap) <= 100_000


def test_home_map_with_the_demo_reports_within_budget(tmp_path):
    """Issue 18: the Overview's first map — default layer, region outlines, towns and the
    default report points (every report of the demo but the false ones) — <= 160 KB."""
    from geo.ingest import demo
    from geo.records import store
    from geo.analysis.indicators import tension_points

    engine = store.make_engine(f"sqlite:///{tmp_path}/demo.sqlite")
    demo.ensure_initialised(engine)
    reports = store.load_records(engine, "tensions")
    points = tension_points(reports[reports["verification"] != "false"])
    shown = units.display_cercles()[["geometry"]].join(indicator_table())
    fmap = maps.choropleth_map(shown, "density", "fr", units.display_regions(),
                               tension_points=points, legend_inside=False)
    assert len(points) > maps.POINTS_MAX
    assert maps.map_html_size(fmap) <= 160_000


def test_outlines_are_encoded_polylines_of_the_rounded_coordinates():
    """Each unit's rings, exterior first, holes after, parts of a MultiPolygon in order, as
    Google encoded polylines at 1e-4° without the closing vertex: decoding gives back the
    coordinates rounded to 4 decimals."""
    import polyline
    from shapely.geometry import MultiPolygon, Polygon

    square = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (1, 2), (2, 2), (2, 1)]])
    tri = Polygon([(-3.123456, 14.98765), (-3.0, 15.2), (-2.91, 14.9)])
    (one,), (two, three) = maps.encoded_polygons([square, MultiPolygon([tri, square])])
    assert [polyline.decode(r, 4, geojson=True) for r in one] == [
        [(0, 0), (4, 0), (4, 4), (0, 4)], [(1, 1), (1, 2), (2, 2), (2, 1)]]
    assert polyline.decode(two[0], 4, geojson=True) == [(-3.1235, 14.9877), (-3.0, 15.2),
                                                        (-2.91, 14.9)]
    assert len(three) == 2
    # no "{{" reaches branca's second Jinja pass, whatever the strings hold
    assert "{" not in maps.EncodedGeometry([["{{a"]]).shapes_json


@pytest.mark.browser
def test_browser_decodes_the_outlines_it_was_sent(national):
    """The JavaScript decoder against the Python encoder: Leaflet's rings of every cercle
    and region, once the map ran in Chromium, are the display geometry rounded to 1e-4°."""
    from playwright.sync_api import sync_playwright

    from geo.outputs.assets import LEAFLET_VERSION, STATIC_DIR, install_static_assets
    from tests.support import CHROMIUM, CHROMIUM_ARGS

    fmap, shown = national
    install_static_assets()
    html = fmap.get_root().render()
    leaflet = (STATIC_DIR / "vendor" / f"leaflet-{LEAFLET_VERSION}" / "leaflet.js").read_text()
    html = re.sub(r'<script src="[^"]+leaflet.js"></script>', lambda _m: "", html)
    layers = {g.layer_name: g.get_name() for g in _geojson_layers(fmap)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort())      # nothing leaves the page
        page.set_content(html.replace("<head>", f"<head><script>{leaflet}</script>", 1))
        drawn = page.evaluate("""(names) => Object.fromEntries(Object.entries(names).map(
            ([key, name]) => [key, window[name].getLayers().map(l => l.toGeoJSON().geometry)]))""",
                              layers)
        browser.close()

    def rings(geom):
        parts = getattr(geom, "geoms", [geom])
        return [[[[round(x, 4), round(y, 4)] for x, y in r.coords]
                 for r in (p.exterior, *p.interiors)] for p in parts]

    def seen(g):
        return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]

    for key, frame in (("cercles", shown), ("regions", units.display_regions())):
        assert len(drawn[key]) == len(frame)
        for geom, got in zip(frame.geometry, drawn[key]):
            assert seen(got) == rings(geom), key


def test_selection_layer(national):
    _, shown = national
    group = maps.selection_layer(shown, "mli-kidal")
    (child,) = group._children.values()
    assert [f["properties"]["cercle_id"] for f in child.data["features"]] == ["mli-kidal"]
    assert maps.selection_layer(shown, None)._children == {}
    assert maps.selection_layer(shown, "mli-nowhere")._children == {}
    json.dumps(child.data)


def test_report_points_are_never_more_precise_than_the_report():
    """Each report at its own precision or, when that place is unknown, the next coarser
    unit the report names; coordinates are used for exact reports only."""
    import pandas as pd

    from geo import reference
    from geo.analysis.indicators import tension_points

    pts = reference.load().points
    com = units.load_communes().iloc[0]
    commune, cercle, region = com["commune_id"], com["cercle_id"], com["region_id"]
    rows = [  # precision, commune, cercle, region, latitude, longitude
        ("exact", commune, cercle, region, 14.5, -4.25),       # its coordinates
        ("exact", commune, cercle, region, None, None),        # no coordinates: its commune
        ("commune", commune, cercle, region, 14.5, -4.25),     # coordinates ignored
        ("cercle", commune, cercle, region, None, None),       # not its commune's point
        ("region", commune, cercle, region, 14.5, -4.25),
        ("cercle", None, "nowhere", region, None, None),       # unknown cercle: its region
        ("commune", None, None, None, None, None),             # no place at all
        ("exact", None, None, region, float("nan"), -4.25),    # half a coordinate: region
    ]
    frame = pd.DataFrame(rows, columns=["location_precision", "commune_id", "cercle_id",
                                        "region_id", "latitude", "longitude"],
                         index=range(10, 18))
    placed = tension_points(frame)
    got = [None if g is None else (g.x, g.y) for g in placed.geometry]

    def at(level, code):
        return (pts[level][code].x, pts[level][code].y)

    assert got == [(-4.25, 14.5), at("commune", commune), at("commune", commune),
                   at("cercle", cercle), at("region", region), at("region", region), None,
                   at("region", region)]
    assert list(placed.index) == list(range(8)) and placed.crs.to_epsg() == 4326


def test_no_report_places_nothing():
    """An empty period (a store without reports) gives an empty layer, whatever columns the
    frame has."""
    import pandas as pd

    from geo.analysis.indicators import tension_points

    empty = tension_points(pd.DataFrame(columns=["occurred_on", "category", "severity"]))
    assert len(empty) == 0 and empty.crs.to_epsg() == 4326
    assert list(empty.columns) == ["occurred_on", "category", "severity", "geometry"]


def test_region_names_do_not_collide_with_their_capitals_label():
    """Issue 31: "MO Mopti" — the region's name written over its capital's. A region named
    like a town within 1.5° is left out (the town's label names it); the others stay."""
    from geo import reference
    from geo.outputs import maps as maps_module

    ref = reference.load()
    names = [name for _lat, _lon, name in maps_module.region_labels(ref.regions, ref.towns)]
    assert names == ["Tombouctou", "Gao", "Kidal"]
