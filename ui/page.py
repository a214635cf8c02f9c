"""The page skeleton: what every page runs first (:func:`begin`), saving an edit against the
revision the user opened (:func:`edit_revision`, :func:`save_edit`), the demonstration banner,
map assets."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
import streamlit as st
from streamlit.components.v2 import component
from streamlit.runtime.pages_manager import PagesManager

from geo.outputs import assets
from geo.records import batches
from geo.analysis import disclosure
from geo.records import store
from geo.records.roles import AccessDenied, Actor
from geo.i18n import LANGUAGE_NAMES, LANGUAGES, format_number, normalise_language, t
from ui.access import allowed, current, refused, require
from ui.data import engine
from ui.lang import LANG_KEY, current_lang, md_escape, tr
from ui.state import from_url, one_of, to_url

LOG = logging.getLogger("veille")


#: Every screen: its script ``pages/<name>.py`` and URL path, and the permission it needs. The
#: navigation (``dashboard.py``) shows a user the screens of their role; each page checks it
#: again when it runs (:func:`begin`), and so does every write.
SCREENS: dict[str, str] = {
    "overview": "view", "risk": "view", "coverage": "view", "monitor": "view",
    "methodology": "view", "planner": "scenario", "actions": "view", "data": "import",
    "provenance": "view", "present": "view", "audit": "audit", "users": "manage_roles"}
#: The translation prefix of a screen's title and introduction, where it is not its name.
_TEXTS = {"methodology": "method"}


@dataclass(frozen=True)
class Page:
    """What a page knows once :func:`begin` has run: who is using it, in which language."""

    name: str
    user: Actor
    lang: str

    @property
    def engine(self):
        """The record store (:func:`ui.data.engine`)."""
        return engine()

    def flash(self, message: str) -> None:
        """Leave ``message`` to be shown once at the top of this page after the rerun."""
        st.session_state[f"{self.name}_flash"] = message


def begin(name: str, *, title: bool = True, intro: bool = True, **intro_values) -> Page:
    """What every page runs first: out of Streamlit's legacy pages mode, the screen's
    permission (:data:`SCREENS`; a refusal ends the page), its title and introduction
    (``<name>.title``, ``<name>.intro`` filled with ``intro_values``; ``False`` when the page
    writes its own), and the message a write left before its rerun (:meth:`Page.flash`)."""
    leave_legacy_pages_mode()
    user = require(SCREENS[name])
    prefix = _TEXTS.get(name, name)
    if title:
        st.title(tr(f"{prefix}.title"))
    if intro:
        st.caption(tr(f"{prefix}.intro", **intro_values))
    with st.container():        # a place of its own: a message never moves what follows
        flash(f"{name}_flash")
    return Page(name, user, current_lang())


def edit_revision(key: str, record_id, revision: int) -> int:
    """The revision of ``record_id`` the user opened, kept in the session under ``key`` until
    the edit is saved (:func:`save_edit`): a change someone else makes in between is then
    refused, not overwritten (optimistic locking)."""
    if st.session_state.get(key, (None,))[0] != record_id:
        st.session_state[key] = (record_id, int(revision))
    return st.session_state[key][1]


def save_edit(page: Page, key: str, write: Callable[[int], object],
              problem: type[Exception], show: Callable[[Exception], None],
              done: str, flash_key: str | None = None) -> bool:
    """Save an edit with ``write(revision)``, the revision opened (:func:`edit_revision`).

    A refusal of the write (``problem``, an error whose ``problems`` list ``(code, details)``)
    is shown by ``show``; after a conflict the opened revision is forgotten, so that the
    current values are shown next. On success the opened revision is forgotten too, ``done``
    is left as the page's message (and under ``flash_key``, when given, for the form to show
    it in place too) and the page runs again."""
    try:
        write(st.session_state[key][1])
    except problem as err:
        show(err)
        if err.problems and err.problems[0][0] == "conflict":
            st.session_state.pop(key, None)
        return False
    except AccessDenied as denied:
        refused(denied)
        return False
    st.session_state.pop(key, None)
    page.flash(done)
    if flash_key:
        st.session_state[flash_key] = done
    st.rerun()


def once(name: str) -> str:
    """The token the form ``name`` is drawn with in this session: put it in the form's key
    and hand it to the write (``once=``, :func:`geo.records.store.claim_once`). The write
    claims it in its transaction; :func:`stored` then draws the form with a new one. A
    submit sent twice, or a frame replayed, names the old form (Streamlit ignores it: that
    form is no longer drawn) or a claimed token (the write stores nothing): stored once."""
    key = f"_once_{name}"
    if key not in st.session_state:
        st.session_state[key] = secrets.token_hex(16)
    return st.session_state[key]


def stored(name: str) -> None:
    """After the write of form ``name``: its next drawing gets a new token (:func:`once`)."""
    st.session_state[f"_once_{name}"] = secrets.token_hex(16)


#: Seconds between two tries while the store cannot be reached (:func:`store_down`).
RETRY_S = 5


def store_failed(err: BaseException) -> None:
    """A write the store failed (a full disk, a lost connection, a refusal): one line in the
    user's language, which never quotes the store's own text (it may hold the rows being
    written). Anything else is re-raised (a bug)."""
    kind = store.failure(err)
    if kind is None:
        raise err
    st.error(tr(f"store.failure.{kind}", kind=type(err).__name__))


def unexpected(slot, err: BaseException) -> None:
    """Instead of Streamlit's error box (English, with links to search engines): the error
    in the server's log with its traceback, and a message in the user's language that
    gives the time to quote to the administrator."""
    at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    LOG.error("unexpected error on a page (%s)", at, exc_info=err)
    with slot:
        st.error(f"**{tr('error.unexpected.title')}** — {tr('error.unexpected.text', at=at)}",
                 icon=":material/error:")


def store_down(slot, retry: bool = True) -> None:
    """Instead of Streamlit's error box, when the store cannot be reached: what happens in
    the user's language, and a try every :data:`RETRY_S` seconds (``retry``; a page that
    reruns on a timer of its own tries at its own pace); the app comes back by itself once
    the store answers."""
    with slot:
        st.error(f"**{tr('store.down.title')}** — {tr('store.down.text', seconds=RETRY_S)}",
                 icon=":material/cloud_off:")
        if retry:
            _retry_store()


@st.fragment(run_every=RETRY_S)
def _retry_store() -> None:
    try:
        with engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - still down: try again at the next tick
        if store.failure(err) is None:
            raise
        return
    st.rerun()


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


@st.cache_resource(show_spinner=False)
def install_assets() -> None:
    """Copy Leaflet into ``static/`` once per server process."""
    assets.install_static_assets()


def demo_banner() -> None:
    """The "demonstration data" banner on every page; for an administrator, the removal,
    which asks for confirmation and says what it removes."""
    if not store.demo_in_use(engine()):
        return
    with st.container(border=True):
        if not allowed("remove_demo"):
            st.warning(tr("demo.banner"), icon=":material/science:")
            return
        col_text, col_button = st.columns([4, 1], vertical_alignment="center")
        col_text.warning(tr("demo.banner"), icon=":material/science:")
        col_button.button(tr("demo.remove"), key="remove_demo", type="secondary",
                          on_click=ask, args=("ask_remove_demo",))
        contents = batches.demo_contents(engine())
        planned = {k: contents[k] for k in batches.PLANNING}
        if confirmation("ask_remove_demo", tr(
                "demo.confirm", batches=contents["batches"],
                workshops=count(contents["workshops"]), tensions=count(contents["tensions"]),
                mediators=approx(contents["mediators"]),
                ratings=count(contents["context_ratings"]))
                + (" " + tr("demo.confirm_plans", **planned) if any(planned.values())
                   else "")):
            try:
                batches.remove_demo(engine(), current())
            except AccessDenied as denied:
                refused(denied)
                return
            st.cache_data.clear()
            st.rerun()


def flash(key: str) -> None:
    """Show (once) the success message a write left under ``key`` before its rerun: at the
    top of the page and as a toast, which the user sees wherever the page is scrolled to
    (the page stays where it was)."""
    if message := st.session_state.pop(key, None):
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")


def ask(key: str) -> None:
    """Callback of a destructive action's button: ask for confirmation (:func:`confirmation`)."""
    st.session_state[key] = True


def chosen_and_confirmed(label: str, labels: dict, key: str, button: str, question: str,
                         ask_key: str):
    """A record to remove, chosen in a select box (``labels``: id → its name), its button
    asking for confirmation (:func:`ask` with ``ask_key``), then *Confirm* / *Cancel*: the
    chosen id once confirmed, else None. ``question``: the translation key of the question,
    given the record's ``name``."""
    pick, press = st.columns([3, 1], vertical_alignment="bottom")
    doomed = pick.selectbox(label, list(labels), key=key, format_func=labels.get,
                            placeholder=tr("chrome.choose"))
    press.button(button, key=f"{key}_button", on_click=ask, args=(ask_key,))
    confirmed = confirmation(ask_key, tr(question, name=md_escape(labels[doomed])))
    return doomed if confirmed else None


def confirmation(key: str, question: str) -> bool:
    """The second step of a destructive action asked by :func:`ask`: ``question`` (what will
    be removed, with counts) and *Confirm* / *Cancel*; True once confirmed."""
    if not st.session_state.get(key):
        return False
    with st.container(border=True):
        st.warning(question, icon=":material/warning:")
        col_yes, col_no, _ = st.columns([1, 1, 3])
        yes = col_yes.button(tr("confirm.yes"), type="primary", key=f"{key}_yes")
        no = col_no.button(tr("confirm.no"), key=f"{key}_no")
    if yes or no:
        st.session_state.pop(key, None)
    if no:
        st.rerun()
    return yes


def approx(mediators: int) -> str:
    """A count of mediator records as it may be shown (rounded: :mod:`geo.analysis.disclosure`)."""
    return disclosure.rounded_text(mediators, current_lang())


def count(value) -> str:
    return format_number(int(value), current_lang())


def map_assets() -> assets.MapAssets:
    return assets.map_assets(st.get_option("server.baseUrlPath") or "")


def choose_language() -> str:
    """The language of this run: French by default, a link may set it (``?lang=en``); the
    choice is kept in the session (the switch, :func:`language_selector`) and in the URL."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_language(st.query_params.get("lang"))
    from_url("lang", LANG_KEY, one_of(LANGUAGES))
    to_url("lang", current_lang(), "fr")
    return current_lang()


def language_selector(slot) -> None:
    """The language switch, in ``slot`` (in the sidebar); its choice survives page changes.
    Drawn after the page (``dashboard.py``): its code and widget reach the browser after the
    page's map."""
    slot.radio(t("sidebar.language", current_lang()), LANGUAGES, key=LANG_KEY,
               format_func=LANGUAGE_NAMES.get, horizontal=True)


def map_legend(fmap) -> None:
    """The map's legends, drawn under it (outside the map: never over Mali)."""
    from geo.outputs import maps

    st.html(maps.LEGEND_ROW_CSS + maps.legend_row_html(fmap))


def map_with_details(fmap, map_key: str, units_gdf, selected: str | None, details,
                     ratio=(3, 1.4), height: int = 560, under_map=None) -> None:
    """The usual screen: a map (clicks select a cercle, the selection outlined and zoomed to
    without redrawing the map; its legends under it) and, beside it, the selected cercle's
    details. ``fmap``: a map prepared once per content (:func:`ui.map_cache.prepared`).

    ``details()`` draws the right-hand column; ``under_map()``, if given, what goes under
    the map (a note, a caption).
    """
    from geo.outputs import maps
    from ui import map_cache

    col_map, col_details = st.columns(list(ratio))
    # zoom to the selection; back to the country once it is cleared (a map never zoomed
    # keeps its own fit to Mali, right at any width)
    zoomed = f"_zoomed_{map_key}"
    center = zoom = None
    if selected or st.session_state.get(zoomed):
        center, zoom = maps.zoom_to(units_gdf, selected)
        st.session_state[zoomed] = bool(selected)
    with col_map:
        map_cache.show(fmap, map_key, height, ["last_active_drawing", "last_object_clicked"],
                       feature_group=map_cache.outline_script(units_gdf, selected),
                       center=center, zoom=zoom)
        map_legend(fmap)
        if under_map is not None:
            under_map()
    with col_details:
        details()


# --------------------------------------------------------------------------- the map first
#: The browser's side of :func:`wait_for_map`: wait until a folium frame holds ``shapes`` drawn
#: outlines (Leaflet's empty path of a polygon without rings, "M0 0", is not one), let it be
#: painted, then tell the server, which draws the rest of the page. Same-origin frames only
#: (Streamlit serves the component); after ``wait_ms`` it tells the server anyway.
_MAP_DRAWN_JS = """
export default function ({ data, setTriggerValue }) {
    const start = performance.now();
    let timer = null;
    const drawn = () => [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
        .some(f => {
            const doc = f.contentDocument;
            return doc && [...doc.querySelectorAll('.leaflet-overlay-pane path')]
                .filter(p => (p.getAttribute('d') || '').length > 12).length >= data.shapes;
        });
    const tick = () => {
        if (drawn() || performance.now() - start > data.wait_ms) {
            requestAnimationFrame(() => setTimeout(() => setTriggerValue('drawn', true), 0));
        } else {
            timer = setTimeout(tick, 40);
        }
    };
    tick();
    return () => clearTimeout(timer);
}
"""
#: Set during a run that draws a page's map alone (the sidebar's panel waits too).
MAP_ALONE_RUN = "_map_alone_run"


def drawn_flag(map_key: str) -> str:
    """The session key saying the browser has drawn the map ``map_key`` once."""
    return f"_drawn_{map_key}"


@st.cache_resource(show_spinner=False)
def _map_drawn_watcher():
    return component("veille_map_drawn", js=_MAP_DRAWN_JS)


def map_drawn(map_key: str) -> bool:
    """Whether the browser has drawn the map ``map_key`` once in this session.

    On two cores the browser renders a page's other elements (some fifty widgets, the
    sidebar's panel) on the same thread as the map's frame, whatever order they arrive in:
    drawn together, the map waits for them. So a page's first run in a session sends the map
    alone and, after it, :func:`wait_for_map`; every later run draws the whole page.
    """
    return bool(st.session_state.get(drawn_flag(map_key)))


def wait_for_map(map_key: str, shapes: int, wait_ms: int = 4000) -> None:
    """After a map sent alone: the watcher that reruns the page once the browser has drawn
    ``shapes`` outlines (or after ``wait_ms``), and the sidebar's panel held back till then.
    Placed after the map, its code loads after the map's."""
    def _drawn():
        st.session_state[drawn_flag(map_key)] = True

    _map_drawn_watcher()(key=f"_watch_{map_key}", data={"shapes": shapes, "wait_ms": wait_ms},
                         on_drawn_change=_drawn)
    st.session_state[MAP_ALONE_RUN] = True
