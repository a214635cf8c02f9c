"""Peer 1 of ``benchmarks/first_map.py``: the home map as a typical Streamlit + folium app
builds it — the boundary and population files and the store read on every run, raw
geometry, folium's GeoJson with a tooltip, one CircleMarker per report point, no caching.

Its only concession: Leaflet comes from the app's static folder like Veille's (offline,
folium's CDN scripts cannot load and the map would never draw). Run by the benchmark:
``streamlit run`` on a copy next to a ``static/`` link, ``VEILLE_DATABASE_URL`` set.
"""

import os

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.outputs import assets
from geo.records import store
from geo.analysis.indicators import counted_reports, tension_points
from geo.outputs.layers import CATEGORY_COLOURS
from geo.reference.units import DATA_DIR

st.set_page_config(page_title="Typical build", layout="wide")
st.title("Cercles")
cercles = gpd.read_file(DATA_DIR / "mali_adm2.geojson").merge(
    pd.read_csv(DATA_DIR / "mali_cercle_population.csv")[["cercle_id", "population"]],
    on="cercle_id")
cercles["density"] = cercles["population"] / cercles["area_km2"]
regions = gpd.read_file(DATA_DIR / "mali_adm1.geojson")
reports = store.load_records(store.make_engine(os.environ["VEILLE_DATABASE_URL"]), "tensions")
points = tension_points(counted_reports(reports))
points = points[points.geometry.notna()]

fmap = folium.Map(location=[17.5, -4], zoom_start=5, tiles=None)
fmap.default_js = list(assets.map_assets().js)
fmap.default_css = list(assets.map_assets().css)
breaks = cercles["density"].quantile([0, .2, .4, .6, .8, 1]).tolist()
palette = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]


def colour(value):
    return palette[min(sum(value > b for b in breaks[1:-1]), 4)]


folium.GeoJson(
    cercles, name="cercles",
    style_function=lambda f: {"fillColor": colour(f["properties"]["density"]),
                              "color": "#ffffff", "weight": 0.7, "fillOpacity": 0.8,
                              "className": "veille-cercle"},
    tooltip=folium.GeoJsonTooltip(["cercle_fr", "region_fr", "population", "density"]),
).add_to(fmap)
folium.GeoJson(regions, name="regions", interactive=False,
               style_function=lambda f: {"fill": False, "color": "#3a3a3a", "weight": 1.8},
               ).add_to(fmap)
for p in points.itertuples():
    folium.CircleMarker([p.geometry.y, p.geometry.x], radius=3 + p.severity,
                        color="#ffffff", weight=0.8, fill=True,
                        fill_color=CATEGORY_COLOURS.get(p.category, "#999999"),
                        fill_opacity=0.85,
                        tooltip=f"{p.occurred_on} · {p.category} · {p.severity}").add_to(fmap)
fmap.fit_bounds([[10.1, -12.3], [25.0, 4.3]])
st_folium(fmap, height=560, use_container_width=True, returned_objects=[])
