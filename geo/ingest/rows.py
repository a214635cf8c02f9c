"""Validating and placing every row of a table: one result per row, with all its reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.ingest import formats
from geo.ingest.parse import Memo, clean_column, parse_field, parse_number
from geo.ingest.place import Locator, place_row
from geo.ingest.read import ROW_PROBLEM
from geo.ingest.report import Reason, reason
from geo.records.fields import FIELDS, FINER_THAN, GROUPS, REJECTED_ROW_DROP, kept_rejected_cells


@dataclass(slots=True)
class RowResult:
    row: int
    record: dict | None
    reasons: list[Reason]
    warnings: list[Reason]
    data: dict


def validate(frame: pd.DataFrame, row_numbers: list[int], kind: str, mapping: dict[str, str],
             fmt=None, locator: Locator | None = None,
             today: date | None = None) -> list[RowResult]:
    """Validate and locate every row; return one :class:`RowResult` per row, in order.

    A row is rejected with *all* its reasons at once: missing or unknown location, missing,
    unparseable or future date, date before 2012, negative or non-whole counts, women/youth or
    a group above participants, codes outside the allowed values, severity outside 1–5,
    coordinates outside Mali (a clear lat/lon swap is corrected with a warning).
    """
    fmt = fmt or formats.by_key("veille")
    locator = locator or Locator()
    today = today or date.today()
    cols = {target: clean_column(frame[raw]) for raw, target in mapping.items()}
    n = len(frame)
    empty = [None] * n

    def column(name):
        return cols.get(name, empty)

    numbers = Memo(parse_number)

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
    parsed = [(f.name, *parse_field(f, cols.get(f.name), kind, fmt, today, n))
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
        return place_row(kind, locator, place_names, given,
                      (lat_raw[i], lon_raw[i], lat[i], lon[i], at[i], swapped[i],
                       at_commune[i], swapped_commune[i]))

    counts_checked = kind != "tensions"   # tensions: only the severity scale, inlined below
    # Placing depends on the given precision, which ACLED/UCDP rows only get below.
    placed_col = ([place(i, g) for i, g in enumerate(given_col)] if fmt.translate is None
                  else None)
    results = []
    for i, row_values in enumerate(zip(*value_cols)):
        rec = dict(zip(names, row_values))
        if row_problems is not None and isinstance(row_problems[i], Reason):
            # the row itself is broken (cells shifted, no readable geometry): its other
            # checks would only repeat that
            data = _kept(cols, data_cols, i, kind)
            results.append(RowResult(row_numbers[i], None, [row_problems[i]], [], data))
            continue
        reasons = ([problems[i] for problems in reason_cols if problems[i] is not None]
                   if reason_cols else [])
        warns: list[Reason] = []
        if fmt.translate is not None:
            fmt.translate(rec, lambda name: _helper(cols, name, i), reasons)
        elif kind == "tensions" and reasons and rec.get("source_type") in formats.SOURCE_EARLIEST:
            # an ACLED/UCDP event in a Veille file (Veille's own export): its source's floor
            floor = formats.SOURCE_EARLIEST[rec["source_type"]]
            reasons = [r for r in reasons if not (
                r.code == "date_too_early" and rec.get(dict(r.params)["field"]) is not None
                and rec[dict(r.params)["field"]] >= floor)]
        if counts_checked:
            check_counts(kind, rec, reasons)
        elif rec["severity"] is not None and not 1 <= rec["severity"] <= 5:   # tensions
            reasons.append(reason("severity_range", value=rec["severity"]))
        placed = (placed_col[i] if placed_col is not None
                  else place(i, rec.get("location_precision")))
        (rec["region_id"], rec["cercle_id"], rec["commune_id"], rec["latitude"],
         rec["longitude"], place_reasons, place_warns, precision) = placed
        reasons.extend(place_reasons)
        warns.extend(place_warns)
        if kind == "tensions":
            rec["location_precision"] = precision
            if precision != "exact":
                for name in FINER_THAN[precision]:   # nothing finer than the precision
                    rec[name] = None
        if kind == "workshops" and rec["end_date"] and rec["start_date"] \
                and rec["end_date"] < rec["start_date"]:
            reasons.append(reason("end_before_start"))
        if kind == "tensions" and rec["reported_on"] and rec["occurred_on"] \
                and rec["reported_on"] < rec["occurred_on"]:
            warns.append(reason("reported_before_occurred"))
        data = _kept(cols, data_cols, i, kind) if reasons else {}
        results.append(RowResult(row_numbers[i], None if reasons else rec, reasons, warns, data))
    return results


def _kept(cols: dict, data_cols: list, i: int, kind: str) -> dict:
    """Row ``i``'s recognised cells as a rejected row keeps them
    (:func:`geo.records.fields.kept_rejected_cells`)."""
    cells = {t: None if cols[t][i] is None or isinstance(cols[t][i], Reason) else str(cols[t][i])
             for t in data_cols}
    kept = kept_rejected_cells(kind, cells)
    return {t: kept.get(t) for t in data_cols}


def _helper(cols: dict, name: str, i: int) -> str | None:
    """A format's helper cell ``__name__`` of row ``i``, as text (None when absent)."""
    values = cols.get(f"__{name}__")
    v = values[i] if values is not None else None
    return None if v is None else str(v)


def check_counts(kind: str, rec: dict, reasons: list[Reason]) -> None:
    if kind == "tensions":
        sev = rec.get("severity")
        if sev is not None and not 1 <= sev <= 5:
            reasons.append(reason("severity_range", value=sev))
        return
    if kind != "workshops" or rec.get("participants") is None:
        return
    total = rec["participants"]
    for name in ("women", "youth", *GROUPS):
        if rec.get(name) is not None and rec[name] > total:
            reasons.append(reason("above_participants", field=name, value=rec[name],
                                   participants=total))
