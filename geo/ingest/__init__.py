"""Import field records from real-world files: read, map headers, validate, locate, store.

Every data row ends in exactly one of three outcomes — *accepted* (stored), *rejected* (kept
with the batch together with all its reasons) or *duplicate* (already stored, identical) — so
``accepted + rejected + duplicates == rows`` always. A whole import is one transaction: if
anything fails midway the store is left exactly as it was. A file whose columns reveal personal
data (names, phone numbers, e-mail addresses) is refused whole and nothing from it is stored.

Command line::

    python -m geo.ingest KIND FILE [--dry-run] [--json] [--lang fr|en]

KIND is ``workshops``, ``mediators`` or ``tensions``. Exit status 0 when the file was read
(rejected rows included), 2 with a one-line message when it cannot be read or is refused.

The package, one module per job: :mod:`~geo.ingest.read` (files into a table, bounded),
:mod:`~geo.ingest.headers` (personal-data screen, header mapping), :mod:`~geo.ingest.formats`
(one module per source format: Veille/French/Kobo, ACLED, UCDP, HXL), :mod:`~geo.ingest.parse`
(values), :mod:`~geo.ingest.place` (gazetteer, point-in-polygon, boundary reforms),
:mod:`~geo.ingest.rows` (validating and placing rows), :mod:`~geo.ingest.importer` (the transaction) and
:mod:`~geo.ingest.cli`.
"""

from geo.ingest.headers import map_headers, normalise_header, screen_values
from geo.ingest.importer import import_file, import_frame, row_hash
from geo.ingest.formats import FIELD_EARLIEST as EARLIEST
from geo.ingest.parse import parse_date, parse_number
from geo.ingest.place import Locator
from geo.ingest.read import (MAX_CELLS, MAX_COLUMNS, MAX_ROWS, READ_SECONDS, ROW_PROBLEM,
                             read_table)
from geo.ingest.report import ImportRefused, ImportReport, Reason, reason, rejected_rows
from geo.ingest.rows import RowResult, validate
from geo.ingest.formats import severity_from_fatalities

__all__ = ["EARLIEST", "ImportRefused", "ImportReport", "Locator", "MAX_CELLS", "MAX_COLUMNS",
           "MAX_ROWS", "READ_SECONDS", "ROW_PROBLEM", "Reason", "RowResult", "import_file",
           "import_frame", "map_headers", "normalise_header", "parse_date", "parse_number",
           "read_table", "reason", "rejected_rows", "row_hash", "screen_values", "severity_from_fatalities",
           "validate"]
