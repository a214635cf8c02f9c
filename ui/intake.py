"""The watch network's intake on the Data page (issue 33): the connected KoboToolbox and ODK
Central forms with their last sync, counts and errors, "sync now", and the SMS messages
received (:mod:`geo.intake`)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

import ui
from geo.i18n import format_date, t
from geo.intake import remote, sync, webhook
from geo.records.roles import AccessDenied

#: Days of SMS messages summarised on the Data page.
SMS_DAYS = 30


def _when(value, lang: str) -> str:
    return format_date(pd.Timestamp(value), lang, time=True) if pd.notna(value) else "—"


def _name(row) -> str:
    """A connected form's name: its label, else its platform and form id."""
    return row.label if isinstance(row.label, str) and row.label else f"{row.platform} · {row.form}"


def _token(platform: str) -> str | None:
    config = ui.settings()
    return config.kobo_token if platform == "kobo" else config.odk_token


def sources_section(page: ui.Page) -> None:
    """Connected forms: each with its last success and attempt, the last counts and the last
    error in the page's language; "sync now" per form, connecting a new one, removing one."""
    lang, engine = page.lang, page.engine
    st.header(ui.tr("intake.page.title"))
    st.caption(ui.tr("intake.page.intro"))
    connected = sync.sources(engine, lang)
    if connected.empty:
        st.info(ui.tr("intake.page.none"))
    else:
        shown = pd.DataFrame({
            ui.tr("intake.col.source"): [_name(r) for r in connected.itertuples()],
            ui.tr("intake.col.platform"): [t(f"intake.platform.{p}", lang)
                                           for p in connected["platform"]],
            ui.tr("intake.col.last_success"): [_when(v, lang)
                                               for v in connected["last_success_at"]],
            ui.tr("intake.col.last_attempt"): [_when(v, lang)
                                               for v in connected["last_attempt_at"]],
            ui.tr("intake.col.counts"): [
                "—" if pd.isna(r.rows) else ui.tr(
                    "intake.counts", rows=int(r.rows), accepted=int(r.accepted),
                    rejected=int(r.rejected), duplicates=int(r.duplicates),
                    updated=int(r.updated or 0))
                for r in connected.itertuples()],
            ui.tr("intake.col.syncs"): [
                ui.tr("intake.syncs", syncs=int(r.syncs or 0), failures=int(r.failures or 0))
                for r in connected.itertuples()],
            ui.tr("intake.col.error"): connected["error"].fillna("")})
        ui.dataframe(shown, hide_index=True, width="stretch", key="intake_sources")
        _sync_now(page, connected)
    if ui.allowed("import"):
        _connect(page)


def _sync_now(page: ui.Page, connected: pd.DataFrame) -> None:
    labels = {r.source_id: _name(r) for r in connected.itertuples()}
    col_pick, col_full, col_go, col_del = st.columns([2.4, 1.2, 1.3, 1.1],
                                                     vertical_alignment="bottom")
    picked = col_pick.selectbox(ui.tr("intake.pick"), list(labels), key="intake_pick",
                                format_func=labels.get, placeholder=ui.tr("chrome.choose"))
    full = col_full.checkbox(ui.tr("intake.full"), key="intake_full",
                             help=ui.tr("intake.full_help"))
    if col_go.button(ui.tr("intake.sync_now"), key="intake_sync", type="primary",
                     disabled=not ui.allowed("import")):
        row = connected.set_index("source_id").loc[picked]
        found = remote.source(row["platform"], row["server"], row["form"],
                              None if pd.isna(row["project"]) else row["project"],
                              None if pd.isna(row["label"]) else row["label"])
        token = _token(found.platform)
        with st.spinner(ui.tr("intake.syncing", source=labels[picked])):
            try:
                report = sync.sync(page.engine, found, token, ui.current_user(), full=full)
            except remote.SyncError as exc:
                st.error(ui.md_escape(exc.message(page.lang)))
                return
            except AccessDenied as denied:
                ui.refused(denied)
                return
        st.cache_data.clear()
        page.flash(ui.tr("intake.synced", source=labels[picked], **sync.counts_of(report)))
        st.rerun()
    col_del.button(ui.tr("intake.remove"), key="intake_remove",
                   disabled=not ui.allowed("import"), on_click=ui.ask,
                   args=("intake_ask_remove",))
    if ui.confirmation("intake_ask_remove", ui.tr("intake.remove_confirm",
                                                  source=labels[picked])):
        try:
            sync.remove_source(page.engine, picked, ui.current_user())
        except AccessDenied as denied:
            ui.refused(denied)
            return
        page.flash(ui.tr("intake.removed", source=labels[picked]))
        st.rerun()


def _connect(page: ui.Page) -> None:
    with st.expander(ui.tr("intake.connect")), st.form("intake_connect", clear_on_submit=True):
        c1, c2 = st.columns([1, 2])
        platform = c1.selectbox(ui.tr("intake.field.platform"), list(remote.PLATFORMS),
                                format_func=lambda p: t(f"intake.platform.{p}", page.lang),
                                key="intake_new_platform", placeholder=ui.tr("chrome.choose"))
        server = c2.text_input(ui.tr("intake.field.server"), key="intake_new_server",
                               placeholder="https://kf.kobotoolbox.org")
        c3, c4, c5 = st.columns([2, 1, 2])
        form = c3.text_input(ui.tr("intake.field.form"), key="intake_new_form")
        project = c4.text_input(ui.tr("intake.field.project"), key="intake_new_project",
                                help=ui.tr("intake.project_help"))
        label = c5.text_input(ui.tr("intake.field.label"), key="intake_new_label",
                              max_chars=120)
        st.caption(ui.tr("intake.token_note"))
        if st.form_submit_button(ui.tr("intake.connect_button")):
            try:
                found = remote.source(platform, server, form, project or None, label or None)
                sync.add_source(page.engine, found, ui.current_user())
            except remote.SyncError as exc:
                st.error(ui.md_escape(exc.message(page.lang)))
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                page.flash(ui.tr("intake.connected", source=found.name))
                st.rerun()


def sms_section(page: ui.Page) -> None:
    """SMS reports of the last :data:`SMS_DAYS` days: messages and distinct reporters per
    gateway and outcome (reporters are pseudonymous codes: no number is stored)."""
    st.subheader(ui.tr("intake.sms.title"))
    since = date.today() - timedelta(days=SMS_DAYS)
    by = webhook.messages(page.engine, since, by_day=False)
    if by.empty:
        st.caption(ui.tr("intake.sms.none", days=SMS_DAYS))
        return
    ui.dataframe(pd.DataFrame({
        ui.tr("intake.sms.gateway"): by["gateway"],
        ui.tr("intake.sms.outcome"): [t(f"intake.sms.outcome.{o}", page.lang)
                                      for o in by["outcome"]],
        ui.tr("intake.sms.messages"): by["messages"],
        ui.tr("intake.sms.reporters"): by["reporters"]}),
        hide_index=True, width="stretch", key="intake_sms")
    st.caption(ui.tr("intake.sms.note", days=SMS_DAYS))
