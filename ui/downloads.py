"""Downloads of restricted data that need the session which asked for them (issue 27).

``st.download_button`` serves its file at ``/media/<hash>`` to anyone holding the link for as
long as the Streamlit session lives, with no cookie asked. Restricted data (the review
queue's file with its review history, an import's rejected rows, the audit log) is therefore
offered through the app's own route ``/downloads/<token>`` (:func:`routes`, added beside the
SMS webhook in ``dashboard.py``): the page registers an *offer* (:func:`offer`: how to make the
file, its name) under a random token and draws a link to it. The route answers only

* a browser whose sign-in cookie belongs to the session that drew the link, and only while
  that session lives on the server (:func:`geo.records.sessions.check`: not signed out, not
  expired, not idle) — with sign-in configured;
* within :data:`OFFER_MINUTES` of the page's last run, and for at most :data:`MAX_OFFERS`
  offers per process (the oldest go first).

Without sign-in (one local user on 127.0.0.1) the unguessable token is the only key.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from geo.records import sessions

#: Minutes an offer stays valid after the page's last run.
OFFER_MINUTES = 15
#: Offers one process keeps (the oldest dropped first).
MAX_OFFERS = 256
PATH = "/downloads"


@dataclass
class Offer:
    owner: str | None          # the session key of the browser that may fetch it
    make: Callable[[], bytes]
    file_name: str
    mime: str
    expires: float


_offers: OrderedDict[str, Offer] = OrderedDict()
_lock = threading.Lock()


def _owner() -> str | None:
    """The signed-in session of this run (None without sign-in)."""
    try:
        if st.user.is_logged_in:
            return sessions.session_key(st.user.to_dict())
    except Exception:  # noqa: BLE001 - no auth configured: st.user has nothing
        return None
    return None


def _register(token: str, offer: Offer) -> None:
    with _lock:
        _offers[token] = offer
        _offers.move_to_end(token)
        now = time.monotonic()
        for old in [t for t, o in _offers.items() if o.expires < now]:
            del _offers[old]
        while len(_offers) > MAX_OFFERS:
            _offers.popitem(last=False)


def offer(container, label: str, make: Callable[[], bytes], file_name: str, mime: str,
          key: str) -> None:
    """Offer restricted data for download in ``container``: ``make()`` builds it when the
    link is followed (by the session that drew it). ``key``: the offer's name in this
    session (one token per name, renewed on every run)."""
    token = st.session_state.get(f"_offer_{key}")
    if token is None:
        token = st.session_state[f"_offer_{key}"] = secrets.token_urlsafe(24)
    _register(token, Offer(_owner(), make, file_name, mime,
                           time.monotonic() + OFFER_MINUTES * 60))
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    container.link_button(label, url=f"{'/' + base if base else ''}{PATH}/{token}",
                          icon=":material/download:")


def _claims(request: Request) -> dict | None:
    """The sign-in cookie's claims (its signature checked with the cookie secret), or
    None."""
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette import starlette_app_utils

    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        raw = request.cookies.get(name)
        if raw is None:
            return None
        return starlette_app_utils.decode_signed_value(secret, name, raw.encode("latin-1"))

    value = get_cookie_with_chunks(single, "_streamlit_user")
    try:
        claims = json.loads(value.decode("utf-8")) if value else None
    except (UnicodeDecodeError, ValueError):
        return None
    return claims if isinstance(claims, dict) and claims.get("is_logged_in") else None


def _allowed(owner: str, claims: dict | None) -> bool:
    """Whether the browser's cookie is the owner's session, still alive on the server."""
    from ui import data

    if claims is None or sessions.session_key(claims) != owner:
        return False
    config = data.settings()
    return sessions.check(data.engine(), claims, timedelta(hours=config.session_hours),
                          timedelta(minutes=config.idle_minutes)) is None


async def download(request: Request) -> Response:
    token = request.path_params["token"]
    with _lock:
        found = _offers.get(token)
    if found is None or found.expires < time.monotonic():
        return PlainTextResponse("Not found", status_code=404)
    if found.owner is not None and not await run_in_threadpool(
            _allowed, found.owner, _claims(request)):
        return PlainTextResponse("Forbidden", status_code=403)
    body = await run_in_threadpool(found.make)
    return Response(body, media_type=found.mime, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.file_name)}",
        "Cache-Control": "no-store"})


def routes() -> list[Route]:
    """The download route, for ``st.App(routes=...)``."""
    return [Route(PATH + "/{token}", download, methods=["GET"])]
