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

from geo import store, units
from geo.gazetteer import Gazetteer
from geo.i18n import t
from geo.records import (DEFAULTS, ENUM_SYNONYMS, ENUMS, FIELDS,
                         GROUPS, ID_FIELD, KINDS, PERSONAL_DATA_HEADERS, PERSONAL_DATA_WORDS)

EARLIEST = date(2012, 1, 1)


class ImportRefused(Exception):
    """The file cannot be read or is refused whole; ``str(exc)`` is a one-line message."""

    def __init__(self, code: str, lang: str = "fr", **params):
        self.code, self.params = code, params
        super().__init__(t(f"ingest.refused.{code}", lang, **params))

    def message(self, lang: str) -> str:
        return t(f"ingest.refused.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class Reason:
    """Why a row was rejected, or what was corrected in it (a warning)."""

    code: str
    params: tuple = ()

    def text(self, lang: str = "fr") -> str:
        return t(f"ingest.reason.{self.code}", lang, **dict(self.params))


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


def read_table(data: bytes, file_name: str) -> tuple[pd.DataFrame, list[int]]:
    """Read CSV (UTF-8, UTF-8 BOM, Windows-1252; ``,`` ``;`` or tab), XLSX or GeoJSON points.

    Returns
    -------
    (DataFrame, list of int)
        Cells as text or native values (``object`` dtype), and each data row's number as a
        spreadsheet shows it (header = row 1). Completely empty rows are not data rows.
    """
    suffix = Path(file_name).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        elif suffix in (".geojson", ".json"):
            frame = _read_geojson(data)
        else:
            text = _decode(data)
            if not text.strip():
                raise ImportRefused("empty")
            frame = pd.read_csv(io.StringIO(text), sep=_sniff_separator(text), dtype=str,
                                keep_default_na=False, skip_blank_lines=False,
                                quoting=csv.QUOTE_MINIMAL, on_bad_lines="error")
    except ImportRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error means "cannot be read"
        raise ImportRefused("unreadable", detail=str(exc).splitlines()[0][:160]) from exc
    frame.columns = [str(c) for c in frame.columns]
    numbers = list(range(2, len(frame) + 2))
    filled = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object:
            filled |= values.map(_is_filled).to_numpy(dtype=bool)
        else:  # text columns (pandas string dtype): stripped once, vectorised
            frame[col] = values = values.str.strip()
            filled |= (values.notna() & values.ne("")).to_numpy(dtype=bool)
    frame = frame[filled].reset_index(drop=True)
    return frame, [n for n, keep in zip(numbers, filled) if keep]


def _is_filled(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return str(value).strip() != ""


def _read_geojson(data: bytes) -> pd.DataFrame:
    doc = json.loads(_decode(data))
    features = doc.get("features") if isinstance(doc, dict) else None
    if features is None:
        raise ImportRefused("not_geojson")
    rows = []
    for feat in features:
        props = dict(feat.get("properties") or {})
        geom = feat.get("geometry") or {}
        if geom.get("type") == "Point" and len(geom.get("coordinates") or []) >= 2:
            props["longitude"], props["latitude"] = geom["coordinates"][:2]
        elif geom:
            props["__geometry_type__"] = geom.get("type")
        rows.append(props)
    return pd.DataFrame.from_records(rows).astype(object) if rows else pd.DataFrame()


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


def _personal_data_columns(headers: list[str]) -> list[str]:
    found = []
    for raw in headers:
        norm = normalise_header(raw).lstrip("_")
        words = set(norm.split("_"))
        if norm in PERSONAL_DATA_HEADERS or words & PERSONAL_DATA_WORDS:
            found.append(raw)
    return found


def map_headers(headers: list[str], kind: str) -> tuple[dict[str, str], list[str], str]:
    """Map the file's headers to canonical fields.

    Returns ``(mapping raw header -> canonical or helper field, ignored headers, format)``
    where format is ``veille``, ``acled`` or ``ucdp``.

    Raises
    ------
    ImportRefused
        When a header reveals personal data, or no header is recognised.
    """
    personal = _personal_data_columns(headers)
    if personal:
        raise ImportRefused("personal_data", columns=", ".join(personal))
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
        if raw == "__geometry_type__":      # set by the GeoJSON reader for non-point features
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
    geometry_types = cols.get("__geometry_type__")
    if geometry_types is not None:
        reason_cols.insert(0, [None if g is None else _reason("not_a_point", geometry=g)
                               for g in geometry_types])
    data_cols = [t for t in cols if not t.startswith("__")]
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
        if kind == "workshops" and rec["end_date"] and rec["start_date"] \
                and rec["end_date"] < rec["start_date"]:
            reasons.append(_reason("end_before_start"))
        if kind == "tensions" and rec["reported_on"] and rec["occurred_on"] \
                and rec["reported_on"] < rec["occurred_on"]:
            warns.append(_reason("reported_before_occurred"))
        data = ({t: None if cols[t][i] is None else str(cols[t][i]) for t in data_cols}
                if reasons else {})
        results.append(RowResult(row_numbers[i], None if reasons else rec, reasons, warns, data))
    return results


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
            return value, (_reason(problem, field=f.name, value=str(raw)) if problem else None)
        code = table.get(_norm_value(raw))
        if code is None:
            return None, _reason("code_unknown", field=f.name, value=str(raw), allowed=allowed)
        return code, None

    if f.type in ("id", "text"):   # nothing to check: no cache for unique values
        limit = 120 if f.type == "id" else None
        return ([None if raw is None else str(raw)[:limit] for raw in values],
                [missing_problem if raw is None else None for raw in values])
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
            if number is not None and number >= 0 and number == int(number):
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
        print(t("ingest.refused.unreadable", args.lang, detail=exc.strerror), file=sys.stderr)
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
