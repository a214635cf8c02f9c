"""Charts of the risk, planning and monitoring screens, as Vega-Lite specifications drawn by
Streamlit's own Vega-Lite bundle (offline). Written as plain specifications rather than with
Altair, which only builds them: Altair costs every app process ~23 MB (issue 18). Labels
come from :func:`geo.i18n.t`; numbers and dates follow the language (Vega's locale,
:func:`localized`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from geo.i18n import t
from ui.lang import current_lang

RED, GREY, DARK = "#bd0026", "#9e9e9e", "#4a4a4a"
#: A chart as wide as its column, axis labels, titles and legend included (Vega-Lite's
#: default pads them outside the width: in a narrow column they were cut off).
FIT = {"type": "fit", "contains": "padding"}
_TYPES = {"N": "nominal", "Q": "quantitative", "T": "temporal", "O": "ordinal"}


@dataclass
class Chart:
    """A chart: its data and its Vega-Lite specification (without the data)."""

    data: pd.DataFrame
    spec: dict = field(default_factory=dict)


#: Vega's number and date formats per language: "12 600 000", "0,25", "janv. 2020" in
#: French (Vega's own are English: "12,600,000", "0.25").
LOCALES = {
    "fr": {"number": {"decimal": ",", "thousands": "\u202f", "grouping": [3],
                      "currency": ["", "\u00a0€"]},
           "time": {"dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                    "periods": ["", ""],
                    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
                             "samedi"],
                    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
                    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                               "août", "septembre", "octobre", "novembre", "décembre"],
                    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                                    "août", "sept.", "oct.", "nov.", "déc."]}},
    "en": {"number": {"decimal": ".", "thousands": ",", "grouping": [3],
                      "currency": ["$", ""]}},
}


def localized(chart: Chart, lang: str) -> Chart:
    """``chart`` with the number and date formats of ``lang`` (:data:`LOCALES`)."""
    config = {**chart.spec.get("config", {}), "locale": LOCALES[lang]}
    return Chart(chart.data, {**chart.spec, "config": config})


def draw(chart: Chart, **kwargs) -> None:
    """Draw ``chart`` in the session's language (its numbers and dates: :func:`localized`;
    ``kwargs`` go to ``st.vega_lite_chart``, e.g. ``width="stretch"``)."""
    chart = localized(chart, current_lang())
    st.vega_lite_chart(chart.data, chart.spec, **kwargs)


def enc(shorthand: str, **options) -> dict:
    """An encoding channel from Altair-style shorthand: ``"field:Q"``, ``"sum(value):Q"``,
    ``"yearmonth(period):T"``; ``options`` added as they are (title, axis, scale…)."""
    match = re.fullmatch(r"(?:(\w+)\()?([\w ]+)\)?:([NQTO])", shorthand)
    if not match:
        raise ValueError(f"not a field shorthand: {shorthand!r}")
    func, name, kind = match.groups()
    out = {"field": name, "type": _TYPES[kind]}
    if func:
        out["timeUnit" if kind == "T" and func != "sum" else "aggregate"] = func
    return {**out, **options}


def contribution_bars(ex: pd.DataFrame, lang: str) -> Chart:
    """Points of the score brought by each dimension: the cercle against the national median
    (``ex`` from :func:`geo.analysis.risk.explain`)."""
    this, median = t("risk.chart.this", lang), t("risk.col.median", lang)
    by_dim = ex.groupby("dimension", sort=False)[["contribution", "contribution_median"]] \
        .sum().reset_index()
    bars = pd.concat([
        pd.DataFrame({"dim": [t(f"risk.dim.{d}", lang) for d in by_dim["dimension"]],
                      "who": who, "points": by_dim[col]})
        for who, col in ((this, "contribution"), (median, "contribution_median"))])
    return Chart(bars, {"mark": "bar", "height": 220, "autosize": FIT, "encoding": {
        "y": enc("dim:N", title=None, sort=None,
                 axis={"labelOverlap": False, "labelLimit": 120}),
        "yOffset": enc("who:N", sort=[this, median]),
        "x": enc("points:Q", title=t("risk.chart.points", lang)),
        "color": enc("who:N", title=None, sort=[this, median],
                     scale={"range": [RED, GREY]}, legend={"orient": "bottom"}),
        "tooltip": [enc("dim:N"), enc("who:N"), enc("points:Q", format=".2f")]}})


def rank_intervals(summary: pd.DataFrame, names: pd.Series, stable: list[str], lang: str,
                   shown: int = 25) -> Chart:
    """Median rank and 90 % rank interval of the ``shown`` best cercles (``summary`` from
    :meth:`geo.analysis.robustness.Sensitivity.summary`), the stable top ones in red."""
    yes, no = t("risk.sens.yes", lang), t("risk.sens.no", lang)
    data = summary.dropna().sort_values("median_rank").head(shown).assign(
        cercle=lambda d: names.reindex(d.index).values,
        stable=lambda d: [yes if c in stable else no for c in d.index])
    data["order"] = range(len(data))
    y = enc("cercle:N", sort={"field": "order", "order": "ascending"}, title=None,
            axis={"labelOverlap": False})
    return Chart(data.reset_index(drop=True), {"height": 24 * len(data) + 40, "layer": [
        {"mark": {"type": "rule", "strokeWidth": 3, "color": GREY}, "encoding": {
            "y": y, "x": enc("rank_p05:Q", title=t("risk.sens.axis", lang),
                             scale={"domain": [1, len(summary)]}),
            "x2": {"field": "rank_p95"}}},
        {"mark": {"type": "point", "filled": True, "size": 70}, "encoding": {
            "y": y, "x": enc("median_rank:Q"),
            "color": enc("stable:N", title=t("risk.sens.legend", lang),
                         scale={"domain": [yes, no], "range": [RED, DARK]}),
            "tooltip": [enc("cercle:N", title=t("field.cercle", lang)),
                        enc("median_rank:Q", title=t("risk.sens.median", lang)),
                        enc("rank_p05:Q", title="P5"), enc("rank_p95:Q", title="P95"),
                        enc("top_share:Q", title=t("risk.sens.top_share", lang),
                            format=".0%")]}}]})


def _origin_lines(long: pd.DataFrame, lang: str, colours: list[str], order: list[str],
                  y_title: str, domain: list[float] | None = None) -> Chart:
    """A value per date (``as_of``, ``value``) of each series, coloured in ``order`` (the
    first, the score or the forecast, in red)."""
    long = long.assign(as_of=pd.to_datetime(long["as_of"]))
    y = enc("value:Q", title=y_title, **({"scale": {"domain": domain}} if domain else {}))
    return Chart(long, {"mark": {"type": "line", "point": True}, "height": 300, "autosize": FIT,
                        "encoding": {
        # numeric dates: Vega's month names would be English on the French screen
        "x": enc("as_of:T", title=t("method.col.as_of", lang), axis={"format": "%m/%Y"}),
        "y": y,
        "color": enc("series:N", title=None, sort=order, scale={"range": colours}),
        "tooltip": [enc("as_of:T", format="%d/%m/%Y"), enc("series:N"),
                    enc("value:Q", format=".2f")]}})


def backtest_lines(bt: pd.DataFrame, lang: str) -> Chart:
    """Spearman correlation among the cercles with a report, per date: the score against the
    persistence baseline (``bt`` from :func:`geo.analysis.backtest.backtest`)."""
    series = {"spearman_score": t("method.series.score", lang),
              "spearman_persistence": t("method.series.persistence", lang)}
    long = bt.melt(id_vars="as_of", value_vars=list(series), var_name="series",
                   value_name="value").assign(series=lambda d: d["series"].map(series))
    return _origin_lines(long, lang, [RED, "#636363"], list(series.values()),
                         t("method.col.spearman", lang), [-1, 1])


#: The forecast's per-origin chart: the model and the baselines it is compared with most.
ORIGIN_SERIES = ("model", "decayed", "persistence")


def forecast_lines(ev: dict, lang: str) -> Chart:
    """Mean Poisson deviance per origin (lower is better) of the forecast, the decayed count
    and persistence (``ev`` from :func:`geo.analysis.backtest.evaluate`)."""
    names = {k: t(f"method.series.{k}", lang) for k in ORIGIN_SERIES}
    long = pd.DataFrame([{"as_of": row["as_of"], "series": names[k],
                          "value": row["methods"][k]["deviance"]}
                         for row in ev["per_origin"] for k in ORIGIN_SERIES])
    return _origin_lines(long, lang, [RED, "#9e9ac8", "#636363"], list(names.values()),
                         t("method.col.deviance_origin", lang))


def calibration_chart(ev: dict, lang: str) -> Chart:
    """Calibration and coverage of the forecast (``ev`` from
    :func:`geo.analysis.backtest.evaluate`), side by side: the mean observed against the
    mean forecast reports of each decile of the forecast (square-root axes; the diagonal is
    a perfect forecast), and the share of outcomes inside the 80 % interval -- over every
    cercle-date, those with a report, those without -- against what the intervals promise
    (the rule)."""
    model = ev["model"]
    calibration = pd.DataFrame(ev["calibration"])
    top = float(max(calibration["predicted"].max(), calibration["observed"].max(), 1.0)) \
        if len(calibration) else 1.0
    data = pd.concat([
        calibration.assign(panel="calibration", label=None, share=None),
        pd.DataFrame({"panel": "coverage", "label": [
            t(f"method.coverage.{k}", lang) for k in ("all", "with", "without")],
            "share": [model["coverage80"], model["coverage80_with_reports"],
                      model["coverage80_without"]]})], ignore_index=True)
    axis = {"type": "sqrt", "domain": [0, top]}
    diagonal = {"data": {"values": [{"x": 0.0}, {"x": top}]}, "mark": {
        "type": "line", "color": GREY, "strokeDash": [4, 3]},
        "encoding": {"x": enc("x:Q"), "y": enc("x:Q")}}
    points = {"transform": [{"filter": "datum.panel === 'calibration'"}],
              "mark": {"type": "line", "color": RED,
                       "point": {"color": RED, "filled": True}}, "encoding": {
                  "x": enc("predicted:Q", title=t("method.col.predicted", lang), scale=axis),
                  "y": enc("observed:Q", title=t("method.col.observed", lang), scale=axis),
                  "tooltip": [enc("decile:O", title=t("method.col.decile", lang)),
                              enc("predicted:Q", format=".2f"),
                              enc("observed:Q", format=".2f"), enc("n:Q")]}}
    bars = {"transform": [{"filter": "datum.panel === 'coverage'"}],
            "mark": {"type": "bar", "color": "#3182bd"}, "encoding": {
                "y": enc("label:N", title=None, sort=None, axis={"labelLimit": 220}),
                "x": enc("share:Q", title=t("method.col.coverage", lang),
                         scale={"domain": [0, 1]}, axis={"format": ".0%"}),
                "tooltip": [enc("label:N"), enc("share:Q", format=".1%")]}}
    promised = {"data": {"values": [{"p": model["nominal_coverage80"]}]},
                "mark": {"type": "rule", "color": RED, "strokeWidth": 2},
                "encoding": {"x": enc("p:Q"), "tooltip": [enc(
                    "p:Q", title=t("method.coverage.promised", lang), format=".1%")]}}
    return Chart(data, {"spacing": 48, "hconcat": [
        {"width": 300, "height": 260, "layer": [diagonal, points],
         "title": t("method.calibration", lang)},
        {"width": 260, "height": 120, "layer": [bars, promised],
         "title": t("method.coverage", lang)}]})


def coverage_curve(curve: pd.DataFrame, lang: str) -> Chart:
    """Population covered (``covered``) against the number of new mediators (``n``)."""
    return Chart(curve, {"mark": {"type": "line", "point": True, "color": RED}, "height": 260,
                         "encoding": {
        "x": enc("n:Q", title=t("planner.col.n", lang),
                 axis={"tickMinStep": 1, "format": "d"}),      # whole mediators only
        # whole people with the language's thousands separator (config.locale, draw)
        "y": enc("covered:Q", title=t("planner.col.covered", lang), axis={"format": ",.0f"},
                 scale={"zero": False}),
        "tooltip": [enc("n:Q", title=t("planner.col.n", lang)),
                    enc("covered:Q", title=t("planner.col.covered", lang), format=",.0f")]}})


def with_rules(chart: Chart, days: list, labels: list[str]) -> Chart:
    """``chart`` with a dashed vertical rule on each of ``days`` (their ``labels`` as
    tooltips), e.g. the election rounds of the period."""
    if not days:
        return chart
    rules = {"data": {"values": [{"day": pd.Timestamp(d).strftime("%Y-%m-%d"), "label": text}
                                 for d, text in zip(days, labels)]},
             "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#333333"},
             "encoding": {"x": enc("day:T"), "tooltip": [enc("label:N")]}}
    top = {k: v for k, v in chart.spec.items() if k in ("height", "width")}
    layer = {k: v for k, v in chart.spec.items() if k not in ("height", "width")}
    return Chart(chart.data, {**top, "layer": [layer, rules]})
