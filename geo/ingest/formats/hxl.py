"""HXL, the Humanitarian Exchange Language: a row of hashtags under the header (HDX files,
Veille's own exports) or hashtags instead of headers.

A hashtag row is recognised (every filled cell a hashtag such as ``#adm1+name`` or
``#affected+killed``) and is not a data row; a column whose header Veille does not know is
mapped from its hashtag (:func:`field_for`). Attributes are compared in any order
(``#date+occurred`` = ``#date +occurred``).
"""

from __future__ import annotations

import re

_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*$", re.IGNORECASE)

#: Normalised hashtag → field, per kind (Veille's own export tags, then HDX's usual ones).
_COMMON = {
    "#adm1+code": "region", "#adm1+name": "region", "#adm1": "region",
    "#adm2+code": "cercle", "#adm2+name": "cercle", "#adm2": "cercle",
    "#adm3+code": "commune", "#adm3+name": "commune", "#adm3": "commune",
    "#geo+lat": "latitude", "#geo+lon": "longitude",
}
_BY_KIND = {
    "workshops": {"#activity+id": "workshop_id", "#date+start": "start_date",
                  "#date+end": "end_date", "#org": "organiser",
                  "#reached+total": "participants", "#reached+f": "women",
                  "#reached+youth": "youth", "#description": "notes",
                  "#reached+politicalparties": "political_parties",
                  "#reached+localauthorities": "local_authorities",
                  "#reached+signatorymovements": "signatory_movements",
                  "#reached+civilsociety": "civil_society",
                  "#reached+traditionalassociations": "traditional_associations",
                  "#reached+government": "government", "#reached+media": "media"},
    "mediators": {"#meta+id": "mediator_code", "#gender": "gender", "#age": "age_band",
                  "#date+trained": "trained_on", "#language": "languages",
                  "#activity+id": "workshop_id", "#status": "status"},
    "tensions": {"#event+id": "report_id", "#event+code": "report_id",
                 "#date+occurred": "occurred_on", "#date": "occurred_on",
                 "#date+reported": "reported_on", "#geo+precision": "location_precision",
                 "#event+type": "category", "#severity": "severity",
                 "#affected+killed": "fatalities", "#affected+injured": "injuries",
                 "#meta+source": "source_type", "#status+verification": "verification",
                 "#status": "status", "#description": "summary"},
}


def normalise(tag: object) -> str:
    """``"#Date +occurred"`` → ``"#date+occurred"`` (lower case, attributes sorted)."""
    text = re.sub(r"\s+", "", str(tag)).lower()
    head, *attrs = text.split("+")
    return "+".join([head, *sorted(attrs)])


def is_tag(value: object) -> bool:
    return isinstance(value, str) and bool(_TAG.match(value.strip()))


def is_tag_row(values: list) -> bool:
    """True when every filled cell is a hashtag (and at least two are)."""
    filled = [v for v in values if v is not None and str(v).strip() != ""
              and not (isinstance(v, float) and v != v)]
    return len(filled) >= 2 and all(is_tag(v) for v in filled)


def field_for(kind: str, tag: str | None) -> str | None:
    """The field a hashtag maps to for a kind (None when unknown)."""
    if not tag:
        return None
    table = {**{normalise(k): v for k, v in _COMMON.items()},
             **{normalise(k): v for k, v in _BY_KIND[kind].items()}}
    return table.get(normalise(tag))
