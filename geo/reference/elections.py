"""The national election rounds since 2013 (``data/mali_elections.csv``, an editable table):
the monitor's trend charts, the demonstration history's surges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from geo.reference import units

ELECTIONS_FILE = units.DATA_DIR / "mali_elections.csv"


def elections(path: Path = ELECTIONS_FILE) -> list[date]:
    """National election dates (every round), from the editable table."""
    table = pd.read_csv(path, comment="#")
    return sorted(date.fromisoformat(str(d)) for d in table["date"])
