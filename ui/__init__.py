"""Streamlit glue shared by the pages: language, cached access to ``geo``.

Only this package and ``pages/`` import Streamlit; the logic lives in ``geo/``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from sqlalchemy.engine import Engine

from geo import assets, demo, indicators, store, units
from geo.settings import Settings
from geo.i18n import (LANGUAGE_NAMES, LANGUAGES, format_number, format_significant,
                      normalise_language, t)

LANG_KEY = "ui_language"


def leave_legacy_pages_mode() -> None:
    """Called first by ``dashboard.py`` and by every page.

    Because a ``pages/`` folder exists, Streamlit runs a new server process's first script
    as a legacy multipage app until ``st.navigation`` has run once: a deep link such as
    ``/data`` then runs the page alone (no language switch, legacy sidebar) and widgets lose
    their first change. Clear that mode and start the run again through ``dashboard.py``.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def language_selector() -> str:
    """Sidebar language switch (French by default); the choice survives page changes.

    A link may set it (``?lang=en``); the choice is kept in the session and in the URL.
    """
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_language(st.query_params.get("lang"))
    from_url("lang", LANG_KEY, one_of(LANGUAGES))
    st.sidebar.radio(t("sidebar.language", current_lang()), LANGUAGES, key=LANG_KEY,
                     format_func=LANGUAGE_NAMES.get, horizontal=True)
    to_url("lang", current_lang(), "fr")
    return current_lang()


def current_lang() -> str:
    return normalise_language(st.session_state.get(LANG_KEY))


def localize_chrome() -> None:
    """Streamlit's own words on the file uploader ("Upload", "50MB per file") are English
    only: a style sheet in the session's language replaces them (CSS generated content: no
    script, nothing fetched)."""
    limit = int(st.get_option("server.maxUploadSize") or 200)
    button = tr("chrome.upload").replace('"', "")
    note = tr("chrome.per_file", mb=limit).replace('"', "")
    st.html(f"""<style>
      [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p
        {{font-size: 0;}}
      [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
        {{content: "{button}"; font-size: 0.875rem;}}
      [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}
      [data-testid="stFileUploaderDropzoneInstructions"] span::after
        {{content: "{note}"; font-size: 0.875rem;}}
    </style>""")


def localized_selectbox(container, label: str, options: list, *, key: str, format_func,
                        default=None, on_change=None, **kwargs):
    """A select box whose labels follow the language and whose value survives a switch.

    The chosen value lives in ``st.session_state[key]``; the widget is keyed per language
    (``<key>@<lang>``), because Streamlit keeps a select box's state by its formatted labels,
    which a language switch changes. Setting ``st.session_state[key]`` before the call (a map
    click, a URL) selects that value. ``format_func`` must bind the language of this run
    (``t(..., lang)``), not read it from the session when called.
    """
    value = st.session_state.get(key, default)
    if value not in options:
        value = default
    widget_key = f"{key}@{current_lang()}"
    if st.session_state.get(widget_key, object()) != value:
        st.session_state[widget_key] = value

    def _changed():
        st.session_state[key] = st.session_state[widget_key]
        if on_change is not None:
            on_change()

    container.selectbox(label, options, key=widget_key, format_func=format_func,
                        on_change=_changed, **kwargs)
    st.session_state[key] = value
    return value


def bound_widget(widget, label: str, *, key: str, default=None, **kwargs):
    """A widget whose value lives in ``st.session_state[key]`` and survives page changes.

    Streamlit forgets a widget's state when a run does not draw it (another page); the value
    is therefore kept under ``key`` (a plain session entry) and the widget, keyed
    ``_w_<key>``, is set from it before every draw. ``widget`` is e.g. ``st.sidebar.slider``.
    """
    widget_key = f"_w_{key}"
    if key not in st.session_state:
        st.session_state[key] = default
    st.session_state[widget_key] = st.session_state[key]

    def _changed():
        st.session_state[key] = st.session_state[widget_key]

    return widget(label, key=widget_key, on_change=_changed, **kwargs)


def from_url(param: str, key: str, parse=str) -> None:
    """Before a widget: when the URL's ``param`` is new (a shared link), put
    ``parse(value)`` into ``st.session_state[key]`` (a value ``parse`` refuses with
    ``ValueError`` is left alone). Each URL value is applied once, so that the user's later
    choices are not overridden."""
    raw = st.query_params.get(param)
    seen = f"_url_seen_{param}"
    if raw is None or st.session_state.get(seen) == raw:
        return
    st.session_state[seen] = raw
    try:
        st.session_state[key] = parse(raw)
    except (ValueError, TypeError):
        pass


def to_url(param: str, value, default=None) -> None:
    """After a widget: keep its value in the URL (removed when it is the default)."""
    text = None if value is None or value == default else str(value)
    if text is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text
    st.session_state[f"_url_seen_{param}"] = text


def one_of(options):
    """A ``parse`` for :func:`from_url`: the value must be one of ``options``."""
    def parse(raw):
        if raw not in options:
            raise ValueError(raw)
        return raw
    return parse


SELECTION_URL = "cercle"


def set_selection_url(cercle_id: str | None) -> None:
    """Write the selected cercle into the URL (``?cercle=``), or remove it."""
    if cercle_id:
        st.query_params[SELECTION_URL] = cercle_id
    elif SELECTION_URL in st.query_params:
        del st.query_params[SELECTION_URL]


def follow_selection(sel_key: str, map_key: str, valid: set[str]) -> None:
    """Bring ``st.session_state[sel_key]`` up to date before anything is drawn.

    The URL is the shareable truth: ``?cercle=<id>`` selects that cercle (an unknown code is
    reported). Then a new click on the map (``st_folium`` keyed ``map_key``) selects the
    cercle clicked. streamlit-folium stores the map's latest value under its key before this
    rerun, so the click is known before anything is drawn; it is compared with the last
    click seen, so that an old click still reported by the component does not override a
    later choice in the list.
    """
    wanted = st.query_params.get(SELECTION_URL)
    if wanted and wanted not in valid:
        st.warning(tr("overview.unknown_cercle", code=wanted))
        wanted = None
    if wanted and st.session_state.get(sel_key) != wanted:
        st.session_state[sel_key] = wanted
    result = st.session_state.get(map_key) or {}
    drawing = result.get("last_active_drawing") or {}
    clicked = (drawing.get("properties") or {}).get("cercle_id")
    click_sig = (clicked, str(result.get("last_object_clicked")))
    seen_key = f"_last_click_{map_key}"
    if clicked in valid and click_sig != st.session_state.get(seen_key):
        st.session_state[seen_key] = click_sig
        st.session_state[sel_key] = clicked
        set_selection_url(clicked)


def cercle_selectbox(container, table: pd.DataFrame, sel_key: str):
    """Select box of the cercles (French name — region), synced with ``?cercle=``."""
    lang = current_lang()
    names = table["cercle_fr"].to_dict()
    return localized_selectbox(
        container, t("overview.cercle", lang), [None] + sorted(names, key=names.get),
        key=sel_key, on_change=lambda: set_selection_url(st.session_state[sel_key]),
        placeholder=t("overview.none", lang),
        format_func=lambda c: t("overview.none", lang) if c is None
        else f"{names[c]} — {table.at[c, 'region_fr']}")


def fmt(value, digits: int = 2) -> str:
    """A value with about ``digits`` significant digits, or "no data", in the session's
    language."""
    if value is None or pd.isna(value):
        return tr("map.no_data")
    return format_significant(value, current_lang(), digits)


def _number_text(value, lang: str) -> str:
    """A table cell's number as the language writes it (no trailing zeros, at most three
    decimals): ``6,21``, ``1 234``; "no data" for NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return t("map.no_data", lang)
    if isinstance(value, (int, np.integer)):
        return format_number(int(value), lang)
    decimals = len(f"{float(value):.3f}".rstrip("0").split(".")[1]) if "." in \
        f"{float(value):.3f}".rstrip("0") else 0
    return format_number(float(value), lang, decimals)


def dataframe(data, **kwargs):
    """``st.dataframe`` with numbers written as the session's language writes them (decimal
    comma and thin-space thousands in French) and "no data" for empty cells — through a
    pandas Styler, so columns still sort by value."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    lang = current_lang()
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    styled = frame.style.format(lambda v: _number_text(v, lang), subset=numeric,
                                na_rep=t("map.no_data", lang))
    styled = styled.format(na_rep=t("map.no_data", lang),
                           subset=[c for c in frame.columns if c not in numeric])
    return st.dataframe(styled, **kwargs)


def localized_table(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """``frame`` with each column renamed to its label ``<prefix>.<column>`` in the session's
    language (columns without a label keep their name)."""
    from geo.i18n import TRANSLATIONS

    lang = current_lang()
    return frame.rename(columns={c: t(f"{prefix}.{c}", lang) for c in frame.columns
                                 if f"{prefix}.{c}" in TRANSLATIONS[lang]})


def tr(key: str, **values: object) -> str:
    """Translate ``key`` into the language chosen in the sidebar."""
    return t(key, current_lang(), **values)


@st.cache_resource(show_spinner=False)
def install_assets() -> None:
    """Copy Leaflet into ``static/`` once per server process."""
    assets.install_static_assets()


def settings() -> Settings:
    """The deployment's settings, read at this edge (the environment, then the app's secrets
    ``.streamlit/secrets.toml``, then the defaults: :class:`geo.settings.Settings`) and passed
    to ``geo``; cheap enough to read on every run, so a changed secret is seen at once."""
    try:
        secrets = dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets file: the defaults apply
        secrets = {}
    return Settings.from_environment(secrets)


@st.cache_resource(show_spinner=False)
def _engine(url: str, with_demo: bool) -> Engine:
    engine = store.make_engine(url)
    demo.ensure_initialised(engine, with_demo)
    return engine


def engine() -> Engine:
    """The record store of :func:`settings`, with the demonstration data loaded into a new
    store unless the demo is switched off."""
    config = settings()
    return _engine(config.database_url, config.demo)


def store_token() -> tuple:
    """Cache key that changes whenever the store's content changes."""
    return store.version_token(engine())


@st.cache_data(show_spinner=False, max_entries=8)
def _indicators(token: tuple) -> pd.DataFrame:
    return indicators.cercle_indicators(engine(), min_count=settings().min_count)


def cercle_indicators() -> pd.DataFrame:
    """The indicator table for the store's current content (cached per content)."""
    return _indicators(store_token())


@st.cache_data(show_spinner=False, max_entries=8)
def _records(kind: str, token: tuple) -> pd.DataFrame:
    return store.load_records(engine(), kind)


def records(kind: str) -> pd.DataFrame:
    return _records(kind, store_token())


def demo_banner() -> None:
    """The "demonstration data" banner, with the one-click removal, on every page."""
    if not store.demo_in_use(engine()):
        return
    with st.container(border=True):
        col_text, col_button = st.columns([4, 1], vertical_alignment="center")
        col_text.warning(tr("demo.banner"), icon=":material/science:")
        if col_button.button(tr("demo.remove"), key="remove_demo", type="secondary"):
            store.remove_demo(engine())
            st.cache_data.clear()
            st.rerun()


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


def map_assets() -> assets.MapAssets:
    return assets.map_assets(st.get_option("server.baseUrlPath") or "")
