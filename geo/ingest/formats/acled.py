"""ACLED (Armed Conflict Location & Event Data Project), as its export tool, its API and HDX
distribute it (codebook 2023–2024: ``event_id_cnty``, ``event_date``, ``time_precision``,
``disorder_type``, ``event_type``, ``sub_event_type``, ``actor1`` …, ``region`` (the world
region), ``country``, ``admin1``–``admin3``, ``location``, ``latitude``, ``longitude``,
``geo_precision``, ``source``, ``notes``, ``fatalities``, ``timestamp``).

* ``admin1``/``admin2``/``admin3`` place the event; ACLED's ``region`` is a world region
  ("Western Africa") and is ignored, like the actor columns (public actors, not persons).
* ``event_date`` is ``31 December 2020`` (export tool) or ``2020-12-31`` (API, HDX).
* A dyadic file has one row per actor pair: rows of one ``event_id_cnty`` with the same
  mapped content are one event (duplicates, not rejections).
* ``geo_precision`` 1/2/3 → exact / commune / cercle (3: "a larger region"); it and
  ``time_precision`` (1 day, 2 week, 3 month) are kept.
* History from 1997, ACLED's first year for Africa.
"""

from __future__ import annotations

from datetime import date

from geo.ingest.formats import Format, public_event
from geo.ingest.report import reason
from geo.ingest.parse import norm_value

ATTRIBUTION = "Armed Conflict Location & Event Data Project (ACLED); acleddata.com"

#: ACLED event type → Veille category.
CATEGORY = {
    "battles": "clash", "violence against civilians": "armed_group",
    "explosions remote violence": "armed_group", "explosions/remote violence": "armed_group",
    "protests": "protest", "riots": "clash", "strategic developments": "other",
}
#: ``geo_precision`` → Veille's location precision.
PRECISION = {1: "exact", 2: "commune", 3: "cercle"}


def translate(rec: dict, helper, reasons: list) -> None:
    """ACLED's columns into Veille's tension fields (source ``acled``, verified: ACLED
    reviews every event)."""

    if rec.get("category") is None:
        event = norm_value(helper("event_type") or "")
        rec["category"] = CATEGORY.get(event, "other")
        if event == "":
            reasons.append(reason("code_missing", field="event_type"))
    public_event(rec, "acled", PRECISION, "cercle")


FORMAT = Format(
    key="acled", label_key="format.acled", kinds=("tensions",),
    # (not geo/time_precision: Veille's own exports carry those names too)
    markers=frozenset({"event_id_cnty", "event_type", "event_date", "sub_event_type",
                       "disorder_type", "assoc_actor_1", "event_id_no_cnty"}),
    min_markers=2,
    aliases={"event_id_cnty": "report_id", "event_date": "occurred_on", "admin1": "region",
             "admin2": "cercle", "admin3": "commune", "notes": "summary",
             "fatalities": "fatalities", "event_type": "__event_type__",
             "geo_precision": "geo_precision", "time_precision": "time_precision",
             # ACLED's own sources and place name: not Veille's source type nor a place to
             # resolve (HDX tags "source" #meta+source, which would otherwise map it)
             "source": None, "source_scale": None, "location": None},
    drop=("region", "id", "date", "description"),
    earliest=date(1997, 1, 1), attribution=ATTRIBUTION, public_text=True, translate=translate)
