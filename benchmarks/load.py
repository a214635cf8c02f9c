"""A few browsers at once, on loopback (issue 18): the stack of ``deploy/stack.py`` (1 and 3
replicas behind Debian's nginx, on one PostgreSQL) under 5 simultaneous browser sessions (by
default), while a CLI import of 10,000 tension rows runs.

This benchmark is for what only a browser shows: maps drawn in their frames, script errors in the
page, HTTP failures of static files, every session seeing the import. Its browsers share the
machine's cores with the servers, so with many contexts its times measure the browsers
(issue 32): the server under many users is measured by ``benchmarks/protocol_load.py``, a
client of Streamlit's own protocol that costs ~2 % of a core for 50 users.

Each session is a headless Chromium context of one browser (its own cookies, so nginx gives
it a replica of its own, and its own Streamlit session). It opens the Overview, then goes to
the Risk and the Coverage pages by the sidebar's links, as a user does (one Streamlit session
throughout), each time timed from the navigation to the 50 cercles drawn in the map; no
request is intercepted (that would add ~0.8 s to each load). The import starts with the
sessions; once it is stored, every session goes back to the Overview and reads its count of
reports, which must be the store's.

Figures per (replicas, sessions): p50 / p95 of the time to the map drawn on each page, the
errors (a page that did not draw its map within the time limit, an exception shown by
Streamlit, a script error in the page, an HTTP status >= 500, a replica restarted by the
stack for failed health checks: must be 0), the replicas' resident memory before and at the
end (the growth per session includes the caches of the store's new content after the
import; ``benchmarks/memory.py`` measures a session alone), the import's time, the page
visits that overlapped it, and whether every session saw it.

Bounded: at most 120 s per page (``--page-timeout``), ``--max-minutes`` in all (then it stops
where it is and says so). Needs nginx, Chromium and a PostgreSQL server (``--database-url``, default
``VEILLE_TEST_POSTGRES_URL``): each run gets a new schema, dropped at the end.

    python benchmarks/load.py [--replicas 1 3] [--sessions 5] [--rows 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.import_rows import make_csv  # noqa: E402
from deploy.stack import healthy  # noqa: E402
from tests.support import (CERCLE_PATHS, CERCLES_DRAWN_JS, CHROMIUM, CHROMIUM_ARGS,  # noqa: E402
                           free_port)

#: The pages each session visits, in order: (name, URL path).
PAGES = (("overview", ""), ("risk", "risk"), ("coverage", "coverage"))
#: Seconds a page may take to draw its map before it counts as an error (``--page-timeout``).
PAGE_TIMEOUT_S = 120
#: Outlines of the page shown before a page change: the next page's map must draw its own.
FRESH = CERCLE_PATHS + ":not([data-load-old])"
ARTIFACTS = ROOT / "tests" / "artifacts"      # screenshots of failed visits, when it exists
COUNT_RE = re.compile(r"^([\d\u202f\u00a0 ]+) signalements affichés")


def pctl(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest rank: with few values, an observed one."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


@dataclass
class Round:
    replicas: int
    sessions: int
    times: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p, _ in PAGES})
    errors: list[str] = field(default_factory=list)
    rss_before: list[float] = field(default_factory=list)
    rss_end: list[float] = field(default_factory=list)
    rss_peak: float = 0.0
    import_s: float = float("nan")
    #: page visits (start, end; seconds from the round's start) and the import's
    visits: list[tuple[float, float]] = field(default_factory=list)
    import_span: tuple[float, float] = (0.0, 0.0)
    stored: int = 0
    saw_import: int = 0
    wall_s: float = 0.0
    t_start: float = field(default_factory=time.perf_counter)

    def visits_during_import(self) -> int:
        lo, hi = self.import_span
        return sum(1 for a, b in self.visits if a < hi and b > lo)


class Stack:
    """``deploy/stack.py`` in a new PostgreSQL schema; started and stopped by :meth:`run`."""

    def __init__(self, pg_url: str, replicas: int, run_dir: Path):
        self.schema = f"load_{uuid.uuid4().hex[:8]}"
        self.pg_url = pg_url
        self.url = pg_url + ("&" if "?" in pg_url else "?") + \
            f"options=-csearch_path%3D{self.schema}"
        self.replicas, self.run_dir = replicas, run_dir
        self.port, self.first = free_port(), free_port()
        while abs(self.first - self.port) <= replicas:
            self.first = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        admin = sa.create_engine(self.pg_url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        logs = ARTIFACTS if ARTIFACTS.is_dir() else self.run_dir
        self.log = open(logs / f"load-stack-{self.replicas}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "deploy/stack.py", "--replicas", str(self.replicas),
             "--port", str(self.port), "--first-port", str(self.first),
             "--run-dir", str(self.run_dir / f"run-{self.replicas}"), "--check-every", "5"],
            cwd=ROOT, env={**os.environ, "VEILLE_DATABASE_URL": self.url},
            stdout=self.log, stderr=subprocess.STDOUT)
        urls = [self.base] + [f"http://127.0.0.1:{self.first + i}" for i in range(self.replicas)]
        deadline = time.monotonic() + 240
        while not all(healthy(u) for u in urls):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not start: see {self.log.name}")
            time.sleep(0.5)
        time.sleep(5)       # each replica warms its caches once started (ui.warm)
        return self

    def rss_mb(self) -> list[float]:
        """Resident memory of each replica (a replica being restarted is left out)."""
        out = []
        for p in psutil.Process(self.proc.pid).children():
            try:
                if "streamlit" in " ".join(p.cmdline()):
                    out.append(p.memory_info().rss / 2**20)
            except psutil.Error:
                pass
        return out

    def restarts(self) -> int:
        """Replicas the stack restarted so far (failed health checks, said in its log)."""
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8").count("unhealthy: restarting")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        admin = sa.create_engine(self.pg_url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        admin.dispose()


def counted_reports(url: str) -> int:
    """The Overview's count: stored reports not verified as false."""
    from geo.analysis import indicators
    from geo.records import store

    engine = store.make_engine(url)
    try:
        return len(indicators.counted_reports(store.load_records(engine, "tensions")))
    finally:
        engine.dispose()


async def map_drawn(page, timeout_s: float) -> None:
    await page.wait_for_function(CERCLES_DRAWN_JS, arg=[FRESH, 50, None],
                                 timeout=timeout_s * 1000)


async def session(browser, stack: Stack, result: Round, imported: asyncio.Event,
                  expected: dict, deadline: float, page_timeout: float) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 950})
    page = await context.new_page()
    errors = result.errors
    page.on("pageerror", lambda e: errors.append(f"script error: {e}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}")
            if r.status >= 500 else None)

    async def visit(name: str, path: str, first: bool, timed: bool = True) -> bool:
        left = min(page_timeout, deadline - time.monotonic())
        if left <= 0:
            errors.append(f"{name}: not visited (time limit of the run)")
            return False
        # the outlines drawn so far are marked: the new page's own must appear
        await page.evaluate("""(sel) => {
            const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
            if (f && f.contentDocument)
                f.contentDocument.querySelectorAll(sel).forEach(p => p.dataset.loadOld = 1);
        }""", CERCLE_PATHS)
        t0 = time.perf_counter()
        try:
            if first:
                await page.goto(f"{stack.base}/{path}", timeout=left * 1000)
            else:
                await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click(
                    timeout=left * 1000)
            await map_drawn(page, left)
        except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
            errors.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            if ARTIFACTS.is_dir():
                await page.screenshot(path=str(ARTIFACTS / f"load-{name}-{len(errors)}.png"))
            return False
        t1 = time.perf_counter()
        if timed:                    # the visit back after the import is not in the figures
            result.times[name].append(t1 - t0)
            result.visits.append((t0 - result.t_start, t1 - result.t_start))
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"{name}: exception shown")
        return True

    try:
        for i, (name, path) in enumerate(PAGES):
            if not await visit(name, path, i == 0):
                return
        await imported.wait()
        if not await visit("overview", "", False, timed=False):
            return
        text = await page.get_by_text(COUNT_RE).first.inner_text(timeout=30000)
        shown = int(re.sub(r"\D", "", COUNT_RE.match(text).group(1)))
        if shown == expected["count"]:
            result.saw_import += 1
        else:
            errors.append(f"import not seen: {shown} reports shown, {expected['count']} stored")
    except Exception as exc:  # noqa: BLE001
        errors.append(f"after the import: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def one_round(browser, stack: Stack, sessions: int, rows: int, tmp: Path,
                    deadline: float, page_timeout: float = PAGE_TIMEOUT_S) -> Round:
    result = Round(stack.replicas, sessions)
    result.rss_before = stack.rss_mb()
    restarts = stack.restarts()
    csv = tmp / f"import-{stack.replicas}-{sessions}.csv"
    csv.write_bytes(make_csv(rows, prefix=f"L{stack.replicas}x{sessions}-"))
    imported, expected = asyncio.Event(), {}

    async def run_import():
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "geo", "import", "tensions", str(csv), cwd=ROOT,
            env={**os.environ, "VEILLE_DATABASE_URL": stack.url},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        t1 = time.perf_counter()
        result.import_s = t1 - t0
        result.import_span = (t0 - result.t_start, t1 - result.t_start)
        if proc.returncode != 0:
            result.errors.append(f"import failed ({proc.returncode}): {out.decode()[-300:]}")
        expected["count"] = result.stored = counted_reports(stack.url)
        imported.set()

    async def sample_memory():
        while not all(t.done() for t in tasks):
            result.rss_peak = max(result.rss_peak, sum(stack.rss_mb()))
            await asyncio.sleep(0.5)

    result.t_start = time.perf_counter()
    tasks = [asyncio.create_task(session(browser, stack, result, imported, expected, deadline,
                                           page_timeout))
             for _ in range(sessions)]
    await asyncio.gather(run_import(), sample_memory(), *tasks)
    result.rss_end = stack.rss_mb()
    result.wall_s = time.perf_counter() - result.t_start
    result.errors += ["a replica failed its health checks and was restarted"] * (
        stack.restarts() - restarts)
    return result


def print_table(rounds: list[Round]) -> None:
    print("| replicas | sessions | Overview p50 / p95 (s) | Risk p50 / p95 (s) | "
          "Coverage p50 / p95 (s) | errors | RSS per replica before → end (MB) | "
          "growth per session, with the import's new caches (MB) | import (s) | "
          "visits during it | saw the import |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rounds:
        cells = []
        for name, _ in PAGES:
            t = r.times[name]
            cells.append(f"{pctl(t, 0.5):.1f} / {pctl(t, 0.95):.1f}" if t else "–")
        per = (sum(r.rss_end) - sum(r.rss_before)) / r.sessions
        print(f"| {r.replicas} | {r.sessions} | {' | '.join(cells)} | {len(r.errors)} | "
              f"{', '.join(f'{b:.0f} → {e:.0f}' for b, e in zip(r.rss_before, r.rss_end))} | "
              f"{per:.1f} | {r.import_s:.1f} | {r.visits_during_import()} | "
              f"{r.saw_import}/{r.sessions} |")
    for r in rounds:
        for e in sorted(set(r.errors))[:10]:
            print(f"  {r.replicas}×{r.sessions}: {e} "
                  f"(×{r.errors.count(e)})", file=sys.stderr)


async def main_async(args) -> int:
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + args.max_minutes * 60
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="veille-load-") as tmp_name:
        tmp = Path(tmp_name)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            try:
                for replicas in args.replicas:
                    with Stack(args.database_url, replicas, tmp) as stack:
                        for sessions in args.sessions:
                            if time.monotonic() > deadline:
                                print(f"time limit reached: {replicas}×{sessions} not run",
                                      file=sys.stderr)
                                continue
                            r = await one_round(browser, stack, sessions, args.rows, tmp,
                                                deadline, args.page_timeout)
                            rounds.append(r)
                            print(f"{replicas} replica(s), {sessions} sessions: "
                                  f"{r.wall_s:.0f} s, {len(r.errors)} errors, import "
                                  f"{r.import_s:.1f} s, seen by {r.saw_import}/{sessions}",
                                  flush=True)
                            print_table(rounds)         # so far (a run may be cut short)
            finally:
                await browser.close()
    return 0 if all(not r.errors and r.saw_import == r.sessions for r in rounds) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--sessions", type=int, nargs="+", default=[5])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--max-minutes", type=float, default=30)
    parser.add_argument("--page-timeout", type=float, default=PAGE_TIMEOUT_S)
    parser.add_argument("--database-url", default=os.environ.get("VEILLE_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("no PostgreSQL: set --database-url or VEILLE_TEST_POSTGRES_URL")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
