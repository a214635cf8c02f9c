"""Coverage speed (budget: recomputation for all communes and mediators <= 1 s). Prints
figures; asserts nothing.

    python benchmarks/coverage.py [--runs 20] [--extra 20000]

Measured on the demonstration store (1,424 mediators placed at their communes) and with
``--extra`` synthetic mediators at random coordinates inside Mali added (every one its own
point, the worst case for the nearest-neighbour search).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import reference
from geo.analysis import coverage
from geo.ingest import demo
from geo.records import store
from geo.reference import units  # noqa: E402

REF = reference.load()       # the shipped units, zones and points


def timed(fn, runs):
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out) * 1000, max(out) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--extra", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        demo.ensure_initialised(engine)
        records = {k: store.load_records(engine, k) for k in ("mediators", "workshops")}
    coverage.compute(records, ref=REF)                          # reference data loaded once
    med, worst = timed(lambda: coverage.compute(records, ref=REF), args.runs)
    print(f"coverage, 701 communes, {len(records['mediators'])} mediators: "
          f"median {med:.0f} ms, max {worst:.0f} ms (budget 1000 ms)")

    rng = np.random.default_rng(1)
    mali = shapely.union_all(units.load_cercles().geometry.values)
    minx, miny, maxx, maxy = mali.bounds
    xs, ys = [], []
    while len(xs) < args.extra:
        x, y = rng.uniform(minx, maxx, 4096), rng.uniform(miny, maxy, 4096)
        inside = shapely.contains_xy(mali, x, y)
        xs.extend(x[inside])
        ys.extend(y[inside])
    extra = pd.DataFrame({"cercle_id": "mli-mopti", "commune_id": None, "status": "active",
                          "latitude": ys[:args.extra], "longitude": xs[:args.extra]})
    big = {**records, "mediators": pd.concat([records["mediators"], extra], ignore_index=True)}
    med, worst = timed(lambda: coverage.compute(big, ref=REF), max(3, args.runs // 4))
    print(f"coverage, 701 communes, {len(big['mediators'])} mediators (with coordinates): "
          f"median {med:.0f} ms, max {worst:.0f} ms")



if __name__ == "__main__":
    main()
