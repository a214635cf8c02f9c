"""Roles, the role table, every write's role check, the audit log (issue 13)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from geo.outputs import audit_text
from geo.records import access, actions, audit, context, review, roles, store, triggers
from geo.records import batches
from geo.ingest import demo
from geo import ingest
from geo.plans import scenarios
from geo.records.access import RoleError
from geo.records.roles import AccessDenied, Actor
from geo.settings import Settings
from tests.support import ADMIN, ANALYST, VIEWER, run_import
from tests.test_planning import CERCLES, small_plan
from tests.test_store import engine  # noqa: F401 - every test on SQLite and on PostgreSQL

TENSIONS = ("report_id,date,cercle,category,severity,verified\n"
            "T-1,2024-03-02,Bankass,intimidation,2,oui\n"
            "T-2,2024-03-05,Koro,clash,3,non\n")


# ------------------------------------------------------------------ roles
@pytest.mark.parametrize("claims, claim, expected", [
    ({"roles": ["viewer"]}, "roles", "viewer"),
    ({"roles": ["Analyst", "viewer"]}, "roles", "analyst"),        # the highest, any case
    ({"roles": "viewer admin"}, "roles", "admin"),                  # a string of roles
    ({"roles": "viewer,analyst"}, "roles", "analyst"),
    ({"roles": ["owner", "superuser"]}, "roles", None),             # nothing Veille knows
    ({"roles": []}, "roles", None),
    ({"groups": ["admin"]}, "roles", None),                         # another claim
    ({"groups": ["admin"]}, "groups", "admin"),                     # ... when configured
    ({"resource_access": {"veille": {"roles": ["analyst"]}}},
     "resource_access.veille.roles", "analyst"),                    # Keycloak client roles
    ({"resource_access": {"other": {"roles": ["admin"]}}},
     "resource_access.veille.roles", None),
    ({"roles": 7}, "roles", None),
])
def test_role_from_the_claim(claims, claim, expected):
    assert roles.claim_role(claims, claim) == expected


@pytest.mark.parametrize("role, allowed", [
    ("viewer", {"view"}),
    ("analyst", {"view", "import", "rate", "review", "scenario", "act", "trigger"}),
    ("admin", set(roles.PERMISSIONS)),
    ("guest", set()),
])
def test_what_each_role_may_do(role, allowed):
    actor = Actor("s", role, "l")
    assert {p for p in roles.PERMISSIONS if actor.can(p)} == allowed


def test_claim_first_then_the_role_table_then_the_default(engine):
    access.set_role(engine, "Ana@Example.org", "analyst", ADMIN)     # kept in lower case
    access.set_role(engine, "sub-77", "admin", ADMIN)
    resolve = lambda claims, **kw: access.resolve(claims, engine, **kw)  # noqa: E731
    # the claim wins over the table
    assert resolve({"sub": "x", "email": "ana@example.org", "roles": ["viewer"]}).role == \
        "viewer"
    ana = resolve({"sub": "x", "email": "ANA@example.org"})
    assert (ana.subject, ana.role, ana.label, ana.source) == \
        ("x", "analyst", "ANA@example.org", "table")
    assert resolve({"sub": "sub-77"}).role == "admin"                 # by subject
    # an e-mail the provider says is not verified is not a key
    assert resolve({"sub": "y", "email": "ana@example.org", "email_verified": False}) is None
    # unknown users: no access, or viewer when configured
    assert resolve({"sub": "z", "email": "who@example.org"}) is None
    assert resolve({"sub": "z"}, unknown_role="viewer").role == "viewer"
    assert resolve({"email": "ana@example.org"}) is None              # no subject: nobody
    # a change of the table takes effect at the next resolution (the next page load)
    access.set_role(engine, "ana@example.org", "viewer", ADMIN)
    assert resolve({"sub": "x", "email": "ana@example.org"}).role == "viewer"
    access.remove_role(engine, "ana@example.org", ADMIN)
    assert resolve({"sub": "x", "email": "ana@example.org"}) is None


def test_role_table_changes_are_checked_and_audited(engine):
    with pytest.raises(RoleError) as err:
        access.set_role(engine, "  ", "viewer", ADMIN)
    assert err.value.code == "principal_missing"
    with pytest.raises(RoleError) as err:
        access.set_role(engine, "a b@example.org", "viewer", ADMIN)
    assert err.value.code == "principal_invalid"
    with pytest.raises(RoleError) as err:
        access.set_role(engine, "bo@example.org", "superuser", ADMIN)
    assert err.value.code == "role_unknown"
    with pytest.raises(RoleError) as err:            # nobody locks themselves out
        access.set_role(engine, "ADMIN@example.org", "viewer", ADMIN)
    assert err.value.code == "self_change"
    with pytest.raises(RoleError) as err:
        access.remove_role(engine, "nobody@example.org", ADMIN)
    assert err.value.code == "principal_unknown"
    assert access.set_role(engine, "bo@example.org", "viewer", ADMIN) is None
    assert access.set_role(engine, "bo@example.org", "analyst", ADMIN) == "viewer"
    table = access.role_table(engine)
    assert table[["principal", "role", "updated_by"]].values.tolist() == [
        ["bo@example.org", "analyst", "admin@example.org"]]
    assert access.remove_role(engine, "bo@example.org", ADMIN) == "analyst"
    log = audit.entries(engine)
    assert log[["action", "target", "subject", "role", "details"]].values.tolist() == [
        ["role_removed", "bo@example.org", "sub-admin", "admin", '{"before": "analyst"}'],
        ["role_set", "bo@example.org", "sub-admin", "admin",
         '{"before": "viewer", "after": "analyst"}'],
        ["role_set", "bo@example.org", "sub-admin", "admin",
         '{"before": null, "after": "viewer"}']]


# ------------------------------------------------------------------ every write checks
def _batch(engine):
    return int(batches.list_batches(engine)["batch_id"].iloc[0])


def _scenario(engine):
    return int(scenarios.listing(engine)["scenario_id"].iloc[0])


def _update_action(engine, actor):
    row = actions.listing(engine).iloc[0]
    return actions.update(engine, actor, int(row["action_id"]), int(row["revision"]), CERCLES,
                          status="done", outcome="Dialogue tenu.")


def _add_action(engine, actor):
    return actions.add(engine, actor, CERCLES, cercle_id="mli-koro", kind="dialogue",
                       planned_on=date(2023, 3, 1), unit="civil_affairs",
                       scenario_id=_scenario(engine))


RESPONSE = {"kind": "dialogue", "unit": "civil_affairs", "delay_days": 7}


def _define_trigger(engine, actor):
    return triggers.define(engine, actor, name="Hausse", kind="baseline", window_days=14,
                           horizon_days=30, outcome="severe", response=RESPONSE)


def _trigger(engine):
    found = triggers.listing(engine)
    return found[0] if found else triggers.get(engine, _define_trigger(engine, ANALYST))


#: Every write under geo/, called with an acting user, and the least role it needs.
WRITES = {
    "import": (lambda e, a: run_import(e, "tensions", TENSIONS, actor=a), "analyst"),
    "import preview": (lambda e, a: run_import(e, "tensions", TENSIONS, actor=a,
                                               dry_run=True), "analyst"),
    "rate": (lambda e, a: context.rate(e, [context.Rating("intercommunal", "mli-koro", 4)],
                                       a), "analyst"),
    "add factor": (lambda e, a: context.add_factor(e, "Sécheresse", "Drought", a), "analyst"),
    "delete batch": (lambda e, a: batches.delete_batch(e, _batch(e), a), "admin"),
    "remove demo": (lambda e, a: batches.remove_demo(e, a), "admin"),
    "load demo": (lambda e, a: demo.load(e, a), "admin"),
    "set role": (lambda e, a: access.set_role(e, "x@example.org", "viewer", a), "admin"),
    "remove role": (lambda e, a: access.remove_role(e, "r@example.org", a), "admin"),
    "save scenario": (lambda e, a: scenarios.save(e, "Plan B", small_plan(), a), "analyst"),
    "delete scenario": (lambda e, a: scenarios.delete(e, _scenario(e), a), "admin"),
    "add action": (_add_action, "analyst"),
    "update action": (_update_action, "analyst"),
    "actions from a scenario": (lambda e, a: actions.from_scenario(
        e, a, CERCLES, _scenario(e), [{"cercle_id": "mli-gao", "kind": "workshop",
                                       "quantity": 1}], date(2023, 3, 1), "regional_office"),
        "analyst"),
    "withdraw actions": (lambda e, a: actions.withdraw(e, a, _scenario(e)), "analyst"),
    "define trigger": (_define_trigger, "analyst"),
    "retire trigger": (lambda e, a: triggers.retire(e, a, _trigger(e).trigger_id), "analyst"),
    "respond to a trigger": (lambda e, a: triggers.respond(e, a, CERCLES, _trigger(e),
                                                           "mli-koro", date(2023, 3, 1)),
                             "analyst"),
    "review report": (lambda e, a: review.change(e, a, "U-1", 0, verification="false"),
                      "analyst"),
}


@pytest.fixture
def busy_store(engine):
    """A store with one batch, a rating, a role-table entry, a scenario, an action and a
    trigger: something to refuse on."""
    run_import(engine, "tensions", TENSIONS.replace("T-", "U-"), actor=ANALYST)
    context.rate(engine, [context.Rating("intercommunal", "mli-gao", 6)], ANALYST)
    access.set_role(engine, "r@example.org", "viewer", ADMIN)
    scenarios.save(engine, "Plan A", small_plan(), ANALYST)
    _add_action(engine, ANALYST)
    scenarios.save(engine, "Plan Z", small_plan(), ANALYST)           # one without actions
    _define_trigger(engine, ANALYST)
    return engine


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_refuses_a_viewer_and_changes_nothing(busy_store, write):
    call, least = WRITES[write]
    before = store.snapshot(busy_store)
    refused = [VIEWER, None, Actor("s", "guest", "g")]
    if least == "admin":
        refused.append(ANALYST)
    for actor in refused:
        with pytest.raises(AccessDenied) as err:
            call(busy_store, actor)
        assert err.value.needed == least
        assert store.snapshot(busy_store) == before        # no row, no audit entry
    call(busy_store, ADMIN if least == "admin" else ANALYST)   # the right role may


def test_validation_without_a_store_needs_no_role(locator):
    report = ingest.import_file(None, "tensions", TENSIONS.encode(), "t.csv", locator=locator)
    assert report.accepted == 2


# ------------------------------------------------------------------ the audit log
def test_each_write_is_audited_with_who_what_and_which_records(engine):
    report = run_import(engine, "tensions", TENSIONS, actor=ANALYST)
    context.rate(engine, [context.Rating("intercommunal", "mli-koro", 4),
                          context.Rating("political_tension", "mli-gao", 7)], ANALYST,
                 note="atelier")
    assert batches.batch_contents(engine, report.batch_id) == {
        "kind": "tensions", "file_name": "f.csv", "records": 2, "rejected_rows": 0}
    deleted = batches.delete_batch(engine, report.batch_id, ADMIN)
    assert deleted == {"kind": "tensions", "file_name": "f.csv", "records": 2,
                       "rejected_rows": 0}
    assert store.counts(engine)["tensions"] == 0 and batches.list_batches(engine).empty
    assert batches.batch_contents(engine, report.batch_id) is None
    with pytest.raises(KeyError):
        batches.delete_batch(engine, report.batch_id, ADMIN)
    log = audit.entries(engine)
    assert log[["action", "subject", "user_label", "role", "target", "records"]
               ].values.tolist() == [
        ["delete_batch", "sub-admin", "admin@example.org", "admin",
         f"batch {report.batch_id}", '["T-1", "T-2"]'],
        ["rate", "sub-analyst", "analyst@example.org", "analyst",
         "intercommunal, political_tension",
         '[["intercommunal", "mli-koro"], ["political_tension", "mli-gao"]]'],
        ["import", "sub-analyst", "analyst@example.org", "analyst",
         f"batch {report.batch_id}", f'{{"batch": {report.batch_id}}}']]
    # filters: by user, by action, by day
    assert len(audit.entries(engine, users=["admin@example.org"])) == 1
    assert len(audit.entries(engine, users=["sub-analyst"])) == 2
    assert audit.count(engine, users=["sub-analyst"]) == 2 and audit.count(engine) == 3
    assert list(audit.entries(engine, limit=1)["action"]) == ["delete_batch"]   # the newest
    assert list(audit.entries(engine, actions=["import", "rate"])["action"]) == ["rate", "import"]
    today = date.today()
    assert len(audit.entries(engine, since=today, until=today)) == 3
    assert audit.entries(engine, until=today - timedelta(days=1)).empty
    assert audit.users(engine) == ["admin@example.org", "analyst@example.org"]


def test_the_demo_load_and_removal_are_audited(engine, locator):
    demo.load(engine, ADMIN, locator=locator)
    actions = list(audit.entries(engine)["action"])
    assert actions == ["load_demo", "rate", "import", "import", "import"]
    batches.remove_demo(engine, ADMIN)
    entry = audit.entries(engine).iloc[0]
    assert entry["action"] == "remove_demo"
    assert '"mediators": 1424' in entry["details"]


def _intake_writes(engine, locator):
    """A form connected, synced (nothing new), failing, removed; SMS understood or not; a
    subscription set and removed (geo.intake, geo.outputs.notify)."""
    import json

    from geo.intake import remote, sync, webhook
    from geo.outputs import notify
    from tests.intake_servers import KoboServer

    with KoboServer("t", {"aForm": {"content": {"survey": [], "choices": []},
                                    "submissions": []}}) as server:
        source = remote.source("kobo", server.url, "aForm")
        sync.sync(engine, source, "t", ANALYST)
        with pytest.raises(remote.SyncError):
            sync.sync(engine, source, "revoked", ANALYST)
    sync.remove_source(engine, source.source_id, ANALYST)
    hook = webhook.Webhook(engine, "s", "k", locator=locator)
    for n, text in enumerate(("VEILLE Mopti affrontement 2", "VEILLE Atlantis clash 2")):
        hook.handle("generic", {"x-veille-secret": "s"}, json.dumps(
            {"from": "+22376000000", "text": text, "id": str(n)}).encode(), "application/json")
    notify.subscribe(engine, ADMIN, "x@example.org", [], ["digest"])
    notify.unsubscribe(engine, ADMIN, "x@example.org")


def test_every_detail_the_log_keeps_has_a_name_on_screen(busy_store, locator):
    """The Audit screen names each detail in both languages (no raw JSON key)."""
    import json

    from geo.i18n import LANGUAGES, t

    demo.load(busy_store, ADMIN, locator=locator)
    review.change(busy_store, ANALYST, "U-1", 0, verification="false", status="follow_up",
                  unit="civil_affairs", escalated=True, note="vérifié sur place")
    context.add_factor(busy_store, "Sécheresse", "Drought", ANALYST)
    batches.delete_batch(busy_store, _batch(busy_store), ADMIN)
    batches.remove_demo(busy_store, ADMIN)
    access.remove_role(busy_store, "r@example.org", ADMIN)
    _update_action(busy_store, ANALYST)
    actions.withdraw(busy_store, ANALYST, _scenario(busy_store))
    triggers.retire(busy_store, ANALYST, _define_trigger(busy_store, ANALYST))
    scenarios.delete(busy_store, _scenario(busy_store), ADMIN)
    _intake_writes(busy_store, locator)
    log = audit.entries(busy_store)
    assert set(log["action"]) == set(audit.ACTIONS)            # every kind of write
    keys = {k for col in ("details", "records") for text in log[col].dropna()
            if isinstance(parsed := json.loads(text), dict) for k in parsed}
    assert len(keys) >= 15
    for lang in LANGUAGES:
        assert all(t(f"audit.detail.{k}", lang) for k in keys)
    for action in audit.ACTIONS:
        assert all(t(f"audit.action.{action}", lang) for lang in LANGUAGES)
    # every entry, whatever the shape of its details, in words on the Audit screen
    for lang in LANGUAGES:
        for row in log.itertuples():
            words = " ".join([audit_text.details(row.details or "", lang),
                              audit_text.records(row.records or "", lang),
                              audit_text.target(row.target, lang)])
            assert not set(words) & set('{}[]"'), (row.action, words)     # no raw JSON


def test_a_subscription_in_the_log_is_in_words_regression_audit_page_crash(busy_store):
    """Regression: a subscription's audit entry (before/after as objects) took the Audit
    screen down for every administrator (KeyError on "role.{'areas': …}")."""
    from geo.outputs import notify

    notify.subscribe(busy_store, ADMIN, "x@example.org", ["cercle:mli-kidal"],
                     ["digest", "baseline"])
    notify.subscribe(busy_store, ADMIN, "x@example.org", [], ["digest"], language="en")
    first, second = audit.entries(busy_store, actions=["subscription_set"])["details"][::-1]
    assert audit_text.details(first, "fr") == (
        "avant : — · après : zone : Kidal; types d'alerte : hausse nette des signalements, "
        "résumé quotidien; langue : Français")
    assert audit_text.details(second, "en") == (
        "before: area: Kidal; kinds of alert: reports well above their baseline, daily digest; "
        "language: Français · after: area: —; kinds of alert: daily digest; language: English")


def test_a_new_store_records_the_demo_as_loaded_by_veille(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert demo.ensure_initialised(engine)
    assert set(audit.entries(engine)["subject"]) == {"system"}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET role = 'admin'",
                                       "DELETE FROM audit_log"])
def test_the_audit_log_is_append_only(engine, statement):
    run_import(engine, "tensions", TENSIONS, actor=ANALYST)
    before = store.snapshot(engine)["audit_log"]
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert store.snapshot(engine)["audit_log"] == before


def test_audit_refuses_an_unknown_action(engine):
    with pytest.raises(ValueError), engine.begin() as conn:
        audit.record(conn, ADMIN, "drop_everything")


# ------------------------------------------------------------------ settings
def test_access_settings_from_secrets_and_environment():
    assert Settings.from_environment({}, {}).sign_in is False
    s = Settings.from_environment({"auth": {"client_id": "x"}, "role_claim": "groups",
                                   "unknown_users": "Viewer"}, {})
    assert (s.sign_in, s.role_claim, s.unknown_users) == (True, "groups", "viewer")
    s = Settings.from_environment({"unknown_users": "admin"},
                                  {"VEILLE_ROLE_CLAIM": "resource_access.veille.roles"})
    # only "viewer" may be given to unknown users; anything else means no access
    assert (s.role_claim, s.unknown_users) == ("resource_access.veille.roles", None)
