"""Command line of the forecast (to become ``python -m geo forecast`` with issue 28's CLI).

    python -m geo.forecasting --as-of 2020-06-30 --json
        [{"cercle_id", "expected_reports", "low80", "high80", "p_any", "p_severe", "rank",
          "model"}, ...]   best rank first
    python -m geo.forecasting evaluate --horizon-days 90 --json
        {"horizon_days", "origins", "as_of_range", "floor", "methods", "model",
         "calibration", "per_origin"}

Reads the configured store (``VEILLE_DATABASE_URL``); the as-of date defaults to the latest
record date. In JSON, NaN is ``null`` and an infinite score the string ``"inf"``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis import indicators
from geo.records import store
from geo.reference import units
from geo.forecasting import evaluate, model
from geo.settings import Settings


def _plain(value):
    """JSON-safe: numpy scalars to Python, NaN to None, ±inf to "inf"/"-inf"."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if math.isnan(value):
            return None
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else round(value, 6)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def rows(fc: pd.DataFrame) -> list[dict]:
    """The forecast per cercle, best rank first, as the JSON rows."""
    out = []
    for cercle, r in fc.sort_values(["rank", "expected_reports"], na_position="last"
                                    ).iterrows():
        out.append(_plain({"cercle_id": cercle, "expected_reports": r["expected_reports"],
                           "low80": r["low80"], "high80": r["high80"], "p_any": r["p_any"],
                           "p_severe": r["p_severe"], "rank": r["rank"],
                           "model": fc.attrs["model"]}))
        if out[-1]["rank"] is not None:
            out[-1]["rank"] = int(out[-1]["rank"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.forecasting",
                                     description="Forecast of tension reports per cercle.")
    parser.add_argument("command", nargs="?", choices=["forecast", "evaluate"],
                        default="forecast")
    parser.add_argument("--as-of", type=date.fromisoformat)
    parser.add_argument("--horizon-days", type=int, choices=model.HORIZONS,
                        default=model.DEFAULT_HORIZON)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    engine = store.make_engine(Settings.from_environment().database_url)
    tensions = store.load_records(engine, "tensions")
    cercles = units.load_cercles().index
    neighbours = pd.read_csv(units.DATA_DIR / "mali_cercle_neighbours.csv", comment="#")
    indent = None if args.json else 2
    if args.command == "evaluate":
        result = evaluate.evaluate(tensions, cercles, neighbours, args.horizon_days)
        if not args.json:
            result = {k: v for k, v in result.items() if k != "per_origin"}
        print(json.dumps(_plain(result), indent=indent))
        return 0
    as_of = args.as_of or indicators.default_as_of({"tensions": tensions})
    fc = model.Forecaster(tensions, cercles, neighbours).forecast(as_of, args.horizon_days)
    print(json.dumps(rows(fc), indent=indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
