"""State that survives: widgets whose value outlives a page change or a language switch,
the URL (a link reproduces the screen), the selected cercle."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from geo.i18n import t
from ui.lang import current_lang, md_escape, tr


def _localized(draw, label: str, options: list, value, *, key: str, format_func,
               on_change=None, **kwargs):
    """Draw ``draw`` (a widget with options) showing ``value``, kept in
    ``st.session_state[key]``; the widget itself is keyed per language (``<key>@<lang>``):
    Streamlit keeps an options widget's state by its formatted labels, which a language
    switch changes (the chip kept the old language's label, the next click dropped it)."""
    widget_key = f"{key}@{current_lang()}"
    if st.session_state.get(widget_key, object()) != value:
        st.session_state[widget_key] = value

    def _changed():
        st.session_state[key] = st.session_state[widget_key]
        if on_change is not None:
            on_change()

    draw(label, options, key=widget_key, format_func=format_func, on_change=_changed, **kwargs)
    st.session_state[key] = value
    return value


def localized_selectbox(container, label: str, options: list, *, key: str, format_func,
                        default=None, on_change=None, **kwargs):
    """A select box whose labels follow the language and whose value survives a switch
    (:func:`_localized`). Setting ``st.session_state[key]`` before the call (a map click, a
    URL, a callback) selects that value. ``format_func`` must bind the language of this run
    (``t(..., lang)``), not read it from the session when called."""
    kwargs.setdefault("placeholder", tr("chrome.choose"))   # not Streamlit's English
    return _localized(container.selectbox, label, options, chosen(key, options, default),
                      key=key, format_func=format_func, on_change=on_change, **kwargs)


def localized_multiselect(container, label: str, options: list, *, key: str, format_func,
                          default=(), on_change=None, **kwargs) -> list:
    """A multiselect (or ``pills=True``: multi-selection pills) whose labels follow the
    language and whose choice survives a switch (:func:`_localized`); the chosen values that
    are among ``options``, in the session's order."""
    pills = kwargs.pop("pills", False)
    value = [v for v in st.session_state.get(key, list(default)) if v in options]
    if pills:
        draw, kwargs = container.pills, {"selection_mode": "multi", **kwargs}
    else:
        draw = container.multiselect
        kwargs.setdefault("placeholder", tr("chrome.choose"))
    return _localized(draw, label, options, value, key=key, format_func=format_func,
                      on_change=on_change, **kwargs)


def chosen(key: str, options: list, default=None):
    """What :func:`localized_selectbox` keyed ``key`` shows, known before it is drawn: the
    session's value when it is one of ``options``, else ``default``."""
    value = st.session_state.get(key, default)
    return value if value in options else default


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


def number_choices(lo: float, hi: float, step: float, also=None) -> list[float]:
    """The values of a slider from ``lo`` to ``hi`` by ``step`` (and ``also``, a value
    off that grid: a median, a link's value)."""
    grid = [round(lo + i * step, 6) for i in range(int(round((hi - lo) / step)) + 1)]
    if also is not None and round(float(also), 6) not in grid and lo <= also <= hi:
        grid = sorted([*grid, round(float(also), 6)])
    return grid


def number_slider(container, label: str, *, lo: float, hi: float, step: float, key: str,
                  text, value=None, on_change=None, help: str | None = None):
    """A slider over numbers whose labels are ``text(value)`` — numbers written in the
    session's language ("1,5" in French; Streamlit's own slider writes "1.5" whatever the
    language). The value lives under ``key`` (``value`` before any); one off the grid (a
    link's, a median) is added to the choices."""
    current = st.session_state.get(key, value)
    options = number_choices(lo, hi, step, current)
    if current is not None and key in st.session_state:
        st.session_state[key] = min(options, key=lambda o: abs(o - float(current)))
    kwargs = {} if key in st.session_state or value is None else {
        "value": min(options, key=lambda o: abs(o - float(value)))}
    return container.select_slider(label, options, key=key, format_func=text,
                                   on_change=on_change, help=help, **kwargs)


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


def within(lo: float, hi: float):
    """A ``parse`` for :func:`from_url`: a finite number from ``lo`` to ``hi``."""
    def parse(raw):
        value = float(raw)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(raw)
        return value
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
        st.warning(tr("overview.unknown_cercle", code=md_escape(wanted)))
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
    labels = {c: f"{name} — {region}" for c, name, region
              in zip(table.index, table["cercle_fr"], table["region_fr"])}
    labels[None] = t("overview.none", lang)
    return localized_selectbox(
        container, t("overview.cercle", lang), [None] + sorted(names, key=names.get),
        key=sel_key, on_change=lambda: set_selection_url(st.session_state[sel_key]),
        placeholder=t("overview.none", lang), format_func=labels.__getitem__)
