"""Risk score speed on the demonstration store (budgets: full recomputation for the 50 cercles
after a weight change <= 50 ms; sensitivity analysis with 1,000 draws <= 3 s). Prints figures;
asserts nothing.

    python benchmarks/risk_score.py [--runs 200] [--as-of 2018-08-31]

"Recomputation after a weight change" is what the Risk page does when a slider moves: the
indicator table is cached (it depends on the store and the window, not on weights), so it is
scoring (normalise, dimensions, aggregate, classes, ranks), the selected cercle's explanation
and the download table. Building the indicator table from the store is reported too.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.ingest import demo
from geo.outputs import export
from geo.analysis import backtest, risk, robustness
from geo.records import store  # noqa: E402
from tests.support import indicator_table  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def summary(name: str, seconds: list[float], budget: float | None = None) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    line = f"{name:52s} median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms"
    if budget:
        line += f"   (budget {budget:g} ms)"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        demo.ensure_initialised(engine)
        summary("indicator table from the store (once per window)",
                timed(lambda: indicator_table(engine, args.as_of), 10))
        table = indicator_table(engine, args.as_of)
        as_of = table.attrs["as_of"]
        base = risk.method_for(table)
        weights = [0.5, 1.0, 1.5, 2.0, 3.0]

        def after_weight_change(k=[0]):
            k[0] += 1
            method = base.replace(dimension_weights={"hazard": weights[k[0] % 5],
                                                     "vulnerability": 1.0, "coping": 1.0})
            scores = risk.score(table, method)
            risk.explain(table, method, scores, "mli-mopti")
            export.risk_frame(table, scores, {"preset": "default", "method": method,
                                              "unverified_weight": 0.5})

        print(f"as of {as_of}: {len(table)} cercles, {len(base.indicators)} indicators")
        summary("score only", timed(lambda: risk.score(table, base), args.runs))
        summary("weight change: score + explanation + download", timed(
            after_weight_change, args.runs), 50)
        summary("sensitivity, 1,000 draws", timed(
            lambda: robustness.sensitivity(table, base, draws=1000), 7), 3000)
        summary("sensitivity, 10,000 draws", timed(
            lambda: robustness.sensitivity(table, base, draws=10000), 2))
        start = time.perf_counter()
        bt = backtest.backtest(store.load_all(engine), method=base)
        print(f"back-test, {len(bt)} dates (91-day steps, 90-day horizon): "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
