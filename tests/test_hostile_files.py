"""Issue 10, the importer's side: files a hostile tester built — personal data in headers and
in values, bombs, oversized numbers and identifiers, broken rows — each a regression test.
Every file is built here; nothing is read from outside the test."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from geo.outputs import export
from geo.ingest import rejected_rows
from geo.records import personal, store
from geo.ingest import ImportRefused

from tests.support import IMPORT_TODAY, reason_codes as codes, run_import as run

ROOT = Path(__file__).resolve().parent.parent
TODAY = IMPORT_TODAY






def everything_stored(engine) -> str:
    """Every cell of every table, as one text: what an attacker with the database gets."""
    return json.dumps(store.snapshot(engine), default=str, ensure_ascii=False)


# --------------------------------------------------------------------------- personal data
@pytest.mark.parametrize("header,what", [
    ("Numéro", "phone"), ("Contact du médiateur", "name"), ("Noms et prénoms", "name"),
    ("Adresse électronique", "email"), ("N° de téléphone", "phone"), ("WhatsApp", "phone"),
    ("nom_informateur", "name"), ("Adresse", "name")])
def test_headers_naming_a_person_refuse_the_file(engine, locator, header, what):
    text = f"mediator_code,cercle,{header}\nM1,Mopti,76 12 34 56\nM2,Kati,x\n"
    before = store.snapshot(engine)
    with pytest.raises(ImportRefused) as exc:
        run(engine, "mediators", text, locator=locator)
    assert exc.value.code == "personal_data"
    assert exc.value.params["columns"] == [(header, what)]
    fr, en = exc.value.message("fr"), exc.value.message("en")
    assert header in fr and personal.header_kind(header) and "76 12" not in fr + en
    assert "Fichier refusé" in fr and "File refused" in en
    assert store.snapshot(engine) == before


@pytest.mark.parametrize("cell,what", [("+223 76 12 34 56", "phone"), ("0022366123456", "phone"),
                                       ("76.12.34.56", "phone"), ("+33 6 12 34 56 78", "phone"),
                                       ("moussa.traore@example.org", "email")])
def test_phone_or_email_values_under_any_header_refuse_the_file(engine, locator, cell, what):
    text = f"mediator_code,cercle,joindre\nM1,Mopti,{cell}\nM2,Kati,\n"
    with pytest.raises(ImportRefused) as exc:
        run(engine, "mediators", text, locator=locator)
    assert exc.value.params["columns"] == [("joindre", what)]
    assert cell not in exc.value.message("fr") and cell not in exc.value.message("en")


def test_acled_actor_columns_are_not_personal_data(engine, locator):
    text = ("event_id_cnty,event_date,event_type,actor1,assoc_actor_1,admin1,admin2,fatalities,notes\n"
            "MLI1,2018-07-29,Battles,Military Forces of Mali (2013-2021),Dan Na Ambassagou,"
            "Mopti,Bankass,3,Clashes near the town; M. Diallo (mayor) said\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 1 and rep.rejected == 0      # public reporting names public figures
    ucdp = "id,type_of_violence,date_start,where_prec,side_a,side_b,dyad_name,adm_1,best\n" \
           "7,2,2018-07-29,3,Dogon,Fulani,Dogon - Fulani,Mopti region,4\n"
    assert run(engine, "tensions", ucdp, locator=locator).accepted == 1


def test_free_text_with_personal_data_rejects_the_row_and_keeps_nothing_of_it(engine, locator):
    mediators = ("mediator_code,cercle,latitude,longitude,langues\n"
                 "M1,Mopti,14.4,-4.2,Fulfulde; Bambara\n"
                 "M2,Mopti,14.5,-4.1,Bambara (joindre au 76 12 34 56)\n")
    rep = run(engine, "mediators", mediators, locator=locator)
    assert rep.accepted == 1 and codes(rep) == {3: ["personal_data_in_text"]}
    assert "téléphone" in rep.rejections[0][1][0].text("fr")
    assert "phone number" in rep.rejections[0][1][0].text("en")
    tensions = ("report_id,occurred_on,cercle,category,severity,summary\n"
                "T1,2018-07-29,Gao,clash,3,Tirs entendus au marché\n"
                "T2,2018-07-29,Gao,clash,3,Écrire à temoin@example.org\n"
                "T3,2018-07-29,Gao,clash,3,Selon l'informateur : Amadou Diallo\n"
                "T4,2018-07-29,Gao,clash,3,Mme Coulibaly a signalé des menaces\n")
    rep = run(engine, "tensions", tensions, locator=locator)
    assert rep.accepted == 1
    assert codes(rep) == {n: ["personal_data_in_text"] for n in (3, 4, 5)}
    stored = everything_stored(engine)
    for secret in ("76 12 34 56", "temoin@example.org", "Amadou Diallo", "Coulibaly"):
        assert secret not in stored
    for kind in ("mediators", "tensions"):
        assert b"76 12" not in store_export(engine, kind)


def store_export(engine, kind):
    return (export.export(engine, kind, "csv", restricted=True)
            + export.export(engine, kind, "geojson", restricted=True))


def test_rejected_mediator_rows_keep_no_whereabouts_nor_free_text(engine, locator):
    text = ("mediator_code,cercle,commune,latitude,longitude,langues,statut\n"
            "M1,Mopti,Konna,14.2167,-3.2667,Fulfulde,inconnu\n")
    rep = run(engine, "mediators", text, locator=locator)
    assert rep.rejected == 1
    kept = rejected_rows(engine, rep.batch_id)
    assert set(kept.columns) == {"row", "reasons", "Code du médiateur", "Cercle", "Statut"}
    assert "14.2167" not in everything_stored(engine)
    assert "Konna" not in export.to_csv(kept).decode("utf-8-sig")


def test_migration_cleans_rejected_mediator_rows_of_an_existing_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:                   # a store at schema v2, as it was
        for version, migration in enumerate(store.MIGRATIONS[:2], start=1):
            migration(conn)
            conn.execute(store.schema_version.insert().values(version=version,
                                                              applied_at=sa.func.now()))
        batch = conn.execute(store.import_batch.insert().values(
            kind="mediators", file_name="m.csv", sha256="0" * 64, rows=1, accepted=0,
            rejected=1, duplicates=0, warnings=0, is_demo=False,
            imported_at=sa.func.now())).inserted_primary_key[0]
        conn.execute(store.rejected_row.insert().values(
            batch_id=batch, row=2, reasons="[]", codes="[]",
            data=json.dumps({"mediator_code": "M1", "cercle": "Mopti", "latitude": "14.2167",
                             "longitude": "-3.2667", "languages": "Fulfulde 76123456",
                             "commune": "Konna"})))
    engine = store.make_engine(url)                # migrates to the current schema
    kept = rejected_rows(engine, batch)
    assert list(kept.columns) == ["row", "reasons", "Code du médiateur", "Cercle"]
    assert "14.2167" not in everything_stored(engine)


# --------------------------------------------------------------------------- precision
def test_reports_keep_nothing_finer_than_their_precision(engine, locator):
    text = ("report_id,occurred_on,region,cercle,commune,latitude,longitude,location_precision,category,severity\n"
            "R1,2018-07-29,Mopti,Mopti,Konna,14.95,-3.89,region,clash,3\n"
            "C1,2018-07-29,Mopti,Mopti,Konna,14.95,-3.89,cercle,clash,3\n"
            "K1,2018-07-29,Mopti,Mopti,Konna,14.95,-3.89,commune,clash,3\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 3
    rows = store.load_records(engine, "tensions").set_index("report_id")
    assert rows.loc["R1", ["cercle_id", "commune_id", "latitude"]].isna().all()
    assert rows.loc["R1", "region_id"] == "ML05"
    assert rows.loc["C1", "cercle_id"] == "mli-mopti" and rows.loc["C1", ["commune_id",
                                                                          "latitude"]].isna().all()
    assert rows.loc["K1", "commune_id"] and rows.loc["K1", ["latitude", "longitude"]].isna().all()
    csv_text = export.export(engine, "tensions", "csv").decode("utf-8-sig")
    assert "14.95" not in csv_text and "-3.89" not in csv_text
    doc = json.loads(export.export(engine, "tensions", "geojson"))
    coords = {f["properties"]["report_id"]: f["geometry"]["coordinates"] for f in doc["features"]}
    assert coords["R1"] != [-3.89, 14.95] and coords["K1"] != [-3.89, 14.95]


def test_ucdp_region_level_event_counts_in_no_cercle(engine, locator):
    from geo.analysis.indicators import field_counts, reference_indicators

    ucdp = ("id,type_of_violence,date_start,where_prec,adm_1,adm_2,latitude,longitude,best\n"
            "9,1,2018-07-29,4,Mopti region,,14.35,-3.61,5\n")
    assert run(engine, "tensions", ucdp, locator=locator).accepted == 1
    rec = store.load_records(engine, "tensions")
    assert rec.loc[0, "location_precision"] == "region" and rec.loc[0, "cercle_id"] is None
    counts = field_counts({"tensions": rec}, reference_indicators().index)
    assert counts["tension_reports"].sum() == 0        # shown at region level, not in a cercle


# --------------------------------------------------------------------------- bounded reading
def _xlsx_one_far_cell() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "cercle", "occurred_on"
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """A workbook whose sheet inflates ~1000 times (60 MB of XML in ~60 KB)."""
    good = io.BytesIO()
    openpyxl.Workbook().save(good)
    src = zipfile.ZipFile(good)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w") as fh:
                    fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main"><sheetData>')
                    block = b"<row><c><v>1</v></c></row>" * 40_000
                    for _ in range(60):
                        fh.write(block)
                    fh.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


MEASURE = """
import sys, time
from geo import ingest
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    ingest.read_table(data, sys.argv[1])
    outcome = "read"
except ingest.ImportRefused as exc:
    outcome = exc.code + "|" + exc.message("fr") + "|" + exc.message("en")
print(outcome)
print(time.perf_counter() - start)
# the peak of this process's own memory (ru_maxrss would report the forking pytest's)
print(next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:")) / 1024)
"""


@pytest.mark.parametrize("build,code", [(_xlsx_one_far_cell, "too_many_columns"),
                                        (_zip_bomb, "xlsx_bomb")])
@pytest.mark.slow
def test_spreadsheet_bombs_are_refused_fast_in_bounded_memory(tmp_path, build, code):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(build())
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    outcome, seconds, peak_mb = out.stdout.strip().splitlines()
    got, fr, en = outcome.split("|")
    assert got == code
    assert "refusé" in fr and "refused" in en
    assert float(seconds) < 1.0, seconds            # refused, not read
    assert float(peak_mb) < 500, peak_mb


def test_oversized_numbers_reject_the_row_in_dry_run_and_real_run(engine, locator):
    text = ("workshop_id,start_date,cercle,participants,women\n"
            "W1,2018-01-10,Mopti,1e19,0\nW2,2018-01-10,Mopti,10001,0\n"
            "W3,2018-01-10,Mopti,30,12\nW4,2018-01-10,Mopti,2147483648,0\n")
    for dry in (True, False):
        rep = run(engine, "workshops", text, locator=locator, dry_run=dry)
        assert rep.accepted == 1
        assert codes(rep) == {2: ["above_maximum"], 3: ["above_maximum"], 5: ["above_maximum"]}
    tensions = "cercle,occurred_on,category,severity,fatalities\nGao,2018-07-29,clash,3,100001\n"
    assert codes(run(engine, "tensions", tensions, locator=locator)) == {2: ["above_maximum"]}


def test_long_identifiers_are_rejected_not_truncated(engine, locator):
    base = "X" * 125
    text = (f"report_id,cercle,occurred_on,category,severity\n{base}1,Gao,2018-07-29,clash,3\n"
            f"{base}22,Gao,2018-07-30,clash,2\n{'Y' * 120},Gao,2018-07-29,clash,3\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert codes(rep) == {2: ["too_long"], 3: ["too_long"]} and rep.accepted == 1
    assert "120" in rep.rejections[0][1][0].text("en")


def test_an_unquoted_comma_rejects_that_row_not_the_file(engine, locator):
    text = ("cercle,occurred_on,category,severity,summary\nGao,2018-07-29,clash,3,calme\n"
            "Gao,2018-07-30,clash,3,tirs, puis calme\nKati,2018-07-29,protest,2,marche\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 2 and codes(rep) == {3: ["too_many_cells"]}
    assert "6 cellules pour 5 colonnes" in rep.rejections[0][1][0].text("fr")


def test_a_feature_with_a_wkt_geometry_rejects_that_feature_only(engine, locator):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.19, 14.49]},
         "properties": {"occurred_on": "2018-07-29", "category": "clash", "severity": 3}},
        {"type": "Feature", "geometry": "POINT (-4.19 14.49)",
         "properties": {"occurred_on": "2018-07-29", "category": "clash", "severity": 3}},
        "not a feature"]}
    rep = run(engine, "tensions", json.dumps(doc), "f.geojson", locator=locator)
    assert rep.accepted == 1 and codes(rep) == {3: ["geometry_invalid"], 4: ["feature_invalid"]}


def test_user_facing_refusals_carry_no_library_text(engine, locator):
    cases = [(b"\x00\x01PK garbage", "f.xlsx"), (b'{"type": "FeatureCollection", "feat', "f.json"),
             (b'cercle,summary\nGao,"unclosed' + b"x" * 1_100_000, "f.csv")]
    for data, name in cases:
        with pytest.raises(ImportRefused) as exc:
            run(engine, "tensions", data, name, locator=locator)
        for lang in ("fr", "en"):
            text = exc.value.message(lang)
            for library in ("Error", "openpyxl", "zipfile", "Expecting", "field larger"):
                assert library not in text


def test_formula_guard_leaves_negative_numbers_alone():
    assert export.neutralise("-3.2667") == "-3.2667"
    assert export.neutralise("-12") == "-12" and export.neutralise("-1,5") == "-1,5"
    assert export.neutralise("-1+cmd") == "'-1+cmd"
    assert export.neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
