"""Sessions that end (issue 27): a sign-out ends the session on the server, every copy of
its cookie with it; a session's lifetime and idle limit end it too; restricted downloads
answer only the session that asked for them, while it lives. The same with the mock
identity provider and Chromium: ``tests/test_sign_in.py``."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from geo.records import sessions, store
from geo.settings import Settings
from tests.support import shown, store_engine

@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh store on SQLite, and on PostgreSQL (the replicas' shared store)."""
    yield from store_engine(request.param, tmp_path)


LIFETIME, IDLE = timedelta(hours=12), timedelta(hours=2)
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _claims(sub="u-analyst", at=T0, nonce="n1"):
    return {"sub": sub, "iat": int(at.timestamp()), "nonce": nonce, "email": f"{sub}@x.org"}


def _check(engine, claims, now):
    return sessions.check(engine, claims, LIFETIME, IDLE, now)


def test_a_sign_out_ends_the_session_and_every_earlier_cookie(engine):
    mine = _claims()
    assert _check(engine, mine, T0 + timedelta(minutes=1)) is None
    other_tab = _claims(nonce="n0", at=T0 - timedelta(minutes=30))     # an earlier sign-in
    sessions.end(engine, mine, T0 + timedelta(minutes=5))
    assert _check(engine, mine, T0 + timedelta(minutes=6)) == "signed_out"
    assert _check(engine, other_tab, T0 + timedelta(minutes=6)) == "signed_out"   # never seen
    again = _claims(nonce="n2", at=T0 + timedelta(minutes=7))          # signing in again
    assert _check(engine, again, T0 + timedelta(minutes=8)) is None
    assert _check(engine, _claims("u-viewer"), T0 + timedelta(minutes=8)) is None  # others


def test_a_session_ends_after_its_lifetime(engine):
    mine = _claims()
    assert _check(engine, mine, T0 + timedelta(hours=11, minutes=59)) is None
    assert _check(engine, mine, T0 + timedelta(hours=12, minutes=1)) == "expired"
    assert _check(engine, mine, T0 + timedelta(hours=12, minutes=2)) == "expired"


def test_a_session_idle_too_long_ends_and_stays_ended(engine):
    mine = _claims()
    assert _check(engine, mine, T0) is None
    assert _check(engine, mine, T0 + timedelta(hours=1, minutes=59)) is None   # activity
    assert _check(engine, mine, T0 + timedelta(hours=3, minutes=58)) is None   # < 2 h since
    assert _check(engine, mine, T0 + timedelta(hours=6)) == "idle"
    assert _check(engine, mine, T0 + timedelta(hours=6, minutes=1)) == "idle"


def test_activity_is_written_at_most_once_a_minute(engine):
    mine = _claims()
    _check(engine, mine, T0)
    for seconds in (10, 30, 59):
        _check(engine, mine, T0 + timedelta(seconds=seconds))
    with engine.connect() as conn:
        seen = conn.execute(sa.select(store.user_session.c.last_seen)).scalar()
    assert seen.replace(tzinfo=timezone.utc) == T0
    _check(engine, mine, T0 + timedelta(seconds=61))
    with engine.connect() as conn:
        seen = conn.execute(sa.select(store.user_session.c.last_seen)).scalar()
    assert seen.replace(tzinfo=timezone.utc) == T0 + timedelta(seconds=61)


def test_the_session_key_holds_nothing_readable():
    key = sessions.session_key(_claims())
    assert len(key) == 64 and "u-analyst" not in key
    assert key != sessions.session_key(_claims(nonce="n2"))      # a new sign-in
    assert key == sessions.session_key({**_claims(), "email": "other"})    # every copy


@pytest.mark.parametrize("env, hours, minutes", [
    ({}, 12.0, 120.0), ({"VEILLE_SESSION_HOURS": "8", "VEILLE_IDLE_MINUTES": "30"}, 8.0, 30.0),
    ({"VEILLE_SESSION_HOURS": "-1", "VEILLE_IDLE_MINUTES": "nan"}, 12.0, 120.0)])
def test_the_lifetime_and_the_idle_limit_are_settings(env, hours, minutes):
    config = Settings.from_environment({}, {"VEILLE_DATABASE_URL": "sqlite://", **env})
    assert (config.session_hours, config.idle_minutes) == (hours, minutes)


# ------------------------------------------------------------------ on screen
def test_a_signed_out_cookie_gets_the_sign_in_screen(monkeypatch, tmp_path):
    from tests.test_pages import _app

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    now = datetime.now(timezone.utc)
    claims = {**_claims("u-analyst", now - timedelta(minutes=5)), "roles": ["analyst"],
              "email": "analyst@example.org"}
    at = _app(claims)
    assert not at.exception and any("analyst@example.org" in shown(m.value)
                                    for m in at.sidebar.markdown)
    sessions.end(store.make_engine(url), claims)       # signed out (in another tab)
    at.run()
    assert [w.value for w in at.warning] == [
        "Cette session a été fermée (déconnexion). Reconnectez-vous pour continuer."]
    assert [b.label for b in at.button] == ["Se connecter"]
    old = {**claims, "sub": "u-admin", "iat": int((now - timedelta(hours=13)).timestamp())}
    at = _app(old)                                      # a cookie older than 12 hours
    assert "Votre session a expiré (au plus 12 h après la connexion)." in at.warning[0].value


# ------------------------------------------------------------------ restricted downloads
SECRET = "s" * 40


@pytest.fixture
def route(monkeypatch, tmp_path):
    """The download route, on a store of its own, with a cookie secret."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient
    from streamlit import config

    from ui import data, downloads

    engine = store.make_engine(f"sqlite:///{tmp_path / 'd.sqlite'}")
    monkeypatch.setattr(data, "engine", lambda: engine)
    monkeypatch.setattr(data, "settings", lambda: Settings("sqlite://"))
    config.set_option("server.cookieSecret", SECRET)
    monkeypatch.setattr(downloads, "_offers", downloads.OrderedDict())
    return TestClient(Starlette(routes=downloads.routes())), engine, downloads


def _cookie(claims) -> str:
    import json

    from streamlit.web.server.starlette import starlette_app_utils

    payload = json.dumps({**claims, "is_logged_in": True, "origin": "http://testserver"})
    return starlette_app_utils.create_signed_value(SECRET, "_streamlit_user",
                                                   payload).decode()


def _get(client, path, cookie=None):
    client.cookies.clear()
    if cookie:
        client.cookies.set("_streamlit_user", cookie)
    return client.get(path)


def test_a_restricted_download_answers_only_its_session_while_it_lives(route):
    client, engine, downloads = route
    now = datetime.now(timezone.utc)
    mine, theirs = _claims(at=now), _claims("u-viewer", at=now)
    downloads._register("tok", downloads.Offer(sessions.session_key(mine), lambda: b"a,b\n",
                                               "file.csv", "text/csv", 1e12))
    assert _get(client, "/downloads/tok").status_code == 403               # no cookie
    assert _get(client, "/downloads/tok", _cookie(theirs)).status_code == 403   # someone else
    forged = _cookie(mine)[:-4] + "AAAA"
    assert _get(client, "/downloads/tok", forged).status_code == 403
    ok = _get(client, "/downloads/tok", _cookie(mine))
    assert ok.status_code == 200 and ok.content == b"a,b\n"
    assert ok.headers["content-disposition"] == "attachment; filename*=UTF-8''file.csv"
    assert ok.headers["cache-control"] == "no-store"
    sessions.end(engine, mine)                                              # signed out
    assert _get(client, "/downloads/tok", _cookie(mine)).status_code == 403
    assert _get(client, "/downloads/nope").status_code == 404


def test_offers_expire_and_are_bounded(route):
    client, _engine, downloads = route
    downloads._register("old", downloads.Offer(None, lambda: b"x", "x.csv", "text/csv", 0.0))
    assert client.get("/downloads/old").status_code == 404                  # expired
    for i in range(downloads.MAX_OFFERS + 5):
        downloads._register(f"t{i}", downloads.Offer(None, lambda: b"x", "x.csv", "text/csv",
                                                     1e12))
    assert len(downloads._offers) == downloads.MAX_OFFERS
    assert client.get("/downloads/t0").status_code == 404                   # the oldest went
    assert client.get(f"/downloads/t{downloads.MAX_OFFERS + 4}").status_code == 200
