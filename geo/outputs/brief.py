"""The leadership brief: the current view (as-of date, window, preset, weights) in one
document — cover, maps of risk classes, coverage gaps and reports, the top ten cercles with
their change since the previous period, coverage gaps, trends, planned actions and a saved
scenario, the method on one page and the sources with their licences.

One Jinja2 template (``geo/templates/brief.html.j2``) renders both the self-contained HTML
(images inlined as ``data:`` URIs) and the PDF (WeasyPrint: A4, page numbers, the
demonstration warning on every page when demo records are in the store). Maps are drawn
offline (:mod:`geo.outputs.static_maps`) from the app's own layer definitions. Mediators appear only
as published (:mod:`geo.analysis.disclosure`); no name, phone or e-mail enters the brief.

    python -m geo.outputs.brief --as-of 2018-08-31 --lang fr -o brief.pdf
    python -m geo.outputs.brief --format html --lang en --view "preset=tensions_first&win=180" -o b.html
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from geo.records import actions, context, store
from geo.analysis import backtest as evaluation_of
from geo.analysis import coverage, disclosure, indicators, risk
from geo.reference import provenance
from geo import reference
from geo.plans import scenarios
from geo.outputs import static_maps
from geo.analysis.indicators import DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS
from geo.analysis.table import cercle_indicators
from geo.analysis.view import Analysis
from geo.i18n import format_date, format_number, format_significant, t
from geo.ingest.formats import attribution
from geo.outputs.layers import LAYERS
from geo.outputs.maps import SOURCE_TEXT

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FORMATS = ("pdf", "html")
TOP = 10


@dataclass
class Brief:
    """What the template renders (``context``) and the figures tests read."""

    context: dict
    top: list[str]              # the top-ten cercle ids, in order
    as_of: date
    demo: bool


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _view(engine: Engine, view: Analysis | None, min_count: int | None):
    records, ratings = store.load_all(engine), context.ratings(engine)
    records["tensions"] = disclosure.published_reports(records["tensions"])
    as_of = (view.as_of if view and view.as_of else None) or indicators.default_as_of(records)
    window = view.window_days if view else DEFAULT_WINDOW_DAYS
    uw = view.unverified_weight if view else DEFAULT_UNVERIFIED_WEIGHT
    table = cercle_indicators(records, ratings, as_of, window, uw, min_count)
    if view is None:
        view = Analysis.default(risk.method_for(table))
    return records, ratings, view.replace(as_of=as_of), table


def build(engine: Engine, view: Analysis | None = None, lang: str = "fr",
          scenario_id: int | None = None, min_count: int | None = None,
          now: datetime | None = None, backtest: bool = True) -> Brief:
    """Everything the brief shows, for ``view`` (default: the default view at the latest
    record date)."""
    records, ratings, view, table = _view(engine, view, min_count)
    as_of, window = view.as_of, view.window_days
    scores = risk.score(table, view.method)
    order = [r["cercle_id"] for r in risk.scores_records(scores)]   # as python -m geo.analysis.risk
    prev_table = cercle_indicators(records, ratings, as_of - timedelta(days=window), window,
                                   view.unverified_weight, min_count)
    prev = risk.score(prev_table, view.method)
    names = table["cercle_fr"]
    fmt = lambda v, d=2: format_significant(v, lang, d) if pd.notna(v) else "—"  # noqa: E731

    top = []
    for cid in order[:TOP]:
        dims = scores.dimensions.loc[cid]
        was_rank = prev.rank.get(cid)
        top.append({
            "rank": int(scores.rank[cid]), "name": names[cid], "region": table.at[cid, "region_fr"],
            "score": fmt(scores.score[cid]), "class": t(f"risk.class.{scores.risk_class[cid]}", lang)
            if scores.risk_class[cid] else "—",
            "rank_change": _change(was_rank, scores.rank[cid], lang, rank=True),
            "score_change": _change(prev.score.get(cid), scores.score[cid], lang),
            "dims": [fmt(dims.get(d)) for d in risk.DIMENSIONS],
            "forecast": _forecast_text(table.loc[cid], lang)})
    under = table.index[table["under_observed"].fillna(False).to_numpy(dtype=bool)]
    under_observed = ", ".join(sorted(names[c] for c in under))

    # coverage gaps, as published (hidden small counts stay hidden)
    result = coverage.compute(records, reference.load(), as_of=as_of, threshold=min_count)
    gaps = coverage.gap_table(scores, result)
    communes = coverage.commune_table(result, lang)
    priority = gaps.cercles[gaps.cercles["gap_class"] == "priority"].sort_values("gap_rank")
    gap_rows = []
    for cid, row in priority.iterrows():
        without = communes[(communes["cercle_id"] == cid) & ~communes["has_mediator"]]
        gap_rows.append({"name": names[cid], "region": table.at[cid, "region_fr"],
                         "score": fmt(row["risk_score"]),
                         "mediators": disclosure.count_text(row["mediators"],
                                                            row["mediators_hidden"], lang),
                         "without": ", ".join(sorted(without["commune_fr"])) or "—"})

    # reports of the period: map and monthly trend by category
    reports = indicators.counted_reports(records["tensions"])
    start = as_of - timedelta(days=window)
    period = reports[(reports["occurred_on"] > start) & (reports["occurred_on"] <= as_of)] \
        if reports is not None and len(reports) else pd.DataFrame(
            columns=["occurred_on", "category", "severity"])
    credits = sorted({a for a in period.get("source_type", pd.Series(dtype=object))
                      .map(attribution).dropna()}) if len(period) else []
    source = t("map.legend_source", lang, source=" · ".join([SOURCE_TEXT, *credits]))
    months = pd.DataFrame()
    if len(period):
        months = pd.crosstab(pd.to_datetime(period["occurred_on"]).dt.strftime("%Y-%m"),
                             period["category"])
    words = coverage.gap_words(coverage.DEFAULT_RISK_LEVEL, lang)
    maps = {
        "risk": _png_uri(static_maps.choropleth_png(scores.score, LAYERS["risk_score"], lang,
                                                    source=source,
                                                    under_observed=table["under_observed"])),
        "gaps": _png_uri(static_maps.choropleth_png(gaps.cercles["gap_code"],
                                                    LAYERS["gap_class"], lang,
                                                    class_words=words, source=source,
                                                    under_observed=table["under_observed"])),
        "reports": _png_uri(static_maps.points_png(indicators.tension_points(period), lang,
                                                   t("brief.reports_map", lang,
                                                     n=format_number(len(period), lang)),
                                                   source=source)),
        "trend": _png_uri(static_maps.bars_png(months, lang, t("brief.trend_title", lang)))
        if len(months) else None}
    trend_rows = [{"month": m, "total": format_number(int(r.sum()), lang),
                   "cells": [format_number(int(r.get(c, 0)), lang) for c in months.columns]}
                  for m, r in months.iterrows()]

    # alerts: cercles above their own baseline (geo.analysis.monitor)
    from geo.analysis import monitor

    alert_rows = [{"name": names.get(r.cercle_id), "region": table.at[r.cercle_id, "region_fr"],
                   "days": r.window_days, "observed": format_number(r.observed, lang),
                   "baseline": format_number(r.baseline, lang), "expected": fmt(r.expected),
                   "ratio": fmt(r.ratio)}
                  for r in monitor.alerts(records["tensions"], as_of).itertuples()]

    # the register and a saved scenario
    planned = actions.listing(engine)
    planned = planned[planned["status"].isin(["planned", "under_way"])
                      | (planned["planned_on"] > start)] if len(planned) else planned
    commune_names = reference.load().communes["commune_fr"]
    action_rows = [{"date": format_date(r.planned_on, lang), "cercle": names.get(r.cercle_id),
                    "kind": actions.what(r, lang, commune_names),
                    "unit": t(f"actions.unit.{r.unit}", lang),
                    "status": t(f"actions.status.{r.status}", lang), "outcome": r.outcome or ""}
                   for r in planned.itertuples()]
    scenario = _scenario(engine, scenario_id, lang) if scenario_id else None

    # method: formula, weights, back-test
    factors = context.factors(engine)
    weights = [{"dimension": t(f"risk.dim.{i.dimension}", lang),
                "indicator": context.indicator_label(i.column, lang, factors),
                "weight": format_significant(i.weight, lang, 2)}
               for i in view.method.indicators if i.weight]
    evaluation = None
    if backtest and reports is not None and len(reports):
        ev = evaluation_of.forecast_evaluation(records)
        head = evaluation_of.headline(ev)
        if head:
            evaluation = {
                "text": t("brief.eval_text", lang, dates=head["origins"],
                          horizon=ev["horizon_days"], wins=head["wins"],
                          worst=fmt(head["worst"]),
                          coverage=format_number(100 * head["coverage"], lang)),
                "verdict": t("brief.eval_beats" if head["beats"] and head["guard_ok"]
                             else "brief.eval_loses", lang),
                "rows": [{"method": t(f"brief.eval.{m}", lang),
                          "deviance": fmt(ev["methods"][m]["deviance"], 3),
                          "spearman": fmt(ev["methods"][m]["spearman_active"]),
                          "top10": fmt(ev["methods"][m]["top10_hits"])}
                         for m in ("model", "decayed", "persistence")]}
    since = table.attrs.get("provisional_since")
    provisional = t("brief.provisional", lang, since=format_date(since, lang),
                    lag=table.attrs["reporting_lag"]) if since else None
    demo = store.demo_in_use(engine)
    now = now or datetime.now(timezone.utc)
    ctx = {
        "lang": lang, "t": lambda key, **kw: t(key, lang, **kw), "demo": demo,
        "as_of": format_date(as_of, lang), "start": format_date(start + timedelta(days=1), lang),
        "window": window, "preset": t(f"risk.preset.{view.preset}", lang),
        "aggregation": t(f"risk.agg.{view.method.aggregation}", lang),
        "normalisation": t(f"risk.norm.{view.method.normalisation}", lang),
        "dimension_weights": [(t(f"risk.dim.{d}", lang), format_significant(
            view.method.dimension_weights.get(d, 1.0), lang, 2)) for d in risk.DIMENSIONS],
        "query": "&".join(f"{k}={v}" for k, v in view.to_query().items()),
        "generated": format_date(now, lang, time=True) + " UTC",
        "maps": maps, "top": top, "dims": [t(f"risk.dim.{d}", lang) for d in risk.DIMENSIONS],
        "gaps": gap_rows, "trend": trend_rows,
        "categories": [_category(c, lang) for c in months.columns],
        "reports": format_number(len(period), lang), "actions": action_rows,
        "alerts": alert_rows, "under_observed": under_observed, "provisional": provisional,
        "scenario": scenario, "weights": weights, "evaluation": evaluation,
        "sources": [{"name": t(f"dataset.{d.key}", lang),
                     "source": d.source, "licence": d.licence, "version": d.version}
                    for d in provenance.DATASETS],
        "credits": credits,
    }
    return Brief(ctx, order[:TOP], as_of, demo)


def _forecast_text(row: pd.Series, lang: str) -> str:
    """A cercle's forecast as the brief writes it: the expected reports and the 80 %
    interval, "4,2 [1–8]" ("—" without a forecast)."""
    if pd.isna(row.get("forecast_reports")):
        return "—"
    return (f"{format_number(row['forecast_reports'], lang, 1)} "
            f"[{format_number(row['forecast_low80'], lang)}–"
            f"{format_number(row['forecast_high80'], lang)}]")


def _category(code, lang):
    from geo.records.fields import enum_label

    return enum_label("tensions", "category", code, lang)


def _change(before, after, lang, rank: bool = False) -> str:
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return t("brief.new", lang) if rank else "—"
    delta = (before - after) if rank else (after - before)     # up the ranking = positive
    if abs(delta) < (1 if rank else 0.005):
        return "="
    text = format_number(abs(delta), lang, 0 if rank else 2)
    return ("+" if delta > 0 else "−") + text


def _scenario(engine, scenario_id, lang):
    """A saved plan (mediators, workshops or both) as the brief shows it: the same whole
    people as the screen and the exports."""
    saved = scenarios.load(engine, scenario_id)
    if saved is None:
        return None
    result = saved.result
    out = {"name": saved.name, "by": saved.created_by,
           "at": format_date(saved.created_at, lang, time=True),
           "kind": t(f"planner.kind.{saved.kind}", lang), "rows": [], "summary": "",
           "header": [t("planner.col.order", lang), t("brief.scenario_site", lang),
                      t("brief.scenario_gain", lang)]}
    ref = reference.load()
    parts = []
    if result.mediators is not None:
        med = result.mediators
        out["rows"] += [[str(r.order), t("brief.scenario_mediator", lang,
                                         commune=ref.communes.at[r.commune_id, "commune_fr"],
                                         cercle=ref.cercles.at[r.cercle_id, "cercle_fr"]),
                         format_number(r.covered_population_gain, lang)]
                        for r in med.sites.itertuples()]
        parts.append(t("brief.scenario_med", lang, new=len(med.sites),
                       radius=format_number(med.radius_km, lang),
                       before=format_number(med.covered_before, lang),
                       after=format_number(med.covered_after, lang)))
    if result.workshops is not None:
        ws = result.workshops
        out["rows"] += [[str(r.order), t("brief.scenario_workshop", lang,
                                         cercle=ref.cercles.at[r.cercle_id, "cercle_fr"]),
                         format_number(r.weight, lang)] for r in ws.cercles.itertuples()]
        parts.append(t("brief.scenario_ws", lang, k=len(ws.cercles)))
    out["summary"] = " ".join(parts)
    return out


def render_html(brief: Brief) -> str:
    """The self-contained HTML (also what WeasyPrint lays out)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("brief.html.j2").render(**brief.context)


def render_pdf(brief: Brief) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(brief), base_url=str(TEMPLATE_DIR)).write_pdf()


def render(brief: Brief, fmt: str = "pdf") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    return render_pdf(brief) if fmt == "pdf" else render_html(brief).encode("utf-8")
