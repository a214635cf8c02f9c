"""Altair charts of the risk screens (Streamlit renders Vega-Lite from its own bundle, so
they work offline). Labels come from :func:`geo.i18n.t`; dates and numbers are written in
formats that read the same in French and English. Altair is imported by each chart, when
drawn: ~23 MB that the screens without a chart (the Overview) do not load (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geo.i18n import t

if TYPE_CHECKING:
    import altair as alt

RED, GREY, DARK = "#bd0026", "#9e9e9e", "#4a4a4a"


def contribution_bars(ex: pd.DataFrame, lang: str) -> alt.Chart:
    """Points of the score brought by each dimension: the cercle against the national median
    (``ex`` from :func:`geo.risk.explain`)."""
    import altair as alt

    this, median = t("risk.chart.this", lang), t("risk.col.median", lang)
    by_dim = ex.groupby("dimension", sort=False)[["contribution", "contribution_median"]] \
        .sum().reset_index()
    bars = pd.concat([
        pd.DataFrame({"dim": [t(f"risk.dim.{d}", lang) for d in by_dim["dimension"]],
                      "who": who, "points": by_dim[col]})
        for who, col in ((this, "contribution"), (median, "contribution_median"))])
    return alt.Chart(bars).mark_bar().encode(
        y=alt.Y("dim:N", title=None, sort=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=120)),
        yOffset=alt.YOffset("who:N", sort=[this, median]),
        x=alt.X("points:Q", title=t("risk.chart.points", lang)),
        color=alt.Color("who:N", title=None, sort=[this, median],
                        scale=alt.Scale(range=[RED, GREY]), legend=alt.Legend(orient="bottom")),
        tooltip=["dim:N", "who:N", alt.Tooltip("points:Q", format=".2f")],
    ).properties(height=220)


def rank_intervals(summary: pd.DataFrame, names: pd.Series, stable: list[str], lang: str,
                   shown: int = 25) -> alt.Chart:
    """Median rank and 90 % rank interval of the ``shown`` best cercles (``summary`` from
    :meth:`geo.robustness.Sensitivity.summary`), the stable top ones in red."""
    import altair as alt

    yes, no = t("risk.sens.yes", lang), t("risk.sens.no", lang)
    data = summary.dropna().sort_values("median_rank").head(shown).assign(
        cercle=lambda d: names.reindex(d.index).values,
        stable=lambda d: [yes if c in stable else no for c in d.index])
    data["order"] = range(len(data))
    y = alt.Y("cercle:N", sort=alt.EncodingSortField("order", order="ascending"), title=None,
              axis=alt.Axis(labelOverlap=False))
    bars = alt.Chart(data).mark_rule(strokeWidth=3, color=GREY).encode(
        y=y, x=alt.X("rank_p05:Q", title=t("risk.sens.axis", lang),
                     scale=alt.Scale(domain=[1, len(summary)])),
        x2="rank_p95:Q")
    points = alt.Chart(data).mark_point(filled=True, size=70).encode(
        y=y, x="median_rank:Q",
        color=alt.Color("stable:N", title=t("risk.sens.legend", lang),
                        scale=alt.Scale(domain=[yes, no], range=[RED, DARK])),
        tooltip=[alt.Tooltip("cercle:N", title=t("field.cercle", lang)),
                 alt.Tooltip("median_rank:Q", title=t("risk.sens.median", lang)),
                 alt.Tooltip("rank_p05:Q", title="P5"), alt.Tooltip("rank_p95:Q", title="P95"),
                 alt.Tooltip("top_share:Q", title=t("risk.sens.top_share", lang),
                             format=".0%")])
    return (bars + points).properties(height=24 * len(data) + 40)


def backtest_lines(bt: pd.DataFrame, lang: str) -> alt.Chart:
    """Spearman correlation per date: the score against the persistence baseline (``bt``
    from :func:`geo.robustness.backtest`)."""
    import altair as alt

    series = {"spearman_score": t("method.series.score", lang),
              "spearman_persistence": t("method.series.persistence", lang)}
    long = bt.melt(id_vars="as_of", value_vars=list(series), var_name="series",
                   value_name="rho").assign(series=lambda d: d["series"].map(series))
    long["as_of"] = pd.to_datetime(long["as_of"])
    return alt.Chart(long).mark_line(point=True).encode(
        # numeric dates: Vega's month names would be English on the French screen
        x=alt.X("as_of:T", title=t("method.col.as_of", lang), axis=alt.Axis(format="%m/%Y")),
        y=alt.Y("rho:Q", title=t("method.col.spearman", lang), scale=alt.Scale(domain=[-1, 1])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[RED, "#636363"])),
        tooltip=[alt.Tooltip("as_of:T", format="%d/%m/%Y"), "series:N",
                 alt.Tooltip("rho:Q", format=".2f")],
    ).properties(height=300)


def forecast_lines(ev: dict, lang: str) -> alt.Chart:
    """Spearman correlation per date of the forecast, persistence, the decayed count and the
    default score (``ev`` from :func:`geo.forecast.evaluate`)."""
    import altair as alt

    series = {"forecast": t("method.series.forecast", lang),
              "persistence": t("method.series.persistence", lang),
              "decayed": t("method.series.decayed", lang),
              "score": t("method.series.score_preset", lang,
                         preset=t("risk.preset.default", lang))}
    long = pd.DataFrame([
        {"as_of": row["as_of"], "series": series[k],
         "rho": (row["score"].get("default", {}) if k == "score" else row[k]).get("spearman")}
        for row in ev["per_date"] for k in series])
    long["as_of"] = pd.to_datetime(long["as_of"])
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("as_of:T", title=t("method.col.as_of", lang), axis=alt.Axis(format="%m/%Y")),
        y=alt.Y("rho:Q", title=t("method.col.spearman", lang), scale=alt.Scale(domain=[-1, 1])),
        color=alt.Color("series:N", title=None, sort=list(series.values()),
                        scale=alt.Scale(range=[RED, "#636363", "#9e9ac8", "#3182bd"])),
        tooltip=[alt.Tooltip("as_of:T", format="%d/%m/%Y"), "series:N",
                 alt.Tooltip("rho:Q", format=".2f")],
    ).properties(height=300)


def coverage_curve(curve: pd.DataFrame, lang: str) -> alt.Chart:
    """Population covered (``covered``) against the number of new mediators (``n``)."""
    import altair as alt

    return alt.Chart(curve).mark_line(point=True, color=RED).encode(
        x=alt.X("n:Q", title=t("planner.col.n", lang)),
        # SI prefixes (15M): Vega's thousands separator would be English on the French screen
        y=alt.Y("covered:Q", title=t("planner.col.covered", lang),
                axis=alt.Axis(format="~s"), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("n:Q", title=t("planner.col.n", lang)),
                 alt.Tooltip("covered:Q", title=t("planner.col.covered", lang), format=".0f")],
    ).properties(height=260)
