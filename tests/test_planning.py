"""Saved scenarios and the action register (issue 15): round trips, roles, audit, conflicts,
personal data refused; the workshop rule and the isolated solve."""

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo import reference
from geo.records import actions, audit, store
from geo.plans import planner, scenarios
from geo.records.roles import AccessDenied
from tests.support import ADMIN, ANALYST, VIEWER, shown
from tests.test_store import engine  # noqa: F401 - every test on SQLite and on PostgreSQL

REF = reference.load()       # the shipped units, zones and points

CERCLES = {"mli-koro", "mli-gao", "mli-bankass"}


def small_plan() -> planner.Deployment:
    """A plan as the planner returns it, without a solve (two sites, two cercles)."""
    sites = pd.DataFrame([[1, "mli-koro-koro", "mli-koro", "ML05", -3.1, 14.1, 1200, 1500],
                          [2, "mli-gao-gao", "mli-gao", "ML07", 0.05, 16.3, 300, 300]],
                         columns=planner.SITE_COLUMNS)
    per = pd.DataFrame([["mli-koro", 5000, 1000, 2200], ["mli-gao", 3000, 0, 300]],
                       columns=planner.CERCLE_COLUMNS)
    return planner.Deployment(planner.Plan(
        "mclp", 2, 30.0, "population", 1000, 2500, sites, "Optimal", 1.5, 8000, per,
        {"new": 2, "radius_km": 30.0, "model": "mclp", "demand": "population",
         "regions": ["ML05"], "as_of": "2022-12-27"}, 0.0, 21.0, 12.0))


def test_a_saved_scenario_comes_back_as_it_was(engine):
    plan = small_plan()
    sid = scenarios.save(engine, "  Avant les  élections ", plan, ANALYST)
    back = scenarios.load(engine, sid)
    assert (back.name, back.kind, back.created_by) == ("Avant les élections", "mediators",
                                                       "analyst@example.org")
    assert back.software["veille"] and back.software["spopt"].startswith("0.7")
    got, mine = back.result.mediators, plan.mediators
    assert back.result.workshops is None
    assert got.as_json() == mine.as_json() and got.inputs == mine.inputs
    pd.testing.assert_frame_equal(got.sites, mine.sites)
    pd.testing.assert_frame_equal(got.per_cercle, mine.per_cercle)
    assert (got.population, got.mip_gap, got.seconds) == (8000, 0.0, 1.5)
    assert (got.distance_before_km, got.distance_after_km) == (21.0, 12.0)
    listed = scenarios.listing(engine)
    assert listed[["scenario_id", "name", "kind", "mediators", "workshops", "covered_after",
                   "is_demo"]].values.tolist() \
        == [[sid, "Avant les élections", "mediators", 2, None, 2500, False]]
    entry = audit.entries(engine).iloc[0]
    assert (entry["action"], entry["target"]) == ("save_scenario", f"scenario {sid}")
    assert json.loads(entry["details"]) == {"name": "Avant les élections",
                                            "plan_kind": "mediators", "new": 2,
                                            "radius_km": 30.0, "model": "mclp",
                                            "demand": "population"}
    assert scenarios.load(engine, sid + 99) is None


def test_a_workshop_plan_round_trips_too(engine):
    ws = planner.WorkshopPlan(1, pd.DataFrame([[1, "mli-koro", "ML05", 5000.0, 6.5, 30.0,
                                                32500.0]], columns=planner.WORKSHOP_COLUMNS),
                              40000.0, {"k": 1, "as_of": "2022-12-27"})
    sid = scenarios.save(engine, "Ateliers T1", planner.Deployment(workshops=ws), ANALYST)
    back = scenarios.load(engine, sid)
    assert back.kind == "workshops" and back.result.mediators is None
    assert back.result.workshops.as_json() == ws.as_json()


@pytest.mark.parametrize("name, code", [("", "name_missing"), ("x" * 121, "name_long"),
                                        ("Plan de Mme Coulibaly", "personal"),
                                        ("appeler le 76 12 34 56", "personal")])
def test_a_scenario_name_is_checked(engine, name, code):
    before = store.snapshot(engine)
    with pytest.raises(scenarios.ScenarioError) as err:
        scenarios.save(engine, name, small_plan(), ANALYST)
    assert err.value.code == code and store.snapshot(engine) == before


def test_only_admins_delete_a_scenario_and_its_actions_stay_unlinked(engine):
    sid = scenarios.save(engine, "S", small_plan(), ANALYST)
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="deployment",
                      planned_on=date(2023, 1, 15), unit="regional_office", scenario_id=sid)
    with pytest.raises(AccessDenied):
        scenarios.delete(engine, sid, ANALYST)
    assert scenarios.delete(engine, sid, ADMIN) == 1
    assert scenarios.load(engine, sid) is None
    row = actions.listing(engine).iloc[0]
    assert row["action_id"] == aid and pd.isna(row["scenario_id"]) and row["revision"] == 2
    assert json.loads(audit.entries(engine).iloc[0]["details"]) == {"name": "S",
                                                                    "unlinked_actions": 1}
    with pytest.raises(scenarios.ScenarioError):
        scenarios.delete(engine, sid, ADMIN)


def test_actions_are_listed_changed_and_audited(engine):
    a1 = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="workshop",
                     planned_on=date(2023, 2, 1), unit="electoral_division")
    a2 = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-gao", kind="dialogue",
                     planned_on="2023-01-10", unit="partner_cso", status="under_way")
    listed = actions.listing(engine)
    assert list(listed["action_id"]) == [a2, a1]            # by planned date
    assert list(actions.listing(engine, statuses=["planned"])["action_id"]) == [a1]
    assert list(actions.listing(engine, cercles=["mli-gao"])["action_id"]) == [a2]
    assert actions.listing(engine, since=date(2023, 3, 1)).empty
    rev = actions.update(engine, ADMIN, a1, 1, CERCLES, status="done",
                         outcome="Atelier tenu, 30 participants.", today=date(2023, 2, 3))
    assert rev == 2
    entry = audit.entries(engine).iloc[0]
    assert entry["action"] == "update_action" and entry["user_label"] == "admin@example.org"
    assert json.loads(entry["details"]) == {"status": ["planned", "done"],
                                            "outcome": [None, "Atelier tenu, 30 participants."],
                                            "started_on": [None, "2023-02-03"],
                                            "ended_on": [None, "2023-02-03"]}
    assert actions.update(engine, ADMIN, a1, 2, CERCLES, status="done") == 2   # no change
    assert audit.count(engine, actions=["update_action"]) == 1
    table = actions.per_cercle(actions.listing(engine))
    assert table.loc["mli-koro", ["planned", "done", "open"]].tolist() == [0, 1, 0]
    assert table.loc["mli-gao", ["under_way", "open"]].tolist() == [1, 1]


def test_an_edit_on_a_stale_copy_is_refused_not_overwritten(engine):
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="workshop",
                      planned_on=date(2023, 2, 1), unit="electoral_division")
    actions.update(engine, ADMIN, aid, 1, CERCLES, status="under_way")     # someone else
    before = store.snapshot(engine)
    with pytest.raises(actions.ActionError) as err:
        actions.update(engine, ANALYST, aid, 1, CERCLES, status="cancelled")
    (code, details), = err.value.problems
    assert code == "conflict" and details["by"] == "admin@example.org"
    assert store.snapshot(engine) == before


def test_bad_or_personal_action_fields_are_refused_all_at_once(engine):
    before = store.snapshot(engine)
    with pytest.raises(actions.ActionError) as err:
        actions.add(engine, ANALYST, CERCLES, cercle_id="mli-nowhere", kind="party",
                    planned_on="31/02/2023", unit="Amadou Diallo", status="maybe",
                    outcome="voir l'informateur : Amadou Diallo", scenario_id=999)
    assert [c for c, _ in err.value.problems] == ["cercle", "kind", "status", "unit",
                                                  "planned_on", "personal", "scenario"]
    with pytest.raises(actions.ActionError) as err:
        actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="workshop",
                    planned_on=date(2023, 1, 1), unit="regional_office",
                    outcome="joindre a.b@example.org")
    assert err.value.problems == [("personal", {"kind": "email"})]
    with pytest.raises(AccessDenied):
        actions.add(engine, VIEWER, CERCLES, cercle_id="mli-koro", kind="workshop",
                    planned_on=date(2023, 1, 1), unit="regional_office")
    assert store.snapshot(engine) == before


# ------------------------------------------------------------------ the planner's other paths
def test_workshops_go_to_the_largest_weights_and_the_rule_is_exact():
    """Disjoint covering sets: the MCLP optimum is the top K of the weights (brute force)."""
    from itertools import combinations

    from geo import reference

    ref = reference.load()
    scores = pd.Series(np.linspace(1, 9, len(ref.cercles)), index=ref.cercles.index)
    ws = pd.DataFrame({"cercle_id": ["mli-koro", "mli-bamako"], "start_date":
                       [date(2022, 6, 1), date(2021, 12, 1)]})
    result = planner.plan_workshops({"workshops": ws}, 3, scores, date(2022, 12, 1),
                                    regions=["ML05"], ref=REF)
    mopti = ref.cercles.index[ref.cercles["region_id"] == "ML05"]
    months = lambda c: {"mli-koro": 6.0}.get(c, 24)  # noqa: E731 - capped at 24
    weight = {c: ref.cercles.at[c, "population"] * scores[c] * min(months(c), 24) / 24
              for c in mopti}
    best = max(combinations(mopti, 3), key=lambda combo: sum(weight[c] for c in combo))
    assert sorted(result.cercles["cercle_id"]) == sorted(best)
    assert result.cercles["weight"].is_monotonic_decreasing
    koro = result.cercles.set_index("cercle_id")["months_since_workshop"].get("mli-koro")
    assert koro is None or koro == pytest.approx(183 / (365.25 / 12))
    # the published weights: population × risk × months since the last workshop, capped at
    # 24, / 24 (a cercle without a workshop since 2017 counts 24 months, not ~71)
    chosen = result.cercles.set_index("cercle_id")
    for c, row in chosen.iterrows():
        capped = min(row["months_since_workshop"], 24)
        assert row["weight"] == pytest.approx(
            ref.cercles.at[c, "population"] * scores[c] * capped / 24, rel=1e-12)
        if c != "mli-koro":
            assert row["weight"] == pytest.approx(ref.cercles.at[c, "population"] * scores[c])
    with pytest.raises(planner.PlanError):
        planner.plan_workshops({}, 99, scores, date(2022, 12, 1), regions=["ML05"], ref=REF)


def test_gap_demand_and_unreachable_communes():
    from geo import reference

    ref = reference.load()
    kidal = ref.communes.index[ref.communes["region_id"] == "ML08"]
    gaps = pd.Series("adequate", index=ref.cercles.index)
    result = planner.plan({}, 3, 50.0, demand="gap", gaps=gaps, regions=["ML08"],
                          exclude=list(kidal[:4]), ref=REF)
    assert len(result.sites) == 3 and not set(result.sites["commune_id"]) & set(kidal[:4])
    assert set(result.sites["region_id"]) == {"ML08"}
    assert result.inputs["exclude"] == sorted(kidal[:4]) and result.inputs["demand"] == "gap"
    per = result.per_cercle.set_index("cercle_id")
    assert per["covered_after"].sum() == pytest.approx(result.covered_after)
    assert per["covered_before"].sum() == 0          # no mediators given
    with pytest.raises(planner.PlanError) as err:
        planner.plan({}, 7, 50.0, regions=["ML08"], exclude=list(kidal[:4]), ref=REF)
    assert err.value.details == {"max": len(kidal) - 4}
    doc = planner.as_geojson(planner.Deployment(result), ref.communes["commune_fr"], ref=REF)
    assert doc["veille_inputs"]["exclude"] == sorted(kidal[:4])
    assert doc["veille_summary"]["mediators"]["new"] == 3 and len(doc["features"]) == 3
    assert doc["veille_summary"]["workshops"] is None
    f = doc["features"][0]
    assert f["geometry"]["type"] == "Point" and f["properties"]["name_fr"] \
        == ref.communes.at[f["properties"]["commune_id"], "commune_fr"]
    assert f["properties"]["proposal"] == "mediator"


@pytest.mark.slow
def test_the_isolated_solve_gives_the_in_process_answer():
    from tests.test_planner import COST, EXISTING, W

    here = planner.solve(COST, W, EXISTING, 2, 5.0, "mclp")
    there = planner.solve(COST, W, EXISTING, 2, 5.0, "mclp", isolated=True)
    assert there[1] == "Optimal" and (there[0] == here[0]).all()


# ------------------------------------------------------------------ the register's screen
def test_the_action_register_page(monkeypatch, tmp_path):
    from tests.test_pages import ANALYST_CLAIMS, VIEWER_CLAIMS, _app

    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    at = _app(ANALYST_CLAIMS)
    at.switch_page("pages/actions.py").run()
    assert not at.exception and "0 action." in [c.value for c in at.caption]
    at.selectbox(key="act_n_cercle").set_value("mli-koro")
    at.selectbox(key="act_n_kind").set_value("dialogue")
    at.text_area(key="act_n_outcome").input("appeler Mme Coulibaly au 76 12 34 56")
    at.button[[b.label for b in at.button].index("Ajouter")].click().run()
    assert any("données personnelles" in e.value for e in at.error)
    engine = store.make_engine(url)
    assert actions.listing(engine).empty                   # refused: nothing stored
    at.text_area(key="act_n_outcome").input("Dialogue intercommunautaire prévu.")
    at.button[[b.label for b in at.button].index("Ajouter")].click().run()
    assert not at.exception and any("Action n° 1 ajoutée" in s.value for s in at.success)
    table = [d.value for d in at.dataframe if "Quoi" in d.value.columns][0]
    assert table[["Cercle", "Quoi", "État"]].values.tolist() == [["Koro", "Dialogue", "Prévue"]]
    # an edit on a copy someone else changed meanwhile is refused, then works on the new one
    at.selectbox(key="act_e_id").set_value(1).run()
    actions.update(engine, ADMIN, 1, 1, {"mli-koro"}, status="under_way")
    edit = [b for b in at.button if b.label == "Enregistrer les modifications"][0]
    edit.click().run()
    assert any("modifiée par admin@example.org" in shown(e.value) for e in at.error)
    assert actions.listing(engine).iloc[0]["status"] == "under_way"       # not overwritten
    assert at.selectbox(key="act_e_status_1_2").value == "under_way"   # the current values
    at.selectbox(key="act_e_status_1_2").set_value("done")
    at.text_area(key="act_e_outcome_1_2").input("Tenu le 12/01.")
    [b for b in at.button if b.label == "Enregistrer les modifications"][0].click().run()
    assert any("Action n° 1 modifiée" in s.value for s in at.success)
    row = actions.listing(engine).iloc[0]
    assert (row["status"], row["outcome"], row["revision"]) == ("done", "Tenu le 12/01.", 3)
    # a viewer reads, cannot write; the Overview draws the register's cercles
    viewer = _app(VIEWER_CLAIMS)
    viewer.switch_page("pages/actions.py").run()
    assert not viewer.exception and "Lecture seule" in viewer.info[0].value
    assert "act_n_cercle" not in {w.key for w in viewer.selectbox}
    overview = _app(VIEWER_CLAIMS)
    assert overview.toggle(key="show_actions").value is True


def test_the_audit_screen_names_scenarios_and_actions_in_french(monkeypatch, tmp_path):
    from tests.test_pages import _app

    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    engine = store.make_engine(url)
    sid = scenarios.save(engine, "Plan T1", small_plan(), ANALYST)
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                      planned_on=date(2023, 1, 5), unit="civil_affairs", scenario_id=sid)
    actions.update(engine, ANALYST, aid, 1, CERCLES, status="done", outcome="Tenu.")
    at = _app()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    text = " ".join(str(v) for d in at.dataframe for v in d.value.astype(str).values.ravel())
    assert f"scénario n° {sid}" in text and f"action n° {aid}" in text
    assert "état : Prévue → Réalisée" in text
    assert "Couverture maximale (MCLP)" in text and "scenario " not in text
    assert "rayon (km) : 30 ·" in text                 # a number as French writes it


def test_control_characters_never_reach_the_store(engine):
    """A note or a name pasted with NUL bytes (PostgreSQL refuses them) is stored without."""
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                      planned_on=date(2023, 1, 1), unit="civil_affairs",
                      outcome="Réunion\x00 tenue\x1b.\nSuite prévue.")
    assert actions.listing(engine).set_index("action_id").at[aid, "outcome"] \
        == "Réunion tenue.\nSuite prévue."
    sid = scenarios.save(engine, "Plan\x00 B", small_plan(), ANALYST)
    assert scenarios.load(engine, sid).name == "Plan B"
