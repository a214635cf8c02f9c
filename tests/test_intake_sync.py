"""Syncing KoboToolbox and ODK Central forms against local stand-ins of their documented
APIs: first sync, re-runs, edits, failures mid-way, refused tokens, changed fields, personal
data."""

import json

import pytest
import sqlalchemy as sa

from geo.records import audit, batches, review, store
from geo import cli
from geo.intake import remote, sync
from tests.intake_servers import KoboServer, OdkServer
from tests.support import ANALYST, IMPORT_TODAY, VIEWER

TOKEN = "kobo-secret-token-0123456789abcdef"
ODK_TOKEN = "odk-secret-token-fedcba9876543210"
ASSET = "aVeilleForm2026"

CONTENT = {
    "survey": [
        {"type": "begin_group", "name": "grp_incident"},
        {"type": "date", "name": "date_incident", "$xpath": "grp_incident/date_incident"},
        {"type": "select_one", "select_from_list_name": "cats", "name": "categorie",
         "$xpath": "grp_incident/categorie"},
        {"type": "integer", "name": "gravite", "$xpath": "grp_incident/gravite"},
        {"type": "text", "name": "description", "$xpath": "grp_incident/description"},
        {"type": "end_group"},
        {"type": "text", "name": "cercle", "$xpath": "grp_lieu/cercle"},
        {"type": "text", "name": "village", "$xpath": "grp_lieu/village"},
    ],
    "choices": [
        {"list_name": "cats", "name": "haine", "label": ["Discours de haine", "Hate speech"]},
        {"list_name": "cats", "name": "affront", "label": ["Affrontement", "Clash"]},
        {"list_name": "cats", "name": "manif", "label": ["Manifestation", "Protest"]},
    ],
}


def kobo(uuid, when, cercle="Mopti", category="affront", severity=3, description=None,
         **extra):
    """One submission as the data endpoint gives it (meta, device and attachments too)."""
    row = {"_id": abs(hash(uuid)) % 10**8, "_uuid": uuid, "_submission_time": when,
           "formhub/uuid": "f0", "__version__": "v1", "meta/instanceID": f"uuid:{uuid}",
           "start": "2026-03-01T08:00:00", "end": "2026-03-01T08:05:00",
           "deviceid": "collect:AbCdEf123456", "phonenumber": "+22376123456",
           "grp_incident/date_incident": when[:10], "grp_incident/categorie": category,
           "grp_incident/gravite": str(severity), "grp_lieu/cercle": cercle,
           "_attachments": [{"download_url": "https://example.org/a.jpg",
                             "filename": "u/attachments/photo.jpg", "mimetype": "image/jpeg"}],
           "_geolocation": [None, None], "_tags": [], "_notes": [], "_validation_status": {},
           "_submitted_by": "enqueteur_kayes", "_status": "submitted_via_web", **extra}
    if description is not None:
        row["grp_incident/description"] = description
    return row


SUBMISSIONS = [
    kobo("u1", "2026-03-01T10:00:00", "Mopti", "affront", 4, "deux blessés au marché"),
    kobo("u2", "2026-03-02T10:00:00", "Timbuktu", "haine", 2),
    kobo("u3", "2026-03-03T10:00:00", "Nioro du Sahel", "manif", 1),
    kobo("u4", "2026-03-04T10:00:00", "Gao", "hate_speech", 3),
    kobo("u5", "2026-03-05T10:00:00", "Cercle de Kati", "affront", 5),
]


@pytest.fixture
def server():
    with KoboServer(TOKEN, {ASSET: {"content": CONTENT,
                                    "submissions": [dict(s) for s in SUBMISSIONS]}}) as s:
        yield s


def source(server):
    return remote.source("kobo", server.url, ASSET, label="Veille Mopti")


def run(engine, server, token=TOKEN, **kw):
    kw.setdefault("page_size", 2)
    return sync.sync(engine, source(server), token, ANALYST, today=IMPORT_TODAY, **kw)


def records(engine):
    return store.load_records(engine, "tensions").set_index("report_id").sort_index()


def record_tables(engine):
    """Every table but the sync's own bookkeeping (the source's state, the audit log)."""
    snap = store.snapshot(engine)
    return {k: v for k, v in snap.items() if k not in ("intake_source", "audit_log")}


def all_text(engine) -> str:
    """Every stored value of every table, as text."""
    return json.dumps(store.snapshot(engine), default=str, ensure_ascii=False)


def test_first_sync_pages_through_the_form_and_maps_it_like_a_file(engine, server):
    report = run(engine, server)
    assert (report.rows, report.accepted, report.rejected, report.duplicates,
            report.updated) == (5, 5, 0, 0, 0)
    frame = records(engine)
    assert list(frame.index) == ["kobo:u1", "kobo:u2", "kobo:u3", "kobo:u4", "kobo:u5"]
    assert list(frame["cercle_id"]) == ["mli-mopti", "mli-tombouctou", "mli-nioro",
                                        "mli-gao", "mli-kati"]
    # choice names that are not Veille's codes are read through their labels
    assert list(frame["category"]) == ["clash", "hate_speech", "protest", "hate_speech",
                                       "clash"]
    assert list(frame["severity"]) == [4, 2, 1, 3, 5]
    assert set(frame["source_type"]) == {"kobo"} and set(frame["verification"]) == \
        {"unverified"}
    assert frame.loc["kobo:u1", "summary"] == "deux blessés au marché"
    # paged two by two, following next; the first sync asks for everything
    data = [r for r in server.requests if r["path"].endswith("/data/")]
    assert len(data) == 3 and all(r["auth_ok"] for r in server.requests)
    assert "query" not in data[0]["query"] and data[1]["query"]["start"] == "2"
    # attachments, device metadata and the submitter are never read into the store
    text = all_text(engine)
    for absent in ("photo.jpg", "collect:AbCdEf123456", "76123456", "enqueteur_kayes"):
        assert absent not in text
    state = sync.sources(engine)
    row = state.iloc[0]
    assert (row["rows"], row["accepted"], row["syncs"], row["failures"], row["error"]) == \
        (5, 5, 1, 0, "")
    assert row["cursor"] == "2026-03-05T10:00:00" and row["platform"] == "kobo"
    entry = audit.entries(engine, actions=["sync"]).iloc[0]
    assert entry["target"] == source(server).source_id
    assert json.loads(entry["details"])["accepted"] == 5


def test_a_re_run_changes_nothing_and_asks_only_from_the_cursor(engine, server):
    run(engine, server)
    before = record_tables(engine)
    n_batches = len(batches.list_batches(engine))
    report = run(engine, server)
    assert (report.rows, report.accepted, report.duplicates, report.batch_id) == \
        (1, 0, 1, None)
    assert record_tables(engine) == before and len(batches.list_batches(engine)) == n_batches
    last = [r for r in server.requests if r["path"].endswith("/data/")][-1]
    assert json.loads(last["query"]["query"]) == {"_submission_time":
                                                  {"$gte": "2026-03-05T10:00:00"}}
    assert sync.sources(engine).iloc[0]["syncs"] == 2


def test_an_edited_submission_updates_its_record_with_history_audit_and_review_kept(
        engine, server):
    run(engine, server)
    revision = review.change(engine, ANALYST, "kobo:u1", 0, verification="verified",
                             status="follow_up", note="Vérifié auprès du préfet")
    edited = kobo("u1", "2026-03-01T10:00:00", "Mopti", "affront", 5,
                  "deux blessés au marché, un décès", **{"meta/deprecatedID": "uuid:u1"})
    server.assets[ASSET]["submissions"][0] = edited
    # the time filter does not see a Kobo edit (same _submission_time): a full read does
    report = run(engine, server, full=True)
    assert (report.rows, report.accepted, report.duplicates, report.updated) == (5, 0, 4, 1)
    rec = records(engine).loc["kobo:u1"]
    assert (rec["severity"], rec["summary"]) == (5, "deux blessés au marché, un décès")
    assert (rec["verification"], rec["status"]) == ("verified", "follow_up")   # review kept
    state = review.states(engine).loc["kobo:u1"]
    assert (state["revision"], state["note"]) == (revision, "Vérifié auprès du préfet")
    past = review.history(engine, ["kobo:u1"])
    edits = past[past["field"].isin(["severity", "summary"])]
    assert edits[["field", "old", "new"]].values.tolist() == [
        ["severity", "4", "5"],
        ["summary", "deux blessés au marché", "deux blessés au marché, un décès"]]
    entry = audit.entries(engine, actions=["import"]).iloc[0]
    assert json.loads(entry["records"])["updated"] == ["kobo:u1"]
    assert json.loads(entry["details"])["updated"] == {"kobo:u1": ["severity", "summary"]}
    assert len(records(engine)) == 5                      # updated, not duplicated
    with engine.connect() as conn:
        with pytest.raises(sa.exc.DBAPIError):            # the history stays append-only
            conn.execute(store.report_history.delete())


def test_a_network_failure_mid_paging_stores_nothing_and_the_next_sync_resumes(
        engine, server):
    server.assets[ASSET]["submissions"] = [dict(s) for s in SUBMISSIONS[:2]]
    run(engine, server)
    cursor = sync.sources(engine).iloc[0]["cursor"]
    server.assets[ASSET]["submissions"] = [dict(s) for s in SUBMISSIONS]
    before = record_tables(engine)
    server.drop_on = server.data_requests + 2             # the second page of this sync
    with pytest.raises(remote.SyncError) as err:
        run(engine, server)
    assert err.value.code == "unreachable"
    assert record_tables(engine) == before
    state = sync.sources(engine, "en").iloc[0]
    assert state["cursor"] == cursor and state["failures"] == 1
    assert state["error"].startswith("Server unreachable")
    server.drop_on = None
    report = run(engine, server)
    first = [r for r in server.requests if r["path"].endswith("/data/")][-2]
    assert json.loads(first["query"]["query"])["_submission_time"]["$gte"] == cursor
    assert (report.accepted, report.duplicates) == (3, 1)
    assert len(records(engine)) == 5 and sync.sources(engine).iloc[0]["error"] == ""


def test_a_server_error_is_reported_with_its_status_and_nothing_stored(engine, server):
    server.status_on = {1: 503}
    before = record_tables(engine)
    with pytest.raises(remote.SyncError) as err:
        run(engine, server)
    assert (err.value.code, err.value.params) == ("server_error", {"status": 503})
    assert record_tables(engine) == before


def test_a_revoked_token_exits_2_in_both_languages_and_the_token_is_never_written(
        tmp_path, server, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    monkeypatch.setenv("VEILLE_DEMO", "0")
    monkeypatch.setenv("VEILLE_KOBO_TOKEN", "revoked-token-5555")
    messages = {}
    for lang in ("fr", "en"):
        code = cli.main(["sync", "kobo", "--server", server.url, "--form", ASSET,
                         "--lang", lang])
        out = capsys.readouterr()
        assert code == 2 and out.out == ""
        messages[lang] = out.err.strip()
    assert messages["fr"].startswith("Le serveur refuse le jeton d'API (HTTP 401)")
    assert messages["en"].startswith("The server refuses the API token (HTTP 401)")
    assert all("\n" not in m and "revoked-token-5555" not in m for m in messages.values())
    engine = store.make_engine(url)
    assert store.counts(engine)["tensions"] == 0
    text = all_text(engine)
    assert "revoked-token-5555" not in text and "token_refused" in text
    # the good token: exit 0 and the counts as JSON
    monkeypatch.setenv("VEILLE_KOBO_TOKEN", TOKEN)
    assert cli.main(["sync", "kobo", "--server", server.url, "--form", ASSET, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("rows", "accepted", "rejected", "duplicates", "updated")} == \
        {"rows": 5, "accepted": 5, "rejected": 0, "duplicates": 0, "updated": 0}
    assert TOKEN not in all_text(engine)


def test_an_unknown_form_or_a_missing_token_is_refused_before_anything(engine, server):
    with pytest.raises(remote.SyncError) as err:
        sync.sync(engine, remote.source("kobo", server.url, "aNoSuchAsset"), TOKEN, ANALYST)
    assert err.value.code == "form_unknown"
    assert "HTTP 404" in err.value.message("en")
    with pytest.raises(remote.SyncError) as err:
        run(engine, server, token=None)
    assert err.value.code == "token_missing"
    assert store.counts(engine)["tensions"] == 0
    with pytest.raises(Exception) as denied:
        sync.sync(engine, source(server), TOKEN, VIEWER)
    assert type(denied.value).__name__ == "AccessDenied"


def test_a_form_whose_fields_changed_is_named_and_nothing_stored(engine, server):
    server.assets[ASSET]["submissions"] = [dict(s) for s in SUBMISSIONS[:2]]
    run(engine, server)                                   # a connected form
    server.assets[ASSET]["submissions"] = [dict(s) for s in SUBMISSIONS]
    for row in server.assets[ASSET]["submissions"]:
        del row["grp_incident/gravite"]
    before = record_tables(engine)
    with pytest.raises(remote.SyncError) as err:
        run(engine, server, full=True)
    assert err.value.code == "fields_changed" and err.value.params["fields"] == ["severity"]
    assert "gravité" in err.value.message("fr").lower()
    assert "severity" in err.value.message("en").lower()
    assert record_tables(engine) == before
    assert sync.sources(engine).iloc[0]["error"].startswith("Les champs du formulaire ont")


@pytest.mark.parametrize("token", [None, "revoked-token"])
def test_a_first_attempt_that_fails_connects_no_form_regression_phantom_source(
        engine, server, token):
    """Regression: ``python -m geo sync kobo --server http://127.0.0.1:9 --form x`` said
    "Rien n'a été enregistré" yet left a connected form "kobo · x" on the Data page."""
    server.status_on = {1: 401}
    with pytest.raises(remote.SyncError):
        run(engine, server, token=token)
    assert sync.sources(engine).empty
    assert store.counts(engine)["tensions"] == 0
    assert audit.entries(engine, actions=["sync"])["details"].str.contains('"error"').all()


def test_personal_data_rejects_its_submission_like_a_file_row_and_is_never_stored(
        engine, server):
    subs = server.assets[ASSET]["submissions"]
    subs[1]["grp_incident/description"] = "informateur : Amadou Diallo, appeler le 76 12 34 56"
    subs[2]["grp_lieu/village"] = "+223 66 55 44 33"
    report = run(engine, server)
    assert (report.accepted, report.rejected) == (3, 2)
    codes = {row: [r.code for r in reasons] for row, reasons, _ in report.rejections}
    assert codes == {2: ["personal_data_in_text"], 3: ["personal_data_in_text"]}
    text = all_text(engine)
    for absent in ("Amadou", "76 12 34 56", "66 55 44 33"):
        assert absent not in text
    assert "kobo:u2" in text                 # the rejected row keeps its id, to fix it


def test_a_question_naming_a_person_refuses_the_whole_sync(engine, server):
    for row in server.assets[ASSET]["submissions"]:
        row["grp_lieu/nom_informateur"] = "Moussa"
    with pytest.raises(remote.SyncError) as err:
        run(engine, server)
    assert err.value.code == "refused"
    assert "nom_informateur" in err.value.message("en")
    assert store.counts(engine)["tensions"] == 0 and "Moussa" not in all_text(engine)


def test_a_next_link_to_another_server_is_not_followed_with_the_token(engine, server):
    with KoboServer(TOKEN, {}) as other:
        server.next_host = other.url
        with pytest.raises(remote.SyncError) as err:
            run(engine, server)
        assert err.value.code == "malformed" and other.requests == []
    assert store.counts(engine)["tensions"] == 0


# --------------------------------------------------------------------------- ODK Central

XFORM = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
 <h:head><h:title>Veille</h:title><model>
  <itext><translation lang="Français">
   <text id="/data/incident/categorie/haine:label"><value>Discours de haine</value></text>
  </translation><translation lang="English">
   <text id="/data/incident/categorie/haine:label"><value>Hate speech</value></text>
  </translation></itext>
  <instance><data id="veille"><incident><date_incident/><categorie/><gravite/></incident>
   <lieu/><meta><instanceID/></meta></data></instance>
  <instance id="sev"><root><item><name>g3</name><label>3</label></item></root></instance>
 </model></h:head>
 <h:body><group ref="/data/incident">
  <select1 ref="/data/incident/categorie">
   <item><label ref="jr:itext('/data/incident/categorie/haine:label')"/><value>haine</value></item>
   <item><label>Affrontement</label><value>affront</value></item>
  </select1></group></h:body>
</h:html>"""


def odk(iid, submitted, updated=None, category="affront", severity=3, lon=-4.19, lat=14.49):
    return {"__id": iid, "incident": {"date_incident": submitted[:10], "categorie": category,
                                      "gravite": severity},
            "lieu": {"type": "Point", "coordinates": [lon, lat, 270.5]},
            "meta": {"instanceID": iid},
            "__system": {"submissionDate": submitted, "updatedAt": updated,
                         "submitterId": "5", "submitterName": "enqueteur", "reviewState": None,
                         "attachmentsPresent": 0, "attachmentsExpected": 0,
                         "status": None}}


@pytest.fixture
def odk_server():
    forms = {("7", "veille"): {"xml": XFORM, "submissions": [
        odk("uuid:a1", "2026-04-01T09:00:00.000Z", category="haine", severity=2),
        odk("uuid:a2", "2026-04-02T09:00:00.000Z"),
        odk("uuid:a3", "2026-04-03T09:00:00.000Z", lon=-0.04, lat=16.27)]}}
    with OdkServer(ODK_TOKEN, forms) as s:
        yield s


def odk_source(server, form="veille", project="7"):
    return remote.source("odk", server.url, form, project)


def test_odk_central_pages_with_next_links_and_a_filter_that_sees_edits(engine, odk_server):
    report = sync.sync(engine, odk_source(odk_server), ODK_TOKEN, ANALYST, today=IMPORT_TODAY,
                       page_size=2)
    assert (report.rows, report.accepted) == (3, 3)
    frame = records(engine)
    assert list(frame.index) == ["odk:uuid:a1", "odk:uuid:a2", "odk:uuid:a3"]
    assert list(frame["category"]) == ["hate_speech", "clash", "clash"]   # itext label
    assert list(frame["cercle_id"]) == ["mli-mopti", "mli-mopti", "mli-gao"]
    assert frame.loc["odk:uuid:a3", "latitude"] == pytest.approx(16.27)
    assert "enqueteur" not in all_text(engine)
    data = [r for r in odk_server.requests if r["path"].endswith("Submissions")]
    assert len(data) == 2 and "$skiptoken" in data[1]["query"]
    # an edit: a new version of the same submission, seen by the updatedAt filter
    subs = odk_server.forms[("7", "veille")]["submissions"]
    subs[0] = odk("uuid:a1", "2026-04-01T09:00:00.000Z", "2026-04-05T12:00:00.000Z",
                  category="haine", severity=4)
    report = sync.sync(engine, odk_source(odk_server), ODK_TOKEN, ANALYST, today=IMPORT_TODAY)
    last = [r for r in odk_server.requests if r["path"].endswith("Submissions")][-1]
    assert last["query"]["$filter"] == ("__system/submissionDate ge 2026-04-03T09:00:00.000Z "
                                        "or __system/updatedAt ge 2026-04-03T09:00:00.000Z")
    assert (report.rows, report.updated, report.duplicates) == (2, 1, 1)
    assert records(engine).loc["odk:uuid:a1", "severity"] == 4
    assert sync.sources(engine).iloc[0]["cursor"] == "2026-04-05T12:00:00.000Z"


@pytest.mark.parametrize("token, form, project, code, status", [
    ("wrong", "veille", "7", "token_refused", 401),
    ("no-rights", "veille", "7", "token_refused", 403),
    (ODK_TOKEN, "other", "7", "form_unknown", None),
    (ODK_TOKEN, "veille", "8", "form_unknown", None),
])
def test_odk_central_refusals_are_coded(engine, odk_server, token, form, project, code,
                                        status):
    with pytest.raises(remote.SyncError) as err:
        sync.sync(engine, odk_source(odk_server, form, project), token, ANALYST)
    assert err.value.code == code and err.value.params.get("status") == status
    assert store.counts(engine)["tensions"] == 0


@pytest.mark.parametrize("args, what", [
    (("ftp", "https://x.org", "f"), "platform"), (("kobo", "file:///etc", "f"), "server"),
    (("kobo", "https://u:p@x.org", "f"), "server"), (("kobo", "https://x.org", "a/b"), "form"),
    (("odk", "https://x.org", "f"), "project"),
])
def test_a_badly_defined_source_is_refused(args, what):
    with pytest.raises(remote.SyncError) as err:
        remote.source(*args)
    assert (err.value.code, err.value.params["what"]) == ("source_invalid", what)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request, tmp_path):
    from tests.support import store_engine

    yield from store_engine(request.param, tmp_path)


def test_sync_edit_and_failure_on_both_databases(any_engine, server):
    run(any_engine, server)
    review.change(any_engine, ANALYST, "kobo:u2", 0, verification="false")
    server.assets[ASSET]["submissions"][1] = kobo("u2", "2026-03-02T10:00:00", "Gao", "haine", 2)
    report = run(any_engine, server, full=True)
    assert (report.updated, report.duplicates) == (1, 4)
    rec = records(any_engine).loc["kobo:u2"]
    assert (rec["cercle_id"], rec["region_id"], rec["verification"]) == \
        ("mli-gao", "ML07", "false")
    before = record_tables(any_engine)
    server.drop_on = server.data_requests + 1
    with pytest.raises(remote.SyncError):
        run(any_engine, server, full=True)
    assert record_tables(any_engine) == before


def test_settings_keep_secrets_out_of_their_text():
    from geo.settings import Settings

    config = Settings.from_environment(
        {"kobo_token": "tk-1", "odk_token": "tk-2", "sms_secret": "tk-3",
         "pseudonym_key": "tk-4", "smtp": {"host": "mail.example.org", "password": "tk-5"}},
        {})
    assert (config.kobo_token, config.smtp.password, config.smtp.port) == ("tk-1", "tk-5", 587)
    assert "tk-" not in repr(config)
