"""Tables' cell texts computed column by column (issue 32: ui.lang.dataframe no longer
builds pandas' whole HTML table to get them): the same texts pandas' Styler gave."""

import datetime

import numpy as np
import pandas as pd
import pytest

from geo.i18n import t
from ui import lang as ui_lang

FRAME = pd.DataFrame({
    "n": [1, 2, None], "x": [1.5, 2000.25, np.nan], "s": ["x", None, "z"],
    "b": [True, False, True], "d": [datetime.date(2026, 1, 2), None, datetime.date(2026, 3, 4)],
    "i": pd.array([1, None, 3], dtype="Int64"), "o": [0.1, "s", None]})
NUMERIC = ["n", "x", "i"]


def _styler_texts(frame, lang):
    """What the former ui.lang.dataframe handed Streamlit: a Styler's display values."""
    styled = frame.style.format(lambda v: ui_lang._number_text(v, lang), subset=NUMERIC,
                                na_rep=t("map.no_data", lang))
    styled = styled.format(na_rep=t("map.no_data", lang),
                           subset=[c for c in frame.columns if c not in NUMERIC])
    styled._compute()
    body = styled._translate(False, False)["body"]
    return [[str(c["display_value"]) for c in row if c.get("id", "").startswith("row")]
            for row in body]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_texts_are_the_stylers(lang):
    assert ui_lang.display_texts(FRAME, NUMERIC, lang) == _styler_texts(FRAME, lang)


def test_texts_in_french_by_hand():
    assert ui_lang.display_texts(FRAME, NUMERIC, "fr")[1] == [
        "2", "2\u202f000,25", "Pas de données", "False", "Pas de données", "Pas de données", "s"]


def test_streamlit_reads_the_texts_as_display_values():
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData
    from streamlit import dataframe_util

    proto = ArrowData()
    marshall_styler(proto, ui_lang.texts_styler(FRAME, ui_lang.display_texts(FRAME, NUMERIC, "fr")),
                    "u")
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.styler.display_values)
    assert shown["x"].tolist() == ["1,5", "2\u202f000,25", "Pas de données"]
    assert shown["s"].tolist() == ["x", "Pas de données", "z"]


def test_a_table_drawn_in_a_page():
    """Regression: Streamlit takes a Styler by its exact class (a subclass was refused)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        from ui import lang
        lang.dataframe(pd.DataFrame({"a": [1.5, 2000.0], "b": ["x", None]}), hide_index=True)

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.dataframe[0].value["a"].tolist() == [1.5, 2000.0]


def test_a_printed_yes_no_column_reads_as_words():
    """Regression (stop 36's walk): the Monitor's "escalated" column printed "False"/"True"
    in both languages (a checkbox on screen)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import streamlit as st

        from ui.lang import LANG_KEY, dataframe
        st.session_state[LANG_KEY] = "fr"
        dataframe(pd.DataFrame({"remonté": [True, False], "gravité": [2, 3]}), hide_index=True)

    at = AppTest.from_function(script).run()
    (printed,) = [h.proto.body for h in at.get("html") if "veille-print-table" in h.proto.body]
    assert "<td>oui</td><td>2</td>" in printed and "<td>non</td><td>3</td>" in printed
    assert "True" not in printed and "False" not in printed
