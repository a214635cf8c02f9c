"""The forecast's budgets (issue 14): fitting and forecasting the 50 cercles at one date
(≤ 2 s), and the full rolling evaluation over eight years of quarterly dates with 100,000
reports in the store (≤ 60 s), presets included.

    .venv/bin/python benchmarks/forecast.py [--reports 100000]
"""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.ingest import demo
from geo.analysis import backtest, forecast, indicators  # noqa: E402
from geo.reference import neighbours  # noqa: E402


def history(n_reports: int, seed: int = 1) -> pd.DataFrame:
    """About ``n_reports`` reports over 2013–2022 from the demonstration's spreading process."""
    reference = indicators.reference_indicators()
    weights = neighbours.cercle_weights(reference.index)
    rng = np.random.default_rng(seed)
    months = 120
    base = np.sqrt(reference["population"].to_numpy() / 1e5)
    base *= n_reports / months / base.sum() * 0.25        # the process adds about 3x
    counts = demo.spreading_counts(rng, base, weights, months).astype(int)
    cell, month = np.nonzero(counts)
    reps = counts[cell, month]
    cell, month = np.repeat(cell, reps), np.repeat(month, reps)
    start = np.datetime64("2013-01-01")
    day = start + (month * 30.44 + rng.random(len(cell)) * 30).astype(int)
    n = len(cell)
    return pd.DataFrame({
        "cercle_id": reference.index[cell], "occurred_on": pd.to_datetime(day).date,
        "severity": rng.integers(1, 6, n), "fatalities": rng.poisson(0.5, n),
        "injuries": rng.poisson(0.5, n), "verification": "verified",
        "source_type": "mediator", "category": "clash"})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    tensions = history(args.reports)
    print(f"history: {len(tensions):,} reports, {tensions['occurred_on'].min()} to "
          f"{tensions['occurred_on'].max()} ({time.perf_counter() - t0:.1f} s to generate)")
    records = {"tensions": tensions,
               "workshops": pd.DataFrame(columns=["cercle_id", "start_date", "participants"]),
               "mediators": pd.DataFrame(columns=["cercle_id", "commune_id", "status",
                                                  "trained_on"])}
    neighbours.cercle_weights()                       # libpysal's import, once per process
    t0 = time.perf_counter()
    f = forecast.forecaster(records)
    fc = f.forecast(date(2022, 6, 30))
    one = time.perf_counter() - t0
    print(f"fit + forecast of the 50 cercles at one date: {one:.2f} s "
          f"({fc.attrs['trained_rows']:,} training rows; budget 2 s)")
    for model in ("glm", "hgb"):
        t0 = time.perf_counter()
        result = backtest.evaluate(records, 90, model=model, presets=model == "glm")
        took = time.perf_counter() - t0
        print(f"rolling evaluation ({model}{', presets' if model == 'glm' else ''}): "
              f"{result['dates']} quarterly dates {result['as_of_range'][0]} to "
              f"{result['as_of_range'][1]}: {took:.1f} s"
              + (" (budget 60 s)" if model == "glm" else ""))
        for m in ("forecast", "persistence", "decayed"):
            print(f"  {m:12s} {result[m]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
