"""Many users: ``deploy/stack.py`` starts two replicas on one PostgreSQL behind Debian's nginx,
a browser draws the map through nginx, an import made through one replica is seen through
the other, and the stack stops cleanly. Needs nginx (``.ci/run`` installs it) and
``VEILLE_TEST_POSTGRES_URL``."""

import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from deploy.stack import healthy
from geo.ingest import demo
from geo.records import batches
from geo.records import store
from tests.support import (CHROMIUM, PG_URL, ROOT, free_port, offline_page, store_engine,
                           wait_for_cercles)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _start(tmp_path_factory, extra=(), port=None):
    """``deploy/stack.py`` with two replicas on a new PostgreSQL schema; its details."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server configured: set VEILLE_TEST_POSTGRES_URL")
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (apt-get install nginx)")
    schema = f"s_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    run_dir = tmp_path_factory.mktemp("stack")
    port, first = port or free_port(), free_port()
    while abs(first - port) < 3:
        first = free_port()
    log = open(run_dir / "stack.log", "w")
    proc = subprocess.Popen([sys.executable, "deploy/stack.py", "--replicas", "2",
                             "--port", str(port), "--first-port", str(first),
                             "--run-dir", str(run_dir), "--check-every", "1", "--", *extra],
                            cwd=ROOT, env={**os.environ, "VEILLE_DATABASE_URL": url},
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    replicas = [f"http://127.0.0.1:{first + i}" for i in range(2)]
    deadline = time.monotonic() + 180
    while not (healthy(base) and all(healthy(r) for r in replicas)):
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            pytest.fail("the stack did not start:\n" + (run_dir / "stack.log").read_text())
        time.sleep(0.5)
    return {"base": base, "replicas": replicas, "proc": proc, "run_dir": run_dir, "url": url,
            "log": log, "admin": admin, "schema": schema}


def _stop(stack):
    proc, run_dir, base, replicas = (stack[k] for k in ("proc", "run_dir", "base", "replicas"))
    log, admin, schema = stack["log"], stack["admin"], stack["schema"]
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(30)
    log.close()
    # stopped cleanly: exit 0, nginx and both replicas gone
    assert code == 0, (run_dir / "stack.log").read_text()
    assert not healthy(base) and not any(healthy(r) for r in replicas)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    details = _start(tmp_path_factory)
    yield details
    _stop(details)


@pytest.mark.browser
def test_a_visit_through_nginx_draws_the_map_with_assets_served_by_nginx(stack):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found")
    served = {}
    with offline_page(stack["base"]) as (page, blocked):
        page.on("response", lambda r: served.__setitem__(r.url, r.headers))
        page.goto(stack["base"] + "/")
        assert wait_for_cercles(page) == 50
        page.goto(stack["base"] + "/risk")                # a page change keeps the session
        assert wait_for_cercles(page, legend_text="Très élevé (6,5 – 10)") == 50
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert blocked == []
    leaflet = [h for u, h in served.items() if u.endswith("/leaflet.js")]
    assert leaflet and leaflet[0].get("x-veille-static") == "nginx"
    assert re.fullmatch(r"[0-9a-f]{32}", cookies["veille_route"])   # the sticky route


@pytest.mark.browser
def test_an_import_through_one_replica_is_seen_through_the_other(stack, tmp_path):
    one, other = stack["replicas"]
    path = tmp_path / "new.csv"
    path.write_text("report_id,date,cercle,category,severity,verified\n"
                    "STACK-1,2022-12-26,Koro,clash,3,oui\n"
                    "STACK-2,2022-12-26,Bankass,clash,2,oui\n", encoding="utf-8")
    with offline_page(other) as (page, _):
        page.goto(other + "/")
        wait_for_cercles(page)
        shown = page.get_by_text(re.compile(r"^[\d\u202f]+ signalements affichés")).first \
            .inner_text()
        before = int(re.sub(r"\D", "", shown.split("signalements")[0]))
    with offline_page(one) as (page, blocked):
        page.goto(one + "/data")
        page.get_by_role("heading", name="Importer un fichier").wait_for(timeout=60000)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        page.get_by_role("button", name="Confirmer l'import").click(timeout=30000)
        page.get_by_text(re.compile(r"Import terminé \(lot n° \d+\) : 2 lignes ajoutées")
                         ).wait_for(timeout=30000)
        assert blocked == []
    with offline_page(other) as (page, _):
        page.goto(other + "/")
        wait_for_cercles(page)
        expected = f"{before + 2:,}".replace(",", "\u202f")
        page.get_by_text(re.compile(rf"^{expected} signalements affichés")).wait_for(
            timeout=20000)


def _initialise(url):
    engine = store.make_engine(url)
    return demo.ensure_initialised(engine)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_replicas_starting_together_load_the_demo_once(kind, tmp_path):
    for engine in store_engine(kind, tmp_path):
        url = engine.url.render_as_string(hide_password=False)
        with multiprocessing.get_context("spawn").Pool(3) as pool:
            loaded = pool.map(_initialise, [url] * 3)
        assert sorted(loaded) == [False, False, True]
        listed = batches.list_batches(engine)
        assert len(listed) == 3 and listed["is_demo"].all()        # one per kind, once


@pytest.mark.browser
def test_a_sign_in_through_nginx_survives_page_changes(tmp_path_factory):
    """With sign-in configured, the provider's callback, the session cookie and every later
    page reach the replica the browser is kept on: signed in once, still signed in."""
    import threading

    from oidc_provider_mock import User, app
    from werkzeug.serving import make_server

    from tests.test_sign_in import _sign_in, write_secrets

    users = [User(sub="u-analyst", claims={"email": "analyst@example.org",
                                           "roles": ["analyst"]})]
    server = make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    provider = f"http://127.0.0.1:{server.server_port}"
    port = free_port()
    secrets_file = write_secrets(tmp_path_factory.mktemp("secrets") / "secrets.toml", port,
                                 provider)
    details = _start(tmp_path_factory, ("--secrets.files", str(secrets_file)), port=port)
    try:
        base = details["base"]
        with offline_page(base, also=(provider,)) as (page, _blocked):
            _sign_in(page, base, provider, "u-analyst")
            page.get_by_text("analyst@example.org").first.wait_for(timeout=60000)
            for path in ("/risk", "/monitor", "/", "/data"):
                page.goto(base + path)
                page.get_by_text("analyst@example.org").first.wait_for(timeout=60000)
                assert page.get_by_role("button", name="Se connecter").count() == 0
            page.get_by_role("heading", name="Importer un fichier").wait_for()   # analysts'
            page.screenshot(path=str(ARTIFACTS / "stack_signed_in.png"))
    finally:
        _stop(details)
        server.shutdown()
