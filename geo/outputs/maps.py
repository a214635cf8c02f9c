"""Map builders: pure functions that return a ``folium.Map`` (no Streamlit here).

The national choropleth is a ``folium.GeoJson`` of the cercles, styled per feature by a
``style_function`` whose colours come from a branca step colormap, with region outlines on
top, tooltips, and a legend drawn as a Leaflet control in plain HTML. The legend is not
branca's own (``ColorMap.add_to``): that one needs d3 from a CDN, which streamlit-folium
then tries to load, so an offline map would never draw.

Every JavaScript/CSS file the map needs is given by :func:`geo.outputs.assets.map_assets`, served by
the app itself; the default basemap is none.

Unit outlines travel as Google encoded polylines (:class:`EncodedGeometry`, 1e-4°), about a
third of the size of the same coordinates written as JSON numbers; each feature carries only
what its tooltip shows, and its fill is resolved in Python (folium's style table).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass

import folium
import numpy as np
import geopandas as gpd
import pandas as pd
import polyline
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import reference
from geo.reference import units
from geo.outputs.assets import MapAssets, map_assets
from geo.outputs.escape import for_html
from geo.analysis.disclosure import band_text
from geo.ingest.formats import attribution
from geo.i18n import format_date, format_number, format_significant, t
from geo.outputs.layers import (CATEGORY_COLOURS, COMMUNE_LAYERS, LAYERS, Layer, class_index,
                        layer_classes, severity_radius)
from geo.records.fields import enum_label

#: Style of a unit without a value: grey, hatched-looking dashed outline.
NO_DATA_STYLE = {"fillColor": "#d9d9d9", "fillOpacity": 0.7, "color": "#7f7f7f",
                 "weight": 0.8, "dashArray": "3 3", "className": "veille-cercle"}
_UNIT_OUTLINE = {"color": "#ffffff", "weight": 0.7, "fillOpacity": 0.8,
                 "className": "veille-cercle"}
_REGION_STYLE = {"fill": False, "color": "#3a3a3a", "weight": 1.8, "opacity": 0.9}
_SELECTION_STYLE = {"fill": False, "color": "#0b3d91", "weight": 4, "opacity": 1}
_BACKGROUND = "#eef0f2"
SOURCE_TEXT = "geoBoundaries 2017 (CC BY 4.0) · RGPH 2009"


class HtmlLegend(MacroElement):
    """A legend as a Leaflet control holding plain HTML (no external script needed)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .veille-legend {background: rgba(255,255,255,0.94); padding: 6px 9px;
            border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
            font: 12.5px/1.3 Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 200px;}
          .veille-legend .lg-title {font-weight: 700; font-size: 13px;}
          .veille-legend .lg-unit {color: #333; margin-bottom: 3px;}
          .veille-legend .lg-row {display: flex; align-items: center; gap: 6px; margin: 1px 0;}
          .veille-legend .lg-sw {width: 18px; height: 11px; border: 1px solid #777; flex: none;}
          .veille-legend .lg-dot {width: 11px; height: 11px; border-radius: 50%;
            border: 1px solid #fff; box-shadow: 0 0 0 1px #777; flex: none; margin: 0 3px;}
          .veille-legend .lg-nodata {background: repeating-linear-gradient(45deg,
            #d9d9d9 0 3px, #f7f7f7 3px 6px); border-style: dashed;}
          .veille-legend .lg-hatch {background: repeating-linear-gradient(135deg,
            #3a3a3a 0 1.5px, transparent 1.5px 5px); border: 1.5px dashed #3a3a3a;}
          .leaflet-container {background: {{ this.background }};}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          {{ this.blocks|tojson }}.forEach(function (block) {
            var legend = L.control({position: block[0]});
            legend.onAdd = function () {
              var div = L.DomUtil.create("div", "veille-legend");
              div.innerHTML = block[1];
              return div;
            };
            legend.addTo(map);
          });
          L.control.scale({imperial: false}).addTo(map);
          map.attributionControl.addAttribution({{ this.attribution|tojson }});
          // The frame gets its final size after the map is created (and again when the page
          // lays out at another width): fit Mali again whenever the map's box changes size,
          // until the user moves the map.
          var bounds = {{ this.bounds|tojson }};
          var moved = false;
          map.on("dragstart", function () { moved = true; });
          map.getContainer().addEventListener("wheel", function () { moved = true; });
          function refit() {
            map.invalidateSize();
            if (!moved) { map.fitBounds(bounds, {padding: [6, 6], animate: false}); }
          }
          setTimeout(refit, 60);
          if (window.ResizeObserver) { new ResizeObserver(refit).observe(map.getContainer()); }
        })();
        {% endmacro %}
    """)

    def __init__(self, blocks: list[tuple[str, str]], bounds: list[list[float]],
                 attribution: str, background: str = _BACKGROUND):
        super().__init__()
        self._name = "HtmlLegend"
        self.blocks = blocks  # (Leaflet control position, HTML) pairs
        self.bounds = bounds
        self.attribution = attribution
        self.background = background


class Labels(MacroElement):
    """Place names drawn on the map offline (no tiles): permanent, non-interactive Leaflet
    tooltips (never marker icons), one per ``(lat, lon, text)``; Leaflet writes a tooltip's
    content as HTML, so the text is escaped."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-tooltip.veille-label {background: rgba(255,255,255,0.7); border: none;
            box-shadow: none; padding: 0 3px; font: 700 11.5px/1.2 Arial, sans-serif;
            color: #1a1a1a; pointer-events: none;}
          .leaflet-tooltip.veille-label::before {display: none;}
          .leaflet-tooltip.veille-region-label {text-transform: uppercase; letter-spacing: .06em;
            font-size: 10px; color: #444;}
          .leaflet-tooltip.veille-town-label {font-weight: 400; font-size: 11px;
            background: rgba(255,255,255,0.6);}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.places|tojson }}.forEach(function (p) {
          L.tooltip({permanent: true, direction: p[3], offset: p[3] === "right" ? [4, 0] : [0, 0],
                     className: "veille-label " + p[4], interactive: false})
            .setLatLng([p[0], p[1]]).setContent(p[2]).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, places: list[tuple[float, float, str]], kind: str = "region"):
        super().__init__()
        self._name = "Labels"
        direction = "right" if kind == "town" else "center"
        self.places = [[round(a, 3), round(b, 3), for_html(text), direction,
                        f"veille-{kind}-label"]
                       for a, b, text in places]


#: A region's label this close (degrees) to a town of the same name is left out: the town's
#: label names it ("MO Mopti" otherwise); this close to another town, it moves south.
SAME_NAME_DEG = 1.5
NEAR_TOWN_DEG = 0.6
SHIFT_DEG = 0.9


def region_labels(regions_gdf: gpd.GeoDataFrame, towns: pd.DataFrame
                  ) -> list[tuple[float, float, str]]:
    """Where to write the regions' names so that they do not collide with the towns' labels
    (``(lat, lon, name)``): at each region's representative point, except a region whose
    capital of the same name is within :data:`SAME_NAME_DEG` (its town's label says it), and
    moved :data:`SHIFT_DEG` south when another town is within :data:`NEAR_TOWN_DEG`."""
    out = []
    reps = regions_gdf.geometry.representative_point()
    town_xy = towns[["lon", "lat"]].to_numpy(dtype=float)
    town_names = [str(n).casefold() for n in towns["name"]]
    for p, name in zip(reps, regions_gdf["region_fr"]):
        dist = np.hypot(town_xy[:, 0] - p.x, town_xy[:, 1] - p.y) if len(town_xy) \
            else np.array([])
        plain = str(name).split(" (")[0].casefold()        # "Bamako (District)" → bamako
        if any(d <= SAME_NAME_DEG and n == plain for d, n in zip(dist, town_names)):
            continue
        lat = p.y - SHIFT_DEG if (dist <= NEAR_TOWN_DEG).any() else p.y
        out.append((lat, p.x, name))
    return out


#: Decimal places of the unit outlines sent to the browser: 1e-4° is 11 m, finer than the
#: display geometry's simplification and than a pixel at the map's deepest zoom (12).
PRECISION = 4


def encoded_polygons(geometries) -> list[list[list[str]]]:
    """Per (Multi)Polygon: its polygons, each a list of rings (exterior first) written in
    Google's encoded polyline format (lat, lon; :data:`PRECISION`), without the closing
    vertex (Leaflet closes rings itself). The lists returned are shared: do not change them."""
    return [_encoded(wkb) for wkb in shapely.to_wkb(np.asarray(geometries, dtype=object))]


@functools.lru_cache(maxsize=2048)
def _encoded(wkb: bytes) -> list[list[str]]:
    # the encoder is pure Python (~0.4 ms a cercle) and the outlines rarely change: each
    # geometry is encoded once per process, keyed by its exact WKB
    geom = shapely.from_wkb(wkb)
    return [[polyline.encode(ring.coords[:-1], PRECISION, geojson=True)
             for ring in (p.exterior, *p.interiors)] for p in getattr(geom, "geoms", [geom])]


class EncodedGeometry(MacroElement):
    """The outlines of its parent ``folium.GeoJson`` layer, set in the browser.

    The parent's features carry ids 0…n-1 and empty coordinates (Leaflet makes an empty
    polygon of each, tooltip and style attached); this element holds feature *i*'s
    polygons as encoded polylines and gives each polygon its rings once decoded. A click
    still returns the feature with its outline (``layer.toGeoJSON()`` reads the rings).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var scale = {{ 10 ** this.precision }};
          function decode(text) {     // Google's encoded polyline algorithm
            var points = [], i = 0, lat = 0, lon = 0;
            function next() {
              var byte, shift = 0, value = 0;
              do {
                byte = text.charCodeAt(i++) - 63;
                value |= (byte & 31) << shift;
                shift += 5;
              } while (byte >= 32);
              return (value & 1) ? ~(value >> 1) : (value >> 1);
            }
            while (i < text.length) {
              lat += next();
              lon += next();
              points.push([lat / scale, lon / scale]);
            }
            return points;
          }
          var shapes = {{ this.shapes_json }};
          {{ this._parent.get_name() }}.eachLayer(function (layer) {
            var polygons = shapes[layer.feature.id].map(function (rings) {
              return rings.map(decode);
            });
            layer.setLatLngs(polygons.length === 1 ? polygons[0] : polygons);
          });
        })();
        {% endmacro %}
    """)

    def __init__(self, shapes: list[list[list[str]]], precision: int = PRECISION):
        super().__init__()
        self._name = "EncodedGeometry"
        self.shapes = shapes
        self.precision = precision
        # "{" only occurs inside the strings: written as \u007b, since branca reads a
        # rendered script as a Jinja template again and "{{" would open an expression
        self.shapes_json = json.dumps(shapes, separators=(",", ":")).replace("{", "\\u007b")


def compact_layer(gdf: gpd.GeoDataFrame, properties: dict[str, list], **kwargs
                  ) -> folium.GeoJson:
    """A ``folium.GeoJson`` of ``gdf``'s (Multi)Polygons with only ``properties`` (column ->
    values), its outlines sent encoded (:class:`EncodedGeometry`). ``kwargs`` go to
    ``folium.GeoJson`` (a ``style_function`` sees each feature's ``id``, its row number)."""
    empty = {"type": "Polygon", "coordinates": []}
    features = [{"type": "Feature", "id": i, "geometry": empty,
                 "properties": {k: v[i] for k, v in properties.items()}}
                for i in range(len(gdf))]
    layer = folium.GeoJson({"type": "FeatureCollection", "features": features}, **kwargs)
    layer.add_child(EncodedGeometry(encoded_polygons(gdf.geometry.values)))
    return layer


def legend_entries(layer: Layer, breaks: list[float], colours: list[str], lang: str,
                   class_words: dict | None = None) -> list[tuple[str, str]]:
    """(colour, text) of each class of a layer, as every legend writes it (the app's and the
    brief's static maps)."""
    rows = []
    for i, colour in enumerate(colours):
        lo = format_significant(breaks[i], lang, layer.digits)
        hi = format_significant(breaks[i + 1], lang, layer.digits)
        text = f"{lo} – {hi}"
        if layer.integer:                    # whole counts: "0", "1", "2–4"
            last = i == len(colours) - 1
            top = int(breaks[i + 1]) - (0 if last else 1)
            lo = format_number(breaks[i], lang)
            text = lo if top <= breaks[i] else f"{lo}–{format_number(top, lang)}"
        if layer.open_top and i == len(colours) - 1:
            text = f"≥ {lo}"
        if layer.class_keys:
            name = t(layer.class_keys[i], lang, **(class_words or {}))
            text = f"{name} ({text})" if layer.show_ranges else name
        rows.append((colour, text))
    return rows


def legend_html(layer: Layer, breaks: list[float], colours: list[str], lang: str,
                has_missing: bool, class_words: dict | None = None) -> str:
    """HTML of the legend: caption with units, one row per class, a "no data" row."""
    esc = for_html
    rows = [f'<div class="lg-row"><span class="lg-sw" style="background:{colour}">'
            f'</span><span>{esc(text)}</span></div>'
            for colour, text in legend_entries(layer, breaks, colours, lang, class_words)]
    if has_missing or not colours:
        rows.append('<div class="lg-row"><span class="lg-sw lg-nodata"></span>'
                    f'<span>{esc(t("map.no_data", lang))}</span></div>')
    return (f'<div class="lg-title">{esc(t(layer.label_key, lang))}</div>'
            f'<div class="lg-unit">{esc(t(layer.unit_key, lang))}</div>' + "".join(rows))


def tension_legend_html(lang: str, categories: list[str]) -> str:
    """Legend block of the tension points: one coloured dot per category present."""
    esc = for_html
    rows = "".join(
        f'<div class="lg-row"><span class="lg-dot" style="background:{CATEGORY_COLOURS[c]}">'
        f'</span><span>{esc(enum_label("tensions", "category", c, lang))}</span></div>'
        for c in CATEGORY_COLOURS if c in categories)
    return f'<div class="lg-title">{esc(t("map.tensions_title", lang))}</div>{rows}'


def tension_geojson(points: gpd.GeoDataFrame, lang: str) -> dict:
    """GeoJSON of tension points with only what the map shows (category, severity, tooltip)."""
    cercle_names = units.load_cercles()["cercle_fr"]
    region_names = units.load_regions()["region_fr"]
    features = []
    for n, row in enumerate(points[points.geometry.notna()].itertuples(index=False)):
        # a report known at region level has no cercle (None or NaN): name its region
        place = (cercle_names.get(row.cercle_id) if isinstance(row.cercle_id, str)
                 else region_names.get(row.region_id, ""))
        label = (f"{format_date(row.occurred_on, lang)} · "
                 f"{enum_label('tensions', 'category', row.category, lang)}"
                 f" · {t('field.severity', lang)} {row.severity} · {place} "
                 f"({enum_label('tensions', 'location_precision', row.location_precision, lang)},"
                 f" {enum_label('tensions', 'verification', row.verification, lang)})")
        features.append({
            "type": "Feature", "id": n,   # short key for folium's per-feature styles
            "geometry": {"type": "Point", "coordinates": [round(row.geometry.x, 4),
                                                          round(row.geometry.y, 4)]},
            "properties": {"cat": row.category, "sev": int(row.severity),
                           "label": for_html(label)},
        })
    return {"type": "FeatureCollection", "features": features}


#: Above this many report points the map draws one circle per cercle instead (the
#: choropleth stays readable; the tooltip gives the count and its main categories).
POINTS_MAX = 300


def tension_summary_geojson(points: gpd.GeoDataFrame, lang: str) -> dict:
    """One feature per cercle (region, for reports known only at region level) holding its
    reports: at the unit's representative point, sized by the count."""
    ref = reference.load()
    cercle_names = units.load_cercles()["cercle_fr"]
    region_names = units.load_regions()["region_fr"]
    placed = points[points.geometry.notna()]
    unit = placed["cercle_id"].where(placed["cercle_id"].map(
        lambda c: isinstance(c, str)), "region:" + placed["region_id"].astype(str))
    per_unit: dict[str, Counter] = {}
    for key, category in zip(unit, placed["category"]):
        per_unit.setdefault(key, Counter())[category] += 1
    features = []
    for n, key in enumerate(sorted(per_unit)):
        if key.startswith("region:"):
            rid = key.split(":", 1)[1]
            pt, name = ref.points["region"].get(rid), region_names.get(rid, rid)
        else:
            pt, name = ref.points["cercle"].get(key), cercle_names.get(key, key)
        if pt is None:
            continue
        cats = per_unit[key]
        total = sum(cats.values())
        top = sorted(cats.items(), key=lambda ck: (-ck[1], ck[0]))[:3]   # ties: by code
        parts = ", ".join(f"{enum_label('tensions', 'category', c, lang)} "
                          f"{format_number(k, lang)}" for c, k in top)
        label = t("map.tension_sum_label", lang, place=name,
                  n=format_number(total, lang), parts=parts)
        features.append({"type": "Feature", "id": n, "geometry": {
            "type": "Point", "coordinates": [round(pt.x, 4), round(pt.y, 4)]},
            "properties": {"n": total, "label": for_html(label)}})
    return {"type": "FeatureCollection", "features": features}


def _tension_sum_style(feature: dict) -> dict:
    n = feature["properties"]["n"]
    return {"radius": min(4 + 2.2 * n ** 0.5, 30), "color": "#ffffff", "weight": 1.2,
            "fill": True, "fillColor": "#1b1b3a", "fillOpacity": 0.45,
            "className": "veille-tension-sum"}


def _tension_style(feature: dict) -> dict:
    props = feature["properties"]
    return {"radius": severity_radius(props["sev"]), "color": "#ffffff", "weight": 0.8,
            "fill": True, "fillColor": CATEGORY_COLOURS.get(props["cat"], "#999999"),
            "fillOpacity": 0.85, "className": "veille-tension"}


class FillFrame(MacroElement):
    """The map fills the frame it is drawn in (a room's screen: the page sizes the frame to
    the window), and fits its bounds again whenever the frame changes size."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>html, body {height: 100%; margin: 0;}
          #map_div, #map_div2, .folium-map {height: 100vh !important; width: 100% !important;}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
          var bounds = {{ this.bounds|tojson }};
          function fit() {
            map.invalidateSize({pan: false});
            map.fitBounds(bounds, {padding: [6, 6], animate: false});
          }
          window.addEventListener("resize", fit);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "FillFrame"
        self.bounds = bounds


class HatchPattern(MacroElement):
    """The SVG pattern ``#veille-hatch`` (dark diagonal lines on a pale veil), added once to
    the page by the map's script (streamlit-folium sends a map's scripts, not its header): a
    path filled ``url(#veille-hatch)`` is hatched (no plugin)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (!document.getElementById("veille-hatch")) {
          document.body.insertAdjacentHTML("beforeend",
            '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>' +
            '<pattern id="veille-hatch" patternUnits="userSpaceOnUse" width="7" height="7" ' +
            'patternTransform="rotate(45)"><rect width="7" height="7" fill="#ffffff" ' +
            'fill-opacity="0.45"/><line x1="0" y1="0" x2="0" y2="7" stroke="#2b2b2b" ' +
            'stroke-width="2.2"/></pattern></defs></svg>');
        }
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "HatchPattern"


#: Style of the hatch over an under-observed cercle (drawn over its class colour).
_UNDER_OBSERVED_STYLE = {"fill": True, "fillColor": "url(#veille-hatch)", "fillOpacity": 1,
                         "color": "#2b2b2b", "weight": 1.4, "dashArray": "5 3",
                         "className": "veille-under-observed"}


def under_observed_legend_html(lang: str) -> str:
    """Legend block of the hatch over the cercles the network does not watch."""
    esc = for_html
    return (f'<div class="lg-title">{esc(t("map.under_observed", lang))}</div>'
            '<div class="lg-row"><span class="lg-sw lg-hatch"></span>'
            f'<span>{esc(t("map.under_observed_row", lang))}</span></div>')


def _tooltip_fields(lang: str, layer: Layer) -> tuple[list[str], list[str]]:
    if layer.unit == "commune":
        return (["name", "cercle", "pop_txt", "mediators_txt", "value_txt"],
                [t("field.commune", lang), t("field.cercle", lang),
                 t("coverage.population_est", lang), t("coverage.mediators_active", lang),
                 f"{t(layer.label_key, lang)} ({t(layer.unit_key, lang)})"])
    fields = ["name", "region", "cercle_id", "pop_txt", "density_txt", "area_txt"]
    aliases = [t("field.cercle", lang), t("field.region", lang), t("field.code", lang),
               t("field.population", lang),
               f'{t("field.density", lang)} ({t("unit.per_km2", lang)})',
               f'{t("field.area", lang)} ({t("unit.km2", lang)})']
    if layer.column not in ("population", "density", "area_km2"):
        fields.append("value_txt")
        aliases.append(f"{t(layer.label_key, lang)} ({t(layer.unit_key, lang)})")
    if layer.observed:
        fields.append("observed_txt")
        aliases.append(t("map.observation", lang))
    return fields, aliases


def _unit_properties(units_gdf: gpd.GeoDataFrame, layer: Layer, breaks: list[float],
                     colours: list[str], lang: str, fields: list[str],
                     class_words: dict | None = None
                     ) -> tuple[dict[str, list], list[str | None]]:
    """What each unit's feature carries (pre-formatted, localised: the tooltip's fields and
    ``cercle_id``, which a click selects), and each unit's fill colour (None: no data)."""
    values = pd.to_numeric(units_gdf[layer.column], errors="coerce").astype(float)
    hidden = (units_gdf[layer.hidden_column].fillna(False).to_numpy(dtype=bool)
              if layer.hidden_column and layer.hidden_column in units_gdf
              else np.zeros(len(units_gdf), dtype=bool))
    values = values.mask(hidden)
    fills = [colours[i] if (i := class_index(v, breaks)) is not None else None for v in values]
    value_txt = [t("disclosure.hidden", lang) if h
                 else _value_text(layer, v, breaks, lang, class_words)
                 for v, h in zip(values, hidden)]
    if layer.interval and all(c in units_gdf for c in layer.interval):
        low, high = (units_gdf[c].to_numpy(dtype=float) for c in layer.interval)
        value_txt = [f"{text} [{format_number(lo, lang)}–{format_number(hi, lang)}]"
                     if pd.notna(v) and pd.notna(lo) and pd.notna(hi) else text
                     for text, v, lo, hi in zip(value_txt, values, low, high)]

    def fmt(col, decimals=0):
        return [format_number(v, lang, decimals) if pd.notna(v) else t("map.no_data", lang)
                for v in units_gdf[col]]

    props = {"cercle_id": list(units_gdf["cercle_id"])}
    if layer.unit == "commune":
        props.update(name=list(units_gdf["commune_fr"]), cercle=list(units_gdf["cercle_fr"]),
                     pop_txt=fmt("population_est"),
                     mediators_txt=list(units_gdf["mediators_txt"]))
    else:
        props.update(name=list(units_gdf["cercle_fr"]), region=list(units_gdf["region_fr"]),
                     pop_txt=fmt("population"),
                     density_txt=[format_significant(v, lang, 3) if pd.notna(v)
                                  else t("map.no_data", lang) for v in units_gdf["density"]],
                     area_txt=fmt("area_km2"))
    if "value_txt" in fields:
        props["value_txt"] = value_txt
    if "observed_txt" in fields:
        props["observed_txt"] = observed_text(units_gdf, lang)
    # folium's tooltip writes each field into the page as HTML: every text escaped
    # (cercle_id, which a click selects, is a code)
    return {k: v if k == "cercle_id" else [for_html(x) for x in v]
            for k, v in props.items()}, fills


def observed_text(units_gdf: pd.DataFrame, lang: str) -> list[str]:
    """Per unit, how the network watches it: "under-observed", or the share of its
    communes watched (:mod:`geo.analysis.observation`); "no data" without the columns."""
    if "observed_share" not in units_gdf:
        return [t("map.no_data", lang)] * len(units_gdf)
    return [t("map.no_data", lang) if pd.isna(share)
            else t("map.under_observed", lang) if share <= 0
            else t("map.observed_share", lang, share=format_number(100 * share, lang))
            for share in units_gdf["observed_share"]]


def _value_text(layer: Layer, value: float, breaks: list[float], lang: str,
                class_words: dict | None = None) -> str:
    if pd.isna(value):
        return t("map.no_data", lang)
    if layer.banded:
        return band_text(value, lang)
    text = format_significant(value, lang, layer.digits)
    if layer.class_keys and (i := class_index(value, breaks)) is not None:
        label = t(layer.class_keys[i], lang, **(class_words or {}))
        text = f"{text} ({label})" if layer.show_ranges else label
    return text


def _styler(layer: Layer, fills: list[str | None]):
    """Style function of a layer's units, feature *i* filled with ``fills[i]`` (class name
    ``veille-<unit>``, for tests/CSS)."""
    class_name = f"veille-{layer.unit}"
    weight = 0.7 if layer.unit == "cercle" else 0.3

    def style(feature: dict) -> dict:
        fill = fills[feature["id"]]
        if not fill:
            return {**NO_DATA_STYLE, "className": class_name}
        return {**_UNIT_OUTLINE, "weight": weight, "fillColor": fill, "className": class_name}

    return style


@dataclass
class PointSet:
    """Points drawn over a choropleth (the planner's proposed sites, the Overview's
    actions): one GeoJSON layer whose features carry ``label`` (the tooltip) and optionally
    ``colour`` and ``radius``; ``legend`` = (colour, text) rows under ``title``."""

    name: str
    features: list[dict]
    title: str
    legend: list[tuple[str, str]]
    colour: str = "#0b3d91"

    def geojson(self) -> dict:
        return {"type": "FeatureCollection", "features": self.features}

    def legend_html(self) -> str:
        esc = for_html
        rows = "".join(f'<div class="lg-row"><span class="lg-dot" style="background:{c}">'
                       f'</span><span>{esc(text)}</span></div>' for c, text in self.legend)
        return f'<div class="lg-title">{esc(self.title)}</div>{rows}'

    def style(self, feature: dict) -> dict:
        props = feature["properties"]
        return {"radius": props.get("radius", 7), "color": props.get("ring", "#111111"),
                "weight": props.get("ring_weight", 1.5),
                "fill": True, "fillColor": props.get("colour", self.colour),
                "fillOpacity": 0.9, "className": f"veille-{self.name}"}


def point(lon: float, lat: float, label: str, **properties) -> dict:
    """One feature of a :class:`PointSet`; ``label`` is text (escaped here: folium's
    tooltip writes it into the page as HTML)."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [
        round(float(lon), 4), round(float(lat), 4)]}, "properties": {"label": for_html(label),
                                                                     **properties}}


def choropleth_map(units_gdf: gpd.GeoDataFrame, layer: Layer | str = "density",
                   lang: str = "fr", regions_gdf: gpd.GeoDataFrame | None = None,
                   online_tiles: bool = False, assets: MapAssets | None = None,
                   height_px: int = 560,
                   tension_points: gpd.GeoDataFrame | None = None,
                   class_words: dict | None = None,
                   point_sets: list[PointSet] | None = None,
                   legend_inside: bool = True) -> folium.Map:
    """National choropleth of cercles (or communes, for a commune layer).

    Parameters
    ----------
    units_gdf : GeoDataFrame
        One row per cercle, display geometry (EPSG:4326), with ``cercle_id, cercle_fr,
        region_fr, population, density, area_km2`` and the layer's column; for a commune
        layer one row per commune with ``cercle_id, commune_fr, cercle_fr, population_est,
        mediators_txt`` (already suppressed) and the layer's column. NaN values are drawn in
        the explicit "no data" style (:data:`NO_DATA_STYLE`).
    layer : Layer or str
        Which indicator to colour (a key of :data:`geo.outputs.layers.LAYERS` or
        :data:`geo.outputs.layers.COMMUNE_LAYERS`).
    lang : {"fr", "en"}
        Language of tooltips and legend; numbers are formatted for that language.
    regions_gdf : GeoDataFrame, optional
        Region outlines drawn on top (non-interactive, so clicks reach the cercles).
    online_tiles : bool
        Add an OpenStreetMap basemap (needs Internet). Default: none, plain background.
    assets : MapAssets, optional
        Where Leaflet is served from (default: this app's static folder).
    tension_points : GeoDataFrame, optional
        Tension reports placed by :func:`geo.analysis.indicators.tension_points`; drawn as ONE
        GeoJSON point layer, coloured by category and sized by severity.
    class_words : dict, optional
        Words that fill the class names (the gap classes: :func:`geo.analysis.coverage.gap_words`).
    point_sets : list of PointSet, optional
        Further points drawn on top, each with its legend block (top left, under the zoom
        buttons: the corner off Mali's outline).
    legend_inside : bool
        Draw the layer's legend on the map (False: the screen draws it beside the map, as
        the presentation mode does with :func:`legend_html`).
    """
    layer = (LAYERS.get(layer) or COMMUNE_LAYERS[layer]) if isinstance(layer, str) else layer
    assets = assets or map_assets()
    minx, miny, maxx, maxy = units_gdf.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=5,
                      tiles=None, control_scale=False, min_zoom=4, max_zoom=12,
                      height=height_px, zoom_snap=0.25, zoom_delta=0.5)
    # Only Leaflet is needed (no jQuery, Bootstrap or icon fonts); all served locally.
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    bounds = [[float(miny), float(minx)], [float(maxy), float(maxx)]]
    fmap.fit_bounds(bounds, padding=(6, 6))
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(fmap)

    values = pd.to_numeric(units_gdf[layer.column], errors="coerce").astype(float)
    breaks, colours = layer_classes(layer, values)

    fields, aliases = _tooltip_fields(lang, layer)
    props, fills = _unit_properties(units_gdf, layer, breaks, colours, lang, fields,
                                    class_words)
    compact_layer(
        units_gdf, props, name="cercles", style_function=_styler(layer, fills),
        highlight_function=lambda _f: {"weight": 2.5, "color": "#111111"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True,
                                      localize=False, labels=True),
    ).add_to(fmap)

    under = (units_gdf["under_observed"].fillna(False).to_numpy(dtype=bool)
             if layer.observed and "under_observed" in units_gdf
             else np.zeros(len(units_gdf), dtype=bool))
    if under.any():
        fmap.add_child(HatchPattern())
        compact_layer(units_gdf[under], {}, name="under_observed",
                      style_function=lambda _f: dict(_UNDER_OBSERVED_STYLE),
                      interactive=False).add_to(fmap)

    if regions_gdf is not None:
        compact_layer(regions_gdf, {}, name="regions",
                      style_function=lambda _f: dict(_REGION_STYLE),
                      interactive=False).add_to(fmap)
        if "region_fr" in regions_gdf:
            towns = reference.load().towns
            fmap.add_child(Labels(region_labels(regions_gdf, towns)))
            group = folium.FeatureGroup(name="towns", control=False)
            for town in towns.itertuples():
                folium.CircleMarker([town.lat, town.lon], radius=2.5, color="#111111",
                                    weight=1, fill=True, fill_color="#ffffff", fill_opacity=1,
                                    interactive=False, class_name="veille-town").add_to(group)
            group.add_to(fmap)
            fmap.add_child(Labels([(t_.lat, t_.lon, t_.name) for t_ in towns.itertuples()],
                                  "town"))

    blocks = [("bottomright", legend_html(layer, breaks, colours, lang,
                                          bool(values.isna().any()), class_words))]
    if under.any():
        blocks.append(("bottomright", under_observed_legend_html(lang)))
    if tension_points is not None and len(tension_points) > POINTS_MAX:
        folium.GeoJson(
            tension_summary_geojson(tension_points, lang), name="tensions",
            marker=folium.CircleMarker(), style_function=_tension_sum_style,
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(fmap)
        blocks.append(("topright", '<div class="lg-title">'
                       f'{for_html(t("map.tension_sum_title", lang))}</div>'
                       '<div class="lg-row"><span class="lg-dot" style="background:#1b1b3a">'
                       f'</span><span>{for_html(t("map.tension_sum_row", lang, max=POINTS_MAX))}'
                       '</span></div>'))
    elif tension_points is not None:
        folium.GeoJson(
            tension_geojson(tension_points, lang), name="tensions",
            marker=folium.CircleMarker(), style_function=_tension_style,
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(fmap)
        blocks.append(("topright",
                       tension_legend_html(lang, sorted(set(tension_points["category"])))))
    for ps in point_sets or []:
        folium.GeoJson(ps.geojson(), name=ps.name, marker=folium.CircleMarker(),
                       style_function=ps.style,
                       tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
                       ).add_to(fmap)
        blocks.append(("topleft", ps.legend_html()))     # over the Atlantic side, not Mali
    source = SOURCE_TEXT
    if tension_points is not None and "source_type" in tension_points:
        credits = sorted({a for a in map(attribution, tension_points["source_type"].unique()) if a})
        source = " · ".join([SOURCE_TEXT, *credits])     # ACLED / UCDP events drawn: credit them
    attribution_text = for_html(t("map.legend_source", lang, source=source))
    fmap.add_child(HtmlLegend(blocks if legend_inside else [], bounds, attribution_text))
    # what a screen draws beside the map when the legends stay off it
    fmap.veille_legends = [b for _pos, b in blocks]
    return fmap


def legend_row_html(fmap: folium.Map) -> str:
    """The map's legend blocks side by side, to draw under or beside the map (outside it:
    never over Mali, readable at any width)."""
    blocks = getattr(fmap, "veille_legends", [])
    return ('<div class="veille-legend-row">'
            + "".join(f'<div class="veille-legend">{b}</div>' for b in blocks) + "</div>")


#: The style of legends drawn outside the map (the same look as on it).
LEGEND_ROW_CSS = """<style>
  .veille-legend-row {display: flex; flex-wrap: wrap; gap: 10px 18px; margin: 4px 0 8px;}
  .veille-legend-row .veille-legend {font: 13px/1.35 Arial, Helvetica, sans-serif;
    color: #1a1a1a; background: #fff; border: 1px solid #ddd; border-radius: 4px;
    padding: 6px 9px; max-width: 320px;}
  .veille-legend-row .lg-title {font-weight: 700; font-size: 13.5px;}
  .veille-legend-row .lg-unit {color: #333; margin-bottom: 3px;}
  .veille-legend-row .lg-row {display: flex; align-items: center; gap: 6px; margin: 1px 0;}
  .veille-legend-row .lg-sw {width: 18px; height: 11px; border: 1px solid #777; flex: none;}
  .veille-legend-row .lg-dot {width: 11px; height: 11px; border-radius: 50%;
    border: 1px solid #fff; box-shadow: 0 0 0 1px #777; flex: none; margin: 0 3px;}
  .veille-legend-row .lg-nodata {background: repeating-linear-gradient(45deg,
    #d9d9d9 0 3px, #f7f7f7 3px 6px); border-style: dashed;}
  .veille-legend-row .lg-hatch {background: repeating-linear-gradient(135deg,
    #3a3a3a 0 1.5px, transparent 1.5px 5px); border: 1.5px dashed #3a3a3a;}
</style>"""


def selection_layer(units_gdf: gpd.GeoDataFrame, cercle_id: str | None) -> folium.FeatureGroup:
    """A non-interactive outline of the selected cercle, to overlay without redrawing the map."""
    group = folium.FeatureGroup(name="selection")
    if cercle_id and cercle_id in set(units_gdf["cercle_id"]):
        sel = units_gdf[units_gdf["cercle_id"] == cercle_id]
        folium.GeoJson(json.loads(sel[["cercle_id", "geometry"]].to_json(drop_id=True)),
                       style_function=lambda _f: dict(_SELECTION_STYLE),
                       interactive=False).add_to(group)
    return group


def zoom_to(units_gdf: gpd.GeoDataFrame, cercle_id: str | None
            ) -> tuple[tuple[float, float], float]:
    """Centre (lat, lon) and zoom level that frame the selected cercle, or the whole country
    without a selection (zoom 4.5: Mali, about 17° wide, fits a map 330 px wide or more).
    The first view of a map is its own fit to Mali at any width; this is for changes."""
    chosen = units_gdf[units_gdf["cercle_id"] == cercle_id] if cercle_id else units_gdf[:0]
    if chosen.empty:
        minx, miny, maxx, maxy = units_gdf.total_bounds
        return ((miny + maxy) / 2, (minx + maxx) / 2), 4.5
    minx, miny, maxx, maxy = chosen.total_bounds
    extent = max(maxx - minx, (maxy - miny) * 1.3, 0.05)
    zoom = int(min(max(5 + np.floor(np.log2(17 / extent)), 5), 10))
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom


def map_html_size(fmap: folium.Map) -> int:
    """Size in bytes (UTF-8) of the map's standalone HTML, a proxy for its payload."""
    return len(fmap.get_root().render().encode("utf-8"))
