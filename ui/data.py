"""Cached access to the store and the reference data, with the settings read at this edge."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from geo.analysis import disclosure, indicators
from geo.analysis.table import cercle_indicators as indicator_table
from geo.ingest import demo
from geo.records import context, store
from geo.records.fields import KINDS
from geo.reference import Reference, units
from geo.reference import load as load_reference
from geo.settings import Settings

#: Seconds an entry of a cache keyed by what a viewer chooses (a date, a window, a
#: period, a threshold) is kept: with each cache's ``max_entries``, a series of distinct
#: views cannot grow the process without limit, and what they left is dropped an hour on.
CACHE_TTL = 3600


def settings() -> Settings:
    """The deployment's settings, read at this edge (the environment, then the app's secrets
    ``.streamlit/secrets.toml``, then the defaults: :class:`geo.settings.Settings`) and passed
    to ``geo``; cheap enough to read on every run, so a changed secret is seen at once."""
    try:
        secrets = dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets file: the defaults apply
        secrets = {}
    return Settings.from_environment(secrets)


def reference_data() -> Reference:
    """The shipped reference data (units, populations, disclosure zones, points), loaded
    once per process and passed to the computations that need it."""
    return load_reference()


@st.cache_resource(show_spinner=False)
def _engine(url: str, with_demo: bool, pool_size: int) -> Engine:
    engine = store.make_engine(url, pool_size)
    demo.ensure_initialised(engine, with_demo)
    return engine


def engine() -> Engine:
    """The record store of :func:`settings`, with the demonstration data loaded into a new
    store unless the demo is switched off."""
    config = settings()
    return _engine(config.database_url, config.demo, config.pool_size)


def store_token() -> tuple:
    """Cache key that changes whenever the store's content changes."""
    return store.version_token(engine())


@st.cache_data(show_spinner=False, max_entries=8)
def _records(kind: str, token: tuple) -> pd.DataFrame:
    stored = store.load_records(engine(), kind)
    return disclosure.published_reports(stored) if kind == "tensions" else stored


def records(kind: str) -> pd.DataFrame:
    """The stored records of ``kind``; tension reports as any viewer may see them
    (:func:`geo.analysis.disclosure.published_reports`: every screen shows those)."""
    return _records(kind, store_token())


def store_records() -> dict[str, pd.DataFrame]:
    """Every stored record by kind (cached per store content)."""
    return {kind: records(kind) for kind in KINDS}


@st.cache_data(show_spinner=False, max_entries=8)
def _ratings(token: tuple) -> pd.DataFrame:
    return context.ratings(engine())


def context_ratings() -> pd.DataFrame:
    """The context ratings in force (cached per store content)."""
    return _ratings(store_token())


@st.cache_data(show_spinner=False, max_entries=8)
def _indicators(token: tuple) -> pd.DataFrame:
    return indicator_table(store_records(), context_ratings(), min_count=settings().min_count)


def cercle_indicators() -> pd.DataFrame:
    """The indicator table for the store's current content (cached per content)."""
    return _indicators(store_token())


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _tension_points(token: tuple, start, end) -> gpd.GeoDataFrame:
    reports = indicators.counted_reports(_records("tensions", token))
    if start is not None and len(reports):
        reports = reports[reports["occurred_on"].between(start, end)]
    return indicators.tension_points(reports)


def report_period(reports: pd.DataFrame) -> tuple | None:
    """First and last occurrence dates of ``reports`` (None without any): the Overview's
    default period, which the warm-up (:mod:`ui.warm`) prepares too."""
    if reports is None or not len(reports):
        return None
    return reports["occurred_on"].min(), reports["occurred_on"].max()


def tension_points(start=None, end=None) -> gpd.GeoDataFrame:
    """The counted tension reports that occurred from ``start`` to ``end`` (all without),
    placed for a map (:func:`geo.analysis.indicators.tension_points`); cached per store content and
    dates, and shared between sessions: read it, never change it."""
    return _tension_points(store_token(), start, end)


@st.cache_resource(show_spinner=False)
def display_cercles() -> gpd.GeoDataFrame:
    """Display geometry of the cercles (shared, read-only)."""
    return units.display_cercles()


@st.cache_resource(show_spinner=False)
def display_regions() -> gpd.GeoDataFrame:
    return units.display_regions()


@st.cache_resource(show_spinner=False)
def display_communes() -> gpd.GeoDataFrame:
    return units.display_communes()


@st.cache_resource(show_spinner=False)
def communes() -> gpd.GeoDataFrame:
    return units.load_communes()
