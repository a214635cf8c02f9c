"""Peer 2 of ``benchmarks/first_map.py``, the stack's floor: a page that draws the same
home map as Veille's Overview (the same layers, built by :func:`geo.outputs.maps.choropleth_map`
from cached data on each run, as Veille does: ``st_folium`` renames the map's elements, so
a map object cannot be drawn twice) with ``st_folium`` and nothing else — no sidebar, no
sign-in, no controls. Veille's shell costs what it takes beyond this page.
"""

import os

import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import indicators
from geo.outputs import maps
from geo.records import store
from geo.reference import units
from geo.outputs.assets import map_assets
from tests.support import indicator_table  # noqa: E402


@st.cache_resource
def layers():
    engine = store.make_engine(os.environ["VEILLE_DATABASE_URL"])
    reports = indicators.counted_reports(store.load_records(engine, "tensions"))
    shown = units.display_cercles()[["geometry"]].join(indicator_table(engine))
    return shown, units.display_regions(), indicators.tension_points(reports)


st.set_page_config(page_title="Bare page", layout="wide")
cercles, regions, points = layers()
st_folium(maps.choropleth_map(cercles, "density", "fr", regions, assets=map_assets(),
                              tension_points=points, legend_inside=False),
          height=560, use_container_width=True, returned_objects=[])
