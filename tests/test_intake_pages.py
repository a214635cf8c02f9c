"""The watch network's intake as a person sees it (issue 33): the Data page connects a
KoboToolbox form and syncs it now against a local stand-in of the documented API, shows its
last sync, counts and errors; the monitor's alerts take a subscription to alert e-mails."""

from __future__ import annotations

import pytest

from geo.outputs import notify
from geo.records import audit, store
from tests.intake_servers import KoboServer
from tests.test_intake_sync import ASSET, CONTENT, SUBMISSIONS, TOKEN
from tests.test_pages import _app


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    """A store of its own (no demonstration data): the shared test store keeps its counts."""
    url = f"sqlite:///{tmp_path / 'intake.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    monkeypatch.setenv("VEILLE_DEMO", "0")
    return store.make_engine(url)


def _button(at, label):
    (button,) = [b for b in at.button if b.label == label]
    return button


def _table(at, column):
    """The page's table that has ``column``."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def _data_page(lang="fr"):
    at = _app()
    if lang == "en":
        at.sidebar.radio(key="ui_language").set_value("en").run()
    return at.switch_page("pages/data.py").run()


def test_the_data_page_connects_a_form_and_syncs_it_now(empty_store, monkeypatch):
    monkeypatch.setenv("VEILLE_KOBO_TOKEN", TOKEN)
    with KoboServer(TOKEN, {ASSET: {"content": CONTENT,
                                    "submissions": [dict(s) for s in SUBMISSIONS]}}) as kobo:
        at = _data_page()
        assert not at.exception
        assert "Aucun formulaire connecté." in [i.value for i in at.info]
        at.text_input(key="intake_new_server").set_value(kobo.url)
        at.text_input(key="intake_new_form").set_value(ASSET)
        at.text_input(key="intake_new_label").set_value("Veille Mopti")
        _button(at, "Connecter").click().run()
        assert not at.exception
        assert "Veille Mopti connecté." in [s.value for s in at.success]
        _button(at, "Synchroniser maintenant").click().run()
        assert not at.exception
        (done,) = [s.value for s in at.success]
        assert done.startswith("Veille Mopti synchronisé : 5 lues, 5 acceptées, 0 rejetée")
        stored = store.load_records(empty_store, "tensions")
        assert sorted(stored["report_id"]) == [f"kobo:u{i}" for i in range(1, 6)]
        # the table says when and what; a second sync changes nothing
        table = _table(at, "Formulaire")
        assert table["Formulaire"].tolist() == ["Veille Mopti"]
        assert table["Dernière synchronisation"].tolist() == [
            "5 lues : 5 acceptées, 0 rejetée, 0 doublon, 0 mise à jour"]
        _button(at, "Synchroniser maintenant").click().run()
        (again,) = [s.value for s in at.success]
        assert "0 acceptée," in again and len(store.load_records(empty_store, "tensions")) == 5
    actions = audit.entries(empty_store)["action"].tolist()
    assert actions.count("sync") == 2 and "source_set" in actions


def test_a_refused_token_is_said_in_the_user_s_language_and_stores_nothing(empty_store,
                                                                           monkeypatch):
    monkeypatch.setenv("VEILLE_KOBO_TOKEN", "not-the-token")
    with KoboServer(TOKEN, {ASSET: {"content": CONTENT, "submissions": SUBMISSIONS}}) as kobo:
        at = _data_page("en")
        at.text_input(key="intake_new_server").set_value(kobo.url)
        at.text_input(key="intake_new_form").set_value(ASSET)
        _button(at, "Connect").click().run()
        _button(at, "Sync now").click().run()
        assert not at.exception
        (error,) = [e.value for e in at.error]
        assert "token" in error.lower() and "not-the-token" not in error
        assert store.load_records(empty_store, "tensions").empty
        # the table keeps the failure for everyone to see, in their language
        at.sidebar.radio(key="ui_language").set_value("fr").run()
        table = _table(at, "Dernière erreur")
        assert "jeton" in table["Dernière erreur"].iloc[0].lower()


def test_a_user_subscribes_to_alerts_from_the_monitor(empty_store):
    at = _app(section="alerts")
    at.switch_page("pages/monitor.py").run()
    assert not at.exception
    at.text_input(key="subs_email").set_value("Analyste@Example.org")
    at.multiselect(key="subs_areas").set_value(["region:ML05", "cercle:mli-bankass"])
    at.multiselect(key="subs_kinds").set_value(["baseline", "hotspot"])
    _button(at, "S'abonner / mettre à jour").click().run()
    assert not at.exception
    assert "Abonnement de Analyste@Example.org enregistré." in [s.value for s in at.success]
    (sub,) = notify.subscriptions(empty_store).itertuples()
    assert sub.principal == "analyste@example.org"
    assert sub.areas == ["cercle:mli-bankass", "region:ML05"]
    assert sub.kinds == ["baseline", "hotspot"] and sub.language == "fr"
    _button(at, "Se désabonner").click().run()
    assert notify.subscriptions(empty_store).empty
    assert audit.entries(empty_store)["action"].tolist().count("subscription_set") == 1


def test_a_bad_address_is_refused_with_a_message(empty_store):
    at = _app(section="alerts", lang="en")
    at.switch_page("pages/monitor.py").run()
    at.text_input(key="subs_email").set_value("not an address")
    _button(at, "Subscribe / update").click().run()
    assert [e.value for e in at.error] == ["Invalid e-mail address."]
    assert notify.subscriptions(empty_store).empty
