"""What an import says: refusals of a whole file, reasons of a row, the import's report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.i18n import TRANSLATIONS, t
from geo.records import store
from geo.records.fields import enum_label
from geo.reference import units


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

    def as_json(self) -> list:
        """``[code, params]``, as the store keeps it (:meth:`from_json`)."""
        return [self.code, dict(self.params)]

    @classmethod
    def from_json(cls, item: list) -> "Reason":
        code, params = item
        return cls(code, tuple(sorted(params.items())))

    def text(self, lang: str = "fr") -> str:
        params = dict(self.params)
        if "what" in params:                 # a kind of personal data, named in ``lang``
            params["what"] = t(f"personal.kind.{params['what']}", lang)
        if "field" in params:                # a field, by its name in ``lang`` (not its code)
            key = f"fieldname.{params['field']}"
            if key in TRANSLATIONS["fr"]:
                params["field"] = t(key, lang)
        for name in ("given", "used"):       # location precisions, named in ``lang``
            if name in params:
                params[name] = enum_label("tensions", "location_precision", params[name], lang)
        return t(f"ingest.reason.{self.code}", lang, **params)


def reason(code: str, **params) -> Reason:
    """A :class:`Reason` with its parameters (sorted: reasons compare by value)."""
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
    #: records of a keyed source (geo.intake) that came back edited and were updated
    updated: int = 0
    rejections: list[tuple[int, list[Reason], dict]] = field(default_factory=list)
    row_warnings: list[tuple[int, list[Reason]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    source_format: str = "veille"
    batch_id: int | None = None
    dry_run: bool = False
    #: a row of HXL hashtags under the header was recognised (not a data row)
    hxl_row: bool = False
    #: file-level remarks (lines decoded in another encoding …), as :class:`Reason`
    notices: list[Reason] = field(default_factory=list)
    #: accepted rows and where each was placed (``row, id, region_id, cercle_id, commune_id,
    #: precision, corrections``), for the preview
    placed: list[dict] = field(default_factory=list)
    attribution: str | None = None

    @property
    def warnings(self) -> int:
        return sum(len(w) for _, w in self.row_warnings)

    def as_dict(self, lang: str = "fr") -> dict:
        """The report as the command line's ``--json`` prints it."""
        return {
            "kind": self.kind, "rows": self.rows, "accepted": self.accepted,
            "rejected": self.rejected, "duplicates": self.duplicates, "updated": self.updated,
            "warnings": self.warnings,
            "rejections": [{"row": r, "reasons": [x.text(lang) for x in reasons],
                            "codes": [x.code for x in reasons]}
                           for r, reasons, _ in self.rejections],
            "row_warnings": [{"row": r, "warnings": [x.text(lang) for x in w]}
                             for r, w in self.row_warnings],
            "ignored_columns": self.ignored_columns, "source_format": self.source_format,
            "file_name": self.file_name, "sha256": self.sha256, "batch_id": self.batch_id,
            "dry_run": self.dry_run, "hxl_row": self.hxl_row,
            "notices": [x.text(lang) for x in self.notices], "attribution": self.attribution,
        }

    def placed_frame(self, lang: str = "fr") -> pd.DataFrame:
        """Accepted rows and where each was placed: ``row, id, region, cercle, commune``
        (French names), ``precision`` (tensions, in ``lang``) and ``corrections`` (what was
        corrected, e.g. a latitude/longitude swap)."""

        regions = units.load_regions()["region_fr"]
        cercles = units.load_cercles()["cercle_fr"]
        communes = units.load_communes()["commune_fr"]
        return pd.DataFrame({
            "row": [p["row"] for p in self.placed], "id": [p["id"] for p in self.placed],
            "region": [regions.get(p["region_id"], "") for p in self.placed],
            "cercle": [cercles.get(p["cercle_id"], "") for p in self.placed],
            "commune": [communes.get(p["commune_id"], "") for p in self.placed],
            "precision": [enum_label("tensions", "location_precision", p["precision"], lang)
                          for p in self.placed],
            "corrections": [" ; ".join(w.text(lang) for w in p["corrections"])
                            for p in self.placed]})

    def rejected_frame(self, lang: str = "fr") -> pd.DataFrame:
        """Rejected rows with their reasons, the warnings of the same row (``warnings``, when
        any row has one) and their cells as they were read: columns named by the field's
        label in ``lang`` (``occurred_on`` → "Date de l'incident"), empty cells empty."""
        warned = dict(self.row_warnings)
        records = [{"row": r, "reasons": " ; ".join(x.text(lang) for x in reasons),
                    **({"warnings": " ; ".join(w.text(lang) for w in warned.get(r, ()))}
                       if any(r in warned for r, _, _ in self.rejections) else {}),
                    **cells(data, lang)}
                   for r, reasons, data in self.rejections]
        return pd.DataFrame.from_records(records, columns=None if records else ["row", "reasons"])

    def accepted_warnings(self) -> list[tuple[int, list[Reason]]]:
        """The warnings of the accepted rows (a rejected row's are in :meth:`rejected_frame`)."""
        rejected = {r for r, _, _ in self.rejections}
        return [(r, ws) for r, ws in self.row_warnings if r not in rejected]


def field_label(name: str, lang: str) -> str:
    """A field's label in ``lang`` (``occurred_on`` → "Date de l'incident"); a column the
    importer does not know keeps the file's own header."""

    key = f"fieldname.{name}"
    label = t(key, lang) if key in TRANSLATIONS["fr"] else str(name)
    return label[:1].upper() + label[1:]


def cell_text(value) -> str:
    """A cell as the file gave it: empty when empty (never "None" or "nan")."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def cells(data: dict, lang: str) -> dict:
    """A rejected row's cells under their fields' labels, as text (:func:`cell_text`)."""
    return {field_label(k, lang): cell_text(v) for k, v in data.items()}


def rejected_rows(engine: Engine, batch_id: int, lang: str = "fr") -> pd.DataFrame:
    """The rejected rows of one batch: spreadsheet row number, reasons (in ``lang``; rows
    stored before schema v4 keep their French text), then the row's cells."""
    table = store.rejected_row
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).where(table.c.batch_id == batch_id)
                            .order_by(table.c.row)).all()

    def reasons(r) -> str:
        if r.details:
            return " ; ".join(Reason.from_json(item).text(lang) for item in json.loads(r.details))
        return " ; ".join(json.loads(r.reasons))

    records = [{"row": r.row, "reasons": reasons(r), **cells(json.loads(r.data), lang)}
               for r in rows]
    return pd.DataFrame.from_records(records) if records else pd.DataFrame(
        columns=["row", "reasons"])
