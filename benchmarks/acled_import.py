"""Real-file imports: an ACLED-shaped file built from ACLED's codebook (every column, both
date styles, dyadic rows, HDX's HXL row, events back to 1997, names of the 2016/2023 region
reforms), imported into an empty store; prints rows, accepted, rejected by reason,
duplicates and the time. Asserts nothing.

    python benchmarks/acled_import.py [--events 5000]
"""

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import roles, store
from geo import ingest  # noqa: E402
from tests.acled_like import acled_csv, acled_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    rows = acled_rows(args.events)
    locator = ingest.Locator()
    for style, hxl in (("export", False), ("iso", True)):
        data = acled_csv(rows, style, hxl)
        with tempfile.TemporaryDirectory() as tmp:
            engine = store.make_engine(f"sqlite:///{tmp}/b.sqlite")
            start = time.perf_counter()
            rep = ingest.import_file(engine, "tensions", data, "acled.csv", locator=locator,
                                     actor=roles.operator())
            seconds = time.perf_counter() - start
        reasons = collections.Counter(r.code for _, rs, _ in rep.rejections for r in rs)
        warnings = collections.Counter(w.code for _, ws in rep.row_warnings for w in ws)
        pre2012 = sum(r["event_date"].year < 2012 for r in rows)
        print(f"ACLED {'HDX (ISO dates, HXL row)' if hxl else 'export tool (31 December 2020)'}: "
              f"{rep.rows:,} rows ({args.events:,} events, {rep.rows - args.events:,} dyadic "
              f"repeats, {pre2012:,} rows before 2012) -> {rep.accepted:,} accepted, "
              f"{rep.rejected:,} rejected {dict(reasons)}, {rep.duplicates:,} duplicates, "
              f"HXL row {'recognised' if rep.hxl_row else 'none'}; warnings {dict(warnings)}; "
              f"{seconds:.2f} s")


if __name__ == "__main__":
    main()
