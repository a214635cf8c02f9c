"""The leadership brief: a two-minute read for the head of mission. Page 1 carries the key
messages, computed from the data (:func:`key_messages`: what changed since the previous period
and where, the cercles to watch, the priority coverage gaps, the triggers in force and the
responses under way, the deployments proposed), each with its figure and the map or table it
refers to; then the chosen sections (maps of risk classes, coverage gaps and reports, the top
ten cercles, trends, alerts, the register, the chosen scenarios); the view's parameters, the
method and the sources with their licences in an annex.

The user chooses the period (the view's as-of date and window), a cercle or region of focus
(the brief leads with it), the scenarios and the sections (:data:`SECTIONS`), in the app and
on the command line alike.

One Jinja2 template (``geo/templates/brief.html.j2``) renders both the self-contained HTML
(images inlined as ``data:`` URIs) and the PDF (WeasyPrint: A4, page numbers, the
demonstration warning on every page when demo records are in the store). Maps are drawn
offline (:mod:`geo.outputs.static_maps`) from the app's own layer definitions. Mediators appear only
as published (:mod:`geo.analysis.disclosure`); no name, phone or e-mail enters the brief.

    python -m geo brief --as-of 2018-08-31 --lang fr -o brief.pdf
    python -m geo brief --format html --lang en --window 180 --focus mli-bankass -o b.html
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from markupsafe import Markup
from sqlalchemy.engine import Engine

from geo.records import actions, context, store
from geo.records import triggers as trigger_records
from geo.analysis import backtest as evaluation_of
from geo.analysis import counts, coverage, disclosure, indicators, risk
from geo.analysis import triggers as trigger_rules
from geo.reference import provenance
from geo import reference
from geo.plans import scenarios
from geo.outputs import static_maps
from geo.outputs.escape import for_html
from geo.analysis.indicators import DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS
from geo.analysis.table import cercle_indicators
from geo.analysis.view import Analysis
from geo.i18n import format_date, format_number, format_significant, t
from geo.ingest.formats import attribution
from geo.outputs.layers import LAYERS
from geo.outputs.maps import SOURCE_TEXT
from geo.analysis import monitor
from geo.records.fields import enum_label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FORMATS = ("pdf", "html")
TOP = 10
#: The sections a user may leave out (page 1's key messages and the annex always come).
SECTIONS = ("risk", "gaps", "reports", "alerts", "actions", "scenarios", "evaluation")
#: The default content (≤ 6 pages, ≤ 8 s): the forecast's rolling evaluation (seconds of
#: back-test) only on request.
DEFAULT_SECTIONS = tuple(s for s in SECTIONS if s != "evaluation")
#: At most this many key messages on page 1.
MAX_MESSAGES = 5
#: Cercles named "to watch" besides the highest-risk one: new in the top ten, or up this
#: many ranks or more since the previous period.
WATCH_RISE = 3
WATCH_SHOWN = 3
GAPS_SHOWN = 4


@dataclass
class Brief:
    """What the template renders (``context``) and the figures tests read."""

    context: dict
    top: list[str]              # the top-ten cercle ids, in order
    as_of: date
    demo: bool
    messages: list[dict] = field(default_factory=list)   # page 1: {"text", "ref"}


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _view(engine: Engine, view: Analysis | None, min_count: int | None, tables=None):
    records, ratings = store.load_all(engine), context.ratings(engine)
    records["tensions"] = disclosure.published_reports(records["tensions"])
    as_of = (view.as_of if view and view.as_of else None) or indicators.default_as_of(records)
    window = view.window_days if view else DEFAULT_WINDOW_DAYS
    uw = view.unverified_weight if view else DEFAULT_UNVERIFIED_WEIGHT
    table = tables[0] if tables else cercle_indicators(records, ratings, as_of, window, uw,
                                                       min_count)
    if view is None:
        view = Analysis.default(risk.method_for(table))
    return records, ratings, view.replace(as_of=as_of), table


def _cell(value) -> str:
    """A stored text as a table cell: empty for a missing value (None, or pandas' NaN)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def build(engine: Engine, view: Analysis | None = None, lang: str = "fr",
          scenarios_chosen: tuple[int, ...] | list[int] = (), min_count: int | None = None,
          now: datetime | None = None, backtest: bool = True, focus: str | None = None,
          sections: tuple[str, ...] | list[str] | None = None, progress=None,
          tables: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Brief:
    """Everything the brief shows, for ``view`` (default: the default view at the latest
    record date): the key messages, then ``sections`` (default: :data:`DEFAULT_SECTIONS`),
    with ``scenarios_chosen`` (saved scenario ids) and ``focus`` (a cercle or region code, the
    brief leads with it). ``progress(fraction, step)`` is told how far it got (0–1).
    ``tables``: the indicator tables of the view and of the previous period, when the caller
    has them (the app's cache)."""
    step = progress or (lambda _f, _s: None)
    sections = tuple(DEFAULT_SECTIONS if sections is None
                     else [s for s in SECTIONS if s in sections])
    step(0.05, "data")
    records, ratings, view, table = _view(engine, view, min_count, tables)
    as_of, window = view.as_of, view.window_days
    scores = risk.score(table, view.method)
    order = [r["cercle_id"] for r in risk.scores_records(scores)]   # as python -m geo.analysis.risk
    prev_as_of = as_of - timedelta(days=window)
    prev_table = tables[1] if tables else cercle_indicators(
        records, ratings, prev_as_of, window, view.unverified_weight, min_count)
    prev = risk.score(prev_table, view.method)
    names = table["cercle_fr"]
    ref = reference.load()
    region_names = ref.regions.set_index("region_id")["region_fr"]
    focus_kind = ("cercle" if focus in names.index else
                  "region" if focus in region_names.index else None) if focus else None
    focus_cercles = ({focus} if focus_kind == "cercle" else
                     set(table.index[table["region_id"] == focus]) if focus_kind == "region"
                     else set())
    fmt = lambda v, d=2: format_significant(v, lang, d) if pd.notna(v) else "—"  # noqa: E731

    shown = order[:TOP] + [c for c in order if c in focus_cercles and c not in order[:TOP]
                           and focus_kind == "cercle"]
    top = []
    for cid in shown:
        dims = scores.dimensions.loc[cid]
        was_rank = prev.rank.get(cid)
        top.append({
            "rank": int(scores.rank[cid]), "name": names[cid], "region": table.at[cid, "region_fr"],
            "score": fmt(scores.score[cid]), "class": t(f"risk.class.{scores.risk_class[cid]}", lang)
            if scores.risk_class[cid] else "—", "focus": cid in focus_cercles,
            "rank_change": _change(was_rank, scores.rank[cid], lang, rank=True),
            "score_change": _change(prev.score.get(cid), scores.score[cid], lang),
            "dims": [fmt(dims.get(d)) for d in risk.DIMENSIONS],
            "forecast": _forecast_text(table.loc[cid], lang)})
    under = table.index[table["under_observed"].fillna(False).to_numpy(dtype=bool)]
    under_observed = ", ".join(sorted(names[c] for c in under))

    # coverage gaps, as published (hidden small counts stay hidden)
    step(0.25, "coverage")
    result = coverage.compute(records, reference.load(), as_of=as_of, threshold=min_count)
    gaps = coverage.gap_table(scores, result)
    communes = coverage.commune_table(result, lang)
    priority = gaps.cercles[gaps.cercles["gap_class"] == "priority"].sort_values("gap_rank")
    gap_rows = []
    for cid, row in priority.iterrows():
        without = communes[(communes["cercle_id"] == cid) & ~communes["has_mediator"]]
        gap_rows.append({"name": names[cid], "region": table.at[cid, "region_fr"],
                         "score": fmt(row["risk_score"]), "focus": cid in focus_cercles,
                         "mediators": disclosure.count_text(row["mediators"],
                                                            row["mediators_hidden"], lang),
                         "without": ", ".join(sorted(without["commune_fr"])) or "—"})

    # the reports of the period, as every output counts them (geo.analysis.counts)
    step(0.35, "reports")
    now_period = counts.period_reports(records["tensions"], as_of, window)
    prev_period = counts.period_reports(records["tensions"], prev_as_of, window)
    period = now_period.reports
    credits = sorted({a for a in period.get("source_type", pd.Series(dtype=object))
                      .map(attribution).dropna()}) if len(period) else []
    source = t("map.legend_source", lang, source=" · ".join([SOURCE_TEXT, *credits]))
    months = pd.DataFrame()
    if len(period):
        months = pd.crosstab(pd.to_datetime(period["occurred_on"]).dt.strftime("%Y-%m"),
                             period["category"])
    words = coverage.gap_words(coverage.DEFAULT_RISK_LEVEL, lang)
    maps = {}
    if "risk" in sections:
        maps["risk"] = _png_uri(static_maps.choropleth_png(
            scores.score, LAYERS["risk_score"], lang, source=source,
            under_observed=table["under_observed"]))
    if "gaps" in sections:
        maps["gaps"] = _png_uri(static_maps.choropleth_png(
            gaps.cercles["gap_code"], LAYERS["gap_class"], lang, class_words=words,
            source=source, under_observed=table["under_observed"]))
    step(0.5, "maps")
    if "reports" in sections:
        maps["reports"] = _png_uri(static_maps.points_png(
            indicators.tension_points(period), lang,
            t("brief.reports_map", lang, n=format_number(len(period), lang)), source=source))
        maps["trend"] = _png_uri(static_maps.bars_png(months, lang, t("brief.trend_title", lang))) \
            if len(months) else None
    trend_rows = [{"month": m, "total": format_number(int(r.sum()), lang),
                   "cells": [format_number(int(r.get(c, 0)), lang) for c in months.columns]}
                  for m, r in months.iterrows()]

    # alerts: cercles above their own baseline (geo.analysis.monitor)
    alert_rows = [{"name": names.get(r.cercle_id), "region": table.at[r.cercle_id, "region_fr"],
                   "days": r.window_days, "observed": format_number(r.observed, lang),
                   "baseline": format_number(r.baseline, lang), "expected": fmt(r.expected),
                   "ratio": fmt(r.ratio)}
                  for r in monitor.alerts(records["tensions"], as_of).itertuples()] \
        if "alerts" in sections else []

    # the register, the triggers in force and the chosen scenarios
    step(0.6, "register")
    start = as_of - timedelta(days=window)
    register = actions.listing(engine)
    planned = register[register["status"].isin(["planned", "under_way"])
                       | (register["planned_on"] > start)] if len(register) else register
    commune_names = ref.communes["commune_fr"]
    action_rows = [{"date": format_date(r.planned_on, lang),
                    "cercle": _cell(names.get(r.cercle_id)),
                    "kind": actions.what(r, lang, commune_names),
                    "unit": t(f"actions.unit.{r.unit}", lang),
                    "status": t(f"actions.status.{r.status}", lang), "outcome": _cell(r.outcome)}
                   for r in planned.itertuples()]
    fired = _fired(engine, records["tensions"], table, as_of, register)
    chosen = [sc for sc in (_scenario(engine, sid, lang) for sid in scenarios_chosen)
              if sc is not None]

    # method: formula, weights, back-test
    step(0.7, "method")
    factors = context.factors(engine)
    weights = [{"dimension": t(f"risk.dim.{i.dimension}", lang),
                "indicator": context.indicator_label(i.column, lang, factors),
                "weight": format_significant(i.weight, lang, 2)}
               for i in view.method.indicators if i.weight]
    evaluation = None
    reports = indicators.counted_reports(records["tensions"])
    if backtest and "evaluation" in sections and reports is not None and len(reports):
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

    step(0.8, "messages")
    numbers = _numbers(sections, bool(chosen))
    refs = {k: t(f"brief.ref.{'map' if k in ('risk', 'gaps', 'reports') else 'table'}", lang,
                 n=n) for k, n in numbers.items()}
    facts = Facts(
        now=now_period, prev=prev_period, names=names, regions=table["region_id"],
        region_names=region_names, order=order, score=scores.score,
        risk_class=scores.risk_class, prev_rank=prev.rank,
        priority=list(priority.index), fired=fired,
        planned=int((register["status"] == "planned").sum()) if len(register) else 0,
        under_way=int((register["status"] == "under_way").sum()) if len(register) else 0,
        scenarios=chosen, focus=focus if focus_kind else None, focus_kind=focus_kind,
        refs=refs)
    messages = key_messages(facts, lang)
    for m in messages:
        m["html"] = _message_html(m)

    demo = store.demo_in_use(engine)
    now = now or datetime.now(timezone.utc)
    ctx = {
        "lang": lang, "t": lambda key, **kw: t(key, lang, **kw), "demo": demo,
        "as_of": format_date(as_of, lang),
        "start": format_date(now_period.start, lang),
        "window": window, "preset": t(f"risk.preset.{view.preset}", lang),
        "aggregation": t(f"risk.agg.{view.method.aggregation}", lang),
        "normalisation": t(f"risk.norm.{view.method.normalisation}", lang),
        "dimension_weights": [(t(f"risk.dim.{d}", lang), format_significant(
            view.method.dimension_weights.get(d, 1.0), lang, 2)) for d in risk.DIMENSIONS],
        "query": "&".join(f"{k}={v}" for k, v in view.to_query().items()),
        "generated": format_date(now, lang, time=True) + " UTC",
        "messages": messages, "sections": sections, "numbers": numbers,
        "focus": (names[focus] if focus_kind == "cercle" else region_names[focus])
        if focus_kind else None,
        "maps": maps, "top": top, "dims": [t(f"risk.dim.{d}", lang) for d in risk.DIMENSIONS],
        "gaps": gap_rows, "trend": trend_rows,
        "categories": [_category(c, lang) for c in months.columns],
        "reports": counts.count_text(now_period, lang), "n_reports": now_period.total,
        "actions": action_rows,
        "alerts": alert_rows, "under_observed": under_observed, "provisional": provisional,
        "scenarios": chosen, "weights": weights, "evaluation": evaluation,
        "sources": [{"name": t(f"dataset.{d.key}", lang),
                     "source": d.source, "licence": d.licence, "version": d.version}
                    for d in provenance.DATASETS],
        "credits": credits,
    }
    step(0.85, "layout")
    return Brief(ctx, order[:TOP], as_of, demo, messages)


# --------------------------------------------------------------------------- key messages

@dataclass
class Facts:
    """What the key messages are computed from (frames in; :func:`key_messages`)."""

    now: counts.PeriodReports
    prev: counts.PeriodReports        # the period of the same length just before
    names: pd.Series                  # cercle_id → name
    regions: pd.Series                # cercle_id → region_id
    region_names: pd.Series           # region_id → name
    order: list[str]                  # cercle ids, highest risk first
    score: pd.Series
    risk_class: pd.Series
    prev_rank: pd.Series              # the previous period's ranks
    priority: list[str]               # cercles with a priority coverage gap, in gap order
    fired: list[tuple[str, str, bool]]   # (trigger name, cercle_id, answered) in force
    planned: int                      # the register's planned actions
    under_way: int                    # … and those under way
    scenarios: list[dict]             # the chosen scenarios (as :func:`_scenario`)
    focus: str | None = None
    focus_kind: str | None = None     # "cercle" or "region"
    refs: dict = field(default_factory=dict)   # section → its reference ("map 1")


def _signed(n: float, lang: str) -> str:
    return ("+" if n > 0 else "−" if n < 0 else "±") + format_number(abs(n), lang)


def _names(ids, names: pd.Series, shown: int, lang: str) -> str:
    ids = list(ids)
    text = ", ".join(str(names.get(c, c)) for c in ids[:shown])
    if len(ids) > shown:
        text += t("brief.msg.more", lang, n=format_number(len(ids) - shown, lang))
    return text


def key_messages(f: Facts, lang: str) -> list[dict]:
    """Page 1: 3 to :data:`MAX_MESSAGES` messages, each ``{"text", "figure", "ref"}`` (the
    figure is part of the text; ``ref`` the section it points to, or None):

    1. the focus, when chosen: its rank, score and reports against the previous period;
    2. what changed: the period's reports against the previous period of the same length
       (:mod:`geo.analysis.counts`), and the cercle with the largest rise;
    3. the cercles to watch: the highest-risk cercle by name, then those new in the top ten
       or up :data:`WATCH_RISE` ranks or more;
    4. the priority coverage gaps;
    5. the triggers in force and how many have a response in the register, the register's
       actions planned and under way; and the deployments proposed (the chosen scenarios),
       joined to it when there would be more than :data:`MAX_MESSAGES`.
    """
    out = []
    now_by, prev_by = f.now.by_cercle(), f.prev.by_cercle()
    change = now_by.sub(prev_by, fill_value=0)
    ranks = {c: i + 1 for i, c in enumerate(f.order)}

    def cls(c):
        word = t(f"risk.class.{f.risk_class[c]}", lang) if f.risk_class.get(c) else "—"
        return word[:1].lower() + word[1:]          # inside a sentence

    if f.focus_kind == "cercle":
        c = f.focus
        out.append({"ref": f.refs.get("risk"), "figure": f"{ranks[c]} / {len(f.order)}",
                    "text": t("brief.msg.focus_cercle", lang, name=f.names[c],
                              rank=ranks[c], n=len(f.order),
                              score=format_significant(f.score[c], lang, 2), cls=cls(c),
                              reports=counts.cercle_text(f.now, c, lang),
                              change=_signed(int(change.get(c, 0)), lang),
                              gap=t("brief.msg.focus_gap" if c in f.priority
                                    else "brief.msg.focus_no_gap", lang))})
    elif f.focus_kind == "region":
        inside = [c for c in f.order if f.regions.get(c) == f.focus]
        n_now = int(now_by.reindex(inside).fillna(0).sum())
        n_prev = int(prev_by.reindex(inside).fillna(0).sum())
        gaps = [c for c in f.priority if c in inside]
        out.append({"ref": f.refs.get("risk"), "figure": format_number(n_now, lang),
                    "text": t("brief.msg.focus_region", lang, name=f.region_names[f.focus],
                              reports=format_number(n_now, lang),
                              change=_signed(n_now - n_prev, lang),
                              top=f.names[inside[0]], rank=ranks[inside[0]],
                              score=format_significant(f.score[inside[0]], lang, 2),
                              cls=cls(inside[0]), gaps=format_number(len(gaps), lang))
                    if inside else t("brief.msg.focus_empty", lang,
                                     name=f.region_names[f.focus])})

    rise = change[change > 0].sort_values(ascending=False, kind="stable")
    rise = rise[rise == rise.max()] if len(rise) else rise
    where = t("brief.msg.rise", lang, names=_names(sorted(rise.index, key=lambda c: f.names[c]),
                                                   f.names, 2, lang),
              n=_signed(int(rise.iloc[0]), lang)) if len(rise) else t("brief.msg.no_rise", lang)
    out.append({"ref": f.refs.get("reports"), "figure": format_number(f.now.total, lang),
                "text": t("brief.msg.change", lang, n=format_number(f.now.total, lang),
                          start=format_date(f.now.start, lang), end=format_date(f.now.end, lang),
                          change=_signed(f.now.total - f.prev.total, lang),
                          prev=format_number(f.prev.total, lang)) + where})

    top = f.order[0]
    watch = [c for c in f.order[1:TOP]
             if pd.isna(f.prev_rank.get(c)) or f.prev_rank[c] > TOP
             or f.prev_rank[c] - ranks[c] >= WATCH_RISE]
    also = t("brief.msg.watch_also", lang, names=", ".join(
        f"{f.names[c]} ({_rank_words(f.prev_rank.get(c), ranks[c], lang)})"
        for c in watch[:WATCH_SHOWN])) if watch else ""
    out.append({"ref": f.refs.get("risk"), "figure": format_significant(f.score[top], lang, 2),
                "text": t("brief.msg.watch", lang, name=f.names[top],
                          region=f.region_names.get(f.regions.get(top), ""),
                          score=format_significant(f.score[top], lang, 2), cls=cls(top)) + also})

    out.append({"ref": f.refs.get("gaps"), "figure": format_number(len(f.priority), lang),
                "text": t("brief.msg.gaps", lang, n=format_number(len(f.priority), lang),
                          names=_names(f.priority, f.names, GAPS_SHOWN, lang))
                if f.priority else t("brief.msg.no_gaps", lang)})

    answered = sum(1 for _n, _c, a in f.fired if a)
    register = t("brief.msg.register", lang,
                 planned=counts.plural("brief.msg.planned", f.planned, lang),
                 under_way=counts.plural("brief.msg.under_way", f.under_way, lang))
    out.append({"ref": f.refs.get("actions"), "figure": format_number(len(f.fired), lang),
                "text": (t("brief.msg.fired", lang, n=format_number(len(f.fired), lang),
                           names=_names(sorted({c for _n, c, _a in f.fired},
                                               key=lambda c: f.names.get(c, c)),
                                        f.names, 3, lang),
                           answered=format_number(answered, lang))
                         if f.fired else t("brief.msg.no_fired", lang)) + register})

    out += [{"ref": f.refs.get("scenarios"), "figure": sc["headline"],
             "text": t("brief.msg.scenario", lang, name=sc["name"].replace("*", "∗"),
                       what=sc["headline"])} for sc in f.scenarios]
    anchors = {v: k for k, v in f.refs.items()}
    for m in out:
        if m["ref"]:
            m["anchor"] = anchors[m["ref"]]
            m["ref"] = t("brief.msg.see", lang, ref=m["ref"])
            m["text"] += " " + m["ref"]
    while len(out) > MAX_MESSAGES:      # one message for the responses and the proposals
        last = out.pop()
        out[-1] = {**out[-1], "text": out[-1]["text"] + " " + last["text"]}
    return out


def _rank_words(before, after, lang) -> str:
    if before is None or pd.isna(before) or before > TOP:
        return t("brief.msg.entered", lang, rank=after)
    return t("brief.msg.up", lang, n=int(before - after), rank=after)


def _numbers(sections, scenarios: bool) -> dict:
    """Each map's and table's number in the document: {"risk": 1, "gaps": 2, …}."""
    numbers, n_map, n_table = {}, 0, 0
    for key, kind in (("risk", "map"), ("gaps", "map"), ("reports", "map"),
                      ("actions", "table"), ("scenarios", "table")):
        if key not in sections or (key == "scenarios" and not scenarios):
            continue
        if kind == "map":
            n_map += 1
            numbers[key] = n_map
        else:
            n_table += 1
            numbers[key] = n_table
    return numbers


def _message_html(message: dict) -> Markup:
    """A key message in HTML: its text escaped, its figures in bold, its reference a link to
    the map or table it cites."""
    text = for_html(message["text"])
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    if message.get("ref") and message.get("anchor"):
        arrow = for_html(message["ref"])
        text = text.replace(arrow, f'<a class="ref" href="#{message["anchor"]}">{arrow}</a>', 1)
    return Markup(text)


def _fired(engine, tensions, table, as_of, register) -> list[tuple[str, str, bool]]:
    """The triggers in force on ``as_of``: (name, cercle_id, answered in the register)."""
    ref = reference.load()
    region_of = ref.cercles.set_index("cercle_id")["region_id"].to_dict()
    out = []
    for trigger in trigger_records.listing(engine):
        now = trigger_rules.fired_now(trigger, tensions, region_of, as_of, table)
        for r in trigger_rules.answered(trigger, now, register).itertuples():
            out.append((trigger.name, r.cercle_id, bool(r.actions)))
    return out


def _forecast_text(row: pd.Series, lang: str) -> str:
    """A cercle's forecast as the brief writes it: the expected reports and the 80 %
    interval, "4,2 [1–8]" ("—" without a forecast)."""
    if pd.isna(row.get("forecast_reports")):
        return "—"
    return (f"{format_number(row['forecast_reports'], lang, 1)} "
            f"[{format_number(row['forecast_low80'], lang)}–"
            f"{format_number(row['forecast_high80'], lang)}]")


def _category(code, lang):
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
    out["summary"] = out["headline"] = " ".join(parts)
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
