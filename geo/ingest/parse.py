"""Values: dates, numbers, codes; each distinct cell of a column parsed once."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd

from geo.records import personal
from geo.ingest.report import reason
from geo.records.fields import (DEFAULTS, ENUM_SYNONYMS, ENUMS, FREE_TEXT, MAX_ID_LENGTH,
                         MAX_TEXT_LENGTH, MAXIMA)



_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# "31 December 2020" (ACLED's export tool), "31-Dec-2020", "31 décembre 2020"
_NAMED = re.compile(r"^(\d{1,2})[\s\-]+([^\W\d_]+)\.?[\s\-,]+(\d{4})$", re.UNICODE)
_MONTHS = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june",
                                   "july", "august", "september", "october", "november",
                                   "december"), start=1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                   "sep", "oct", "nov", "dec"), start=1)},
    "sept": 9,
    **{m: i for i, m in enumerate(("janvier", "fevrier", "mars", "avril", "mai", "juin",
                                   "juillet", "aout", "septembre", "octobre", "novembre",
                                   "decembre"), start=1)},
    "janv": 1, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "dec": 12,
}


def parse_date(value) -> date | None:
    """A date from ISO ``2018-07-29`` (a time may follow, and must be a real time: ``25:61``
    is refused), French ``29/07/2018``, or a day, month name and year in English or French
    (``31 December 2020``, ACLED's export format; ``31 déc. 2020``); else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if m := _ISO.match(text):
            hour, minute, second = (int(g) if g else 0 for g in m.group(4, 5, 6))
            if hour > 23 or minute > 59 or second > 59:
                return None
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _FR.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _NAMED.match(text):
            month = _MONTHS.get(norm_value(m.group(2)))
            return date(int(m.group(3)), month, int(m.group(1))) if month else None
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


def norm_value(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[\s_\-]+", " ", text).strip()


def enum_lookup(kind: str, fld: str) -> dict[str, str]:
    table = {}
    for code, labels in ENUMS[(kind, fld)].items():
        for name in (code, *labels):
            table[norm_value(name)] = code
    for alias, code in ENUM_SYNONYMS.get((kind, fld), {}).items():
        table[norm_value(alias)] = code
    return table




def clean_column(series: pd.Series) -> list:
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


class Memo(dict):
    """Per-import cache of a pure parse function (columns repeat their values a lot)."""

    def __init__(self, func):
        super().__init__()
        self.func = func

    def __missing__(self, key):
        value = self[key] = self.func(key)
        return value


def parse_count(raw) -> tuple[str | None, int | None]:
    number = parse_number(raw)
    if number is not None and abs(number) > 1e15:     # int() would be exact but useless
        return "too_large", None
    if number is None or number != int(number):
        return "not_whole_number", None
    if number < 0:
        return "negative", None
    return None, int(number)


def parse_field(f, values: list | None, kind: str, fmt, today: date,
                 n: int) -> tuple[list, list]:
    """Parse one column: ``(values, problems)``, a problem being a :class:`Reason` or None.
    Each distinct cell is parsed once; ``values`` is None when the file has no such column."""
    missing_problem = None
    if f.required:
        if f.type == "date":
            missing_problem = reason("date_missing", field=f.name)
        elif f.type == "int" and not (kind == "tensions" and f.name == "severity"
                                      and fmt.translate is not None):
            missing_problem = reason("count_missing", field=f.name)
        elif f.type == "enum" and fmt.translate is None:
            missing_problem = reason("code_missing", field=f.name)
    missing = (DEFAULTS.get((kind, f.name)) if f.type == "enum" else None, missing_problem)
    if values is None:
        return [missing[0]] * n, [missing_problem] * n
    if f.type == "enum":
        table = enum_lookup(kind, f.name)
        allowed = ", ".join(ENUMS[(kind, f.name)])

    def parse(raw):
        if f.type == "date":
            d = parse_date(raw)
            if d is None:
                return None, reason("date_unparseable", field=f.name, value=str(raw))
            # the date as the user typed it (a spreadsheet's own date: dd/mm/yyyy)
            typed = (" ".join(raw.split()) if isinstance(raw, str)
                     else d.strftime("%d/%m/%Y"))
            if d > today:
                return d, reason("date_future", field=f.name, value=typed)
            if d < fmt.earliest:
                return d, reason("date_too_early", field=f.name, value=typed)
            return d, None
        if f.type == "int":
            problem, value = parse_count(raw)
            if problem == "too_large" or (problem is None and f.name != "severity"
                                          and value > MAXIMA[f.name]):
                return None, reason("above_maximum", field=f.name, value=str(raw)[:40],
                                     max=MAXIMA[f.name])
            if problem:
                return value, reason(problem, field=f.name, value=str(raw)[:40])
            return value, None
        code = table.get(norm_value(raw))
        if code is None:
            return None, reason("code_unknown", field=f.name, value=str(raw), allowed=allowed)
        return code, None

    if f.type in ("id", "text"):   # few checks, made in bulk
        limit = MAX_ID_LENGTH if f.type == "id" else MAX_TEXT_LENGTH
        out_values = [None if raw is None else str(raw) for raw in values]
        out_problems = [missing_problem if v is None else None for v in out_values]
        for i in [i for i, v in enumerate(out_values) if v is not None and len(v) > limit]:
            out_problems[i] = reason("too_long", field=f.name, length=len(out_values[i]),
                                      max=limit)
            out_values[i] = None
        if f.name in FREE_TEXT.get(kind, ()):
            # public event reports (ACLED, UCDP) name public figures: phones, e-mails only
            screen = Memo(personal.value_kind if fmt.public_text else personal.free_text_kind)
            for i, v in enumerate(out_values):
                if v is not None and (found := screen[v]):
                    out_problems[i] = reason("personal_data_in_text", field=f.name, what=found)
                    out_values[i] = None
        return out_values, out_problems
    return per_distinct(values, parse, missing)


def per_distinct(values: list, parse, missing: tuple) -> tuple[list, list]:
    """``parse(value) -> (value, problem)`` applied to each *distinct* cell once
    (``pandas.factorize``), then spread back over the column; empty cells get ``missing``."""
    if not values:
        return [], []
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    out_values = np.empty(len(parsed) + 1, dtype=object)
    out_problems = np.empty(len(parsed) + 1, dtype=object)
    for k, (v, p) in enumerate(parsed):
        out_values[k], out_problems[k] = v, p
    out_values[-1], out_problems[-1] = missing          # code -1: an empty cell
    return out_values[codes].tolist(), out_problems[codes].tolist()
