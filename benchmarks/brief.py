"""The brief's budget (issue 31): ≤ 8 s from the click, ≤ 2 MB, ≤ 6 pages, PDF and HTML,
with the default content, on the demonstration store.

Two paths: the command line (everything computed, cold) and the app's (the view's and the
previous period's indicator tables come from the app's cache, as when a user looks at the
view); each prints content, HTML and PDF times and the PDF's size and pages.

    .venv/bin/python benchmarks/brief.py
"""

import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.outputs import brief  # noqa: E402
from geo.ingest import demo  # noqa: E402
from geo.analysis import risk  # noqa: E402
from geo.records import store  # noqa: E402
from geo.analysis.view import Analysis  # noqa: E402
from tests.support import indicator_table  # noqa: E402


def _pages(pdf: bytes, tmp: Path) -> int:
    path = tmp / "b.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def _one(engine, view, lang, tables, label, tmp) -> None:
    t0 = time.perf_counter()
    made = brief.build(engine, view, lang, tables=tables)
    built = time.perf_counter() - t0
    html = brief.render(made, "html")
    t_html = time.perf_counter() - t0 - built
    pdf = brief.render(made, "pdf")
    total = time.perf_counter() - t0
    print(f"{label:30s} {lang}: {total:5.2f} s (content {built:.2f} + HTML {t_html:.2f} + "
          f"PDF {total - built - t_html:.2f}); PDF {len(pdf) / 2**20:.2f} MB, "
          f"{_pages(pdf, tmp)} pages; HTML {len(html) / 2**20:.2f} MB — budget 8 s, 2 MB, 6 pages")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        engine = store.make_engine(f"sqlite:///{tmp / 'b.sqlite'}")
        demo.ensure_initialised(engine)
        table = indicator_table(engine)
        as_of = table.attrs["as_of"]
        view = Analysis.default(risk.method_for(table)).replace(as_of=as_of)
        prev = indicator_table(engine, as_of - timedelta(days=view.window_days))
        for lang in ("fr", "en"):
            _one(engine, view, lang, None, "command line (all computed)", tmp)
            _one(engine, view, lang, (table, prev), "app (view's tables cached)", tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
