"""The screens' charts are plain Vega-Lite specifications (ui.charts, no Altair in the app):
each one is valid against the Vega-Lite schema Streamlit's bundle draws (the one Altair
ships, used here only to check), on small data, with the expected fields and colours."""

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema.core import load_schema

from geo.i18n import t
from ui import charts

SCHEMA = load_schema()


def _valid(chart: charts.Chart) -> dict:
    """The full specification (data inline, as Streamlit sends it) after schema validation."""
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "data": {"values": chart.data.astype(object).where(chart.data.notna(), None)
                     .assign(**{c: chart.data[c].astype(str) for c in chart.data
                                if str(chart.data[c].dtype).startswith("datetime")})
                     .to_dict("records")}, **chart.spec}
    jsonschema.validate(spec, SCHEMA)
    return spec


def test_shorthand_channels():
    assert charts.enc("points:Q", title="x") == {"field": "points", "type": "quantitative",
                                                 "title": "x"}
    assert charts.enc("sum(value):Q") == {"field": "value", "type": "quantitative",
                                          "aggregate": "sum"}
    assert charts.enc("yearmonth(period):T") == {"field": "period", "type": "temporal",
                                                 "timeUnit": "yearmonth"}
    with pytest.raises(ValueError):
        charts.enc("points")


def test_every_chart_is_valid_vega_lite():
    ex = pd.DataFrame({"dimension": ["hazard", "vulnerability", "coping"],
                       "contribution": [2.0, 1.5, 0.5], "contribution_median": [1.0, 1.0, 1.0]})
    bars = _valid(charts.contribution_bars(ex, "fr"))
    assert bars["encoding"]["color"]["scale"]["range"] == [charts.RED, charts.GREY]
    assert len(bars["data"]["values"]) == 6                   # 3 dimensions x (cercle, median)

    summary = pd.DataFrame({"median_rank": [1.0, 2.0], "rank_p05": [1, 1], "rank_p95": [3, 4],
                            "top_share": [1.0, 0.9]}, index=["a", "b"])
    ranks = _valid(charts.rank_intervals(summary, pd.Series({"a": "A", "b": "B"}), ["a"],
                                         "en"))
    assert [layer["mark"]["type"] for layer in ranks["layer"]] == ["rule", "point"]
    assert [(v["cercle"], v["stable"]) for v in ranks["data"]["values"]] == [
        ("A", t("risk.sens.yes", "en")), ("B", t("risk.sens.no", "en"))]

    bt = pd.DataFrame({"as_of": ["2020-01-01", "2020-04-01"], "spearman_score": [0.3, 0.5],
                       "spearman_persistence": [0.2, 0.6]})
    lines = _valid(charts.backtest_lines(bt, "fr"))
    assert lines["encoding"]["color"]["sort"][0] == t("method.series.score", "fr")  # in red
    assert lines["encoding"]["color"]["scale"]["range"][0] == charts.RED

    ev = {"per_origin": [{"as_of": d, "methods": {"model": {"deviance": 2.0 + i},
                                                    "decayed": {"deviance": 2.5},
                                                    "persistence": {"deviance": 3.0}}}
                         for i, d in enumerate(["2020-01-01", "2020-04-01"])]}
    lines = _valid(charts.forecast_lines(ev, "en"))
    assert len(lines["data"]["values"]) == 6                  # 2 dates x 3 methods
    assert lines["encoding"]["color"]["sort"][0] == t("method.series.model", "en")   # in red
    assert lines["encoding"]["color"]["scale"]["range"][0] == charts.RED

    curve = pd.DataFrame({"n": [0, 10, 20], "covered": [1e6, 1.5e6, 1.7e6]})
    assert _valid(charts.coverage_curve(curve, "fr"))["encoding"]["y"]["axis"] == {
        "format": ",.0f"}


def test_a_chart_writes_numbers_and_dates_in_the_screen_s_language_issue_31():
    """Issue 31: chart axes read "12.6M" and "10.0" on the French screen. Drawn, a chart
    carries Vega's locale of the language: a decimal comma and a thin space for thousands in
    French, and French month names."""
    curve = pd.DataFrame({"n": [0, 10], "covered": [1e6, 1.5e6]})
    fr = _valid(charts.localized(charts.coverage_curve(curve, "fr"), "fr"))
    assert fr["config"]["locale"]["number"] == {
        "decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]}
    assert fr["config"]["locale"]["time"]["shortMonths"][0] == "janv."
    en = _valid(charts.localized(charts.coverage_curve(curve, "en"), "en"))
    assert en["config"]["locale"]["number"]["decimal"] == "."


def test_rules_are_layered_over_a_chart():
    base = charts.Chart(pd.DataFrame({"period": pd.to_datetime(["2020-01-01"]), "value": [3]}),
                        {"mark": "bar", "height": 100,
                         "encoding": {"x": charts.enc("period:T"), "y": charts.enc("value:Q")}})
    assert charts.with_rules(base, [], []) is base
    both = _valid(charts.with_rules(base, [pd.Timestamp("2020-07-29").date()], ["2nd round"]))
    assert both["height"] == 100 and both["layer"][0]["mark"] == "bar"
    assert both["layer"][1]["data"]["values"] == [{"day": "2020-07-29", "label": "2nd round"}]


def test_the_calibration_plot_shows_the_deciles_and_the_interval_s_coverage():
    """Calibration (observed against forecast by decile, with the diagonal) beside the 80 %
    interval's coverage (overall, with and without a report) and what it promised."""
    ev = {"calibration": [{"decile": d, "n": 50, "predicted": d / 4, "observed": d / 5}
                          for d in range(1, 11)],
          "model": {"coverage80": 0.86, "coverage80_with_reports": 0.64,
                    "coverage80_without": 0.99, "nominal_coverage80": 0.9}}
    spec = _valid(charts.calibration_chart(ev, "fr"))
    calibration, coverage = spec["hconcat"]
    assert calibration["title"] == t("method.calibration", "fr")
    diagonal, points = calibration["layer"]
    assert diagonal["data"]["values"] == [{"x": 0.0}, {"x": 2.5}]   # up to the largest mean
    assert points["encoding"]["x"]["field"] == "predicted"
    assert points["encoding"]["y"]["field"] == "observed"
    assert points["encoding"]["x"]["scale"] == {"type": "sqrt", "domain": [0, 2.5]}
    bars, promised = coverage["layer"]
    values = spec["data"]["values"]
    assert [v["decile"] for v in values if v["panel"] == "calibration"] == list(range(1, 11))
    assert [(v["label"], v["share"]) for v in values if v["panel"] == "coverage"] == [
        (t("method.coverage.all", "fr"), 0.86), (t("method.coverage.with", "fr"), 0.64),
        (t("method.coverage.without", "fr"), 0.99)]
    assert promised["data"]["values"] == [{"p": 0.9}]
    assert bars["encoding"]["x"]["scale"] == {"domain": [0, 1]}
