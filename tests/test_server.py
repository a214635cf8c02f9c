"""The server itself (issue 13): pinned options, the bind rule, the Host check (DNS
rebinding), the closed metrics endpoint — on the real ``streamlit run dashboard.py``."""

import socket
import subprocess
import tomllib
import urllib.error
import urllib.request

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from streamlit import config as st_config

from ui import gate
from tests.support import ROOT, app_command, free_port, running_app

CONFIG = ROOT / ".streamlit" / "config.toml"


# ------------------------------------------------------------------ pinned options
def test_every_exposing_option_is_pinned_in_the_config():
    options = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    server, client = options["server"], options["client"]
    assert server["address"] == "127.0.0.1"                 # not every interface
    assert server["allowedHosts"] == ["localhost", "127.0.0.1"]
    assert server["enableAgentApi"] is False                # no agent API
    assert server["trustedUserHeaders"] == {}               # no identity from headers
    assert server["unsafeMetricsUserAttributes"] == []
    assert server["scriptHealthCheckEnabled"] is False
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert "corsAllowedOrigins" not in server
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert options["global"]["developmentMode"] is False
    assert client["toolbarMode"] == "viewer"                # no developer options
    assert client["showErrorDetails"] == "none"             # no traceback, no path
    assert options["browser"]["gatherUsageStats"] is False
    # every option written there is one Streamlit knows (a typo would be ignored silently)
    known = set(st_config._config_options_template)
    written = {f"{section}.{key}" for section, values in options.items()
               for key, value in values.items() if not isinstance(value, dict)
               or key == "trustedUserHeaders"}
    assert written - known == set()


# ------------------------------------------------------------------ the rules, pure
@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("127.3.2.1", True), (None, False), ("", False), ("0.0.0.0", False), ("::", False),
    ("192.168.1.10", False), ("veille.example.org", False), ("unix:///tmp/s", False)])
def test_loopback_addresses(address, loopback):
    assert gate.is_loopback(address) is loopback


@pytest.mark.parametrize("host, allowed, ok", [
    ("127.0.0.1:8501", ["localhost", "127.0.0.1"], True),
    ("LOCALHOST:8501", ["localhost"], True),
    ("[::1]:8501", [], True),                             # empty list: loopback names only
    ("evil.example", ["localhost", "127.0.0.1"], False),
    ("evil.example", [], False),
    ("localhost.evil.example", ["localhost"], False),
    ("veille.un.org", ["veille.un.org"], True),
    ("a.veille.un.org", ["*.veille.un.org"], True),
    ("veille.un.org.evil.example", ["*.veille.un.org"], False),
    ("anything", ["*"], True),
    ("", ["*"], False), (None, ["localhost"], False),
])
def test_host_check(host, allowed, ok):
    assert gate.host_allowed(host, allowed) is ok


def test_startup_rules():
    secret = "s3cr3t-" * 6
    assert gate.startup_problems("127.0.0.1", ["localhost", "127.0.0.1"], None) == []
    (problem,) = gate.startup_problems("0.0.0.0", ["localhost"], None)
    assert "configure sign-in or bind to localhost" in problem
    assert len(gate.startup_problems(None, [], None)) == 1            # every interface
    # bound to loopback behind a proxy that forwards a public name: still exposed
    (problem,) = gate.startup_problems("127.0.0.1", ["localhost", "veille.un.org"], None)
    assert "veille.un.org" in problem
    auth = {"cookie_secret": secret, "client_id": "veille"}
    assert gate.startup_problems("0.0.0.0", ["veille.un.org"], auth) == []
    (problem,) = gate.startup_problems("0.0.0.0", [], auth)          # the public name
    assert "allowedHosts" in problem
    problems = gate.startup_problems("0.0.0.0", ["veille.un.org"], {"cookie_secret": "abc"})
    assert len(problems) == 1 and "cookie_secret" in problems[0]
    assert "abc" not in problems[0]                                    # never quoted


def _gated(allowed=("localhost", "127.0.0.1"), base=""):
    async def home(request):
        return PlainTextResponse("app")

    async def stream(ws):
        await ws.accept()
        await ws.send_text("hello")
        await ws.close()

    inner = Starlette(routes=[Route("/{path:path}", home),
                              WebSocketRoute(f"{base}/_stcore/stream", stream)])
    return TestClient(gate.Gate(inner, options=lambda: (list(allowed), base)),
                      base_url="http://127.0.0.1:8501")


def test_gate_refuses_other_hosts_on_http_and_websocket():
    client = _gated()
    assert client.get("/").text == "app"
    assert client.get("/", headers={"Host": "localhost:8501"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.example"})
    assert (refused.status_code, refused.text) == (400, "Host not allowed")
    with client.websocket_connect("/_stcore/stream", headers={"Host": "127.0.0.1:8501"}) as ws:
        assert ws.receive_text() == "hello"
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect("/_stcore/stream", headers={"Host": "evil.example"}):
            pass
    assert closed.value.code == 1008


@pytest.mark.parametrize("base", ["", "/veille"])
@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/",
                                  "/_stcore//metrics", "/_stcore/agent/openapi.json",
                                  "/_stcore/agent/mcp"])
def test_gate_closes_the_metrics_and_the_agent_api(base, path):
    client = _gated(base=base)
    assert client.get(base + path).status_code == 404
    assert client.get(base + "/_stcore/health").text == "app"      # the rest is served


# ------------------------------------------------------------------ security headers
def test_the_policy_allows_only_the_origin():
    policy = dict(d.split(" ", 1) for d in gate.csp(["window.x = 1"]).split("; "))
    assert policy["default-src"] == policy["connect-src"] == policy["img-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["frame-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    # the page's one inline script by its hash (sha256 of "window.x = 1"), no inline else
    assert policy["script-src"] == ("'self' blob: 'wasm-unsafe-eval' "
                                    "'sha256-TRQHTtKk2Jz9TNrGZb+BnTJZb+vLVfeW/a0aaZ7avUM='")
    component = dict(d.split(" ", 1) for d in gate.csp(component=True).split("; "))
    assert component["script-src"] == "'self' 'unsafe-inline' 'unsafe-eval'"
    assert {k: v for k, v in component.items() if k != "script-src"} == \
        {k: v for k, v in policy.items() if k != "script-src"}
    # nothing names another host or a wildcard
    for value in (*policy.values(), *component.values()):
        assert all(token.startswith("'") or token in ("blob:", "data:")
                   for token in value.split()), value


def test_inline_scripts_of_a_page():
    html = ('<script>\n  window.a = 1\n</script><script type="module" src="./x.js">'
            '</script><script type="module" crossorigin>b()</script>')
    assert gate.inline_scripts(html) == ["\n  window.a = 1\n", "b()"]


@pytest.mark.parametrize("base", ["", "/veille"])
def test_gate_sets_the_security_headers_on_every_answer(base):
    client = _gated(base=base)
    for path, status in (("/", 200), ("/risk", 200), ("/_stcore/metrics", 404)):
        answer = client.get(base + path)
        assert answer.status_code == status
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["content-security-policy"] == gate.csp()
    refused = client.get(base + "/", headers={"Host": "evil.example"})
    assert refused.headers["content-security-policy"] == gate.csp()
    frame = client.get(base + "/component/streamlit_folium.st_folium/index.html")
    assert frame.headers["content-security-policy"] == gate.csp(component=True)
    # a frame path outside the base URL path is no component's
    if base:
        assert client.get("/component/x").headers["content-security-policy"] == gate.csp()


def test_gate_replaces_headers_the_app_set():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/plain"), (b"x-frame-options", b"ALLOWALL"),
            (b"Content-Security-Policy", b"default-src *")]})
        await send({"type": "http.response.body", "body": b"app"})

    client = TestClient(gate.Gate(app, options=lambda: (["127.0.0.1"], "")),
                        base_url="http://127.0.0.1:8501")
    answer = client.get("/")
    assert answer.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert answer.headers.get_list("content-security-policy") == [gate.csp()]
    assert answer.headers["content-type"] == "text/plain" and answer.text == "app"


# ------------------------------------------------------------------ the real server
def _start_refused(tmp_path, *args, secrets: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "secrets.toml").write_text(secrets, encoding="utf-8")
    port = free_port()
    done = subprocess.run(app_command(port, "--secrets.files", str(tmp_path / "secrets.toml"),
                                      *args), cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    with socket.socket() as s:                       # and nothing listens on its port
        assert s.connect_ex(("127.0.0.1", port)) != 0
    return done


@pytest.mark.slow
def test_without_sign_in_the_server_refuses_any_other_address(tmp_path):
    done = _start_refused(tmp_path, "--server.address", "0.0.0.0")
    assert done.returncode != 0
    assert "configure sign-in or bind to localhost" in done.stderr


def test_without_sign_in_a_public_host_name_is_refused(tmp_path):
    done = _start_refused(tmp_path, "--server.allowedHosts", "veille.un.org")
    assert done.returncode != 0 and "veille.un.org" in done.stderr


def test_sign_in_requires_a_cookie_secret_and_never_prints_it(tmp_path):
    done = _start_refused(tmp_path, "--server.address", "0.0.0.0", secrets=(
        '[auth]\ncookie_secret = "tiny-secret"\nclient_id = "veille"\n'
        'client_secret = "cs"\nredirect_uri = "http://localhost/oauth2callback"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'))
    assert done.returncode != 0 and "cookie_secret is required" in done.stderr
    assert "tiny-secret" not in done.stderr + done.stdout


def _upgrade(port: int, host: str) -> str:
    """The status line the server answers to a WebSocket handshake with ``Host: host``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
                   f"Origin: http://{host}\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n")[0]


def _status(url: str, host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_running_server_checks_host_and_closes_metrics():
    with running_app() as (url, _proc):
        port = int(url.rsplit(":", 1)[1])
        assert _status(f"{url}/_stcore/health") == 200
        assert _status(f"{url}/") == 200
        # DNS rebinding: a page on evil.example that resolves to this server
        assert _status(f"{url}/", host="evil.example") == 400
        assert _status(f"{url}/_stcore/health", host=f"evil.example:{port}") == 400
        assert " 101 " in _upgrade(port, f"127.0.0.1:{port}")       # the app's own socket
        assert " 101 " not in _upgrade(port, "evil.example")        # refused
        # function names, session counts, upload bytes: open to nobody
        for path in ("/_stcore/metrics", "/_stcore/metrics?format=proto",
                     "/_stcore/agent/openapi.json"):
            assert _status(url + path) == 404, path
        # the security headers, with the hash of the page's own inline script
        with urllib.request.urlopen(f"{url}/risk", timeout=10) as r:
            page, headers = r.read().decode(), r.headers
        (inline,) = gate.inline_scripts(page)
        assert "prerenderReady" in inline
        assert headers["Content-Security-Policy"] == gate.csp([inline])
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
