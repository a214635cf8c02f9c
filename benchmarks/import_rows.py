"""Import speed: N tension rows parsed, validated, located and stored (budget: 100,000 rows
in <= 5 s on SQLite). Prints figures; asserts nothing.

    python benchmarks/import_rows.py [--rows 100000] [--url postgresql+psycopg://...]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import roles, store
from geo import ingest  # noqa: E402


def make_csv(rows: int, prefix: str = "R") -> bytes:
    """Every canonical column; a third of the rows placed by coordinates (decimal commas),
    the rest by cercle names in various spellings; ~4 % outside Mali (rejected). Report ids
    are ``prefix`` and the row number."""
    lines = ["report_id;occurred_on;reported_on;region;cercle;commune;latitude;longitude;"
             "location_precision;category;severity;fatalities;injuries;source_type;verification;"
             "status;summary"]
    cercles = ["Mopti", "Djenné", "Timbuktu", "Gao", "Ségou", "Bandiagara", "Kidal", "Koro"]
    for i in range(rows):
        day = (i % 28) + 1
        if i % 3 == 0:
            lat = f"{13.5 + (i % 40) / 10:.4f}".replace(".", ",")
            lon = f"{-5.5 + (i % 50) / 10:.4f}".replace(".", ",")
            place, precision = f";;;{lat};{lon}", "exact"
        else:
            place, precision = f";{cercles[i % len(cercles)]};;;", "cercle"
        lines.append(f"{prefix}{i};{day:02d}/07/2018;{day + 1:02d}/07/2018;{place};{precision};"
                     f"Affrontement;{i % 5 + 1};{i % 3};{i % 4};mediator;unverified;open;"
                     f"ligne {i}")
    return "\n".join(lines).encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=None, help="SQLAlchemy URL (default: temp SQLite)")
    args = parser.parse_args()
    data = make_csv(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/bench.sqlite"
        engine = store.make_engine(url)
        with store.writing(engine) as conn:  # a clean table for a repeatable figure
            conn.execute(store.TABLES["tensions"].delete())
        t0 = time.perf_counter()
        locator = ingest.Locator()
        t_loc = time.perf_counter() - t0
        t0 = time.perf_counter()
        frame, numbers = ingest.read_table(data, "bench.csv")
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = ingest.import_file(engine, "tensions", data, "bench.csv", locator=locator,
                                    actor=roles.operator())
        total = time.perf_counter() - t0
        print(f"{engine.dialect.name}: {report.rows:,} rows ({len(data) / 1e6:.1f} MB, cp1252, ';',"
              f" decimal commas) -> {report.accepted:,} accepted, {report.rejected:,} rejected "
              f"in {total:.2f} s (read alone {t_read:.2f} s; reference data {t_loc:.2f} s, "
              f"loaded once per process)")
        t0 = time.perf_counter()
        again = ingest.import_file(engine, "tensions", data, "bench.csv", locator=locator,
                                   actor=roles.operator())
        print(f"re-import of the same file: {again.duplicates:,} duplicates, "
              f"{again.accepted} added, in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
