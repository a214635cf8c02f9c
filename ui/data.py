"""Cached access to the store and the reference data, with the settings read at this edge."""

from __future__ import annotations

import os
import time

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
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
from ui import map_cache

#: Seconds an entry of a cache keyed by what a viewer chooses (a date, a window, a
#: period, a threshold) is kept: with each cache's ``max_entries``, a series of distinct
#: views cannot grow the process without limit, and what they left is dropped an hour on.
CACHE_TTL = 3600


#: The settings last read, with what they were read from: (st.secrets, its parsed dict,
#: the VEILLE_* environment, the settings). Kept whole so that no object's id is reused.
_SETTINGS: list = [None]


def _environment() -> tuple:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("VEILLE_")))


def settings() -> Settings:
    """The deployment's settings, read at this edge (the environment, then the app's secrets
    ``.streamlit/secrets.toml``, then the defaults: :class:`geo.settings.Settings`) and passed
    to ``geo``. Read once per process (issue 32: with no secrets file Streamlit parses its
    search path again on every access), and again when the secrets change (Streamlit reloads
    a changed secrets file into a new dict; a test's ``AppTest.secrets`` is a new object each
    run) or the ``VEILLE_*`` environment does."""
    secrets_obj = st.secrets
    parsed = getattr(secrets_obj, "_secrets", None)
    environment = _environment()
    last = _SETTINGS[0]
    if last is not None and last[0] is secrets_obj and last[1] is parsed \
            and last[2] == environment:
        return last[3]
    try:
        secrets = dict(secrets_obj)
    except Exception:  # noqa: BLE001 - no secrets file: the defaults apply
        secrets = {}
    config = Settings.from_environment(secrets)
    # parsed again: reading them above may have loaded the file into a new dict
    _SETTINGS[0] = (secrets_obj, getattr(secrets_obj, "_secrets", None), environment, config)
    return config


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


#: Seconds a process keeps the store's version token before asking the store again (issue
#: 32: a query on every cached read was 9 % of a busy server's work). A write made by this
#: process is seen at once (:func:`_written`); one made by another replica, within this.
TOKEN_INTERVAL_S = 2.0
#: The tokens read, by what they are of: (monotonic time read, token).
_TOKENS: dict[tuple, tuple[float, tuple]] = {}


@sa.event.listens_for(Engine, "commit")
def _written(_conn) -> None:
    """Any commit in this process (a write: an import, a review, a rating, the demo's
    removal): the next token is read from the store."""
    _TOKENS.clear()


def throttled_token(name: str, engine_: Engine, read, now=time.monotonic) -> tuple:
    """``read(engine_)``, asked of the store at most every :data:`TOKEN_INTERVAL_S` per
    process and ``name`` (and at once after a commit of this process)."""
    key = (name, id(engine_))
    t = now()
    kept = _TOKENS.get(key)
    if kept is not None and t - kept[0] < TOKEN_INTERVAL_S:
        return kept[1]
    token = read(engine_)
    _TOKENS[key] = (t, token)
    return token


def store_token() -> tuple:
    """Cache key that changes whenever the store's content changes: its version token
    (:func:`geo.records.store.version_token`), read at most every :data:`TOKEN_INTERVAL_S`."""
    return throttled_token("version", engine(), store.version_token)


def planning_token() -> tuple:
    """Cache key of the planning records (actions, scenarios, triggers:
    :func:`geo.records.store.planning_token`), read as :func:`store_token` is."""
    return throttled_token("planning", engine(), store.planning_token)


# The store's frames are kept as shared objects (st.cache_resource, not st.cache_data: that
# one unpickles a copy on every read, 8 % of a warm view's work, issue 32) and each caller
# gets a shallow copy: with pandas' copy-on-write, what a caller changes in its copy never
# reaches the kept frame.
@st.cache_resource(show_spinner=False, max_entries=8)
def _records(kind: str, token: tuple) -> pd.DataFrame:
    stored = store.load_records(engine(), kind)
    return disclosure.published_reports(stored) if kind == "tensions" else stored


def records(kind: str) -> pd.DataFrame:
    """The stored records of ``kind``; tension reports as any viewer may see them
    (:func:`geo.analysis.disclosure.published_reports`: every screen shows those)."""
    return _records(kind, store_token()).copy(deep=False)


def store_records() -> dict[str, pd.DataFrame]:
    """Every stored record by kind (cached per store content)."""
    return {kind: records(kind) for kind in KINDS}


@st.cache_resource(show_spinner=False, max_entries=8)
def _ratings(token: tuple) -> pd.DataFrame:
    return context.ratings(engine())


def context_ratings() -> pd.DataFrame:
    """The context ratings in force (cached per store content)."""
    return _ratings(store_token()).copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=8)
def _indicators(token: tuple) -> pd.DataFrame:
    return indicator_table(store_records(), context_ratings(), min_count=settings().min_count)


def cercle_indicators() -> pd.DataFrame:
    """The indicator table for the store's current content (cached per content)."""
    return _indicators(store_token()).copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _tension_points(token: tuple, start, end) -> gpd.GeoDataFrame:
    reports = indicators.counted_reports(_records("tensions", token).copy(deep=False))
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
    return map_cache.shared(_tension_points(store_token(), start, end))


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
