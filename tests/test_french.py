"""Issue 12: the French screens are French. Every page is walked under AppTest in French and
everything a reader sees is collected — titles, text, captions, notices, metrics, widget
labels and options, table headers and the tables' displayed cells, the map's tooltips — and
the walk fails on English words, "None", decimal points in numbers and ISO dates.

Issue 31: and on what was left — Streamlit's English placeholders ("Choose an option" in a
select box being searched, "Select all", a date field's "dd/mm/yyyy"), decimal points in
sliders and charts, plurals written "(s)". The English screens are walked the same way for
French words."""

import json
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import DASHBOARD, PAGES

#: English words that have no business on a French screen (whole words).
ENGLISH = re.compile(
    r"\b(the|and|with|from|per|None|nan|NaN|No data|Upload|Download|Browse|Drag|Rank|"
    r"Show|Hide|Select|Choose|Reset|Coverage|Overview|Risk|Mediators?|Reports?|Workshops?|"
    r"Method|Weight|Window|Gap|Priority|Adequate)\b")
#: Proper names and codes allowed in French text (a source's own name, a format's name…).
ALLOWED = ("Armed Conflict Location & Event Data Project", "Uppsala Conflict Data Program",
           "Georeferenced Event Dataset", "English", "geoBoundaries", "Runfola et al.",
           "OpenStreetMap", "Leaflet", "INFORM", "KoboToolbox", "ViEWS", "Wikipedia")
DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: A plural written with brackets: "action(s) prévue(s)".
BRACKETED_PLURAL = re.compile(r"\w\((?:s|e|es|x)\)")
#: French words that have no business on an English screen (whole words; place names, the
#: language switch and the demonstration's own names aside).
FRENCH = re.compile(
    r"\b(les|des|du|une|avec|pour|dans|aucun|aucune|signalements?|médiateurs?|ateliers?|"
    r"écarts?|risque|couverture|période|données|enregistrer|télécharger|rejetées?|"
    r"acceptées?|cercles? sélectionnés?|gravité|catégorie|vérifié|jj|aaaa)\b", re.IGNORECASE)
ALLOWED_FR = ("Français", "Langue / Language")


def _place_names() -> list[str]:
    """The places' own names (French on every screen: "Nioro du Sahel"), longest first."""
    from geo.reference import units

    names = {*units.load_regions()["region_fr"], *units.load_cercles()["cercle_fr"],
             *units.load_communes()["commune_fr"]}
    return sorted((n for n in names if FRENCH.search(n)), key=len, reverse=True)


def _texts(at) -> list[str]:
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "text"):
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        out += [m.label, str(m.value)]
    for w in [*at.selectbox, *at.slider, *at.number_input, *at.date_input, *at.toggle,
              *at.checkbox, *at.button, *at.text_input]:
        out.append(w.label)
    for box in at.selectbox:
        out += [str(o) for o in box.options]
    for radio in at.radio:
        out += [radio.label, *[o for o in radio.options if o != "English"]]
    for table in at.table:
        frame = table.value
        out += [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    return out


def _displayed_cells(at) -> list[str]:
    """What each st.dataframe shows (its Styler's display values when it has one)."""
    out = []
    for d in at.dataframe:
        arrow = d.proto.arrow_data
        shown = (pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
                 if arrow.HasField("styler") else d.value)
        out += [str(c) for c in shown.columns]
        out += [str(v) for v in shown.to_numpy().ravel() if isinstance(v, str) or v is None]
    return out


def _map_labels(at) -> list[str]:
    out = []
    for component in at.get("component_instance"):
        script = json.loads(component.proto.json_args).get("script", "")
        out += [json.loads(f'"{v}"') for v in re.findall(r'"(?:label|value_txt)": "([^"]*)"',
                                                          script)]
    return out


def _widgets(at) -> list[str]:
    """What Streamlit itself writes in the widgets: placeholders, slider values, the date
    fields' format."""
    out = [m.proto.placeholder for m in at.multiselect]
    out += [b.proto.placeholder for b in at.selectbox if b.proto.placeholder]
    for s in at.select_slider:
        out += [str(o) for o in s.options]
    return out


def _leftovers(at) -> list[str]:
    """Issue 31's leftovers on a screen, in any language: a multi-select without its own
    placeholder or with Streamlit's "Select all", a date field not written dd/mm/yyyy, a
    slider over decimals (Streamlit writes them with a point), a chart without the
    language's number format."""
    found = [f"multiselect without placeholder: {m.label}" for m in at.multiselect
             if not m.proto.placeholder]
    found += [f"selectbox without placeholder: {b.label}" for b in at.selectbox
              if not b.proto.placeholder]
    found += [f"multiselect with 'Select all': {m.label}" for m in at.multiselect
              if m.proto.select_all]
    found += [f"date field: {d.label} {d.proto.format}" for d in at.date_input
              if d.proto.format != "DD/MM/YYYY"]
    found += [f"decimal slider: {s.label}" for s in at.slider
              if any(isinstance(v, float) for v in
                     (s.value if isinstance(s.value, (tuple, list)) else [s.value]))]
    return found


def _chart_decimals(at) -> set[str]:
    """The decimal mark each drawn chart formats its numbers with (Vega's locale)."""
    marks = set()
    for chart in at.get("arrow_vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        marks.add(spec.get("config", {}).get("locale", {}).get("number", {}).get("decimal",
                                                                                 "none"))
    return marks


def _french(texts) -> list[str]:
    found = []
    for text in texts:
        clean = text
        for name in (*ALLOWED_FR, *PLACES):
            clean = clean.replace(name, "")
        if FRENCH.search(clean):
            found.append(text[:120])
    return found


def _english(texts) -> list[str]:
    found = []
    for text in texts:
        clean = text
        for name in ALLOWED:
            clean = clean.replace(name, "")
        if ENGLISH.search(clean):
            found.append(text[:120])
    return found


def _screen(page: str, **query):
    """``page`` opened with ``query`` in its link: the app test, then what it shows: the
    texts, the table cells, the map's labels and the widgets' labels."""
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at, _texts(at), _displayed_cells(at), _map_labels(at), _widgets(at)


@pytest.mark.parametrize("selected", [None, "mli-mopti"])
@pytest.mark.parametrize("page", PAGES)
def test_every_french_screen_is_french(page, selected):
    # with a cercle selected: the details panels too
    at, texts, cells, labels, widgets = _screen(page, **({"cercle": selected} if selected
                                                         else {}))
    assert _english(texts + cells + labels + widgets) == []
    numbers = [c for c in cells + labels + widgets if DECIMAL_POINT.search(c)]
    assert numbers == [], numbers[:5]
    assert [x for x in labels + cells if ISO_DATE.search(x)] == []
    assert [x for x in texts + cells if BRACKETED_PLURAL.search(x)] == []
    assert _leftovers(at) == []
    assert _chart_decimals(at) <= {","}


PLACES = _place_names()
#: The pages walked in English (the monitor's other sections: tests/test_monitor_page.py).
ENGLISH_PAGES = [*PAGES, "pages/planner.py", "pages/actions.py"]


@pytest.mark.parametrize("page", ENGLISH_PAGES)
def test_every_english_screen_is_english(page):
    """Issue 31: French placeholders, French demonstration summaries and French words on
    the English screens."""
    at, texts, cells, labels, widgets = _screen(page, lang="en", cercle="mli-mopti")
    assert _french(texts + cells + labels + widgets) == []
    assert [x for x in texts + cells if BRACKETED_PLURAL.search(x)] == []
    assert [x for x in labels + cells if ISO_DATE.search(x)] == []
    assert _leftovers(at) == []
    assert _chart_decimals(at) <= {"."}


@pytest.mark.parametrize("page", ["pages/planner.py", "pages/actions.py"])
def test_the_planning_screens_are_french_too(page):
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    texts, cells, widgets = _texts(at), _displayed_cells(at), _widgets(at)
    assert _english(texts + cells + widgets) == []
    assert [c for c in cells + widgets if DECIMAL_POINT.search(c)] == []
    assert [x for x in texts + cells if BRACKETED_PLURAL.search(x)] == []
    assert _leftovers(at) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_method_sliders_write_numbers_in_the_screen_s_language_issue_31(lang):
    """Issue 31: "1.03" in a slider next to "1,03" in the text. The method's sliders (drawn
    once their expander is open) offer formatted values."""
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["lang"] = lang
    at.session_state["risk_method_open"] = True
    at.run()
    at.switch_page("pages/risk.py").run()
    assert not at.exception
    assert _leftovers(at) == []
    weights = [s for s in at.select_slider if s.key == "_w_risk_dw_hazard"]
    assert weights and weights[0].options[:3] == (
        ["0,0", "0,5", "1,0"] if lang == "fr" else ["0.0", "0.5", "1.0"])
    (unverified,) = [s for s in at.select_slider if s.key == "_w_risk_uw"]
    assert unverified.options[:2] == (["0,00", "0,05"] if lang == "fr" else ["0.00", "0.05"])


def test_the_walk_can_fail():
    """The checks do find English, decimal points and ISO dates when they are there."""
    assert _english(["Download the file", "Signalements (None)"]) == [
        "Download the file", "Signalements (None)"]
    assert _english(["Source : Armed Conflict Location & Event Data Project (ACLED)"]) == []
    assert DECIMAL_POINT.search("6.209") and not DECIMAL_POINT.search("6,209")
    assert ISO_DATE.search("2018-07-29 · Affrontement")
    assert BRACKETED_PLURAL.search("3 action(s) prévue(s) créée(s)")
    assert not BRACKETED_PLURAL.search("Risque (score ≥ 5)")
    assert _english(["Choose an option", "Select all"]) == ["Choose an option", "Select all"]
    assert _french(["3 signalements à vérifier", "Aucun médiateur"]) == [
        "3 signalements à vérifier", "Aucun médiateur"]
    assert _french(["Mopti — Mopti region", "Français"]) == []


def test_the_ratings_grid_says_not_rated_instead_of_none():
    """Regression: Streamlit's data editor showed "None" in every unrated cell."""
    for lang, text in (("fr", "non noté"), ("en", "not rated")):
        at = AppTest.from_file(DASHBOARD, default_timeout=90)
        at.query_params["lang"] = lang
        at.run()
        at.session_state["risk_section"] = "context"
        at.switch_page("pages/risk.py").run()
        (grid,) = [d for d in at.dataframe if d.proto.editing_mode]
        assert grid.proto.placeholder == text
