"""Streamlit glue of the triggers: those in force with their agreed response and the one
click that makes it an action (the monitor and the Overview), each trigger's record over the
history (cached per store content, register and trigger), defining and retiring them
(geo.records.triggers, geo.analysis.triggers)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from ui.data import CACHE_TTL
from geo.analysis import monitor
from geo.analysis import triggers as rules
from geo.i18n import format_date, format_number, t
from geo.records import actions, triggers
from geo.records.roles import AccessDenied

DEFAULTS = {"trg_name": "", "trg_kind": "baseline", "trg_window": 14, "trg_threshold": 0.3,
            "trg_areas": [], "trg_horizon": 30, "trg_outcome": "severe",
            "trg_response_kind": "dialogue", "trg_response_unit": "civil_affairs",
            "trg_delay": 7, "trg_quantity": 0}


def _region_of() -> dict[str, str]:
    return ui.display_cercles().set_index("cercle_id")["region_id"].to_dict()


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_TTL)
def _forecast_history(token: tuple, horizon_days: int, first: date, last: date
                      ) -> pd.DataFrame:
    days = rules.forecast_days(first, last, horizon_days)
    return rules.forecast_history(ui.store_records(), days)


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _backtest(token: tuple, planning: tuple, trigger_id: int, as_of: date) -> rules.Backtest:
    engine = ui.engine()
    trigger = triggers.get(engine, trigger_id)
    tensions = ui.records("tensions")
    p_severe = None
    if trigger.kind == "forecast":
        counted = monitor.reports_up_to(tensions, as_of)
        if len(counted):
            p_severe = _forecast_history(token, trigger.horizon_days,
                                         counted["day"].min().date(), as_of)
    return rules.backtest(trigger, tensions, _region_of(), as_of=as_of, p_severe=p_severe,
                          actions=actions.listing(engine))


def backtest(trigger: triggers.Trigger, as_of: date) -> rules.Backtest:
    """How ``trigger`` did over the history up to ``as_of`` (cached)."""
    return _backtest(ui.store_token(), ui.planning_token(), trigger.trigger_id, as_of)


def in_force(as_of: date, table: pd.DataFrame) -> list[tuple]:
    """The firings in force on ``as_of``: (trigger, cercle_id, fired_on, ids of the actions
    that answer it), by trigger then cercle name."""
    engine = ui.engine()
    names = ui.display_cercles().set_index("cercle_id")["cercle_fr"]
    register = actions.listing(engine)
    out = []
    for trigger in triggers.listing(engine):
        if trigger.kind == "forecast":
            now = rules.in_force_forecast(trigger, table, _region_of())
        else:
            now = backtest(trigger, as_of).in_force
        now = rules.answered(trigger, now, register)
        for r in sorted(now.itertuples(), key=lambda r: names.get(r.cercle_id, r.cercle_id)):
            out.append((trigger, r.cercle_id, r.fired_on, r.actions))
    return out


def fired_panel(page: ui.Page, as_of: date, table: pd.DataFrame, key: str,
                limit: int | None = None, compact: bool = False) -> None:
    """The triggers in force on ``as_of``, each with its agreed response and, under it, the
    one click that makes it an action (analysts; an answered firing links to its action).
    ``compact`` (a narrow column): the rule left out."""
    lang = page.lang
    found = in_force(as_of, table)
    if not found:
        return
    names = ui.display_cercles().set_index("cercle_id")["cercle_fr"]
    known = set(names.index)
    with st.container(border=True):
        st.markdown(f"**{ui.tr('triggers.in_force', date=format_date(as_of, lang), n=len(found))}**")
        for trigger, cercle_id, fired_on, answered in found[:limit]:
            st.markdown(ui.tr("triggers.fired_short" if compact else "triggers.fired_line",
                              name=ui.md_escape(trigger.name),
                              cercle=names.get(cercle_id, cercle_id),
                              since=format_date(fired_on, lang),
                              rule=rules.rule_text(trigger, lang),
                              response=rules.response_text(trigger, lang)))
            button = f"{key}_respond_{trigger.trigger_id}_{cercle_id}"
            if answered:
                st.page_link("pages/actions.py", label=ui.tr(
                    "triggers.answered", ids=", ".join(f"n° {i}" for i in answered)),
                    icon=":material/task_alt:")
            elif ui.allowed("act") and st.button(ui.tr("triggers.respond"), key=button,
                                                 type="primary"):
                try:
                    aid = triggers.respond(page.engine, ui.current_user(), known, trigger,
                                           cercle_id, fired_on)
                except actions.ActionError as err:
                    for code, details in err.problems:
                        st.error(ui.tr(f"actions.error.{code}", **details))
                except AccessDenied as denied:
                    ui.refused(denied)
                else:
                    page.flash(ui.tr("triggers.responded", id=aid,
                                     cercle=names.get(cercle_id, cercle_id)))
                    st.rerun()
        if limit is not None and len(found) > limit:
            st.caption(ui.tr("overview.alerts_more", n=len(found) - limit))


def record_table(found: list[triggers.Trigger], as_of: date, lang: str) -> pd.DataFrame:
    """Each trigger's record over the history: fired, hits, false alarms, pending, hit rate
    against the base rate, events caught, the response."""
    rows = []
    for trigger in found:
        bt = backtest(trigger, as_of)
        rows.append({
            "name": trigger.name, "rule": rules.rule_text(trigger, lang),
            "period": f"{format_date(bt.first, lang)} – {format_date(bt.last, lang)}"
            if bt.first else "—",
            "fired": bt.fired, "hits": bt.hits, "false_alarms": bt.false_alarms,
            "pending": bt.pending, "hit_rate": _percent(bt.hit_rate),
            "base_rate": _percent(bt.base_rate),
            "caught": f"{ui.count(bt.caught)} / {ui.count(bt.events)}",
            "responded": f"{ui.count(bt.responded)} / {ui.count(bt.fired)}",
            "gap": days_text(bt.median_gap_days),
            "is_demo": t("planner.demo_mark", lang) if trigger.is_demo else ""})
    return ui.localized_table(pd.DataFrame(rows), "triggers.col")


def days_text(value: float) -> str:
    """A number of days as the screen writes it ("7 j", "7,5 j"; "—" for none)."""
    if value is None or pd.isna(value):
        return "—"
    return ui.tr("actions.followup.days", n=format_number(
        value, ui.current_lang(), 0 if float(value).is_integer() else 1))


def _percent(value: float) -> str:
    return "—" if value is None or pd.isna(value) else f"{ui.fmt(100 * value, 2)} %"


def triggers_section(m) -> None:
    """The monitor's triggers: in force, their record, defined and retired (analysts)."""
    page, lang = m.page, m.lang
    from ui import risk as ui_risk

    table = ui_risk.table_for(m.view)
    fired_panel(page, m.as_of, table, "mon_trg")
    found = triggers.listing(page.engine)
    st.caption(ui.tr("triggers.note"))
    if not found:
        st.info(ui.tr("triggers.none"))
    else:
        with st.spinner(ui.tr("monitor.computing")):
            records = record_table(found, m.as_of, lang)
        ui.dataframe(records, hide_index=True, width="stretch", key="trg_records")
        st.caption(ui.tr("triggers.record_note", date=format_date(m.as_of, lang)))
    if not ui.allowed("trigger"):
        return
    define_form(page)
    if found:
        retire_form(page, found)


def define_form(page: ui.Page) -> None:
    """A new trigger: the rule, where, how it is judged, the agreed response."""
    lang = page.lang
    ss = st.session_state
    for key, default in DEFAULTS.items():
        ss.setdefault(key, default)
    cercles = ui.display_cercles().set_index("cercle_id")
    regions = ui.display_regions().set_index("region_id")["region_fr"]
    areas = [f"region:{r}" for r in regions.index] + \
        [f"cercle:{c}" for c in sorted(cercles.index, key=lambda c: cercles.at[c, "cercle_fr"])]

    def area_name(area: str) -> str:
        level, code = area.split(":", 1)
        return regions[code] if level == "region" else cercles.at[code, "cercle_fr"]

    with st.expander(ui.tr("triggers.define"), expanded=False):
        c1, c2, c3 = st.columns([2, 1.2, 1])
        name = c1.text_input(ui.tr("triggers.name"), key="trg_name", max_chars=triggers.MAX_NAME)
        kind = c2.selectbox(ui.tr("triggers.kind"), triggers.KINDS, key="trg_kind",
                            format_func=lambda k: t(f"triggers.kind.{k}", lang),
                            placeholder=ui.tr("chrome.choose"))
        if kind == "baseline":
            window = c3.selectbox(ui.tr("triggers.window"), triggers.WINDOWS, key="trg_window",
                                  placeholder=ui.tr("chrome.choose"))
            threshold = None
        elif kind == "forecast":
            threshold = ui.number_slider(c3, ui.tr("triggers.threshold"), lo=0.05, hi=0.95,
                                         step=0.05, key="trg_threshold", value=0.05,
                                         text=lambda v: format_number(v, lang, 2))
            window = None
        else:
            window = threshold = None
            c3.caption(ui.tr("triggers.hotspot_note"))
        c4, c5, c6 = st.columns([2, 1, 1])
        chosen = c4.multiselect(ui.tr("triggers.areas"), areas, key="trg_areas",
                                format_func=area_name, placeholder=ui.tr("triggers.all_mali"),
                                select_all=False)
        horizon = c5.number_input(ui.tr("triggers.horizon"), triggers.MIN_HORIZON,
                                  triggers.MAX_HORIZON, key="trg_horizon",
                                  help=ui.tr("triggers.horizon_help"))
        outcome = c6.selectbox(ui.tr("triggers.outcome"), triggers.OUTCOMES, key="trg_outcome",
                               format_func=lambda o: t(f"triggers.outcome.{o}", lang),
                               placeholder=ui.tr("chrome.choose"))
        st.markdown(f"**{ui.tr('triggers.response')}**")
        r1, r2, r3, r4 = st.columns(4)
        r_kind = r1.selectbox(ui.tr("actions.kind"), actions.KINDS, key="trg_response_kind",
                              format_func=lambda k: t(f"actions.kind.{k}", lang),
                              placeholder=ui.tr("chrome.choose"))
        r_unit = r2.selectbox(ui.tr("actions.unit"), actions.UNITS, key="trg_response_unit",
                              format_func=lambda u: t(f"actions.unit.{u}", lang),
                              placeholder=ui.tr("chrome.choose"))
        delay = r3.number_input(ui.tr("triggers.delay"), 0, triggers.MAX_DELAY, key="trg_delay")
        quantity = r4.number_input(ui.tr("triggers.quantity"), 0, actions.MAX_QUANTITY,
                                   key="trg_quantity", help=ui.tr("triggers.quantity_help"))
        if st.button(ui.tr("triggers.save"), key="trg_save", type="primary"):
            try:
                tid = triggers.define(page.engine, ui.current_user(), name=name, kind=kind,
                                      window_days=window, threshold=threshold, areas=chosen,
                                      horizon_days=int(horizon), outcome=outcome,
                                      response={"kind": r_kind, "unit": r_unit,
                                                "delay_days": int(delay),
                                                "quantity": int(quantity) or None})
            except triggers.TriggerError as err:
                for code, details in err.problems:
                    st.error(ui.tr(f"triggers.error.{code}", **details))
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                for key in DEFAULTS:
                    ss.pop(key, None)
                page.flash(ui.tr("triggers.saved", id=tid,
                                 name=ui.md_escape(" ".join(name.split()))))
                st.rerun()


def retire_form(page: ui.Page, found: list[triggers.Trigger]) -> None:
    labels = {tr_.trigger_id: f"n° {tr_.trigger_id} — {tr_.name}" for tr_ in found}
    doomed = ui.chosen_and_confirmed(ui.tr("triggers.retire"), labels, "trg_retire",
                                     ui.tr("triggers.retire_button"), "triggers.retire_confirm",
                                     "ask_retire_trigger")
    if doomed is not None:
        try:
            triggers.retire(page.engine, ui.current_user(), doomed)
        except triggers.TriggerError as err:
            for code, details in err.problems:
                st.error(ui.tr(f"triggers.error.{code}", **details))
        except AccessDenied as denied:
            ui.refused(denied)
        else:
            page.flash(ui.tr("triggers.retired", name=ui.md_escape(labels[doomed])))
            st.rerun()
