"""Browser load time and app memory, against a real `streamlit run` in Debian's Chromium
with every non-local request blocked. Prints figures; asserts nothing.

Budgets (issue 2): navigation -> all 50 cercles drawn <= 2.5 s with the app already started;
resident memory of the app after visiting every page <= 300 MB. The Risk and Coverage maps
are timed the same way.

    python benchmarks/app_browser.py [--runs 7]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import offline_page, running_app, wait_for_cercles  # noqa: E402

PAGES = ["/", "/risk", "/coverage", "/methodology", "/data", "/provenance"]
#: Pages with a cercle map whose load time is measured too.
MAP_PAGES = ["/risk", "/coverage"]


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with running_app() as (url, proc):
        print(f"app RSS after start: {rss_mb(proc.pid):.0f} MB")
        for intercept, label in [(False, "browser cache on (a returning user)"),
                                 (True, "browser cache off (Playwright interception)")]:
            with offline_page(url, intercept=intercept) as (page, blocked):
                t0 = time.perf_counter()
                page.goto(url)
                wait_for_cercles(page)
                first = time.perf_counter() - t0
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    page.goto(url)
                    n = wait_for_cercles(page)
                    times.append(time.perf_counter() - t0)
                print(f"{label}: first load {first:.2f} s; navigation -> {n} cercles drawn, "
                      f"{args.runs} runs: median {statistics.median(times):.2f} s, "
                      f"min {min(times):.2f} s, max {max(times):.2f} s; "
                      f"requests to other hosts: {len(blocked)}")
        with offline_page(url, intercept=False) as (page, blocked):
            for path in MAP_PAGES:
                page.goto(url + path)
                wait_for_cercles(page)
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    page.goto(url + path)
                    wait_for_cercles(page)
                    times.append(time.perf_counter() - t0)
                print(f"{path}: navigation -> 50 cercles drawn, median "
                      f"{statistics.median(times):.2f} s, max {max(times):.2f} s (cache on)")
        loads = (2 + len(MAP_PAGES)) * (args.runs + 1)
        print(f"app RSS after the timing runs ({loads} page loads; Streamlit keeps each "
              f"disconnected session for 2 minutes): {rss_mb(proc.pid):.0f} MB")
    # The budget: one user visiting every page of a freshly started app.
    with running_app() as (url, proc), offline_page(url) as (page, blocked):
        for path in PAGES:
            page.goto(url + path)
            page.wait_for_selector("h1", timeout=30000)
            page.wait_for_timeout(3000)
        page.goto(url + "/?cercle=mli-mopti")
        wait_for_cercles(page)
        page.get_by_role("radio", name="English").check(force=True)
        page.wait_for_timeout(2000)
        print(f"app RSS after one user visited every page: {rss_mb(proc.pid):.0f} MB "
              f"(budget 300 MB)")


if __name__ == "__main__":
    main()
