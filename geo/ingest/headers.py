"""Headers: the personal-data screen, and mapping a file's headers to canonical fields."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from geo.records import personal
from geo.ingest import formats
from geo.ingest.formats import Format
from geo.ingest.formats import hxl as hxl_format
from geo.ingest.read import ROW_PROBLEM
from geo.ingest.report import ImportRefused
from geo.records.fields import FIELDS, FREE_TEXT


def normalise_header(header: str) -> str:
    """``"grp_incident/Date de l'incident"`` → ``"date_de_l_incident"`` (accents, case, group
    prefixes and punctuation removed). Kobo meta columns keep their leading underscore."""
    text = str(header).replace("\ufeff", "").strip().split("/")[-1]
    meta = text.startswith("_")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return "_" + text if meta else text


def _personal_data_columns(headers: list[str]) -> list[tuple[str, str]]:
    """``(header, kind)`` of each column whose header names a person or a way to reach one
    (:func:`geo.records.personal.header_kind`)."""
    return [(str(h), kind) for h in headers if h != ROW_PROBLEM
            and (kind := personal.header_kind(h)) is not None]


def map_headers(headers: list[str], kind: str, hxl: dict[str, str] | None = None
                ) -> tuple[dict[str, str], list[str], Format]:
    """Map the file's headers to canonical fields.

    The format is recognised from the headers (:func:`geo.ingest.formats.detect`); each
    header maps through the format's aliases, else through its HXL hashtag (``hxl``: header
    → hashtag, from a hashtag row or hashtags used as headers), else, for ``…_latitude`` /
    ``…_longitude`` (KoboToolbox), to the coordinate.

    Returns ``(mapping raw header -> canonical or helper field, ignored headers, format)``.

    Raises
    ------
    ImportRefused
        When a header reveals personal data, or no header is recognised.
    """
    found = _personal_data_columns(headers)
    if found:
        raise ImportRefused("personal_data", columns=found)
    hxl = hxl or {}
    norms = {h: normalise_header(h) for h in headers}
    fmt = formats.detect(kind, set(norms.values()))
    aliases = fmt.mapping(kind)
    mapping, ignored = {}, []
    for raw, norm in norms.items():
        if raw == ROW_PROBLEM:              # set by the readers (see read_table)
            mapping[raw] = raw
            continue
        target = aliases.get(norm)
        if target is None and norm in aliases:      # ignored on purpose by the format
            ignored.append(raw)
            continue
        if target is None:
            target = hxl_format.field_for(kind, hxl.get(raw) or (raw if hxl_format.is_tag(raw)
                                                                 else None))
        if target is None:
            coord = re.fullmatch(r"_?(?:.+_)?(latitude|longitude)", norm)
            target = coord.group(1) if coord else None
        if target is None or target in mapping.values():
            if norm not in fmt.silent:
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
    e-mail address (:func:`geo.records.personal.value_kind`), whatever its header; free-text fields
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
