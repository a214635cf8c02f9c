"""UCDP GED (Uppsala Conflict Data Program, Georeferenced Event Dataset), the yearly CSV as
distributed and the candidate-events file (codebook: ``id``, ``relid``, ``year``,
``type_of_violence``, ``conflict_name``, ``dyad_name``, ``side_a``, ``side_b``,
``source_headline``, ``where_prec``, ``where_coordinates``, ``adm_1``, ``adm_2``,
``latitude``, ``longitude``, ``country``, ``region`` (a world region), ``date_prec``,
``date_start``, ``date_end``, ``deaths_*``, ``best``, ``high``, ``low`` …).

* ``adm_1``/``adm_2`` (``"Mopti region"``, ``"Bankass cercle"``) place the event; ``region``
  is a world region and is ignored.
* ``where_prec`` 1/2/3 → exact / commune / cercle; 4 and above (a region, a country, an area
  at sea) → region: such an event counts in no cercle. ``where_prec`` and ``date_prec`` are
  kept (as ``geo_precision`` and ``time_precision``).
* ``best`` is the number of deaths; ``type_of_violence`` 1 (state-based) and 3 (one-sided) →
  armed group, 2 (non-state, mostly communal here) → intercommunal.
* History from 1989, the GED's first year.
"""

from __future__ import annotations

from datetime import date

from geo.ingest.formats import Format, public_event
from geo.ingest.report import reason
from geo.records.fields import MAXIMA
from geo.ingest.parse import parse_number

ATTRIBUTION = ("Uppsala Conflict Data Program (UCDP), Georeferenced Event Dataset; "
               "ucdp.uu.se")
CATEGORY = {"1": "armed_group", "2": "intercommunal", "3": "armed_group"}
PRECISION = {1: "exact", 2: "commune", 3: "cercle"}


def translate(rec: dict, helper, reasons: list) -> None:
    """UCDP's columns into Veille's tension fields (source ``ucdp``, verified)."""

    if rec.get("category") is None:
        rec["category"] = CATEGORY.get((helper("type_of_violence") or "").split(".")[0],
                                       "other")
    best = helper("best")
    if best is not None and rec.get("fatalities") is None:
        number = parse_number(best)
        if number is not None and number > MAXIMA["fatalities"]:
            reasons.append(reason("above_maximum", field="best", value=best[:40],
                                  max=MAXIMA["fatalities"]))
        elif number is not None and number >= 0 and number == int(number):
            rec["fatalities"] = int(number)
    public_event(rec, "ucdp", PRECISION, "region")      # fatalities first: severity uses them


FORMAT = Format(
    key="ucdp", label_key="format.ucdp", kinds=("tensions",),
    markers=frozenset({"type_of_violence", "date_start", "where_prec", "dyad_name",
                       "conflict_new_id", "where_coordinates"}),
    min_markers=2,
    aliases={"id": "report_id", "date_start": "occurred_on", "adm_1": "region",
             "adm_2": "cercle", "best": "__best__", "type_of_violence": "__type_of_violence__",
             "where_prec": "geo_precision", "date_prec": "time_precision",
             "source_headline": "summary"},
    drop=("region", "date", "description"),
    earliest=date(1989, 1, 1), attribution=ATTRIBUTION, public_text=True, translate=translate)
