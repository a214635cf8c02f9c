"""The Content-Security-Policy in a real browser (issue 27): every screen, its maps and
charts, draws without one violation, and an image, a style sheet or a request to another
origin injected into a page, or into the map's frame, never leaves the browser."""

import http.server
import os
import threading

import pytest

from tests.support import (CHROMIUM, free_port, offline_page, running_app,
                           wait_for_cercles)

#: Each step: the address (under the app), and what shows it is drawn: 50 cercles, a chart,
#: or a heading.
WALK = [
    ("/", "map"), ("/risk?cercle=mli-bankass", "map+chart"), ("/coverage", "map"),
    ("/monitor?section=hotspots", "map"), ("/monitor?section=trends", "chart"),
    ("/monitor", "Revoir un signalement"), ("/methodology", "Méthodologie du score de risque"),
    ("/planner", "Planification des déploiements"), ("/actions", "Registre des actions"),
    ("/data", "Données de terrain : import et export"),
    ("/provenance", "Sources, licences et méthode"), ("/present", "map"),
    ("/audit", "Journal d'audit"), ("/users", "Accès"),
]

class _Beacon(http.server.BaseHTTPRequestHandler):
    """Another origin: records every request; its own page loads its beacon (the
    control)."""
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append(self.path)
        body = (b'<img src="/beacon.png?control">' if self.path == "/control"
                else b"GIF89a")
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if self.path == "/control"
                         else "image/gif")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app_url():
    with running_app(timeout=120) as (url, _proc):
        yield url


@pytest.fixture
def beacon():
    _Beacon.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", _Beacon.seen
    server.shutdown()


def _inject(target, other: str) -> None:
    """Plant what stored text could smuggle into ``target`` (a page or a frame): an image,
    a style sheet, a fetch to ``other``."""
    target.evaluate("""other => {
        const img = document.createElement('img');
        img.src = other + '/beacon.png?img';
        document.body.appendChild(img);
        const link = document.createElement('link');
        link.rel = 'stylesheet'; link.href = other + '/beacon.css';
        document.head.appendChild(link);
        fetch(other + '/beacon.json').catch(() => null);
    }""", other)


@pytest.mark.browser
def test_every_screen_draws_without_a_csp_violation(app_url):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found")
    with offline_page(app_url) as (page, blocked):
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        seen = {}
        for path, drawn in WALK:
            page.goto(app_url + path)
            if "map" in drawn:
                seen[path] = wait_for_cercles(page, timeout_ms=60000)
            if "chart" in drawn:
                page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for(
                    timeout=60000)
            if "map" not in drawn and "chart" not in drawn:
                page.get_by_role("heading", name=drawn).first.wait_for(timeout=60000)
            if path == "/":     # the map's watcher (a components.v2 module, from a blob:)
                page.get_by_text("Couche affichée").wait_for()      # called for the rest
            page.wait_for_timeout(1500)          # what the page loads after it is drawn
        # Chromium reports every violation, of the page or a frame, on the console
        assert [m for m in messages if "Content Security Policy" in m] == []
        assert set(seen.values()) == {50} and len(seen) == 5
        assert blocked == []


@pytest.mark.browser
def test_an_injected_image_to_another_origin_does_not_load(app_url, beacon):
    other, seen = beacon
    with offline_page(app_url, intercept=False) as (page, _requests):
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.goto(app_url + "/")
        assert wait_for_cercles(page) == 50
        _inject(page, other)                                  # into the page
        (frame,) = [f for f in page.frames if "streamlit_folium" in f.url]
        _inject(frame, other)                                 # and into the map's frame
        page.wait_for_timeout(2000)
        # the control: the same browser, on the other origin's own page, does reach it
        control = page.context.new_page()
        control.goto(other + "/control")
        control.wait_for_timeout(1000)
    assert [p for p in seen if p != "/favicon.ico"] == ["/control", "/beacon.png?control"]
    # each blocked by the policy, in the page and in the map's frame
    refused = [m for m in messages if "violates the following Content Security Policy" in m]
    for what in ("Loading the image", "Loading the stylesheet", "Connecting to"):
        assert sum(m.startswith(f"{what} '{other}/beacon") for m in refused) == 2, refused
