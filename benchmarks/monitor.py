"""The tensions monitor's budgets (issue 17). Prints figures; asserts nothing.

* Gi* hot spots, 999 permutations: 50 cercles and 701 communes <= 1 s each;
* the emerging hot spot analysis over 36 months <= 5 s;
* the monitor page with 100,000 reports in the store <= 3 s to its first table (a real
  ``streamlit run`` in Debian's Chromium).

    python benchmarks/monitor.py [--rows 100000] [--runs 3] [--no-browser]
"""

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import roles, store
from geo import ingest, reference
from geo.analysis import monitor  # noqa: E402

AS_OF = date(2022, 12, 31)
CATEGORIES = ["clash", "intimidation", "hate_speech", "intercommunal", "protest",
              "armed_group", "electoral_attack", "other"]


def make_csv(rows: int, seed: int = 7) -> bytes:
    """``rows`` reports over 2020–2022 in every cercle (more in the centre), half of them at
    a commune's point (so that communes have reports too)."""
    rng = np.random.default_rng(seed)
    ref = reference.load()
    cercles = ref.cercles["cercle_fr"].to_numpy()
    weight = np.where(ref.cercles["region_id"].isin(["ML05", "ML04"]), 4.0, 1.0)
    weight /= weight.sum()
    pts = ref.points["commune"]
    commune_xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["report_id", "occurred_on", "cercle", "latitude", "longitude",
                     "location_precision", "category", "severity", "source_type",
                     "verification"])
    days = rng.integers(0, 3 * 365, rows)
    which = rng.choice(len(cercles), rows, p=weight)
    at_commune = rng.random(rows) < 0.5
    commune = rng.integers(0, len(commune_xy), rows)
    for i in range(rows):
        day = date.fromordinal(date(2020, 1, 1).toordinal() + int(days[i]))
        if at_commune[i]:
            lon, lat = commune_xy[commune[i]]
            place = ["", f"{lat:.5f}", f"{lon:.5f}", "exact"]
        else:
            place = [cercles[which[i]], "", "", "cercle"]
        writer.writerow([f"B{i}", day.isoformat(), *place, CATEGORIES[i % 8], i % 5 + 1,
                         "mediator", "verified" if i % 3 else "unverified"])
    return out.getvalue().encode("utf-8")


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def page_figures(url: str, runs: int) -> None:
    from tests.support import offline_page, running_app

    env = {"VEILLE_DATABASE_URL": url, "VEILLE_DEMO": "0"}
    with running_app(env=env, timeout=120) as (base, _proc):
        with offline_page(base, viewport=(1400, 1000)) as (page, blocked):
            times = []
            for run in range(runs + 1):
                t0 = time.perf_counter()
                page.goto(f"{base}/monitor")
                page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60000)
                times.append(time.perf_counter() - t0)
                if run == 0:
                    print(f"monitor page, first visit after the start: {times[0]:.2f} s to the "
                          "first table")
            print(f"monitor page, warm: median {statistics.median(times[1:]):.2f} s, "
                  f"min {min(times[1:]):.2f} s to the first table ({runs} runs)")
            floor = []
            for _ in range(runs):
                t0 = time.perf_counter()
                page.goto(f"{base}/provenance")
                page.locator('[data-testid="stTable"]').first.wait_for(timeout=60000)
                floor.append(time.perf_counter() - t0)
            print(f"for scale, the Sources page (one small table): median "
                  f"{statistics.median(floor):.2f} s")
            t0 = time.perf_counter()
            page.goto(f"{base}/monitor?section=hotspots")
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60000)
            print(f"hot spot section (first computation): {time.perf_counter() - t0:.2f} s")
            assert not blocked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/monitor.sqlite"
        engine = store.make_engine(url)
        t0 = time.perf_counter()
        report = ingest.import_file(engine, "tensions", make_csv(args.rows), "bench.csv",
                                    actor=roles.operator())
        print(f"store: {report.accepted:,} reports stored ({report.rejected} rejected) in "
              f"{time.perf_counter() - t0:.1f} s")
        tensions = store.load_records(engine, "tensions")
        monitor.hotspots(tensions, AS_OF, 90)              # imports esda, builds the weights
        monitor.hotspots(tensions, AS_OF, 90, level="commune")
        for level in ("cercle", "commune"):
            best, median = timed(lambda: monitor.hotspots(tensions, AS_OF, 90, level=level),
                                 args.runs)
            print(f"Gi* hot spots, {level}s, 999 permutations, 90 days of {len(tensions):,} "
                  f"reports: median {median:.2f} s, min {best:.2f} s")
        best, median = timed(lambda: monitor.emerging(tensions, AS_OF, 36), args.runs)
        result = monitor.emerging(tensions, AS_OF, 36)
        found = result["category"].value_counts().to_dict()
        print(f"emerging hot spots, 50 cercles x 36 months: median {median:.2f} s, "
              f"min {best:.2f} s ({found})")
        best, median = timed(lambda: monitor.alerts(tensions, AS_OF), args.runs)
        print(f"alerts (14 and 30 days): median {median * 1000:.0f} ms")
        if not args.no_browser and os.access("/usr/bin/chromium", os.X_OK):
            page_figures(url, args.runs)


if __name__ == "__main__":
    main()
