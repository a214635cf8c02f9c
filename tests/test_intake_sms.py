"""SMS reports: the structured message, pseudonyms, the webhook's checks (secret, signature,
size, replay, rate limits) and what it stores — never the sender's number."""

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from geo.records import audit, store
from geo.reference.gazetteer import Gazetteer
from geo.intake import sms, webhook

SECRET = "shared-secret-for-the-gateway"
KEY = "pseudonym-key-kept-in-the-secrets"
NUMBER = "+223 76 12 34 56"


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.default()


@pytest.mark.parametrize("text, expected", [
    ("VEILLE Mopti affrontement 4 deux blessés au marché",
     ("fr", "mli-mopti", "clash", 4, "deux blessés au marché", None)),
    ("veille mopti Affrontement 4", ("fr", "mli-mopti", "clash", 4, None, None)),
    ("Veille Ségou discours de haine 2 tracts", ("fr", "mli-segou", "hate_speech", 2,
                                                  "tracts", None)),
    ("VEILLE Segou discours de haine 2", ("fr", "mli-segou", "hate_speech", 2, None, None)),
    ("WATCH Timbuktu hate speech 3 leaflets at the school",
     ("en", "mli-tombouctou", "hate_speech", 3, "leaflets at the school", None)),
    ("watch Nioro du Sahel protest 1", ("en", "mli-nioro", "protest", 1, None, None)),
    ("VEILLE Cercle de Kati haine 5", ("fr", "mli-kati", "hate_speech", 5, None, None)),
    ("VEILLE, Gao, armes, 3, convoi", ("fr", "mli-gao", "armed_group", 3, "convoi", None)),
    ("VEILLE Kidal electoral_attack 5", ("fr", "mli-kidal", "electoral_attack", 5, None, None)),
    ("VEILLE Mopti affrontement 6 trop", ("fr", "mli-mopti", "clash", None, None, "severity")),
    ("VEILLE Mopti affrontement quatre", ("fr", "mli-mopti", "clash", None, None, "severity")),
    ("VEILLE Mopti 4 affrontement", ("fr", "mli-mopti", None, None, None, "category")),
    ("VEILLE Atlantis affrontement 4", ("fr", None, None, None, None, "cercle")),
    ("WATCH", ("en", None, None, None, None, "cercle")),
    ("Bonjour, il y a un problème à Mopti", ("fr", None, None, None, None, "keyword")),
    ("", ("fr", None, None, None, None, "keyword")),
])
def test_the_structured_message_is_read_in_french_or_english(gazetteer, text, expected):
    p = sms.parse(text, gazetteer)
    assert (p.lang, p.cercle_id, p.category, p.severity, p.text, p.problem) == expected


def test_an_unknown_cercle_is_answered_with_suggestions_and_the_expected_form(gazetteer):
    parsed = sms.parse("VEILLE Moptu affrontement 4", gazetteer)
    assert parsed.problem == "cercle" and "Mopti" in parsed.suggestions
    text = sms.reply(parsed, "not_understood")
    assert text == ("Veille : message non compris : cercle inconnu. Vouliez-vous dire : "
                    f"{', '.join(parsed.suggestions)} ? Envoyez : "
                    "VEILLE <cercle> <catégorie> <gravité 1-5> <texte>")
    english = sms.reply(sms.parse("WATCH Mopti clash 9", gazetteer), "not_understood")
    assert english == ("Veille: message not understood: the severity must be a digit from 1 "
                       "to 5. Send: WATCH <cercle> <category> <severity 1-5> <text>")


@pytest.mark.parametrize("raw", ["+223 76 12 34 56", "0022376123456", "76 12 34 56",
                                 "tel:+22376123456", "76.12.34.56"])
def test_one_sender_has_one_pseudonym_whatever_the_spelling(raw):
    assert sms.normalise_number(raw) == "+22376123456"
    assert sms.pseudonym(raw, KEY) == sms.pseudonym(NUMBER, KEY)


def test_the_pseudonym_is_a_keyed_hash_that_changes_with_the_key():
    code = sms.pseudonym(NUMBER, KEY)
    expected = hmac.new(KEY.encode(), b"+22376123456", hashlib.sha256).hexdigest()[:10]
    assert code == "SMS-" + expected.upper()
    assert sms.pseudonym(NUMBER, "another key") != code
    assert sms.pseudonym("+22376123457", KEY) != code


# --------------------------------------------------------------------------- the webhook

@pytest.fixture
def hook(engine, locator, gazetteer):
    return webhook.Webhook(engine, SECRET, KEY, gazetteer=gazetteer, locator=locator)


def generic(text, message_id="m1", sender=NUMBER, **extra):
    return json.dumps({"from": sender, "text": text, "id": message_id,
                       "sent_at": "2026-11-20T08:30:00Z", **extra}).encode()


def post(hook, body, gateway="generic", headers=None, now=None, content_type=
         "application/json"):
    headers = {"x-veille-secret": SECRET} if headers is None else headers
    return hook.handle(gateway, headers, body, content_type, now=now)


def all_text(engine) -> str:
    return json.dumps(store.snapshot(engine), default=str, ensure_ascii=False)


def test_a_message_becomes_an_unverified_report_at_its_cercle_without_the_number(hook, engine):
    answer = post(hook, generic("VEILLE Mopti affrontement 4 deux blessés au marché"))
    assert answer.status == 200 and answer.payload["status"] == "received"
    assert answer.payload["reply"] == ("Veille : signalement reçu (Mopti, Affrontement, "
                                       "gravité 4). Merci.")
    code = sms.pseudonym(NUMBER, KEY)
    assert answer.payload["reporter"] == code
    frame = store.load_records(engine, "tensions")
    rec = frame.iloc[0]
    assert (rec["source_type"], rec["verification"], rec["status"], rec["cercle_id"],
            rec["region_id"], rec["location_precision"], rec["category"], rec["severity"],
            rec["summary"]) == ("sms", "unverified", "open", "mli-mopti", "ML05", "cercle",
                                "clash", 4, "deux blessés au marché")
    assert rec["commune_id"] is None and rec["latitude"] is None
    assert str(rec["occurred_on"]) == "2026-11-20"
    entry = audit.entries(engine, actions=["sms_batch"]).iloc[0]
    assert json.loads(entry["details"])["reporter"] == code
    text = all_text(engine)
    for absent in ("76123456", "76 12 34 56", "22376123456"):
        assert absent not in text
    assert code in text                       # repeated reports can be recognised


def test_rapidpro_flow_results_and_its_input_text(hook, engine):
    body = {"contact": {"uuid": "c-1", "name": "Awa Traoré", "urn": "tel:+22376123456"},
            "flow": {"uuid": "f-1", "name": "Veille"}, "path": [],
            "results": {"cercle": {"value": "Tombouctou", "category": "All Responses"},
                        "categorie": {"value": "haine", "category": "All Responses"},
                        "gravite": {"value": "3", "category": "1-5"},
                        "texte": {"value": "tracts devant l'école"}},
            "run": {"uuid": "r-1", "created_on": "2026-11-21T10:00:00.000000Z"},
            "input": {"uuid": "i-1", "text": "tracts devant l'école",
                      "urn": {"scheme": "tel", "path": "+22376123456"},
                      "created_on": "2026-11-21T10:00:00.000000Z"}, "channel": None}
    answer = post(hook, json.dumps(body).encode(), "rapidpro")
    assert answer.payload["status"] == "received"
    body.update(results={}, run={"uuid": "r-2"},
                input={"uuid": "i-2", "text": "WATCH Gao armed group 4",
                       "urn": {"scheme": "tel", "path": "+22376123456"}})
    answer = post(hook, json.dumps(body).encode(), "rapidpro")
    assert answer.payload["reply"].startswith("Veille: report received (Gao, Armed group")
    frame = store.load_records(engine, "tensions").sort_values("category")
    assert frame[["cercle_id", "category", "severity"]].values.tolist() == [
        ["mli-gao", "armed_group", 4], ["mli-tombouctou", "hate_speech", 3]]
    assert "Awa" not in all_text(engine)       # the contact's name is never read


def test_a_message_not_understood_is_counted_and_answered_with_the_form(hook, engine):
    answer = post(hook, generic("VEILLE Atlantis affrontement 4"))
    assert (answer.status, answer.payload["status"]) == (200, "not_understood")
    assert answer.payload["reply"].endswith("VEILLE <cercle> <catégorie> <gravité 1-5> <texte>")
    assert store.counts(engine)["tensions"] == 0
    assert hook.counts() == {"not_understood": 1}
    assert webhook.messages(engine)[["outcome", "messages", "reporters"]].values.tolist() \
        == [["not_understood", 1, 1]]


def test_personal_data_in_the_text_rejects_the_report_and_is_not_kept(hook, engine):
    answer = post(hook, generic("VEILLE Mopti affrontement 4 appelez Mme Coulibaly au "
                                "66 55 44 33"))
    assert answer.payload["status"] == "rejected"
    assert answer.payload["reply"].startswith("Veille : message reçu mais non enregistré")
    assert store.counts(engine)["tensions"] == 0
    text = all_text(engine)
    assert "Coulibaly" not in text and "66 55 44 33" not in text


def test_secret_and_signature_are_checked(hook, engine):
    body = generic("VEILLE Mopti affrontement 4")
    assert post(hook, body, headers={}).status == 401
    assert post(hook, body, headers={"x-veille-secret": "wrong"}).status == 401
    now = 1_790_000_000
    stamp = str(now)
    good = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    signed = {"x-veille-signature": f"sha256={good}", "x-veille-timestamp": stamp}
    assert post(hook, body, headers={**signed, "x-veille-signature": "sha256=" + "0" * 64},
                now=now).status == 401
    assert post(hook, body, headers=signed, now=now + 301).status == 401       # too old
    assert post(hook, body + b" ", headers=signed, now=now).status == 401      # altered
    assert store.counts(engine)["tensions"] == 0
    assert post(hook, body, headers=signed, now=now).status == 200
    form = urlencode({"from_number": NUMBER, "content": "VEILLE Kayes protest 1",
                      "id": "t-1", "time_created": "1790000000", "secret": SECRET}).encode()
    answer = post(hook, form, headers={}, content_type="application/x-www-form-urlencoded")
    assert answer.payload["status"] == "received"      # Telerivet's form and secret field
    assert hook.counts()["unauthorised"] == 5


def test_replays_malformed_bodies_and_unknown_gateways_are_refused_and_counted(hook, engine):
    body = generic("VEILLE Mopti affrontement 4", "same-id")
    assert post(hook, body).status == 200
    again = post(hook, body)
    assert (again.status, again.payload["reason"]) == (409, "replayed")
    assert store.counts(engine)["tensions"] == 1
    for bad in (b"{not json", b"[1, 2]", json.dumps({"text": "VEILLE"}).encode(),
                b"\xff\xfe", b""):
        assert post(hook, bad).status in (400, 401)
    assert post(hook, body, gateway="twilio").status == 404
    counts = hook.counts()
    assert (counts["received"], counts["replayed"], counts["not_found"]) == (1, 1, 1)
    assert counts["malformed"] + counts.get("unauthorised", 0) == 5


def test_an_oversized_body_is_refused_before_it_is_read(hook):
    answer = post(hook, b"x" * (webhook.MAX_BODY + 1))
    assert (answer.status, answer.payload["reason"]) == (413, "too_large")


def test_one_sender_is_rate_limited_and_the_others_are_not(hook, engine):
    now = 1_790_000_000.0
    statuses = [post(hook, generic("VEILLE Mopti affrontement 4", f"r{i}"), now=now).status
                for i in range(webhook.SENDER_BURST + 1)]
    assert statuses == [200] * webhook.SENDER_BURST + [429]
    other = post(hook, generic("VEILLE Mopti affrontement 4", "o1", sender="+22390000001"),
                 now=now)
    assert other.status == 200
    later = post(hook, generic("VEILLE Mopti affrontement 4", "r99"),
                 now=now + webhook.SENDER_SECONDS)
    assert later.status == 200                          # one token back after the refill


def test_the_global_limit_caps_a_flood_before_any_work():
    bucket = webhook.TokenBucket(3, 1.0)
    assert [bucket.take("*", 0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take("*", 1.0) and not bucket.take("*", 1.0)


def test_an_unconfigured_webhook_answers_503(engine, locator, gazetteer):
    hook = webhook.Webhook(engine, None, KEY, gazetteer=gazetteer, locator=locator)
    assert post(hook, generic("VEILLE Mopti affrontement 4")).status == 503


def test_the_http_route_through_starlette(engine, monkeypatch, tmp_path):
    from ui import hooks

    url = str(engine.url)
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    monkeypatch.setenv("VEILLE_SMS_SECRET", SECRET)
    monkeypatch.setenv("VEILLE_PSEUDONYM_KEY", KEY)
    monkeypatch.setattr(hooks, "_hooks", {})
    client = TestClient(Starlette(routes=hooks.routes()))
    response = client.post("/hooks/sms/generic", content=generic("VEILLE Mopti affrontement 4"),
                           headers={"X-Veille-Secret": SECRET,
                                    "Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["status"] == "received"
    big = client.post("/hooks/sms/generic", content=b"x" * (webhook.MAX_BODY * 4),
                      headers={"X-Veille-Secret": SECRET})
    assert (big.status_code, big.json()["reason"]) == (413, "too_large")
    assert client.get("/hooks/sms/generic").status_code == 405
    assert client.post("/hooks/sms/generic", content=b"{",
                       headers={"X-Veille-Secret": SECRET}).status_code == 400
    assert store.counts(engine)["tensions"] == 1
