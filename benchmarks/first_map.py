"""The home map: Veille against its two peers, side by side in one run (issue 18).

- **typical**: the same map as a typical Streamlit + folium app builds it
  (``benchmarks/peers/typical.py``: files and store read on every run, raw geometry, one
  marker per report point, no caching);
- **bare**: the stack's floor, the same layers as Veille's home map drawn by ``st_folium``
  and nothing else (``benchmarks/peers/bare.py``);
- **veille**: the README's ``streamlit run dashboard.py``, the Overview.

All three read one demo store (its 1,684 counted report points) and run with Veille's
``.streamlit/config.toml``. Times are from navigation to the 50 cercles drawn in the map
frame, in Debian's Chromium with no request intercepted (Playwright's per-request routing
adds ~0.8 s to a page load and hides the differences; other hosts simply do not resolve),
apps visited in alternating order, medians reported:

- *first visit after a start*: each server freshly started (``--starts`` times), given a
  few seconds (Veille warms its caches then: :mod:`ui.warm`), visited by a new browser;
- *new user*: a new browser context (empty cache) on a warm server;
- *warm visit*: the same browser loading the page again.

Budgets: Veille's warm visit within 0.15 s of the bare page's and >= 3x faster than the
typical build's; a new user within 0.2 s of the bare page; the first visit after a start
<= 2.2 s.

    python benchmarks/first_map.py [--runs 7] [--starts 3]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import offline_page, running_app, wait_for_cercles  # noqa: E402

PEERS = Path(__file__).resolve().parent / "peers"
APPS = ("typical", "bare", "veille")
#: Seconds a freshly started server is left alone before its first visitor.
SETTLE_S = 8.0


def prepare(tmp: Path) -> tuple[str, dict[str, Path]]:
    """One demo store for all; each peer script in a folder of its own beside links to
    Veille's ``static/`` (Leaflet) and ``.streamlit/`` (the same server settings)."""
    from geo.ingest import demo
    from geo.records import store

    url = f"sqlite:///{tmp}/demo.sqlite"
    engine = store.make_engine(url)
    demo.ensure_initialised(engine)
    engine.dispose()
    dirs = {}
    for name in ("typical", "bare"):
        folder = tmp / name
        folder.mkdir()
        shutil.copy(PEERS / f"{name}.py", folder / f"{name}.py")
        (folder / "static").symlink_to(ROOT / "static")
        (folder / ".streamlit").symlink_to(ROOT / ".streamlit")
        dirs[name] = folder
    return url, dirs


@contextlib.contextmanager
def started(url: str, dirs: dict[str, Path]):
    """The three servers, started together; yields {name: base URL}."""
    env = {"VEILLE_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    with contextlib.ExitStack() as stack:
        urls = {}
        for name in APPS:
            if name == "veille":
                base, _proc = stack.enter_context(running_app(env=env))
            else:
                base, _proc = stack.enter_context(running_app(
                    env=env, script=dirs[name] / f"{name}.py", cwd=dirs[name]))
            urls[name] = base
        yield urls


def timed_visit(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    try:
        wait_for_cercles(page, timeout_ms=60000)
    except Exception as exc:
        page.screenshot(path="/tmp/failed.png")
        raise RuntimeError(f"no map drawn at {url}") from exc
    return time.perf_counter() - t0


def visit_new(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        return timed_visit(context.new_page(), url)
    finally:
        context.close()


def summary(values: list[float]) -> str:
    return (f"{statistics.median(values):5.2f} s  ({min(values):.2f}–{max(values):.2f}, "
            f"n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    first = {a: [] for a in APPS}
    new = {a: [] for a in APPS}
    warm = {a: [] for a in APPS}
    with tempfile.TemporaryDirectory() as tmp:
        store_url, dirs = prepare(Path(tmp))
        for start in range(args.starts):
            with started(store_url, dirs) as urls:
                time.sleep(SETTLE_S)
                with offline_page(urls["veille"], intercept=False) as (page, blocked):
                    order = APPS[start % 3:] + APPS[:start % 3]
                    for name in order:
                        first[name].append(visit_new(page.context.browser, urls[name]))
                    if start < args.starts - 1:
                        continue
                    pages = {}
                    for name in APPS:          # one returning browser per app
                        pages[name] = page.context.browser.new_context(
                            viewport={"width": 1400, "height": 950}).new_page()
                        timed_visit(pages[name], urls[name])
                    for run in range(args.runs):
                        order = APPS[run % 3:] + APPS[:run % 3]
                        for name in order:
                            new[name].append(visit_new(page.context.browser, urls[name]))
                        for name in order:
                            warm[name].append(timed_visit(pages[name], urls[name]))
                    assert not blocked, blocked
    print("navigation -> 50 cercles drawn (median, range):")
    print(f"{'':28s}" + "".join(f"{a:>30s}" for a in APPS))
    for label, data in (("first visit after a start", first), ("new user, warm server", new),
                        ("warm visit", warm)):
        print(f"{label:28s}" + "".join(f"{summary(data[a]):>30s}" for a in APPS))
    med = {k: {a: statistics.median(v[a]) for a in APPS}
           for k, v in (("first", first), ("new", new), ("warm", warm))}
    print(f"\nVeille's warm visit - bare page's: {med['warm']['veille'] - med['warm']['bare']:+.2f} s"
          f" (budget <= 0.15); typical / Veille: "
          f"{med['warm']['typical'] / med['warm']['veille']:.1f}x (budget >= 3)")
    print(f"new user, Veille - bare: {med['new']['veille'] - med['new']['bare']:+.2f} s "
          f"(budget <= 0.2); first visit after a start: {med['first']['veille']:.2f} s "
          f"(budget <= 2.2; bare {med['first']['bare']:.2f} s)")


if __name__ == "__main__":
    main()
