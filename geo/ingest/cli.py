"""Command line: ``python -m geo.ingest KIND FILE [--dry-run] [--json] [--lang fr|en]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.settings import Settings
from geo.records import store
from geo.i18n import t
from geo.records import access
from geo.ingest.importer import import_file
from geo.ingest.report import ImportRefused
from geo.records.fields import KINDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.ingest",
                                     description="Import field records into Veille's store.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError:
        print(t("ingest.refused.file_unreadable", args.lang, file=args.file), file=sys.stderr)
        return 2
    try:
        engine = store.make_engine(Settings.from_environment().database_url)
        report = import_file(engine, args.kind, data, args.file.name, dry_run=args.dry_run,
                             actor=access.operator())
    except ImportRefused as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(args.lang), ensure_ascii=False))
    else:
        print(t("ingest.summary", args.lang, rows=report.rows, accepted=report.accepted,
                rejected=report.rejected, duplicates=report.duplicates,
                warnings=report.warnings))
        for row, reasons, _ in report.rejections:
            print(f"  {row}: " + " ; ".join(r.text(args.lang) for r in reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
