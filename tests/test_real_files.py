"""Issue 11: real files import as they come — ACLED's and UCDP's own exports, HDX files with
an HXL row, Veille's own exports, the encodings field offices produce, boundary reforms."""

import collections
import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from geo.outputs import export
from geo.records import batches
from geo.ingest import rejected_rows
from geo.records import store
from geo.ingest import formats, parse_date, read_table
from tests.acled_like import acled_csv, acled_rows, ucdp_csv

from tests.support import IMPORT_TODAY, run_import as run
from tests.support import ADMIN

TODAY = IMPORT_TODAY





def by_reason(report):
    return collections.Counter(r.code for _, reasons, _ in report.rejections for r in reasons)


# --------------------------------------------------------------------------- ACLED
@pytest.mark.parametrize("style", ["export", "iso"])
def test_acled_as_exported_both_date_styles_dyadic_and_history(engine, locator, style):
    rows = acled_rows(300)
    events = len({r["event_id_cnty"] for r in rows})
    rep = run(engine, "tensions", acled_csv(rows, style), locator=locator)
    assert rep.source_format == "acled"
    assert (rep.rows, rep.accepted, rep.rejected) == (len(rows), events, 0), by_reason(rep)
    assert rep.duplicates == len(rows) - events           # dyadic rows: one event each
    assert "region" in rep.ignored_columns                # ACLED's world region…
    texts = [w.text("fr") for _, ws in rep.row_warnings for w in ws]
    assert not any("Western Africa" in x for x in texts)  # …without a word per row
    stored = store.load_records(engine, "tensions")
    assert min(stored["occurred_on"]) < date(2012, 1, 1)  # history back to 1997
    assert stored["time_precision"].notna().all() and stored["geo_precision"].notna().all()
    assert set(stored["source_type"]) == {"acled"}
    batch = batches.list_batches(engine).iloc[0]
    assert batch["source_format"] == "acled"
    assert batch["attribution"].startswith("Armed Conflict Location & Event Data Project")


def test_hdx_file_with_hxl_row(engine, locator):
    rows = acled_rows(40, dyadic_share=0)
    rep = run(engine, "tensions", acled_csv(rows, "iso", hxl=True), locator=locator)
    assert rep.hxl_row and rep.rows == 40 and rep.accepted == 40
    assert rep.as_dict()["hxl_row"] is True
    frame, numbers = read_table(acled_csv(rows[:2], "iso", hxl=True), "f.csv")
    assert numbers == [3, 4]                              # the hashtag row is row 2


def test_hashtags_instead_of_headers(engine, locator):
    text = ("#adm2+name,#date+occurred,#event+type,#severity,#affected+killed\n"
            "Bankass,2018-07-29,clash,3,2\nKoro,2018-07-30,protest,2,0\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 2 and rep.ignored_columns == []


def test_acled_xlsx_with_export_dates(engine, locator, tmp_path):
    rows = acled_rows(20, dyadic_share=0)
    book = openpyxl.Workbook()
    sheet = book.active
    text = acled_csv(rows, "export").decode().splitlines()
    import csv
    for line in csv.reader(text):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    rep = run(engine, "tensions", buffer.getvalue(), "acled.xlsx", locator=locator)
    assert rep.source_format == "acled" and rep.accepted == 20


def test_reformed_regions_resolve_through_cercle_or_coordinates(engine, locator):
    text = ("event_id_cnty,event_date,event_type,admin1,admin2,latitude,longitude,geo_precision\n"
            "A1,2020-12-31,Battles,Menaka,Menaka,,,3\n"          # a real cercle wins
            "A2,2020-12-31,Battles,Taoudeni,Al-Ourche,20.10,-3.50,1\n"   # coordinates
            "A3,2020-12-31,Protests,Kita,,,,3\n"                  # the region alone
            "A4,2020-12-31,Protests,Bandiagara,Bankass,,,3\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 4
    rec = store.load_records(engine, "tensions").set_index("report_id")
    assert rec.at["A1", "cercle_id"] == "mli-menaka" and rec.at["A1", "region_id"] == "ML07"
    assert rec.at["A2", "cercle_id"] == "mli-tombouctou"
    assert rec.at["A3", "region_id"] == "ML01" and pd.isna(rec.at["A3", "cercle_id"])
    assert rec.at["A4", "cercle_id"] == "mli-bankass"
    warned = {row: [w.text("en") for w in ws] for row, ws in rep.row_warnings}
    assert any("Menaka" in w and "2016 reform" in w for w in warned[2])
    assert any("Kita" in w and "2023 reform" in w and "Kayes" in w for w in warned[4])


# --------------------------------------------------------------------------- UCDP
def test_ucdp_ged_and_candidate_files_with_where_prec(engine, locator):
    events = [{"id": 1, "type_of_violence": 1, "where_prec": 1, "adm_1": "Mopti region",
               "adm_2": "Bankass cercle", "latitude": 14.08, "longitude": -3.51,
               "date_start": "2018-07-29 00:00:00.000", "best": 4},
              {"id": 2, "type_of_violence": 2, "where_prec": 4, "adm_1": "Mopti region",
               "adm_2": "", "latitude": 14.35, "longitude": -3.61,
               "date_start": "1990-06-01", "best": 30}]
    rep = run(engine, "tensions", ucdp_csv(events), "ged.csv", locator=locator)
    assert rep.source_format == "ucdp" and rep.accepted == 2, by_reason(rep)
    rec = store.load_records(engine, "tensions").set_index("report_id")
    assert rec.at["1", "location_precision"] == "exact"
    assert rec.at["2", "location_precision"] == "region" and pd.isna(rec.at["2", "cercle_id"])
    assert rec.at["2", "severity"] == 5 and rec.at["2", "occurred_on"] == date(1990, 6, 1)
    # the candidate-events file has the same columns: it re-imports as duplicates
    assert run(engine, "tensions", ucdp_csv(events), "candidates.csv",
               locator=locator).duplicates == 2


def test_history_floors_per_source():
    assert formats.SOURCE_EARLIEST == {f.key: f.earliest for f in formats.formats()
                                       if f.key != "veille"}
    assert formats.by_key("veille").earliest == date(2012, 1, 1)


# --------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("hxl", [False, True])
def test_veille_exports_reimport_as_duplicates_for_every_kind(tmp_path, locator, hxl):
    from geo.ingest import demo

    engine = store.make_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    demo.load(engine, ADMIN, locator=locator)
    run(engine, "tensions", acled_csv(acled_rows(30, dyadic_share=0), "iso"), locator=locator)
    for kind in ("workshops", "mediators", "tensions"):
        data = export.export(engine, kind, "csv", hxl=hxl, restricted=True)
        before = store.counts(engine)[kind]
        rep = run(engine, kind, data, f"veille-{kind}.csv", locator=locator)
        assert rep.hxl_row is hxl
        assert (rep.accepted, rep.rejected, rep.duplicates) == (0, 0, before), (
            kind, by_reason(rep))


# --------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text(engine, locator, encoding):
    text = "cercle\toccurred_on\tcategory\tseverity\nSégou\t2018-07-29\tclash\t3\nDjenné\t2018-07-30\tprotest\t2\n"
    data = text.encode(encoding)
    if encoding != "utf-16":          # with a BOM, as Excel writes it
        data = ("\ufeff" + text).encode(encoding)
    rep = run(engine, "tensions", data, "texte.txt", locator=locator)
    assert rep.accepted == 2


def test_a_windows_1252_line_in_a_utf8_file_is_decoded_and_named(engine, locator):
    data = ("cercle;occurred_on;category;severity\nSégou;2018-07-29;clash;3\n".encode("utf-8")
            + "Djenné;2018-07-30;protest;2\n".encode("cp1252")
            + "Tombouctou;2018-07-31;protest;2\n".encode("utf-8"))
    rep = run(engine, "tensions", data, locator=locator)
    assert rep.accepted == 3 and rep.rejected == 0
    assert [n.text("en") for n in rep.notices] == [
        "file in UTF-8 except lines 3, read as Windows-1252: check their accents"]
    assert set(store.load_records(engine, "tensions")["cercle_id"]) == {
        "mli-segou", "mli-djenne", "mli-tombouctou"}


def test_dates_with_impossible_times_are_rejected():
    assert parse_date("2018-07-29 25:61") is None and parse_date("2018-07-29 23:59") is not None
    assert parse_date("31 December 2020") == date(2020, 12, 31)
    assert parse_date("31 décembre 2020") == date(2020, 12, 31)
    assert parse_date("31 Smarch 2020") is None and parse_date("30 February 2020") is None


def test_rejected_rows_download_in_the_interface_language(engine, locator):
    rep = run(engine, "tensions", "cercle,occurred_on,category,severity\nAtlantis,2018-07-29,clash,3\n",
              locator=locator)
    fr = rejected_rows(engine, rep.batch_id, "fr")["reasons"][0]
    en = rejected_rows(engine, rep.batch_id, "en")["reasons"][0]
    assert "inconnu" in fr and "unknown" in en


@pytest.mark.slow
def test_cli_json_names_the_format_and_the_hxl_row(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "acled.csv"
    path.write_bytes(acled_csv(acled_rows(10, dyadic_share=0), "export", hxl=True))
    out = subprocess.run([sys.executable, "-m", "geo", "import", "tensions", str(path), "--dry-run",
                          "--json"], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent,
                         env={**__import__("os").environ,
                              "VEILLE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    doc = json.loads(out.stdout)
    assert (doc["source_format"], doc["hxl_row"], doc["rows"], doc["accepted"]) == (
        "acled", True, 10, 10)
    assert doc["attribution"].endswith("acleddata.com")
