"""Field data (analysts): import with a preview before confirmation, import history with the
rejected rows, exports; for administrators, deleting a batch and the demonstration data."""

import hashlib

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

import ui
from ui import downloads
from ui import intake as ui_intake
from geo.ingest import demo
from geo.analysis import disclosure
from geo.outputs import export
from geo import ingest
from geo.records import batches, store
from geo.records.roles import AccessDenied
from geo.i18n import format_date, format_number, t
from geo.records.fields import KINDS

page = ui.begin("data")
user = page.user

lang = page.lang
engine = page.engine
stored_counts = store.counts(engine)
counts = {k: format_number(v, lang) for k, v in stored_counts.items()}
# a national total of mediators is published rounded (geo.analysis.disclosure.rounded_total)
counts["mediators"] = disclosure.rounded_text(stored_counts["mediators"], lang)
st.caption(ui.tr("data.store", engine=engine.dialect.name, **counts))


@st.cache_resource(show_spinner=False)
def _locator() -> ingest.Locator:
    return ingest.Locator()


_ROW_COLS = {"row": ui.tr("data.col.row"), "reasons": ui.tr("data.col.reasons"),
             "warnings": ui.tr("data.warnings")}


def _report_tables(report: ingest.ImportReport) -> None:
    cols = st.columns(5)
    for col, key, value in zip(cols, ("rows", "accepted", "rejected", "duplicates", "warnings"),
                               (report.rows, report.accepted, report.rejected, report.duplicates,
                                report.warnings)):
        col.metric(ui.tr(f"data.{key}"), format_number(value, lang))
    st.caption(ui.tr("data.format", format=ui.tr(f"format.{report.source_format}"))
               + (" " + ui.tr("data.hxl_row") if report.hxl_row else ""))
    if report.attribution:
        st.caption(ui.tr_text("data.attribution", text=report.attribution))
    for notice in report.notices:
        st.warning(ui.md_escape(notice.text(lang)))
    if report.ignored_columns:
        st.caption(ui.tr_text("data.ignored", columns=", ".join(report.ignored_columns)))
    if report.placed:
        with st.expander(ui.tr("data.placed", n=format_number(len(report.placed), lang)),
                         expanded=report.rejected == 0):
            ui.dataframe(ui.localized_table(report.placed_frame(lang), "data.placed_col"),
                         hide_index=True, width="stretch")
    if report.rejections:
        st.markdown(f"**{ui.tr('data.rejections')}**")
        ui.dataframe(report.rejected_frame(lang).rename(columns=_ROW_COLS), hide_index=True,
                     width="stretch")
    # an accepted row's warnings here; a rejected row's beside its reasons, above
    if accepted_warnings := report.accepted_warnings():
        st.markdown(f"**{ui.tr('data.row_warnings')}**")
        ui.dataframe([{_ROW_COLS["row"]: r,
                       ui.tr("data.warnings"): " ; ".join(w.text(lang) for w in ws)}
                      for r, ws in accepted_warnings], hide_index=True, width="stretch")


# ------------------------------------------------------------------ import
st.header(ui.tr("data.import"))
kind = ui.localized_selectbox(st, ui.tr("data.kind"), list(KINDS), key="import_kind",
                              default="tensions", format_func=lambda k: t(f"kind.{k}", lang))
upload = st.file_uploader(ui.tr("data.file"), type=["csv", "txt", "tsv", "xlsx", "geojson",
                                                    "json"],
                          help=ui.tr("data.file_help"), key=f"upload_{kind}")
if upload is not None:
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    done_key = f"imported_{kind}_{digest}"
    done = st.session_state.get(done_key)
    if done is not None:
        # what was stored, in the language of this run (the report is kept, not its text)
        st.success(ui.tr("data.done", batch=done.batch_id, accepted=done.accepted,
                         rejected=done.rejected, duplicates=done.duplicates))
        st.subheader(ui.tr("data.stored"))
        _report_tables(done)
    else:
        try:
            preview = ingest.import_file(engine, kind, data, upload.name, actor=user,
                                         dry_run=True, locator=_locator())
        except ingest.ImportRefused as refused:
            st.error(ui.md_escape(refused.message(lang)))
        except AccessDenied as denied:
            ui.refused(denied)
        except (SQLAlchemyError, OSError) as err:
            ui.store_failed(err)
        else:
            st.subheader(ui.tr("data.preview"))
            _report_tables(preview)
            token = ui.once(f"import_{digest}")       # a confirm sent twice imports once
            if st.button(ui.tr("data.confirm"), type="primary", disabled=preview.rows == 0,
                         key=f"import_confirm_{token}"):
                try:
                    report = ingest.import_file(
                        engine, kind, data, upload.name, actor=user, locator=_locator(),
                        within=lambda conn, _report: store.claim_once(
                            conn, token, "import", user.subject))
                except ingest.ImportRefused as refused:
                    st.error(ui.md_escape(refused.message(lang)))
                except AccessDenied as denied:
                    ui.refused(denied)
                except store.AlreadyStored:
                    ui.stored(f"import_{digest}")
                except (SQLAlchemyError, OSError) as err:   # nothing stored: one line
                    ui.store_failed(err)
                else:
                    ui.stored(f"import_{digest}")
                    st.session_state[done_key] = report
                    st.cache_data.clear()
                    st.rerun()

# ------------------------------------------------------------------ history
st.header(ui.tr("data.batches"))
listed = batches.list_batches(engine)
if listed.empty:
    st.info(ui.tr("data.no_batches"))
else:
    shown = disclosure.batch_counts(listed[["batch_id", "kind", "file_name", "rows",
                                             "accepted", "rejected", "duplicates", "warnings",
                                             "is_demo", "imported_at"]], lang)
    shown["kind"] = [ui.tr(f"kind.{k}") for k in shown["kind"]]
    shown["imported_at"] = [format_date(v, lang, time=True) for v in shown["imported_at"]]
    ui.dataframe(shown.rename(columns={
        "batch_id": ui.tr("data.col.batch_id"), "kind": ui.tr("data.col.kind"),
        "file_name": ui.tr("data.col.file_name"), "rows": ui.tr("data.rows"),
        "accepted": ui.tr("data.accepted"), "rejected": ui.tr("data.rejected"),
        "duplicates": ui.tr("data.duplicates"), "warnings": ui.tr("data.warnings"),
        "is_demo": ui.tr("data.col.is_demo"), "imported_at": ui.tr("data.col.imported_at")}),
        hide_index=True, width="stretch")
    with_rejections = listed.loc[listed["rejected"] > 0, "batch_id"].tolist()
    if with_rejections:
        col_pick, col_dl = st.columns([1, 2], vertical_alignment="bottom")
        batch_id = col_pick.selectbox(ui.tr("data.batch_pick"), with_rejections,
                                      key="rejected_batch", placeholder=ui.tr("chrome.choose"))
        downloads.offer(col_dl, ui.tr("data.download_rejected"), lambda: export.to_csv(
            ingest.rejected_rows(engine, batch_id, lang).rename(columns=_ROW_COLS), lang=lang),
            f"veille-lot-{batch_id}-rejets.csv", "text/csv", key="data_rejected")
    if ui.allowed("delete_batch"):
        col_del, col_btn = st.columns([1, 2], vertical_alignment="bottom")
        doomed = col_del.selectbox(ui.tr("data.delete_pick"), listed["batch_id"].tolist(),
                                   key="delete_batch_id", placeholder=ui.tr("chrome.choose"))
        col_btn.button(ui.tr("data.delete"), key="delete_batch", on_click=ui.ask,
                       args=("ask_delete_batch",))
        contents = batches.batch_contents(engine, doomed)
        if contents and ui.confirmation("ask_delete_batch", ui.tr(
                "data.delete_confirm", batch=doomed, file=ui.md_escape(contents["file_name"]),
                kind=ui.tr(f"kind.{contents['kind']}"),
                records=(ui.approx if contents["kind"] == "mediators" else ui.count)(
                    contents["records"]),
                rejected=ui.count(contents["rejected_rows"]))):
            try:
                batches.delete_batch(engine, doomed, user)
            except AccessDenied as denied:
                ui.refused(denied)
            else:
                st.cache_data.clear()
                st.session_state["data_deleted"] = doomed
                st.rerun()
    if (deleted := st.session_state.pop("data_deleted", None)) is not None:
        st.success(ui.tr("data.deleted", batch=deleted))

# ------------------------------------------------------------------ the network's intake
ui_intake.sources_section(page)
ui_intake.sms_section(page)

# ------------------------------------------------------------------ export
st.header(ui.tr("data.export"))
col_kind, col_fmt, col_hxl, col_btn = st.columns([2, 1, 1.4, 1.2], vertical_alignment="bottom")
exp_kind = ui.localized_selectbox(col_kind, ui.tr("data.kind"), list(export.PUBLISHED_KINDS),
                                  key="export_kind",
                                  default="tensions",
                                  format_func=lambda k: t(f"kind.{k}", lang))
fmt = col_fmt.selectbox(ui.tr("data.export_format"), ["csv", "geojson"], key="export_format",
                        format_func=str.upper, placeholder=ui.tr("chrome.choose"))
hxl = col_hxl.checkbox(ui.tr("data.hxl"), key="export_hxl", disabled=fmt != "csv")
col_btn.download_button(ui.tr("data.download"), export.export(engine, exp_kind, fmt, hxl,
                                                                lang=lang),
                        file_name=f"veille-{exp_kind}.{fmt}",
                        mime="text/csv" if fmt == "csv" else "application/geo+json")
st.caption(ui.tr("data.export_note"))

# ------------------------------------------------------------------ demonstration data
st.header(ui.tr("data.demo"))
if store.demo_in_use(engine):
    st.write(ui.tr("data.demo_loaded"))
else:
    st.write(ui.tr("data.demo_none"))
    if ui.allowed("load_demo") and st.button(ui.tr("data.demo_load"), key="load_demo"):
        try:
            demo.load(engine, user, locator=_locator())
        except AccessDenied as denied:
            ui.refused(denied)
        else:
            st.cache_data.clear()
            st.rerun()
