"""Expert-rated context factors: the vulnerability dimension of the risk score.

A context factor (e.g. "intercommunal conflict") is rated per cercle on 0–10 by the people who
know the ground. The store keeps every rating with who gave it and when (append-only); the
latest rating of a cercle for a factor is the one in force, and a withdrawn rating (no value)
means "no data" again. The three threats named by the mission are seeded as factors by the
schema (see :data:`geo.records.store.SEED_FACTORS`); users can add others.

Ratings are about a place, never about a person. "Rated by" is the signed-in user who rated
(:class:`geo.records.roles.Actor`, an analyst at least), never free text; every rating and new factor
is also in the audit log.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, roles, store
from geo.reference import units
from geo.i18n import t

#: Prefix of the context-factor columns of the indicator table.
COLUMN_PREFIX = "context_"
MAX_WHO = 80
#: "Rated by" of the demonstration ratings.
DEMO_RATER = "Démonstration / demonstration"


class RatingError(ValueError):
    """Raised when ratings or a new factor are refused; ``problems`` lists every reason as
    ``(code, details)`` so the UI can translate them."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__("; ".join(f"{c} {d}" for c, d in problems))
        self.problems = problems


@dataclass(frozen=True)
class Rating:
    """One rating to record: ``value`` on 0–10, or None to withdraw the rating."""

    factor_id: str
    cercle_id: str
    value: float | None


def column(factor_id: str) -> str:
    """Column of the indicator table holding a factor."""
    return COLUMN_PREFIX + factor_id


def factors(engine: Engine) -> pd.DataFrame:
    """Every context factor, in creation order (the seeded threats first)."""
    t = store.context_factor
    with engine.connect() as conn:
        result = conn.execute(sa.select(t).order_by(t.c.created_at, t.c.factor_id))
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    return frame.set_index("factor_id", drop=False)


def ratings(engine: Engine, until: datetime | None = None) -> pd.DataFrame:
    """The ratings in force: one column per factor (0–10), one row per cercle (all 50),
    NaN where a cercle has no rating. With ``until``, only ratings given up to that time count
    (what was known then: used by the back-test)."""
    r = store.context_rating
    query = sa.select(r.c.rating_id, r.c.factor_id, r.c.cercle_id, r.c.value)
    if until is not None:
        query = query.where(r.c.rated_at <= until)
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(),
                            columns=["rating_id", "factor_id", "cercle_id", "value"])
    ids = factors(engine).index
    cercles = units.load_cercles().index
    if rows.empty:
        return pd.DataFrame(np.nan, index=cercles, columns=list(ids), dtype=float)
    # the latest rating wins, even a withdrawal (groupby().last() would skip its NULL)
    latest = rows.sort_values("rating_id").drop_duplicates(["cercle_id", "factor_id"],
                                                           keep="last")
    wide = latest.pivot(index="cercle_id", columns="factor_id", values="value").astype(float)
    return wide.reindex(index=cercles, columns=list(ids)).astype(float)


def history(engine: Engine, limit: int | None = None) -> pd.DataFrame:
    """Ratings as given, newest first: factor, cercle, value, who, when, note."""
    r = store.context_rating
    query = sa.select(r).order_by(r.c.rating_id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def changes(before: pd.DataFrame, after: pd.DataFrame) -> list[Rating]:
    """The ratings to record for an edited grid: cells of ``after`` that differ from
    ``before`` (both indexed by ``cercle_id`` with one column per factor id; NaN = no
    rating, so a cell emptied is a withdrawal). Other columns are ignored."""
    out = []
    for factor_id in before.columns.intersection(after.columns):
        old, new = before[factor_id], after[factor_id].reindex(before.index)
        for cercle_id in before.index:
            a, b = old[cercle_id], new[cercle_id]
            if pd.isna(a) and pd.isna(b):
                continue
            if pd.isna(a) or pd.isna(b) or float(a) != float(b):
                out.append(Rating(factor_id, cercle_id, None if pd.isna(b) else float(b)))
    return out


def rate(engine: Engine, changes: list[Rating], actor: roles.Actor, note: str | None = None,
         is_demo: bool = False, rated_at: datetime | None = None) -> int:
    """Record ratings by ``actor`` (analyst) in one transaction (all or none) with their audit
    entry; return how many were recorded.

    Every change is checked first: the factor and cercle must exist and the value must be a
    number from 0 to 10 (or None to withdraw). Raises :class:`RatingError` listing every
    problem, and then nothing is written.
    """
    roles.require(actor, "rate")
    problems: list[tuple[str, dict]] = []
    who = DEMO_RATER if is_demo else actor.label[:MAX_WHO]
    known_factors = set(factors(engine).index)
    known_cercles = set(units.load_cercles().index)
    rows = []
    for ch in changes:
        if ch.factor_id not in known_factors:
            problems.append(("unknown_factor", {"factor": ch.factor_id}))
        if ch.cercle_id not in known_cercles:
            problems.append(("unknown_cercle", {"cercle": ch.cercle_id}))
        value = None
        if ch.value is not None and not (isinstance(ch.value, float) and np.isnan(ch.value)):
            try:
                value = float(ch.value)
            except (TypeError, ValueError):
                value = float("nan")
            if not 0 <= value <= 10:        # also refuses NaN from a bad cell
                problems.append(("out_of_range", {"cercle": ch.cercle_id,
                                                  "factor": ch.factor_id, "value": ch.value}))
        rows.append({"factor_id": ch.factor_id, "cercle_id": ch.cercle_id, "value": value})
    if problems:
        raise RatingError(problems)
    if not rows:
        return 0
    when = rated_at or datetime.now(timezone.utc)
    note = (note or "").strip() or None
    with store.writing(engine) as conn:
        conn.execute(store.context_rating.insert(),
                     [{**r, "rated_by": who, "rated_at": when, "note": note, "is_demo": is_demo}
                      for r in rows])
        audit.record(conn, actor, "rate",
                     target=", ".join(sorted({r["factor_id"] for r in rows})), records=[[r["factor_id"], r["cercle_id"]]
                                                   for r in rows],
                     details={"ratings": len(rows), "note": note, "is_demo": is_demo})
    return len(rows)


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:36] or "factor"


def add_factor(engine: Engine, label_fr: str, label_en: str, actor: roles.Actor,
               description_fr: str | None = None, description_en: str | None = None,
               once: str | None = None) -> str:
    """Add a context factor by ``actor`` (analyst; both labels required, distinct from
    existing ones); return its id. Audited. ``once``: the token of the form that asked
    (:func:`geo.records.store.claim_once`).

    Raises :class:`RatingError` when refused.
    """
    roles.require(actor, "rate")
    label_fr, label_en = (label_fr or "").strip(), (label_en or "").strip()
    f = store.context_factor
    with store.writing(engine) as conn:
        store.claim_once(conn, once, "add_factor", actor.subject)    # a replay: a no-op
        existing = conn.execute(sa.select(f.c.factor_id, f.c.label_fr, f.c.label_en)).all()
        problems: list[tuple[str, dict]] = []
        if not label_fr or not label_en:
            problems.append(("label_missing", {}))
        taken = {str(s).casefold() for row in existing for s in (row.label_fr, row.label_en)}
        if label_fr.casefold() in taken or label_en.casefold() in taken:
            problems.append(("label_taken", {"label": label_fr or label_en}))
        if problems:
            raise RatingError(problems)               # the transaction stores nothing
        ids = {row.factor_id for row in existing}
        base = _slug(label_fr)
        factor_id, n = base, 2
        while factor_id in ids:
            factor_id, n = f"{base}_{n}", n + 1
        conn.execute(store.context_factor.insert().values(
            factor_id=factor_id, label_fr=label_fr, label_en=label_en,
            description_fr=(description_fr or "").strip() or None,
            description_en=(description_en or "").strip() or None,
            created_by=actor.label[:MAX_WHO], created_at=datetime.now(timezone.utc)))
        audit.record(conn, actor, "add_factor", target=factor_id,
                     details={"label_fr": label_fr, "label_en": label_en})
    return factor_id


def label(factor_row, lang: str) -> str:
    """Label of a factor (a row of :func:`factors`) in ``lang``."""
    return factor_row["label_en"] if lang == "en" else factor_row["label_fr"]


def description(factor_row, lang: str) -> str | None:
    """Description of a factor in ``lang``, or None when it has none."""
    text = factor_row["description_en" if lang == "en" else "description_fr"]
    return text if isinstance(text, str) and text.strip() else None


def indicator_label(column: str, lang: str, factors: pd.DataFrame | None = None) -> str:
    """Label of an indicator column (context factors: their own label)."""

    if column.startswith(COLUMN_PREFIX):
        fid = column[len(COLUMN_PREFIX):]
        if factors is not None and fid in factors.index:
            return label(factors.loc[fid], lang)
        return fid
    return t(f"indicator.{column}", lang)
