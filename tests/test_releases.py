"""Successive releases and the network's reports (issue 27), played as the attacker would.

Mediator figures: a viewer may choose any as-of date in the data's range (and any window);
two views must never difference to a count from 1 to k − 1 for any cercle or zone
(:func:`geo.analysis.disclosure.released`). Reports of mediators (and SMS reporters): no
output a viewer gets places one finer than the mediator's disclosure zone or tells its
source (:func:`geo.analysis.disclosure.published_reports`)."""

import io
import itertools
import json
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from geo import cli
from geo import reference
from geo.analysis import coverage, disclosure, indicators, monitor
from geo.analysis.view import as_of_range
from geo.outputs import export, maps
from geo.records import store
from geo.reference import units

REF = reference.load()       # the shipped units, zones and points
from tests.support import ADMIN, run_import

K = 3


# ------------------------------------------------------------------ release dates
@pytest.mark.parametrize("day, release", [
    (date(2022, 3, 31), date(2022, 3, 31)), (date(2022, 4, 1), date(2022, 3, 31)),
    (date(2022, 6, 29), date(2022, 3, 31)), (date(2022, 11, 15), date(2022, 9, 30)),
    (date(2022, 12, 31), date(2022, 12, 31)), (date(2023, 1, 1), date(2022, 12, 31)),
    (date(2024, 2, 29), date(2023, 12, 31))])
def test_a_view_shows_mediators_as_of_the_last_quarter_end(day, release):
    assert disclosure.release_date(day) == release


# ------------------------------------------------------------------ by hand
def _mediators(rows):
    """(code, cercle, commune, trained_on) rows; every one active."""
    return pd.DataFrame([{"mediator_code": c, "cercle_id": k, "commune_id": m,
                          "trained_on": d, "status": "active"} for c, k, m, d in rows],
                        columns=["mediator_code", "cercle_id", "commune_id", "trained_on",
                                 "status"])


ZONE = units.commune_zones()
#: Two disclosure zones of Mopti, each its own commune's
MOPTI_A, MOPTI_B = "mli-mopti-socoura", "mli-mopti-konna"


def test_a_cercle_moves_on_only_once_k_more_are_trained_by_hand():
    assert ZONE[MOPTI_A] != ZONE[MOPTI_B]
    med = _mediators([
        ("a1", "mli-mopti", MOPTI_A, date(2020, 1, 15)),      # Q1 2020: 1 → not yet
        ("a2", "mli-mopti", MOPTI_A, date(2020, 2, 15)),      # Q1 2020: 2 → not yet
        ("a3", "mli-mopti", MOPTI_A, date(2020, 5, 15)),      # Q2 2020: 3, one zone → moves
        ("b1", "mli-mopti", MOPTI_B, date(2020, 8, 1)),       # Q3: +1, a new zone → not yet
        ("a4", "mli-mopti", MOPTI_A, date(2020, 11, 1)),      # Q4: +2, 1 new zone → not yet
        ("a5", "mli-mopti", MOPTI_A, date(2021, 1, 5)),       # Q1 2021: +3, 1 new zone → moves
        ("u1", "mli-mopti", MOPTI_A, None)])                  # no date: always counted

    def shown(day):
        return sorted(disclosure.released(med, day, K, REF)["mediator_code"])

    assert shown(date(2020, 3, 31)) == ["u1"]
    assert shown(date(2020, 6, 30)) == ["a1", "a2", "a3", "u1"]
    assert shown(date(2020, 12, 31)) == ["a1", "a2", "a3", "u1"]        # held: +2
    assert shown(date(2021, 3, 31)) == ["a1", "a2", "a3", "a4", "a5", "b1", "u1"]
    assert shown(date(2021, 3, 30)) == shown(date(2020, 12, 31))    # the day before


# ------------------------------------------------------------------ the property
cells = st.lists(st.tuples(st.sampled_from(["mli-mopti", "mli-bandiagara"]),
                           st.sampled_from(range(4)),
                           st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2022, 12, 31)))),
                 max_size=30)
COMMUNES = {c: sorted(ZONE.index[ZONE.index.str.startswith(c + "-")])[:4]
            for c in ("mli-mopti", "mli-bandiagara")}


def _from(rows):
    return _mediators([(f"m{i}", c, COMMUNES[c][z], d) for i, (c, z, d) in enumerate(rows)])


def _state(med, day):
    """Per cercle: the total shown and the zones with a mediator shown."""
    shown = disclosure.released(med, day, K, REF)
    zones = disclosure.mediator_zones(shown, REF)
    return {c: (int((shown["cercle_id"] == c).sum()),
                set(zones[(shown["cercle_id"] == c).to_numpy()]))
            for c in ("mli-mopti", "mli-bandiagara")}


@settings(max_examples=150, deadline=None)
@given(cells, st.dates(date(2018, 6, 1), date(2023, 6, 1)),
       st.dates(date(2018, 6, 1), date(2023, 6, 1)))
def test_two_dates_never_differ_by_a_count_below_k(rows, one, two):
    """Between any two views, every cercle's total differs by 0 or by d ≥ k, and the m
    zones that gained their first mediator could each hold d − (m − 1) ≥ k of them; a view
    depends on its date through its release only; a later view shows a superset."""
    med = _from(rows)
    early, late = sorted((one, two))
    before, after = _state(med, early), _state(med, late)
    for cercle in before:
        (t1, z1), (t2, z2) = before[cercle], after[cercle]
        grown, new = t2 - t1, len(z2 - z1)
        assert grown == 0 or grown >= K + max(new, 1) - 1, (cercle, t1, t2, new)
        assert z1 <= z2
    for day in (one, two):
        assert _state(med, day) == _state(med, disclosure.release_date(day))
    assert set(disclosure.released(med, early, K, REF)["mediator_code"]) <= \
        set(disclosure.released(med, late, K, REF)["mediator_code"])


# ------------------------------------------------------------------ the demo, attacked
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from geo.ingest import demo as demo_data

    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('rel') / 'demo.sqlite'}")
    demo_data.load(engine, ADMIN)
    return store.load_all(engine)


def _published(records, day):
    """What a viewer sees of mediators on ``day``: each cercle's total (None: hidden) and
    which zones have one — through the coverage computation every screen uses."""
    result = coverage.compute({"mediators": records["mediators"]}, REF, day, K)
    shown = coverage.published_cercles(result)
    totals = {c: (None if pd.isna(v) else int(v)) for c, v in shown["mediators"].items()}
    present = result.communes.loc[result.communes["has_mediator"]]
    zones = {c: set(g["zone_id"]) for c, g in present.groupby("cercle_id")}
    return totals, zones


def _possible_totals(total, zones: set) -> range:
    """Every total a reader could believe from a hidden or published figure (hidden: at
    least one per zone with a mediator, and small enough to be hidden)."""
    if total is not None:
        return range(total, total + 1)
    n = len(zones)
    return range(n, K + n - 1) if n else range(0, 1)


def test_no_two_views_the_app_allows_difference_to_a_small_count(demo):
    """Every as-of date of the data's range (a view depends on its date through its
    release: the property above), every pair: for each cercle the change of its total, and
    of each zone that gained its first mediator, can be 0 or at least k whatever a reader
    infers — never only values from 1 to k − 1."""
    first, last = as_of_range(demo)
    releases = sorted({disclosure.release_date(first + timedelta(days=i))
                       for i in range((last - first).days + 1)})
    assert len(releases) > 30
    views = {r: _published(demo, r) for r in releases}
    distinct = {json.dumps([views[r][0], {c: sorted(z) for c, z in views[r][1].items()}],
                           sort_keys=True) for r in releases}
    assert len(distinct) > 5                    # the releases do change what is shown
    checked = 0
    for one, two in itertools.combinations(releases, 2):
        (t1, z1), (t2, z2) = views[one], views[two]
        for cercle in t1:
            before, after = z1.get(cercle, set()), z2.get(cercle, set())
            new = len(after - before)
            changes = {b - a for a in _possible_totals(t1[cercle], before)
                       for b in _possible_totals(t2[cercle], after) if b >= a}
            assert changes, (cercle, one, two)
            assert not changes <= set(range(1, K)), (cercle, one, two, changes)
            if new:                # a zone that gained its first mediator: up to ≥ k of them
                assert max(changes) - (new - 1) >= K, (cercle, one, two)
            checked += 1
    assert checked > 20_000


def test_the_window_does_not_enter_mediator_figures(demo):
    population = indicators.reference_indicators()["population"]
    day = date(2018, 8, 15)
    short = indicators.window_indicators(demo, population, day, 7, min_count=K)
    long = indicators.window_indicators(demo, population, day, 730, min_count=K)
    for column in ("mediators_active_per_10k", "mediators_active_hidden",
                   "communes_with_mediator_share"):
        pd.testing.assert_series_equal(short[column], long[column])


# ------------------------------------------------------------------ the network's reports
HOME = (14.2167, -3.2667)                  # a mediator's home, in Koporo Pen (Koro)


def _reports(engine, lat, lon, source="mediator"):
    text = ("report_id,occurred_on,latitude,longitude,location_precision,category,severity,"
            f"source_type\nR1,2022-03-01,{lat},{lon},exact,clash,3,{source}\n"
            "R2,2022-03-02,14.49,-4.19,exact,protest,2,media\n")
    assert run_import(engine, "tensions", text).accepted == 2
    return engine


ALONE = "mli-kita-makano"


def test_a_network_report_is_placed_no_finer_than_its_zone():
    zone_of = units.commune_zones()
    frame = pd.DataFrame({
        "report_id": ["m-exact", "m-commune", "s-exact", "p-exact"],
        "source_type": ["mediator", "mediator", "sms", "partner"],
        "location_precision": ["exact", "commune", "exact", "exact"],
        "latitude": [14.2, 14.2, 14.2, 14.2], "longitude": [-3.2, -3.2, -3.2, -3.2],
        "commune_id": ["mli-koro-koporo-pen", ALONE, ALONE, "mli-koro-koporo-pen"],
        "cercle_id": ["mli-koro", "mli-kita", "mli-kita", "mli-koro"]})
    out = disclosure.published_reports(frame, zone_of).set_index("report_id")
    # Koporo Pen is one of 9 communes of a zone; Makano (Kita) a zone by itself
    assert (zone_of == zone_of["mli-koro-koporo-pen"]).sum() == 9
    assert (zone_of == zone_of[ALONE]).sum() == 1
    assert out.loc["m-exact", ["location_precision", "commune_id", "latitude"]].tolist() == \
        ["cercle", None, None]
    assert out.loc["m-commune", ["location_precision", "commune_id"]].tolist() == \
        ["commune", ALONE]
    assert out.loc["s-exact", ["location_precision", "latitude"]].tolist() == ["commune", None]
    assert out.loc[["m-exact", "m-commune", "s-exact"], "source_type"].tolist() == \
        ["network"] * 3
    assert out.loc["p-exact"].tolist() == frame.set_index("report_id").loc["p-exact"].tolist()


def _outputs(engine, tmp_path) -> dict[str, str]:
    """Every output a viewer gets of the reports: the exports, the map of the period, the
    monitor at commune level, the brief, the command line's export."""
    records = {k: disclosure.published_reports(v) if k == "tensions" else v
               for k, v in store.load_all(engine).items()}
    points = indicators.tension_points(indicators.counted_reports(records["tensions"]))
    gdf = units.display_cercles()[["geometry"]].join(
        indicators.reference_indicators()[["cercle_id", "cercle_fr", "region_fr", "population",
                                           "density", "area_km2"]])
    out = {"csv": export.export(engine, "tensions").decode("utf-8-sig"),
           "geojson": export.export(engine, "tensions", "geojson").decode(),
           "map": maps.choropleth_map(gdf, "density", tension_points=points)
           .get_root().render(),
           "hotspots": monitor.hotspots(records["tensions"], date(2022, 3, 31), 90,
                                        level="commune", permutations=99).to_json()}
    from geo.outputs import brief
    out["brief"] = brief.render(brief.build(engine, None, "fr"), "html").decode()
    return out


def _strip_ids(text: str) -> str:
    return re.sub(r"[0-9a-f]{32}", "ID", text)


def test_a_mediator_s_report_from_home_gives_neither_home_nor_source(tmp_path, monkeypatch,
                                                                   capsys):
    home = _reports(store.make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}"), *HOME)
    # the same report from another commune of the cercle: a viewer sees the same
    koro = units.load_communes().query("cercle_id == 'mli-koro'").geometry
    other = next(p for c, p in koro.representative_point().items()
                 if c != "mli-koro-koporo-pen")
    away = _reports(store.make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}"),
                    round(other.y, 4), round(other.x, 4))
    seen, moved = _outputs(home, tmp_path), _outputs(away, tmp_path)
    for key in seen:
        assert _strip_ids(seen[key]) == _strip_ids(moved[key]), key
        assert not re.search(r"14\.2167|-3\.2667|\bmediator\b|Médiateur(?!s)", seen[key]), key
    frame = pd.read_csv(io.StringIO(seen["csv"])).set_index("report_id")
    assert frame.loc["R1", ["source_type", "location_precision"]].tolist() == ["network",
                                                                              "cercle"]
    assert frame.loc["R2", "location_precision"] == "exact"            # not the network's
    # the command line's export as a viewer gets it; the analysts' restricted one keeps it
    monkeypatch.setenv("VEILLE_DATABASE_URL", str(home.url))
    assert cli.main(["export", "tensions"]) == 0
    assert "14.2167" not in capsys.readouterr().out
    assert cli.main(["export", "tensions", "--restricted"]) == 0
    assert "14.2167" in capsys.readouterr().out
