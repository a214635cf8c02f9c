"""Access control costs: the role resolution every page load does, and the audit log's
screen query on a busy log.

    .venv/bin/python benchmarks/access.py [--entries 100000]
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import access, audit, roles, store  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'access.sqlite'}")
        admin = roles.operator()
        for i in range(200):
            access.set_role(engine, f"user{i}@example.org", roles.ROLES[i % 3], admin)
        claims = {"sub": "s-150", "email": "user150@example.org"}
        runs = timed(lambda: access.resolve(claims, engine), 500)
        print(f"role resolution from the table (200 entries): median "
              f"{1000 * statistics.median(runs):.2f} ms, max {1000 * max(runs):.2f} ms")
        now = datetime.now(timezone.utc)
        row = {"at": now, "subject": "s", "user_label": "a@example.org", "role": "analyst",
               "action": "rate", "target": "intercommunal", "records": "[]",
               "details": '{"ratings": 1}'}
        with store.writing(engine) as conn:
            store.bulk_insert(conn, store.audit_log, [row] * args.entries)
        runs = timed(lambda: (audit.count(engine), audit.entries(engine, limit=1000)), 5)
        print(f"audit screen (count + newest 1,000), {args.entries:,} entries: median "
              f"{1000 * statistics.median(runs):.1f} ms")
        runs = timed(lambda: audit.entries(engine), 3)
        print(f"audit CSV (every entry, made on click): median "
              f"{statistics.median(runs):.2f} s")
        runs = timed(lambda: audit.entries(engine, users=["nobody"]), 5)
        print(f"audit screen query filtered to one user: median "
              f"{1000 * statistics.median(runs):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
