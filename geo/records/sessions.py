"""Signed-in sessions that end (issue 27), recorded in the store so that every replica sees
the same: a sign-out, the session's lifetime and its idle limit end a session on the server,
whatever cookie a browser still holds.

Streamlit keeps who is signed in in a cookie (``_streamlit_user``) signed with the cookie
secret and valid 30 days; nothing on the server ends it. Each sign-in carries its ID token's
claims: ``sub`` (the user), ``iat`` (when the identity provider issued it) and ``nonce``
(unique per sign-in). A session is known by :func:`session_key` of those; :func:`check`,
on every page run, refuses a session that

* was **signed out** — or whose token was issued before its user's last sign-out (a copy
  of the cookie taken before, never seen here);
* is older than the **lifetime** (default 12 hours from ``iat``: :class:`geo.settings.Settings`
  ``session_hours``);
* was **idle** longer than the idle limit (default 2 hours without a page run:
  ``idle_minutes``),

and records an ended session as such, so that it never comes back. A refused browser gets
the sign-in screen; signing in again makes a new session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import store

#: Why a session ended.
REASONS = ("signed_out", "expired", "idle")
#: A page run refreshes the session's last activity at most this often (one write).
SEEN_EVERY = timedelta(seconds=60)


def session_key(claims: Mapping) -> str:
    """The session of a sign-in: SHA-256 of its ID token's ``sub``, ``iat`` and ``nonce``
    (``sid`` when the provider gives one): the same for every copy of its cookie, new at each
    sign-in. Holds nothing a reader could use."""
    parts = [str(claims.get(name) or "") for name in ("sub", "iat", "nonce", "sid")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _issued(claims: Mapping) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(claims["iat"]), timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def check(engine: Engine, claims: Mapping, lifetime: timedelta, idle: timedelta,
          now: datetime | None = None) -> str | None:
    """Whether the session of ``claims`` (a signed-in user's ID-token claims) may go on:
    None, or why not (``signed_out``, ``expired``, ``idle``; see the module docstring). A
    session seen for the first time is recorded; its last activity is refreshed (at most
    every :data:`SEEN_EVERY`)."""
    now = now or datetime.now(timezone.utc)
    key, subject = session_key(claims), str(claims.get("sub") or "")[:254]
    issued = _issued(claims)
    t = store.user_session
    with engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.session_key == key)).first()
        signed_out = _aware(conn.execute(
            sa.select(sa.func.max(t.c.ended_at)).where(
                (t.c.subject == subject) & (t.c.end_reason == "signed_out"))).scalar())
    if row is not None and row.ended_at is not None:
        return row.end_reason
    start = issued or (_aware(row.issued_at) if row is not None else now)
    reason = None
    if signed_out is not None and start <= signed_out:
        reason = "signed_out"              # a cookie from before the user's last sign-out
    elif now - start > lifetime:
        reason = "expired"
    elif row is not None and now - _aware(row.last_seen) > idle:
        reason = "idle"
    try:
        with store.writing(engine) as conn:
            if row is None:
                conn.execute(t.insert().values(session_key=key, subject=subject,
                                               issued_at=start, last_seen=now,
                                               ended_at=now if reason else None,
                                               end_reason=reason))
            elif reason:
                conn.execute(t.update().where(t.c.session_key == key)
                             .values(ended_at=now, end_reason=reason))
            elif now - _aware(row.last_seen) >= SEEN_EVERY:
                conn.execute(t.update().where(t.c.session_key == key).values(last_seen=now))
    except sa.exc.SQLAlchemyError as err:
        if store.failure(err) != "full":     # a full disk: reading goes on, unrecorded
            raise
    return reason


def end(engine: Engine, claims: Mapping, now: datetime | None = None) -> None:
    """Sign-out: end the session of ``claims`` and every other session of its user issued
    before now (other browsers, copies of the cookie): none of their cookies signs in
    again."""
    now = now or datetime.now(timezone.utc)
    key, subject = session_key(claims), str(claims.get("sub") or "")[:254]
    t = store.user_session
    with store.writing(engine) as conn:
        if conn.execute(sa.select(t.c.session_key).where(t.c.session_key == key)).first() \
                is None:
            conn.execute(t.insert().values(session_key=key, subject=subject,
                                           issued_at=_issued(claims) or now, last_seen=now))
        conn.execute(t.update().where((t.c.subject == subject) & t.c.ended_at.is_(None))
                     .values(ended_at=now, end_reason="signed_out"))
