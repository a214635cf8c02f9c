"""The triggers' back-test over a large history (issue 30; budget ≤ 2 s over 100,000
reports): a seeded synthetic history of N reports over ten years in the 50 cercles (a few
cercles hotter, bursts), then each kind of trigger run over it — a 14- and a 30-day baseline
alert, a 99 % hot spot (every day, the monitor's permutation test), and a forecast trigger on
the demonstration store (its history of forecasts is the costly part: one indicator table
per evaluation day) — timed first (imports and one-off set-up included) and again.

    .venv/bin/python benchmarks/triggers.py [--reports 100000] [--no-forecast]
"""

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import reference  # noqa: E402
from geo.analysis import triggers as rules  # noqa: E402
from geo.records.triggers import Trigger  # noqa: E402


def history(n: int, seed: int = 30) -> pd.DataFrame:
    """``n`` reports from 2013 to 2022 in the 50 cercles: a base rate per cercle (some ten
    times hotter, the region of Mopti five times: a cluster), and bursts of a few weeks."""
    rng = np.random.default_rng(seed)
    units = reference.load().cercles
    cercles = units.index.to_numpy()
    weight = rng.gamma(0.6, 1.0, len(cercles)) * np.where(units["region_id"] == "ML05", 5, 1)
    first, days = date(2013, 1, 1), 3650
    burst = rng.integers(0, days, 200)
    cercle = rng.choice(len(cercles), n, p=weight / weight.sum())
    day = rng.integers(0, days, n)
    bursty = rng.random(n) < 0.3
    day[bursty] = (burst[rng.integers(0, len(burst), bursty.sum())]
                   + rng.integers(0, 21, bursty.sum())).clip(0, days - 1)
    return pd.DataFrame({"report_id": np.arange(n).astype(str),
                         "occurred_on": [first + timedelta(days=int(d)) for d in day],
                         "cercle_id": cercles[cercle], "commune_id": None, "region_id": None,
                         "category": "other", "severity": rng.integers(1, 6, n),
                         "verification": "unverified"})


def trigger(kind: str, **extra) -> Trigger:
    return Trigger(1, kind, kind, extra.get("window"), extra.get("threshold"), (), 30,
                   "severe", {"kind": "dialogue", "unit": "civil_affairs", "delay_days": 7},
                   True, False, "benchmark", None, 1)


def timed(label: str, run) -> None:
    for attempt in ("first", "again"):
        t0 = time.perf_counter()
        result = run()
        print(f"{label} ({attempt}): {time.perf_counter() - t0:.2f} s — {result.fired} "
              f"firings, hit rate {result.hit_rate:.0%} against a base rate of "
              f"{result.base_rate:.0%}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--no-forecast", action="store_true")
    args = parser.parse_args()
    reports = history(args.reports)
    regions = reference.load().cercles["region_id"].to_dict()
    print(f"{len(reports):,} reports, {reports['occurred_on'].min()} – "
          f"{reports['occurred_on'].max()}, {reports['cercle_id'].nunique()} cercles")
    for window in (14, 30):
        timed(f"baseline {window} days, every day of nine years",
              lambda w=window: rules.backtest(trigger("baseline", window=w), reports, regions))
    timed("99 % hot spot, every day of nine years",
          lambda: rules.backtest(trigger("hotspot"), reports, regions))
    if not args.no_forecast:
        forecast_on_demo(regions)
    return 0


def forecast_on_demo(regions: dict) -> None:
    """A forecast trigger on the demonstration store (1,780 reports, 2015–2022): its forecast
    history (one indicator table every 90 days), then the back-test."""
    from geo.analysis import monitor
    from geo.ingest import demo
    from geo.records import store

    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'f.sqlite'}")
        demo.ensure_initialised(engine)
        records = store.load_all(engine)
    counted = monitor.reports_up_to(records["tensions"], date(2022, 12, 27))
    t0 = time.perf_counter()
    days = rules.forecast_days(counted["day"].min().date(), date(2022, 12, 27), 90)
    p_severe = rules.forecast_history(records, days)
    took = time.perf_counter() - t0
    t0 = time.perf_counter()
    bt = rules.backtest(trigger("forecast", threshold=0.3), records["tensions"], regions,
                        p_severe=p_severe)
    print(f"forecast p > 0.3 on the demo: its history of {len(days)} forecasts {took:.2f} s, "
          f"the back-test {time.perf_counter() - t0:.2f} s — {bt.fired} firings, hit rate "
          f"{bt.hit_rate:.0%} against a base rate of {bt.base_rate:.0%}")


if __name__ == "__main__":
    sys.exit(main())
