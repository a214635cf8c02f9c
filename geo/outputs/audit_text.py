"""The audit log's entries in words (the Audit screen): what each detail is and its value, in
the screen's language, whatever shape a write stored it in (a value, a change ``[old, new]``,
a list, an object such as a subscription's before and after). Pure: no Streamlit."""

from __future__ import annotations

import json

from geo.analysis.disclosure import rounded_text
from geo.i18n import LANGUAGE_NAMES, format_number, t
from geo.records.fields import enum_label
from geo.reference import units

#: Detail values shown through a translation of their own (when the value is a code).
VALUES = {"kind": "kind.{}", "before": "role.{}", "after": "role.{}",
          "plan_kind": "planner.kind.{}", "model": "planner.model.{}",
          "demand": "planner.demand.{}", "action_kind": "actions.kind.{}",
          "status": "actions.status.{}", "unit": "actions.unit.{}",
          "trigger_kind": "triggers.kind.{}", "trigger_outcome": "triggers.outcome.{}",
          "response_kind": "actions.kind.{}", "response_unit": "actions.unit.{}",
          "kinds": "subs.kind.{}"}
#: Detail values that are a tension report's coded fields.
REPORT_FIELDS = {"verification": "verification", "report_status": "status"}
#: Details whose value is a list of items (not a change ``[old, new]``).
LISTS = {"areas", "kinds"}
#: Targets that are a numbered record.
NUMBERED = ("batch", "scenario", "action", "trigger")


def _label(key: str, lang: str) -> str:
    try:
        return t(f"audit.detail.{key}", lang)
    except KeyError:                 # a detail a later write added: its key, not a crash
        return key


def _code(key: str, value: str, lang: str) -> str:
    try:
        return t(VALUES[key].format(value), lang)
    except KeyError:
        return value


def _area(value: str) -> str:
    """``cercle:mli-kidal`` → "Kidal" (the unit's name), else the value."""
    level, _, uid = str(value).partition(":")
    table = {"cercle": units.load_cercles, "region": units.load_regions}.get(level)
    frame = table() if table is not None else None
    return str(frame.at[uid, f"{level}_fr"]) if frame is not None and uid in frame.index \
        else str(value)


def value_text(key: str, value, lang: str, mediators: bool = False) -> str:
    """One detail's value in words."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return details_text(value, lang, nested=True)
    if isinstance(value, list):
        if key in LISTS or len(value) != 2:
            items = [(_area(v) if key == "areas" else value_text(key, v, lang, mediators))
                     for v in value]
            return ", ".join(items) if items else "—"
        return f"{value_text(key, value[0], lang, mediators)} → " \
               f"{value_text(key, value[1], lang, mediators)}"        # a change: old → new
    if key == "language" and value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    if isinstance(value, str) and key in VALUES:
        return _code(key, value, lang)
    if isinstance(value, str) and key in REPORT_FIELDS:      # a report's review
        return enum_label("tensions", REPORT_FIELDS[key], value, lang)
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no", lang)
    if isinstance(value, int) and (key == "mediators" or (mediators and key == "records")):
        return rounded_text(value, lang)                      # mediator counts rounded
    if isinstance(value, float):                              # "30,0" on a French screen
        return format_number(value, lang, 0 if value.is_integer() else 2)
    if isinstance(value, int) and key != "seed":
        return format_number(value, lang)
    return str(value)


def details_text(details: dict, lang: str, nested: bool = False) -> str:
    """An entry's details, "Label : value · Label : value" (``nested``: inside another
    detail, separated by "; ")."""
    mediators = details.get("kind") == "mediators"
    colon = " : " if lang == "fr" else ": "
    parts = [f"{_label(k, lang)}{colon}{value_text(k, v, lang, mediators)}"
             for k, v in details.items()]
    return ("; " if nested else " · ").join(parts)


def details(text: str, lang: str) -> str:
    """The ``details`` column (JSON) of an entry in words ("" for none)."""
    if not isinstance(text, str) or not text:
        return ""
    parsed = json.loads(text)
    return details_text(parsed, lang) if isinstance(parsed, dict) else \
        value_text("details", parsed, lang)


def records(text: str, lang: str) -> str:
    """Which records: ids (or factor/cercle pairs) listed, or named counts and batches."""
    if not isinstance(text, str) or not text:
        return ""
    parsed = json.loads(text)
    if isinstance(parsed, dict):
        return details_text(parsed, lang)
    return ", ".join("/".join(map(str, r)) if isinstance(r, list) else str(r) for r in parsed)


def target(value, lang: str) -> str:
    """A target as stored ("batch 12", "scenario 3", "action 7", a principal, a factor)."""
    if not isinstance(value, str):
        return ""
    kind, _, number = value.partition(" ")
    if kind in NUMBERED and number.isdigit():
        return t(f"audit.{kind}", lang, **{kind: number})
    if kind == "report" and number:
        return t("audit.report", lang, report=number)
    return value
