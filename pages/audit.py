"""Audit (administrators): every write, who did it under which role, when, to what; filters
and CSV export."""

import json
from datetime import date

import streamlit as st

import ui
from ui import downloads
from geo.records import audit
from geo.outputs import export
from geo.i18n import format_date, format_number, t
from geo.records.fields import enum_label


#: Entries shown on screen, newest first (the CSV holds every matching entry).
SHOWN = 1000
page = ui.begin("audit")
lang = page.lang
engine = page.engine


#: Detail values shown through a translation of their own.
_VALUES = {"kind": "kind.{}", "before": "role.{}", "after": "role.{}",
           "plan_kind": "planner.kind.{}", "model": "planner.model.{}",
           "demand": "planner.demand.{}", "action_kind": "actions.kind.{}",
           "status": "actions.status.{}", "unit": "actions.unit.{}",
           "trigger_kind": "triggers.kind.{}", "trigger_outcome": "triggers.outcome.{}",
           "response_kind": "actions.kind.{}", "response_unit": "actions.unit.{}"}
#: Detail values that are a tension report's coded fields.
_REPORT_FIELDS = {"verification": "verification", "report_status": "status"}


def _details(text: str) -> str:
    """An entry's details (JSON) in the screen's language; mediator counts rounded as
    everywhere (:mod:`geo.analysis.disclosure`)."""
    if not text:
        return ""
    details = json.loads(text)
    mediators = details.get("kind") == "mediators"

    def value(key, v):
        if v is None:
            return "—"
        if isinstance(v, list) and len(v) == 2:        # a change: old → new
            return f"{value(key, v[0])} → {value(key, v[1])}"
        if key in _VALUES:
            return ui.tr(_VALUES[key].format(v))
        if key in _REPORT_FIELDS:                  # a report's review (geo.records.review)
            return enum_label("tensions", _REPORT_FIELDS[key], v, lang)
        if isinstance(v, bool):
            return ui.tr("audit.yes" if v else "audit.no")
        if isinstance(v, int) and (key == "mediators" or (mediators and key == "records")):
            return ui.approx(v)
        if isinstance(v, float):                   # "30,0" on the French screen
            return format_number(v, lang, 0 if v.is_integer() else 2)
        return ui.count(v) if isinstance(v, int) and key != "seed" else str(v)

    return " · ".join(f"{ui.tr(f'audit.detail.{k}')} : {value(k, v)}" if lang == "fr"
                      else f"{ui.tr(f'audit.detail.{k}')}: {value(k, v)}"
                      for k, v in details.items())


def _records(text: str) -> str:
    """Which records: ids (or factor/cercle pairs) listed, or named counts and batches."""
    if not text:
        return ""
    records = json.loads(text)
    if isinstance(records, dict):
        return _details(text)
    return ", ".join("/".join(map(str, r)) if isinstance(r, list) else str(r) for r in records)


def _target(value) -> str:
    """A target as stored ("batch 12", "scenario 3", "action 7", a principal, a factor), for
    the screen."""
    if not isinstance(value, str):
        return ""
    kind, _, number = value.partition(" ")
    if kind in ("batch", "scenario", "action", "trigger") and number.isdigit():
        return ui.tr(f"audit.{kind}", **{kind: number})
    if kind == "report" and number:
        return ui.tr("audit.report", report=number)
    return value


col_users, col_actions, col_dates = st.columns([2, 2, 2], vertical_alignment="bottom")
who = col_users.multiselect(ui.tr("audit.users"), audit.users(engine), key="audit_users",
                            placeholder=ui.tr("audit.all_users"), select_all=False)
what = col_actions.multiselect(ui.tr("audit.actions"), list(audit.ACTIONS), key="audit_actions",
                               format_func=lambda a: t(f"audit.action.{a}", lang),
                               placeholder=ui.tr("audit.all_actions"), select_all=False)
span = col_dates.date_input(ui.tr("audit.dates"), value=(), key="audit_dates",
                            format="DD/MM/YYYY", max_value=date.today())
span = list(span) if isinstance(span, (tuple, list)) else [span]   # () → any day

filters = {"users": who or None, "actions": what or None,
           "since": span[0] if span else None, "until": span[-1] if span else None}
total = audit.count(engine, **filters)
entries = audit.entries(engine, limit=SHOWN, **filters)
st.caption(ui.tr("audit.count", n=ui.count(total)) + (
    " " + ui.tr("audit.newest", n=ui.count(SHOWN)) if total > SHOWN else ""))
if entries.empty:
    st.info(ui.tr("audit.none"))
else:
    shown = entries.assign(
        at=[format_date(v, lang, time=True) for v in entries["at"]],
        role=[ui.tr(f"role.{r}") for r in entries["role"]],
        action=[ui.tr(f"audit.action.{a}") for a in entries["action"]],
        target=[_target(v) for v in entries["target"]],
        records=[_records(r) for r in entries["records"].fillna("")],
        details=[_details(d) for d in entries["details"].fillna("")])
    columns = {c: ui.tr(f"audit.col.{c}") for c in
               ("entry_id", "at", "user_label", "subject", "role", "action", "target",
                "records", "details")}
    ui.dataframe(shown[list(columns)].rename(columns=columns), hide_index=True,
                 width="stretch", height=min(520, 38 + 35 * len(shown)))
    # every matching entry, made only when asked for (the log grows without end)
    downloads.offer(st, ui.tr("audit.download"),
                    lambda: export.to_csv(audit.entries(engine, **filters)[list(columns)]
                                          .rename(columns=columns), lang=ui.current_lang()),
                    "veille-audit.csv", "text/csv", key="audit_csv")
