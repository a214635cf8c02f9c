"""Alert e-mails on the monitor (issue 33): a user subscribes to regions or cercles and to
kinds of alert, in their language; administrators see every subscription and the delivery
log (:mod:`geo.outputs.notify`). Messages carry figures per place only: no report text, no
mediator or informant."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo.i18n import LANGUAGES, LANGUAGE_NAMES, format_date, t
from geo.outputs import notify
from geo.records.roles import AccessDenied

#: Entries of the delivery log shown (newest first).
OUTBOX_SHOWN = 200


def _area_labels(lang: str) -> dict[str, str]:
    regions = ui.display_regions().set_index("region_id")["region_fr"]
    cercles = ui.display_cercles().set_index("cercle_id")["cercle_fr"]
    out = {f"region:{r}": t("subs.area.region", lang, name=n) for r, n in regions.items()}
    out.update({f"cercle:{c}": n for c, n in sorted(cercles.items(), key=lambda kv: kv[1])})
    return out


def section(page: ui.Page) -> None:
    """The subscription form (one per e-mail address; the signed-in user's own by default),
    and for administrators every subscription and the delivery log."""
    lang, user = page.lang, page.user
    st.subheader(ui.tr("subs.title"))
    st.caption(ui.tr("subs.intro"))
    existing = notify.subscriptions(page.engine)
    own = user.label.lower() if "@" in user.label else ""
    admin = ui.allowed("manage_roles")
    areas = _area_labels(lang)
    with st.form("subs_form"):
        email = st.text_input(ui.tr("subs.email"), value=own, key="subs_email",
                              disabled=bool(own) and not admin, max_chars=254,
                              help=ui.tr("subs.email_help"))
        current = existing.set_index("principal").loc[email.strip().lower()] \
            if email.strip().lower() in set(existing["principal"]) else None
        c1, c2 = st.columns([3, 2])
        chosen = c1.multiselect(ui.tr("subs.areas"), list(areas), format_func=areas.get,
                                default=[a for a in (current["areas"] if current is not None
                                                     else []) if a in areas],
                                key="subs_areas", placeholder=ui.tr("subs.areas_none"),
                                select_all=False)
        kinds = c2.multiselect(ui.tr("subs.kinds"), list(notify.KINDS),
                               format_func=lambda k: t(f"subs.kind.{k}", lang),
                               default=list(current["kinds"]) if current is not None
                               else ["baseline", "digest"], key="subs_kinds",
                               placeholder=ui.tr("subs.kinds_none"), select_all=False)
        language = st.radio(ui.tr("subs.language"), list(LANGUAGES), horizontal=True,
                            index=list(LANGUAGES).index(current["language"]
                                                        if current is not None else lang),
                            format_func=LANGUAGE_NAMES.get, key="subs_language")
        save, stop = st.columns([1, 1])
        if save.form_submit_button(ui.tr("subs.save"), type="primary"):
            _write(page, lambda: notify.subscribe(page.engine, user, email, chosen, kinds,
                                                  language), ui.tr("subs.saved", email=email))
        if stop.form_submit_button(ui.tr("subs.stop")):
            _write(page, lambda: notify.unsubscribe(page.engine, user, email),
                   ui.tr("subs.stopped", email=email))
    if admin:
        _admin(page, existing, areas)


def _write(page: ui.Page, write, done: str) -> None:
    try:
        write()
    except notify.SubscriptionError as err:
        st.error(ui.tr(f"subs.error.{err.code}"))
    except AccessDenied as denied:
        ui.refused(denied)
    else:
        page.flash(done)
        st.rerun()


def _admin(page: ui.Page, existing: pd.DataFrame, areas: dict[str, str]) -> None:
    lang = page.lang
    with st.expander(ui.tr("subs.all", n=ui.count(len(existing)))):
        if existing.empty:
            st.caption(ui.tr("subs.all_none"))
        else:
            ui.dataframe(pd.DataFrame({
                ui.tr("subs.email"): existing["principal"],
                ui.tr("subs.areas"): [", ".join(areas.get(a, a) for a in v) or
                                      ui.tr("subs.areas_none") for v in existing["areas"]],
                ui.tr("subs.kinds"): [", ".join(t(f"subs.kind.{k}", lang) for k in v)
                                      for v in existing["kinds"]],
                ui.tr("subs.language"): existing["language"].map(LANGUAGE_NAMES)}),
                hide_index=True, width="stretch", key="subs_all")
    sent = notify.outbox(page.engine)
    with st.expander(ui.tr("subs.outbox", n=ui.count(len(sent)))):
        if sent.empty:
            st.caption(ui.tr("subs.outbox_none"))
            return
        top = sent.head(OUTBOX_SHOWN)
        ui.dataframe(pd.DataFrame({
            ui.tr("subs.col.created"): [format_date(pd.Timestamp(v), lang, time=True)
                                        for v in top["created_at"]],
            ui.tr("subs.email"): top["recipient"],
            ui.tr("subs.kinds"): [t(f"subs.kind.{k}", lang) for k in top["kind"]],
            ui.tr("subs.col.status"): [t(f"subs.status.{s}", lang) for s in top["status"]],
            ui.tr("subs.col.attempts"): top["attempts"],
            ui.tr("subs.col.error"): top["last_error"].fillna("")}),
            hide_index=True, width="stretch", key="subs_outbox")
