"""Action register: what the division does about each cercle's risk — what (how many
mediators, which communes), where, by when, by which unit —, its status and dates as it
moves, its outcome, and what followed (geo.records.actions, geo.analysis.followup). Everyone
signed in reads it; analysts and admins add and edit (every change in the audit log; an
edit made on a stale copy is refused). ``?scenario=12`` lists one plan's actions."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

import ui
from geo.analysis import followup
from geo.i18n import format_date, t
from geo.records import actions, store
from geo.outputs import export
from geo.plans import scenarios
from geo.records import triggers
from geo.records.roles import AccessDenied
from ui import risk as ui_risk
from ui import triggers as ui_triggers

page = ui.begin("actions")

lang = page.lang
engine = page.engine
ss = st.session_state

cercles = ui.display_cercles().set_index("cercle_id")
communes = ui.communes()["commune_fr"]
cercle_ids = sorted(cercles.index, key=lambda c: cercles.at[c, "cercle_fr"])
known = set(cercles.index)
saved = scenarios.listing(engine)
scenario_names = {int(r.scenario_id): f"n° {r.scenario_id} — {r.name}"
                  for r in saved.itertuples()}
trigger_names = {tr_.trigger_id: tr_.name for tr_ in triggers.listing(engine, active_only=False)}


def _problems(err: actions.ActionError) -> None:
    for code, details in err.problems:
        st.error(ui.tr_text(f"actions.error.{code}", **details))


def _known(value):
    """A stored date, or None (an empty cell)."""
    return value if value is not None and not pd.isna(value) else None


def _day(value) -> str:
    return format_date(value, lang) if _known(value) else ""


ui.from_url("scenario", "act_f_scenario",
            lambda raw: int(raw) if raw.isdigit() and len(raw) <= 9
            and int(raw) in scenario_names else None)
f1, f2, f3, f4, f5 = st.columns([2, 1.3, 1.3, 1.6, 1.6])
pick_cercles = f1.multiselect(ui.tr("field.cercle"), cercle_ids, key="act_f_cercles",
                              placeholder=ui.tr("planner.all"),
                              format_func=lambda c: cercles.at[c, "cercle_fr"], select_all=False)
pick_kinds = f2.multiselect(ui.tr("actions.kind"), actions.KINDS, key="act_f_kinds",
                            placeholder=ui.tr("planner.all"),
                            format_func=lambda k: t(f"actions.kind.{k}", lang), select_all=False)
pick_status = f3.multiselect(ui.tr("actions.status"), actions.STATUSES, key="act_f_status",
                             placeholder=ui.tr("planner.all"),
                             format_func=lambda s: t(f"actions.status.{s}", lang), select_all=False)
period = f4.date_input(ui.tr("actions.period"), value=(), key="act_f_period",
                       format="DD/MM/YYYY")
ss.setdefault("act_f_scenario", None)
if ss["act_f_scenario"] not in scenario_names:
    ss["act_f_scenario"] = None
pick_scenario = f5.selectbox(ui.tr("actions.scenario"), [None, *scenario_names],
                             key="act_f_scenario",
                             format_func=lambda s: t("planner.all", lang) if s is None
                             else scenario_names[s], placeholder=ui.tr("chrome.choose"))
ui.to_url("scenario", pick_scenario)
since, until = (tuple(period) + (None, None))[:2] if period else (None, None)
listed = actions.listing(engine, cercles=pick_cercles or None, kinds=pick_kinds or None,
                         statuses=pick_status or None, since=since, until=until,
                         scenario_id=pick_scenario)
st.caption(ui.tr("actions.count", n=ui.count(len(listed))))
if not listed.empty:
    shown = listed.assign(
        cercle_fr=listed["cercle_id"].map(cercles["cercle_fr"]),
        region_fr=listed["cercle_id"].map(cercles["region_fr"]),
        what=[actions.what(r, lang, communes) for r in listed.itertuples()],
        status=listed["status"].map(lambda s: t(f"actions.status.{s}", lang)),
        unit=listed["unit"].map(lambda u: t(f"actions.unit.{u}", lang)),
        planned_on=listed["planned_on"].map(_day),
        started_on=listed["started_on"].map(_day),
        ended_on=listed["ended_on"].map(_day),
        updated_at=listed["updated_at"].map(lambda d: format_date(d, lang, time=True)),
        outcome=listed["outcome"].fillna(""),
        origin=[ui.tr("actions.from_scenario", id=int(r.scenario_id))
                if r.scenario_id == r.scenario_id and r.scenario_id is not None
                else ui.tr("actions.from_trigger", name=trigger_names.get(int(r.trigger_id), ""),
                           date=_day(r.fired_on))
                if r.trigger_id == r.trigger_id and r.trigger_id is not None else ""
                for r in listed.itertuples()],
        is_demo=listed["is_demo"].map(lambda d: t("planner.demo_mark", lang) if d else ""))
    columns = {"action_id": "n°", "cercle_fr": ui.tr("field.cercle"),
               "region_fr": ui.tr("field.region"), "what": ui.tr("actions.what"),
               "planned_on": ui.tr("actions.planned_on"), "unit": ui.tr("actions.unit"),
               "status": ui.tr("actions.status"), "started_on": ui.tr("actions.started_on"),
               "ended_on": ui.tr("actions.ended_on"), "outcome": ui.tr("actions.outcome"),
               "origin": ui.tr("actions.origin"), "is_demo": ui.tr("planner.col.demo"),
               "updated_by": ui.tr("actions.updated_by"),
               "updated_at": ui.tr("actions.updated_at")}
    ui.dataframe(shown[list(columns)].rename(columns=columns), hide_index=True,
                 width="stretch", key="act_table")
    st.download_button(ui.tr("actions.download"), export.to_csv(listed.assign(
        cercle_fr=listed["cercle_id"].map(cercles["cercle_fr"]),
        what=shown["what"], communes=listed["communes"].map(", ".join)), lang=page.lang),
        file_name="veille-actions.csv", mime="text/csv", key="act_csv")

everything = actions.listing(engine)
if not everything.empty:
    st.subheader(ui.tr("actions.followup"))
    as_of = ui_risk.table_for(ui_risk.current_view()).attrs["as_of"]
    table = followup.summary(followup.per_action(everything, ui.records("tensions"), as_of))
    total = table.loc["all"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(ui.tr("actions.followup.done"), f"{ui.count(total['done'])} / "
              f"{ui.count(total['actions'])}")
    m2.metric(ui.tr("actions.followup.duration"),
              ui_triggers.days_text(total["median_duration_days"]))
    for col, w in ((m3, 30), (m4, 90)):
        col.metric(ui.tr("actions.followup.after", days=w),
                   f"{ui.count(total[f'before_{w}'])} → {ui.count(total[f'after_{w}'])}"
                   if total[f"judged_{w}"] else "—",
                   help=ui.tr("actions.followup.after_help", days=w,
                              n=ui.count(total[f"judged_{w}"])))
    per = table.drop(index="all")
    per.insert(0, "cercle_fr", per.index.map(cercles["cercle_fr"]))
    with st.expander(ui.tr("actions.followup.per_cercle", n=len(per))):
        ui.dataframe(ui.localized_table(per, "actions.followup.col"), hide_index=True,
                     width="stretch", key="act_followup")
    st.caption(ui.tr("actions.followup.note", date=format_date(as_of, lang)))

if not ui.allowed("act"):
    st.info(ui.tr("actions.read_only"))
    ui.end_page()

scenario_options = [None, *scenario_names]
st.subheader(ui.tr("actions.new"))
token = ui.once("act_new")
with st.form(f"act_new_{token}"):   # kept on a refusal, cleared once stored; drawn anew after
    n1, n2, n3 = st.columns(3)
    new_cercle = n1.selectbox(ui.tr("field.cercle"), cercle_ids, key="act_n_cercle",
                              format_func=lambda c: cercles.at[c, "cercle_fr"],
                              placeholder=ui.tr("chrome.choose"))
    new_kind = n2.selectbox(ui.tr("actions.kind"), actions.KINDS, key="act_n_kind",
                            format_func=lambda k: t(f"actions.kind.{k}", lang),
                            placeholder=ui.tr("chrome.choose"))
    new_date = n3.date_input(ui.tr("actions.planned_on"), date.today() + timedelta(days=14),
                             key="act_n_date", format="DD/MM/YYYY")
    n4, n5, n6 = st.columns(3)
    new_unit = n4.selectbox(ui.tr("actions.unit"), actions.UNITS, key="act_n_unit",
                            format_func=lambda u: t(f"actions.unit.{u}", lang),
                            help=ui.tr("actions.unit_help"), placeholder=ui.tr("chrome.choose"))
    new_status = n5.selectbox(ui.tr("actions.status"), actions.STATUSES, key="act_n_status",
                              format_func=lambda s: t(f"actions.status.{s}", lang),
                              placeholder=ui.tr("chrome.choose"))
    new_scenario = n6.selectbox(ui.tr("actions.scenario"), scenario_options,
                                key="act_n_scenario",
                                format_func=lambda s: t("actions.no_scenario", lang) if s is None
                                else scenario_names[s], placeholder=ui.tr("chrome.choose"))
    new_outcome = st.text_area(ui.tr("actions.outcome"), key="act_n_outcome",
                               help=ui.tr("actions.outcome_help"), max_chars=actions.MAX_OUTCOME)
    if st.form_submit_button(ui.tr("actions.add"), type="primary"):
        try:
            aid = actions.add(engine, ui.current_user(), known, cercle_id=new_cercle,
                              kind=new_kind, planned_on=new_date, unit=new_unit,
                              status=new_status, outcome=new_outcome,
                              scenario_id=new_scenario, once=token)
        except actions.ActionError as err:
            _problems(err)
        except AccessDenied as denied:
            ui.refused(denied)
        except store.AlreadyStored:         # the same submit again: stored already
            ui.stored("act_new")
        else:
            ui.stored("act_new")
            for key in ("act_n_cercle", "act_n_kind", "act_n_date", "act_n_unit",
                        "act_n_status", "act_n_scenario", "act_n_outcome"):
                ss.pop(key, None)
            page.flash(ui.tr("actions.added", id=aid))
            st.rerun()

if everything.empty:
    ui.end_page()
st.subheader(ui.tr("actions.edit"))
rows = everything.set_index("action_id")
labels = {int(i): f"n° {i} — {cercles.at[r.cercle_id, 'cercle_fr']} · "
                  f"{actions.what(r, lang, communes)} · {format_date(r.planned_on, lang)}"
          for i, r in rows.iterrows()}
editing = st.selectbox(ui.tr("actions.pick"), list(labels), key="act_e_id",
                       format_func=labels.get, placeholder=ui.tr("chrome.choose"))
ui.edit_revision("act_e_opened", editing, rows.at[editing, "revision"])
row = rows.loc[editing]
tag = f"{editing}_{row['revision']}"      # the current values shown again after a change
st.caption(ui.tr("actions.lifecycle"))
with st.form("act_edit"):
    e1, e2, e3 = st.columns(3)
    ed_status = e1.selectbox(ui.tr("actions.status"), actions.STATUSES,
                             index=actions.STATUSES.index(row["status"]),
                             key=f"act_e_status_{tag}",
                             format_func=lambda s: t(f"actions.status.{s}", lang),
                             placeholder=ui.tr("chrome.choose"))
    ed_date = e2.date_input(ui.tr("actions.planned_on"), row["planned_on"], format="DD/MM/YYYY",
                            key=f"act_e_date_{tag}")
    ed_unit = e3.selectbox(ui.tr("actions.unit"), actions.UNITS,
                           index=actions.UNITS.index(row["unit"]),
                           key=f"act_e_unit_{tag}",
                           format_func=lambda u: t(f"actions.unit.{u}", lang),
                           placeholder=ui.tr("chrome.choose"))
    e4, e5, _ = st.columns(3)
    ed_started = e4.date_input(ui.tr("actions.started_on"), _known(row["started_on"]),
                               format="DD/MM/YYYY", key=f"act_e_started_{tag}",
                               help=ui.tr("actions.dates_help"))
    ed_ended = e5.date_input(ui.tr("actions.ended_on"), _known(row["ended_on"]),
                             format="DD/MM/YYYY", key=f"act_e_ended_{tag}",
                             help=ui.tr("actions.dates_help"))
    ed_outcome = st.text_area(ui.tr("actions.outcome"), row["outcome"] or "",
                              help=ui.tr("actions.outcome_help"), max_chars=actions.MAX_OUTCOME,
                              key=f"act_e_outcome_{tag}")
    if st.form_submit_button(ui.tr("actions.save")):
        ui.save_edit(page, "act_e_opened", lambda revision: actions.update(
            engine, ui.current_user(), editing, revision, known, status=ed_status,
            planned_on=ed_date, unit=ed_unit, outcome=ed_outcome, started_on=ed_started,
            ended_on=ed_ended), actions.ActionError, _problems,
            ui.tr("actions.updated", id=editing))
