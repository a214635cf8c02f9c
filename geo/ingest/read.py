"""Reading files into a table, within bounds: CSV, XLSX, GeoJSON (points)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from geo.ingest.formats import hxl as hxl_format
from geo.ingest.report import ImportRefused, Reason, reason


#: Reading limits: a file beyond them is refused with a clear message, never half read.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000
#: XLSX: the sum of the declared uncompressed sizes of the archive's members (bytes), the
#: largest compression ratio of one member, and the number of members.
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_MEMBERS = 2_000
#: Seconds a reader may take before the file is refused as too slow to read.
READ_SECONDS = 60.0
#: Largest CSV cell (characters).
MAX_CSV_FIELD = 1_000_000
#: Helper column set by the readers: a problem of the row itself (too many cells, a
#: non-point or invalid geometry), turned into a rejection reason by :func:`validate`.
ROW_PROBLEM = "__row_problem__"


def decode(data: bytes) -> tuple[str, list[Reason]]:
    """Text of a file, and file-level notices.

    UTF-8 (with or without BOM), UTF-16 LE/BE (with a BOM, or recognised by its zero bytes:
    Excel's "Texte Unicode"), else Windows-1252. A file that is UTF-8 but for some lines
    (a line pasted from a Windows-1252 file) is decoded line by line, and a notice names the
    lines decoded as Windows-1252 — never a whole file of mojibake.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), []
    else:
        head = data[:4096]
        if len(head) >= 4 and head.count(0) > len(head) // 4:     # UTF-16 without a BOM
            odd_zeros = head[1::2].count(0) > head[0::2].count(0)
            return _strict(data, "utf-16-le" if odd_zeros else "utf-16-be"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    if not _UTF8_SEQUENCE.search(data):       # no UTF-8 accent anywhere: a Windows-1252 file
        return data.decode("cp1252", errors="replace"), []
    lines = data.split(b"\n")
    texts, foreign, utf8_accents = [], [], False
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8")
            utf8_accents = utf8_accents or not line.isascii()
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
            foreign.append(number)
        texts.append(text)
    if utf8_accents:        # UTF-8 lines and Windows-1252 lines: say which were which
        return "\n".join(texts), [reason("mixed_encoding", lines=_ranges(foreign))]
    return data.decode("cp1252", errors="replace"), []


#: A multi-byte UTF-8 sequence (an accented letter written in UTF-8).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused("encoding") from exc


def _ranges(numbers: list[int], most: int = 12) -> str:
    """``[3, 4, 5, 9]`` → ``"3–5, 9"`` (at most ``most`` items, then "…")."""
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}–{prev}" if prev > start else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}–{prev}" if prev > start else str(start))
    return ", ".join(out[:most]) + (" …" if len(out) > most else "")


def _sniff_separator(text: str) -> str:
    header = text.splitlines()[0] if text else ""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _check_size(rows: int, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", columns=columns, max=MAX_COLUMNS)
    if rows > MAX_ROWS:
        raise ImportRefused("too_many_rows", rows=rows, max=MAX_ROWS)
    if rows * max(columns, 1) > MAX_CELLS:
        raise ImportRefused("too_many_cells", cells=rows * columns, max=MAX_CELLS)


def _frame_from_rows(header: list, rows: list[list], problems: list,
                     dtype=object, fill=None) -> pd.DataFrame:
    """A frame of ``rows`` under ``header`` (short rows padded with ``fill``, long ones cut:
    their problem is in ``problems``, one entry per row, None when the row is well formed)."""
    width = len(header)
    cells = [r[:width] if len(r) >= width else [*r, *([fill] * (width - len(r)))]
             for r in rows]
    frame = pd.DataFrame(cells, columns=[str(h) for h in header], dtype=dtype) \
        if cells else pd.DataFrame(columns=[str(h) for h in header], dtype=dtype)
    if any(p is not None for p in problems):
        frame[ROW_PROBLEM] = problems
    return frame


def _read_csv(data: bytes) -> pd.DataFrame:
    """A CSV as text columns. pandas' C reader reads a well-formed file; a file with a row
    longer than its header is read again row by row (:mod:`csv`), so that only that row is
    rejected, with the number of its cells."""
    text, notices = decode(data)
    if not text.strip():
        raise ImportRefused("empty")
    sep = _sniff_separator(text)
    if len(text) < 2**31:
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL,
                                on_bad_lines="error", engine="c")
        except (pd.errors.ParserError, ValueError, OverflowError):
            pass
        else:
            if isinstance(frame.index, pd.RangeIndex):   # no implicit index column
                _check_size(len(frame), len(frame.columns))
                frame.attrs["notices"] = notices
                return frame
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
        rows, problems = [], []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportRefused("too_many_rows", rows=f"> {MAX_ROWS}", max=MAX_ROWS)
            problems.append(reason("too_many_cells", cells=len(row), columns=len(header))
                            if len(row) > len(header) and any(c.strip() for c in
                                                              row[len(header):]) else None)
            rows.append(row)
    except csv.Error as exc:
        raise ImportRefused("csv_unreadable", line=reader.line_num) from exc
    _check_size(len(rows), len(header))
    # text columns (pandas' string dtype: stripped and tested vectorised); empty cells are
    # empty strings, as with pandas' own reader and keep_default_na=False
    frame = _frame_from_rows(header, rows, problems, dtype=str, fill="")
    frame.attrs["notices"] = notices
    return frame


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet of a workbook, read with every size bounded before it is read.

    The archive's declared sizes (which :mod:`zipfile` enforces while reading) and the
    sheet's declared dimension are checked first, so a zip bomb or a single cell at
    ``XFD1048576`` is refused in milliseconds; the sheet is then streamed (openpyxl's
    read-only mode) within :data:`MAX_ROWS` × :data:`MAX_COLUMNS` and :data:`READ_SECONDS`.
    """
    import time
    import zipfile

    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("xlsx_unreadable") from exc
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportRefused("xlsx_bomb")
    total = sum(m.file_size for m in members)
    ratios = [m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1_000_000]
    if total > MAX_XLSX_UNCOMPRESSED or any(r > MAX_XLSX_RATIO for r in ratios):
        raise ImportRefused("xlsx_bomb")
    deadline = time.monotonic() + READ_SECONDS
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        declared_rows, declared_cols = sheet.max_row, sheet.max_column
        if declared_rows and declared_cols:
            _check_size(declared_rows - 1, declared_cols)
        rows = []
        for n, row in enumerate(sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 2,
                                                max_col=MAX_COLUMNS + 1, values_only=True)):
            if n % 1000 == 0 and time.monotonic() > deadline:
                raise ImportRefused("too_slow", seconds=int(READ_SECONDS))
            rows.append(list(row))
        book.close()
    except ImportRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error means "cannot be read"
        raise ImportRefused("xlsx_unreadable") from exc
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused("empty")
    header = rows[0]
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header = header[:-1]
    if any(len(r) > MAX_COLUMNS and r[MAX_COLUMNS] not in (None, "") for r in rows) \
            or len(header) > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", columns=f"> {MAX_COLUMNS}", max=MAX_COLUMNS)
    _check_size(len(rows) - 1, len(header))
    header = [f"Unnamed: {i}" if h is None or str(h).strip() == "" else str(h).strip()
              for i, h in enumerate(header)]
    body = rows[1:]
    problems = [reason("too_many_cells", cells=len([v for v in r if v is not None]),
                        columns=len(header))
                if any(v is not None and str(v).strip() != "" for v in r[len(header):])
                else None for r in body]
    return _frame_from_rows(header, body, problems)


def read_table(data: bytes, file_name: str) -> tuple[pd.DataFrame, list[int]]:
    """Read CSV (UTF-8, UTF-8 BOM, Windows-1252; ``,`` ``;`` or tab), XLSX or GeoJSON points.

    Every reader is bounded (:data:`MAX_ROWS`, :data:`MAX_COLUMNS`, :data:`MAX_CELLS`; XLSX
    also by its archive's sizes and a time limit): a file beyond a bound is refused with a
    message in the user's language, never with a library's own text.

    Returns
    -------
    (DataFrame, list of int)
        Cells as text or native values (``object`` dtype), and each data row's number as a
        spreadsheet shows it (header = row 1). Completely empty rows are not data rows. A
        row with a problem of its own (more cells than the header, a geometry that is not a
        point) carries it in :data:`ROW_PROBLEM`.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(data)
    elif suffix in (".geojson", ".json"):
        frame = _read_geojson(data)
    else:
        frame = _read_csv(data)
    notices = frame.attrs.get("notices", [])
    frame.columns = [str(c) for c in frame.columns]
    first = 2                                   # the header is row 1
    hxl, hxl_row = {}, False
    named = [c for c in frame.columns if c != ROW_PROBLEM and not c.startswith("Unnamed: ")]
    if named and all(hxl_format.is_tag(c) for c in named):
        hxl = {c: c for c in named}             # hashtags instead of headers
    elif len(frame) and hxl_format.is_tag_row(
            [frame.iloc[0][c] for c in frame.columns if c != ROW_PROBLEM]):
        hxl = {c: str(frame.iloc[0][c]).strip() for c in frame.columns
               if c != ROW_PROBLEM and hxl_format.is_tag(frame.iloc[0][c])}
        frame = frame.iloc[1:].reset_index(drop=True)      # not a data row
        first, hxl_row = 3, True
    numbers = list(range(first, len(frame) + first))
    filled = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        values = frame[col]
        if col == ROW_PROBLEM:             # a broken row is a row: it is reported
            filled |= values.map(lambda p: isinstance(p, Reason)).to_numpy(dtype=bool)
            continue
        if values.dtype == object:
            filled |= values.map(_is_filled).to_numpy(dtype=bool)
        else:  # text columns (pandas string dtype): stripped once, vectorised
            frame[col] = values = values.str.strip()
            filled |= (values.notna() & values.ne("")).to_numpy(dtype=bool)
    frame = frame[filled].reset_index(drop=True)
    if ROW_PROBLEM in frame and frame[ROW_PROBLEM].isna().all():
        frame = frame.drop(columns=ROW_PROBLEM)
    frame.attrs.update(notices=notices, hxl=hxl, hxl_row=hxl_row)
    return frame, [n for n, keep in zip(numbers, filled) if keep]


def _is_filled(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return str(value).strip() != ""


def _read_geojson(data: bytes) -> pd.DataFrame:
    try:
        doc = json.loads(decode(data)[0])
    except json.JSONDecodeError as exc:
        raise ImportRefused("json_unreadable", line=exc.lineno, column=exc.colno) from exc
    except RecursionError as exc:
        raise ImportRefused("json_unreadable", line="?", column="?") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise ImportRefused("not_geojson")
    _check_size(len(features), 0)
    rows, problems = [], []
    for feat in features:
        if not isinstance(feat, dict):
            rows.append({})
            problems.append(reason("feature_invalid"))
            continue
        props = feat.get("properties")
        props = {str(k): (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                          else v) for k, v in props.items()} if isinstance(props, dict) else {}
        geom = feat.get("geometry")
        problem = None
        if isinstance(geom, dict):
            coords = geom.get("coordinates")
            if geom.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
                props["longitude"], props["latitude"] = coords[:2]
            elif geom.get("type") != "Point":
                problem = reason("not_a_point", geometry=str(geom.get("type"))[:40])
            else:
                problem = reason("geometry_invalid")
        elif geom is not None:
            problem = reason("geometry_invalid")
        rows.append(props)
        problems.append(problem)
    if len({k for r in rows for k in r}) > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", columns=f"> {MAX_COLUMNS}", max=MAX_COLUMNS)
    frame = pd.DataFrame.from_records(rows).astype(object) if rows else pd.DataFrame()
    if any(p is not None for p in problems):
        frame[ROW_PROBLEM] = problems
    return frame
