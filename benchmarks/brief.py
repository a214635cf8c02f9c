"""The brief's budget (issue 16): ≤ 15 s and ≤ 5 MB, both formats, on the demonstration
store (1,780 reports), default view at the latest date and at 2018-08-31.

    .venv/bin/python benchmarks/brief.py
"""

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.outputs import brief
from geo.ingest import demo
from geo.analysis import risk
from geo.records import store  # noqa: E402
from geo.analysis.view import Analysis  # noqa: E402
from tests.support import indicator_table  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{Path(tmp) / 'b.sqlite'}")
        demo.ensure_initialised(engine)
        for as_of in (None, date(2018, 8, 31)):
            view = None
            if as_of:
                table = indicator_table(engine, as_of)
                view = Analysis.default(risk.method_for(table)).replace(as_of=as_of)
            t0 = time.perf_counter()
            made = brief.build(engine, view, "fr")
            built = time.perf_counter() - t0
            for fmt in ("pdf", "html"):
                t1 = time.perf_counter()
                data = brief.render(made, fmt)
                took = time.perf_counter() - t1
                print(f"as of {made.as_of}: {fmt.upper():4s} {len(data) / 2**20:.2f} MB, "
                      f"{built + took:.2f} s (content {built:.2f} s + layout {took:.2f} s) "
                      "— budget 15 s, 5 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
