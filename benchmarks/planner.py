"""The planner's budget (issue 15): all 701 communes as demand and candidates, the 1,424
demonstration mediators fixed, 30 km: MCLP for N = 50 (≤ 10 s) and N = 200, against a greedy
heuristic (the optimality gap).

    .venv/bin/python benchmarks/planner.py
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import coverage, demo, planner, reference, store  # noqa: E402


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
        records = {"mediators": store.load_records(engine, "mediators")}
    ref = reference.load()
    pts = ref.points["commune"]
    weights = ref.commune_population.reindex(ref.communes.index).to_numpy(dtype=float)
    zones = coverage.mediator_points(records["mediators"], ref)[["lon", "lat"]].drop_duplicates()
    sites = np.vstack([zones.to_numpy(dtype=float), np.column_stack([pts.x, pts.y])])
    existing = np.r_[np.ones(len(zones), bool), np.zeros(len(pts), bool)]
    cost = planner._km(np.column_stack([pts.x, pts.y]), sites)
    print(f"{len(pts)} demand points, {len(pts)} candidates, {len(zones)} existing sites "
          f"({len(records['mediators'])} mediators)")
    for new in (50, 200):
        t0 = time.perf_counter()
        chosen, status = planner.solve(cost, weights, existing, new, 30.0)
        took = time.perf_counter() - t0
        best = planner.covered(cost, weights, chosen, 30.0)
        heuristic = greedy(cost, weights, existing, new, 30.0)
        print(f"MCLP N={new}, 30 km: {took:.2f} s ({status}); covered {best:,.0f}; greedy "
              f"{heuristic:,.0f} (gap {100 * (best - heuristic) / best:.2f} %)"
              + (" — budget 10 s" if new == 50 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
