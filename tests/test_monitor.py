"""The tensions monitor's analyses: Gi* hot spots, emerging hot spots, alerts, trends."""

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from geo.analysis import monitor
from geo import reference

AS_OF = date(2022, 12, 31)
CLUSTER = ["mli-mopti", "mli-djenne", "mli-bandiagara"]        # three adjacent cercles
QUIET = "mli-kayes"                                             # far to the west


def _reports(rows) -> pd.DataFrame:
    """Tension records from (cercle_id, occurred_on, severity[, category, verification])."""
    ref = reference.load()
    out = []
    for i, row in enumerate(rows):
        cercle, day, severity, *rest = row
        out.append({"report_id": f"R{i}", "occurred_on": day, "cercle_id": cercle,
                    "region_id": ref.cercles.loc[cercle, "region_id"], "commune_id": None,
                    "category": rest[0] if rest else "clash", "severity": severity,
                    "verification": rest[1] if len(rest) > 1 else "verified",
                    "status": "open", "source_type": "mediator"})
    return pd.DataFrame(out)


def _background(as_of=AS_OF, days=80, every=1):
    """One minor report in every cercle, ``days`` before ``as_of`` (``every``: how many)."""
    return [(c, as_of - timedelta(days=days), 1)
            for c in reference.load().cercles.index for _ in range(every)]


# --------------------------------------------------------------------------- Gi*

def test_gi_star_matches_a_hand_computed_value_on_a_3x3_lattice():
    """Values 1…9 on a 3×3 queen lattice, binary weights, the cell itself included. Corner 0
    (value 1) sees cells {0, 1, 3, 4} = 1 + 2 + 4 + 5 = 12 with W = 4; x̄ = 5,
    S = √(285/9 − 25) = √(20/3); z = (12 − 5·4) / (S √((9·4 − 4²)/8)) = −8/√(50/3)
    = −1.959592. The centre sees the whole field: no variance, z 0, not significant."""
    from libpysal.weights import lat2W

    w = lat2W(3, 3, rook=False)
    g = monitor.gi_star(np.arange(1, 10), w, permutations=999, seed=12345)
    assert_allclose(g.z[0], -8 / np.sqrt(50 / 3), rtol=1e-9)
    assert_allclose(g.z[8], 8 / np.sqrt(50 / 3), rtol=1e-9)       # the mirror corner
    assert g.z[4] == 0 and g.p_z_sim[4] == 1.0
    again = monitor.gi_star(np.arange(1, 10), w, permutations=999, seed=12345)
    assert_allclose(g.p_sim, again.p_sim)                           # seeded
    assert g.p_sim.min() >= 1 / 1000


def test_a_field_with_no_variation_has_no_hot_spot():
    g = monitor.gi_star(np.zeros(50), monitor.spatial_weights("cercle"))
    assert (g.z == 0).all() and (g.p_sim == 1).all()
    assert set(monitor.classify(g.z_sim, g.p_z_sim)) == {"none"}


def test_shipped_cercle_weights_are_libpysal_queen_contiguity():
    from libpysal.weights import Queen

    ours = monitor.spatial_weights("cercle")
    theirs = Queen.from_dataframe(reference.load().cercles, use_index=True,
                                  silence_warnings=True)
    assert {k: set(v) for k, v in ours.neighbors.items()} == \
        {k: set(v) for k, v in theirs.neighbors.items()}
    assert ours.n == 50 and not ours.islands


def test_fdr_classes_follow_benjamini_hochberg():
    """p = 0.001, 0.004, 0.03, 0.2 over four units at α = 0.05: BH cut-offs k·α/4 are 0.0125,
    0.025, 0.0375, 0.05 → the three smallest pass (0.03 < 0.0375); at α = 0.01 (0.0025,
    0.005, …) the first two pass; at 0.10 the same three."""
    p = np.array([0.001, 0.004, 0.03, 0.2])
    z = np.array([3.0, -2.8, 2.0, 1.0])
    assert monitor.classify(z, p) == ["hot_99", "cold_99", "hot_95", "none"]


def test_a_planted_cluster_of_severe_reports_is_a_99_percent_hot_spot():
    rows = _background()
    for cercle in CLUSTER:
        rows += [(cercle, AS_OF - timedelta(days=d), 5) for d in range(1, 31)]
    result = monitor.hotspots(_reports(rows), AS_OF, 90).set_index("unit_id")
    for cercle in CLUSTER:
        assert result.loc[cercle, "class"] == "hot_99", cercle
        assert result.loc[cercle, "p_fdr_significant"]
        assert result.loc[cercle, "p_sim"] < 0.05
        assert result.loc[cercle, "value"] == 31            # and the background one
    assert result.loc[QUIET, "class"] == "none"
    assert result.loc[QUIET, "gi_z"] < 0
    # severity-weighted: the same cluster, the same classes
    weighted = monitor.hotspots(_reports(rows), AS_OF, 90, weight="severity").set_index(
        "unit_id")
    assert weighted.loc[CLUSTER, "value"].tolist() == [151, 151, 151]     # 30 × 5 + 1
    assert (weighted.loc[CLUSTER, "class"] == "hot_99").all()


def test_reports_outside_the_window_false_or_later_do_not_count():
    rows = [("mli-mopti", AS_OF - timedelta(days=10), 3),
            ("mli-mopti", AS_OF - timedelta(days=100), 3),              # before the window
            ("mli-mopti", AS_OF + timedelta(days=1), 3),                # after as_of
            ("mli-mopti", AS_OF - timedelta(days=5), 3, "clash", "false")]
    result = monitor.hotspots(_reports(rows), AS_OF, 90).set_index("unit_id")
    assert result.loc["mli-mopti", "value"] == 1 and result["value"].sum() == 1


def test_distance_band_weights_and_commune_level():
    rows = _background()
    for cercle in CLUSTER:
        rows += [(cercle, AS_OF - timedelta(days=d), 5) for d in range(1, 31)]
    by_band = monitor.hotspots(_reports(rows), AS_OF, 90, contiguity="distance",
                               band_km=150).set_index("unit_id")
    assert by_band.loc["mli-mopti", "class"].startswith("hot")
    w = monitor.spatial_weights("commune")
    assert w.n == 701
    communes = monitor.hotspots(_reports(rows), AS_OF, 90, level="commune")
    assert len(communes) == 701 and communes["value"].sum() == 0    # none placed at a commune


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match="level"):
        monitor.hotspots(_reports([]), AS_OF, level="region")


# --------------------------------------------------------------------------- emerging

@pytest.mark.parametrize("bins, trend, expected", [
    ([0] * 23 + [1], "no trend", "new_hot"),
    ([0] * 20 + [1] * 4, "increasing", "consecutive_hot"),
    ([1] * 24, "increasing", "intensifying_hot"),
    ([1] * 24, "no trend", "persistent_hot"),
    ([0] + [1] * 23, "decreasing", "diminishing_hot"),
    ([1, 0] * 12, "no trend", "none"),                  # 50 % hot, not in the last month
    ([0, 1] * 12, "no trend", "sporadic_hot"),
    ([-1] + [0, 1] * 11 + [1], "no trend", "oscillating_hot"),
    ([1] * 23 + [0], "no trend", "historical_hot"),
    ([0] * 23 + [-1], "no trend", "new_cold"),
    ([-1] * 24, "decreasing", "intensifying_cold"),
    ([-1] * 24, "increasing", "diminishing_cold"),
    ([0] * 24, "no trend", "none"),
    ([1, 0, 1, 1, 0, 1, 1], "no trend", "sporadic_hot"),      # a run after earlier hot months
])
def test_emerging_categories_follow_the_published_definitions(bins, trend, expected):
    assert monitor.category(bins, trend) == expected


def test_month_edges_end_on_the_as_of_date():
    edges = monitor.month_edges(date(2022, 12, 31), 3)
    assert [e.date() for e in edges] == [date(2022, 9, 30), date(2022, 10, 31),
                                         date(2022, 11, 30), date(2022, 12, 31)]


def _monthly(counts_for, months=24, as_of=AS_OF):
    """Reports in each monthly bin: ``counts_for(cercle, k)`` in bin k (0 oldest), dated
    ten days before the bin's end, plus one background report per cercle and month."""
    edges = monitor.month_edges(as_of, months)
    rows = []
    for k in range(months):
        day = (edges[k + 1] - pd.Timedelta(days=10)).date()
        for cercle in reference.load().cercles.index:
            rows += [(cercle, day, 1)] * (1 + counts_for(cercle, k))
    return _reports(rows)


def test_a_cluster_that_appears_in_the_last_month_is_a_new_hot_spot():
    reports = _monthly(lambda c, k: 25 if c in CLUSTER and k == 23 else 0)
    result = monitor.emerging(reports, AS_OF, 24).set_index("unit_id")
    assert (result.loc[CLUSTER, "category"] == "new_hot").all()
    assert result.loc[QUIET, "category"] == "none"
    assert (result.loc[CLUSTER, "hot_months"] == 1).all()


def test_a_cluster_rising_every_month_is_an_intensifying_hot_spot():
    """Three adjacent cercles with 12 reports more than the background in the first month
    and 2 more each month, the others Poisson(5) noise (seeded): hot in over 90 % of the
    months including the last, and their z-scores rise (Mann-Kendall) — intensifying."""
    rng = np.random.default_rng(3)
    noise = {}

    def counts(cercle, k):
        if cercle in CLUSTER:
            return 12 + 2 * k
        return noise.setdefault((cercle, k), int(rng.poisson(5)))

    result = monitor.emerging(_monthly(counts), AS_OF, 24).set_index("unit_id")
    for cercle in CLUSTER:
        row = result.loc[cercle]
        assert row["category"] == "intensifying_hot", (cercle, row.to_dict())
        assert row["hot_months"] >= 22 and row["mk_tau"] > 0 and row["mk_p"] < 0.05
    assert result.loc[QUIET, "category"] == "none"


def test_a_cercle_with_no_report_has_no_pattern():
    reports = _monthly(lambda c, k: 0).query("cercle_id != @QUIET")
    result = monitor.emerging(reports, AS_OF, 6).set_index("unit_id")
    assert result.loc[QUIET, "category"] == "none" and np.isnan(result.loc[QUIET, "mk_tau"])


# --------------------------------------------------------------------------- alerts

def test_alerts_flag_a_cercle_above_its_own_baseline():
    """Ségou: 12 reports in the year before the last 14 days (μ = 12·14/365 = 0.4603), 4
    in them: P(X ≥ 4) = 0.00111 < 0.01 → alert. Kayes: no history (μ = ½·14/365 = 0.01918),
    one report: P = 0.0190 → no alert; Sikasso: two → P = 1.8e-4 → alert."""
    rows = [("mli-segou", AS_OF - timedelta(days=30 + 28 * m), 2) for m in range(12)]
    rows += [("mli-segou", AS_OF - timedelta(days=d), 2) for d in (1, 2, 3, 4)]
    rows += [("mli-kayes", AS_OF - timedelta(days=3), 2)]
    rows += [("mli-sikasso", AS_OF - timedelta(days=d), 2) for d in (2, 5)]
    table = monitor.alerts(_reports(rows), AS_OF, windows=(14,), only_alerts=False)
    table = table.set_index("cercle_id")
    segou = table.loc["mli-segou"]
    assert segou["baseline"] == 12 and segou["observed"] == 4
    assert segou["expected"] == pytest.approx(12 * 14 / 365)
    mu = 12 * 14 / 365
    p4 = 1 - np.exp(-mu) * (1 + mu + mu ** 2 / 2 + mu ** 3 / 6)
    assert segou["p_value"] == pytest.approx(p4) and segou["alert"]
    assert table.loc["mli-kayes", "p_value"] == pytest.approx(1 - np.exp(-7 / 365))
    assert not table.loc["mli-kayes", "alert"]
    assert table.loc["mli-sikasso", "alert"]
    assert not table.loc["mli-bamako", "alert"]                       # no report at all
    flagged = monitor.alerts(_reports(rows), AS_OF, windows=(14,))
    assert list(flagged["cercle_id"]) == ["mli-sikasso", "mli-segou"]  # most significant first


# --------------------------------------------------------------------------- trends

def test_trends_by_month_and_category_count_each_report_once():
    rows = [("mli-mopti", date(2022, 1, 5), 2, "clash"),
            ("mli-mopti", date(2022, 1, 20), 4, "clash"),
            ("mli-gao", date(2022, 3, 1), 5, "protest"),
            ("mli-gao", date(2022, 3, 2), 5, "protest", "false")]
    table = monitor.trends(_reports(rows), date(2022, 1, 1), date(2022, 3, 31))
    pivot = table.pivot(index="period", columns="group", values="value")
    assert list(pivot.index) == [date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)]
    assert pivot["clash"].tolist() == [2, 0, 0] and pivot["protest"].tolist() == [0, 0, 1]
    weighted = monitor.trends(_reports(rows), date(2022, 1, 1), date(2022, 3, 31),
                              weight="severity", by="cercle_id")
    assert weighted.groupby("group")["value"].sum().to_dict() == {"mli-gao": 5,
                                                                   "mli-mopti": 6}
    weekly = monitor.trends(_reports(rows), date(2022, 1, 1), date(2022, 1, 31), freq="week")
    assert weekly["value"].sum() == 2 and weekly["period"].min() == date(2021, 12, 27)


def test_year_on_year_compares_the_same_dates():
    rows = [("mli-mopti", date(2022, 6, 1), 2, "clash"),
            ("mli-mopti", date(2021, 6, 2), 2, "clash"),
            ("mli-mopti", date(2021, 6, 3), 2, "protest"),
            ("mli-mopti", date(2021, 8, 1), 2, "protest")]           # outside a year before
    table = monitor.year_on_year(_reports(rows), date(2022, 5, 1), date(2022, 7, 1))
    assert table.set_index("group")[["current", "year_before", "change"]].to_dict("index") \
        == {"clash": {"current": 1, "year_before": 1, "change": 0},
            "protest": {"current": 0, "year_before": 1, "change": -1}}
    assert monitor.most_active(_reports(rows), date(2021, 1, 1), date(2022, 12, 31), 1) == \
        ["mli-mopti"]


# --------------------------------------------------------------------------- command line

@pytest.mark.slow
def test_command_line_prints_the_documented_fields(tmp_path):
    from geo.records import roles, store
    from tests.support import run_import

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    engine = store.make_engine(url)
    frame = _reports(_background(every=1) + [(c, AS_OF - timedelta(days=d), 5)
                                             for c in CLUSTER for d in range(1, 21)])
    frame = frame.drop(columns=["region_id", "commune_id", "report_id"]).rename(
        columns={"cercle_id": "cercle"})
    frame["cercle"] = frame["cercle"].map(reference.load().cercles["cercle_fr"])
    report = run_import(engine, "tensions", frame.to_csv(index=False), actor=roles.operator())
    assert report.rejected == 0, report.rejections[:3]

    def run(*args):
        out = subprocess.run([sys.executable, "-m", "geo", "monitor", *args, "--as-of",
                              AS_OF.isoformat(), "--json"], capture_output=True, text=True,
                             env={"VEILLE_DATABASE_URL": url, "PATH": "/usr/bin"}, check=True)
        return json.loads(out.stdout)

    hot = {r["cercle_id"]: r for r in run("hotspots", "--window-days", "90")}
    assert set(hot["mli-mopti"]) >= {"cercle_id", "gi_z", "p_sim", "p_fdr_significant",
                                     "class"}
    assert hot["mli-mopti"]["class"] == "hot_99" and hot[QUIET]["class"] == "none"
    emerging = run("emerging", "--months", "6")
    assert len(emerging) == 50
    assert set(emerging[0]) >= {"cercle_id", "category", "mk_tau", "mk_p"}
    assert {r["cercle_id"] for r in run("alerts")} >= set(CLUSTER)


def test_poisson_tail_equals_scipys_including_the_far_tail():
    """The alerts' P(X >= k), written without SciPy (memory), equals SciPy's survival
    function from the bulk to p-values far below any alert threshold."""
    from scipy.stats import poisson

    k = np.array([0, 1, 1, 2, 3, 5, 8, 13, 21, 40, 3, 1, 60, 120])
    mu = np.array([0.5, 0.5, 0.0096, 0.0096, 2.0, 2.0, 2.0, 5.0, 5.0, 12.0, 30.0, 30.0, 55.0,
                   40.0])
    ours = monitor.poisson_at_least(k, mu)
    assert_allclose(ours, poisson.sf(k - 1, mu), rtol=1e-10, atol=0)
    assert ours[0] == 1.0 and 0 < ours[-1] < 1e-20
    # by hand: P(X >= 1) = 1 - e^-mu; P(X >= 2) for mu = 2: 1 - 3 e^-2
    assert ours[1] == pytest.approx(1 - np.exp(-0.5), rel=1e-12)
    assert monitor.poisson_at_least([2], [2.0])[0] == pytest.approx(1 - 3 * np.exp(-2), rel=1e-12)


@pytest.mark.slow
def test_the_app_process_does_not_load_scipy_for_the_overview():
    """The Overview's alerts and the shipped boundaries load neither SciPy nor GDAL (issue 18:
    15-50 MB and ~11 MB in every app process)."""
    code = ("import sys, datetime; from geo.analysis import monitor; from geo.reference import units; from geo.records import store; from geo.ingest import demo; "
            "units.load_cercles(); units.load_communes(); units.display_communes(); "
            "e = store.make_engine('sqlite://'); demo.ensure_initialised(e); "
            "monitor.alerts(store.load_records(e, 'tensions'), datetime.date(2022, 12, 27)); "
            "print(sorted(m for m in ('scipy', 'pyogrio', 'fiona', 'altair') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip().splitlines()[-1] == "[]"
