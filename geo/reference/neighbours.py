"""Which cercles touch: queen contiguity of the 50 cercles, computed once by ``libpysal`` and
shipped as ``data/mali_cercle_neighbours.csv`` (``python -m geo neighbours`` writes it; a test
checks it), so the app reads a file rather than loading libpysal and scipy."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo.reference import units

NEIGHBOURS_FILE = units.DATA_DIR / "mali_cercle_neighbours.csv"


def queen_pairs() -> pd.DataFrame:
    """Queen contiguity of the 50 cercles computed by ``libpysal`` from the boundaries: one
    row per (cercle, neighbour), as shipped in :data:`NEIGHBOURS_FILE`."""
    from libpysal.weights import Queen

    w = Queen.from_dataframe(units.load_cercles(), use_index=True, silence_warnings=True)
    return pd.DataFrame(sorted((c, n) for c, ns in w.neighbors.items() for n in ns),
                        columns=["cercle_id", "neighbour_id"])



@lru_cache(maxsize=1)
def _pairs() -> pd.DataFrame:
    return pd.read_csv(NEIGHBOURS_FILE, comment="#")



def cercle_weights(order=None) -> np.ndarray:
    """Row-standardised queen contiguity, rows and columns in ``order`` (default: the
    reference table's); a unit that is not a cercle (a hand-made test table) has no
    neighbours."""
    order = list(units.load_cercles().index if order is None else order)
    position = {c: i for i, c in enumerate(order)}
    w = np.zeros((len(order), len(order)))
    for c, n in _pairs().itertuples(index=False):
        if c in position and n in position:
            w[position[c], position[n]] = 1.0
    rows = w.sum(axis=1, keepdims=True)
    return np.divide(w, rows, out=np.zeros_like(w), where=rows > 0)


def write_neighbours_file() -> None:
    """Write :data:`NEIGHBOURS_FILE` from :func:`queen_pairs` (after a boundary change)."""
    with open(NEIGHBOURS_FILE, "w", encoding="utf-8", newline="") as out:
        out.write("# Queen contiguity of the 50 cercles (libpysal, geoBoundaries 2017): "
                  "python -m geo neighbours\n")
        queen_pairs().to_csv(out, index=False, lineterminator="\n")
