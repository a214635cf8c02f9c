"""Audit (administrators): every write, who did it under which role, when, to what; filters
and CSV export."""

from datetime import date

import streamlit as st

import ui
from ui import downloads
from geo.records import audit
from geo.outputs import audit_text, export
from geo.i18n import format_date, t


#: Entries shown on screen, newest first (the CSV holds every matching entry).
SHOWN = 1000
page = ui.begin("audit")
lang = page.lang
engine = page.engine


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
        target=[audit_text.target(v, lang) for v in entries["target"]],
        records=[audit_text.records(r, lang) for r in entries["records"].fillna("")],
        details=[audit_text.details(d, lang) for d in entries["details"].fillna("")])
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
