"""Many users at the protocol level (issue 32): one asyncio client speaking Streamlit's own
WebSocket protocol (:mod:`benchmarks.stclient`: the BackMsgs Chromium sends, the views it
receives) against one app process, so that the figures measure the server, not browsers
sharing its two cores (``benchmarks/load.py``, with few browser contexts, is kept for what
only a browser shows).

Each simulated user is one browser tab: it opens the Overview (the HTTP GET, the WebSocket,
the map sent alone, the ``drawn`` answer, the rest of the page), then goes from page to page
as the sidebar's links do, choosing uniformly among ``--pages`` (never the page it is on),
with a think time uniform in [0.5 T, 1.5 T] between views (``--think`` T). Users arrive
evenly spread over ``--ramp`` seconds (0: a briefing room, everyone at once) and stay until
``--duration`` seconds after the ramp (``--visits N``: each tab leaves after N views and a
new one arrives after a think time). One warm-up tab visits every page first (not
measured: the figures are those of a warm server).

Measured per view: the time from the request (the HTTP GET of a tab's first view, else the
``rerun_script``) to the ``script_finished`` of its last run, and for the Overview the time
to the map's delta; errors (an ``exception`` element, a script that did not compile, a page
not found, a disconnection, a time-out, an HTTP error, a cached message missing). The
server's process tree is sampled every second (CPU, resident memory); with one user, each
view's server CPU is read around it (the server's idle rate subtracted): the server CPU per
warm view that the optimisation work targets. The client's own CPU is reported: it must stay
small beside the server's for the figures to hold.

Printed: per page, views, p50 / p95 / max (s), p95 after the ramp, the Overview's time to
its map, deltas and KB per view, server CPU per view (one user); then views/s, errors,
server CPU % (mean and the busiest 10 s), RSS at the start, after the ramp, peak and end
(sessions still open), the client's CPU %, the load average (the machine's other work).
``--json``: the same as one JSON object on stdout, with every view and the samples.

A view's time ends at its ``script_finished``; Streamlit's full garbage collection after a
run (``runner.postScriptGC``) comes after that message, so it is in a view's server CPU but
not in its time, and under load it holds the GIL while other sessions wait.

``--py-spy S``: profile the server with py-spy for S seconds once the ramp is over, and
print where its Python work goes (inclusive shares of named costs, top functions). Only
samples of a thread holding the GIL count (``--gil``): that work is what one process can do
at most one core of; waits (py-spy takes a thread sleeping in a polling watcher or a worker
waiting on its queue for a busy one) and native work that releases the GIL (SQLite, Arrow,
NumPy, Shapely) are not counted.

``--cross-check``: instead of a load, one Chromium tab (Playwright, Debian's chromium) and
one client tab each visit every page of ``--pages`` once, then the Overview and the next page
again, on the same server; each view's deltas (count, types in order, bytes) and requests
(count, bytes) are compared. ``tests/test_load_client.py`` asserts they are the same.

    python benchmarks/protocol_load.py --start [--users 50] [--think 15] [--ramp 60]
                                       [--duration 300] [--pages overview,risk,...]
    python benchmarks/protocol_load.py --url http://127.0.0.1:8501 [--pid PID] ...
    python benchmarks/protocol_load.py --start --server-args '--runner.postScriptGC false' ...
    python benchmarks/protocol_load.py --start --cross-check
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import stclient  # noqa: E402
from benchmarks.load import pctl  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, app_command, free_port  # noqa: E402

#: The pages a user visits: name -> URL path (the Overview is the default page, at "/").
PAGES = {"overview": "", "risk": "risk", "coverage": "coverage", "monitor": "monitor",
         "planner": "planner", "methodology": "methodology", "actions": "actions"}
FIRST_OVERVIEW = "overview (first)"
#: Seconds after a view (one user) before the server's CPU is read again: Streamlit's
#: garbage collection after a run and the sending of its messages.
SETTLE_S = 0.5
#: Where the server's CPU goes (``--py-spy``): a name and the frames that make it
#: (regular expressions on py-spy's "function (file:line)"); a sample counts once per name.
COSTS = [
    ("Streamlit's full GC after each run (runner.postScriptGC)",      # Streamlit 1.67's line
     (r"^ScriptRunner\._on_script_finished "
      r"\(streamlit/runtime/scriptrunner/script_runner\.py:1055\)")),
    ("folium / branca / Jinja2 (map HTML)", r"\((folium|branca|jinja2)/"),
    ("streamlit-folium", r"\(streamlit_folium/"),
    ("SQLAlchemy (every query)", r"\(sqlalchemy/"),
    ("the store's version tokens (a query per cached read)",
     r"^(version_token|planning_token) \("),
    ("pandas Styler (styled dataframes)", r"\(pandas/io/formats/style"),
    ("protobuf serialisation and message hashes",
     r"(SerializeToString|serialize_forward_msg|populate_hash_if_needed|calc_hash)"),
    ("st.dataframe / Arrow conversion", r"\(streamlit/(elements/arrow|dataframe_util)"),
    ("config.get_option", r"^get_option \(streamlit/config\.py"),
    ("st.secrets", r"\(streamlit/runtime/secrets\.py"),
    ("the script runs (dashboard.py, the pages and all they call)", r"\(dashboard\.py:"),
]


# --------------------------------------------------------------------------- the server
class Probe:
    """CPU seconds and resident memory (MB) of a process and its descendants."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)

    def processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def cpu(self) -> float:
        total = 0.0
        for p in self.processes():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def rss_mb(self) -> float:
        total = 0.0
        for p in self.processes():
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss / 2**20
        return total


def listening_pid(url: str) -> int:
    """The process listening on ``url``'s port on this machine."""
    port = urlsplit(url).port or 80
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return conn.pid
    raise SystemExit(f"no process of this machine listens on port {port}: give --pid")


@contextlib.contextmanager
def started_server(args: tuple[str, ...] = (), timeout: float = 240.0):
    """The README's ``streamlit run dashboard.py`` on 127.0.0.1 and a free port (with more
    command-line ``args``, e.g. ``--runner.postScriptGC false``), with a new SQLite store
    (the demonstration data loaded) in a temporary directory; yields (url, pid) once it
    answers and has warmed its caches (``ui.warm``)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="veille-protocol-load-") as tmp_name:
        tmp = Path(tmp_name)
        log_path = tmp / "server.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                app_command(port, *args), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "VEILLE_DATABASE_URL": f"sqlite:///{tmp / 'veille.sqlite'}"})
            try:
                deadline = time.monotonic() + timeout
                while True:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start: "
                                         + log_path.read_text(errors="replace")[-2000:])
                    text = log_path.read_text(errors="replace")
                    if "caches warmed" in text or "warming the caches failed" in text:
                        with contextlib.suppress(OSError), \
                                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                            if r.status == 200:
                                break
                    time.sleep(0.3)
                yield url, proc.pid
            finally:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()


# --------------------------------------------------------------------------- the load
@dataclass
class Record:
    """One page view as the report counts it."""

    page: str               # a page's name, or FIRST_OVERVIEW
    user: int
    start_s: float          # from the start of the load
    seconds: float
    map_seconds: float | None
    deltas: int
    kb: float
    errors: list[str]
    cpu_s: float | None = None      # the server's CPU during the view (one user)


@dataclass
class Load:
    """A load of ``users`` tabs on ``base`` (server tree: ``probe``); :meth:`run` it."""

    base: str
    probe: Probe
    users: int
    think: float
    ramp: float
    duration: float
    pages: list[str]
    visits: int = 0
    draw_delay: float = 0.0
    timeout: float = 120.0
    seed: int = 1
    records: list[Record] = field(default_factory=list)
    samples: list[tuple[float, float, float]] = field(default_factory=list)  # t, cpu, rss
    idle_cpu_rate: float = 0.0        # server CPU s per s, idle
    #: the warm-up tab's views (s): each page's first view in this server process
    first_views: dict = field(default_factory=dict)
    sessions_opened: int = 0
    t0: float = 0.0                   # time.perf_counter() at the start of the load
    stop_at: float = 0.0              # ... and when users stop asking for pages

    async def measured(self, user: int, session: stclient.Session, path: str | None) -> \
            stclient.View:
        """One view (``path`` None: open the tab), recorded; its server CPU with one user."""
        one = self.users == 1
        cpu0 = self.probe.cpu() if one else 0.0
        t0 = time.perf_counter()
        view = await (session.open() if path is None else session.visit(path))
        cpu = None
        if one:
            await asyncio.sleep(SETTLE_S)
            cpu = self.probe.cpu() - cpu0 - self.idle_cpu_rate * (time.perf_counter() - t0)
        name = FIRST_OVERVIEW if path is None else \
            next(n for n, p in PAGES.items() if p == path)
        self.records.append(Record(name, user, view.started - self.t0, view.seconds,
                                   view.map_seconds, view.deltas, view.bytes / 1024,
                                   view.errors, cpu))
        return view

    async def user(self, i: int, delay: float) -> None:
        rng = random.Random(self.seed * 1000 + i)
        await asyncio.sleep(delay)
        while time.perf_counter() < self.stop_at:
            session = stclient.Session(self.base, draw_delay=self.draw_delay,
                                       timeout=self.timeout)
            self.sessions_opened += 1
            try:
                view = await self.measured(i, session, None)
                current, count = "overview", 1
                while not view.fatal and (not self.visits or count < self.visits):
                    if not await self.think_time(rng):
                        break
                    current = rng.choice([p for p in self.pages if p != current] or [current])
                    view = await self.measured(i, session, PAGES[current])
                    count += 1
            finally:
                await session.close()
            if not await self.think_time(rng):
                break

    async def think_time(self, rng: random.Random) -> bool:
        """Sleep a think time; False when the load is over before it ends."""
        pause = rng.uniform(0.5 * self.think, 1.5 * self.think)
        left = self.stop_at - time.perf_counter()
        await asyncio.sleep(max(0.0, min(pause, left)))
        return pause < left

    async def sample(self, until: asyncio.Event) -> None:
        while not until.is_set():
            self.samples.append((time.perf_counter() - self.t0, self.probe.cpu(),
                                 self.probe.rss_mb()))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(until.wait(), 1.0)

    async def warm_up(self) -> None:
        """One tab through every page, unmeasured; then the server's idle CPU rate."""
        session = stclient.Session(self.base, timeout=max(self.timeout, 300))
        try:
            view = await session.open()
            self.first_views[FIRST_OVERVIEW] = view.seconds
            for page in self.pages:
                if not view.fatal and page != "overview":
                    view = await session.visit(PAGES[page])
                    self.first_views[page] = view.seconds
            if not view.fatal:
                await session.visit("")
        finally:
            await session.close()
        await asyncio.sleep(2)
        c0, t0 = self.probe.cpu(), time.perf_counter()
        await asyncio.sleep(3)
        self.idle_cpu_rate = (self.probe.cpu() - c0) / (time.perf_counter() - t0)

    async def run(self, profile_s: float = 0.0) -> dict:
        await self.warm_up()
        me = psutil.Process()
        load0 = os.getloadavg()
        client0 = sum(me.cpu_times()[:2])
        self.t0 = time.perf_counter()
        self.stop_at = self.t0 + self.ramp + self.duration
        done = asyncio.Event()
        sampler = asyncio.create_task(self.sample(done))
        profiler = asyncio.create_task(self.profile(profile_s)) if profile_s else None
        step = self.ramp / max(self.users - 1, 1) if self.users > 1 else 0.0
        await asyncio.gather(*(self.user(i, i * step) for i in range(self.users)))
        wall = time.perf_counter() - self.t0
        done.set()
        await sampler
        client_cpu = sum(me.cpu_times()[:2]) - client0
        profile = await profiler if profiler else None
        return self.report(wall, client_cpu, load0, os.getloadavg(), profile)

    async def profile(self, seconds: float) -> dict | None:
        """py-spy on the server for ``seconds`` once the ramp is over (GIL holders only)."""
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            return {"error": "py-spy is not installed (pip install py-spy)"}
        await asyncio.sleep(max(0.0, self.ramp + 5))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "stacks.txt"
            proc = await asyncio.create_subprocess_exec(
                spy, "record", "--pid", str(self.probe.root.pid), "--duration",
                str(int(seconds)), "--rate", "100", "--gil", "--format", "raw", "-o", str(out),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            _, err = await proc.communicate()
            if not out.exists():
                return {"error": err.decode(errors="replace")[-500:]}
            return summarise_stacks(out.read_text())

    # ---------------------------------------------------------------- figures
    def report(self, wall: float, client_cpu: float, load0, load1, profile) -> dict:
        by_page: dict[str, list[Record]] = collections.defaultdict(list)
        for r in self.records:
            by_page[r.page].append(r)
        order = [FIRST_OVERVIEW, *self.pages]
        pages = {}
        for name in order:
            recs = by_page.get(name, [])
            ok = [r for r in recs if not r.errors]
            times = [r.seconds for r in ok]
            after = [r.seconds for r in ok if r.start_s >= self.ramp]
            maps = [r.map_seconds for r in ok if r.map_seconds is not None]
            cpus = [r.cpu_s for r in ok if r.cpu_s is not None]
            pages[name] = {
                "views": len(recs), "errors": len(recs) - len(ok),
                "p50_s": pctl(times, 0.5) if times else None,
                "p95_s": pctl(times, 0.95) if times else None,
                "max_s": max(times) if times else None,
                "p95_after_ramp_s": pctl(after, 0.95) if after else None,
                "map_p50_s": pctl(maps, 0.5) if maps else None,
                "map_p95_s": pctl(maps, 0.95) if maps else None,
                "deltas_per_view": sum(r.deltas for r in ok) / len(ok) if ok else None,
                "kb_per_view": sum(r.kb for r in ok) / len(ok) if ok else None,
                "server_cpu_s_per_view": pctl(cpus, 0.5) if cpus else None,
                "server_cpu_s_per_view_mean": sum(cpus) / len(cpus) if cpus else None,
            }
        errors = collections.Counter(e.split(":")[0] if not e.startswith("exception")
                                     else e[:100] for r in self.records for e in r.errors)
        t, cpu, rss = zip(*self.samples) if self.samples else ((), (), ())
        window = [(t[j] - t[i], cpu[j] - cpu[i]) for i in range(len(t))
                  for j in range(i + 1, len(t)) if 9.5 <= t[j] - t[i] <= 10.5]
        server_cpu = cpu[-1] - cpu[0] if cpu else float("nan")
        views = len(self.records)
        all_times = [r.seconds for r in self.records if not r.errors]
        return {
            "users": self.users, "think_s": self.think, "ramp_s": self.ramp,
            "duration_s": self.duration, "visits_per_session": self.visits,
            "draw_delay_s": self.draw_delay, "wall_s": wall, "views": views,
            "views_per_s": views / wall if wall else None,
            "sessions_opened": self.sessions_opened,
            "errors": sum(errors.values()), "error_kinds": dict(errors.most_common(10)),
            "p95_all_s": pctl(all_times, 0.95) if all_times else None,
            "pages": pages,
            "server_cpu_pct_mean": 100 * server_cpu / (t[-1] - t[0]) if len(t) > 1 else None,
            "server_cpu_pct_peak_10s": max((100 * c / d for d, c in window), default=None),
            "server_cpu_s_per_view": server_cpu / views if views else None,
            "server_idle_cpu_pct": 100 * self.idle_cpu_rate,
            "first_views_s": dict(self.first_views),
            "rss_mb_start": rss[0] if rss else None, "rss_mb_peak": max(rss) if rss else None,
            "rss_mb_end": rss[-1] if rss else None,
            # the memory's slope once every user has arrived (flat over a long run?)
            "rss_mb_after_ramp": next((m for a, m in zip(t, rss) if a >= self.ramp), None),
            "rss_mb_per_session": (rss[-1] - rss[0]) / self.sessions_opened if rss else None,
            "client_cpu_pct": 100 * client_cpu / wall if wall else None,
            "load_average_before": list(load0), "load_average_after": list(load1),
            "cpu_count": os.cpu_count(),
            "timeline": [{"t_s": round(a, 1), "cpu_s": round(b, 2), "rss_mb": round(c, 1)}
                         for a, b, c in self.samples],
            "profile": profile,
        }


def summarise_stacks(raw: str, top: int = 15) -> dict:
    """py-spy's raw (collapsed) stacks -> inclusive shares of :data:`COSTS`, the top
    functions by inclusive and by own share (% of the samples where the server was busy)."""
    total = 0
    named = collections.Counter()
    inclusive = collections.Counter()
    own = collections.Counter()
    patterns = [(name, re.compile(rx)) for name, rx in COSTS]
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        for name, rx in patterns:
            if any(rx.search(f) for f in frames):
                named[name] += n
        for f in {re.sub(r":\d+\)$", ")", f) for f in frames}:
            inclusive[f] += n
        own[frames[-1]] += n
    if not total:
        return {"samples": 0}

    def pct(count: int) -> float:
        return round(100 * count / total, 1)

    # frames present in nearly every sample (threads' bootstrap, the run loop) say nothing
    telling = [(f, c) for f, c in inclusive.most_common() if c < 0.9 * total]
    return {"samples": total,
            "named": {name: pct(named[name]) for name, _ in COSTS},
            "inclusive": [(f, pct(c)) for f, c in telling[:top]],
            "own": [(f, pct(c)) for f, c in own.most_common(top)]}


def print_report(rep: dict) -> None:
    one = rep["users"] == 1

    def s(v, fmt="{:.2f}"):
        return "–" if v is None else fmt.format(v)

    print(f"{rep['users']} users, think {rep['think_s']:g} s, ramp {rep['ramp_s']:g} s, "
          f"{rep['duration_s']:g} s after it; {rep['wall_s']:.0f} s in all; load average "
          f"{' / '.join(f'{x:.2f}' for x in rep['load_average_before'])} before, "
          f"{' / '.join(f'{x:.2f}' for x in rep['load_average_after'])} after "
          f"({rep['cpu_count']} cores)")
    print()
    print("| page | views | p50 (s) | p95 (s) | max (s) | p95 after ramp (s) | map p50 / p95 (s) "
          "| deltas / view | KB / view | errors |" + (" server CPU s / view (median, mean) |"
                                                    if one else ""))
    print("|---|---|---|---|---|---|---|---|---|---|" + ("---|" if one else ""))
    for name, p in rep["pages"].items():
        if not p["views"]:
            continue
        maps = f"{s(p['map_p50_s'])} / {s(p['map_p95_s'])}" if p["map_p50_s"] is not None \
            else "–"
        row = (f"| {name} | {p['views']} | {s(p['p50_s'])} | {s(p['p95_s'])} | "
               f"{s(p['max_s'])} | {s(p['p95_after_ramp_s'])} | {maps} | "
               f"{s(p['deltas_per_view'], '{:.0f}')} | {s(p['kb_per_view'], '{:.0f}')} | "
               f"{p['errors']} |")
        if one:
            row += (f" {s(p['server_cpu_s_per_view'], '{:.3f}')}, "
                    f"{s(p['server_cpu_s_per_view_mean'], '{:.3f}')} |")
        print(row)
    print()
    print(f"views: {rep['views']} ({rep['views_per_s']:.2f}/s), sessions {rep['sessions_opened']}, "
          f"errors: {rep['errors']}" + (f" {rep['error_kinds']}" if rep['errors'] else ""))
    print(f"server CPU: {s(rep['server_cpu_pct_mean'], '{:.0f}')} % of a core on average, "
          f"{s(rep['server_cpu_pct_peak_10s'], '{:.0f}')} % in the busiest 10 s; "
          f"{s(rep['server_cpu_s_per_view'], '{:.3f}')} s per view (idle "
          f"{rep['server_idle_cpu_pct']:.1f} %)")
    print(f"server RSS: {s(rep['rss_mb_start'], '{:.0f}')} MB at the start, "
          f"{s(rep['rss_mb_after_ramp'], '{:.0f}')} after the ramp, "
          f"{s(rep['rss_mb_peak'], '{:.0f}')} peak, {s(rep['rss_mb_end'], '{:.0f}')} at the "
          f"end ({s(rep['rss_mb_per_session'], '{:.1f}')} MB per session opened)")
    print(f"client CPU: {s(rep['client_cpu_pct'], '{:.1f}')} % of a core")
    if rep.get("first_views_s"):
        print("first view of each page in this process (the warm-up tab, s): " + ", ".join(
            f"{name} {v:.2f}" for name, v in rep["first_views_s"].items()))
    prof = rep.get("profile")
    if prof:
        print()
        if "error" in prof or not prof.get("samples"):
            print(f"py-spy: {prof.get('error', 'no samples')}")
            return
        print(f"py-spy: {prof['samples']} samples of the busy server; inclusive shares:")
        for name, v in prof["named"].items():
            print(f"  {v:5.1f} %  {name}")
        print("  top functions, inclusive:")
        for f, v in prof["inclusive"]:
            print(f"  {v:5.1f} %  {f}")
        print("  top functions, own time:")
        for f, v in prof["own"]:
            print(f"  {v:5.1f} %  {f}")


# --------------------------------------------------------------------------- cross-check
async def _settled(frames: list, quiet: float = 1.5, timeout: float = 300.0) -> None:
    """Wait until the browser's last message in is a run's end after its last request
    out, and nothing came for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        if len(frames) != seen:
            seen, since = len(frames), time.monotonic()
        elif time.monotonic() - since >= quiet and frames and _finished(frames):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the browser's view did not finish")


def _finished(frames: list) -> bool:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    last_out = max((i for i, (d, _) in enumerate(frames) if d == "out"), default=-1)
    for direction, raw in reversed(frames[last_out + 1:]):
        msg = ForwardMsg.FromString(raw)
        if msg.WhichOneof("type") == "script_finished":
            return msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    return False


def _as_view(page: str, frames: list) -> stclient.View:
    """The frames of one browser view, cut into runs at each ``script_finished``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    view = stclient.View(page=page)
    run = stclient.Run()
    for direction, raw in frames:
        if direction == "out":
            view.sent.append(raw)
            continue
        msg = ForwardMsg.FromString(raw)
        run.messages.append((stclient.message_kind(msg), len(raw)))
        if msg.WhichOneof("type") == "script_finished":
            run.status = msg.script_finished
            view.runs.append(run)
            run = stclient.Run()
    if run.messages:
        view.runs.append(run)
    return view


async def browser_views(base: str, pages: list[str]) -> list[stclient.View]:
    """One Chromium tab: the Overview (``pages[0]``), then each page of ``pages[1:]`` by the
    sidebar's links; every WebSocket frame recorded, one :class:`stclient.View` per page."""
    from playwright.async_api import async_playwright

    frames: list[tuple[str, bytes]] = []

    def on_ws(ws):
        ws.on("framesent", lambda p: frames.append(("out", p if isinstance(p, bytes)
                                                      else p.encode())))
        ws.on("framereceived", lambda p: frames.append(("in", p if isinstance(p, bytes)
                                                         else p.encode())))

    views = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE "
                                   f"{urlsplit(base).hostname}")])
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 950})
            page.on("websocket", on_ws)
            await page.goto(base + "/")
            await _settled(frames)
            views.append(_as_view("overview", frames))
            for name in pages[1:]:
                mark = len(frames)
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{PAGES[name]}"]')
                if not await link.is_visible():      # beyond the sidebar's first items
                    await page.locator('[data-testid="stSidebarNavViewButton"]').click()
                await link.click()
                await _settled(frames)
                views.append(_as_view(name, frames[mark:]))
        finally:
            await browser.close()
    return views


async def client_views(base: str, pages: list[str]) -> list[stclient.View]:
    """The same visits by one :class:`stclient.Session`."""
    session = stclient.Session(base, timeout=300)
    try:
        views = [await session.open()]
        views[0].page = "overview"
        for name in pages[1:]:
            views.append(await session.visit(PAGES[name]))
            views[-1].page = name
    finally:
        await session.close()
    return views


def compare_views(browser: list[stclient.View], client: list[stclient.View]) -> list[dict]:
    """Per page: the deltas (count, kinds in order), bytes received, requests sent."""
    rows = []
    for b, c in zip(browser, client):
        b_kinds = [k for r in b.runs for k in r.deltas]
        c_kinds = [k for r in c.runs for k in r.deltas]
        rows.append({"page": b.page, "browser_deltas": len(b_kinds), "client_deltas":
                     len(c_kinds), "same_kinds": b_kinds == c_kinds,
                     "browser_bytes": b.bytes, "client_bytes": c.bytes,
                     "browser_requests": len(b.sent), "client_requests": len(c.sent),
                     "browser_sent_bytes": sum(map(len, b.sent)),
                     "client_sent_bytes": sum(map(len, c.sent)),
                     "browser_kinds": b_kinds, "client_kinds": c_kinds,
                     "client_errors": c.errors})
    return rows


def print_comparison(rows: list[dict]) -> None:
    print("| page | deltas: browser / client | same types in order | KB: browser / client "
          "| requests: browser / client | bytes sent: browser / client |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['page']} | {r['browser_deltas']} / {r['client_deltas']} | "
              f"{'yes' if r['same_kinds'] else 'NO'} | {r['browser_bytes'] / 1024:.1f} / "
              f"{r['client_bytes'] / 1024:.1f} | {r['browser_requests']} / "
              f"{r['client_requests']} | {r['browser_sent_bytes']} / "
              f"{r['client_sent_bytes']} |")


async def cross_check(base: str, pages: list[str]) -> list[dict]:
    """The Overview, every other page of ``pages``, then the Overview and the next page
    again (messages the tab holds come as references), in Chromium and in the client, on a
    server warmed by one client tab first (a new process's first session reruns once more,
    :func:`ui.page.leave_legacy_pages_mode`)."""
    order = ["overview", *[p for p in pages if p != "overview"]]
    order += ["overview", order[1]] if len(order) > 1 else []
    await client_views(base, order)
    browser = await browser_views(base, order)
    client = await client_views(base, order)
    return compare_views(browser, client)


# --------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="an app or stack already running")
    where.add_argument("--start", action="store_true",
                       help="start one process as the README does (demo store, temp dir)")
    parser.add_argument("--server-args", default="", metavar="ARGS",
                        help="with --start: more options for streamlit run, e.g. "
                        "'--runner.postScriptGC false' (to measure a setting)")
    parser.add_argument("--pid", type=int, help="the server process to measure (with --url; "
                        "default: the one listening on its port); its children count too")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--think", type=float, default=15.0, help="mean think time T (s)")
    parser.add_argument("--ramp", type=float, default=0.0, help="arrivals spread over (s)")
    parser.add_argument("--duration", type=float, default=120.0, help="after the ramp (s)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="comma-separated, among: " + ", ".join(PAGES))
    parser.add_argument("--visits", type=int, default=0,
                        help="views per tab before it leaves (0: stays to the end)")
    parser.add_argument("--draw-delay", type=float, default=0.0,
                        help="seconds a browser takes to draw the Overview's map alone")
    parser.add_argument("--timeout", type=float, default=120.0, help="per view (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--py-spy", type=float, default=0.0, metavar="S",
                        help="profile the server for S seconds after the ramp")
    parser.add_argument("--cross-check", action="store_true",
                        help="compare a Chromium tab's views with the client's, then exit")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := [p for p in pages if p not in PAGES]:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    if "overview" not in pages:
        pages.insert(0, "overview")

    server = started_server(tuple(shlex.split(args.server_args))) if args.start else \
        contextlib.nullcontext((args.url, args.pid))
    with server as (url, pid):
        if args.cross_check:
            rows = asyncio.run(cross_check(url, pages))
            if args.json:
                print(json.dumps(rows, indent=1))
            else:
                print_comparison(rows)
            return 0 if all(r["same_kinds"] for r in rows) else 1
        load = Load(url, Probe(pid or listening_pid(url)), args.users, args.think, args.ramp,
                    args.duration, pages, args.visits, args.draw_delay, args.timeout,
                    args.seed)
        rep = asyncio.run(load.run(args.py_spy))
    if args.json:
        rep["records"] = [asdict(r) for r in load.records]
        print(json.dumps(rep, indent=1))
    else:
        print_report(rep)
    return 0 if rep["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
