"""Issue 12: the French screens are French. Every page is walked under AppTest in French and
everything a reader sees is collected — titles, text, captions, notices, metrics, widget
labels and options, table headers and the tables' displayed cells, the map's tooltips — and
the walk fails on English words, "None", decimal points in numbers and ISO dates."""

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


def _english(texts) -> list[str]:
    found = []
    for text in texts:
        clean = text
        for name in ALLOWED:
            clean = clean.replace(name, "")
        if ENGLISH.search(clean):
            found.append(text[:120])
    return found


@pytest.mark.parametrize("selected", [None, "mli-mopti"])
@pytest.mark.parametrize("page", PAGES)
def test_every_french_screen_is_french(page, selected):
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    if selected:                          # with a cercle selected: the details panels too
        at.query_params["cercle"] = selected
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    texts, cells, labels = _texts(at), _displayed_cells(at), _map_labels(at)
    assert _english(texts + cells + labels) == []
    numbers = [c for c in cells + labels if DECIMAL_POINT.search(c)]
    assert numbers == [], numbers[:5]
    assert [x for x in labels + cells if ISO_DATE.search(x)] == []


def test_the_walk_can_fail():
    """The checks do find English, decimal points and ISO dates when they are there."""
    assert _english(["Download the file", "Signalements (None)"]) == [
        "Download the file", "Signalements (None)"]
    assert _english(["Source : Armed Conflict Location & Event Data Project (ACLED)"]) == []
    assert DECIMAL_POINT.search("6.209") and not DECIMAL_POINT.search("6,209")
    assert ISO_DATE.search("2018-07-29 · Affrontement")


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
