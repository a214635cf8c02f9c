"""Helpers shared by the browser tests and the benchmarks: the real server (``streamlit run
dashboard.py``) on 127.0.0.1 and a free port, and Debian's Chromium driven by Playwright with every request to
another host blocked (the app must work offline)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("VEILLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
CERCLE_PATHS = ".leaflet-overlay-pane path.leaflet-interactive.veille-cercle"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int, avoid: tuple[int, ...] = ()) -> int:
    """The first of ``n`` consecutive ports free together on this machine (none in ``avoid``).
    Another process may still take one before it is used: callers that start servers on
    them retry when a server says its port is taken."""
    while True:
        first = free_port()
        ports = range(first, first + n)
        if any(p in avoid or p > 65535 for p in ports):
            continue
        held = []
        try:
            for p in ports:
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", p))
            return first
        except OSError:
            continue
        finally:
            for s in held:
                s.close()


def app_command(port: int, *args: str, script: Path = ROOT / "dashboard.py") -> list[str]:
    """The README's run command (``streamlit run dashboard.py``) on 127.0.0.1:``port``
    (another ``script``: a benchmark's peer page)."""
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false", *args]


@contextlib.contextmanager
def running_app(timeout: float = 60.0, env: dict | None = None, args: tuple = (),
                port: int | None = None, script: Path = ROOT / "dashboard.py",
                cwd: Path = ROOT):
    """Start the app (:func:`app_command`, extra ``args``; another ``script`` run from
    ``cwd``) on 127.0.0.1 and a free port (or ``port``); yield (url, process). Its output
    goes to ``tests/artifacts/``."""
    port = port or free_port()
    cmd = app_command(port, *args, script=script)
    log = open(ROOT / "tests" / "artifacts" / f"streamlit-{port}.log", "w") \
        if (ROOT / "tests" / "artifacts").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()})")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()


@contextlib.contextmanager
def offline_page(base_url: str, viewport=(1400, 950), intercept: bool = True,
                 also: tuple[str, ...] = ()):
    """A Playwright page in Debian's Chromium cut off from every host but ``base_url``'s
    (and those of the URLs ``also``: a test's identity provider).

    Yields ``(page, blocked)``, ``blocked`` listing the URLs of other hosts that the page
    asked for. With ``intercept`` (tests) every request passes through Playwright and other
    hosts are aborted; Playwright then disables the HTTP cache. Without it (benchmarks, to
    measure a browser with a warm cache) Chromium resolves no host name at all except the
    app's, and requests elsewhere are only recorded.
    """
    from playwright.sync_api import sync_playwright

    allowed = {urlparse(u).netloc for u in (base_url, *also)}
    host = urlparse(base_url).hostname
    blocked: list[str] = []

    def foreign(url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme not in ("data", "blob", "about") and parsed.netloc not in allowed

    def guard(route):
        if foreign(route.request.url):
            blocked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    args = list(CHROMIUM_ARGS)
    if not intercept:
        args.append(f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {host}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            if intercept:
                context.route("**/*", guard)
            page = context.new_page()
            if not intercept:
                page.on("request", lambda r: blocked.append(r.url) if foreign(r.url) else None)
            yield page, blocked
        finally:
            browser.close()


#: Playwright page function: the count of drawn outlines matching selector ``sel`` in the
#: map iframe once there are at least ``n`` (and a legend holds ``text``, when given), else
#: false.
CERCLES_DRAWN_JS = """([sel, n, text]) => {
    const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    if (!f || !f.contentDocument) return false;
    // drawn: an outline, not Leaflet's empty path ("M0 0") of a polygon without rings
    const count = [...f.contentDocument.querySelectorAll(sel)]
        .filter(p => (p.getAttribute('d') || '').length > 12).length;
    if (count < n) return false;
    if (text) {      // legends beside the map (the page) or on it (the frame)
        const legends = [...f.contentDocument.querySelectorAll('.veille-legend'),
                         ...document.querySelectorAll('.veille-legend')];
        if (!legends.some(l => l.innerText.includes(text))) return false;
    }
    return count;
}"""


def wait_for_cercles(page, expected: int = 50, timeout_ms: int = 30000,
                     legend_text: str | None = None) -> int:
    """Wait until the map iframe holds ``expected`` cercle polygons (and, if given, a legend
    containing ``legend_text``); return the count seen at that moment."""
    handle = page.wait_for_function(CERCLES_DRAWN_JS, arg=[CERCLE_PATHS, expected, legend_text],
                                    timeout=timeout_ms)
    return handle.json_value()


# --------------------------------------------------------------------------- what is shown
def shown(markdown: str) -> str:
    """A Markdown message as its reader sees it: the backslash escapes that keep stored or
    imported text literal (:func:`geo.outputs.escape.for_markdown`) and the invisible word
    joiners that stop autolinks removed."""
    import re

    from geo.outputs.escape import WORD_JOINER

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace(WORD_JOINER, "")


# --------------------------------------------------------------------------- acting users
def _actors():
    from geo.records.roles import Actor

    return (Actor("sub-viewer", "viewer", "viewer@example.org"),
            Actor("sub-analyst", "analyst", "analyst@example.org"),
            Actor("sub-admin", "admin", "admin@example.org"))


#: One signed-in user of each role, for the writes of the tests.
VIEWER, ANALYST, ADMIN = _actors()


# --------------------------------------------------------------------------- importer tests
#: The "today" of the importer tests (future dates are judged against it).
IMPORT_TODAY = __import__("datetime").date(2026, 11, 29)


def run_import(engine, kind, text, name="f.csv", encoding="utf-8", locator=None, **kw):
    """Import ``text`` (str, encoded with ``encoding``, or bytes) as a file ``name``."""
    from geo.ingest import import_file

    data = text.encode(encoding) if isinstance(text, str) else text
    kw.setdefault("actor", ANALYST)
    return import_file(engine, kind, data, name, locator=locator, today=IMPORT_TODAY, **kw)


def reason_codes(report) -> dict:
    """``{row: [reason codes]}`` of an import's rejected rows."""
    return {row: [r.code for r in reasons] for row, reasons, _ in report.rejections}


#: The PostgreSQL server of the tests (``.ci/run`` starts one); None: those tests skip.
PG_URL = os.environ.get("VEILLE_TEST_POSTGRES_URL")


def store_engine(kind: str, tmp_path):
    """A fresh store on ``kind`` ("sqlite", or "postgresql": a new schema on
    :data:`PG_URL`, dropped afterwards): a generator for a parametrised fixture."""
    import uuid

    import pytest
    import sqlalchemy as sa

    from geo.records import store

    if kind == "sqlite":
        yield store.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server configured: set VEILLE_TEST_POSTGRES_URL "
                    "(e.g. postgresql+psycopg://veille:veille@127.0.0.1/veille_test); "
                    ".ci/run installs and starts one")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = store.make_engine(PG_URL + ("&" if "?" in PG_URL else "?")
                               + f"options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def indicator_table(engine=None, as_of=None, window_days: int | None = None,
                    unverified_weight: float | None = None, min_count: int | None = None):
    """The indicator table of ``engine``'s records (none without a store), as the app and the
    command line compute it (:func:`geo.analysis.table.cercle_indicators`)."""
    from geo.analysis import indicators, table
    from geo.records import context, store

    records = store.load_all(engine) if engine is not None else {}
    ratings = context.ratings(engine) if engine is not None else None
    return table.cercle_indicators(
        records, ratings, as_of,
        indicators.DEFAULT_WINDOW_DAYS if window_days is None else window_days,
        indicators.DEFAULT_UNVERIFIED_WEIGHT if unverified_weight is None else unverified_weight,
        min_count)
