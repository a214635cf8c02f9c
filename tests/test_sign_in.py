"""Sign-in end to end (issue 13): a mock OpenID Connect provider on 127.0.0.1
(``oidc-provider-mock``), the real server (``streamlit run dashboard.py`` with ``[auth]``) and
Debian's Chromium. Each role signs in in turn and sees what it may see and do; signing out
works; a role-table change takes effect at the next page load; a visitor who is not signed
in gets the sign-in screen only.

The viewer and the analyst get their role from the ID token's ``roles`` claim; the
administrator from the store's role table (their token has no role claim).
"""

import os
import secrets
import threading
from pathlib import Path

import pytest

from geo.records import access, audit, roles, store
from tests.support import (CHROMIUM, MAP_FRAME, ROOT, free_port, offline_page, running_app,
                           wait_for_cercles)

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
COOKIE_SECRET = secrets.token_hex(24)
#: The mock provider's own page asks for its stylesheet on a CDN (blocked, harmlessly).
PROVIDER_CSS = "https://cdn.jsdelivr.net/npm/@picocss/"


def write_secrets(path: Path, port: int, provider: str) -> Path:
    """An ``[auth]`` secrets file for an app reached on ``port`` and the mock ``provider``."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "veille"\nclient_secret = "veille-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, app
    from werkzeug.serving import make_server

    users = [User(sub="u-viewer", claims={"email": "viewer@example.org", "roles": ["viewer"]}),
             User(sub="u-analyst", claims={"email": "analyst@example.org", "roles": ["analyst"]}),
             User(sub="u-admin", claims={"email": "admin@example.org"}),          # role from the table
             User(sub="u-stranger", claims={"email": "stranger@example.org"})]    # no role anywhere
    server = make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("signin")
    database = f"sqlite:///{folder / 'store.sqlite'}"
    engine = store.make_engine(database)
    access.set_role(engine, "admin@example.org", "admin", roles.operator())
    port = free_port()
    write_secrets(folder / "secrets.toml", port, provider)
    with running_app(port=port, env={"VEILLE_DATABASE_URL": database},
                     args=("--secrets.files", str(folder / "secrets.toml"))) as (url, _proc):
        yield url, engine, port


def _nav(page, expected: int | None = None) -> list[str]:
    """The navigation's entries, once ``expected`` of them are drawn (it may follow the
    sidebar's other elements by a moment)."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    if expected:
        page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length === n",
                               arg=['[data-testid="stSidebarNav"] a', expected],
                               timeout=30000)
    return links.all_inner_texts()


def _sign_in(page, url, provider, sub):
    page.goto(url)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.locator(f'button[name="sub"][value="{sub}"]').click()
    page.wait_for_url(f"{url}/**")


def _shot(page, name):
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"signin_{name}.png"), full_page=True)


def _only_the_provider_css(blocked):
    assert [b for b in blocked if not b.startswith(PROVIDER_CSS)] == []


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_screen(signed_app):
    url, _engine, _port = signed_app
    for path in ("/", "/risk", "/coverage?cercle=mli-kidal", "/data", "/audit"):
        with offline_page(url) as (page, blocked):
            page.goto(url + path)
            page.get_by_role("button", name="Se connecter").wait_for()
            page.wait_for_timeout(800)
            html = page.content()
            assert page.locator(MAP_FRAME).count() == 0
            for absent in ("leaflet", "stMetric", "stDataFrame", "stSidebarNav", "Kidal",
                           "médiateur actif", "Retirer la démo"):
                assert absent not in html, (path, absent)
            assert "Connectez-vous avec le compte de votre organisation" in html
            assert blocked == []
    with offline_page(url) as (page, _):
        page.goto(url)
        page.get_by_role("button", name="Se connecter").wait_for()
        _shot(page, "screen")


def test_a_viewer_sees_maps_and_scores_but_no_write(signed_app, provider):
    url, _engine, _port = signed_app
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-viewer")
        assert wait_for_cercles(page) == 50
        page.get_by_text("viewer@example.org").wait_for()
        assert "lecteur" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert _nav(page, 8) == ["Vue d'ensemble", "Risque", "Couverture",
                                 "Veille des tensions", "Méthodologie", "Actions",
                                 "Sources et méthode", "Présentation"]
        page.get_by_text("Données de démonstration").first.wait_for()
        assert page.get_by_role("button", name="Retirer la démo").count() == 0
        _shot(page, "viewer")
        # a screen outside the role, by its address: not served
        page.goto(f"{url}/data")
        page.wait_for_timeout(2500)
        assert page.get_by_text("Importer un fichier").count() == 0
        page.goto(f"{url}/risk")
        wait_for_cercles(page)                   # the page is drawn before its section is picked
        page.get_by_text("Facteurs de contexte").first.click()
        page.get_by_text("Lecture seule : la notation est réservée aux analystes.").wait_for(
            timeout=60000)
        assert page.get_by_role("button", name="Ajouter le facteur").count() == 0
        _only_the_provider_css(blocked)


def test_an_analyst_imports_but_deletes_nothing(signed_app, provider):
    url, _engine, _port = signed_app
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-analyst")
        page.get_by_text("analyst@example.org").wait_for()
        assert _nav(page, 10) == ["Vue d'ensemble", "Risque", "Couverture",
                                  "Veille des tensions", "Méthodologie", "Planification",
                                  "Actions", "Données de terrain", "Sources et méthode",
                                  "Présentation"]
        page.goto(f"{url}/data")
        page.get_by_text("Importer un fichier").first.wait_for()
        page.get_by_text("Historique des imports").first.wait_for()
        assert page.get_by_role("button", name="Supprimer le lot…").count() == 0
        assert page.get_by_role("button", name="Retirer la démo").count() == 0
        _shot(page, "analyst")
        _only_the_provider_css(blocked)


def test_an_admin_from_the_role_table_audits_and_removes_with_confirmation(signed_app,
                                                                           provider):
    url, engine, _port = signed_app
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-admin")
        page.get_by_text("admin@example.org").first.wait_for()
        assert "administrateur" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert _nav(page, 12)[-2:] == ["Journal", "Accès"]
        # removing the demo asks first, and says what it removes
        page.get_by_role("button", name="Retirer la démo").click()
        question = page.get_by_text("Retirer les données de démonstration ?")
        question.wait_for()
        assert "18 ateliers" in question.inner_text()
        assert "≈ 1\u202f420 médiateurs" in question.inner_text()   # rounded, never exact
        _shot(page, "admin_confirm")
        page.get_by_role("button", name="Annuler").click()
        question.wait_for(state="detached")
        assert store.demo_in_use(engine)
        page.get_by_role("button", name="Retirer la démo").click()
        page.get_by_role("button", name="Confirmer la suppression").click()
        page.get_by_text("Données de démonstration").first.wait_for(state="detached")
        assert not store.demo_in_use(engine)
        entry = audit.entries(engine, actions=["remove_demo"]).iloc[0]
        assert (entry["subject"], entry["user_label"], entry["role"]) == \
            ("u-admin", "admin@example.org", "admin")
        # the audit screen lists it
        page.goto(f"{url}/audit")
        page.get_by_text("Journal d'audit").first.wait_for()
        page.get_by_text("Retrait de la démo").first.wait_for(state="attached")   # a grid cell
        _shot(page, "admin_audit")
        _only_the_provider_css(blocked)


def test_no_role_no_access_until_given_one_at_the_next_page_load(signed_app, provider):
    url, engine, _port = signed_app
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-stranger")
        page.get_by_text("aucun rôle ne vous est attribué").wait_for()
        assert page.locator(MAP_FRAME).count() == 0 and _nav(page) == []
        _shot(page, "no_role")
        access.set_role(engine, "stranger@example.org", "viewer", roles.operator())
        page.reload()
        assert wait_for_cercles(page) == 50
        assert "lecteur" in page.locator('[data-testid="stSidebar"]').inner_text()
        access.remove_role(engine, "stranger@example.org", roles.operator())
        page.reload()
        page.get_by_text("aucun rôle ne vous est attribué").wait_for()
        _only_the_provider_css(blocked)


def test_sign_out_ends_the_session_and_the_secret_is_never_logged(signed_app, provider):
    url, _engine, port = signed_app
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-analyst")
        page.get_by_text("analyst@example.org").wait_for()
        assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())
        html = page.content()
        page.get_by_role("button", name="Se déconnecter").click()
        # the provider's end-of-session page, then back to Veille
        page.wait_for_url(f"{provider}/oauth2/end_session**")
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{url}/**")
        page.get_by_role("button", name="Se connecter").wait_for()
        assert not any(c["name"].startswith("_streamlit_user")
                       for c in page.context.cookies())
        page.goto(f"{url}/data")
        page.get_by_role("button", name="Se connecter").wait_for()
        _only_the_provider_css(blocked)
    assert COOKIE_SECRET not in html
    log = Path(ARTIFACTS / f"streamlit-{port}.log").read_text(encoding="utf-8")
    assert COOKIE_SECRET not in log


def test_an_old_cookie_signs_nobody_in_after_sign_out_nor_fetches_a_download(signed_app,
                                                                            provider):
    """Issue 27: after sign-out the session is over on the server. A copy of the cookie
    taken before (a fresh browser holding it) gets the sign-in screen; the review queue's
    file, offered to the session that asked for it only, answers that session, and nobody
    once it is over."""
    from tests.support import run_import

    url, engine, _port = signed_app
    # a report in the queue (an earlier test removed the demonstration data)
    run_import(engine, "tensions", "report_id,occurred_on,cercle,category,severity\n"
                                   "S1,2022-03-01,Mopti,clash,3\n")
    with offline_page(url, also=(provider,)) as (page, blocked):
        _sign_in(page, url, provider, "u-analyst")
        page.get_by_text("analyst@example.org").wait_for()
        page.goto(f"{url}/monitor")
        link = page.locator('a[href*="/downloads/"]').first
        link.wait_for(timeout=60000)
        href = link.get_attribute("href")
        answer = page.request.get(url + href)                  # the session that asked
        assert answer.status == 200 and "report_id" in answer.text()
        browser = page.context.browser
        stranger = browser.new_context()                       # the link alone, no cookie
        assert stranger.request.get(url + href).status == 403
        stranger.close()
        copied = page.context.cookies()
        assert any(c["name"] == "_streamlit_user" for c in copied)
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{provider}/oauth2/end_session**")
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{url}/**")
        page.get_by_role("button", name="Se connecter").wait_for()
        thief = browser.new_context()                          # a fresh browser, old cookie
        thief.add_cookies(copied)
        other = thief.new_page()
        other.goto(url)
        other.get_by_role("button", name="Se connecter").wait_for(timeout=30000)
        other.get_by_text("Cette session a été fermée (déconnexion).").wait_for()
        assert other.locator(MAP_FRAME).count() == 0
        assert thief.request.get(url + href).status == 403
        _shot(other, "old_cookie")
        thief.close()
        _only_the_provider_css(blocked)
