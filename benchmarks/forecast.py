"""The forecast's budgets (issue 29): the app recomputes the indicator table (with the
forecast) per view and as-of date, so one forecast of the 50 cercles must take < 0.5 s; the
Methodology page's evaluation is cached, but it should stay well within a page's patience.
Measured on the demonstration store (the app's path: reports known at the date, observation
weights, neighbours) and on a large generated history.

    .venv/bin/python benchmarks/forecast.py [--reports 100000]

Prints figures; asserts nothing. Timings are of this machine (shared, 2 cores): indicative.
"""

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.analysis import backtest, table  # noqa: E402
from geo.analysis.indicators import reference_indicators  # noqa: E402
from geo.ingest import demo, synthetic  # noqa: E402
from geo.records import store  # noqa: E402


def timed(label: str, run, repeat: int = 3):
    """The best of ``repeat`` runs (fresh objects each time), printed."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    print(f"  {label}: {best:.3f} s (best of {repeat})")
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    reference = reference_indicators()
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{tmp}/demo.sqlite")
        demo.ensure_initialised(engine)
        records = store.load_all(engine)
    as_of = date(2022, 12, 28)
    print(f"demonstration store: {len(records['tensions']):,} reports, as of {as_of}")

    def one_forecast():
        known = table.observed_records(records, reference["n_communes"], as_of)
        return table.forecaster(known, reference).forecast(as_of)

    fc = timed("one forecast, 50 cercles, fresh forecaster (budget 0.5 s)", one_forecast)
    print(f"    model {fc.attrs['model']}, {fc.attrs['training_origins']} training origins")
    timed("the whole indicator table of a view, forecast included",
          lambda: table.cercle_indicators(records, as_of=as_of))
    ev = timed("the rolling evaluation, 90 days (cached by the page)",
               lambda: backtest.forecast_evaluation(records, 90), repeat=1)
    print(f"    {ev['origins']} origins {ev['as_of_range'][0]} … {ev['as_of_range'][1]}")
    timed("the score's back-test on the same origins (cached by the page)",
          lambda: backtest.backtest(records, horizon_days=90), repeat=1)

    cercles = reference[["region_id"]]
    big = synthetic.history(1, cercles, date(2012, 1, 1), date(2021, 12, 31), args.reports)
    print(f"\ngenerated history: {len(big):,} reports, {big['occurred_on'].min()} to "
          f"{big['occurred_on'].max()}")
    timed("one forecast, 50 cercles, fresh forecaster",
          lambda: table.forecaster({"tensions": big}, reference).forecast(date(2021, 6, 30)))
    ev = timed("the rolling evaluation, 90 days", lambda: backtest.evaluate(
        None, None, forecaster=table.forecaster({"tensions": big}, reference)), repeat=1)
    print(f"    {ev['origins']} origins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
