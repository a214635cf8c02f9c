"""The planner's budget (issues 15 and 30): all 701 communes as demand and candidates, the
1,424 demonstration mediators fixed, 30 km: MCLP for N = 50 (≤ 10 s) and N = 200, against a
greedy heuristic (the optimality gap); p-median N = 50; the same N = 50 solve in the spawned
child the screen uses; the workshop rule; one whole plan (50 mediators and 6 workshops: the
solve, the marginal gains, the distance bands) as the screen and the command line make it,
and the command line timed whole, start-up included (budget ≤ 10 s); and the app's memory
before and after a plan run in the browser (the solver's memory leaves with the child).

    .venv/bin/python benchmarks/planner.py [--no-app]
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.analysis import coverage
from geo.ingest import demo
from geo.plans import planner
from geo import reference
from geo.records import store  # noqa: E402

REF = reference.load()       # the shipped units, zones and points


def greedy(cost, weights, existing, new, radius):
    open_ = existing.copy()
    reach = cost <= radius
    covered = reach[:, open_].any(axis=1) if open_.any() else np.zeros(len(cost), bool)
    for _ in range(new):
        gains = (weights[:, None] * (reach & ~covered[:, None])).sum(axis=0)
        gains[open_] = -1
        j = int(np.argmax(gains))
        open_[j] = True
        covered |= reach[:, j]
    return float(weights[covered].sum())


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'p.sqlite'}")
        demo.ensure_initialised(engine)
        records = {kind: store.load_records(engine, kind) for kind in ("mediators",
                                                                        "workshops")}
    ref = reference.load()
    pts = ref.points["commune"]
    weights = ref.commune_population.reindex(ref.communes.index).to_numpy(dtype=float)
    zones = coverage.mediator_points(records["mediators"], ref)[["lon", "lat"]].drop_duplicates()
    sites = np.vstack([zones.to_numpy(dtype=float), np.column_stack([pts.x, pts.y])])
    existing = np.r_[np.ones(len(zones), bool), np.zeros(len(pts), bool)]
    cost = planner._km(np.column_stack([pts.x, pts.y]), sites)
    print(f"{len(pts)} demand points, {len(pts)} candidates, {len(zones)} existing sites "
          f"({len(records['mediators'])} mediators)")
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--no-app", action="store_true")
    args = parser.parse_args()
    for new in (50, 200):
        t0 = time.perf_counter()
        chosen, status = planner.solve(cost, weights, existing, new, 30.0)
        took = time.perf_counter() - t0
        best = planner.covered(cost, weights, chosen, 30.0)
        heuristic = greedy(cost, weights, existing, new, 30.0)
        print(f"MCLP N={new}, 30 km: {took:.2f} s ({status}); covered {best:,.0f}; greedy "
              f"{heuristic:,.0f} (gap {100 * (best - heuristic) / best:.2f} %)"
              + (" — budget 10 s" if new == 50 else ""))
    t0 = time.perf_counter()
    chosen, status = planner.solve(cost, weights, existing, 50, 30.0, isolated=True)
    print(f"MCLP N=50 in a child interpreter (the screen's way): {time.perf_counter() - t0:.2f} s "
          f"({status})")
    t0 = time.perf_counter()
    chosen, status = planner.solve(cost, weights, existing, 50, 30.0, "pmedian")
    print(f"p-median N=50: {time.perf_counter() - t0:.2f} s ({status})")
    scores = __import__("pandas").Series(5.0, index=ref.cercles.index)
    t0 = time.perf_counter()
    planner.plan_workshops({}, 6, scores, __import__("datetime").date(2022, 12, 1), ref=REF)
    print(f"workshops K=6: {1000 * (time.perf_counter() - t0):.1f} ms")
    scores5 = __import__("pandas").Series(5.0, index=ref.cercles.index)
    for isolated in (False, True):
        t0 = time.perf_counter()
        both = planner.deploy(records, new=50, workshops=6, radius_km=30.0, scores=scores5,
                              as_of=__import__("datetime").date(2022, 12, 27),
                              isolated=isolated, ref=REF)
        print(f"one plan, 50 mediators + 6 workshops{' (child interpreter)' if isolated else ''}: "
              f"{time.perf_counter() - t0:.2f} s; {len(both.mediators.sites)} useful sites, "
              f"covered {both.mediators.covered_before:,} → {both.mediators.covered_after:,}")
    command_line()
    if not args.no_app:
        app_memory()
    return 0


def command_line() -> None:
    """``python -m geo plan --new 50 --workshops 6 --radius-km 30 --json`` timed whole (a
    fresh interpreter: imports, the store, the indicator table, the solve, the output)."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'cli.sqlite'}"
        demo.ensure_initialised(store.make_engine(url))
        env = {**os.environ, "VEILLE_DATABASE_URL": url}
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "geo", "plan", "--new", "50", "--workshops",
                            "6", "--radius-km", "30", "--json"], cwd=root, env=env,
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    print(f"python -m geo plan --new 50 --workshops 6 --radius-km 30 --json, whole: "
          f"{', '.join(f'{x:.1f}' for x in times)} s (budget 10 s)")


def app_memory() -> None:
    import psutil

    from tests.support import offline_page, running_app

    with running_app() as (url, proc), offline_page(url) as (page, _blocked):
        page.goto(f"{url}/planner")
        page.get_by_role("button", name="Calculer").wait_for(timeout=60000)
        page.wait_for_timeout(1000)
        before = psutil.Process(proc.pid).memory_info().rss / 2**20
        t0 = time.perf_counter()
        page.get_by_role("button", name="Calculer").click()
        page.get_by_text("Population couverte après").first.wait_for(timeout=120000)
        took = time.perf_counter() - t0
        page.wait_for_timeout(1000)
        after = psutil.Process(proc.pid).memory_info().rss / 2**20
        print(f"app RSS on the Planner page: {before:.0f} MB; after a plan run (N=50, in the "
              f"browser, {took:.1f} s to the figures): {after:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
