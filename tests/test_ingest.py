"""The importer against hostile files written for the purpose: every rejection reason, each
encoding and separator, personal-data refusal, duplicates, transactions, the command line."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from geo.records import store
from geo.ingest import ImportRefused, import_file, parse_date, parse_number, rejected_rows

from tests.support import IMPORT_TODAY, reason_codes as codes, run_import as run
from tests.support import ANALYST

ROOT = Path(__file__).resolve().parent.parent
TODAY = IMPORT_TODAY






def test_dates():
    assert parse_date("2018-07-29") == date(2018, 7, 29)
    assert parse_date("2018-07-29T10:30:00") == date(2018, 7, 29)
    assert parse_date("2018-07-29 10:30") == date(2018, 7, 29)
    assert parse_date("29/07/2018") == date(2018, 7, 29)
    for bad in ("07/29/2018", "29-07-2018", "July 29, 2018", "2018-13-01", "31/02/2018", "2018"):
        assert parse_date(bad) is None, bad


def test_numbers():
    assert parse_number("14,49") == 14.49 and parse_number("-4.19") == -4.19
    assert parse_number("1 234") == 1234 and parse_number("abc") is None
    assert parse_number(3) == 3.0


TENSIONS = """report_id;occurred_on;region;cercle;commune;latitude;longitude;category;severity;fatalities;verification;summary
T1;29/07/2018;Mopti;Djenné;;;;Affrontement;4;2;vérifié;nom et libellé français
T2;2018-08-12T10:00;;Timbuktu;;;;hate_speech;2;;;variante de nom
T3;2030-01-01;;Kati;;;;clash;9;-1;;trois raisons
T4;;;Atlantis;;;;boom;3;;;trois raisons
T5;2011-05-05;;;;14,49;-4,19;protest;1;;;avant 2012
T6;2018-07-30;;;;-4.19;14.49;protest;1;;;coordonnées inversées
T7;2018-07-30;;Kayes;;14.49;-4.19;protest;1;;;les coordonnées gagnent
T8;2018-07-30;;;;48.85;2.35;protest;1;;;Paris
T9;2018-07-30;;Ségou;;;;protest;0;;;gravité zéro
T10;2018-07-30;;Ségou;;;;protest;2;;peut-être;vérification inconnue
T11;2018-07-30;;;;;;protest;2;;;sans lieu
T12;2018-07-30;;Mopt;;;;protest;2;1,5;;nom approché et décimal
"""


def test_every_tension_rejection_reason(engine, locator):
    rep = run(engine, "tensions", TENSIONS, "t.csv", "cp1252", locator)
    assert (rep.rows, rep.accepted, rep.rejected, rep.duplicates) == (12, 4, 8, 0)
    assert codes(rep) == {
        4: ["date_future", "negative", "severity_range"],
        5: ["date_missing", "code_unknown", "place_unknown"],
        6: ["date_too_early"],
        9: ["outside_mali"],
        10: ["severity_range"],
        11: ["code_unknown"],
        12: ["location_missing"],
        13: ["not_whole_number", "place_unknown_suggest"],
    }
    texts = {row: [r.text("fr") for r in reasons] for row, reasons, _ in rep.rejections}
    assert "Mopti" in texts[13][1]                       # the nearest name is suggested
    warns = {row: [w.code for w in ws] for row, ws in rep.row_warnings}
    assert warns == {7: ["coordinates_swapped"], 8: ["coordinates_win"]}
    stored = store.load_records(engine, "tensions").set_index("report_id")
    assert stored.loc["T1", "cercle_id"] == "mli-djenne"
    assert stored.loc["T1", "category"] == "clash" and stored.loc["T1", "verification"] == "verified"
    assert stored.loc["T2", "cercle_id"] == "mli-tombouctou"
    assert stored.loc["T2", "location_precision"] == "cercle"
    assert (stored.loc["T6", "latitude"], stored.loc["T6", "longitude"]) == (14.49, -4.19)
    assert stored.loc["T6", "cercle_id"] == "mli-mopti"
    assert stored.loc["T7", "cercle_id"] == "mli-mopti"      # coordinates win over "Kayes"
    assert stored.loc["T7", "location_precision"] == "exact"


WORKSHOPS = """workshop_id,start_date,end_date,cercle,participants,women,youth,political_parties,notes
W1,2018-03-01,2018-03-02,Mopti,30,12,15,5,ok
W2,2018-03-01,2018-02-01,Mopti,30,40,31,31,four reasons
W3,2018-03-01,,Mopti,-3,,,,negative
W4,2018-03-01,,Cercle de Mopti,10,,,,named with its prefix
W5,2018-03-01,,,10,,,,no place
W6,2018-03-01,,Mopti,,,,,no participants
"""


def test_every_workshop_rejection_reason(engine, locator):
    rep = run(engine, "workshops", WORKSHOPS, locator=locator)
    assert (rep.accepted, rep.rejected) == (2, 4)
    assert codes(rep) == {
        3: ["above_participants", "above_participants", "above_participants", "end_before_start"],
        4: ["negative"],
        6: ["location_missing"],
        7: ["count_missing"],
    }


def test_region_alone_is_not_enough_for_a_mediator(engine, locator):
    rep = run(engine, "mediators", "mediator_code,region\nM1,Mopti\n", locator=locator)
    assert codes(rep) == {2: ["cercle_needed"]}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(engine, locator, encoding, sep):
    rows = [["mediator_code", "cercle", "commune", "genre", "statut"],
            ["M1", "Ségou", "Ségou", "Femme", "actif"],
            ["M2", "Kéniéba", "", "H", "Inactif"]]
    text = "\n".join(sep.join(r) for r in rows) + "\n"
    rep = run(engine, "mediators", text, encoding=encoding, locator=locator)
    assert (rep.accepted, rep.rejected) == (2, 0), rep.as_dict()
    stored = store.load_records(engine, "mediators").set_index("mediator_code")
    assert stored.loc["M1", "cercle_id"] == "mli-segou"
    assert stored.loc["M1", "commune_id"] == "mli-segou-segou-commune"
    assert stored.loc["M2", "cercle_id"] == "mli-kenieba"
    assert list(stored["gender"]) == ["female", "male"]
    assert list(stored["status"]) == ["active", "inactive"]


@pytest.mark.parametrize("header", ["Nom", "name", "Téléphone", "phone_number", "E-mail",
                                    "Courriel", "grp_contact/telephone_mediateur", "Prénom"])
def test_personal_data_file_is_refused_whole(engine, locator, header):
    text = f"mediator_code,cercle,{header}\nM1,Mopti,x\nM2,Kati,y\n"
    before = store.snapshot(engine)
    with pytest.raises(ImportRefused) as exc:
        run(engine, "mediators", text, locator=locator)
    assert exc.value.code == "personal_data"
    assert header in str(exc.value)
    assert store.snapshot(engine) == before          # nothing stored, not even a batch


def test_same_file_twice_adds_nothing(engine, locator):
    first = run(engine, "tensions", TENSIONS, locator=locator)
    second = run(engine, "tensions", TENSIONS, locator=locator)
    assert first.accepted == 4
    assert (second.accepted, second.duplicates, second.rejected) == (0, 4, 8)
    assert store.counts(engine)["tensions"] == 4
    with engine.connect() as conn:
        batches = conn.execute(sa.select(store.import_batch)).all()
    assert [(b.rows, b.accepted, b.duplicates) for b in batches] == [(12, 4, 0), (12, 0, 4)]
    assert batches[0].sha256 == batches[1].sha256


def test_same_id_with_other_content_is_rejected_not_overwritten(engine, locator):
    run(engine, "workshops", "workshop_id,start_date,cercle,participants\nW1,2018-01-05,Kati,10\n",
        locator=locator)
    rep = run(engine, "workshops",
              "workshop_id,start_date,cercle,participants\nW1,2018-01-05,Kati,99\n"
              "W2,2018-01-06,Kati,5\nW2,2018-01-06,Kati,5\n", locator=locator)
    assert codes(rep) == {2: ["id_conflict"]}
    assert (rep.accepted, rep.duplicates) == (1, 1)
    stored = store.load_records(engine, "workshops").set_index("workshop_id")
    assert stored.loc["W1", "participants"] == 10


def test_rows_without_id_get_a_content_id(engine, locator):
    text = "occurred_on,cercle,category,severity\n2018-07-29,Gao,clash,3\n2018-07-29,Gao,clash,3\n"
    rep = run(engine, "tensions", text, locator=locator)
    assert (rep.accepted, rep.duplicates) == (1, 1)
    assert store.load_records(engine, "tensions")["report_id"][0].startswith("T-")


def test_failure_midway_leaves_the_store_as_it_was(engine, locator, monkeypatch):
    run(engine, "tensions", TENSIONS, locator=locator)
    before = store.snapshot(engine)
    real_bulk_insert = store.bulk_insert

    def fail_on_rejected_rows(conn, table, rows):
        if table is store.rejected_row:      # the records are already written by then
            raise RuntimeError("disk full")
        real_bulk_insert(conn, table, rows)

    monkeypatch.setattr(store, "bulk_insert", fail_on_rejected_rows)
    other = TENSIONS.replace("T1;", "X1;").replace("T2;", "X2;")
    with pytest.raises(RuntimeError):
        run(engine, "tensions", other, locator=locator)
    monkeypatch.undo()
    assert store.snapshot(engine) == before


def test_dry_run_stores_nothing(engine, locator):
    before = store.snapshot(engine)
    rep = run(engine, "tensions", TENSIONS, locator=locator, dry_run=True)
    assert rep.accepted == 4 and rep.batch_id is None
    assert store.snapshot(engine) == before


def test_rejected_rows_are_kept_with_the_batch(engine, locator):
    rep = run(engine, "tensions", TENSIONS, locator=locator)
    with engine.connect() as conn:
        kept = conn.execute(sa.select(store.rejected_row)
                            .where(store.rejected_row.c.batch_id == rep.batch_id)).all()
    assert sorted(r.row for r in kept) == [4, 5, 6, 9, 10, 11, 12, 13]
    row5 = next(r for r in kept if r.row == 5)
    assert json.loads(row5.codes) == ["date_missing", "code_unknown", "place_unknown"]
    assert json.loads(row5.data)["cercle"] == "Atlantis"
    frame = rep.rejected_frame("en")
    assert list(frame["row"]) == [4, 5, 6, 9, 10, 11, 12, 13]
    assert "date in the future" in frame.loc[0, "reasons"]


def test_kobo_export_headers(engine, locator):
    text = ("start,grp_incident/date_incident,grp_incident/categorie,grp_incident/gravite,"
            "_localisation_latitude,_localisation_longitude,_localisation_altitude,"
            "_localisation_precision,_id,_uuid,_submission_time,_status,_submitted_by\n"
            "2018-07-29T08:00:00,2018-07-28,intimidation,2,14.49,-4.19,270,5,1,abc,"
            "2018-07-29T09:00:00,submitted_via_web,enum01\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.accepted == 1, rep.as_dict()
    rec = store.load_records(engine, "tensions").iloc[0]
    assert (rec["cercle_id"], rec["category"], rec["status"]) == ("mli-mopti", "intimidation",
                                                                  "open")
    assert "_submitted_by" in rep.ignored_columns and "_status" in rep.ignored_columns


def test_kobo_geolocation_column(engine, locator):
    text = ("code_mediateur,_geolocation\nM9,\"[12.65, -8.0]\"\n")
    rep = run(engine, "mediators", text, locator=locator)
    assert rep.accepted == 1
    assert store.load_records(engine, "mediators").iloc[0]["cercle_id"] == "mli-bamako"


def test_acled_extract(engine, locator):
    text = ("event_id_cnty,event_date,year,event_type,sub_event_type,actor1,admin1,admin2,"
            "admin3,location,latitude,longitude,geo_precision,source,notes,fatalities\n"
            "MLI1234,2018-07-29,2018,Battles,Armed clash,Unidentified Armed Group,Mopti,"
            "Douentza,,Boni,15.02,-1.85,1,Local,Clash near Boni,7\n"
            "MLI1235,2018-08-12,2018,Protests,Peaceful protest,Protesters,Bamako,Bamako,,"
            "Bamako,12.65,-8.0,3,Media,Post-election protest,0\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.source_format == "acled" and rep.accepted == 2, rep.as_dict()
    stored = store.load_records(engine, "tensions").set_index("report_id")
    assert stored.loc["MLI1234", "category"] == "clash"
    assert stored.loc["MLI1234", "severity"] == 4          # 7 deaths
    assert stored.loc["MLI1234", "source_type"] == "acled"
    assert stored.loc["MLI1235", "category"] == "protest"
    assert stored.loc["MLI1235", "location_precision"] == "cercle"


def test_ucdp_ged_extract(engine, locator):
    text = ("id,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,where_prec,"
            "adm_1,adm_2,latitude,longitude,date_start,date_end,best,low,high\n"
            "99001,2018,2,Dogon - Fulani,Dan Na Ambassagou - Fulani,Dan Na Ambassagou,Fulani,"
            "2,Mopti region,Bankass cercle,14.08,-3.52,2018-06-23,2018-06-23,32,30,40\n")
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.source_format == "ucdp" and rep.accepted == 1, rep.as_dict()
    rec = store.load_records(engine, "tensions").iloc[0]
    assert rec["report_id"] == "99001" and rec["category"] == "intercommunal"
    assert rec["fatalities"] == 32 and rec["severity"] == 5 and rec["source_type"] == "ucdp"
    assert rec["cercle_id"] == "mli-bankass"


def test_xlsx_with_real_dates(engine, locator, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Code atelier", "Date de début", "Cercle", "Participants", "Femmes"])
    sheet.append(["AT-1", date(2019, 5, 2), "Bandiagara", 25, 11])
    sheet.append(["AT-2", "02/05/2019", "Bandiagara", 25, 30])
    path = tmp_path / "ateliers.xlsx"
    book.save(path)
    rep = import_file(engine, "workshops", path.read_bytes(), path.name, locator=locator,
                      actor=ANALYST,
                      today=TODAY)
    assert (rep.accepted, rep.rejected) == (1, 1)
    assert codes(rep) == {3: ["above_participants"]}


def test_geojson_points(engine, locator):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-3.99, 17.57]},
         "properties": {"occurred_on": "2018-07-29", "category": "armed_group", "severity": 3}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0],
                                                                             [1, 1], [0, 0]]]},
         "properties": {"occurred_on": "2018-07-29", "category": "clash", "severity": 3}},
    ]}
    rep = run(engine, "tensions", json.dumps(doc), "events.geojson", locator=locator)
    assert rep.accepted == 1
    assert codes(rep)[3][0] == "not_a_point"


def test_unreadable_and_unrecognised_files(engine, locator):
    with pytest.raises(ImportRefused) as exc:
        run(engine, "tensions", b"\x00\x01PK garbage", "f.xlsx", locator=locator)
    assert exc.value.code == "xlsx_unreadable"          # no openpyxl text
    with pytest.raises(ImportRefused) as exc:
        run(engine, "tensions", "foo,bar\n1,2\n", locator=locator)
    assert exc.value.code == "no_columns"
    with pytest.raises(ImportRefused):
        run(engine, "tensions", "", locator=locator)


def test_blank_lines_are_not_rows_but_numbering_follows_the_sheet(engine, locator):
    text = "cercle,occurred_on,category,severity\nGao,2018-07-29,clash,3\n,,,\nGao,2099-01-01,clash,3\n"
    rep = run(engine, "tensions", text, locator=locator)
    assert rep.rows == 2
    assert codes(rep) == {4: ["date_future"]}


@pytest.mark.slow
def test_hundred_thousand_rows(engine, locator):
    lines = ["report_id,occurred_on,cercle,latitude,longitude,category,severity"]
    for i in range(100_000):
        if i % 10 == 9:
            lines.append(f"R{i},2099-01-01,Mopti,,,clash,3")           # rejected
        elif i % 2:
            lines.append(f"R{i},2018-07-29,Gao,,,protest,2")
        else:
            lines.append(f"R{i},29/07/2018,,{14 + (i % 7) / 10},{-4 + (i % 5) / 10},clash,4")
    rep = run(engine, "tensions", "\n".join(lines), "big.csv", locator=locator)
    assert rep.rows == 100_000
    assert (rep.accepted, rep.rejected, rep.duplicates) == (90_000, 10_000, 0)
    assert store.counts(engine)["tensions"] == 90_000


@pytest.mark.slow
def test_two_imports_at_once(tmp_path, locator):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    store.make_engine(url)
    path = tmp_path / "t.csv"
    path.write_text(TENSIONS, encoding="utf-8")
    env = {"VEILLE_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-m", "geo", "import", "tensions", str(path), "--json"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert sorted((o["accepted"], o["duplicates"]) for o in outs) == [(0, 4), (4, 0)]
    assert store.counts(store.make_engine(url))["tensions"] == 4


@pytest.mark.slow
def test_command_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(TENSIONS, encoding="utf-8")
    env = {"VEILLE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "geo", "import", "tensions", str(path)]
    dry = subprocess.run(cmd + ["--dry-run", "--json"], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert dry.returncode == 0
    out = json.loads(dry.stdout)
    assert {k: out[k] for k in ("kind", "rows", "accepted", "rejected", "duplicates",
                                "warnings")} == {"kind": "tensions", "rows": 12, "accepted": 4,
                                                 "rejected": 8, "duplicates": 0, "warnings": 2}
    assert out["rejections"][0]["row"] == 4 and len(out["rejections"][0]["reasons"]) == 3
    real = subprocess.run(cmd + ["--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert json.loads(real.stdout)["accepted"] == 4
    pii = tmp_path / "pii.csv"
    pii.write_text("mediator_code,cercle,phone\nM1,Kati,7000\n", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "geo", "import", "mediators", str(pii)],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "phone" in refused.stderr
    missing = subprocess.run([sys.executable, "-m", "geo", "import", "mediators",
                              str(tmp_path / "none.csv")], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    assert missing.returncode == 2


PREVIEWED = ("report_id;occurred_on;cercle;category;severity;latitude;longitude\n"
             "a1;15/08/2027;Gao;clash;3;;\n"
             "a2;;Gao;clash;;;\n"
             "a3;2018-07-29;Gaooo;clash;9;16.27;-0.04\n"
             "a4;2018-07-29;Gaooo;clash;3;16.27;-0.04\n")


def test_the_import_preview_shows_labels_empty_cells_and_typed_dates_issue_31(engine, locator):
    """Issue 31: the preview showed raw None and field codes (occurred_on) in the rejected
    rows, echoed 15/08/2027 as 2027-08-15 and listed a rejected row's warning under the
    accepted rows."""
    rep = run(engine, "tensions", PREVIEWED, locator=locator, dry_run=True)
    frame = rep.rejected_frame("fr")
    assert list(frame.columns) == [
        "row", "reasons", "warnings", "Identifiant du signalement", "Date de l'incident",
        "Cercle", "Catégorie", "Gravité", "Latitude", "Longitude"]
    assert frame.loc[0, "reasons"] == "date dans le futur (date de l'incident = 15/08/2027)"
    assert frame.loc[1].tolist() == [
        3, "date manquante (date de l'incident) ; valeur manquante (gravité)", "", "a2", "",
        "Gao", "clash", "", "", ""]
    # the rejected row's warning beside its reasons; only the accepted row's under "accepted"
    assert frame.loc[2, "warnings"] == "nom de lieu « Gaooo » non reconnu : coordonnées retenues"
    assert [r for r, _ in rep.accepted_warnings()] == [5]
    assert list(rep.rejected_frame("en").columns)[3:5] == ["Report identifier", "Incident date"]


def test_the_rejected_rows_kept_with_a_batch_read_like_the_preview_issue_31(engine, locator):
    rep = run(engine, "tensions", PREVIEWED, locator=locator)
    kept = rejected_rows(engine, rep.batch_id, "fr")
    assert "None" not in kept.to_csv() and "nan" not in kept.to_csv()
    assert kept.loc[kept["row"] == 3, "Gravité"].tolist() == [""]
