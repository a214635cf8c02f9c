"""The data dictionary of field records: workshops, mediators and tension reports.

Canonical field names are what the importer, the store and the exports use. Coded fields
accept their code or their French label, case-insensitive (``"Discours de haine"`` →
``hate_speech``). Region, cercle and commune are stored as codes (``region_id``,
``cercle_id``, ``commune_id``); exports add the French names.

No field holds a person's name, phone number or e-mail address: mediators are known by a
pseudonymous code only (the screen is :mod:`geo.records.personal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from geo.records import personal

KINDS: tuple[str, ...] = ("workshops", "mediators", "tensions")


@dataclass(frozen=True)
class Field:
    """One canonical field.

    ``type`` is one of ``id, date, text, int, coord, enum, place``; ``required`` fields
    reject a row when missing.
    """

    name: str
    type: str
    required: bool = False


_PLACE = [Field("region", "place"), Field("cercle", "place"), Field("commune", "place"),
          Field("latitude", "coord"), Field("longitude", "coord")]

#: Stakeholder groups of a workshop (counts of participants).
GROUPS: tuple[str, ...] = ("political_parties", "local_authorities", "signatory_movements",
                           "civil_society", "traditional_associations", "government", "media")

FIELDS: dict[str, tuple[Field, ...]] = {
    "workshops": (
        Field("workshop_id", "id"), Field("start_date", "date", True), Field("end_date", "date"),
        *_PLACE, Field("organiser", "text"), Field("participants", "int", True),
        Field("women", "int"), Field("youth", "int"),
        *(Field(g, "int") for g in GROUPS), Field("notes", "text"),
    ),
    "mediators": (
        Field("mediator_code", "id"), *_PLACE, Field("gender", "enum"),
        Field("age_band", "enum"), Field("trained_on", "date"), Field("workshop_id", "text"),
        Field("status", "enum"), Field("languages", "text"),
    ),
    "tensions": (
        Field("report_id", "id"), Field("occurred_on", "date", True),
        Field("reported_on", "date"), *_PLACE, Field("location_precision", "enum"),
        Field("category", "enum", True), Field("severity", "int", True),
        Field("fatalities", "int"), Field("injuries", "int"), Field("source_type", "enum"),
        Field("verification", "enum"), Field("status", "enum"), Field("summary", "text"),
        # the source's own precision codes, kept as given (ACLED geo/time_precision, UCDP
        # where_prec/date_prec): see geo.ingest.formats
        Field("geo_precision", "int"), Field("time_precision", "int"),
    ),
}

#: The identifier field of each kind.
ID_FIELD = {"workshops": "workshop_id", "mediators": "mediator_code", "tensions": "report_id"}

#: Allowed codes with their (French, English) labels, per kind and field.
ENUMS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("tensions", "category"): {
        "intimidation": ("Intimidation", "Intimidation"),
        "hate_speech": ("Discours de haine", "Hate speech"),
        "clash": ("Affrontement", "Clash"),
        "intercommunal": ("Conflit intercommunautaire", "Intercommunal conflict"),
        "electoral_attack": ("Attaque liée aux élections", "Election-related attack"),
        "armed_group": ("Groupe armé", "Armed group"),
        "protest": ("Manifestation", "Protest"),
        "other": ("Autre", "Other")},
    ("tensions", "location_precision"): {
        "exact": ("Exacte", "Exact"), "commune": ("Commune", "Commune"),
        "cercle": ("Cercle", "Cercle"), "region": ("Région", "Region")},
    ("tensions", "source_type"): {
        "mediator": ("Médiateur", "Mediator"), "media": ("Médias", "Media"),
        "partner": ("Partenaire", "Partner"), "acled": ("ACLED", "ACLED"),
        "ucdp": ("UCDP", "UCDP"), "other": ("Autre", "Other"),
        # reports that reached Veille by themselves (geo.intake): a KoboToolbox or ODK
        # Central form synchronised, an SMS through a gateway
        "kobo": ("KoboToolbox", "KoboToolbox"), "odk": ("ODK Central", "ODK Central"),
        "sms": ("SMS", "SMS"),
        # what mediators' and SMS reporters' reports are published as
        # (geo.analysis.disclosure.published_reports)
        "network": ("Réseau (médiateurs, SMS)", "Network (mediators, SMS)")},
    ("tensions", "verification"): {
        "unverified": ("Non vérifié", "Unverified"), "verified": ("Vérifié", "Verified"),
        "false": ("Faux", "False")},
    ("tensions", "status"): {
        "open": ("Ouvert", "Open"), "follow_up": ("Suivi", "Follow-up"),
        "resolved": ("Résolu", "Resolved")},
    ("mediators", "gender"): {"female": ("Femme", "Female"), "male": ("Homme", "Male")},
    ("mediators", "age_band"): {
        "18-24": ("18-24 ans", "18-24"), "25-35": ("25-35 ans", "25-35"),
        "36-49": ("36-49 ans", "36-49"), "50+": ("50 ans et plus", "50 and over")},
    ("mediators", "status"): {"active": ("Actif", "Active"), "inactive": ("Inactif", "Inactive")},
}
#: Synonyms accepted on import besides codes and labels (normalised: lower case, no accents).
ENUM_SYNONYMS: dict[tuple[str, str], dict[str, str]] = {
    ("mediators", "gender"): {"f": "female", "m": "male", "h": "male", "feminin": "female",
                              "masculin": "male", "woman": "female", "man": "male"},
    ("tensions", "status"): {"en cours": "follow_up", "suivi en cours": "follow_up",
                             "clos": "resolved", "ferme": "resolved"},
    ("tensions", "verification"): {"non verifie": "unverified", "verifie": "verified",
                                   "fausse": "false", "faux": "false"},
}

#: The fields of a tension report that the review queue owns once the report is reviewed
#: (:mod:`geo.records.review`): a re-import neither compares nor changes them.
REVIEWED_FIELDS: tuple[str, ...] = ("verification", "status")

#: Defaults applied when an optional coded field is empty.
DEFAULTS: dict[tuple[str, str], str] = {
    ("tensions", "verification"): "unverified", ("tensions", "status"): "open",
    ("tensions", "source_type"): "other", ("mediators", "status"): "active",
}

#: Free-text fields: a phone number, an e-mail address or a named person in one of their cells
#: rejects the row (:mod:`geo.records.personal`); in any other column it refuses the file.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "workshops": ("organiser", "notes"),
    "mediators": ("languages",),
    "tensions": ("summary",),
}
#: Largest value of each count (a value above it rejects the row): no workshop gathers more
#: than 10,000 people, no event more than 100,000 dead or injured; severity is 1–5.
MAXIMA: dict[str, int] = {
    "participants": 10_000, "women": 10_000, "youth": 10_000,
    **{g: 10_000 for g in GROUPS},
    "fatalities": 100_000, "injuries": 100_000, "severity": 5,
    "geo_precision": 9, "time_precision": 9,
}
#: Longest identifier and free text (characters); longer values reject the row, never cut.
MAX_ID_LENGTH = 120
MAX_TEXT_LENGTH = 10_000
#: Location fields a tension report does not keep, by its location precision: nothing finer
#: than the precision is stored, so no map, export or indicator can place it more precisely
#: than it was reported (a region-level event counts in no cercle).
FINER_THAN: dict[str, tuple[str, ...]] = {
    "exact": (), "commune": ("latitude", "longitude"),
    "cercle": ("latitude", "longitude", "commune_id"),
    "region": ("latitude", "longitude", "commune_id", "cercle_id"),
}
#: Cells a rejected row never keeps: a mediator's whereabouts and free text (the row number,
#: its codes and its reasons are enough to correct the file).
REJECTED_ROW_DROP: dict[str, frozenset[str]] = {
    "mediators": frozenset({"latitude", "longitude", "_geolocation", "commune", "languages"}),
    "workshops": frozenset(),
    "tensions": frozenset(),
}


def kept_rejected_cells(kind: str, data: dict) -> dict:
    """A rejected row's cells as they may be kept with its batch: without the cells
    :data:`REJECTED_ROW_DROP` names for its kind (a mediator's whereabouts and free text),
    without empty cells and without any cell the personal-data screen flags."""

    drop = REJECTED_ROW_DROP.get(kind, frozenset())
    return {k: v for k, v in data.items()
            if k not in drop and not (isinstance(v, str) and personal.free_text_kind(v))}


def enum_label(kind: str, field: str, code: str | None, lang: str = "fr") -> str:
    """Display label of a code (empty for None)."""
    if code is None:
        return ""
    labels = ENUMS.get((kind, field), {}).get(code)
    return code if labels is None else labels[0 if lang == "fr" else 1]
