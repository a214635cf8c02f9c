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
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import pickle
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo import personal, store, units
from geo.gazetteer import Gazetteer
from geo.i18n import t
from geo.records import (DEFAULTS, ENUM_SYNONYMS, ENUMS, FIELDS, FREE_TEXT, GROUPS, ID_FIELD,
                         FINER_THAN, KINDS, MAX_ID_LENGTH, MAX_TEXT_LENGTH, MAXIMA, REJECTED_ROW_DROP)

EARLIEST = date(2012, 1, 1)


class ImportRefused(Exception):
    """The file cannot be read or is refused whole; ``str(exc)`` is a one-line message."""

    def __init__(self, code: str, lang: str = "fr", **params):
        self.code, self.params = code, params
        super().__init__(self.message(lang))

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if isinstance(params.get("columns"), list):     # personal data: (header, kind) pairs
            params["columns"] = ", ".join(
                f"« {h} » ({t(f'personal.kind.{k}', lang)})" if lang == "fr"
                else f"\"{h}\" ({t(f'personal.kind.{k}', lang)})"
                for h, k in params["columns"])
        return t(f"ingest.refused.{self.code}", lang, **params)


@dataclass(frozen=True)
class Reason:
    """Why a row was rejected, or what was corrected in it (a warning)."""

    code: str
    params: tuple = ()

    def text(self, lang: str = "fr") -> str:
        params = dict(self.params)
        if "what" in params:                 # a kind of personal data, named in ``lang``
            params["what"] = t(f"personal.kind.{params['what']}", lang)
        return t(f"ingest.reason.{self.code}", lang, **params)


def _reason(code: str, **params) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    file_name: str
    sha256: str
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    rejections: list[tuple[int, list[Reason], dict]] = field(default_factory=list)
    row_warnings: list[tuple[int, list[Reason]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    source_format: str = "veille"
    batch_id: int | None = None
    dry_run: bool = False

    @property
    def warnings(self) -> int:
        return sum(len(w) for _, w in self.row_warnings)

    def as_dict(self, lang: str = "fr") -> dict:
        """The report as the command line's ``--json`` prints it."""
        return {
            "kind": self.kind, "rows": self.rows, "accepted": self.accepted,
            "rejected": self.rejected, "duplicates": self.duplicates, "warnings": self.warnings,
            "rejections": [{"row": r, "reasons": [x.text(lang) for x in reasons],
                            "codes": [x.code for x in reasons]}
                           for r, reasons, _ in self.rejections],
            "row_warnings": [{"row": r, "warnings": [x.text(lang) for x in w]}
                             for r, w in self.row_warnings],
            "ignored_columns": self.ignored_columns, "source_format": self.source_format,
            "file_name": self.file_name, "sha256": self.sha256, "batch_id": self.batch_id,
            "dry_run": self.dry_run,
        }

    def rejected_frame(self, lang: str = "fr") -> pd.DataFrame:
        """Rejected rows with their cells and reasons (for the CSV download)."""
        records = [{"row": r, "reasons": " ; ".join(x.text(lang) for x in reasons), **data}
                   for r, reasons, data in self.rejections]
        return pd.DataFrame.from_records(records, columns=None if records else ["row", "reasons"])


# --------------------------------------------------------------------------- reading files

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


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("encoding")  # pragma: no cover - latin-1 decodes any byte


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
    text = _decode(data)
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
                return frame
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
        rows, problems = [], []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportRefused("too_many_rows", rows=f"> {MAX_ROWS}", max=MAX_ROWS)
            problems.append(_reason("too_many_cells", cells=len(row), columns=len(header))
                            if len(row) > len(header) and any(c.strip() for c in
                                                              row[len(header):]) else None)
            rows.append(row)
    except csv.Error as exc:
        raise ImportRefused("csv_unreadable", line=reader.line_num) from exc
    _check_size(len(rows), len(header))
    # text columns (pandas' string dtype: stripped and tested vectorised); empty cells are
    # empty strings, as with pandas' own reader and keep_default_na=False
    return _frame_from_rows(header, rows, problems, dtype=str, fill="")


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
    problems = [_reason("too_many_cells", cells=len([v for v in r if v is not None]),
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
    frame.columns = [str(c) for c in frame.columns]
    numbers = list(range(2, len(frame) + 2))
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
    return frame, [n for n, keep in zip(numbers, filled) if keep]


def _is_filled(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return str(value).strip() != ""


def _read_geojson(data: bytes) -> pd.DataFrame:
    try:
        doc = json.loads(_decode(data))
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
            problems.append(_reason("feature_invalid"))
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
                problem = _reason("not_a_point", geometry=str(geom.get("type"))[:40])
            else:
                problem = _reason("geometry_invalid")
        elif geom is not None:
            problem = _reason("geometry_invalid")
        rows.append(props)
        problems.append(problem)
    if len({k for r in rows for k in r}) > MAX_COLUMNS:
        raise ImportRefused("too_many_columns", columns=f"> {MAX_COLUMNS}", max=MAX_COLUMNS)
    frame = pd.DataFrame.from_records(rows).astype(object) if rows else pd.DataFrame()
    if any(p is not None for p in problems):
        frame[ROW_PROBLEM] = problems
    return frame


# --------------------------------------------------------------------------- headers

def normalise_header(header: str) -> str:
    """``"grp_incident/Date de l'incident"`` → ``"date_de_l_incident"`` (accents, case, group
    prefixes and punctuation removed). Kobo meta columns keep their leading underscore."""
    text = str(header).replace("\ufeff", "").strip().split("/")[-1]
    meta = text.startswith("_")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return "_" + text if meta else text


_COMMON = {
    "region": "region", "nom_region": "region", "admin1": "region", "adm_1": "region",
    "adm1": "region", "region_name": "region",
    "cercle": "cercle", "nom_cercle": "cercle", "admin2": "cercle", "adm_2": "cercle",
    "adm2": "cercle", "district": "cercle", "prefecture": "cercle",
    "commune": "commune", "nom_commune": "commune", "admin3": "commune", "adm3": "commune",
    "latitude": "latitude", "lat": "latitude", "y": "latitude",
    "longitude": "longitude", "lon": "longitude", "long": "longitude", "lng": "longitude",
    "x": "longitude", "_geolocation": "_geolocation",
}
_ALIASES: dict[str, dict[str, str]] = {
    "workshops": {
        "workshop_id": "workshop_id", "id_atelier": "workshop_id", "code_atelier": "workshop_id",
        "atelier_id": "workshop_id", "identifiant": "workshop_id", "id": "workshop_id",
        "start_date": "start_date", "date_debut": "start_date", "date_de_debut": "start_date",
        "debut": "start_date", "date": "start_date",
        "end_date": "end_date", "date_fin": "end_date", "date_de_fin": "end_date", "fin": "end_date",
        "organiser": "organiser", "organizer": "organiser", "organisateur": "organiser",
        "structure_organisatrice": "organiser", "partenaire": "organiser",
        "participants": "participants", "nombre_participants": "participants",
        "nb_participants": "participants", "nombre_de_participants": "participants",
        "women": "women", "femmes": "women", "nombre_femmes": "women", "nb_femmes": "women",
        "youth": "youth", "jeunes": "youth", "nombre_jeunes": "youth", "nb_jeunes": "youth",
        "political_parties": "political_parties", "partis_politiques": "political_parties",
        "local_authorities": "local_authorities", "autorites_locales": "local_authorities",
        "signatory_movements": "signatory_movements",
        "mouvements_signataires": "signatory_movements",
        "civil_society": "civil_society", "societe_civile": "civil_society",
        "osc": "civil_society",
        "traditional_associations": "traditional_associations",
        "associations_traditionnelles": "traditional_associations",
        "government": "government", "gouvernement": "government", "administration": "government",
        "media": "media", "medias": "media",
        "notes": "notes", "remarques": "notes", "observations": "notes", "commentaires": "notes",
    },
    "mediators": {
        "mediator_code": "mediator_code", "code_mediateur": "mediator_code",
        "code_du_mediateur": "mediator_code", "code": "mediator_code",
        "identifiant": "mediator_code", "id": "mediator_code",
        "gender": "gender", "sex": "gender", "sexe": "gender", "genre": "gender",
        "age_band": "age_band", "tranche_age": "age_band", "tranche_d_age": "age_band",
        "classe_d_age": "age_band",
        "trained_on": "trained_on", "date_formation": "trained_on",
        "date_de_formation": "trained_on", "forme_le": "trained_on",
        "workshop_id": "workshop_id", "id_atelier": "workshop_id", "atelier": "workshop_id",
        "status": "status", "statut": "status",
        "languages": "languages", "langues": "languages", "langues_parlees": "languages",
    },
    "tensions": {
        "report_id": "report_id", "id_signalement": "report_id", "identifiant": "report_id",
        "id": "report_id", "event_id_cnty": "report_id",
        "occurred_on": "occurred_on", "date_incident": "occurred_on",
        "date_de_l_incident": "occurred_on", "date_evenement": "occurred_on",
        "survenu_le": "occurred_on", "date": "occurred_on", "event_date": "occurred_on",
        "date_start": "occurred_on",
        "reported_on": "reported_on", "date_signalement": "reported_on",
        "date_du_signalement": "reported_on", "signale_le": "reported_on",
        "location_precision": "location_precision", "precision_localisation": "location_precision",
        "precision_de_la_localisation": "location_precision", "precision": "location_precision",
        "category": "category", "categorie": "category", "type_incident": "category",
        "type_d_incident": "category",
        "severity": "severity", "gravite": "severity", "niveau_de_gravite": "severity",
        "fatalities": "fatalities", "morts": "fatalities", "deces": "fatalities",
        "nombre_de_morts": "fatalities", "tues": "fatalities",
        "injuries": "injuries", "blesses": "injuries", "nombre_de_blesses": "injuries",
        "source_type": "source_type", "type_source": "source_type",
        "type_de_source": "source_type",
        "verification": "verification", "verifie": "verification",
        "status": "status", "statut": "status", "suivi": "status",
        "summary": "summary", "resume": "summary", "description": "summary", "notes": "summary",
    },
}
# Public conflict-event formats (ACLED, UCDP GED): recognised columns, translated below.
_ACLED_MARKERS = {"event_id_cnty", "event_type", "event_date"}
_UCDP_MARKERS = {"type_of_violence", "date_start", "where_prec"}
_EXTERNAL_EXTRA = {"event_type", "sub_event_type", "geo_precision", "type_of_violence",
                   "where_prec", "best", "id", "date_end"}


def _personal_data_columns(headers: list[str]) -> list[tuple[str, str]]:
    """``(header, kind)`` of each column whose header names a person or a way to reach one
    (:func:`geo.personal.header_kind`)."""
    return [(str(h), kind) for h in headers if h != ROW_PROBLEM
            and (kind := personal.header_kind(h)) is not None]


def map_headers(headers: list[str], kind: str) -> tuple[dict[str, str], list[str], str]:
    """Map the file's headers to canonical fields.

    Returns ``(mapping raw header -> canonical or helper field, ignored headers, format)``
    where format is ``veille``, ``acled`` or ``ucdp``.

    Raises
    ------
    ImportRefused
        When a header reveals personal data, or no header is recognised.
    """
    found = _personal_data_columns(headers)
    if found:
        raise ImportRefused("personal_data", columns=found)
    norms = {h: normalise_header(h) for h in headers}
    values = set(norms.values())
    fmt = "veille"
    if kind == "tensions" and len(_ACLED_MARKERS & values) >= 2:
        fmt = "acled"
    elif kind == "tensions" and len(_UCDP_MARKERS & values) >= 2:
        fmt = "ucdp"
    aliases = {**_COMMON, **_ALIASES[kind]}
    if fmt == "ucdp":
        aliases.pop("id")  # UCDP's "id" is its event id, kept below as report_id
    mapping, ignored = {}, []
    for raw, norm in norms.items():
        if raw == ROW_PROBLEM:              # set by the readers (see read_table)
            mapping[raw] = raw
            continue
        target = aliases.get(norm)
        if target is None and fmt != "veille" and norm in _EXTERNAL_EXTRA:
            target = "report_id" if (fmt, norm) == ("ucdp", "id") else f"__{norm}__"
        if target is None:
            coord = re.fullmatch(r"_?(?:.+_)?(latitude|longitude)", norm)
            target = coord.group(1) if coord else None
        if target is None or target in mapping.values():
            ignored.append(raw)
            continue
        mapping[raw] = target
    recognised = {v for v in mapping.values() if not v.startswith("__")}
    if not recognised:
        raise ImportRefused("no_columns", kind=kind)
    return mapping, ignored, fmt


def _field_type(kind: str, name: str) -> str | None:
    return next((f.type for f in FIELDS[kind] if f.name == name), None)


def screen_values(frame: pd.DataFrame, mapping: dict[str, str], kind: str) -> None:
    """Refuse the file when a column that is not free text holds a phone number or an
    e-mail address (:func:`geo.personal.value_kind`), whatever its header; free-text fields
    are screened per row by :func:`validate`. Columns of public actor names (ACLED, UCDP)
    are not personal data. Each distinct cell is looked at once.

    Raises
    ------
    ImportRefused
        ``personal_data`` naming each column and what it holds (never the values).
    """
    free = set(FREE_TEXT.get(kind, ()))
    found = []
    for col in frame.columns:
        if col == ROW_PROBLEM or mapping.get(col) in free \
                or normalise_header(col).lstrip("_") in personal.ACTOR_COLUMNS:
            continue
        values = frame[col]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue                       # numbers read as numbers: no phone, no e-mail
        numbers_too = mapping.get(col) is None or _field_type(kind, mapping[col]) in ("id", "text")
        for value in pd.unique(values.dropna()):
            what = (personal.value_kind(value) if isinstance(value, str)
                    else personal.value_kind(str(value)) if numbers_too
                    and isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                    else None)
            if what:
                found.append((str(col), what))
                break
    if found:
        raise ImportRefused("personal_data", columns=found)


# --------------------------------------------------------------------------- values

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value) -> date | None:
    """ISO ``2018-07-29`` (with or without time) or French ``29/07/2018``; else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if _ISO.match(text):
            return date.fromisoformat(text[:10])
        m = _FR.match(text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def parse_number(value) -> float | None:
    """Numbers with a decimal comma or point and optional spaces as thousand separators."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return None if np.isnan(value) else float(value)
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _norm_value(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[\s_\-]+", " ", text).strip()


def _enum_lookup(kind: str, fld: str) -> dict[str, str]:
    table = {}
    for code, labels in ENUMS[(kind, fld)].items():
        for name in (code, *labels):
            table[_norm_value(name)] = code
    for alias, code in ENUM_SYNONYMS.get((kind, fld), {}).items():
        table[_norm_value(alias)] = code
    return table


_ACLED_CATEGORY = {
    "battles": "clash", "violence against civilians": "armed_group",
    "explosions remote violence": "armed_group", "explosions/remote violence": "armed_group",
    "protests": "protest", "riots": "clash", "strategic developments": "other",
}
_UCDP_CATEGORY = {"1": "armed_group", "2": "intercommunal", "3": "armed_group"}
_ACLED_PRECISION = {"1": "exact", "2": "commune", "3": "cercle"}
_UCDP_PRECISION = {"1": "exact", "2": "commune", "3": "cercle", "4": "region", "5": "region",
                   "6": "region", "7": "region"}


def severity_from_fatalities(fatalities: int | None) -> int:
    """Severity for ACLED/UCDP events, which have none: 0 deaths → 2, 1–4 → 3, 5–24 → 4,
    25 or more → 5."""
    n = fatalities or 0
    return 2 if n == 0 else 3 if n < 5 else 4 if n < 25 else 5


# --------------------------------------------------------------------------- locating

class Locator:
    """Places rows: names through the gazetteer, coordinates by point-in-polygon (full
    geometry). Results are cached per distinct value: 100,000 rows name few places."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gaz = gazetteer or Gazetteer.default()
        self.cercles = units.load_cercles()
        self.communes = units.load_communes()
        self._cercle_tree = shapely.STRtree(self.cercles.geometry.values)
        self._commune_tree = shapely.STRtree(self.communes.geometry.values)
        self._names: dict[tuple, object] = {}
        self._rows: dict[tuple, tuple] = {}
        self._placed: dict[tuple, tuple] = {}
        self._region_of = self.cercles["region_id"].to_dict()
        self.cercle_names = self.cercles["cercle_fr"].to_dict()

    def resolve(self, name, level, **within):
        key = (str(name), level, tuple(sorted(within.items())))
        if key not in self._names:
            self._names[key] = self.gaz.resolve(name, level, **within)
        return self._names[key]

    def names(self, region, cercle, commune) -> tuple:
        """Resolve a row's place names (memoised): ``(region_id, cercle_id, commune_id,
        problems, warnings)``; the finest name that resolves wins."""
        key = (region, cercle, commune)
        if key not in self._rows:
            self._rows[key] = self._names_uncached(region, cercle, commune)
        return self._rows[key]

    def _names_uncached(self, region, cercle, commune) -> tuple:
        region_id = cercle_id = commune_id = None
        problems: list[Reason] = []
        warns: list[Reason] = []
        if region is not None:
            res = self.resolve(region, "region")
            if res.ok:
                region_id = res.code
            else:
                problems.append(_place_problem(res, "region", region))
        if cercle is not None:
            res = self.resolve(cercle, "cercle")
            if res.ok:
                cercle_id = res.code
                parent = self.region_of(cercle_id)
                if region_id and region_id != parent:
                    warns.append(_reason("region_corrected", cercle=res.place.name_fr))
                region_id = parent
            else:
                problems.append(_place_problem(res, "cercle", cercle))
        if commune is not None:
            within = ({"cercle": cercle_id} if cercle_id
                      else {"region": region_id} if region_id else {})
            res = self.resolve(commune, "commune", **within)
            if res.ok:
                commune_id = res.code
                cercle_id = res.place.cercle_id
                region_id = res.place.region_id
            elif cercle_id is None:
                problems.append(_place_problem(res, "commune", commune))
            else:
                warns.append(_reason("commune_not_found", value=str(commune)))
        return region_id, cercle_id, commune_id, tuple(problems), tuple(warns)

    def placed(self, kind: str, names: tuple, given: str | None) -> tuple:
        """:func:`_place` for a row without coordinates (memoised)."""
        key = (kind, names, given)
        if key not in self._placed:
            self._placed[key] = _place(kind, self, names, given, None)
        return self._placed[key]

    def _points_in(self, tree, ids, lon, lat) -> np.ndarray:
        out = np.full(len(lon), None, dtype=object)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if ok.any():
            points = shapely.points(lon[ok], lat[ok])
            idx_pt, idx_poly = tree.query(points, predicate="within")
            hit = np.full(ok.sum(), None, dtype=object)
            hit[idx_pt] = np.asarray(ids)[idx_poly]
            out[ok] = hit
        return out

    def cercles_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return self._points_in(self._cercle_tree, self.cercles.index.values, lon, lat)

    def communes_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return self._points_in(self._commune_tree, self.communes.index.values, lon, lat)

    def region_of(self, cercle_id: str) -> str:
        return self._region_of[cercle_id]


# --------------------------------------------------------------------------- validation

@dataclass(slots=True)
class RowResult:
    row: int
    record: dict | None
    reasons: list[Reason]
    warnings: list[Reason]
    data: dict


def _clean(series: pd.Series) -> list:
    """Cells as values: empty strings and NaN become None, text is stripped."""
    if series.dtype != object and pd.api.types.is_string_dtype(series):
        stripped = series.str.strip()   # already stripped by read_table: cheap
        keep = (stripped.notna() & (stripped != "")).to_numpy(dtype=bool)
        return stripped.astype(object).where(keep, None).tolist()
    values = series.tolist()
    out = []
    for v in values:
        if isinstance(v, str):
            v = v.strip()
            out.append(v or None)
        elif v is None or (isinstance(v, float) and v != v):
            out.append(None)
        else:
            out.append(v)
    return out


class _Memo(dict):
    """Per-import cache of a pure parse function (columns repeat their values a lot)."""

    def __init__(self, func):
        super().__init__()
        self.func = func

    def __missing__(self, key):
        value = self[key] = self.func(key)
        return value


def _parse_count(raw) -> tuple[str | None, int | None]:
    number = parse_number(raw)
    if number is not None and abs(number) > 1e15:     # int() would be exact but useless
        return "too_large", None
    if number is None or number != int(number):
        return "not_whole_number", None
    if number < 0:
        return "negative", None
    return None, int(number)


def validate(frame: pd.DataFrame, row_numbers: list[int], kind: str, mapping: dict[str, str],
             fmt: str = "veille", locator: Locator | None = None,
             today: date | None = None) -> list[RowResult]:
    """Validate and locate every row; return one :class:`RowResult` per row, in order.

    A row is rejected with *all* its reasons at once: missing or unknown location, missing,
    unparseable or future date, date before 2012, negative or non-whole counts, women/youth or
    a group above participants, codes outside the allowed values, severity outside 1–5,
    coordinates outside Mali (a clear lat/lon swap is corrected with a warning).
    """
    locator = locator or Locator()
    today = today or date.today()
    cols = {target: _clean(frame[raw]) for raw, target in mapping.items()}
    n = len(frame)
    empty = [None] * n

    def column(name):
        return cols.get(name, empty)

    numbers = _Memo(parse_number)

    def coordinates(values: list) -> np.ndarray:
        parsed = (None if v is None else numbers[v] for v in values)
        return np.array([np.nan if x is None else x for x in parsed], dtype=float)

    lat, lon = coordinates(column("latitude")), coordinates(column("longitude"))
    for i, v in enumerate(column("_geolocation")):
        if v is not None and not (np.isfinite(lat[i]) and np.isfinite(lon[i])):
            found = re.findall(r"-?\d+(?:[.,]\d+)?", str(v))
            if len(found) >= 2:
                lat[i], lon[i] = parse_number(found[0]), parse_number(found[1])
    # Point-in-polygon, vectorised; the swapped point is only tried where the point missed.
    at = locator.cercles_at(lon, lat)
    missed = np.array([c is None for c in at]) & np.isfinite(lat) & np.isfinite(lon)
    swapped = np.full(n, None, dtype=object)
    swapped[missed] = locator.cercles_at(lat[missed], lon[missed])
    at_commune = locator.communes_at(lon, lat)
    swapped_commune = np.full(n, None, dtype=object)
    swapped_commune[missed] = locator.communes_at(lat[missed], lon[missed])
    parsed = [(f.name, *_parse_field(f, cols.get(f.name), kind, fmt, today, n))
              for f in FIELDS[kind] if f.type not in ("place", "coord")]
    names = [name for name, _, _ in parsed]
    value_cols = [values for _, values, _ in parsed]
    reason_cols = [problems for _, _, problems in parsed if any(problems)]
    row_problems = cols.get(ROW_PROBLEM)
    if row_problems is not None:
        reason_cols.insert(0, [p if isinstance(p, Reason) else None for p in row_problems])
    # what a rejected row keeps: its recognised cells, less a mediator's whereabouts and free
    # text, and less any cell the personal-data screen flags
    data_cols = [t for t in cols if not t.startswith("__") and t not in REJECTED_ROW_DROP[kind]]
    lat_raw, lon_raw = column("latitude"), column("longitude")
    place_cols = [column("region"), column("cercle"), column("commune")]
    given_col = (value_cols[names.index("location_precision")] if kind == "tensions"
                 else [None] * n)
    no_coords = [a is None and b is None and c != c            # c != c: NaN
                 for a, b, c in zip(lat_raw, lon_raw, lat.tolist())]

    def place(i, given):
        place_names = (place_cols[0][i], place_cols[1][i], place_cols[2][i])
        if no_coords[i]:
            return locator.placed(kind, place_names, given)
        return _place(kind, locator, place_names, given,
                      (lat_raw[i], lon_raw[i], lat[i], lon[i], at[i], swapped[i],
                       at_commune[i], swapped_commune[i]))

    check_counts = kind != "tensions"     # tensions: only the severity scale, inlined below
    # Placing depends on the given precision, which ACLED/UCDP rows only get below.
    placed_col = [place(i, g) for i, g in enumerate(given_col)] if fmt == "veille" else None
    results = []
    for i, row_values in enumerate(zip(*value_cols)):
        rec = dict(zip(names, row_values))
        if row_problems is not None and isinstance(row_problems[i], Reason):
            # the row itself is broken (cells shifted, no readable geometry): its other
            # checks would only repeat that
            data = {t: _kept_cell(cols[t][i]) for t in data_cols}
            results.append(RowResult(row_numbers[i], None, [row_problems[i]], [], data))
            continue
        reasons = ([problems[i] for problems in reason_cols if problems[i] is not None]
                   if reason_cols else [])
        warns: list[Reason] = []
        if fmt != "veille":
            _external_tension(rec, cols, i, fmt, reasons)
        if check_counts:
            _check_counts(kind, rec, reasons)
        elif rec["severity"] is not None and not 1 <= rec["severity"] <= 5:   # tensions
            reasons.append(_reason("severity_range", value=rec["severity"]))
        placed = (placed_col[i] if placed_col is not None
                  else place(i, rec.get("location_precision")))
        (rec["region_id"], rec["cercle_id"], rec["commune_id"], rec["latitude"],
         rec["longitude"], place_reasons, place_warns, precision) = placed
        reasons.extend(place_reasons)
        warns.extend(place_warns)
        if kind == "tensions":
            rec["location_precision"] = precision
            if precision != "exact":
                _generalise(rec)
        if kind == "workshops" and rec["end_date"] and rec["start_date"] \
                and rec["end_date"] < rec["start_date"]:
            reasons.append(_reason("end_before_start"))
        if kind == "tensions" and rec["reported_on"] and rec["occurred_on"] \
                and rec["reported_on"] < rec["occurred_on"]:
            warns.append(_reason("reported_before_occurred"))
        data = ({t: _kept_cell(cols[t][i]) for t in data_cols} if reasons else {})
        results.append(RowResult(row_numbers[i], None if reasons else rec, reasons, warns, data))
    return results


def _generalise(rec: dict) -> None:
    """Blank the location fields finer than the report's precision
    (:data:`geo.records.FINER_THAN`)."""
    for name in FINER_THAN.get(rec.get("location_precision"), ()):
        rec[name] = None


def _kept_cell(value) -> str | None:
    """A rejected row's cell as kept with the batch: text, or None when empty or when the
    personal-data screen flags it."""
    if value is None:
        return None
    if isinstance(value, Reason):
        return None
    text = str(value)
    return None if personal.free_text_kind(text) else text


def _parse_field(f, values: list | None, kind: str, fmt: str, today: date,
                 n: int) -> tuple[list, list]:
    """Parse one column: ``(values, problems)``, a problem being a :class:`Reason` or None.
    Each distinct cell is parsed once; ``values`` is None when the file has no such column."""
    missing_problem = None
    if f.required:
        if f.type == "date":
            missing_problem = _reason("date_missing", field=f.name)
        elif f.type == "int" and not (kind == "tensions" and f.name == "severity"
                                      and fmt != "veille"):
            missing_problem = _reason("count_missing", field=f.name)
        elif f.type == "enum" and fmt == "veille":
            missing_problem = _reason("code_missing", field=f.name)
    missing = (DEFAULTS.get((kind, f.name)) if f.type == "enum" else None, missing_problem)
    if values is None:
        return [missing[0]] * n, [missing_problem] * n
    if f.type == "enum":
        table = _enum_lookup(kind, f.name)
        allowed = ", ".join(ENUMS[(kind, f.name)])

    def parse(raw):
        if f.type == "date":
            d = parse_date(raw)
            if d is None:
                return None, _reason("date_unparseable", field=f.name, value=str(raw))
            if d > today:
                return d, _reason("date_future", field=f.name, value=d.isoformat())
            if d < EARLIEST:
                return d, _reason("date_too_early", field=f.name, value=d.isoformat())
            return d, None
        if f.type == "int":
            problem, value = _parse_count(raw)
            if problem == "too_large" or (problem is None and f.name != "severity"
                                          and value > MAXIMA[f.name]):
                return None, _reason("above_maximum", field=f.name, value=str(raw)[:40],
                                     max=MAXIMA[f.name])
            if problem:
                return value, _reason(problem, field=f.name, value=str(raw)[:40])
            return value, None
        code = table.get(_norm_value(raw))
        if code is None:
            return None, _reason("code_unknown", field=f.name, value=str(raw), allowed=allowed)
        return code, None

    if f.type in ("id", "text"):   # few checks, made in bulk
        limit = MAX_ID_LENGTH if f.type == "id" else MAX_TEXT_LENGTH
        out_values = [None if raw is None else str(raw) for raw in values]
        out_problems = [missing_problem if v is None else None for v in out_values]
        for i in [i for i, v in enumerate(out_values) if v is not None and len(v) > limit]:
            out_problems[i] = _reason("too_long", field=f.name, length=len(out_values[i]),
                                      max=limit)
            out_values[i] = None
        if f.name in FREE_TEXT.get(kind, ()):
            # public event reports (ACLED, UCDP) name public figures: phones, e-mails only
            screen = _Memo(personal.free_text_kind if fmt == "veille" else personal.value_kind)
            for i, v in enumerate(out_values):
                if v is not None and (found := screen[v]):
                    out_problems[i] = _reason("personal_data_in_text", field=f.name, what=found)
                    out_values[i] = None
        return out_values, out_problems
    memo = _Memo(parse)              # each distinct cell parsed once
    pairs = [missing if raw is None else memo[raw] for raw in values]
    if not pairs:
        return [], []
    out_values, out_problems = zip(*pairs)
    return list(out_values), list(out_problems)


def _external_tension(rec: dict, cols: dict, i: int, fmt: str, reasons: list[Reason]) -> None:
    """Translate ACLED / UCDP GED columns into Veille's tension fields."""
    def raw(name):
        values = cols.get(f"__{name}__")
        v = values[i] if values is not None else None
        return None if v is None else str(v)

    rec["source_type"] = fmt
    rec["verification"] = "verified"
    if fmt == "acled":
        if rec.get("category") is None:
            event = _norm_value(raw("event_type") or "")
            rec["category"] = _ACLED_CATEGORY.get(event, "other")
            if event == "":
                reasons.append(_reason("code_missing", field="event_type"))
        prec = raw("geo_precision")
        if prec and rec.get("location_precision") is None:
            rec["location_precision"] = _ACLED_PRECISION.get(prec.split(".")[0], "cercle")
    else:
        if rec.get("category") is None:
            rec["category"] = _UCDP_CATEGORY.get((raw("type_of_violence") or "").split(".")[0],
                                                 "other")
        best = raw("best")
        if best is not None and rec.get("fatalities") is None:
            number = parse_number(best)
            if number is not None and number > MAXIMA["fatalities"]:
                reasons.append(_reason("above_maximum", field="best", value=best[:40],
                                       max=MAXIMA["fatalities"]))
            elif number is not None and number >= 0 and number == int(number):
                rec["fatalities"] = int(number)
        prec = raw("where_prec")
        if prec and rec.get("location_precision") is None:
            rec["location_precision"] = _UCDP_PRECISION.get(prec.split(".")[0], "region")
    if rec.get("severity") is None:
        rec["severity"] = severity_from_fatalities(rec.get("fatalities"))


def _check_counts(kind: str, rec: dict, reasons: list[Reason]) -> None:
    if kind == "tensions":
        sev = rec.get("severity")
        if sev is not None and not 1 <= sev <= 5:
            reasons.append(_reason("severity_range", value=sev))
        return
    if kind != "workshops" or rec.get("participants") is None:
        return
    total = rec["participants"]
    for name in ("women", "youth", *GROUPS):
        if rec.get(name) is not None and rec[name] > total:
            reasons.append(_reason("above_participants", field=name, value=rec[name],
                                   participants=total))


def _place_problem(res, level: str, value) -> Reason:
    if res.status == "ambiguous":
        return _reason("place_ambiguous", level=level, value=str(value),
                       candidates=", ".join(p.label() for p in res.candidates))
    if res.suggestions:
        return _reason("place_unknown_suggest", level=level, value=str(value),
                       suggestions=", ".join(res.suggestions))
    return _reason("place_unknown", level=level, value=str(value))


_PRECISION_ORDER = ["exact", "commune", "cercle", "region"]


def _place(kind: str, locator: Locator, names: tuple, given: str | None, coords) -> tuple:
    """Where a row is: ``(region_id, cercle_id, commune_id, latitude, longitude, reasons,
    warnings, precision)``. Names resolve through the gazetteer (the finest that resolves
    wins); coordinates, when given, win over names. ``coords`` is None for a row without
    coordinates, else ``(raw_lat, raw_lon, lat, lon, cercle at (lon, lat), cercle at the
    swapped point, commune at, commune at swapped)``."""
    region_id, cercle_id, commune_id, problems, name_warns = locator.names(*names)
    reasons: list[Reason] = []
    warns = list(name_warns)
    name_problems = list(problems)
    lat_out = lon_out = None
    point_cercle = point_commune = None
    if coords is not None:
        raw_lat, raw_lon, lat, lon, at, swapped, at_commune, swapped_commune = coords
        ok = np.isfinite(lat) and np.isfinite(lon)
        if (raw_lat is None) != (raw_lon is None) or not ok:   # one missing, or unreadable
            reasons.append(_reason("coordinates_invalid"))
        elif at is not None:
            point_cercle, point_commune = at, at_commune
        elif swapped is not None:
            lat, lon = lon, lat
            point_cercle, point_commune = swapped, swapped_commune
            warns.append(_reason("coordinates_swapped"))
        else:
            reasons.append(_reason("outside_mali", lat=float(lat), lon=float(lon)))
        if point_cercle is not None:
            if cercle_id and cercle_id != point_cercle:
                warns.append(_reason("coordinates_win", named=locator.cercle_names[cercle_id],
                                     found=locator.cercle_names[point_cercle]))
            elif name_problems:
                warns.extend(_reason("name_ignored", value=dict(p.params)["value"])
                             for p in name_problems)
            name_problems = []
            cercle_id, region_id = point_cercle, locator.region_of(point_cercle)
            commune_id = point_commune or commune_id
            lat_out, lon_out = round(float(lat), 6), round(float(lon), 6)
    reasons.extend(name_problems)
    if not reasons:
        if region_id is None:
            reasons.append(_reason("location_missing"))
        elif kind in ("workshops", "mediators") and cercle_id is None:
            reasons.append(_reason("cercle_needed"))
    precision = None
    if kind == "tensions":
        finest = ("exact" if point_cercle is not None else "commune" if commune_id
                  else "cercle" if cercle_id else "region")
        precision = given or finest
        if _PRECISION_ORDER.index(precision) < _PRECISION_ORDER.index(finest):
            precision = finest
            warns.append(_reason("precision_lowered", given=given, used=finest))
    return (region_id, cercle_id, commune_id, lat_out, lon_out, tuple(reasons), tuple(warns),
            precision)


# --------------------------------------------------------------------------- storing

_HASH_SKIP = {"warnings", "is_demo", "batch_id"}


def row_hash(rec: dict, keys: list[str] | None = None) -> str:
    """Content fingerprint of a record: SHA-1 of the pickled tuple of its values in key order
    (deterministic for text, numbers, dates and None). ``keys`` fixes the order (default:
    sorted)."""
    keys = keys if keys is not None else sorted(k for k in rec if k not in _HASH_SKIP)
    return hashlib.sha1(pickle.dumps(tuple(map(rec.get, keys)), protocol=4)).hexdigest()


def import_frame(engine: Engine | None, kind: str, frame: pd.DataFrame, row_numbers: list[int],
                 file_name: str, sha256: str, *, dry_run: bool = False, is_demo: bool = False,
                 locator: Locator | None = None, today: date | None = None) -> ImportReport:
    """Validate a table already read, then store it in one transaction (unless ``dry_run``)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    mapping, ignored, fmt = map_headers(list(frame.columns), kind)
    screen_values(frame, mapping, kind)
    results = validate(frame, row_numbers, kind, mapping, fmt, locator, today)
    report = ImportReport(kind, file_name, sha256, rows=len(results), ignored_columns=ignored,
                          source_format=fmt, dry_run=dry_run)
    id_field = ID_FIELD[kind]
    table = store.TABLES[kind]
    columns = store.RECORD_COLUMNS[kind]
    hash_keys = sorted(c for c in columns if c != id_field)

    prefix = f"{kind[0].upper()}-"

    def decide(existing_ids: set, stored_hashes) -> list[dict]:
        """Classify each valid row: new, duplicate (same id, same content) or conflict (same
        id, other content). Content is hashed only when an id is met twice (or missing)."""
        seen: dict[str, dict] = {}
        pending = []                       # rows whose id is already in the store
        to_insert = []
        for res in results:
            if res.warnings:
                report.row_warnings.append((res.row, res.warnings))
            rec = res.record
            if rec is None:
                report.rejections.append((res.row, res.reasons, res.data))
                continue
            rid = rec[id_field]
            if not rid:                    # no identifier: one made from the content
                rid = rec[id_field] = prefix + row_hash(rec, hash_keys)[:16]
            if rid in existing_ids:
                pending.append(res)
                continue
            first = seen.get(rid)
            if first is None:
                seen[rid] = rec
                rec["is_demo"] = is_demo
                rec["warnings"] = (json.dumps([w.text("fr") for w in res.warnings],
                                              ensure_ascii=False) if res.warnings else None)
                to_insert.append(rec)
            elif row_hash(first, hash_keys) == row_hash(rec, hash_keys):
                report.duplicates += 1
            else:
                report.rejections.append((res.row, [_reason("id_conflict", id=rid)], res.data))
        if pending:
            stored = stored_hashes([res.record[id_field] for res in pending])
            for res in pending:
                rid = res.record[id_field]
                if stored.get(rid) == row_hash(res.record, hash_keys):
                    report.duplicates += 1
                else:
                    report.rejections.append((res.row, [_reason("id_conflict", id=rid)],
                                              res.data))
        report.rejections.sort(key=lambda item: item[0])
        report.accepted = len(to_insert)
        report.rejected = len(report.rejections)
        return to_insert

    def stored_hashes_from(conn):
        def fetch(ids: list[str]) -> dict[str, str]:
            cols = [table.c[id_field], *(table.c[k] for k in hash_keys)]
            wanted = set(ids)
            out = {}
            query = sa.select(*cols)
            if len(wanted) <= 500:
                query = query.where(table.c[id_field].in_(wanted))
            for row in conn.execute(query):
                if row[0] in wanted:
                    out[row[0]] = row_hash(dict(zip(hash_keys, row[1:])), hash_keys)
            return out
        return fetch

    if engine is None or dry_run:
        if engine is None:
            decide(set(), lambda ids: {})
        else:
            with engine.connect() as conn:
                existing = set(conn.execute(sa.select(table.c[id_field])).scalars())
                decide(existing, stored_hashes_from(conn))
        return report
    with store.writing(engine, kind) as conn:
        existing = set(conn.execute(sa.select(table.c[id_field])).scalars())
        to_insert = decide(existing, stored_hashes_from(conn))
        batch_id = conn.execute(store.import_batch.insert().values(
            kind=kind, file_name=file_name[:255], sha256=sha256, rows=report.rows,
            accepted=report.accepted, rejected=report.rejected, duplicates=report.duplicates,
            warnings=report.warnings, is_demo=is_demo,
            imported_at=datetime.now(timezone.utc))).inserted_primary_key[0]
        for row in to_insert:
            row["batch_id"] = batch_id
        store.bulk_insert(conn, table, to_insert)
        store.bulk_insert(conn, store.rejected_row, [
            {"batch_id": batch_id, "row": row,
             "reasons": json.dumps([x.text("fr") for x in reasons], ensure_ascii=False),
             "codes": json.dumps([x.code for x in reasons]),
             "data": json.dumps(data, ensure_ascii=False, default=str)}
            for row, reasons, data in report.rejections])
        report.batch_id = batch_id
    assert report.accepted + report.rejected + report.duplicates == report.rows
    return report


def import_file(engine: Engine | None, kind: str, data: bytes, file_name: str, *,
                dry_run: bool = False, is_demo: bool = False, locator: Locator | None = None,
                today: date | None = None) -> ImportReport:
    """Read ``data`` (the file's bytes) and import it; see :func:`import_frame`.

    Raises
    ------
    ImportRefused
        When the file cannot be read or is refused whole (personal data); nothing is stored.
    """
    frame, numbers = read_table(data, file_name)
    if frame.empty and not len(frame.columns):
        raise ImportRefused("empty")
    sha = hashlib.sha256(data).hexdigest()
    return import_frame(engine, kind, frame, numbers, file_name, sha, dry_run=dry_run,
                        is_demo=is_demo, locator=locator, today=today)


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
    except OSError as exc:
        print(t("ingest.refused.file_unreadable", args.lang, file=args.file), file=sys.stderr)
        return 2
    try:
        engine = store.make_engine()
        report = import_file(engine, args.kind, data, args.file.name, dry_run=args.dry_run)
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
