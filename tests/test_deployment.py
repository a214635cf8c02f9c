"""The deployment job (issue 30): one plan whose figures agree to the unit, sites that add
nothing never proposed, distances in bands; the comparison; the register that carries the
plan, creates a plan's actions once, withdraws them, and moves an action through its life;
what followed; triggers tied to responses, back-tested as the monitor decides; demonstration
work removed with the demonstration."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import reference
from geo.analysis import followup, monitor
from geo.analysis import triggers as rules
from geo.plans import compare, planner, scenarios
from geo.records import actions, audit, batches, store, triggers
from geo.records.roles import AccessDenied
from tests.support import ADMIN, ANALYST, VIEWER, shown
from tests.test_planner import COST, EXISTING, W
from tests.test_store import engine  # noqa: F401 - every test on SQLite and on PostgreSQL

REF = reference.load()       # the shipped units, zones and points

CERCLES = {"mli-koro", "mli-gao", "mli-bankass"}


# ------------------------------------------------------------------ whole people
@given(st.lists(st.tuples(st.sampled_from("abc"), st.floats(0, 5e5, allow_nan=False)),
                min_size=1, max_size=40))
def test_whole_people_keep_each_group_total(cells):
    """Every value whole, within one person of its estimate; each group keeps its total."""
    groups = pd.Series([g for g, _ in cells])
    values = pd.Series([v for _, v in cells])
    whole = planner.whole_people(values, groups)
    assert (whole == whole.round()).all()
    assert ((whole - values).abs() < 1 + 1e-9).all()
    for g in set(groups):
        assert whole[groups == g].sum() == round(values[groups == g].sum())


def test_whole_people_give_the_left_over_people_to_the_largest_remainders():
    values = pd.Series([1.6, 1.3, 2.1, 0.5, 0.5])
    groups = pd.Series(["a", "a", "a", "b", "b"])
    # a: 5.0 → floors 1, 1, 2 (4) + 1 to the largest remainder (0.6); b: 1.0 → the first tie
    assert planner.whole_people(values, groups).tolist() == [2.0, 1.0, 2.0, 1.0, 0.0]


# ------------------------------------------------------------------ marginal gains
def test_the_greedy_order_gives_each_sites_own_gain_and_finds_those_adding_nothing():
    """The hand-made plane of tests/test_planner.py (one existing site at 0 km, radius 5):
    the clusters at 10–11, 20–21, 30 and 40 km; a site at 3 km adds nothing (already
    covered from 0)."""
    chosen = EXISTING.copy()
    chosen[[1, 2, 5, 6, 7]] = True          # 3 km (nothing), 10, 21, 30 and 40 km
    steps = planner.greedy_order(COST, W, W, EXISTING, chosen, 5.0, "mclp")
    assert [(s.column, s.objective_gain, s.covered_gain) for s in steps] == [
        (2, 8.0, 8.0), (5, 8.0, 8.0), (7, 7.0, 7.0), (6, 3.0, 3.0), (1, 0.0, 0.0)]
    # p-median: the fall of Σ w·d; the 3 km site brings the point at 3 km nearer (3 → 0 km)
    steps = planner.greedy_order(COST, W, W, EXISTING, chosen, 5.0, "pmedian")
    assert steps[-1].column in (1, 6) and all(s.objective_gain > 0 for s in steps)
    gains = {s.column: s.objective_gain for s in steps}
    assert gains[1] == pytest.approx(1 * 3.0)                       # w = 1 at 3 km


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory):
    from geo.ingest import demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    demo_store = store.make_engine(url)
    demo.ensure_initialised(demo_store)
    return store.load_all(demo_store)


def test_regression_sites_that_add_nothing_are_never_proposed(demo_records):
    """Issue 30: 30 mediators at 30 km in Mopti and Ségou — the curve went flat at 19, yet
    sites 20–30 (eight in Bankass) were listed with a gain of 0 and became actions."""
    from geo.reference import units

    plan = planner.plan(demo_records, 30, 30.0, regions=["ML05", "ML04"],
                        as_of=date(2022, 12, 27), ref=REF)
    assert plan.saturated and len(plan.sites) == 19 and plan.new == 30
    assert (plan.sites["covered_population_gain"] > 0).all()
    assert list(plan.sites["order"]) == list(range(1, 20))
    # every figure is whole people and they add up to the unit (13 068 195 vs 13 068 196)
    assert (plan.covered_before, plan.covered_after) == (12_575_856, 13_068_196)
    assert plan.sites["covered_population_gain"].sum() == plan.covered_after - plan.covered_before
    assert plan.per_cercle["covered_after"].sum() == plan.covered_after
    assert plan.population == units.load_cercles()["population"].sum()
    published = plan.as_json()
    assert published["covered_population_after"] == 13_068_196 and published["useful"] == 19
    assert sum(s["covered_population_gain"] for s in published["sites"]) == 492_340
    # the actions it proposes: one deployment per cercle of the 19 sites, none for Bankass
    proposed = planner.proposed_actions(planner.Deployment(plan))
    assert sum(a["quantity"] for a in proposed) == 19
    assert "mli-bankass" not in {a["cercle_id"] for a in proposed}
    # the mean distance, in bands: the population per band adds up to everyone
    assert plan.bands["population_before"].sum() == plan.bands["population_after"].sum() \
        == plan.population
    assert published["mean_distance_band_before"] == {"from_km": 15.0, "to_km": 30.0}
    assert published["mean_distance_band_after"] == {"from_km": 5.0, "to_km": 15.0}


def test_a_p_median_shows_the_mean_distance_before_and_after(demo_records):
    plan = planner.plan(demo_records, 5, 30.0, "pmedian", regions=["ML05"],
                        as_of=date(2022, 12, 27), ref=REF)
    assert plan.distance_after_km < plan.distance_before_km
    assert len(plan.sites) == 5 and (plan.sites["people_nearer"] > 0).all()
    # each site brings people nearer; a band's people move only towards the nearer bands
    before, after = plan.bands["population_before"], plan.bands["population_after"]
    assert (after.cumsum() >= before.cumsum()).all()


def test_one_plan_of_mediators_and_workshops(demo_records):
    scores = pd.Series(5.0, index=monitor._units("cercle"))
    both = planner.deploy(demo_records, new=3, workshops=2, radius_km=30.0, scores=scores,
                          as_of=date(2022, 12, 27), regions=["ML05"], ref=REF)
    assert both.kind == "both" and len(both.mediators.sites) == 3
    assert len(both.workshops.cercles) == 2
    assert set(both.workshops.cercles["region_id"]) == {"ML05"}
    kinds = [a["kind"] for a in planner.proposed_actions(both)]
    assert kinds.count("workshop") == 2 and "deployment" in kinds
    back = planner.from_record(json.loads(json.dumps(both.to_record())))
    assert back.as_json() == both.as_json()
    with pytest.raises(planner.PlanError) as err:
        planner.deploy(demo_records, scores=scores, as_of=date(2022, 12, 27), ref=REF)
    assert err.value.code == "nothing"


def test_a_workshop_of_no_need_is_not_proposed():
    from geo import reference

    ref = reference.load()
    scores = pd.Series(0.0, index=ref.cercles.index)
    scores["mli-koro"] = 4.0
    ws = planner.plan_workshops({}, 3, scores, date(2022, 12, 1), regions=["ML05"], ref=REF)
    assert list(ws.cercles["cercle_id"]) == ["mli-koro"] and ws.saturated and ws.k == 3


def test_a_plan_saved_before_issue_30_opens_as_one_part():
    legacy = {"kind": "workshops", "k": 1, "total_weight": 10.0, "inputs": {"k": 1},
              "solver_status": "Optimal", "mip_gap": 0.0,
              "cercles": [{"order": 1, "cercle_id": "mli-koro", "region_id": "ML05",
                           "population": 5.0, "risk_score": 2.0,
                           "months_since_workshop": 24.0, "weight": 10.0}]}
    back = planner.from_record(legacy)
    assert back.kind == "workshops" and back.workshops.cercles.at[0, "cercle_id"] == "mli-koro"


# ------------------------------------------------------------------ comparison
def _deployment(sites: list[str], before: int, after: int, distance: float,
                workshops: list[str] = ()) -> planner.Deployment:
    rows = [[i + 1, c, "mli-koro", "ML05", 0.0, 0.0, 10, 10] for i, c in enumerate(sites)]
    med = planner.Plan("mclp", len(sites), 30.0, "population", before, after,
                       pd.DataFrame(rows, columns=planner.SITE_COLUMNS), "Optimal", 1.0, 1000,
                       distance_before_km=25.0, distance_after_km=distance)
    ws = None
    if workshops:
        ws = planner.WorkshopPlan(len(workshops), pd.DataFrame(
            [[i + 1, c, "ML05", 1.0, 1.0, 24.0, 10.0] for i, c in enumerate(workshops)],
            columns=planner.WORKSHOP_COLUMNS), 40.0)
    return planner.Deployment(med, ws)


def test_two_plans_compare_figure_by_figure_and_site_by_site():
    a = _deployment(["c1", "c2", "c3"], 100, 160, 12.0)
    b = _deployment(["c2", "c4"], 100, 190, 4.0, ["mli-koro"])
    result = compare.compare(a, b)
    f = result.figures
    assert f.loc["covered_after"].tolist() == [160, 190, 30]
    assert f.loc["covered_gain", "difference"] == 30 and f.loc["mediators", "difference"] == -1
    assert (f.at["distance_after", "a"], f.at["distance_after", "b"]) == (5.0, 0.0)  # bands
    assert pd.isna(f.at["distance_after", "difference"])
    assert pd.isna(f.at["workshops", "a"]) and f.at["workshops", "b"] == 1
    assert f.at["workshop_share", "b"] == 25.0
    assert result.sites == {"only_a": ["c1", "c3"], "only_b": ["c4"], "both": ["c2"]}
    assert result.cercles == {"only_a": [], "only_b": ["mli-koro"], "both": []}


def test_the_default_comparison_pairs_plans_of_the_same_kind():
    listing = pd.DataFrame({"scenario_id": [5, 4, 3, 2], "kind": [
        "mediators", "workshops", "mediators", "both"]})
    assert compare.default_pair(listing) == (3, 5)
    assert compare.default_pair(listing.iloc[1:]) == (3, 4)        # no other: the next one
    assert compare.default_pair(listing.iloc[:1]) is None


# ------------------------------------------------------------------ the register
def _scenario(engine) -> int:
    return scenarios.save(engine, "Plan T1", _deployment(
        ["mli-koro-koro", "mli-koro-bondo"], 100, 160, 12.0, ["mli-gao"]), ANALYST)


def test_a_plans_actions_are_created_once_and_withdrawn_together(engine):
    sid = _scenario(engine)
    rows = [{"cercle_id": "mli-koro", "kind": "deployment", "quantity": 2,
             "communes": ["mli-koro-koro", "mli-koro-bondo"]},
            {"cercle_id": "mli-gao", "kind": "workshop", "quantity": 1, "communes": []}]
    ids = actions.from_scenario(engine, ANALYST, CERCLES, sid, rows, date(2023, 3, 1),
                                "regional_office")
    listed = actions.listing(engine, scenario_id=sid)
    assert list(listed["action_id"]) == ids and listed["quantity"].tolist() == [2, 1]
    assert listed["communes"].tolist() == [["mli-koro-koro", "mli-koro-bondo"], []]
    first = listed.iloc[0]
    assert actions.what(first, "fr", pd.Series({"mli-koro-koro": "Koro",
                                                "mli-koro-bondo": "Bondo"})) \
        == "Déploiement de médiateurs : 2 médiateurs — Koro, Bondo"
    assert actions.what(listed.iloc[1], "en") == "Workshop"          # one: said by its kind
    # a second click: refused, with the ids to open; nothing more stored
    before = store.snapshot(engine)
    with pytest.raises(actions.ActionError) as err:
        actions.from_scenario(engine, ANALYST, CERCLES, sid, rows, date(2023, 3, 1),
                              "regional_office")
    assert err.value.problems == [("exists", {"n": 2, "scenario": sid, "ids": ids})]
    assert store.snapshot(engine) == before
    # withdrawn together: the planned one goes, the one under way stays
    actions.update(engine, ANALYST, ids[1], 1, CERCLES, status="under_way",
                   started_on=date(2023, 3, 2))
    with pytest.raises(AccessDenied):
        actions.withdraw(engine, VIEWER, sid)
    assert actions.withdraw(engine, ANALYST, sid) == {"withdrawn": 1, "kept": 1}
    assert actions.listing(engine)["action_id"].tolist() == [ids[1]]
    entry = audit.entries(engine).iloc[0]
    assert (entry["action"], entry["target"]) == ("withdraw_actions", f"scenario {sid}")
    assert json.loads(entry["records"]) == [ids[0]]
    with pytest.raises(actions.ActionError) as err:                  # one still there
        actions.from_scenario(engine, ANALYST, CERCLES, sid, rows, date(2023, 3, 1),
                              "regional_office")
    assert err.value.problems[0][0] == "exists"


def test_communes_must_be_of_the_actions_cercle(engine):
    with pytest.raises(actions.ActionError) as err:
        actions.add(engine, ANALYST, CERCLES, cercle_id="mli-gao", kind="deployment",
                    planned_on=date(2023, 1, 1), unit="regional_office", quantity=0,
                    communes=["mli-koro-koro"])
    assert [c for c, _ in err.value.problems] == ["quantity", "communes"]


def test_an_action_moves_forward_with_its_dates_and_a_done_one_records_its_outcome(engine):
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                      planned_on=date(2023, 1, 10), unit="civil_affairs")
    rev = actions.update(engine, ANALYST, aid, 1, CERCLES, status="under_way",
                         today=date(2023, 1, 12))
    with pytest.raises(actions.ActionError) as err:
        actions.update(engine, ANALYST, aid, rev, CERCLES, status="done",
                       today=date(2023, 1, 20))
    assert err.value.problems == [("outcome_needed", {})]
    with pytest.raises(actions.ActionError) as err:
        actions.update(engine, ANALYST, aid, rev, CERCLES, status="done", outcome="Tenu.",
                       ended_on=date(2023, 1, 11))
    assert err.value.problems == [("dates", {})]
    rev = actions.update(engine, ANALYST, aid, rev, CERCLES, status="done", outcome="Tenu.",
                         today=date(2023, 1, 20))
    row = actions.listing(engine).iloc[0]
    assert (row["started_on"], row["ended_on"]) == (date(2023, 1, 12), date(2023, 1, 20))
    with pytest.raises(actions.ActionError) as err:                 # never back
        actions.update(engine, ANALYST, aid, rev, CERCLES, status="planned")
    assert err.value.problems == [("transition", {"old": "done", "new": "planned"})]


MOVES = st.lists(st.tuples(st.sampled_from(actions.STATUSES), st.integers(0, 20),
                           st.booleans()), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(MOVES)
def test_whatever_is_asked_an_action_stays_consistent(moves):
    """Any sequence of moves: refused ones change nothing; the stored action always has a
    start date once started, an end date exactly when closed, never an end before its
    start, an outcome when done, and never goes back."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        eng = store.make_engine(f"sqlite:///{folder}/a.sqlite")
        aid = actions.add(eng, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                          planned_on=date(2023, 1, 1), unit="civil_affairs")
        rev, seen = 1, ["planned"]
        for status, day, with_outcome in moves:
            try:
                rev = actions.update(eng, ANALYST, aid, rev, CERCLES, status=status,
                                     today=date(2023, 1, 1) + timedelta(days=day),
                                     **({"outcome": "Fait."} if with_outcome else {}))
            except actions.ActionError:
                pass
            row = actions.listing(eng).iloc[0]
            assert row["status"] in actions.TRANSITIONS[seen[-1]]
            seen.append(row["status"])
            started = row["started_on"] is not None and not pd.isna(row["started_on"])
            ended = row["ended_on"] is not None and not pd.isna(row["ended_on"])
            assert ended == (row["status"] in ("done", "cancelled"))
            assert started or row["status"] in ("planned", "cancelled")
            if started and ended:
                assert row["ended_on"] >= row["started_on"]
            assert row["status"] != "done" or row["outcome"]
        eng.dispose()


# ------------------------------------------------------------------ what followed
def _tensions(rows: list[tuple]) -> pd.DataFrame:
    """Reports (day, cercle, severity), all counted."""
    return pd.DataFrame({"report_id": [f"r{i}" for i in range(len(rows))],
                         "occurred_on": [date.fromisoformat(d) for d, _, _ in rows],
                         "cercle_id": [c for _, c, _ in rows],
                         "commune_id": None, "region_id": None, "category": "other",
                         "severity": [s for _, _, s in rows], "verification": "unverified"})


def _action(aid, cercle, status, planned, started=None, ended=None, **extra) -> dict:
    return {"action_id": aid, "cercle_id": cercle, "kind": "dialogue", "status": status,
            "planned_on": date.fromisoformat(planned),
            "started_on": date.fromisoformat(started) if started else None,
            "ended_on": date.fromisoformat(ended) if ended else None,
            "trigger_id": extra.get("trigger_id"), "fired_on": extra.get("fired_on"),
            "communes": [], "quantity": None}


def test_what_followed_an_action_counts_the_reports_before_and_after_it():
    tensions = _tensions([("2023-01-05", "mli-koro", 2), ("2023-02-20", "mli-koro", 3),
                          ("2023-03-05", "mli-koro", 1), ("2023-03-25", "mli-koro", 1),
                          ("2023-04-20", "mli-koro", 1), ("2023-03-05", "mli-gao", 1)])
    register = pd.DataFrame([
        _action(1, "mli-koro", "done", "2023-03-01", "2023-03-01", "2023-03-10"),
        _action(2, "mli-koro", "done", "2023-04-01", "2023-04-02", "2023-04-30"),
        _action(3, "mli-gao", "planned", "2023-05-01")])
    rows = followup.per_action(register, tensions, date(2023, 6, 30)).set_index("action_id")
    # action 1: before (2023-01-30, 03-01]: the one of 02-20; after (03-10, 04-09]: 03-25
    assert rows.loc[1, ["delay_days", "duration_days", "before_30", "after_30"]].tolist() \
        == [0, 9, 1, 1]
    # 90 days: before (2022-12-01, 03-01]: 01-05 and 02-20; after (03-10, 06-08]: 2
    assert rows.loc[1, ["before_90", "after_90"]].tolist() == [2, 2]
    # action 2: before (03-03, 04-02]: 03-05 and 03-25; after (04-30, 05-30]: none; its
    # 90-day window runs past 06-30, not judged yet
    assert rows.loc[2, "after_30"] == 0 and pd.isna(rows.loc[2, "after_90"])
    assert pd.isna(rows.loc[3, "duration_days"]) and pd.isna(rows.loc[3, "before_30"])
    table = followup.summary(rows.reset_index())
    assert table.loc["all", ["actions", "done", "planned", "judged_30", "before_30",
                             "after_30", "judged_90"]].tolist() == [3, 2, 1, 2, 3, 1, 1]
    assert table.at["all", "change_30"] == pytest.approx(-200 / 3)     # 3 before, 1 after
    assert table.at["mli-koro", "median_duration_days"] == 18.5


# ------------------------------------------------------------------ triggers
def _trigger(kind="baseline", areas=("cercle:mli-koro",), horizon=30, outcome="severe",
             **extra) -> triggers.Trigger:
    return triggers.Trigger(extra.get("trigger_id", 1), "T", kind, extra.get("window", 14),
                            extra.get("threshold"), tuple(areas), horizon, outcome,
                            {"kind": "dialogue", "unit": "civil_affairs", "delay_days": 7},
                            True, False, "a", None, 1)


#: One report in Gao starts the history (2020-01-01); Koro's reports make three firings of a
#: 14-day baseline trigger: two reports on 1–2 March 2021 (μ = ½·14/365), then a severe one
#: on 20 March (a hit); two on 1–2 June (μ = 3·14/365: a false alarm); three on 19–21
#: December, judged after the last day (pending).
HISTORY = _tensions([("2020-01-01", "mli-gao", 1), ("2021-03-01", "mli-koro", 1),
                     ("2021-03-02", "mli-koro", 2), ("2021-03-20", "mli-koro", 4),
                     ("2021-06-01", "mli-koro", 1), ("2021-06-02", "mli-koro", 1),
                     ("2021-12-19", "mli-koro", 1), ("2021-12-20", "mli-koro", 1),
                     ("2021-12-21", "mli-koro", 1)])
REGIONS = {"mli-koro": "ML05", "mli-gao": "ML07", "mli-bankass": "ML05"}


def test_the_baseline_signal_is_the_monitors_alert_on_every_day():
    days = pd.date_range("2020-12-31", "2021-12-31")
    sig = rules.baseline_signal(HISTORY, pd.Index(sorted(REGIONS)), 14, days[0].date(),
                                days[-1].date())
    for d in days:
        flagged = set(monitor.alerts(HISTORY, d.date(), windows=(14,))["cercle_id"])
        assert set(sig.cercles[sig.values[sig.days.get_loc(d)]]) == flagged, d


def test_a_trigger_over_the_history_hits_false_alarms_pending_and_responses():
    register = pd.DataFrame([
        _action(1, "mli-koro", "planned", "2021-03-10"),                 # answers the first
        _action(2, "mli-koro", "planned", "2021-06-09", trigger_id=1,
                fired_on=date(2021, 6, 2)),                              # the one click
        _action(3, "mli-koro", "cancelled", "2021-12-22")])              # not a response
    bt = rules.backtest(_trigger(), HISTORY, REGIONS, as_of=date(2021, 12, 31),
                        actions=register)
    assert bt.firings[["cercle_id", "fired_on", "hit"]].values.tolist() == [
        ["mli-koro", date(2021, 3, 2), True], ["mli-koro", date(2021, 6, 2), False],
        ["mli-koro", date(2021, 12, 21), None]]
    assert (bt.fired, bt.hits, bt.false_alarms, bt.pending) == (3, 1, 1, 1)
    assert bt.hit_rate == 0.5 and bt.false_alarm_rate == 0.5
    assert bt.base_rate == pytest.approx(30 / 336)      # the 30 days before 20 March
    assert (bt.events, bt.caught) == (1, 1)
    assert bt.firings["responded"].tolist() == [True, True, False]
    assert bt.firings["response_gap_days"].tolist()[:2] == [8.0, 7.0]
    assert (bt.responded, bt.median_gap_days) == (2, 7.5)
    assert bt.in_force.values.tolist() == [["mli-koro", date(2021, 12, 21)]]
    # outside its area it sees nothing
    gao = rules.backtest(_trigger(areas=("cercle:mli-gao",)), HISTORY, REGIONS,
                         as_of=date(2021, 12, 31))
    assert gao.fired == 0 and gao.in_force.empty


def test_a_forecast_trigger_fires_above_its_threshold():
    days = pd.to_datetime(["2021-06-30", "2021-09-28", "2021-12-27"])
    p = pd.DataFrame({"mli-koro": [0.2, 0.5, 0.6], "mli-gao": [0.9, 0.1, 0.1]}, index=days)
    sig = rules.forecast_signal(p, 0.4)
    fired = rules.firings(sig, {"mli-koro", "mli-gao"}, 90)
    assert fired.values.tolist() == [["mli-gao", date(2021, 6, 30)],
                                     ["mli-koro", date(2021, 9, 28)],
                                     ["mli-koro", date(2021, 12, 27)]]
    table = pd.DataFrame({"forecast_p_severe": [0.5, 0.3]}, index=["mli-koro", "mli-gao"])
    table.attrs["as_of"] = date(2021, 12, 27)
    now = rules.in_force_forecast(_trigger("forecast", areas=(), threshold=0.4), table,
                                  REGIONS)
    assert now.values.tolist() == [["mli-koro", date(2021, 12, 27)]]
    assert rules.forecast_days(date(2020, 1, 1), date(2021, 12, 31), 90) == [
        date(2021, 1, 5), date(2021, 4, 5), date(2021, 7, 4), date(2021, 10, 2),
        date(2021, 12, 31)]


def test_the_hot_spot_signal_is_the_monitors_99_percent_class(demo_records):
    tensions = demo_records["tensions"]
    sig = rules.hotspot_signal(tensions, date(2021, 4, 1), date(2022, 12, 27))
    found = set()
    for day in (date(2021, 4, 2), date(2021, 10, 26), date(2022, 7, 29), date(2022, 12, 14)):
        hot = monitor.hotspots(tensions, day)
        expected = set(hot.loc[hot["class"] == "hot_99", "unit_id"])
        assert set(sig.cercles[sig.values[sig.days.get_loc(pd.Timestamp(day))]]) == expected
        found |= expected
    assert len(found) >= 4                                # the demo has some: not vacuous


def test_the_trigger_windows_are_the_monitors():
    assert triggers.WINDOWS == monitor.ALERT_WINDOWS


def test_triggers_are_defined_checked_retired_and_audited(engine):
    response = {"kind": "dialogue", "unit": "civil_affairs", "delay_days": 7}
    with pytest.raises(AccessDenied):
        triggers.define(engine, VIEWER, name="T", kind="baseline", window_days=14,
                        response=response)
    before = store.snapshot(engine)
    with pytest.raises(triggers.TriggerError) as err:
        triggers.define(engine, ANALYST, name="Appeler Mme Traoré", kind="forecast",
                        threshold=1.5, areas=["region:ML99"], horizon_days=2,
                        outcome="maybe", response={"kind": "party", "unit": "x",
                                                   "delay_days": 400})
    assert [c for c, _ in err.value.problems] == [
        "personal", "threshold", "area", "horizon", "outcome", "response_kind",
        "response_unit", "delay"]
    assert store.snapshot(engine) == before
    tid = triggers.define(engine, ANALYST, name="  Hausse   à Koro ", kind="baseline",
                          window_days=30, areas=["cercle:mli-koro", "region:ML07"],
                          horizon_days=30, outcome="any", response=response)
    (found,) = triggers.listing(engine)
    assert (found.name, found.window_days, found.areas, found.is_demo) == (
        "Hausse à Koro", 30, ("cercle:mli-koro", "region:ML07"), False)
    assert found.cercles({"mli-koro": "ML05", "mli-gao": "ML07", "mli-bankass": "ML05"}) \
        == {"mli-koro", "mli-gao"}
    entry = audit.entries(engine).iloc[0]
    assert (entry["action"], entry["target"]) == ("save_trigger", f"trigger {tid}")
    assert json.loads(entry["details"])["areas"] == "cercle:mli-koro, region:ML07"
    triggers.retire(engine, ANALYST, tid)
    assert triggers.listing(engine) == [] and not triggers.get(engine, tid).active
    with pytest.raises(triggers.TriggerError):
        triggers.retire(engine, ANALYST, tid)


def test_one_click_makes_the_agreed_action_once(engine):
    tid = triggers.define(engine, ANALYST, name="Hausse", kind="baseline", window_days=14,
                          horizon_days=30, outcome="severe",
                          response={"kind": "deployment", "unit": "mediator_network",
                                    "delay_days": 7, "quantity": 3})
    trigger = triggers.get(engine, tid)
    aid = triggers.respond(engine, ANALYST, CERCLES, trigger, "mli-koro", date(2021, 3, 2))
    row = actions.listing(engine).set_index("action_id").loc[aid]
    assert (row["kind"], row["unit"], row["quantity"], row["planned_on"], row["trigger_id"],
            row["fired_on"], row["status"]) == ("deployment", "mediator_network", 3,
                                                date(2021, 3, 9), tid, date(2021, 3, 2),
                                                "planned")
    with pytest.raises(actions.ActionError) as err:     # the same firing, a second click
        triggers.respond(engine, ANALYST, CERCLES, trigger, "mli-koro", date(2021, 3, 2))
    assert err.value.problems == [("exists_trigger", {"n": 1, "ids": [aid]})]
    # another cercle, or a firing after the horizon: a new action
    triggers.respond(engine, ANALYST, CERCLES, trigger, "mli-gao", date(2021, 3, 2))
    triggers.respond(engine, ANALYST, CERCLES, trigger, "mli-koro", date(2021, 4, 2))
    assert len(actions.listing(engine, trigger_id=tid)) == 3
    with pytest.raises(AccessDenied):
        triggers.respond(engine, VIEWER, CERCLES, trigger, "mli-bankass", date(2021, 3, 2))


# ------------------------------------------------------------------ demonstration work
def test_what_was_planned_on_the_demonstration_goes_with_it(engine):
    from geo.ingest import demo

    demo.load(engine, ADMIN)
    sid = _scenario(engine)
    aid = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                      planned_on=date(2023, 1, 1), unit="civil_affairs", scenario_id=sid)
    tid = triggers.define(engine, ANALYST, name="T", kind="hotspot", horizon_days=30,
                          response={"kind": "dialogue", "unit": "civil_affairs",
                                    "delay_days": 0})
    assert scenarios.load(engine, sid).is_demo and triggers.get(engine, tid).is_demo
    assert actions.listing(engine).set_index("action_id").at[aid, "is_demo"]
    contents = batches.demo_contents(engine)
    assert (contents["scenarios"], contents["actions"], contents["triggers"]) == (1, 1, 1)
    removed = batches.remove_demo(engine, ADMIN)
    assert (removed["scenarios"], removed["actions"], removed["triggers"]) == (1, 1, 1)
    assert scenarios.listing(engine).empty and actions.listing(engine).empty
    assert triggers.listing(engine, active_only=False) == []
    # made afterwards, on real data: not marked
    sid = _scenario(engine)
    assert not scenarios.load(engine, sid).is_demo


# ------------------------------------------------------------------ the screens
def test_a_trigger_in_force_shows_with_its_response_and_one_click_makes_the_action(
        monkeypatch, tmp_path):
    """The monitor's triggers section and the Overview: on the demo's last day (28/12/2022)
    Kangaba is the country's one 99 % hot spot and Mopti's reports are above their baseline;
    a hot spot trigger over the country and a baseline trigger of Mopti's region fire; one
    click makes the agreed deployment, which then shows as answered."""
    from geo.ingest import demo
    from tests.test_pages import ANALYST_CLAIMS, VIEWER_CLAIMS, _app

    url = f"sqlite:///{tmp_path / 'trg.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    eng = store.make_engine(url)
    demo.ensure_initialised(eng)
    tid = triggers.define(eng, ANALYST, name="Point chaud", kind="hotspot",
                          horizon_days=30, outcome="any",
                          response={"kind": "deployment", "unit": "mediator_network",
                                    "delay_days": 14, "quantity": 2})
    other = triggers.define(eng, ANALYST, name="Hausse au Centre", kind="baseline",
                            window_days=30, areas=["region:ML05"], horizon_days=30,
                            outcome="any", response={"kind": "dialogue",
                                                     "unit": "civil_affairs",
                                                     "delay_days": 7})
    at = _app(ANALYST_CLAIMS, section="triggers")
    at.switch_page("pages/monitor.py").run()
    assert not at.exception
    keys = {b.key for b in at.button if "_respond_" in (b.key or "")}
    assert keys == {f"mon_trg_respond_{tid}_mli-kangaba",
                    f"mon_trg_respond_{other}_mli-mopti"}
    lines = " ".join(m.value for m in at.markdown)
    assert "**Point chaud** — Kangaba, depuis le" in lines
    assert "Réponse convenue : Déploiement de médiateurs — Réseau des médiateurs " \
           "communautaires, sous 14 jours (2 médiateurs)" in lines
    record = [d.value for d in at.dataframe if "Taux de base" in d.value.columns][0]
    assert set(record["Déclencheur"]) == {"Point chaud", "Hausse au Centre"}
    assert all(v.startswith("0 /") for v in record["Avec réponse"])
    at.button(key=f"mon_trg_respond_{tid}_mli-kangaba").click().run()
    assert not at.exception and any("créée pour Kangaba" in s.value for s in at.success)
    made = actions.listing(eng, trigger_id=tid)
    assert made[["cercle_id", "kind", "quantity", "status"]].values.tolist() == [
        ["mli-kangaba", "deployment", 2, "planned"]]
    assert f"mon_trg_respond_{tid}_mli-kangaba" not in {b.key for b in at.button}
    # the Overview shows the same, the answered one as a link; a viewer sees no button
    overview = _app(ANALYST_CLAIMS)
    assert not overview.exception
    keys = {b.key for b in overview.button if "_respond_" in (b.key or "")}
    assert keys == {f"ov_respond_{other}_mli-mopti"}
    viewer = _app(VIEWER_CLAIMS)
    assert not [b for b in viewer.button if "_respond_" in (b.key or "")]
    assert "Point chaud" in " ".join(m.value for m in viewer.markdown)
    # a name typed with markup is shown as typed, never as markup
    triggers.define(eng, ANALYST, name="*Centre* [lien](http://x.example)", kind="baseline",
                    window_days=30, areas=["cercle:mli-mopti"], horizon_days=30,
                    outcome="any",
                    response={"kind": "dialogue", "unit": "civil_affairs", "delay_days": 0})
    lines = " ".join(m.value for m in _app(VIEWER_CLAIMS).markdown)
    assert "*Centre* [lien](http://x.example)" in shown(lines)      # as typed …
    assert "[lien](http://x.example)" not in lines                 # … never a live link


def test_a_trigger_in_force_is_an_alert_e_mail_with_its_response(engine):
    """The alert e-mails (``python -m geo notify``) carry the triggers in force, one key per
    trigger: two triggers on the same cercle and horizon are two alerts."""
    from geo.outputs import notify

    for name in ("Hausse", "Hausse bis"):
        triggers.define(engine, ANALYST, name=name, kind="baseline", window_days=14,
                        areas=["cercle:mli-koro"], horizon_days=30, outcome="severe",
                        response={"kind": "dialogue", "unit": "civil_affairs",
                                  "delay_days": 7})
    alerts = notify.trigger_alerts(engine, HISTORY, date(2021, 12, 31))
    assert [(a.kind, a.cercle_id, a.window_days) for a in alerts] == [
        ("trigger", "mli-koro", 30)] * 2
    assert len({a.key for a in alerts}) == 2
    assert alerts[0].figures["what"] == "Hausse — Dialogue — Affaires civiles, sous 7 jours"
    answered = rules.answered(triggers.listing(engine)[0], pd.DataFrame(
        {"cercle_id": ["mli-koro"], "fired_on": [date(2021, 12, 21)]}), actions.listing(engine))
    assert answered["actions"].tolist() == [[]]


def test_a_p_median_that_can_bring_nobody_nearer_says_it_in_its_own_words():
    plan = planner.Plan("pmedian", 3, 30.0, "population", 10, 10,
                        pd.DataFrame(columns=planner.SITE_COLUMNS), "Optimal", 0.1)
    assert planner.saturation_note(plan, "fr").startswith(
        "Aucun des 3 nouveaux médiateurs ne rapprocherait personne")


@pytest.mark.slow
def test_regression_a_scenario_saved_before_issue_30_reopens_by_its_url(monkeypatch, tmp_path):
    """Its workshops' unreachable cercles were stored as ``exclude`` (the communes' key now):
    reopened, the screen keeps only what its widgets can hold, without an error."""
    from geo.ingest import demo
    from tests.test_pages import ANALYST_CLAIMS, _app

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    eng = store.make_engine(url)
    demo.ensure_initialised(eng)
    old = {"kind": "workshops", "k": 1, "total_weight": 10.0, "solver_status": "Optimal",
           "mip_gap": 0.0, "inputs": {"k": 1, "exclude": ["mli-koro"], "regions": ["ML05"]},
           "cercles": [{"order": 1, "cercle_id": "mli-mopti", "region_id": "ML05",
                        "population": 5.0, "risk_score": 2.0, "months_since_workshop": 24.0,
                        "weight": 10.0}]}
    with eng.begin() as conn:
        conn.execute(store.scenario.insert().values(
            name="Ancien", kind="workshops", created_by="a", created_at=pd.Timestamp.now(),
            inputs=json.dumps(old["inputs"]), outputs=json.dumps(old), solver_status="Optimal",
            mip_gap=0.0, software="{}"))
    at = _app(ANALYST_CLAIMS, scenario="1")
    at.switch_page("pages/planner.py").run()
    assert not at.exception
    assert at.multiselect(key="plan_exclude").value == []
    assert at.multiselect(key="plan_regions").value == ["ML05"]
    assert at.number_input(key="plan_k").value == 1 and at.number_input(key="plan_new").value == 0


def test_retiring_a_trigger_from_the_monitor_asks_then_retires(monkeypatch, tmp_path):
    """The monitor's retire form: the trigger chosen, its button asks, Confirm retires it
    (the pick-and-confirm step shared with the planner's scenario deletion)."""
    from streamlit.testing.v1 import AppTest

    from geo.ingest import demo
    from tests.test_pages import DASHBOARD

    url = f"sqlite:///{tmp_path / 'retire.sqlite'}"
    engine = store.make_engine(url)
    demo.ensure_initialised(engine)
    tid = triggers.define(engine, ANALYST, name="Hausse", kind="baseline", window_days=14,
                          horizon_days=30, outcome="severe",
                          response={"kind": "dialogue", "unit": "civil_affairs",
                                    "delay_days": 7})
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["section"] = "triggers"
    at.run()
    at.switch_page("pages/monitor.py").run()
    assert not at.exception
    at.button(key="trg_retire_button").click().run()
    assert any("Hausse" in shown(w.value) for w in at.warning)
    assert [t_.trigger_id for t_ in triggers.listing(engine)] == [tid]     # asked, not yet
    at.button(key="ask_retire_trigger_yes").click().run()
    assert not at.exception
    assert triggers.listing(engine) == []
