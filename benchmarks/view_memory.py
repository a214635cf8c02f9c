"""What a series of distinct views costs one app process in memory (issue 27: "a viewer
chooses how much memory the server spends"): tabs of Streamlit's own protocol
(:mod:`benchmarks.stclient`) each open one page with a link of its own — an as-of date and a
window never asked before — one after the other, and the server's resident memory (its
process tree) is read after each ten, at the peak, and once every tab has closed and the
process has been left alone ``--quiet`` seconds (default 150: past Streamlit's
``server.disconnectedSessionTTL`` of 120 s, after which a closed tab's session is dropped at
the next change of sessions), and once more after one more visitor.

``--far``: the dates are the issue's far ones (years 2100 to 6000, then 0001…): each is
moved to the nearest end of the data (``geo.analysis.view.as_of_range``), so they cost what
one view does. Without it the dates are spread over the data's range, every one distinct:
the caches (``max_entries``, ``ttl``: ``ui.data.CACHE_TTL``) are what bounds the memory.

    python benchmarks/view_memory.py [--views 50] [--far] [--same] [--quiet 150]
                                     [--pages risk,overview,coverage,monitor]
    python benchmarks/view_memory.py --url http://127.0.0.1:8501 [--pid PID] ...

Figures on a shared two-core machine are indicative only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import stclient  # noqa: E402
from benchmarks.protocol_load import Probe, listening_pid, started_server  # noqa: E402

PAGES = ("risk", "overview", "coverage", "monitor")
#: The demonstration data's range (``as_of_range`` of a new store's demo).
FIRST, LAST = date(2015, 1, 6), date(2023, 3, 27)


def links(n: int, far: bool, same: bool = False) -> list[str]:
    """``n`` distinct links (``asof``, ``win``); with ``same``, ``n`` times the first (the
    control: what each tab costs whatever it asks)."""
    if same:
        return links(1, far) * n
    out = []
    for i in range(n):
        if far:
            day = date(2100 + 80 * i, 1, 1) if i % 5 else date(1, 1 + i // 5, 2)
        else:
            day = FIRST + timedelta(days=(LAST - FIRST).days * (i + 1) // (n + 1))
        out.append(f"asof={day.isoformat()}&win={30 + 13 * i}")
    return out


async def run(url: str, probe: Probe, views: int, far: bool, pages: list[str],
              quiet: float, same: bool = False, settle: float = 5.0) -> dict:
    warm = stclient.Session(url, timeout=300)
    await warm.open()                               # the first visitor's view
    await warm.close()
    await asyncio.sleep(2)
    base = probe.rss_mb()
    samples, seconds, errors, peak = [], [], 0, base
    for i, query in enumerate(links(views, far, same)):
        page = pages[i % len(pages)]
        tab = stclient.Session(url, timeout=300)
        view = await tab.open("" if page == "overview" else page, query)
        await tab.close()
        seconds.append(view.seconds)
        errors += bool(view.errors)
        peak = max(peak, probe.rss_mb())
        if (i + 1) % 10 == 0:
            samples.append((i + 1, probe.rss_mb()))
    await asyncio.sleep(quiet)
    after = probe.rss_mb()
    # Streamlit drops a closed tab's session on its next change of sessions once
    # server.disconnectedSessionTTL (120 s) has passed: one more visitor
    tab = stclient.Session(url, timeout=300)
    await tab.open()
    await tab.close()
    await asyncio.sleep(settle)
    return {"base": base, "samples": samples, "peak": peak, "after": after,
            "next": probe.rss_mb(), "seconds": seconds, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("--pid", type=int, help="with --url: the server process")
    parser.add_argument("--views", type=int, default=50)
    parser.add_argument("--far", action="store_true", help="the issue's far dates")
    parser.add_argument("--same", action="store_true",
                        help="the control: every tab asks the same link")
    parser.add_argument("--quiet", type=float, default=150.0,
                        help="seconds left alone after the last tab closed")
    parser.add_argument("--settle", type=float, default=70.0,
                        help="seconds after the one more visitor before the last reading "
                        "(the app hands freed memory back every minute: ui.server)")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--server-args", default="", metavar="ARGS",
                        help="more options for streamlit run, e.g. "
                        "'--server.disconnectedSessionTTL 5'")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    server = contextlib.nullcontext((args.url, args.pid)) if args.url else \
        started_server(tuple(shlex.split(args.server_args)))
    t0 = time.perf_counter()
    with server as (url, pid):
        rep = asyncio.run(run(url, Probe(pid or listening_pid(url)), args.views, args.far,
                              pages, args.quiet, args.same, args.settle))
    seconds = sorted(rep["seconds"])
    kind = "the same view" if args.same else "distinct views"
    print(f"{args.views} {kind} ({'far dates' if args.far else 'dates in the data'}; "
          f"pages {', '.join(pages)}), one tab each, in {time.perf_counter() - t0:.0f} s; "
          f"errors {rep['errors']}")
    print(f"view time: median {seconds[len(seconds) // 2]:.2f} s, max {seconds[-1]:.2f} s")
    print(f"RSS (MB): after the first view {rep['base']:.0f}")
    for n, rss in rep["samples"]:
        print(f"  after {n:3d} views {rss:7.0f}  ({rss - rep['base']:+.0f})")
    print(f"  peak {rep['peak']:.0f} ({rep['peak'] - rep['base']:+.0f}); "
          f"{args.quiet:.0f} s after the last tab closed {rep['after']:.0f} "
          f"({rep['after'] - rep['base']:+.0f}); {args.settle:.0f} s after one more visitor "
          f"{rep['next']:.0f} "
          f"({rep['next'] - rep['base']:+.0f})")
    return 0 if rep["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
