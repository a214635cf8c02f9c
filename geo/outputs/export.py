"""Export field records and risk scores as CSV (optionally with an HXL hashtag row) and GeoJSON.

Every export carries region, cercle and commune codes and their French names. CSV text cells
that start with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return) are prefixed with an
apostrophe so that a spreadsheet shows them as text instead of running them as formulas
(OWASP "CSV injection"); numbers are written as numbers. Mediators' coordinates and communes
are restricted data and are never exported (cercle level only); tension reports are placed no
more precisely than their location precision.

Command line::

    python -m geo.outputs.export KIND [--format csv|geojson] [--hxl] [-o FILE]
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Engine

from geo.analysis import disclosure
from geo import reference
from geo.records import store
from geo.reference import units
from geo.analysis.coverage import gap_label
from geo.i18n import format_number, t
from geo.analysis.indicators import tension_points
from geo.ingest.formats import attribution
from geo.records.fields import GROUPS
from geo.records import review

#: Columns never exported, per kind (restricted data).
#: Mediators are exported at cercle level only: one row per mediator with its commune would
#: give away the commune counts of 1 or 2 that the Coverage page shows as "< 3".
RESTRICTED = {"mediators": ["latitude", "longitude", "commune_id"]}

HXL = {
    "workshop_id": "#activity+id", "start_date": "#date+start", "end_date": "#date+end",
    "organiser": "#org", "participants": "#reached+total", "women": "#reached+f",
    "youth": "#reached+youth", "notes": "#description",
    **{g: f"#reached+{g.replace('_', '')}" for g in GROUPS},
    "mediator_code": "#meta+id", "gender": "#gender", "age_band": "#age",
    "trained_on": "#date+trained", "languages": "#language",
    "report_id": "#event+id", "occurred_on": "#date+occurred", "reported_on": "#date+reported",
    "location_precision": "#geo+precision", "category": "#event+type", "severity": "#severity",
    "fatalities": "#affected+killed", "injuries": "#affected+injured",
    "source_type": "#meta+source", "verification": "#status+verification", "status": "#status",
    "summary": "#description",
    "region_id": "#adm1+code", "region_fr": "#adm1+name", "cercle_id": "#adm2+code",
    "cercle_fr": "#adm2+name", "commune_id": "#adm3+code", "commune_fr": "#adm3+name",
    "latitude": "#geo+lat", "longitude": "#geo+lon", "is_demo": "#meta+demo",
    "geo_precision": "#geo+precision+source", "time_precision": "#date+precision+source",
    "attribution": "#meta+attribution",
    "unit": "#org+responsible", "escalated": "#status+escalated",
    "reviewed_at": "#date+reviewed", "review_history": "#meta+history",
}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def export_frame(records: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Records of ``kind`` with French unit names added and restricted columns removed;
    tension reports from ACLED or UCDP carry their source's attribution (``attribution``)."""
    frame = records.drop(columns=[c for c in RESTRICTED.get(kind, []) if c in records])
    if kind == "tensions" and "source_type" in frame:
        frame = frame.assign(attribution=frame["source_type"].map(attribution))
    names = {
        "region_fr": frame["region_id"].map(units.load_regions()["region_fr"]),
        "cercle_fr": frame["cercle_id"].map(units.load_cercles()["cercle_fr"]),
        "commune_fr": (frame["commune_id"].map(units.load_communes()["commune_fr"])
                       if "commune_id" in frame else None),
    }
    for col, values in names.items():
        if col.replace("_fr", "_id") in frame:
            at = frame.columns.get_loc(col.replace("_fr", "_id")) + 1
            frame.insert(at, col, values)
    return frame.reset_index(drop=True)


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe; a
    plain number written as text (``-3.2667``) is left as it is."""
    if isinstance(value, str) and value.startswith(_DANGEROUS) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def plain(value, lang: str = "fr"):
    """A cell as a reader reads it: a yes/no in ``lang`` ("oui"/"non"), never Python's
    ``True``/``False``; empty for a missing value, never ``None``/``nan``."""
    if isinstance(value, (bool, np.bool_)):
        return t("export.yes" if value else "export.no", lang)
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA \
            or value is pd.NaT:
        return ""
    return value


def to_csv(frame: pd.DataFrame, hxl: bool = False, lang: str = "fr") -> bytes:
    """CSV bytes (UTF-8 with BOM, so that Excel shows accents), formula cells neutralised,
    yes/no in ``lang`` and missing values empty (:func:`plain`)."""
    safe = frame.copy()
    for col in safe.columns:
        if pd.api.types.is_bool_dtype(safe[col]) or safe[col].dtype == object \
                or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: neutralise(plain(v, lang)))
    buffer = io.StringIO()
    if hxl:
        buffer.write(",".join(safe.columns) + "\n")
        buffer.write(",".join(HXL.get(c, "") for c in safe.columns) + "\n")
        safe.to_csv(buffer, index=False, header=False, lineterminator="\n")
    else:
        safe.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8-sig")


def to_geojson(frame: pd.DataFrame, kind: str) -> bytes:
    """GeoJSON FeatureCollection: tension reports at their precision, workshops at their
    coordinates or else their cercle's representative point, mediators without geometry."""
    if kind == "tensions":
        placed = tension_points(frame)
        geoms = placed.geometry
    elif kind == "workshops":
        reps = reference.load().points["cercle"]
        geoms = [
            {"type": "Point", "coordinates": [row.longitude, row.latitude]}
            if pd.notna(row.latitude) else reps.get(row.cercle_id)
            for row in frame.itertuples(index=False)]
    else:
        geoms = [None] * len(frame)
    features = []
    props = [{k: _json_value(v) for k, v in rec.items()}
             for rec in frame.to_dict(orient="records")]
    for geom, prop in zip(geoms, props):
        if geom is not None and not isinstance(geom, dict):
            geom = {"type": "Point", "coordinates": [round(geom.x, 6), round(geom.y, 6)]}
        features.append({"type": "Feature", "geometry": geom, "properties": prop})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _json_value(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# --------------------------------------------------------------------------- risk scores
def risk_frame(table: pd.DataFrame, scores, view: dict) -> pd.DataFrame:
    """The risk scores as a table for download: one row per cercle (best rank first) with
    codes, French names, score, class, rank, completeness, dimension scores and the view that
    produced them (``as_of``, ``window_days``, ``unverified_weight``, ``preset``,
    ``normalisation``, ``aggregation``, ``dimension_weights``, ``indicator_weights``) repeated
    on every row, so the file still says how it was computed once separated from the app.

    ``table`` is the indicator table scored (its ``attrs`` give the as-of date and window);
    ``scores`` a :class:`geo.analysis.risk.Scores`; ``view`` the :class:`geo.analysis.view.Analysis`
    scored.
    """
    method = view.method
    params = method.parameters()
    columns = {c: table[c].to_numpy() for c in ("cercle_id", "cercle_fr", "region_id",
                                                 "region_fr")}
    columns.update({
        "score": scores.score.round(3).to_numpy(), "class": scores.risk_class.to_numpy(),
        "class_fr": [t(f"risk.class.{c}", "fr") if c else None for c in scores.risk_class],
        "rank": scores.rank.astype("Int64").to_numpy(),
        "completeness": scores.completeness.round(3).to_numpy(),
        **{dim: scores.dimensions[dim].round(3).to_numpy() for dim in scores.dimensions},
        "as_of": table.attrs["as_of"].isoformat(), "window_days": table.attrs["window_days"],
        "unverified_weight": view.unverified_weight, "preset": view.preset,
        "normalisation": method.normalisation, "aggregation": method.aggregation,
        "dimension_weights": ";".join(f"{d}={w:g}"
                                      for d, w in params["dimension_weights"].items()),
        "indicator_weights": ";".join(f"{i.column}={i.weight:g}" for i in method.indicators),
    })
    out = pd.DataFrame(columns)
    out.attrs = {}
    return out.sort_values(["rank", "cercle_id"], na_position="last").reset_index(drop=True)


def risk_geojson(frame: pd.DataFrame, view: dict) -> bytes:
    """GeoJSON of :func:`risk_frame` on the cercles' display geometry, with the method's full
    parameters in a top-level ``veille_method`` member."""
    first = frame.iloc[0]
    meta = {"as_of": first["as_of"], "window_days": int(first["window_days"]),
            "unverified_weight": float(first["unverified_weight"]), "preset": view.preset,
            **view.method.parameters(), "boundaries": units.BOUNDARY_VERSION}
    doc = {"type": "FeatureCollection", "veille_method": meta, "features": _cercle_features(frame)}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def coverage_frame(ranked: pd.DataFrame, rule: dict, as_of: date, preset: str,
                   min_count: int, lang: str = "fr") -> pd.DataFrame:
    """Per-cercle coverage and gap figures for download, in gap order, with the rule that
    classified them (measure, thresholds) and the risk score's as-of date and preset on every
    row (``as_of`` = the risk score's date). ``ranked`` is the Coverage page's table (coverage measures + gap columns +
    ``cercle_fr, region_fr``), ``rule`` the gaps' ``attrs``."""
    cols = ["gap_rank", "cercle_fr", "region_fr", "gap_class", "risk_score", "mediators",
            "mediators_per_10k", "mediators_per_1000km2", "n_communes",
            "communes_without_mediator", "communes_without_mediator_share",
            "population_without_mediator", "mean_distance_txt", "max_distance_txt",
            "workshop_participants", "workshop_participants_per_10k", "women_share",
            "youth_share", "months_since_workshop", "groups_reached", "groups"]
    out = ranked[cols].copy()
    out.insert(0, "cercle_id", ranked.index)
    out.insert(out.columns.get_loc("gap_class") + 1, "gap_class_fr",
               [gap_label(c, rule.get("risk_level"), "fr") for c in ranked["gap_class"]])
    out.insert(3, "region_id", units.load_cercles()["region_id"].reindex(ranked.index).values)
    for col, digits in (("risk_score", 3), ("mediators_per_10k", 3),
                        ("mediators_per_1000km2", 3), ("communes_without_mediator_share", 3),
                        ("population_without_mediator", -1),
                        ("workshop_participants_per_10k", 3),
                        ("women_share", 3), ("youth_share", 3), ("months_since_workshop", 1)):
        out[col] = out[col].astype(float).round(digits)
    out["gap_measure"] = rule["measure"]
    out["risk_threshold"] = round(float(rule["risk_threshold"]), 3)
    out["coverage_threshold"] = round(float(rule["coverage_threshold"]), 3)
    out["as_of"] = as_of.isoformat()
    out["risk_preset"] = preset
    out["commune_population"] = t("export.commune_population", lang)
    out = out.rename(columns={"mean_distance_txt": "mean_distance_band",
                              "max_distance_txt": "max_distance_band"})
    out["mediators"] = out["mediators"].astype("Int64")
    out["mediator_count_protection"] = t(
        "export.mediator_protection", lang, low=min_count - 1,
        area=format_number(disclosure.MIN_ZONE_AREA_KM2, lang))
    out.attrs = {}
    return out.reset_index(drop=True)


def coverage_geojson(frame: pd.DataFrame) -> bytes:
    """GeoJSON of :func:`coverage_frame` on the cercles' display geometry (no mediator is
    ever a feature: counts per cercle only)."""
    return json.dumps({"type": "FeatureCollection", "features": _cercle_features(frame)},
                      ensure_ascii=False).encode("utf-8")


def _cercle_features(frame: pd.DataFrame) -> list[dict]:
    """One GeoJSON feature per row (``cercle_id`` column) on the cercle's display geometry."""
    geoms = units.display_cercles().geometry
    return [{"type": "Feature",
             "geometry": json.loads(shapely.to_geojson(geoms[rec["cercle_id"]])),
             "properties": {k: _json_value(v) for k, v in rec.items()}}
            for rec in frame.to_dict(orient="records")]


#: Record kinds whose rows may be published. One row per mediator, even without a commune,
#: would give away every cercle's exact count (:mod:`geo.analysis.disclosure`): the mediators'
#: records are restricted data, exported only on request (``restricted=True``, the command
#: line's ``--restricted``), never offered on a screen.
PUBLISHED_KINDS = ("workshops", "tensions")


class RestrictedExport(PermissionError):
    """Raised when restricted records are asked for without saying so."""


def export(engine: Engine, kind: str, fmt: str = "csv", hxl: bool = False,
           restricted: bool = False, lang: str = "fr") -> bytes:
    """One record type from the store as CSV or GeoJSON bytes (mediators only with
    ``restricted``: see :data:`PUBLISHED_KINDS`). Tension reports as they may be published
    (:func:`geo.analysis.disclosure.published_reports`: the network's no finer than a
    disclosure zone, under one source), as stored with ``restricted``."""
    if kind not in PUBLISHED_KINDS and not restricted:
        raise RestrictedExport(f"{kind} records are restricted data: ask with restricted=True")
    records = store.load_records(engine, kind)
    if kind == "tensions" and not restricted:
        records = disclosure.published_reports(records)
    frame = export_frame(records, kind)
    if kind == "tensions":                  # the review queue's state and history

        frame = review.with_review(frame, engine)
    return to_geojson(frame, kind) if fmt == "geojson" else to_csv(frame, hxl, lang)
