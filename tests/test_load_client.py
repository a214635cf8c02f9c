"""The protocol-level load client (``benchmarks/stclient.py``, issue 32): it sends what
Chromium sends and receives the views Chromium receives.

The fast tests pin the client's messages against those recorded from Chromium (byte for
byte), the widget states a browser registers, its message cache, and the profile summary;
the browser test compares, page by page, the deltas the server sends to a real Chromium tab
and to the client."""

from __future__ import annotations

import asyncio
import os

import pytest
from google.protobuf import text_format
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import stclient
from benchmarks.protocol_load import PAGES, cross_check, summarise_stacks
from tests.support import CHROMIUM, running_app

# What Chromium sent to a server on port 44845 (recorded with Playwright's WebSocket frames).
BROWSER_FIRST = ('rerun_script { widget_states { } context_info { timezone: "UTC" '
                 'timezone_offset: 0 locale: "en-US" url: "http://127.0.0.1:44845/" '
                 'is_embedded: false color_scheme: "light" } }')
WATCH_ID = "$$ID-a06cf646716d2d1f13a42f403383e59c-_watch_overview_map"
OVERVIEW_HASH = "e23404a111df89e963dc524023aede8e"
BROWSER_DRAWN = (
    'rerun_script { widget_states { widgets { id: "$$STREAMLIT_INTERNAL_KEY_' + WATCH_ID
    + '__events" json_trigger_value: "[{\\"event\\":\\"drawn\\",\\"value\\":true}]" } } '
    'page_script_hash: "' + OVERVIEW_HASH + '" cached_message_hashes: "'
    + "a" * 32 + '" context_info { timezone: "UTC" timezone_offset: 0 locale: "en-US" '
    'url: "http://127.0.0.1:44845/" is_embedded: false color_scheme: "light" } }')


def _parse(text: str) -> BackMsg:
    return text_format.Parse(text, BackMsg())


# --------------------------------------------------------------------------- messages out
def test_first_request_is_the_browsers_byte_for_byte():
    msg = stclient.rerun_message(url="http://127.0.0.1:44845/")
    assert msg.SerializeToString() == _parse(BROWSER_FIRST).SerializeToString()
    assert len(msg.SerializeToString()) == 54          # Chromium's frame: 54 bytes


def test_map_drawn_answer_is_the_browsers_byte_for_byte():
    """The Overview's first run waits for this answer (ui.wait_for_map): the trigger of the
    v2 component, as setTriggerValue('drawn', true) sends it."""
    states = stclient.WidgetStates()
    states.widgets.append(stclient.trigger_state(WATCH_ID, stclient.MAP_DRAWN_PAYLOAD))
    msg = stclient.rerun_message(widget_states=states, page_script_hash=OVERVIEW_HASH,
                                 cached_hashes=["a" * 32], url="http://127.0.0.1:44845/")
    assert msg.SerializeToString() == _parse(BROWSER_DRAWN).SerializeToString()
    assert len(msg.SerializeToString()) == 253         # Chromium's frame: 253 bytes


# --------------------------------------------------------------------------- widget states
def _element(kind: str, **fields) -> Element:
    element = Element()
    widget = getattr(element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(widget, name).extend(value)
        else:
            setattr(widget, name, value)
    return element


def test_mount_states_are_the_defaults_or_the_values_the_server_set():
    state = stclient.mount_state(_element("selectbox", id="s", options=["Veille", "ACLED"],
                                          default=1))
    assert (state.id, state.WhichOneof("value"), state.string_value) == \
        ("s", "string_value", "ACLED")
    state = stclient.mount_state(_element("radio", id="r", options=["Français", "English"],
                                          default=0, set_value=True, raw_value="English"))
    assert state.string_value == "English"
    assert stclient.mount_state(_element("selectbox", id="n", options=["a"])) is None
    assert stclient.mount_state(_element("checkbox", id="c", default=True)).bool_value is True
    assert list(stclient.mount_state(_element("date_input", id="d", default=["2022-12-27"]))
                .string_array_value.data) == ["2022-12-27"]
    number = stclient.mount_state(_element("number_input", id="i", default=90.0))
    assert (number.WhichOneof("value"), number.int_value) == ("int_value", 90)
    number = stclient.mount_state(_element("number_input", id="f", default=0.5, data_type=1))
    assert (number.WhichOneof("value"), number.double_value) == ("double_value", 0.5)
    assert list(stclient.mount_state(_element("slider", id="sl", default=[2.0, 8.0]))
                .double_array_value.data) == [2.0, 8.0]
    select_slider = _element("slider", id="ss", default=[1.0], options=["low", "mid", "high"],
                             type=2)
    assert list(stclient.mount_state(select_slider).string_array_value.data) == ["mid"]
    assert list(stclient.mount_state(_element("multiselect", id="m", options=["a", "b", "c"],
                                              default=[0, 2])).string_array_value.data) == \
        ["a", "c"]
    assert stclient.mount_state(_element("button", id="b")) is None


def _delta(kind: str, script: str, path: list[int], **fields) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.CopyFrom(_element(kind, **fields))
    msg.metadata.active_script_hash = script
    msg.metadata.delta_path.extend(path)
    return msg


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _new_session(main: str, page: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.main_script_hash = main
    msg.new_session.page_script_hash = page
    msg.new_session.config.max_cached_message_age = 2
    return msg


def test_a_page_change_sends_the_main_scripts_widgets_only_and_shown_widgets_only():
    """The browser clears the page's own elements before it asks for the next page
    (App.onPageChange), and forgets widgets a finished run no longer drew."""
    session = stclient.Session("http://127.0.0.1:1")
    for msg in (_new_session("main", "page1"),
                _delta("radio", "main", [1, 0], id="lang", options=["Français", "English"],
                       default=0),
                _delta("checkbox", "page1", [0, 3], id="tiles", default=False),
                _finished()):
        session._handle(msg.SerializeToString(), 0.0)
    states = session.navigation_states()
    assert [(w.id, w.string_value) for w in states.widgets] == [("lang", "Français")]
    assert set(session.widgets) == {"lang", "tiles"}
    for msg in (_new_session("main", "page2"),
                _delta("checkbox", "page2", [0, 1], id="other", default=True), _finished()):
        session._handle(msg.SerializeToString(), 0.0)
    assert set(session.widgets) == {"other"}
    assert list(session.navigation_states().widgets) == []


# --------------------------------------------------------------------------- message cache
def test_cached_messages_come_back_as_references_and_expire_as_in_the_browser():
    session = stclient.Session("http://127.0.0.1:1")
    big = _delta("selectbox", "main", [1, 0], id="big", options=["x" * 50], default=0)
    big.hash, big.metadata.cacheable = "h1", True
    session._handle(_new_session("main", "p").SerializeToString(), 0.0)
    session._handle(big.SerializeToString(), 0.0)
    session._handle(_finished().SerializeToString(), 0.0)
    assert session.cache.hashes() == ["h1"]
    ref = ForwardMsg(ref_hash="h1")
    ref.metadata.delta_path.extend([1, 0])
    ref.metadata.active_script_hash = "main"
    session._run = stclient.Run()
    session._handle(ref.SerializeToString(), 0.0)             # the widget comes back
    assert session._run.deltas == ["ref_hash"]
    assert session.widgets["big"][0].string_value == "x" * 50
    kept = []
    for _ in range(3):            # max_cached_message_age 2: dropped once 3 runs unused
        session._handle(_finished().SerializeToString(), 0.0)
        kept.append(session.cache.hashes())
    assert kept == [["h1"], ["h1"], []]
    while not session._finished.empty():
        session._finished.get_nowait()
    session._handle(ref.SerializeToString(), 0.0)             # a miss is the browser's error
    assert isinstance(session._finished.get_nowait(), stclient.ProtocolError)


def test_profile_summary_shares_of_named_costs():
    gc_frame = ("ScriptRunner._on_script_finished "
                "(streamlit/runtime/scriptrunner/script_runner.py:1055)")
    raw = "\n".join([
        f"_run (t.py:1);{gc_frame} 21",
        "_run (t.py:1);main (dashboard.py:40);render (folium/map.py:9);render (jinja2/env.py:3) 12",
        "_run (t.py:1);main (dashboard.py:40);exec (sqlalchemy/engine.py:5) 9",
        "_run (t.py:1);main (dashboard.py:40);run (pages/overview.py:4) 58"])
    summary = summarise_stacks(raw)
    assert summary["samples"] == 100
    named = summary["named"]
    assert named["Streamlit's full GC after each run (runner.postScriptGC)"] == 21.0
    assert named["folium / branca / Jinja2 (map HTML)"] == 12.0
    assert named["SQLAlchemy (every query)"] == 9.0
    assert named["the script runs (dashboard.py, the pages and all they call)"] == 79.0
    assert named["st.secrets"] == 0.0
    # inclusive, by function (lines merged); "_run", in every sample, says nothing
    assert dict(summary["inclusive"]) == {
        "main (dashboard.py)": 79.0, "run (pages/overview.py)": 58.0,
        gc_frame.replace(":1055", ""): 21.0, "render (folium/map.py)": 12.0,
        "render (jinja2/env.py)": 12.0, "exec (sqlalchemy/engine.py)": 9.0}
    assert summary["own"][0] == ("run (pages/overview.py:4)", 58.0)


# --------------------------------------------------------------------------- the browser
def _filled(kinds: list[str]) -> list[str]:
    """The deltas without ``st.empty`` placeholders: one filled in the same run (the brief's
    button in its slot) reaches a tab or not depending on when Streamlit's message queue is
    flushed (the queue replaces a delta by a later one at the same place)."""
    return [k for k in kinds if k != "delta.empty"]


@pytest.mark.browser
def test_the_clients_views_are_the_browsers(tmp_path):
    """For one visit of each page (and the Overview and the Risk page again), the server
    sends the client the same deltas as Chromium, of the same types in the same order, the
    same bytes, and the client sends the same requests."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium")
    env = {"VEILLE_DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite'}"}
    with running_app(env=env, timeout=120) as (url, _proc):
        rows = asyncio.run(cross_check(url, list(PAGES)))
    assert [r["page"] for r in rows] == [*PAGES, "overview", "risk"]
    for r in rows:
        assert r["client_errors"] == [], r["page"]
        assert _filled(r["client_kinds"]) == _filled(r["browser_kinds"]), r["page"]
        assert r["client_requests"] == r["browser_requests"], r["page"]
        assert r["client_sent_bytes"] == r["browser_sent_bytes"], r["page"]
        assert abs(r["client_bytes"] - r["browser_bytes"]) <= 0.02 * r["browser_bytes"], \
            r["page"]
    first = rows[0]
    assert first["client_requests"] == 2            # the page, then the map's "drawn"
    assert "delta.component_instance" in first["client_kinds"]
    assert "ref_hash" in first["client_kinds"]      # the map, held by the tab, by reference
