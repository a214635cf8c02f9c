"""A client of Streamlit's own protocol (Streamlit 1.67), replaying what Chromium sends.

One :class:`Session` is one browser tab: the HTTP requests a tab makes before its WebSocket
(the page, ``/_stcore/health``, ``/_stcore/host-config``: they set the ``_streamlit_xsrf``
cookie and, behind ``deploy/``'s nginx, the route cookie), then the WebSocket
``/_stcore/stream`` with the browser's subprotocols (``streamlit``, the XSRF token) and
``Origin``, and on it the browser's ``BackMsg``\\ s:

* a ``rerun_script`` per page view: the first with the URL's path as ``page_name`` and no
  ``page_script_hash``; a navigation with the page's ``page_script_hash`` (from the
  ``navigation`` message) and the widget states of the main script's elements only (the
  browser clears the page's own before it asks for the next: ``App.onPageChange``);
* the widget states a browser holds: every basic widget (select box, radio, check box and
  toggle, date and number inputs, slider, multiselect, segmented control, text input)
  registers its value when it mounts (``useBasicWidgetState``): its default, or its current
  value when the server set one; a widget drawn again keeps the value it holds unless the
  server sets one; the states of widgets no longer shown are dropped after each run
  (``WidgetStateManager.removeInactive``);
* ``cached_message_hashes``: the browser keeps every ``cacheable`` ``ForwardMsg`` it received
  (large ``new_element`` deltas) and names them in each ``rerun_script``; the server then
  sends a ``ref_hash`` instead of a message the browser holds. Entries not used for
  ``max_cached_message_age`` runs (from ``new_session``) are dropped, as the browser does
  (``ForwardMsgCache``); a ``ref_hash`` the client does not hold is an error, as in the
  browser;
* the Overview's handshake (:func:`ui.page.wait_for_map`): a session's first Overview run
  sends the map alone and a ``veille_map_drawn`` component (``st.components.v2``) whose
  JavaScript calls ``setTriggerValue('drawn', true)`` once the map is drawn; the client
  answers it as the browser does, with the trigger widget
  ``$$STREAMLIT_INTERNAL_KEY_<component id>__events`` holding
  ``[{"event": "drawn", "value": true}]``, after ``draw_delay`` seconds.

The client does not fetch static files (the JavaScript bundle, the component frames,
Leaflet): a browser caches them after its first visit, and Streamlit serves them without
running a script. It does not click maps.

Each page view is timed from the request (the ``BackMsg``, or the HTTP GET of a first
visit) to the ``script_finished`` of its last run (a run that ends early for a rerun does not
end the view), with the time to the map's delta (the ``streamlit_folium`` component) and
what came: deltas, bytes, ``exception`` elements.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

#: What headless Chromium on this machine reports in ``context_info``.
TIMEZONE, LOCALE = "UTC", "en-US"
#: The browser's first subprotocol; the second is the XSRF token.
SUBPROTOCOL = "streamlit"
#: The component of :func:`ui.page.wait_for_map` and the value its JavaScript sends.
MAP_DRAWN_COMPONENT = "veille_map_drawn"
MAP_DRAWN_PAYLOAD = [{"event": "drawn", "value": True}]
#: ``streamlit_folium``'s component: the map's delta.
MAP_COMPONENT = "streamlit_folium.st_folium"
#: The prefix of a v2 component's trigger widget (``bidi_component.main._make_trigger_id``).
INTERNAL_KEY_PREFIX = "$$STREAMLIT_INTERNAL_KEY"

_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


class ProtocolError(Exception):
    """The server sent what a browser could not use, or did not answer in time."""


# --------------------------------------------------------------------------- what came back
@dataclass
class Run:
    """One script run as the client received it: each message's kind and size (bytes)."""

    messages: list[tuple[str, int]] = field(default_factory=list)
    status: int | None = None

    @property
    def deltas(self) -> list[str]:
        """The kinds of the run's deltas (``ref_hash`` included: it stands for one)."""
        return [k for k, _ in self.messages if k.startswith(("delta.", "ref_hash"))]

    @property
    def bytes(self) -> int:
        return sum(n for _, n in self.messages)


@dataclass
class View:
    """One page view: the runs it took, its time (s) and the time to its map's delta (s)."""

    page: str
    first: bool = False          # the session's first visit of this page
    started: float = 0.0         # time.perf_counter() at the request
    seconds: float = float("nan")
    map_seconds: float | None = None
    runs: list[Run] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: a transport error (timeout, disconnection, protocol): the session is unusable
    fatal: bool = False
    sent: list[bytes] = field(default_factory=list)     # the BackMsgs, serialised

    @property
    def deltas(self) -> int:
        return sum(len(r.deltas) for r in self.runs)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.runs)


def message_kind(msg: ForwardMsg) -> str:
    """``delta.<element type>``, ``delta.block.<block type>``, or the message's type."""
    kind = msg.WhichOneof("type")
    if kind == "delta":
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            return "delta." + str(delta.new_element.WhichOneof("type"))
        if which == "add_block":
            return "delta.block." + str(delta.add_block.WhichOneof("type"))
        return f"delta.{which}"
    return str(kind)


# --------------------------------------------------------------------------- browser state
class MessageCache:
    """The browser's cache of cacheable ``ForwardMsg``\\ s (``ForwardMsgCache``), by hash."""

    def __init__(self) -> None:
        self.entries: dict[str, list] = {}    # hash -> [raw bytes, run count when last used]
        self.run_count = 0

    def resolve(self, msg: ForwardMsg, raw: bytes) -> ForwardMsg:
        """Keep ``msg`` if cacheable; for a ``ref_hash``, the message it stands for."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self.entries.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cached ForwardMsg missing: {msg.ref_hash}")
            entry[1] = self.run_count
            full = ForwardMsg.FromString(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            if msg.hash in self.entries:
                self.entries[msg.hash][1] = self.run_count
            else:
                self.entries[msg.hash] = [raw, self.run_count]
        return msg

    def finished_run(self, max_age: int) -> None:
        """After a complete run: one run older; drop what was unused for ``max_age`` runs."""
        self.run_count += 1
        for key in [k for k, (_, used) in self.entries.items()
                    if self.run_count - used > max_age]:
            del self.entries[key]

    def hashes(self) -> list[str]:
        return list(self.entries)


def mount_state(element) -> WidgetState | None:
    """The widget state a browser registers when ``element`` (an ``Element`` proto) mounts:
    its current value when the server set one (``set_value``), else its default; None for
    an element that holds no state until a user acts (buttons, uploaders, maps)."""
    kind = element.WhichOneof("type")
    w = getattr(element, kind)
    state = WidgetState(id=getattr(w, "id", ""))

    def has(name: str) -> bool:
        try:
            return w.HasField(name)
        except ValueError:                 # a repeated or non-optional field
            return True

    if kind in ("selectbox", "radio"):
        if w.set_value:
            if has("raw_value"):        # else set to no choice: the state holds no value
                state.string_value = w.raw_value
        elif has("default") and len(w.options):
            state.string_value = w.options[w.default]
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = w.value if w.set_value else w.default
    elif kind == "date_input":
        state.string_array_value.data.extend(w.value if w.set_value else w.default)
    elif kind == "number_input":
        value = w.value if w.set_value and has("value") else (w.default if has("default")
                                                              else None)
        if value is None:
            return None
        if w.data_type == w.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "slider":
        values = list(w.value if w.set_value else w.default)
        if w.type == w.SELECT_SLIDER:
            raw = list(w.raw_value) if w.set_value and len(w.raw_value) else \
                [w.options[int(v)] for v in values]
            state.string_array_value.data.extend(raw)
        else:
            state.double_array_value.data.extend(values)
    elif kind == "multiselect":
        state.string_array_value.data.extend(
            w.raw_values if w.set_value else [w.options[i] for i in w.default])
    elif kind == "button_group":
        state.string_array_value.data.extend(
            w.raw_values if w.set_value else
            [(f"{o.content_icon}{o.content}" if o.content_icon else o.content)
             for o in (w.options[i] for i in w.default if 0 <= i < len(w.options))])
    elif kind in ("text_input", "text_area"):
        value = w.value if w.set_value and has("value") else (w.default if has("default")
                                                              else None)
        if value is None:
            return None
        state.string_value = value
    else:
        return None
    return state


def rerun_message(*, query_string: str = "", widget_states: WidgetStates | None = None,
                  page_script_hash: str = "", page_name: str = "",
                  cached_hashes: list[str] = (), url: str) -> BackMsg:
    """The ``rerun_script`` BackMsg as the browser builds it (``App.sendRerunBackMsg``):
    ``url`` is the address shown when it is sent (origin and path; no query string)."""
    msg = BackMsg()
    rs = msg.rerun_script
    rs.query_string = query_string
    rs.widget_states.CopyFrom(widget_states or WidgetStates())
    rs.page_script_hash = page_script_hash
    rs.page_name = page_name
    rs.cached_message_hashes.extend(cached_hashes)
    ci = rs.context_info
    ci.timezone, ci.timezone_offset, ci.locale = TIMEZONE, 0, LOCALE
    ci.url, ci.is_embedded, ci.color_scheme = url, False, "light"
    return msg


def trigger_state(component_id: str, payload: list) -> WidgetState:
    """The widget state by which a ``st.components.v2`` component's ``setTriggerValue``
    reaches the server: its trigger aggregator holding the JSON list of events."""
    return WidgetState(id=f"{INTERNAL_KEY_PREFIX}_{component_id}__events",
                       json_trigger_value=json.dumps(payload, separators=(",", ":")))


# --------------------------------------------------------------------------- the session
class Session:
    """One browser tab on a Streamlit app at ``base_url`` (``http://host:port[/base]``).

    ``draw_delay``: seconds the browser takes to draw a map sent alone before it says so
    (0: at once; the server's own time is measured). ``timeout``: seconds a view may take.
    """

    def __init__(self, base_url: str, *, draw_delay: float = 0.0, timeout: float = 120.0):
        self.base = base_url.rstrip("/")
        self.draw_delay, self.timeout = draw_delay, timeout
        self._http = httpx.AsyncClient(timeout=timeout)     # its own cookies, as a tab
        self.ws = None
        self.cache = MessageCache()
        self.pages: dict[str, str] = {}          # url path -> page_script_hash
        self.main_script_hash = ""
        self.current_hash = ""                    # the page shown
        self.current_path = ""
        self.default_path = ""
        self.query_string = ""
        self.max_age = 2                          # runs a cached message is kept unused
        self.visited: set[str] = set()
        #: widget id -> (state, the script that drew it); ``_seen``: ids drawn this run
        self.widgets: dict[str, tuple[WidgetState, str]] = {}
        self._seen: set[str] = set()
        self._drawn_watchers: list[str] = []      # map-drawn components to answer: ids
        self._view: View | None = None
        self._run: Run | None = None
        self._finished: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self.closed_reason: str | None = None

    # ---------------------------------------------------------------- connection
    async def _get(self, path: str) -> httpx.Response:
        r = await self._http.get(self.base + path, headers={"Accept": "text/html,*/*"})
        if r.status_code >= 400:
            raise ProtocolError(f"HTTP {r.status_code} for {path}")
        return r

    async def open(self, path: str = "", query: str = "") -> View:
        """Open the tab at ``/<path>?<query>`` (its first page view, returned)."""
        view = View(page=path or "", first=True, started=time.perf_counter())
        self._view = view
        try:
            await self._get("/" + path + (f"?{query}" if query else ""))
            await self._get("/_stcore/health")
            await self._get("/_stcore/host-config")
            parts = urlsplit(self.base)
            ws_url = ("wss" if parts.scheme == "https" else "ws") + "://" + parts.netloc + \
                parts.path + "/_stcore/stream"
            jar = self._http.cookies
            xsrf = jar.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
            cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
            self.ws = await websockets.connect(
                ws_url, subprotocols=[SUBPROTOCOL, xsrf],
                origin=f"{parts.scheme}://{parts.netloc}",
                additional_headers={"Cookie": cookie} if cookie else None,
                # as Chromium: offers permessage-deflate (Streamlit declines it unless
                # server.enableWebsocketCompression), sends no pings of its own
                max_size=None, compression="deflate", ping_interval=None,
                open_timeout=self.timeout)
            self._reader = asyncio.create_task(self._read())
            self.current_path, self.query_string = path, query
            await self._rerun(page_name=path, page_hash="", states=WidgetStates())
            await self._finish_view(view)
        except Exception as exc:  # noqa: BLE001 - the view's error; the caller decides
            self._fail(view, exc)
        return view

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):     # already gone
                await self.ws.close()
        await self._http.aclose()

    # ---------------------------------------------------------------- page views
    async def visit(self, path: str) -> View:
        """Go to the page at URL path ``path`` as the sidebar's link does (one view)."""
        view = View(page=path, first=path not in self.visited, started=time.perf_counter())
        self._view = view
        try:
            page_hash = self.pages.get(path)
            if page_hash is None:
                raise ProtocolError(f"no page {path!r} in the navigation")
            await self._rerun(page_name="", page_hash=page_hash,
                              states=self.navigation_states())
            self.current_path = path
            await self._finish_view(view)
        except Exception as exc:  # noqa: BLE001
            self._fail(view, exc)
        return view

    def navigation_states(self) -> WidgetStates:
        """The widget states a page change sends: those of the main script's widgets (the
        browser clears the page's own elements first)."""
        states = WidgetStates()
        states.widgets.extend(s for s, script in self.widgets.values()
                              if script == self.main_script_hash)
        return states

    def _fail(self, view: View, exc: BaseException) -> None:
        reason = "timeout" if isinstance(exc, (asyncio.TimeoutError, TimeoutError)) else \
            f"{type(exc).__name__}: {exc}"
        view.errors.append(reason)
        view.fatal = True
        view.seconds = time.perf_counter() - view.started
        self._view = None

    async def _rerun(self, *, page_name: str, page_hash: str, states: WidgetStates) -> None:
        """Send a ``rerun_script``; a navigation (another page's ``page_hash``) drops the
        query string, as the browser does."""
        if page_hash and page_hash != self.current_hash:
            self.query_string = ""
        msg = rerun_message(query_string=self.query_string, widget_states=states,
                            page_script_hash=page_hash, page_name=page_name,
                            cached_hashes=self.cache.hashes(),
                            url=f"{self.base}/{self.current_path}")
        self._run = Run()
        self._view.runs.append(self._run)
        data = msg.SerializeToString()
        self._view.sent.append(data)
        await self.ws.send(data)

    async def _finish_view(self, view: View) -> None:
        """Wait for the view's last run; answer a map sent alone (then wait for the rest)."""
        deadline = view.started + self.timeout
        while True:
            left = deadline - time.perf_counter()
            status = await asyncio.wait_for(self._finished.get(), max(left, 0.001))
            if isinstance(status, BaseException):
                raise status
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                view.errors.append("script compile error")
            answers, self._drawn_watchers = self._drawn_watchers, []
            if not answers:
                break
            if self.draw_delay:
                await asyncio.sleep(self.draw_delay)
            states = WidgetStates()
            states.widgets.extend(s for s, _ in self.widgets.values())
            states.widgets.extend(trigger_state(cid, MAP_DRAWN_PAYLOAD) for cid in answers)
            await self._rerun(page_name="", page_hash=self.current_hash, states=states)
        view.seconds = time.perf_counter() - view.started
        view.page = view.page or self.default_path
        self.visited.add(view.page)
        self._view = None

    # ---------------------------------------------------------------- messages
    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self._handle(raw, time.perf_counter())
            self.closed_reason = "disconnected by the server"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            self.closed_reason = f"disconnected: {type(exc).__name__}: {exc}"
        self._finished.put_nowait(ProtocolError(self.closed_reason))

    def _handle(self, raw: bytes, now: float) -> None:
        msg = ForwardMsg.FromString(raw)
        kind = message_kind(msg)
        try:
            full = self.cache.resolve(msg, raw)
        except ProtocolError as exc:
            self._finished.put_nowait(exc)
            return
        if self._run is not None:
            self._run.messages.append((kind, len(raw)))
        which = full.WhichOneof("type")
        if which == "delta" and full.delta.WhichOneof("type") == "new_element":
            self._element(full, now)
        elif which == "new_session":
            ns = full.new_session
            self.main_script_hash = ns.main_script_hash
            self.max_age = ns.config.max_cached_message_age
            self.current_hash = ns.page_script_hash or self.current_hash
            self._seen = set()
        elif which == "navigation":
            nav = full.navigation
            self.pages = {p.url_pathname: p.page_script_hash for p in nav.app_pages}
            self.default_path = next((p.url_pathname for p in nav.app_pages if p.is_default), "")
            self.current_hash = nav.page_script_hash or self.current_hash
            for p in nav.app_pages:
                if p.page_script_hash == self.current_hash:
                    self.current_path = p.url_pathname
        elif which == "page_info_changed":
            self.query_string = full.page_info_changed.query_string
        elif which == "page_not_found":
            if self._view is not None:
                self._view.errors.append("page not found")
        elif which == "script_finished":
            status = full.script_finished
            if self._run is not None:
                self._run.status = status
            if status in _DONE:
                # the browser forgets the widgets it no longer shows, and ages its cache
                self.widgets = {k: v for k, v in self.widgets.items() if k in self._seen}
                self.cache.finished_run(self.max_age)
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN and self._view is not None:
                self._run = Run()           # the server goes on with the rerun itself
                self._view.runs.append(self._run)
            else:
                self._run = None
            self._finished.put_nowait(status)

    def _element(self, msg: ForwardMsg, now: float) -> None:
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        view = self._view
        if kind == "exception" and view is not None:
            view.errors.append(f"exception shown: {element.exception.type}: "
                               f"{element.exception.message[:120]}")
        elif kind == "component_instance" and view is not None and \
                element.component_instance.component_name == MAP_COMPONENT and \
                view.map_seconds is None:
            view.map_seconds = now - view.started
        elif kind == "bidi_component" and \
                element.bidi_component.component_name.endswith(MAP_DRAWN_COMPONENT):
            self._drawn_watchers.append(element.bidi_component.id)
        state = mount_state(element)
        if state is not None and state.id:
            self._seen.add(state.id)
            # a widget drawn again without a value set keeps the one the browser holds (its
            # default is only where it starts)
            if state.id not in self.widgets or getattr(getattr(element, kind), "set_value",
                                                        False):
                self.widgets[state.id] = (state, msg.metadata.active_script_hash)
        elif kind is not None and getattr(getattr(element, kind), "id", ""):
            self._seen.add(getattr(element, kind).id)
