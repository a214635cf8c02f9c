"""Mediator coverage and gaps: distances against great-circle distances, counts against the
store, the suppression rule, and a gap fixture classified by hand."""

import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.support import indicator_table
from geo.analysis import coverage, disclosure, indicators
from geo.ingest import demo
from geo import reference
from geo.records import store
from geo.reference import units

REF = reference.load()       # the shipped units, zones and points

# Town centres (degrees, WGS 84).
TOWNS = {"Bamako": (-8.0029, 12.6392), "Kayes": (-11.4456, 14.4469),
         "Sikasso": (-5.6665, 11.3176), "Ségou": (-6.2157, 13.4317),
         "Mopti": (-4.1830, 14.4843), "Tombouctou": (-3.0074, 16.7735),
         "Gao": (-0.0400, 16.2666), "Kidal": (1.4078, 18.4411)}


def great_circle_km(a, b, radius=6371.0088):
    """Haversine on the mean Earth radius (IUGG)."""
    (lon1, lat1), (lon2, lat2) = map(lambda p: np.radians(p), (a, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * radius * math.asin(math.sqrt(h))


@pytest.mark.parametrize("a,b", list(itertools.combinations(TOWNS, 2)))     # 28 pairs
def test_distances_agree_with_great_circle_within_one_percent(a, b):
    (lon1, lat1), (lon2, lat2) = TOWNS[a], TOWNS[b]
    measured = units.distance_km([lon1], [lat1], [lon2], [lat2])[0]
    expected = great_circle_km(TOWNS[a], TOWNS[b])
    assert measured == pytest.approx(expected, rel=0.01)
    assert 90 < expected < 1600                     # town pairs across the country


def test_nearest_distance_from_communes_is_to_the_zone_point():
    communes = units.load_communes()
    rep = communes.geometry.representative_point()
    zone_of, zp = units.commune_zones(), units.zone_points()
    mopti = rep["mli-mopti-mopti-commune"]
    mediators = pd.DataFrame({"cercle_id": ["mli-mopti"], "commune_id": [None],
                              "status": ["active"], "latitude": [mopti.y],
                              "longitude": [mopti.x]})
    result = coverage.compute({"mediators": mediators}, REF)
    c = result.communes
    zone = zone_of["mli-mopti-mopti-commune"]
    zx, zy = zp.at[zone, "lon"], zp.at[zone, "lat"]
    expected = units.distance_km(rep.x, rep.y, [zx] * len(rep), [zy] * len(rep))
    np.testing.assert_allclose(c["distance_km"].to_numpy(), expected)
    # the mediator's zone, and only it, has a mediator; the cercle counts it
    assert set(c.index[c["has_mediator"]]) == set(zone_of.index[zone_of == zone])
    assert result.cercles.at["mli-mopti", "mediators"] == 1
    # nobody anywhere: no distance at all (no data, not zero)
    empty = coverage.compute({"mediators": mediators.iloc[:0]}, REF)
    assert empty.communes["distance_km"].isna().all()
    assert empty.cercles["mean_distance_km"].isna().all()


def test_mediator_placed_at_its_zone_point_never_at_its_coordinates():
    zone_of, zp = units.commune_zones(), units.zone_points()
    mediators = pd.DataFrame({
        "cercle_id": ["mli-gao", "mli-gao", "mli-gao", "mli-gao"],
        "commune_id": [None, "mli-gao-gao", None, None],
        "status": ["active", "active", "active", "inactive"],
        "latitude": [16.3, None, None, None], "longitude": [-0.1, None, None, None]})
    points = coverage.mediator_points(mediators, REF)
    assert points["placed_by"].tolist() == ["zone", "zone", "cercle"]        # inactive: none
    zone = zone_of[reference.load().communes_at([-0.1], [16.3])[0]]
    assert (points.loc[0, "lon"], points.loc[0, "lat"]) == (zp.at[zone, "lon"],
                                                             zp.at[zone, "lat"])
    assert (points.loc[0, "lon"], points.loc[0, "lat"]) != (-0.1, 16.3)


def test_suppression_threshold_is_a_setting_read_at_the_edge():
    from geo.settings import Settings

    assert Settings.from_environment(environ={}).min_count == 3
    assert Settings.from_environment({"min_count": 5}, environ={}).min_count == 5
    # the deployment's environment wins over the secrets
    assert Settings.from_environment({"min_count": 5}, {"VEILLE_MIN_COUNT": "4"}).min_count == 4
    assert Settings.from_environment(environ={"VEILLE_MIN_COUNT": "zero"}).min_count == 3
    # suppression cannot be switched off
    assert Settings.from_environment(environ={"VEILLE_MIN_COUNT": "1"}).min_count == 2
    config = Settings.from_environment(environ={"VEILLE_DATABASE_URL": "sqlite:///x.db",
                                                "VEILLE_DEMO": "0"})
    assert (config.database_url, config.demo) == ("sqlite:///x.db", False)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('cov') / 'c.sqlite'}")
    demo.ensure_initialised(engine)
    return engine


def test_counts_reconcile_with_the_store(demo_store):
    records = {k: store.load_records(demo_store, k) for k in ("mediators", "workshops")}
    ref = indicators.reference_indicators()
    result = coverage.compute(records, REF)
    k, c = result.cercles, result.communes
    med = records["mediators"]
    # today's release (geo.analysis.disclosure.released): all the active mediators but 24,
    # a cercle's last one or two trained (fewer than k = 3 since its release)
    active = indicators.active_mediators(med, date.today(), 3)
    assert (med["status"] != "inactive").sum() - len(active) == 24
    assert k["mediators"].sum() == len(active)
    assert (k["mediators"] == active.groupby("cercle_id").size().reindex(k.index).fillna(0)).all()
    assert result.zones["mediators"].sum() == active["commune_id"].notna().sum()
    assert (k["n_communes"] == ref["n_communes"]).all() and k["n_communes"].sum() == 701
    with_mediator = c[c["has_mediator"]].groupby("cercle_id").size().reindex(k.index).fillna(0)
    assert ((k["communes_without_mediator"] + with_mediator) == k["n_communes"]).all()
    # estimated commune populations add up to the census figure of each cercle
    np.testing.assert_allclose(c.groupby("cercle_id")["population_est"].sum()
                               .reindex(k.index), ref["population"].astype(float))
    for cid in demo.MEDIATOR_GAPS:                  # the demo's gaps have no mediator at all
        assert k.at[cid, "mediators"] == 0
        assert k.at[cid, "communes_without_mediator"] == k.at[cid, "n_communes"]
        assert k.at[cid, "mean_distance_km"] > 0
    assert k["mean_distance_km"].max() <= k["max_distance_km"].max()
    # workshops: 540 participants in all, shares between 0 and 1, 7 groups at most
    assert k["workshop_participants"].sum() == 540
    assert k["women_share"].dropna().between(0, 1).all()
    assert k["groups_reached"].max() <= 7


def test_commune_table_never_shows_small_counts(demo_store):
    records = {"mediators": store.load_records(demo_store, "mediators")}
    result = coverage.compute(records, REF, threshold=3)
    table = coverage.commune_table(result)
    exact = result.communes["mediators"]
    assert set(table["zone_mediators"]) & {"1", "2"} == set()
    hidden = table["zone_mediators"] == "masqué"
    assert hidden.sum() >= exact.between(1, 2).sum() > 0       # primary + complementary
    assert set(table["distance_km"].dropna()) <= set(disclosure.DISTANCE_BANDS_KM)
    # counts are per zone: the communes of one zone show the same figure
    assert (table.groupby("zone_id")["zone_mediators"].nunique() == 1).all()


# Four cercles whose quadrant is known by hand.
RISK = pd.Series({"a": 8.0, "b": 7.0, "c": 2.0, "d": 1.0, "e": np.nan})
COVER = pd.DataFrame({"mediators_per_10k": [0.2, 3.0, 0.1, 2.0, 1.0],
                      "mean_distance_km": [80.0, 5.0, 60.0, 0.0, 10.0]},
                     index=["a", "b", "c", "d", "e"])


def test_gap_classes_by_hand():
    gaps = coverage.classify_gaps(RISK, COVER, coverage.GapRule("mediators_per_10k", 5.0, 1.0))
    assert gaps["gap_class"].tolist() == ["priority", "watch", "reinforce", "adequate", None]
    assert gaps["gap_rank"].tolist() == [1, 2, 3, 4, 5]
    # by distance, thin means far: the same quadrants with a 30 km threshold
    far = coverage.classify_gaps(RISK, COVER, coverage.GapRule("mean_distance_km", 5.0, 30.0))
    assert far["gap_class"].tolist() == ["priority", "watch", "reinforce", "adequate", None]
    # thresholds move the cercles: risk >= 7.5 only a is high; b becomes adequate
    moved = coverage.classify_gaps(RISK, COVER, coverage.GapRule("mediators_per_10k", 7.5, 1.0))
    assert moved["gap_class"].tolist() == ["priority", "adequate", "reinforce", "adequate", None]
    # default: risk "high and above" (score >= 5, as the Risk page's classes), coverage median
    default = coverage.classify_gaps(RISK, COVER)
    assert (default.attrs["risk_threshold"], default.attrs["coverage_threshold"]) == (5.0, 1.0)
    assert default.attrs["risk_level"] == "high"
    # on request, the national medians (risk 4.5; 1.0 mediator per 10,000)
    median = coverage.classify_gaps(RISK, COVER, coverage.GapRule(risk_threshold=None))
    assert (median.attrs["risk_threshold"], median.attrs["coverage_threshold"]) == (4.5, 1.0)
    assert median["gap_class"].tolist() == ["priority", "watch", "reinforce", "adequate", None]


def test_no_active_mediator_is_always_thin_coverage():
    """Regression: with no mediator anywhere the median threshold fell to 0 and every cercle
    was "covered" (zero priority gaps)."""
    nobody = COVER.assign(mediators_per_10k=0.0, mean_distance_km=np.nan, mediators=0)
    for measure in ("mediators_per_10k", "mean_distance_km"):
        gaps = coverage.classify_gaps(RISK, nobody, coverage.GapRule(measure))
        assert gaps["gap_class"].tolist() == ["priority", "priority", "reinforce",
                                              "reinforce", None], measure
    # one cercle without a mediator among covered ones: thin whatever the threshold
    some = COVER.assign(mediators=[0, 5, 5, 5, 5])
    gaps = coverage.classify_gaps(RISK, some, coverage.GapRule("mediators_per_10k", 5.0, 0.0))
    assert gaps.at["a", "gap_class"] == "priority" and gaps.at["b", "gap_class"] == "watch"


@pytest.mark.slow
def test_command_line_json(demo_store, tmp_path):
    out = subprocess.run([sys.executable, "-m", "geo", "coverage", "--json"],
                         cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                         text=True, check=True,
                         env={**os.environ, "VEILLE_DATABASE_URL": str(demo_store.url)})
    rows = json.loads(out.stdout)
    assert len(rows) == 50
    assert {"cercle_id", "mediators", "mediators_per_10k", "communes_without_mediator",
            "mean_distance_km", "gap_class"} <= set(rows[0])
    assert [r["gap_rank"] for r in rows] == list(range(1, 51))
    released = indicators.active_mediators(store.load_records(demo_store, "mediators"),
                                           indicators.default_as_of(store.load_all(demo_store)))
    assert sum(r["mediators"] or 0 for r in rows) == len(released)
    assert rows[0]["gap_class"] == "priority"


def test_coverage_downloads_record_the_rule(demo_store):
    from datetime import date

    from geo.outputs import export
    from geo.analysis import risk

    table = indicator_table(demo_store, date(2018, 8, 31))
    as_of = table.attrs["as_of"]
    scores = risk.score(table, risk.method_for(table))
    records = {k: store.load_records(demo_store, k) for k in ("mediators", "workshops")}
    result = coverage.compute(records, REF, as_of)
    gaps = coverage.classify_gaps(scores.score, result.cercles,
                                  coverage.GapRule("mediators_per_10k", 5.0, 1.0))
    ranked = coverage.published_cercles(result).join(gaps[["risk_score", "gap_class",
                                                          "gap_rank"]]).join(
        table[["cercle_fr", "region_fr"]]).sort_values("gap_rank")
    frame = export.coverage_frame(ranked, gaps.attrs, as_of, "default", 3)
    assert len(frame) == 50 and list(frame["gap_rank"]) == list(range(1, 51))
    first = frame.iloc[0]
    assert (first["gap_class"], first["gap_class_fr"]) == (
        "priority", "Priorité : risque élevé ou très élevé, couverture faible")
    assert (first["gap_measure"], first["risk_threshold"], first["coverage_threshold"],
            first["as_of"]) == ("mediators_per_10k", 5.0, 1.0, "2018-08-31")
    # the file's notes in its language (issue 31: English notes in the French export)
    assert first["mediator_count_protection"].startswith(
        "effectifs de 1 à 2, et ceux qui permettraient de les retrouver, laissés vides")
    assert first["commune_population"] == \
        "estimation : population du cercle répartie au prorata de la superficie"
    english = export.coverage_frame(ranked, gaps.attrs, as_of, "default", 3, "en").iloc[0]
    assert english["mediator_count_protection"].startswith("counts 1 to 2, and those that")
    assert english["commune_population"] == "estimate: cercle population shared by area"
    assert "mean_distance_km" not in frame and frame["mean_distance_band"].str.endswith("km").all()
    shown = coverage.published_cercles(result)
    assert frame.set_index("cercle_id")["mediators"].isna().sum() == shown["mediators_hidden"].sum()
    doc = json.loads(export.coverage_geojson(frame))
    assert len(doc["features"]) == 50
    assert {f["geometry"]["type"] for f in doc["features"]} <= {"Polygon", "MultiPolygon"}


def test_gap_names_say_what_the_rule_is():
    """Regression: "risque élevé" meant "above the national median", so Mopti (2.97, class
    "faible" on the Risk page) read "Priorité : risque élevé"."""
    assert coverage.gap_label("priority", "high") == \
        "Priorité : risque élevé ou très élevé, couverture faible"
    assert coverage.gap_label("priority", "median") == \
        "Priorité : risque au-dessus de la médiane nationale, couverture faible"
    assert coverage.gap_label("reinforce", "medium", "en") == \
        "Reinforce: low or very low risk, thin coverage"
    from geo.analysis import risk
    assert coverage.RISK_LEVELS["high"] == risk.CLASS_THRESHOLDS[2]       # "high" class
    assert coverage.RISK_LEVELS["medium"] == risk.CLASS_THRESHOLDS[1]
    assert coverage.RISK_LEVELS["very_high"] == risk.CLASS_THRESHOLDS[3]
    # a cercle classed "low" on the Risk page is never a priority gap under the default
    scores = pd.Series({"a": 2.97, "b": 5.2})
    cover = pd.DataFrame({"mediators_per_10k": [0.1, 0.1], "mediators": [1, 1]},
                         index=["a", "b"])
    gaps = coverage.classify_gaps(scores, cover, coverage.GapRule(coverage_threshold=1.0))
    assert gaps["gap_class"].tolist() == ["reinforce", "priority"]


def _tiny_reference():
    """Two cercles on a 0.1° grid at 17° N: c1 (communes a, b; 20,000 people), c2 (commune a;
    5,000 people); every commune its own zone, at its centre."""
    import geopandas as gpd
    from shapely.geometry import box

    from geo.reference import Reference

    x0, y0 = -4.0, 17.0
    cells = {"c1-a": (0, "c1"), "c1-b": (1, "c1"), "c2-a": (2, "c2")}
    communes = gpd.GeoDataFrame(
        {"cercle_id": [c for _, c in cells.values()], "commune_fr": list(cells),
         "area_km2": [100.0] * 3},
        geometry=[box(x0 + 0.1 * i, y0, x0 + 0.1 * (i + 1), y0 + 0.1) for i, _ in cells.values()],
        index=list(cells), crs="EPSG:4326")
    cercles = gpd.GeoDataFrame(
        {"cercle_fr": ["C1", "C2"], "region_id": ["R", "R"], "population": [20_000, 5_000],
         "area_km2": [200.0, 100.0]},
        geometry=[box(x0, y0, x0 + 0.2, y0 + 0.1), box(x0 + 0.2, y0, x0 + 0.3, y0 + 0.1)],
        index=["c1", "c2"], crs="EPSG:4326")
    regions = gpd.GeoDataFrame({"region_fr": ["R"]}, geometry=[box(x0, y0, x0 + 0.3, y0 + 0.1)],
                               index=["R"], crs="EPSG:4326")
    centre = communes.geometry.centroid
    zone_points = pd.DataFrame({"lon": centre.x, "lat": centre.y, "area_km2": 100.0,
                                "n_communes": 1}, index=communes.index)
    return Reference(regions, cercles, communes, pd.Series(communes.index, index=communes.index),
                     zone_points)


def test_coverage_on_a_hand_made_reference():
    ref = _tiny_reference()
    mediators = pd.DataFrame({"cercle_id": ["c1"] * 3, "commune_id": ["c1-a"] * 3,
                              "status": ["active"] * 3, "latitude": [None] * 3,
                              "longitude": [None] * 3})
    result = coverage.compute({"mediators": mediators}, ref, threshold=3)
    k, c = result.cercles, result.communes
    assert k["mediators"].tolist() == [3, 0] and not k["mediators_hidden"].any()
    assert k["mediators_per_10k"].tolist() == pytest.approx([1.5, 0.0])     # 3 / 20,000
    assert k["communes_without_mediator"].tolist() == [1, 1]
    assert k["population_without_mediator"].tolist() == pytest.approx([10_000, 5_000])
    zx, zy = ref.zone_points["lon"], ref.zone_points["lat"]
    d_b = units.distance_km([zx["c1-b"]], [zy["c1-b"]], [zx["c1-a"]], [zy["c1-a"]])[0]
    d_c = units.distance_km([zx["c2-a"]], [zy["c2-a"]], [zx["c1-a"]], [zy["c1-a"]])[0]
    assert d_b == pytest.approx(10.64, abs=0.05) and d_c == pytest.approx(2 * d_b, rel=1e-3)
    assert c["distance_km"].tolist() == pytest.approx([0.0, d_b, d_c], abs=1e-6)
    assert k.at["c1", "mean_distance_km"] == pytest.approx(d_b / 2)   # half the people at 0
    # two mediators only: a hidden count, entering the rate as the stand-in 1.5
    two = coverage.compute({"mediators": mediators.iloc[:2]}, ref, threshold=3)
    assert bool(two.cercles.at["c1", "mediators_hidden"])
    assert two.cercles.at["c1", "mediators_per_10k"] == pytest.approx(1.5 / 20_000 * 1e4)
