"""The server around the app (``streamlit run dashboard.py``): Streamlit's ASGI app with
Veille's gate in front (:mod:`ui.gate`) — the bind rule is checked before the server
listens, every request's ``Host`` is checked, ``/_stcore/metrics`` and the agent API are
closed, every answer carries the security headers (the Content-Security-Policy…). Options
come from ``.streamlit/config.toml`` (127.0.0.1 by default), the command line and the
environment, as for any Streamlit app."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import make_url
from starlette.middleware import Middleware
from streamlit import config

from geo.records import store
from ui import gate


def _auth_section():
    try:
        return st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file: no sign-in
        return None


def startup_problems() -> list[str]:
    return gate.startup_problems(config.get_option("server.address"),
                                 config.get_option("server.allowedHosts") or [],
                                 _auth_section())


def _options():
    return config.get_option("server.allowedHosts") or [], \
        config.get_option("server.baseUrlPath") or ""


@asynccontextmanager
async def lifespan(_app):
    # Checked again here for a server started by another ASGI runner.
    if problems := startup_problems():
        raise SystemExit("\n".join(problems))
    from ui import data, warm

    settings = data.settings()
    if settings.database_owner_url:   # PostgreSQL, two roles: migrate as the tables' owner
        store.migrate_as_owner(settings.database_owner_url,
                               make_url(settings.database_url).username)

    warm.start()          # the first visitor finds the default view computed
    trim = threading.Thread(target=_give_back_memory, name="veille-trim", daemon=True)
    trim.start()
    yield


#: Seconds between two returns of freed memory to the system (:func:`_give_back_memory`).
TRIM_EVERY_S = 60


def _give_back_memory() -> None:
    """Every :data:`TRIM_EVERY_S` seconds, hand the memory freed since back to the system
    (glibc's ``malloc_trim``): what closed tabs and expired cache entries held is freed
    inside the process but glibc keeps it, so the process's resident memory would stay at
    its peak after a burst of distinct views (streamlit #12120). Linux with glibc only."""
    import ctypes
    import ctypes.util
    import gc

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):
        return
    if trim is None:
        return
    while True:
        time.sleep(TRIM_EVERY_S)
        gc.collect()
        trim(0)


def page_inline_scripts() -> list[str]:
    """The inline scripts of Streamlit's page (its ``index.html``), which the
    Content-Security-Policy allows by their hashes."""
    index = Path(st.__file__).resolve().parent / "static" / "index.html"
    return gate.inline_scripts(index.read_text(encoding="utf-8"))


def middleware() -> list[Middleware]:
    """The gate, first in front of Streamlit's own routes. Under ``streamlit run`` the
    options are loaded before the app module is imported: refuse before anything listens."""
    if problems := startup_problems():
        sys.exit("\n".join(problems))
    return [Middleware(gate.Gate, options=_options, inline_scripts=page_inline_scripts())]
