"""Who is using the app, decided first on every run (:func:`sign_in`), and the role checks
of the screens. The writes check the role again themselves (:mod:`geo.records.access`)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from geo.i18n import format_number
from geo.records import access, roles, sessions
from ui import gate
from geo.records.roles import AccessDenied, Actor
from ui.data import engine, settings
from ui.lang import current_lang, md_escape, tr

_ACTOR = "_veille_actor"


class PageEnd(Exception):
    """Raised by :func:`end_page`; caught by ``dashboard.py`` around the page."""


def end_page():
    """End the page here, as ``st.stop()`` would, but let ``dashboard.py`` draw what surrounds
    it (the language switch, the demonstration banner, the sidebar's panel): Streamlit drops
    every element after ``st.stop()``, including those."""
    raise PageEnd


def _only(screen) -> None:
    """End the run on ``screen`` alone, whatever page the address names: no navigation, no
    page of ``pages/`` listed or reachable."""
    st.navigation([st.Page(screen, title="Veille", default=True)], position="hidden").run()
    raise PageEnd       # not st.stop(): the language switch is drawn after it (dashboard.py)


def _refuse(text: str) -> None:
    _only(lambda: st.error(text))


def sign_in() -> Actor:
    """The acting user of this run, after the checks; stops the run with the sign-in screen
    (or a refusal) when nobody may use the app yet. Read again on every run, so a role-table
    change takes effect at the user's next page load."""
    st.session_state.pop(_ACTOR, None)
    config = settings()
    allowed = st.get_option("server.allowedHosts") or []
    host = st.context.headers.get("Host")
    # The server's gate (ui.server) refuses other hosts before any page runs; this covers an
    # app served some other way (no Host: not served over HTTP, e.g. under AppTest).
    if host and not gate.host_allowed(host, allowed):
        _refuse(tr("access.bad_host"))
    if not config.sign_in:
        if gate.startup_problems(st.get_option("server.address"), allowed, None):
            _refuse(tr("access.local_refused"))
        actor = roles.local_user()
        st.sidebar.caption(tr("access.local"))
    else:
        actor = _signed_in(config)
    st.session_state[_ACTOR] = actor
    return actor


def _sign_in_screen(ended: str | None = None, config=None) -> None:
    """The sign-in screen (and why the session ended, when it did); ends the run."""
    def screen():
        st.title("Veille")
        if ended:
            st.warning(tr(f"access.session_ended.{ended}",
                          hours=format_number(config.session_hours, current_lang()),
                          minutes=format_number(config.idle_minutes, current_lang())))
        st.write(tr("access.sign_in_intro"))
        st.button(tr("access.sign_in"), type="primary", on_click=st.login, key="sign_in")
    _only(screen)


def _sign_out() -> None:
    """The sign-out button: the session ends on the server (every copy of its cookie with
    it: :func:`geo.records.sessions.end`), then in the browser."""
    sessions.end(engine(), st.user.to_dict())
    st.logout()


def _signed_in(config) -> Actor:
    if not st.user.is_logged_in:
        _sign_in_screen()
    claims = st.user.to_dict()
    # a session ends on the server: signed out, too old, idle (replicas share the store)
    ended = sessions.check(engine(), claims, timedelta(hours=config.session_hours),
                           timedelta(minutes=config.idle_minutes))
    if ended:
        _sign_in_screen(ended, config)
    actor = access.resolve(claims, engine(), config.role_claim, config.unknown_users)
    if actor is None:
        def no_role_screen():
            st.title("Veille")
            st.warning(tr("access.no_role", user=md_escape(roles.label_of(claims))))
            st.button(tr("access.sign_out"), on_click=_sign_out, key="sign_out")
        _only(no_role_screen)
    with st.sidebar:
        st.markdown(tr("access.signed_in", user=md_escape(actor.label),
                       role=tr(f"role.{actor.role}")))
        st.button(tr("access.sign_out"), on_click=_sign_out, key="sign_out")
    return actor


def current() -> Actor | None:
    """The acting user of this run (set by :func:`sign_in`)."""
    return st.session_state.get(_ACTOR)


def allowed(permission: str) -> bool:
    user = current()
    return user is not None and user.can(permission)


def require(permission: str) -> Actor:
    """Stop the page with a clear message unless the user may ``permission``."""
    try:
        return roles.require(current(), permission)
    except AccessDenied as denied:
        _refuse(tr("access.denied", role=tr(f"role.{denied.needed}")))
        raise   # not reached: _refuse ends the page


def refused(denied: AccessDenied) -> None:
    """Show a refusal raised by a write (the role changed since the page was drawn)."""
    st.error(tr("access.denied", role=tr(f"role.{denied.needed}")))
