"""App memory (issue 18): a freshly started ``streamlit run dashboard.py`` after one user
has visited every screen (budget 250 MB), each further session (budget 15 MB), and what
holds the rest (the ledger: the same libraries and data loaded step by step in a new
interpreter). Prints figures; asserts nothing.

The user opens the Overview, goes through every other screen by the sidebar's links (one
Streamlit session, as in use), switches to English, and opens the presentation screen
(which has no sidebar) last; each screen is given time to finish. Then ``--sessions`` more
browser contexts, one after the other, each open the Overview, the Risk and the Coverage
pages, and stay open while the app's resident memory is read.

    python benchmarks/memory.py [--sessions 10] [--malloc-arena-max N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import SCREENS  # noqa: E402
from tests.support import (CERCLE_PATHS, offline_page, running_app,  # noqa: E402
                           wait_for_cercles)

#: Seconds each screen is given once its title is shown (its map, tables and charts).
SETTLE_S = 2.5

#: The ledger: what a Veille process loads, step by step (label, code run in a fresh
#: interpreter; RSS read after each).
LEDGER = [
    ("Python interpreter", ""),
    ("Streamlit (Tornado, protobuf, PyArrow)", "import streamlit, pyarrow, streamlit.web.server"),
    ("pandas, NumPy", "import pandas, numpy"),
    ("GeoPandas, Shapely, pyproj (PROJ database)",
     "import geopandas, shapely, pyproj; pyproj.Transformer.from_crs(4326, 32630)"),
    ("folium, branca, Jinja2, streamlit-folium", "import folium, branca, jinja2, streamlit_folium"),
    ("SQLAlchemy, psycopg", "import sqlalchemy, psycopg"),
    ("Veille's own modules", "import geo.outputs.maps, geo.analysis.risk, geo.analysis.coverage, geo.analysis.indicators, "
     "geo.analysis.forecast, geo.analysis.monitor, geo.outputs.brief, geo.ingest, "
     "geo.outputs.export, geo.plans.planner, geo.outputs.static_maps"),
    ("reference data: boundaries (full and display), communes, reference points",
     "from geo import reference; from geo.reference import units; units.load_cercles(); units.load_communes(); "
     "units.display_cercles(); units.display_regions(); units.display_communes(); "
     "reference.load()"),
    ("the demo store's records and the default view's tables",
     "from geo.records import context, store; from geo.ingest import demo; "
     "from geo.analysis.table import cercle_indicators; e = store.make_engine(URL); "
     "demo.ensure_initialised(e); cercle_indicators(store.load_all(e), context.ratings(e))"),
    # on demand only: a process loads them when a user asks for what needs them
    ("on demand: SciPy (the monitor's trends and hot spots)",
     "import scipy.stats, scipy.sparse, pymannkendall"),
    ("on demand: libpysal, esda (hot spots)", "import libpysal.weights, esda"),
    ("on demand: Matplotlib (the brief's static maps)",
     "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot"),
    ("on demand: WeasyPrint (the brief's PDF)", "import weasyprint"),
    ("not loaded by the app: scikit-learn (esda and spopt need it), Altair",
     "import sklearn.ensemble, altair"),
]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def ledger(url: str) -> list[tuple[str, float]]:
    """Each step's resident memory added, measured in one new interpreter."""
    code = textwrap.dedent(f"""
        import json, os, sys, warnings
        warnings.filterwarnings("ignore")
        sys.path.insert(0, {str(ROOT)!r})
        import psutil
        URL = {url!r}
        out = []
        for label, step in {[(label, step) for label, step in LEDGER]!r}:
            exec(step)
            out.append((label, psutil.Process().memory_info().rss / 2**20))
        print(json.dumps(out))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    steps = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    rows, before = [], 0.0
    for label, total in steps:
        rows.append((label, total - before))
        before = total
    return rows


def visit_every_screen(page, url: str, pid: int) -> list[tuple[str, float]]:
    """One user, one session: every screen of the sidebar, then English, then the
    presentation screen; each screen visited and the app's RSS after it."""
    page.goto(url + "/")
    wait_for_cercles(page, timeout_ms=60000)
    page.wait_for_timeout(SETTLE_S * 1000)
    seen = [("overview", rss_mb(pid))]
    for name, _permission in SCREENS:
        if name in ("overview", "present"):
            continue
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').click()
        page.wait_for_url(f"**/{name}*", timeout=30000)
        page.locator("h1").first.wait_for(timeout=60000)
        page.wait_for_timeout(SETTLE_S * 1000)
        seen.append((name, rss_mb(pid)))
    page.get_by_role("radio", name="English").check(force=True)
    page.wait_for_timeout(SETTLE_S * 1000)
    seen.append(("English", rss_mb(pid)))
    page.goto(url + "/present")
    page.wait_for_function("(sel) => { const f = document.querySelector("
                           "'iframe[title=\"streamlit_folium.st_folium\"]'); return f && "
                           "f.contentDocument && f.contentDocument.querySelectorAll(sel)"
                           ".length >= 50; }", arg=CERCLE_PATHS, timeout=60000)
    page.wait_for_timeout(SETTLE_S * 1000)
    return seen + [("present", rss_mb(pid))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--malloc-arena-max", type=int, default=None,
                        help="run the app with MALLOC_ARENA_MAX set (glibc's malloc arenas)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="veille-memory-"))
    try:
        url = f"sqlite:///{tmp}/demo.sqlite"
        env = {"VEILLE_DATABASE_URL": url}
        if args.malloc_arena_max:
            env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
        with running_app(env=env) as (base, proc):
            time.sleep(8)                    # the caches warmed at start (ui.warm)
            started = rss_mb(proc.pid)
            with offline_page(base, intercept=False) as (page, blocked):
                seen = visit_every_screen(page, base, proc.pid)
                time.sleep(1)
                after_user = rss_mb(proc.pid)
                browser = page.context.browser
                contexts = []
                for _ in range(args.sessions):
                    context = browser.new_context(viewport={"width": 1400, "height": 950})
                    other = context.new_page()
                    other.goto(base + "/")
                    wait_for_cercles(other, timeout_ms=60000)
                    for name in ("risk", "coverage"):      # by the links: one session
                        other.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]'
                                      ).click()
                        other.wait_for_url(f"**/{name}*", timeout=30000)
                        other.locator("h1").first.wait_for(timeout=60000)
                        other.wait_for_timeout(SETTLE_S * 1000)
                    contexts.append(context)
                time.sleep(2)
                after_sessions = rss_mb(proc.pid)
                for context in contexts:
                    context.close()
            arenas = f" (MALLOC_ARENA_MAX={args.malloc_arena_max})" \
                if args.malloc_arena_max else ""
            print(f"app RSS{arenas}: {started:.0f} MB once started and warmed; "
                  f"{after_user:.0f} MB after one user visited every screen "
                  f"(budget 250 MB); "
                  f"{after_sessions:.0f} MB with {args.sessions} more sessions, one after "
                  f"the other, each on the Overview, Risk and Coverage: {(after_sessions - after_user) / args.sessions:.1f} MB per "
                  f"session (budget 15 MB); requests to other hosts: {len(blocked)}")
        print("the app's RSS after each screen of the one user's visit: " + ", ".join(
            f"{name} {mb:.0f}" for name, mb in seen))
        print("\nwhat a Veille process holds, loaded step by step in a new interpreter:")
        rows = ledger(url)
        for label, added in rows:
            print(f"  {added:6.0f} MB  {label}")
        always = sum(a for label, a in rows if not label.startswith(("on demand", "not ")))
        print(f"  {always:6.0f} MB  loaded by every process (the rest of its RSS: Streamlit's "
              f"sessions, the caches, threads' stacks, the allocator's free lists)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
