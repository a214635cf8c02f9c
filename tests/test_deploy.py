"""Many users: ``deploy/stack.py`` starts two replicas on one PostgreSQL behind Debian's nginx,
a browser draws the map through nginx, an import made through one replica is seen through
the other, a replica's death is invisible beyond a few seconds, and the stack stops
cleanly; the stack is safe by default (loopback, its server names only, the app's paths
only, the gate's security headers, rate limits). Needs nginx (``.ci/run`` installs it) and
``VEILLE_TEST_POSTGRES_URL``."""

import http.client
import multiprocessing
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa
import streamlit

from deploy import stack as deploy_stack
from deploy.stack import healthy
from geo.ingest import demo
from geo.outputs import assets
from geo.records import batches, store
from tests.support import (CERCLE_PATHS, CHROMIUM, PG_URL, ROOT, free_port, free_ports,
                           offline_page, store_engine, wait_for_cercles)
from tests.test_store import assert_app_role_cannot_rewrite, first_entries, pg_two_roles
from ui import gate

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STREAMLIT_STATIC = Path(streamlit.__file__).resolve().parent / "static"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _start(tmp_path_factory, extra=(), port=None, options=()):
    """``deploy/stack.py`` with two replicas on a new PostgreSQL schema (further ``options``
    of the stack, ``extra`` for the replicas); its details."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server configured: set VEILLE_TEST_POSTGRES_URL")
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (apt-get install nginx)")
    schema = f"s_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    port = port or free_port()
    for attempt in range(3):
        run_dir = tmp_path_factory.mktemp("stack")
        first = free_ports(2, avoid=(port,))
        log = open(run_dir / "stack.log", "w")
        proc = subprocess.Popen([sys.executable, "deploy/stack.py", "--replicas", "2",
                                 "--port", str(port), "--first-port", str(first),
                                 "--run-dir", str(run_dir), "--check-every", "1", *options,
                                 "--", *extra],
                                cwd=ROOT, env={**os.environ, "VEILLE_DATABASE_URL": url},
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        replicas = [f"http://127.0.0.1:{first + i}" for i in range(2)]
        deadline = time.monotonic() + 180
        while not (healthy(base) and all(healthy(r) for r in replicas)):
            if proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        else:
            break
        proc.kill()
        proc.wait()
        log.close()
        said = (run_dir / "stack.log").read_text()
        # a replica's port taken by another process between choosing and binding: new ports
        if "is not available" not in said or attempt == 2:
            pytest.fail("the stack did not start:\n" + said)
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
    assert cookies["veille_route"] in ("r0", "r1")                 # the sticky route


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


def test_two_hosts_simulated_on_loopback_addresses(tmp_path):
    """Past one machine (docs/operators/many-users.md): a replica on each of two hosts —
    127.0.0.2 and 127.0.0.3, loopback addresses standing for two machines — on one
    PostgreSQL, behind one nginx written by ``--write-nginx-conf --replica HOST:PORT``. New
    browsers are shared between the hosts in turn and kept on theirs; when a host goes
    down, its browsers are answered by the other and told so (their route moves)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server configured: set VEILLE_TEST_POSTGRES_URL")
    schema = f"s_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    deploy_stack.prepare_store(url)                            # once, as --prepare-only does
    hosts = ["127.0.0.2", "127.0.0.3"]
    ports = [free_port() for _ in hosts]
    replicas, nginx = [], None
    try:
        for host, port in zip(hosts, ports):
            log = open(tmp_path / f"replica-{host}.log", "w")
            replicas.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port",
                 str(port), "--server.address", host, "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env={**os.environ, "VEILLE_DATABASE_URL": url},
                stdout=log, stderr=subprocess.STDOUT))
            log.close()
        listen = free_port()
        conf = tmp_path / "veille.conf"
        assert deploy_stack.main(["--replica", f"{hosts[0]}:{ports[0]}", "--replica",
                                  f"{hosts[1]}:{ports[1]}", "--port", str(listen),
                                  "--run-dir", str(tmp_path), "--write-nginx-conf",
                                  str(conf)]) == 0
        text = conf.read_text(encoding="utf-8").replace(
            "access_log /var/log/nginx/veille.log", f"access_log {tmp_path / 'access.log'}")
        conf.write_text(text, encoding="utf-8")
        deploy_stack.prepare_run_dir(tmp_path)
        deadline = time.monotonic() + 120
        while not all(healthy(f"http://{h}:{p}", host="127.0.0.1")
                      for h, p in zip(hosts, ports)):
            assert all(r.poll() is None for r in replicas), \
                (tmp_path / f"replica-{hosts[0]}.log").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.3)
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g",
                                  "daemon off;"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{listen}"
        while not healthy(base):
            assert nginx.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        routes = [_route(_get(base, "/")[1]) for _ in range(4)]
        assert routes in (["r0", "r1"] * 2, ["r1", "r0"] * 2)
        for route in ("r0", "r1"):
            status, headers = _get(base, "/risk", cookie=f"veille_route={route}")
            assert status == 200 and _route(headers) == route
        # the first host goes down: its browsers reach the second, and their route says so
        replicas[0].kill()
        replicas[0].wait()
        status, headers = _get(base, "/", cookie="veille_route=r0")
        assert status == 200 and _route(headers) == "r1"
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        for r in replicas:
            if r.poll() is None:
                r.terminate()
                r.wait(10)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ------------------------------------------------------------------ safe by default
def _render(tmp_path, *options, replica_args=()) -> str:
    """The nginx configuration ``deploy/stack.py --write-nginx-conf`` writes with
    ``options`` (and ``replica_args`` after ``--``), checked by ``nginx -t``."""
    conf = tmp_path / "veille.conf"
    code = deploy_stack.main([*options, "--run-dir", str(tmp_path), "--first-port", "8601",
                              "--write-nginx-conf", str(conf), "--", *replica_args])
    assert code == 0
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    return conf.read_text(encoding="utf-8")


def _server(conf: str, names: str) -> str:
    """The ``server`` block of ``conf`` answering for ``names``."""
    return conf.split(f"server_name {names};")[1].split("\n    }\n")[0]


def _self_signed(tmp_path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=veille.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def _secrets(tmp_path) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\ncookie_secret = "' + "c" * 64 + '"\nclient_id = "veille"\n',
                    encoding="utf-8")
    return path


def test_the_stack_listens_on_loopback_by_default(tmp_path):
    conf = _render(tmp_path, "--port", "8080")
    assert re.findall(r"listen ([^;]+);", conf) == ["127.0.0.1:8080 default_server",
                                                   "127.0.0.1:8080"]
    assert "server_name localhost 127.0.0.1;" in conf
    # any other Host: closed without an answer
    assert re.search(r"default_server;\s+# plain HTTP[^\n]*\s+server_name _;\s+return 444;",
                     conf)


def test_the_rendered_configuration_is_hardened(tmp_path):
    conf = _render(tmp_path)
    app = _server(conf, "localhost 127.0.0.1")
    assert "server_tokens off;" in conf
    for timeout in ("client_header_timeout 10s;", "client_body_timeout 20s;",
                    "send_timeout 20s;", "keepalive_timeout 30s;"):
        assert timeout in conf
    assert "client_max_body_size 50m;" in conf
    # the app's pings every 30 s: the socket's idle limit is 75 s, not a day
    stream = app.split("location = /_stcore/stream {")[1].split("}")[0]
    assert "proxy_read_timeout 75s;" in stream and "proxy_send_timeout 75s;" in stream
    assert "86400" not in conf
    # rate and connection limits, per client address
    assert "limit_req_zone $binary_remote_addr zone=veille_pages:10m rate=10r/s;" in conf
    assert "limit_req_zone $binary_remote_addr zone=veille_sessions:10m rate=1r/s;" in conf
    assert "limit_req_zone $binary_remote_addr zone=veille_uploads:10m rate=30r/m;" in conf
    assert "limit_req zone=veille_sessions burst=60 nodelay;" in stream
    assert "limit_conn veille_conn 100;" in app and "limit_req_status 429;" in conf
    uploads = app.split("location ^~ /_stcore/upload_file/ {")[1].split("}")[0]
    assert "limit_req zone=veille_uploads burst=10 nodelay;" in uploads
    # the app's screens, and nothing else, are page addresses
    pages = re.search(r"location ~ \^/\(([a-z|]+)\)\?/\?\$ \{", app).group(1).split("|")
    assert sorted(pages) == sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    assert "limit_req zone=veille_pages burst=100 nodelay;" in app
    assert ('location / {\n            default_type text/plain;\n'
            '            return 404 "Not found\\n";') in app
    # the gate's headers, the same policy, on everything nginx answers itself too
    policy = gate.csp(gate.inline_scripts((STREAMLIT_STATIC / "index.html").read_text(
        encoding="utf-8")))
    assert app.count(f'add_header Content-Security-Policy "{policy}" always;') == \
        app.count("add_header X-Content-Type-Options") - 1     # all but the component's
    component = app.split("location ^~ /component/ {")[1].split("}")[0]
    assert f'"{gate.csp(component=True)}"' in component
    assert "Strict-Transport-Security" not in conf                # no TLS: no HSTS


def test_a_tls_server_block_with_hsts(tmp_path):
    cert, key = _self_signed(tmp_path)
    port = free_port()
    conf = _render(tmp_path, "--port", f"127.0.0.1:{port}", "--server-name",
                   "veille.example.org", "--tls-cert", str(cert), "--tls-key", str(key),
                   replica_args=("--secrets.files", str(_secrets(tmp_path))))
    app = _server(conf, "veille.example.org")
    assert f"listen 127.0.0.1:{port} ssl;" in conf
    assert f"listen 127.0.0.1:{port} default_server ssl;" in conf
    assert f"ssl_certificate {cert};" in conf and f"ssl_certificate_key {key};" in conf
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in conf
    assert app.count('add_header Strict-Transport-Security "max-age=31536000" always;') == \
        app.count("add_header X-Content-Type-Options")
    assert "SameSite=Lax; Secure" in app
    # nginx on it (no replica needed for what it serves itself): HTTPS, HSTS
    deploy_stack.prepare_run_dir(tmp_path)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "veille.conf"),
                              "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        bundle = next((STREAMLIT_STATIC / "static" / "js").glob("index.*.js")).name
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False                       # 127.0.0.1, not the name
        deadline = time.monotonic() + 10
        while True:
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=5,
                                                         context=context)
                connection.request("GET", f"/static/js/{bundle}",
                                   headers={"Host": "veille.example.org"})
                answer = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        assert answer.status == 200
        assert answer.getheader("Strict-Transport-Security") == "max-age=31536000"
        assert connection.sock.version() in ("TLSv1.2", "TLSv1.3")
        connection.close()
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)   # no plain HTTP
        plain.request("GET", "/", headers={"Host": "veille.example.org"})
        assert plain.getresponse().status == 400
    finally:
        nginx.terminate()
        nginx.wait(10)


@pytest.mark.parametrize("options, refusal", [
    (("--port", "0.0.0.0:8080"), "configure sign-in or bind to localhost"),
    (("--port", "192.168.1.10:8080"), "configure sign-in or bind to localhost"),
    (("--server-name", "veille.example.org"), "may only name localhost"),
])
def test_without_sign_in_the_stack_refuses_the_network(tmp_path, capsys, options, refusal):
    code = deploy_stack.main([*options, "--run-dir", str(tmp_path), "--write-nginx-conf",
                              str(tmp_path / "veille.conf"), "--", "--secrets.files",
                              str(tmp_path / "none.toml")])
    assert code == 2 and refusal in capsys.readouterr().err
    assert not (tmp_path / "veille.conf").exists()
    # with sign-in (and its server name) the same address is accepted
    code = deploy_stack.main([*options, "--server-name", "veille.example.org", "--run-dir",
                              str(tmp_path), "--write-nginx-conf", str(tmp_path / "veille.conf"),
                              "--", "--secrets.files", str(_secrets(tmp_path))])
    assert code == 0


def test_a_replica_that_cannot_start_is_named_with_the_end_of_its_log(tmp_path):
    """Regression (CI, stop 35): a replica that did not start was reported as a Python
    traceback pointing to a log nobody could read any more. Now one message, exit code 1,
    with the cause from the replica's own log (here: its port taken by another process)."""
    import socket
    first = free_ports(2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", first))
        taken.listen()
        done = subprocess.run([sys.executable, "deploy/stack.py", "--replicas", "2",
                               "--port", str(free_port()), "--first-port", str(first),
                               "--run-dir", str(tmp_path),
                               "--database-url", f"sqlite:///{tmp_path / 'veille.db'}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120,
                              check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"replica {first} did not start (exited with code 1)" in done.stderr
    assert f"Port {first} is not available" in done.stderr
    # nothing left running: the other replica was stopped with the stack
    assert not healthy(f"http://127.0.0.1:{first + 1}")


@pytest.fixture
def two_roles():
    yield from pg_two_roles()


def test_prepare_only_migrates_as_the_owner_and_the_replicas_never_see_it(two_roles,
                                                                          monkeypatch):
    app_url, owner_url, _role, _schema = two_roles
    monkeypatch.setenv("VEILLE_DATABASE_OWNER_URL", owner_url)
    monkeypatch.setenv("VEILLE_DEMO", "0")
    assert deploy_stack.main(["--prepare-only", "--database-url", app_url]) == 0
    engine = sa.create_engine(app_url)             # no migration here: the owner's ran
    with engine.connect() as conn:
        assert store.current_version(conn) == store.SCHEMA_VERSION
    first_entries(engine)
    assert_app_role_cannot_rewrite(engine)
    engine.dispose()
    env = deploy_stack.replica_environment(
        {"PATH": "/usr/bin", "VEILLE_DATABASE_OWNER_URL": owner_url}, app_url, 3)
    assert env == {"PATH": "/usr/bin", "VEILLE_DATABASE_URL": app_url,
                   "VEILLE_DB_POOL_SIZE": "3"}


def _get(base: str, path: str, host: str | None = None, cookie: str | None = None):
    """``(status, headers as a list of (name, value))`` of a GET through nginx (with ``Host:
    host`` and ``Cookie: cookie`` when given); None when the connection is closed without an
    answer."""
    address = base.split("//")[1]
    connection = http.client.HTTPConnection(*address.split(":"), timeout=20)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        if cookie is not None:
            connection.putheader("Cookie", cookie)
        connection.endheaders()
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheaders()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return None
    finally:
        connection.close()


def _route(headers) -> str | None:
    """The ``veille_route`` value nginx set in ``headers`` (None: none set)."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("veille_route="):
            return value.split(";")[0].split("=", 1)[1]
    return None


def test_new_browsers_are_shared_in_turn_and_stay_where_they_were_sent(stack):
    """Regression (issue 32): new browsers were routed by the hash of a random key; in a
    briefing room one replica got 30 of 51 sessions and the room waited for it. Now they go
    to the replicas in turn, and each stays on the one that answered, its WebSocket too."""
    base = stack["base"]
    routes = [_route(_get(base, "/")[1]) for _ in range(10)]
    assert sorted(routes) == ["r0"] * 5 + ["r1"] * 5
    assert all(a != b for a, b in zip(routes, routes[1:]))         # in turn
    for route in ("r0", "r1"):
        for path in ("/", "/risk", "/_stcore/health"):
            status, headers = _get(base, path, cookie=f"veille_route={route}")
            assert status == 200 and _route(headers) == route
    # a route nginx does not know (an old cookie, a forged one): a replica in turn
    assert _route(_get(base, "/", cookie="veille_route=../etc")[1]) in ("r0", "r1")
    # the WebSocket's handshake answer names the replica too
    address = base.split("//")[1]
    connection = http.client.HTTPConnection(*address.split(":"), timeout=20)
    try:
        connection.request("GET", "/_stcore/stream", headers={
            "Cookie": "veille_route=r1", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Protocol": "streamlit"})
        answer = connection.getresponse()
        assert answer.status == 101 and _route(answer.getheaders()) == "r1"
    finally:
        connection.close()


def test_the_running_stack_answers_only_for_the_app(stack):
    base = stack["base"]
    names = ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
             "Content-Security-Policy")
    bundle = next((STREAMLIT_STATIC / "static" / "js").glob("index.*.js")).name
    for path, status in (("/", 200), ("/risk", 200), ("/coverage/", 301),
                         ("/_stcore/health", 200), (f"/static/js/{bundle}", 200),
                         (f"/app/static/vendor/leaflet-{assets.LEAFLET_VERSION}/leaflet.js",
                          200),
                         ("/component/streamlit_folium.st_folium/index.html", 200),
                         ("/nope", 404), ("/risk/extra", 404), ("/.env", 404),
                         ("/_stcore/metrics", 404), ("/_stcore/agent/openapi.json", 404),
                         ("/coverage/_stcore/health", 404)):
        answer = _get(base, path)
        assert answer is not None and answer[0] == status, (path, answer)
        headers = answer[1]
        assert [v for k, v in headers if k == "Server"] == ["nginx"]     # no version
        for name in names:                                   # each once, nginx's or gate's
            assert len([v for k, v in headers if k.lower() == name.lower()]) == 1, \
                (path, name)
        policy = dict(headers)["Content-Security-Policy"]
        component = path.startswith("/component/")
        assert ("'unsafe-eval'" in policy) is component
        assert "img-src 'self';" in policy and "connect-src 'self';" in policy
    # another Host, "localhost" included when it is not a server name: closed, no answer
    assert _get(base, "/", host="evil.example") is None
    assert _get(base, "/", host="localhost")[0] == 200          # this stack's own name
    port = base.rsplit(":", 1)[1]
    assert _get(base, "/", host=f"127.0.0.1:{port}")[0] == 200


def test_page_loads_and_sessions_beyond_the_burst_are_refused(stack):
    """One client address: 10 page loads a second, 100 at once; 1 new session a second,
    60 at once (limit_req); beyond, 429."""
    time.sleep(11)                                    # an empty bucket (other tests' loads)
    answers = [_get(stack["base"], "/") for _ in range(250)]
    statuses = [status for status, _ in answers]
    assert statuses[:101] == [200] * 101              # the first and the burst
    assert 429 in statuses and set(statuses) == {200, 429}
    refused = dict(answers[statuses.index(429)][1])
    assert refused["Content-Security-Policy"] == gate.csp(gate.inline_scripts(
        (STREAMLIT_STATIC / "index.html").read_text(encoding="utf-8")))
    assert _get(stack["base"], "/_stcore/health")[0] == 200      # not a page load
    # new sessions (WebSocket handshakes): 1 a second, 60 at once
    port = int(stack["base"].rsplit(":", 1)[1])
    opened = [_upgrade(port) for _ in range(80)]
    assert opened[:61] == [101] * 61 and 429 in opened and set(opened) == {101, 429}
    time.sleep(11)                                    # the buckets empty again


def _upgrade(port: int) -> int:
    """The status of a WebSocket handshake on ``/_stcore/stream`` through nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/_stcore/stream", headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": "streamlit", "Origin": f"http://127.0.0.1:{port}"})
        return connection.getresponse().status
    finally:
        connection.close()


#: True once the map frame holds 50 drawn outlines in a document loaded after the old one was
#: marked (``window.__veilleOld``): the map drawn again, not the one seen before.
MAP_AGAIN_JS = """([sel, n]) => {
    const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    if (!f || !f.contentWindow || f.contentWindow.__veilleOld) return false;
    const drawn = [...f.contentDocument.querySelectorAll(sel)]
        .filter(p => (p.getAttribute('d') || '').length > 12).length;
    return drawn >= n ? drawn : false;
}"""


def _replica_process(stack, port: int) -> psutil.Process:
    (process,) = [p for p in psutil.Process(stack["proc"].pid).children()
                  if str(port) in p.cmdline() and "streamlit" in " ".join(p.cmdline())]
    return process


def _holding(ports: list[int]) -> set[int]:
    """The replicas with an open connection from nginx: the one holding the browser's
    WebSocket (nginx keeps no other connection to the replicas open)."""
    return {port for port in ports for c in psutil.net_connections("tcp")
            if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED}


def _wait_for_holder(ports: list[int]) -> int:
    """The one replica holding the session, once one does."""
    deadline = time.monotonic() + 20
    while len(held := _holding(ports)) != 1:
        assert time.monotonic() < deadline, f"the session is not on one replica: {held}"
        time.sleep(0.2)
    return held.pop()


def _kill_and_wait_for_restart(stack, port: int) -> None:
    process = _replica_process(stack, port)
    process.kill()
    process.wait(10)
    deadline = time.monotonic() + 90
    while not healthy(f"http://127.0.0.1:{port}"):       # the stack's supervisor restarts it
        assert time.monotonic() < deadline, (stack["run_dir"] / "stack.log").read_text()
        time.sleep(0.3)


@pytest.mark.browser
def test_a_replica_death_is_invisible_beyond_a_few_seconds(stack):
    """Regression (issue 27): kill the replica serving a session; nginx moves the browser to
    the other one, which had never drawn a map (as after any restart). The frontend mounts
    the map's frame again (here: its document reloaded, in the same tab), and it came from
    that replica as "Component not found", a blank map until the page was reloaded:
    streamlit-folium was registered only when a process first drew a map. Every component
    is now registered when a process starts."""
    base = stack["base"]
    ports = [int(r.rsplit(":", 1)[1]) for r in stack["replicas"]]
    with offline_page(base) as (page, blocked):
        page.goto(base + "/")
        assert wait_for_cercles(page) == 50
        serving = _wait_for_holder(ports)
        (other,) = set(ports) - {serving}
        _kill_and_wait_for_restart(stack, other)           # it has never drawn a map now
        deadline = time.monotonic() + 5                       # yet it serves the map's frame
        while _get(f"http://127.0.0.1:{other}",
                   "/component/streamlit_folium.st_folium/index.html")[0] != 200:
            assert time.monotonic() < deadline, "the map's component is not registered"
            time.sleep(0.1)
        map_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        map_frame.evaluate("window.__veilleOld = true")
        address = page.url
        _replica_process(stack, serving).kill()
        # the browser reconnects, through nginx, to the other replica or to the killed one
        # restarted by the supervisor: either has never drawn a map
        _wait_for_holder(ports)
        page.wait_for_function("() => !/CONNECTING/.test((document.querySelector("
                               "'[data-testid=\"stStatusWidget\"]') || {}).innerText)",
                               timeout=15000)
        map_frame.evaluate("location.reload()")
        drawn = page.wait_for_function(MAP_AGAIN_JS, arg=[CERCLE_PATHS, 50], timeout=15000)
        assert drawn.json_value() == 50 and page.url == address      # same tab, no reload
        assert all("Component not found" not in f.content() for f in page.frames
                   if f.url.startswith(base))
        assert blocked == []
    deadline = time.monotonic() + 90
    while not healthy(f"http://127.0.0.1:{serving}"):        # restarted for the next tests
        assert time.monotonic() < deadline
        time.sleep(0.3)


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
    # on every interface (sign-in configured), answering for 127.0.0.1 only
    details = _start(tmp_path_factory, ("--secrets.files", str(secrets_file)), port=port,
                     options=("--port", f"0.0.0.0:{port}", "--server-name", "127.0.0.1"))
    try:
        base = details["base"]
        # "Host: localhost" from the network is not this server's name: closed, no answer
        assert _get(base, "/", host="localhost") is None
        assert _get(base, "/", host=f"127.0.0.1:{port}")[0] == 200
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
