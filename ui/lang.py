"""Language: the switch, translation, numbers and tables in the session's language, and
Streamlit's own English words replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from geo.i18n import (format_number, format_significant,
                      normalise_language, t)
from geo.outputs.escape import for_html, for_markdown as md_escape  # noqa: F401 - ui's name


LANG_KEY = "ui_language"


def current_lang() -> str:
    return normalise_language(st.session_state.get(LANG_KEY))


#: The parts of a date field, as Streamlit's date input marks them.
DATE_PARTS = ("day", "month", "year")


def localize_chrome() -> None:
    """Streamlit's own words on the file uploader ("Upload", "50MB per file") and the empty
    parts of a date field ("dd/mm/yyyy") are English only: a style sheet in the session's
    language replaces them (CSS generated content: no script, nothing fetched); up to
    1,024 px the columns stack."""
    limit = int(st.get_option("server.maxUploadSize") or 200)
    button = tr("chrome.upload").replace('"', "")
    note = tr("chrome.per_file", mb=limit).replace('"', "")
    # a date field's empty parts: Streamlit writes them "dd/mm/yyyy" in any language
    segments = "".join(
        f"""[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{part}"]
          {{font-size: 0;}}
        [data-testid="stDateInputField"] [data-placeholder="true"][data-type="{part}"]::after
          {{content: "{tr(f'chrome.date.{part}').replace('"', '')}"; font-size: 0.875rem;}}
        """ for part in DATE_PARTS)
    st.html(f"""<style>
      {segments}
      [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p
        {{font-size: 0;}}
      [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
        {{content: "{button}"; font-size: 0.875rem;}}
      [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}
      [data-testid="stFileUploaderDropzoneInstructions"] span::after
        {{content: "{note}"; font-size: 0.875rem;}}
      /* a tablet (up to 1,024 px): columns stack, so the map takes the full width and
         headline figures are not cut */
      @media (max-width: 1024px) {{
        [data-testid="stHorizontalBlock"] {{flex-wrap: wrap !important;}}
        [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
          min-width: 100% !important; flex: 1 1 100% !important;}}
      }}
    </style>""")


def print_rules() -> None:
    """The print style sheet, for the screens behind the sign-in: a page printed from the
    browser drops the sidebar, the toolbar and the buttons, takes the full width, and prints
    each table's HTML copy (:func:`dataframe`) instead of its canvas."""
    st.html(f"""<style>
      /* printing a page from the browser: the content only, full width */
      @media print {{
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
        [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
        .stButton, .stDownloadButton {{display: none !important;}}
        .block-container, [data-testid="stMainBlockContainer"] {{max-width: 100% !important;
          padding: 0 !important;}}
        [data-testid="stMain"] {{margin-left: 0 !important;}}
        .veille-legend-row {{break-inside: avoid;}}
        /* a canvas table prints only its visible cells: its HTML copy is printed instead */
        [data-testid="stElementContainer"]:has([data-testid="stDataFrame"])
          {{display: none !important;}}
        [data-testid="stElementContainer"]:has(.veille-print-table),
        .veille-print-table {{display: block !important;}}
        .veille-print-table table {{border-collapse: collapse; width: 100%;
          font-size: 9pt;}}
        .veille-print-table th, .veille-print-table td {{border: 1px solid #bbb;
          padding: 1px 4px; text-align: left;}}
        .veille-print-table tr {{break-inside: avoid;}}
        .veille-print-table thead {{display: table-header-group;}}
      }}
      [data-testid="stElementContainer"]:has(.veille-print-table),
      .veille-print-table {{display: none;}}
    </style>""")


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
    fraction = f"{float(value):.3f}".split(".")[1].rstrip("0")
    return format_number(float(value), lang, len(fraction))


def _other_text(value, no_data: str) -> str:
    """A non-number column's cell as pandas' Styler writes it (``na_rep``, floats to six
    decimals, anything else ``str``)."""
    if value is None or value is pd.NA or value is pd.NaT \
            or (isinstance(value, float) and np.isnan(value)):
        return no_data
    if isinstance(value, (float, np.floating)):
        return f"{value:.6f}"
    return str(value)


def display_texts(frame: pd.DataFrame, numeric: list, lang: str) -> list[list[str]]:
    """Each cell of ``frame`` as :func:`dataframe` shows it, row by row: numbers in the
    language's way (:func:`_number_text`), "no data" for empty cells."""
    no_data = t("map.no_data", lang)
    columns = [[_number_text(v, lang) for v in frame.iloc[:, i].tolist()] if c in numeric
               else [_other_text(v, no_data) for v in frame.iloc[:, i].tolist()]
               for i, c in enumerate(frame.columns)]
    return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]


def texts_styler(frame: pd.DataFrame, texts: list[list[str]]):
    """A pandas Styler of ``frame`` that only carries each cell's text (:func:`display_texts`).
    Streamlit reads a Styler's display values through its ``_compute`` and ``_translate``,
    which in pandas build the whole HTML table cell by cell (issue 32: a styled table cost
    more than the rest of its page); this one's hand over the texts. (Streamlit accepts a
    Styler by its exact class: the methods are replaced on the object, not in a subclass.)"""
    # a fixed id (pandas draws a random one; no style uses it): the same table is the same
    # message, which a browser that holds it receives as a reference
    styler = frame.style.set_uuid("veille")
    body = [[{"id": f"row{r}_col{c}", "display_value": text} for c, text in enumerate(row)]
            for r, row in enumerate(texts)]
    styler._compute = lambda: styler
    styler._translate = lambda *_args, **_kwargs: {"body": body, "cellstyle": [],
                                                    "table_styles": []}
    return styler


def dataframe(data, **kwargs):
    """``st.dataframe`` with numbers written as the session's language writes them (decimal
    comma and thin-space thousands in French) and "no data" for empty cells — as the display
    values of a Styler (:func:`texts_styler`), so columns still sort by value — and its print copy
    (:func:`_print_copy`). Cells are drawn as text (a canvas), whatever they hold."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    lang = current_lang()
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    texts = display_texts(frame, numeric, lang)
    shown = st.dataframe(texts_styler(frame, texts), **kwargs)
    # on paper a yes/no column (a checkbox on screen) reads as words, not "True"
    flags = [i for i, c in enumerate(frame.columns) if pd.api.types.is_bool_dtype(frame[c])]
    if flags:
        words = {True: t("audit.yes", lang), False: t("audit.no", lang)}
        printed = [list(row) for row in texts]
        for i in flags:
            for row, value in zip(printed, frame.iloc[:, i].tolist()):
                row[i] = words.get(value, row[i])
        texts = printed
    _print_copy(frame, texts, hide_index=bool(kwargs.get("hide_index")), lang=lang)
    return shown


PRINT_ROWS_MAX = 500


def _print_copy(frame: pd.DataFrame, texts: list[list[str]], *, hide_index: bool,
                lang: str) -> None:
    """The table once more as plain HTML, shown only when the page is printed: Streamlit
    draws ``st.dataframe`` on a canvas, so a printed page would keep only its visible
    cells. Up to ``PRINT_ROWS_MAX`` rows (past that, a line says how many are left out and
    that the CSV export holds them). Every cell, header and index label is escaped
    (:func:`geo.outputs.escape.for_html`): a cell holding ``<style>`` prints as those
    characters and styles nothing."""
    rows = len(frame)
    head = frame.iloc[:PRINT_ROWS_MAX]
    cells = "".join(
        "<tr>" + ("" if hide_index else f"<th>{for_html(label)}</th>")
        + "".join(f"<td>{for_html(text)}</td>" for text in row) + "</tr>"
        for label, row in zip(head.index, texts[:PRINT_ROWS_MAX]))
    header = "<tr>" + ("" if hide_index else "<th></th>") + "".join(
        f"<th>{for_html(c)}</th>" for c in head.columns) + "</tr>"
    more = (f"<p>{t('chrome.print_more_rows', lang, n=format_number(rows - PRINT_ROWS_MAX, lang))}</p>"
            if rows > PRINT_ROWS_MAX else "")
    st.html(f'<div class="veille-print-table"><table><thead>{header}</thead>'
            f'<tbody>{cells}</tbody></table>{more}</div>')


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


def tr_text(key: str, **values: object) -> str:
    """:func:`tr` for a Markdown sink (a message, a caption, a label) whose ``values`` come
    from a user, a file or a link (a name, a note, refused values): each value shown as the
    characters it holds (:func:`md_escape`)."""
    return tr(key, **{name: md_escape(value) for name, value in values.items()})


