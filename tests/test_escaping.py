"""Stored text stays text (issue 27): the escaping functions of each output kind
(:mod:`geo.outputs.escape`), checked against a CommonMark renderer with autolinks and an HTML
parser, and a scan of the screens' code for the sinks where unescaped text would become
markup. The browser walk over planted payloads is ``tests/test_injection.py``."""

import ast
import html.parser
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from markdown_it import MarkdownIt

from geo.outputs import maps
from geo.outputs.escape import WORD_JOINER, for_html, for_markdown

ROOT = Path(__file__).resolve().parent.parent
#: Streamlit renders Markdown with GitHub's extensions (autolinks, tables, strikethrough) and,
#: where allowed, raw HTML: the harshest reading.
MARKDOWN = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(
    ["linkify", "table", "strikethrough"])
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
               max_size=80)
HOSTILE = ("<style>.stApp{outline:9px solid red}</style>[Reconnectez-vous](http://e.invalid/p) "
           "![t](http://e.invalid/t.png) http://e.invalid/x <img src=x onerror=alert(1)> "
           ":red[x] $x^2$ # h")


def test_markdown_escapes_every_ascii_punctuation_mark():
    assert for_markdown("[a](http://x) *b*") == "\\[a\\]\\(http\\:\u2060\\/\\/x\\) \\*b\\*"
    assert for_markdown("Tombouctou 2,5") == r"Tombouctou 2\,5"
    assert for_markdown(None) == ""


@pytest.mark.parametrize("text", ["see http://e.invalid/x", "www.e.invalid",
                                  "HTTPS://E.INVALID", "ftp://e.invalid"])
def test_a_bare_address_is_not_made_a_link_regression_planner_autolink(text):
    """Regression: a scenario named ``<img src=http://127.0.0.2/x>`` was shown escaped, yet
    Streamlit made the bare address a live link (GitHub's autolinks run on the text)."""
    shown = for_markdown(text).replace("\\", "")        # what the reader sees
    assert shown.replace(WORD_JOINER, "") == text
    assert re.search(r"://|www\.", shown, re.IGNORECASE) is None


def test_html_escapes_the_five_characters():
    assert for_html("<a href='x'>&\"</a>") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;&lt;/a&gt;"
    assert for_html(None) == ""


def test_the_issue_s_payload_renders_as_its_characters():
    rendered = MARKDOWN.render(for_markdown(HOSTILE))
    assert "<a" not in rendered and "<img" not in rendered and "<style" not in rendered
    assert _text(rendered) == " ".join(HOSTILE.split())


def _text(rendered: str) -> str:
    """The text of rendered HTML, whitespace collapsed (the invisible word joiners that stop
    autolinks left out)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered)).replace(WORD_JOINER, "")
    return " ".join(text.split())


@given(TEXT)
def test_escaped_markdown_is_the_text_and_nothing_else(text):
    rendered = MARKDOWN.render(for_markdown(text))
    tags = set(re.findall(r"<(/?[a-z0-9]+)", rendered))
    assert tags <= {"p", "/p", "br", "pre", "/pre", "code", "/code"}   # no link, image, html
    assert _text(rendered) == " ".join(text.split())


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.data = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)


@given(TEXT)
def test_escaped_html_is_the_text_and_nothing_else(text):
    parser = _Collect()
    parser.feed(f"<div title=\"{for_html(text)}\">{for_html(text)}</div>")
    parser.close()
    assert parser.tags == ["div"] and "".join(parser.data) == text


def test_map_tooltips_and_point_labels_are_escaped():
    """folium's tooltip writes a feature's fields into the page as HTML."""
    feature = maps.point(-4.0, 14.5, '<img src=x data-injected=1>')
    assert feature["properties"]["label"] == "&lt;img src=x data-injected=1&gt;"


# ------------------------------------------------------------------ the screens' sinks
SCREENS = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")),
           *sorted((ROOT / "ui").glob("*.py"))]
#: Streamlit calls whose text is rendered as Markdown.
MARKDOWN_SINKS = {"markdown", "caption", "info", "success", "warning", "error", "write",
                  "toast", "title", "header", "subheader"}
#: Calls whose result is safe inside Markdown: translations of our own texts, escaped text,
#: numbers and dates formatted.
SAFE_CALLS = {"tr", "tr_text", "md_escape", "t", "fmt", "count", "approx", "format_number",
              "format_date", "format_significant", "len", "int"}
#: The only places that hand HTML to the page (``st.html``), each reviewed: what it holds.
HTML_SINKS = {
    "pages/overview.py": 1,  # controls.html(CONTROLS_ROOM): a constant of the page's own
    "ui/lang.py": 3,        # two style sheets of our own; the print copy, every cell escaped
    "ui/page.py": 1,        # the map's legends (geo.outputs.maps, escaped there)
    "pages/present.py": 2,  # a style sheet of our own; the legend (geo.outputs.maps)
}


#: Sinks given a message built elsewhere (by ``tr``/``tr_text`` where it was made), by
#: path and expression.
RELAYED = {
    ("pages/provenance.py", "body"),        # a list of ui.tr(...) texts just above
    ("pages/risk.py", "done"),              # ui.tr / tr_text, left in the session by a write
    ("pages/users.py", "done"),             # idem
    ("ui/access.py", "text"),               # _refuse(tr(...))
    ("ui/page.py", "message"),              # Page.flash(ui.tr(...)) left before a rerun
    ("ui/monitor_queue.py", "saved"),       # save_edit(..., ui.tr_text(...)) idem
    ("ui/page.py", "question"),             # confirmation(key, ui.tr(...))
    ("ui/coverage.py", "help"),             # threshold_slider(..., help=ui.tr(...))
    ("ui/state.py", "help"),                # number_slider(..., help=ui.tr(...))
    ("ui/planner.py", "site_lists(result, lang)"),   # names through ui.md_escape inside
    ("ui/planner.py", "focus"),             # _focus: ui.tr with counts
    ("ui/planner.py", "planner.saturation_note(med, ui.current_lang())"),  # t() with counts
    ("ui/planner.py", "planner.saturation_note(ws, ui.current_lang())"),   # idem
    ("ui/risk.py", "notes"),                # ui.tr texts with numbers, just above
}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node


def _name(node) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def test_no_markdown_sink_allows_html():
    found = [f"{p.relative_to(ROOT)}:{c.lineno}" for p in SCREENS for c in _calls(p)
             for k in c.keywords if k.arg == "unsafe_allow_html"]
    assert found == []


def test_html_reaches_the_page_only_where_reviewed():
    found = {}
    for path in SCREENS:
        n = sum(1 for c in _calls(path) if c.func.attr == "html")
        if n:
            found[path.relative_to(ROOT).as_posix()] = n
    assert found == HTML_SINKS


def _unsafe(expr) -> list:
    """The parts of ``expr`` (what a Markdown sink is given) not known to be safe: a value
    formatted or added as it is, outside a safe call."""
    if isinstance(expr, ast.Constant):
        return []
    if isinstance(expr, ast.Call) and _name(expr) in SAFE_CALLS:
        return []
    if isinstance(expr, ast.JoinedStr):
        return [p for v in expr.values if isinstance(v, ast.FormattedValue)
                for p in _unsafe(v.value)]
    if isinstance(expr, ast.BinOp):
        return _unsafe(expr.left) + _unsafe(expr.right)
    if isinstance(expr, ast.IfExp):
        return _unsafe(expr.body) + _unsafe(expr.orelse)
    if isinstance(expr, ast.BoolOp):
        return [p for v in expr.values for p in _unsafe(v)]
    if isinstance(expr, ast.Call) and _name(expr) == "join" \
            and isinstance(expr.func.value, ast.Constant):
        items = expr.args[0]
        return _unsafe(items.elt) if isinstance(items, (ast.GeneratorExp, ast.ListComp)) \
            else [items]
    return [expr]


def test_markdown_sinks_get_only_escaped_or_own_text():
    """What a Markdown sink is given is made of translations, escaped text or numbers —
    never a stored value as it is."""
    unsafe = []
    for path in SCREENS:
        for call in _calls(path):
            if call.func.attr in MARKDOWN_SINKS and call.args:
                where = path.relative_to(ROOT).as_posix()
                unsafe += [f"{where}:{call.lineno} {ast.unparse(part)}"
                           for part in _unsafe(call.args[0])
                           if (where, ast.unparse(part)) not in RELAYED]
    assert unsafe == []


def test_help_texts_and_labels_get_only_escaped_or_own_text():
    """``help=`` texts (tooltips), labels and captions of widgets are Markdown too (a
    context factor's description is a column's help)."""
    unsafe = []
    for path in SCREENS:
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                unsafe += [f"{where}:{node.lineno} {ast.unparse(part)}"
                           for k in node.keywords
                           if k.arg in ("help", "label", "placeholder", "caption", "captions")
                           for part in _unsafe(k.value)
                           if (where, ast.unparse(part)) not in RELAYED]
    assert unsafe == []


def test_the_scan_finds_a_planted_sink(tmp_path, monkeypatch):
    """The scan above can fail: a stored name formatted into ``st.markdown``."""
    planted = tmp_path / "planted.py"
    planted.write_text('import streamlit as st\nst.markdown(f"### {row[\'name\']}")\n')
    monkeypatch.setattr(__import__(__name__), "SCREENS", [planted])
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="row"):
        test_markdown_sinks_get_only_escaped_or_own_text()


def test_regression_an_action_note_holding_a_style_sheet_restyled_the_page():
    """The print copy of a table (``st.html``) pasted its cells as HTML: a note holding
    ``<style>`` restyled /actions for every viewer. Every cell, header and index label is
    text now."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd

        from ui.lang import dataframe
        dataframe(pd.DataFrame({"<b>note</b>": ["<style>.stApp{outline:9px solid red}</style>"]},
                               index=["<i>x</i>"]))

    at = AppTest.from_function(script).run()
    (printed,) = [h.proto.body for h in at.get("html") if "veille-print-table" in h.proto.body]
    assert "<style>" not in printed and "<b>" not in printed and "<i>" not in printed
    assert "&lt;style&gt;.stApp{outline:9px solid red}&lt;/style&gt;" in printed
    assert "<th>&lt;b&gt;note&lt;/b&gt;</th>" in printed and "<th>&lt;i&gt;x&lt;/i&gt;</th>" in printed
