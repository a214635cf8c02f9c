"""Demonstration data (deterministic, consistent with the mission facts) and exports."""

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from tests.support import indicator_table
from geo.analysis.view import Analysis
from geo.ingest import demo
from geo.outputs import export
from geo import ingest
from geo.records import store
from tests.support import ANALYST

#: Tension reports of the demonstration (seed 20180729), those verified false included.
DEMO_REPORTS = 2317


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    assert demo.ensure_initialised(engine)
    assert not demo.ensure_initialised(engine)       # loaded once only
    return engine


def test_generator_is_deterministic():
    a, b = demo.generate(), demo.generate()
    for kind in a:
        pd.testing.assert_frame_equal(a[kind], b[kind])
    assert not demo.generate(seed=1)["tensions"].equals(a["tensions"])


def test_demo_matches_the_mission_facts(demo_engine):
    ws = store.load_records(demo_engine, "workshops")
    assert ws["participants"].sum() == 540
    assert ws["women"].sum() / 540 > 0.35 and ws["youth"].sum() / 540 > 0.35
    regions = set(ws["region_id"])
    assert regions == {"ML09", "ML05", "ML04", "ML02", "ML03", "ML01", "ML06", "ML07", "ML08"}
    assert ws["start_date"].min().year == 2017
    for group in ("political_parties", "signatory_movements", "media", "government"):
        assert ws[group].sum() > 0
    med = store.load_records(demo_engine, "mediators")
    assert len(med) == 1424 and med["mediator_code"].is_unique
    table = indicator_table(demo_engine)
    gaps = table.index[table["mediators"] == 0]
    assert set(demo.MEDIATOR_GAPS) <= set(gaps)
    assert len(med.columns.intersection(["name", "phone", "nom", "telephone"])) == 0
    ten = store.load_records(demo_engine, "tensions")
    assert len(ten) == DEMO_REPORTS
    when = pd.to_datetime(ten["occurred_on"])
    assert (when.min().year, when.max().year) == (2015, 2022)          # eight years
    assert pd.to_datetime(ten["reported_on"]).max() <= pd.Timestamp(demo.HISTORY_END)
    centre_north = ten["region_id"].isin(["ML05", "ML04", "ML06", "ML07", "ML08"])
    assert centre_north.mean() > 0.75
    # the crisis spreads from the north to the centre (Mopti, Ségou)
    centre = ten["region_id"].isin(["ML05", "ML04"])
    assert centre[when.dt.year <= 2016].mean() < 0.4 * centre[when.dt.year >= 2020].mean()
    # persistence: a cercle's monthly count follows its previous month's
    monthly = ten.groupby(["cercle_id", when.dt.to_period("M")]).size().unstack(fill_value=0)
    x = monthly.to_numpy(dtype=float)
    assert np.corrcoef(x[:, 1:].ravel(), x[:, :-1].ravel())[0, 1] > 0.4
    # a surge around the 2018 presidential election (29 July, 12 August), against the months
    # before
    per_month = ten.groupby(when.dt.to_period("M")).size()
    assert per_month["2018-06":"2018-08"].mean() > 2 * per_month["2018-01":"2018-05"].mean()


def test_the_demo_has_both_kinds_of_sources_and_the_network_reports_where_it_watches(
        demo_engine):
    """The division's network reports only where and since its mediators watch: nothing
    before the first training (April 2017), nothing in the cercles without a mediator;
    external sources (media, partners, ACLED-like events) everywhere, from the start."""
    ten = store.load_records(demo_engine, "tensions")
    assert ten["source_type"].value_counts().to_dict() == {
        "mediator": 761, "media": 641, "acled": 604, "partner": 311}
    network = ten[ten["source_type"] == "mediator"]
    assert min(network["occurred_on"]).isoformat() == "2017-04-25"
    assert not set(network["cercle_id"]) & set(demo.MEDIATOR_GAPS)
    external = ten[ten["source_type"] != "mediator"]
    assert min(external["occurred_on"]).year == 2015
    assert set(external["cercle_id"]) & set(demo.MEDIATOR_GAPS)
    # late reports: the 90th percentile of the lag over the last year is 30 days
    from geo.analysis import observation

    assert observation.reporting_lag(ten, demo.HISTORY_END) == 30
    # summaries in French, shown in English on English screens
    clash = ten.loc[ten["category"] == "clash", "summary"].iloc[0]
    assert clash == "Affrontement entre groupes (fictif, démonstration)"
    assert demo.summary_text(clash, "en") == "Clash between groups (fictitious, demonstration)"
    assert demo.summary_text("Texte saisi", "en") == "Texte saisi"


def test_the_demo_is_as_hard_as_real_data(demo_engine):
    """The demonstration's history has the properties that make real event data hard
    (geo.analysis.properties; the real data's figures in TARGETS)."""
    from geo.analysis import properties
    from geo.reference import units

    p = properties.properties(store.load_records(demo_engine, "tensions"),
                              units.load_cercles()[["region_id"]])
    assert 0.55 <= p["zero_share"] <= 0.75                  # real data: 0.60
    assert 2.0 <= p["dispersion_median"] <= 3.6             # 2.8: overdispersed
    assert p["national_year_ratio"] >= 3                    # 5: regime shifts
    assert 0.1 <= p["p_active_after_quiet"] <= 0.25         # 0.17: onsets are rare
    assert p["centre_south_last"] > 2 * p["centre_south_first"]     # north → centre


def test_indicators_per_10k(demo_engine):
    table = indicator_table(demo_engine, min_count=3)
    row = table.loc["mli-mopti"]
    assert row["mediators_active_per_10k"] == pytest.approx(row["mediators"] / 368_512 * 10_000)
    assert table["workshop_participants"].sum() == 540
    # one definition per quantity: no all-time rate beside the windowed one
    assert "mediators_per_10k" not in table and "workshop_participants_per_10k" not in table


def _csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_neutralises_formulas_and_keeps_numbers(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    text = ("report_id,occurred_on,latitude,longitude,category,severity,summary\n"
            "X1,2018-07-29,14.49,-4.19,clash,3,=HYPERLINK(\"http://evil\")\n"
            "X2,2018-07-29,14.49,-4.19,clash,3,@SUM(A1)\n"
            "X3,2018-07-29,14.49,-4.19,clash,3,-2+3\n"
            "X4,2018-07-29,14.49,-4.19,clash,3,+33 plain\n")
    ingest.import_file(engine, "tensions", text.encode(), "x.csv", actor=ANALYST)
    rows = _csv_rows(export.export(engine, "tensions"))
    header = rows[0]
    summary = [r[header.index("summary")] for r in rows[1:]]
    assert summary == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)", "'-2+3", "'+33 plain"]
    assert {r[header.index("longitude")] for r in rows[1:]} == {"-4.19"}
    assert rows[1][header.index("cercle_fr")] == "Mopti"
    assert rows[1][header.index("region_id")] == "ML05"


def test_hxl_row(demo_engine):
    rows = _csv_rows(export.export(demo_engine, "workshops", hxl=True))
    tags = dict(zip(rows[0], rows[1]))
    assert tags["workshop_id"] == "#activity+id" and tags["cercle_fr"] == "#adm2+name"
    assert all(tag.startswith("#") for tag in rows[1])
    assert len(rows) == 2 + 18


def test_mediator_exports_are_restricted_and_carry_no_coordinates_nor_commune(demo_engine):
    with pytest.raises(export.RestrictedExport):
        export.export(demo_engine, "mediators")          # not a published output
    rows = _csv_rows(export.export(demo_engine, "mediators", restricted=True))
    assert "latitude" not in rows[0] and "longitude" not in rows[0]
    assert "commune_id" not in rows[0] and "commune_fr" not in rows[0]
    assert "cercle_id" in rows[0]
    doc = json.loads(export.export(demo_engine, "mediators", "geojson", restricted=True))
    assert len(doc["features"]) == 1424
    assert all(f["geometry"] is None for f in doc["features"])


def test_geojson_places_tensions_at_their_precision(demo_engine):
    doc = json.loads(export.export(demo_engine, "tensions", "geojson"))
    feats = doc["features"]
    assert len(feats) == DEMO_REPORTS
    exact = [f for f in feats if f["properties"]["location_precision"] == "exact"]
    assert all(f["geometry"]["coordinates"] == [f["properties"]["longitude"],
                                                f["properties"]["latitude"]] for f in exact)
    coarse = [f for f in feats if f["properties"]["location_precision"] == "cercle"]
    assert all(f["properties"]["latitude"] is None for f in coarse)
    assert all(f["geometry"] is not None for f in coarse)


def test_risk_downloads_record_the_method_and_date(demo_engine):
    from datetime import date

    from geo.analysis import risk

    table = indicator_table(demo_engine, date(2018, 8, 31), window_days=60)
    method = risk.PRESETS["tensions_first"].apply(risk.method_for(table))
    scores = risk.score(table, method)
    view = Analysis("tensions_first", method, unverified_weight=0.5)
    frame = export.risk_frame(table, scores, view)
    assert len(frame) == 50 and list(frame["rank"][:2]) == [1, 2]
    assert frame["score"].is_monotonic_decreasing
    first = frame.iloc[0]
    assert (first["as_of"], first["window_days"], first["preset"]) == ("2018-08-31", 60,
                                                                       "tensions_first")
    assert "hazard=2;vulnerability=1;coping=0.5" == first["dimension_weights"]
    assert "forecast_reports=4;tension_weighted_per_100k=2" in first["indicator_weights"]
    assert "context_intercommunal=1" in first["indicator_weights"]
    text = export.to_csv(frame).decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "cercle_id,cercle_fr,region_id,region_fr,score,class,class_fr,rank")
    assert first["class_fr"] == {"very_high": "Très élevé", "high": "Élevé", "medium": "Moyen",
                                 "low": "Faible", "very_low": "Très faible"}[first["class"]]
    doc = json.loads(export.risk_geojson(frame, view))
    assert doc["veille_method"]["as_of"] == "2018-08-31"
    assert doc["veille_method"]["aggregation"] == "arithmetic"
    assert doc["veille_method"]["dimension_weights"]["hazard"] == 2.0
    assert len(doc["features"]) == 50
    top = doc["features"][0]
    assert top["properties"]["rank"] == 1 and top["geometry"]["type"] in ("Polygon",
                                                                          "MultiPolygon")


def test_a_csv_says_yes_or_no_in_its_language_and_leaves_missing_cells_empty_issue_31():
    """Issue 31: Python's True in a CSV of the French app."""
    frame = pd.DataFrame({"id": ["a", "b", "c"], "demo": [True, False, True],
                          "escalated": [True, None, np.nan], "n": [1.5, np.nan, 2.0]})
    assert export.to_csv(frame).decode("utf-8-sig").splitlines() == [
        "id,demo,escalated,n", "a,oui,oui,1.5", "b,non,,", "c,oui,,2.0"]
    assert export.to_csv(frame, lang="en").decode("utf-8-sig").splitlines()[1] == \
        "a,yes,yes,1.5"
