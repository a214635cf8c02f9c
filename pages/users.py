"""Access (administrators): the role table of users whose identity provider sends no role
claim, and how roles are decided."""

import streamlit as st

import ui
from geo.records import access, roles
from geo.records.access import RoleError
from geo.records.roles import AccessDenied
from geo.i18n import format_date, t

page = ui.begin("users", intro=False)
user = page.user

lang = page.lang
engine = page.engine
config = ui.settings()
st.markdown(ui.tr("users.intro", claim=config.role_claim,
                  unknown=ui.tr("users.unknown." + (config.unknown_users or "none"))))
if not config.sign_in:
    st.info(ui.tr("users.local"))

table = access.role_table(engine)
if table.empty:
    st.info(ui.tr("users.empty"))
else:
    ui.dataframe(table.assign(
        role=[ui.tr(f"role.{r}") for r in table["role"]],
        updated_at=[format_date(v, lang, time=True) for v in table["updated_at"]],
    ).rename(columns={"principal": ui.tr("users.col.principal"),
                      "role": ui.tr("users.col.role"),
                      "updated_by": ui.tr("users.col.updated_by"),
                      "updated_at": ui.tr("users.col.updated_at")}),
        hide_index=True, width="stretch")


def _done(text: str) -> None:
    st.session_state["users_done"] = text
    st.rerun()


st.subheader(ui.tr("users.set"))
with st.form("users_set"):
    col_p, col_r = st.columns([3, 1])
    principal = col_p.text_input(ui.tr("users.col.principal"), help=ui.tr("users.principal_help"))
    role = col_r.selectbox(ui.tr("users.col.role"), roles.ROLES,
                           format_func=lambda r: t(f"role.{r}", lang),
                           placeholder=ui.tr("chrome.choose"))
    if st.form_submit_button(ui.tr("users.save"), type="primary"):
        try:
            access.set_role(engine, principal, role, user)
        except RoleError as err:
            st.error(ui.tr(f"users.error.{err.code}"))
        except AccessDenied as denied:
            ui.refused(denied)
        else:
            _done(ui.tr("users.saved", principal=access.normalise_principal(principal),
                        role=ui.tr(f"role.{role}")))

if not table.empty:
    st.subheader(ui.tr("users.remove"))
    col_pick, col_btn = st.columns([3, 1], vertical_alignment="bottom")
    gone = col_pick.selectbox(ui.tr("users.col.principal"), table["principal"].tolist(),
                              key="users_remove_pick", placeholder=ui.tr("chrome.choose"))
    col_btn.button(ui.tr("users.remove_button"), key="users_remove", on_click=ui.ask,
                   args=("ask_remove_user",))
    if ui.confirmation("ask_remove_user", ui.tr("users.remove_confirm", principal=gone)):
        try:
            access.remove_role(engine, gone, user)
        except RoleError as err:
            st.error(ui.tr(f"users.error.{err.code}"))
        except AccessDenied as denied:
            ui.refused(denied)
        else:
            _done(ui.tr("users.removed", principal=gone))

if done := st.session_state.pop("users_done", None):
    st.success(done)
