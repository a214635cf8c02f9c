"""A write submitted twice is stored once (issue 27): every form that creates (add an
action, add a context factor, save a scenario, turn a scenario into actions, confirm an
import) is drawn with a token that its write claims in its own transaction
(:func:`geo.records.store.claim_once`); a second submit of the same token stores nothing."""

from datetime import date

import pytest

from geo import reference
from geo.plans import planner, scenarios
from geo.records import actions, audit, context, store
from tests.support import ANALYST, indicator_table, run_import, store_engine

REF = reference.load()       # the shipped units, zones and points

@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh store on SQLite, and on PostgreSQL (the replicas' shared store)."""
    yield from store_engine(request.param, tmp_path)


CERCLES = {"mli-koro", "mli-mopti"}


def _twice(write):
    """``write()`` then the same again: the second raises and stores nothing."""
    first = write()
    with pytest.raises(store.AlreadyStored):
        write()
    return first


def test_an_action_added_twice_is_stored_once(engine):
    _twice(lambda: actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro",
                               kind="dialogue", planned_on=date(2026, 5, 1),
                               unit="regional_office", once="t-1"))
    assert len(actions.listing(engine)) == 1
    assert audit.count(engine, actions=["add_action"]) == 1
    # another form (another token) adds another
    actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                planned_on=date(2026, 5, 1), unit="regional_office", once="t-2")
    assert len(actions.listing(engine)) == 2


def test_a_refused_write_does_not_spend_its_token(engine):
    with pytest.raises(actions.ActionError):
        actions.add(engine, ANALYST, CERCLES, cercle_id="mli-nowhere", kind="dialogue",
                    planned_on=date(2026, 5, 1), unit="regional_office", once="t-1")
    actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                planned_on=date(2026, 5, 1), unit="regional_office", once="t-1")
    assert len(actions.listing(engine)) == 1


def test_actions_from_a_scenario_factor_and_scenario_are_stored_once(engine):
    rows = [{"cercle_id": "mli-koro", "kind": "deployment", "planned_on": date(2026, 5, 1),
             "unit": "regional_office"}]
    _twice(lambda: actions.add_many(engine, ANALYST, CERCLES, rows, once="t-3"))
    assert len(actions.listing(engine)) == 1
    _twice(lambda: context.add_factor(engine, "Pluies", "Rains", ANALYST, once="t-4"))
    assert list(context.factors(engine)["label_fr"]).count("Pluies") == 1
    table = indicator_table(engine)
    plan = planner.Deployment(workshops=planner.plan_workshops(
        {}, 2, table["population"].astype(float), table.attrs["as_of"], ref=REF))
    _twice(lambda: scenarios.save(engine, "Deux ateliers", plan, ANALYST, once="t-5"))
    assert scenarios.listing(engine)["name"].tolist() == ["Deux ateliers"]


def test_an_import_confirmed_twice_is_stored_once(engine):
    text = ("report_id,occurred_on,cercle,category,severity\n"
            "A1,2022-03-01,Mopti,clash,3\n")

    def confirm():
        return run_import(engine, "tensions", text, within=lambda conn, _r: store.claim_once(
            conn, "t-6", "import", ANALYST.subject))

    assert _twice(confirm).accepted == 1
    assert len(store.load_records(engine, "tensions")) == 1
    assert len(store.load_records(engine, "tensions")) == 1
    from geo.records import batches
    assert len(batches.list_batches(engine)) == 1                 # no second batch either


def test_the_same_submit_twice_on_the_page_adds_one_action(monkeypatch, tmp_path):
    """The page drawn twice with the same widget state: the frame of a submit sent twice
    before the first run drew the form anew (its token unchanged)."""
    import ui
    from tests.test_pages import ANALYST_CLAIMS, _app

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    monkeypatch.setattr(ui, "stored", lambda name: None)     # the token is not renewed yet
    at = _app(ANALYST_CLAIMS)
    at.switch_page("pages/actions.py").run()
    at.selectbox(key="act_n_cercle").set_value("mli-koro")
    at.text_area(key="act_n_outcome").input("Dialogue prévu.")
    submit = at.button[[b.label for b in at.button].index("Ajouter")]
    submit.click().run()
    assert any("Action n° 1 ajoutée" in s.value for s in at.success)
    at.selectbox(key="act_n_cercle").set_value("mli-koro")
    at.text_area(key="act_n_outcome").input("Dialogue prévu.")
    at.button[[b.label for b in at.button].index("Ajouter")].click().run()
    assert not at.exception and not at.error
    assert len(actions.listing(store.make_engine(url))) == 1
