"""The deployment planner (issue 15, in progress): the models against brute force on a
hand-made fixture with a fixed existing site, coverage never falls as N grows, bad input."""

from itertools import combinations

import numpy as np
import pytest

from geo import reference
from geo import cli
from geo.plans import planner

REF = reference.load()       # the shipped units, zones and points

#: Eight demand points (km) on a plane, their weights, one existing site at the first point.
XY = np.array([[0, 0], [3, 0], [10, 0], [11, 2], [20, 0], [21, 1], [30, 5], [40, 0]], float)
W = np.array([5, 1, 4, 4, 2, 6, 3, 7], float)
COST = np.hypot(XY[:, None, 0] - XY[None, :, 0], XY[:, None, 1] - XY[None, :, 1])
EXISTING = np.zeros(len(XY), bool)
EXISTING[0] = True


def _brute(new, score):
    free = [j for j in range(len(XY)) if not EXISTING[j]]
    best = None
    for combo in combinations(free, new):
        open_ = EXISTING.copy()
        open_[list(combo)] = True
        value = score(open_)
        if best is None or value > best[0] + 1e-9:
            best = (value, open_)
    return best


@pytest.mark.parametrize("new", [1, 2, 3])
def test_mclp_finds_the_brute_force_optimum(new):
    chosen, status = planner.solve(COST, W, EXISTING, new, 5.0, "mclp")
    value, _ = _brute(new, lambda o: planner.covered(COST, W, o, 5.0))
    assert status == "Optimal" and chosen[0] and chosen.sum() == 1 + new
    assert planner.covered(COST, W, chosen, 5.0) == pytest.approx(value)


@pytest.mark.parametrize("new", [1, 2])
def test_pmedian_finds_the_brute_force_optimum(new):
    chosen, status = planner.solve(COST, W, EXISTING, new, 5.0, "pmedian")
    def weighted(o):
        return -float((W * COST[:, o].min(axis=1)).sum())
    value, _ = _brute(new, weighted)
    assert status == "Optimal" and chosen[0] and chosen.sum() == 1 + new
    assert weighted(chosen) == pytest.approx(value)


@pytest.mark.parametrize("new", [1, 2, 3])
def test_the_sparse_p_median_has_spopts_optimum(new):
    """The p-median is written sparse (geo.plans.planner._pmedian); spopt's own PMedian, dense, on
    the same fixture reaches the same objective."""
    import pulp
    from spopt.locate import PMedian

    ref = PMedian.from_cost_matrix(COST, W, 1 + new, predefined_facilities_arr=EXISTING.astype(int))
    ref.solve(pulp.PULP_CBC_CMD(msg=False))
    theirs = np.array([bool(round(v.value())) for v in ref.fac_vars])
    ours, status = planner.solve(COST, W, EXISTING, new, 5.0, "pmedian")
    def cost(o):
        return float((W * COST[:, o].min(axis=1)).sum())
    assert status == "Optimal" and cost(ours) == pytest.approx(cost(theirs))


def test_a_solve_stopped_by_the_time_limit_is_not_called_optimal():
    """A large p-median with no existing sites and a 0.01 s limit: refused, not a guess."""
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 500, size=(150, 2))
    cost = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    chosen, status = planner.solve(cost, rng.uniform(1, 9, 150), np.zeros(150, bool), 12, 30.0,
                                   "pmedian", time_limit=0.01)
    assert status != "Optimal"


def test_covered_demand_never_falls_as_n_grows():
    values = [planner.covered(COST, W, planner.solve(COST, W, EXISTING, n, 5.0)[0], 5.0)
              for n in range(0, 5)]
    assert values == sorted(values) and values[0] == 5 + 1      # the existing site: 0 and 3 km
    assert values[-1] == W.sum()       # four more sites cover every cluster within 5 km


@pytest.mark.parametrize("kwargs, code", [({"radius_km": 0}, "radius"),
                                          ({"radius_km": 301}, "radius"),
                                          ({"new": -1}, "new"), ({"new": 10_000}, "new"),
                                          ({"model": "nope"}, "model"),
                                          ({"demand": "risk"}, "demand")])
def test_bad_input_is_refused_with_a_code(kwargs, code):
    args = {"new": 5, "radius_km": 30.0, **kwargs}
    with pytest.raises(planner.PlanError) as err:
        planner.plan({}, **args, ref=REF)
    assert err.value.code == code


def _table(at, column):
    """The page's first table of proposals that has ``column`` (the plan on screen; a
    comparison's come after it)."""
    return [d for d in at.dataframe if column in d.value.columns
            and "Ordre" in d.value.columns][0].value


@pytest.fixture
def own_store(monkeypatch, tmp_path):
    """A store of this test's own (the page saves scenarios and actions)."""
    monkeypatch.setenv("VEILLE_DATABASE_URL", f"sqlite:///{tmp_path / 'planner.sqlite'}")
    return tmp_path / "planner.sqlite"


@pytest.mark.slow
def test_the_planner_page_proposes_saves_reopens_and_compares(own_store):
    from geo.records import actions, audit, store
    from geo.plans import scenarios
    from tests.test_pages import ADMIN_CLAIMS, ANALYST_CLAIMS, VIEWER_CLAIMS, _app, _unreachable

    _unreachable(_app(VIEWER_CLAIMS), "pages/planner.py")        # analysts and admins only
    at = _app(ANALYST_CLAIMS)
    at.switch_page("pages/planner.py").run()
    assert not at.exception and "Choisissez les paramètres" in at.info[0].value
    at.number_input(key="plan_new").set_value(10)
    at.button(key="plan_run").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sites utiles / demandés"] == "10 / 10"
    sites = _table(at, "Population gagnée")
    assert len(sites) == 10 and sites["Population gagnée"].is_monotonic_decreasing
    assert sites["Code commune"].str.startswith("mli-").all()
    assert list(sites["Ordre"]) == list(range(1, 11))
    at.multiselect(key="plan_regions").select("ML08")    # Kidal: 10 communes, 20 asked
    at.number_input(key="plan_new").set_value(20)
    at.button(key="plan_run").click().run()                # refused: the last result stays
    assert any("entre 0 et 10 (sites candidats)" in e.value for e in at.error)
    assert len(_table(at, "Population gagnée")) == 10
    # saved as a scenario, in one transaction with its audit entry
    at.text_input(key="plan_name_1").input("Dix de plus")
    _once(at, "plan_save").click().run()
    assert not at.exception and any("enregistré (n° 1)" in s.value for s in at.success)
    assert at.query_params["scenario"] in ("1", ["1"])
    engine = store.make_engine(f"sqlite:///{own_store}")
    saved = scenarios.load(engine, 1)
    assert saved.name == "Dix de plus" and saved.created_by == "a@example.org"
    plan = saved.result.mediators
    assert saved.kind == "mediators" and plan.inputs["regions"] == [] and plan.new == 10
    assert list(plan.sites["commune_id"]) == list(sites["Code commune"])
    assert audit.entries(engine).iloc[0]["action"] == "save_scenario"
    # ... turned into planned actions once (one per cercle of the sites, with its communes)
    at.button(key="plan_to_actions").click().run()
    assert not at.exception
    made = actions.listing(engine)
    assert len(made) == plan.sites["cercle_id"].nunique()
    assert set(made["scenario_id"]) == {1} and set(made["kind"]) == {"deployment"}
    assert made["quantity"].sum() == 10
    assert sorted(c for cs in made["communes"] for c in cs) == sorted(plan.sites["commune_id"])
    assert "plan_to_actions" not in {b.key for b in at.button}       # they exist: no button
    assert any("déjà au registre" in i.value for i in at.info)
    # mediators and workshops in one plan, saved as the second scenario: a new name field
    at.multiselect(key="plan_regions").unselect("ML08")
    at.number_input(key="plan_k").set_value(4)
    at.button(key="plan_run").click().run()
    assert not at.exception and "scenario" not in at.query_params
    assert at.text_input(key="plan_name_2").value == ""       # never the previous name
    assert len(_table(at, "Besoin")) == 4 and _table(at, "Besoin")["Besoin"].is_monotonic_decreasing
    at.text_input(key="plan_name_2").set_value("Médiateurs et ateliers")
    _once(at, "plan_save").click().run()
    assert scenarios.listing(engine)["name"].tolist() == ["Médiateurs et ateliers", "Dix de plus"]
    assert scenarios.load(engine, 2).kind == "both"
    # the comparison: the difference table and the two maps
    assert {"plan_cmp_a", "plan_cmp_b"} <= {w.key for w in at.selectbox}
    diff = [d.value for d in at.dataframe if "Différence (B − A)" in d.value.columns][0]
    assert diff.set_index("Chiffre").at["Ateliers proposés", "B"] == "4"
    # a scenario's URL reopens it in a new session, its inputs in the widgets
    again = _app(ANALYST_CLAIMS, scenario="1")
    again.switch_page("pages/planner.py").run()
    assert not again.exception
    assert any("Scénario n° 1 « Dix de plus »" in i.value for i in again.info)
    assert list(_table(again, "Population gagnée")["Code commune"]) \
        == list(sites["Code commune"])
    assert again.number_input(key="plan_new").value == 10
    assert again.number_input(key="plan_k").value == 0
    # an analyst cannot delete; an admin can, after confirming
    assert "plan_delete" not in {w.key for w in again.selectbox}
    admin = _app(ADMIN_CLAIMS)
    admin.switch_page("pages/planner.py").run()
    admin.selectbox(key="plan_delete").set_value(1)
    admin.button(key="plan_delete_button").click().run()
    assert scenarios.load(engine, 1) is not None         # asked, not yet done
    admin.button(key="ask_delete_scenario_yes").click().run()
    assert not admin.exception and scenarios.load(engine, 1) is None
    assert actions.listing(engine)["scenario_id"].isna().all()     # kept, unlinked


MOPTI_CERCLES = {"mli-mopti", "mli-bandiagara", "mli-bankass", "mli-djenne", "mli-douentza",
                 "mli-koro", "mli-tenenkou", "mli-youwarou"}


@pytest.mark.slow
def _once(at, name):
    """The button of a write drawn with its form token (``ui.once``): keyed ``<name>_<token>``."""
    (button,) = [b for b in at.button if (b.key or "").startswith(f"{name}_")]
    return button


def test_command_line_json(monkeypatch, tmp_path, capsys):
    from geo.ingest import demo
    from geo.records import store

    url = f"sqlite:///{tmp_path / 'plan.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    demo.ensure_initialised(store.make_engine(url))
    assert cli.main(["plan", "--new", "5", "--radius-km", "30", "--workshops", "2",
                     "--json"]) == 0
    doc = __import__("json").loads(capsys.readouterr().out)
    assert doc["kind"] == "both" and len(doc["workshops"]["cercles"]) == 2
    out = doc["mediators"]
    assert set(out) == {"model", "new", "useful", "saturated", "radius_km", "demand",
                        "population", "covered_population_before", "covered_population_after",
                        "mean_distance_band_before", "mean_distance_band_after",
                        "population_by_distance_band", "sites", "solver_status", "seconds"}
    assert len(out["sites"]) == 5 and out["solver_status"] == "Optimal"
    gained = out["covered_population_after"] - out["covered_population_before"]
    assert gained == sum(s["covered_population_gain"] for s in out["sites"])   # to the unit
    assert sum(b["after"] for b in out["population_by_distance_band"]) == out["population"]
    assert cli.main(["plan", "--new", "5", "--radius-km", "0"]) == 2
    assert capsys.readouterr().err == "Le rayon doit être compris entre 1 et 300 km.\n"
    assert cli.main(["plan", "--new", "5", "--radius-km", "0", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "The radius must be from 1 to 300 km.\n"


@pytest.mark.slow
def test_command_line_takes_region_names_as_users_write_them(monkeypatch, tmp_path, capsys):
    """Regression: ``--region Mopti`` ended in "refused: new {'max': 0}" (only ML05 worked)."""
    from geo.ingest import demo
    from geo.records import store

    url = f"sqlite:///{tmp_path / 'plan.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    demo.ensure_initialised(store.make_engine(url))
    sites = {}
    for region in ("Mopti", "ML05", "mopti", "Région de Mopti"):
        assert cli.main(["plan", "--new", "3", "--radius-km", "30", "--region", region,
                         "--json"]) == 0
        out = __import__("json").loads(capsys.readouterr().out)["mediators"]
        sites[region] = [s["commune_id"] for s in out["sites"]]
        assert all(s["cercle_id"] in MOPTI_CERCLES for s in out["sites"])
    assert len({tuple(v) for v in sites.values()}) == 1
    assert cli.main(["plan", "--new", "3", "--radius-km", "30", "--region", "Mopx"]) == 2
    assert "Mopti" in capsys.readouterr().err          # the gazetteer's suggestion
    # cercles and unreachable communes by name too; the plan in words without --json
    assert cli.main(["plan", "--new", "3", "--radius-km", "30", "--cercle", "Koro",
                     "--exclude", "Bondo", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Mediators: 1 useful site of 3 asked")
    assert "1. Madougou (Koro): +21,322 people covered" in text and "Bondo" not in text
    # Bankass, every commune covered already (issue 30): said in words, nothing proposed
    assert cli.main(["plan", "--new", "3", "--radius-km", "30", "--cercle", "Bankass"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(
        "Aucun des 3 nouveaux médiateurs n'ajouterait personne")
    assert cli.main(["plan", "--radius-km", "30"]) == 2
    assert "--workshops K" in capsys.readouterr().err
