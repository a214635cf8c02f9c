"""Demonstration data: deterministic workshops, mediators and tension reports.

The figures follow the mission's public facts — workshops since 2017 in Bamako, Mopti, Ségou,
Koulikoro, Sikasso, Kayes, Tombouctou, Gao and Kidal with 540 participants in all (many women
and young people, seven stakeholder groups), 1,424 community mediators spread over the cercles
with realistic gaps, expert ratings of the three context factors named by the mission,
and eight years of tension reports (2015–2022) drawn from a spreading process
(:func:`spreading_counts`): a crisis active in the north from the start that spreads to its
neighbours and into the centre, with persistence from month to month, a rainy-season lull and
surges around the national elections (``data/mali_elections.csv``). Everything else is invented:
the records are flagged ``is_demo`` and the app shows a banner while any is stored.

The records go through the same importer as real files (:func:`geo.ingest.import_frame`), so
they obey every validation rule.

Command line::

    python -m geo.ingest.demo load      # load into the configured store (if not already there)
    python -m geo.ingest.demo remove    # remove every demonstration record
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Engine

from geo.records import audit, context, roles, store
from geo.reference import elections, neighbours, units
from geo.ingest import ImportReport, Locator, import_frame
from geo.records.fields import GROUPS

SEED = 20180729
WORKSHOP_PARTICIPANTS = 540
MEDIATORS = 1424
#: The demonstration's tension history: months from HISTORY_START, and the process.
HISTORY_START, HISTORY_MONTHS = date(2015, 1, 1), 96
#: Self-excitation of a cercle (last month, the three before) and from its neighbours.
PERSISTENCE, MEMORY, SPREAD = 0.35, 0.15, 0.3

#: Cercles where the workshops were held (region chef-lieu first), per region.
WORKSHOP_CERCLES = {
    "ML09": ["mli-bamako", "mli-bamako"], "ML05": ["mli-mopti", "mli-bandiagara", "mli-djenne"],
    "ML04": ["mli-segou", "mli-san"], "ML02": ["mli-koulikoro", "mli-kati"],
    "ML03": ["mli-sikasso", "mli-koutiala"], "ML01": ["mli-kayes", "mli-kita"],
    "ML06": ["mli-tombouctou", "mli-goundam"], "ML07": ["mli-gao", "mli-menaka"],
    "ML08": ["mli-kidal"],
}
#: Relative weight of tension reports per region: the centre and the north.
TENSION_WEIGHT = {"ML05": 6.0, "ML04": 2.5, "ML06": 3.5, "ML07": 3.5, "ML08": 2.5, "ML02": 1.0,
                  "ML03": 0.6, "ML01": 0.6, "ML09": 1.5}
#: Cercles with no trained mediator in the demonstration (coverage gaps to find).
MEDIATOR_GAPS = ("mli-abeibara", "mli-tin-essako", "mli-tessalit", "mli-youwarou",
                 "mli-tenenkou", "mli-kenieba", "mli-yorosso", "mli-gourma-rharous")
LANGUAGES = {"ML01": "Bambara; Soninké; Français", "ML02": "Bambara; Français",
             "ML03": "Bambara; Sénoufo; Français", "ML04": "Bambara; Bozo; Français",
             "ML05": "Fulfulde; Dogon; Bambara; Français", "ML06": "Songhaï; Tamasheq; Français",
             "ML07": "Songhaï; Tamasheq; Français", "ML08": "Tamasheq; Arabe; Français",
             "ML09": "Bambara; Français"}


def _split(rng: np.random.Generator, total: int, parts: int, minimum: int = 0) -> np.ndarray:
    """Split ``total`` into ``parts`` non-negative integers (each >= minimum) summing to total."""
    base = np.full(parts, minimum)
    return base + rng.multinomial(total - minimum * parts, np.full(parts, 1 / parts))


def workshops(rng: np.random.Generator) -> pd.DataFrame:
    """Workshop sessions: 18 sessions in the nine regions, 540 participants in all."""
    cercles = units.load_cercles()
    sites = [(r, c) for r, cs in WORKSHOP_CERCLES.items() for c in cs]
    participants = _split(rng, WORKSHOP_PARTICIPANTS, len(sites), minimum=22)
    start = date(2017, 3, 6)
    rows = []
    for n, ((_region, cid), total) in enumerate(zip(sites, participants), start=1):
        day = start + timedelta(days=int(n * 52 + rng.integers(0, 20)))
        groups = rng.multinomial(total, [0.2, 0.17, 0.08, 0.22, 0.13, 0.1, 0.1])
        rows.append({
            "workshop_id": f"DEMO-AT-{n:03d}", "start_date": day.isoformat(),
            "end_date": (day + timedelta(days=int(rng.integers(1, 3)))).isoformat(),
            "cercle": cercles.at[cid, "cercle_fr"],
            "organiser": "MINUSMA DAE et réseau OSC partenaire (démonstration)",
            "participants": int(total),
            "women": int(round(total * rng.uniform(0.38, 0.52))),
            "youth": int(round(total * rng.uniform(0.40, 0.58))),
            **{g: int(v) for g, v in zip(GROUPS, groups)},
            "notes": "Atelier de prévention des violences électorales (démonstration)",
        })
    return pd.DataFrame(rows).astype(str)


def mediators(rng: np.random.Generator, workshop_ids: list[str]) -> pd.DataFrame:
    """1,424 mediators over the cercles, weighted by population, with gaps."""
    cercles = units.load_cercles()
    communes = units.load_communes()
    weights = np.sqrt(cercles["population"].to_numpy(dtype=float))
    weights[cercles.index.isin(MEDIATOR_GAPS)] = 0
    per_cercle = rng.multinomial(MEDIATORS, weights / weights.sum())
    rows = []
    n = 0
    for cid, count in zip(cercles.index, per_cercle):
        names = communes.loc[communes["cercle_id"] == cid, "commune_fr"].to_numpy()
        region = cercles.at[cid, "region_id"]
        for _ in range(count):
            n += 1
            trained = date(2017, 4, 1) + timedelta(days=int(rng.integers(0, 900)))
            rows.append({
                "mediator_code": f"DEMO-MED-{n:05d}", "cercle": cercles.at[cid, "cercle_fr"],
                "commune": str(rng.choice(names)),
                "gender": "female" if rng.random() < 0.44 else "male",
                "age_band": str(rng.choice(["18-24", "25-35", "36-49", "50+"],
                                           p=[0.18, 0.37, 0.3, 0.15])),
                "trained_on": trained.isoformat(),
                "workshop_id": str(rng.choice(workshop_ids)),
                "status": "active" if rng.random() < 0.9 else "inactive",
                "languages": LANGUAGES[region],
            })
    return pd.DataFrame(rows).astype(str)


def _random_point(rng: np.random.Generator, polygon, prepared=None) -> tuple[float, float]:
    minx, miny, maxx, maxy = polygon.bounds
    prepared = prepared or shapely.prepared.prep(polygon)
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(shapely.Point(x, y)):
            return round(y, 5), round(x, 5)


def spreading_counts(rng: np.random.Generator, base: np.ndarray, weights, months: int,
                     persistence: float = PERSISTENCE, memory: float = MEMORY,
                     spread: float = SPREAD, surge: np.ndarray | None = None) -> np.ndarray:
    """Monthly counts (cercles × months) of a self-exciting, spreading process.

    λ[c, m] = base[c, m] · surge[m] + persistence · y[c, m−1]
    + memory · mean(y[c, m−4 … m−2]) + spread · (W y[·, m−1])[c], and y[c, m] ~ Poisson(λ),
    with ``weights`` W the row-standardised contiguity: what happened last month here and
    next door makes this month likelier (``base`` may be one rate per cercle). The truth a
    forecast must find (``tests/test_forecast.py``)."""
    base = np.asarray(base, dtype=float)
    base = base if base.ndim == 2 else np.outer(base, np.ones(months))
    surge = np.ones(months) if surge is None else surge
    y = np.zeros((len(base), months))
    for m in range(months):
        lam = base[:, m] * surge[m]
        if m >= 1:
            lam = lam + persistence * y[:, m - 1] + spread * (weights @ y[:, m - 1])
        if m >= 2:
            lam = lam + memory * y[:, max(0, m - 4):m - 1].mean(axis=1)
        y[:, m] = rng.poisson(lam)
    return y


def _month(m: int) -> date:
    return date(HISTORY_START.year + (HISTORY_START.month - 1 + m) // 12,
                (HISTORY_START.month - 1 + m) % 12 + 1, 1)


CATEGORIES = ("intimidation", "hate_speech", "clash", "intercommunal", "electoral_attack",
              "armed_group", "protest", "other")
CATEGORY_P = (0.17, 0.13, 0.12, 0.16, 0.12, 0.14, 0.12, 0.04)
VIOLENT = ("clash", "intercommunal", "armed_group", "electoral_attack")


def tensions(rng: np.random.Generator) -> pd.DataFrame:
    """Eight years of tension reports from :func:`spreading_counts`: the north first, the
    centre after it, surges in the months of national elections, fewer in the rainy season."""

    cercles = units.load_cercles()
    communes = units.load_communes()
    months = np.arange(HISTORY_MONTHS)
    base = 0.03 * cercles["region_id"].map(TENSION_WEIGHT).to_numpy() * np.sqrt(
        cercles["population"].to_numpy(dtype=float) / 1e5)
    base = np.outer(base, np.ones(HISTORY_MONTHS))
    # the crisis reaches the centre after some three years: its own rate rises
    centre = cercles["region_id"].isin(["ML05", "ML04"]).to_numpy()
    base[centre] *= np.clip((months - 30) / 24, 0.25, 1.0)
    votes = elections.elections()
    surge = np.array([2.5 if any(_month(m) <= d < _month(m + 2) for d in votes)
                      else (0.6 if _month(m).month in (7, 8, 9) else 1.0) for m in months])
    counts = spreading_counts(rng, base, neighbours.cercle_weights(tuple(cercles.index)),
                              HISTORY_MONTHS, surge=surge).astype(int)
    cell, month = np.nonzero(counts)
    reps = counts[cell, month]
    cell, month = np.repeat(cell, reps), np.repeat(month, reps)
    n = len(cell)
    first = np.array([_month(int(m)) for m in range(HISTORY_MONTHS + 1)], dtype="datetime64[D]")
    length = (first[month + 1] - first[month]).astype(int)
    day = first[month] + (rng.random(n) * length).astype(int)
    category = rng.choice(CATEGORIES, size=n, p=CATEGORY_P)
    violent = np.isin(category, VIOLENT)
    severity = np.clip(rng.normal(np.where(violent, 3.4, 2.0), 1.0), 1, 5).astype(int)
    fatalities = np.where(violent & (severity >= 3), rng.poisson(1.5 * severity), 0)
    precision = rng.choice(["exact", "commune", "cercle", "region"], size=n,
                           p=[0.45, 0.25, 0.22, 0.08])
    frame = pd.DataFrame({
        "report_id": [f"DEMO-TS-{i:05d}" for i in range(1, n + 1)],
        "occurred_on": day.astype(str),
        "reported_on": (day + rng.integers(0, 5, n)).astype(str),
        "location_precision": precision, "category": category, "severity": severity,
        "fatalities": fatalities, "injuries": rng.poisson(fatalities + severity / 2),
        "source_type": rng.choice(["mediator", "media", "partner"], size=n,
                                  p=[0.6, 0.25, 0.15]),
        "verification": rng.choice(["verified", "unverified", "false"], size=n,
                                   p=[0.55, 0.4, 0.05]),
        "status": rng.choice(["open", "follow_up", "resolved"], size=n, p=[0.2, 0.3, 0.5]),
        "summary": "Signalement fictif (démonstration)"})
    places = {k: [""] * n for k in ("latitude", "longitude", "cercle", "commune", "region")}
    prepared = {}
    by_cercle = communes.groupby("cercle_id")["commune_id"].apply(list)
    for i, (cid, prec) in enumerate(zip(cercles.index[cell], precision)):
        if prec == "exact":
            poly = cercles.at[cid, "geometry"]
            prep = prepared.setdefault(cid, shapely.prepared.prep(poly))
            lat, lon = _random_point(rng, poly, prep)
            places["latitude"][i], places["longitude"][i] = str(lat), str(lon)
        elif prec == "region":
            places["region"][i] = cercles.at[cid, "region_fr"]
        else:
            places["cercle"][i] = cercles.at[cid, "cercle_fr"]
            if prec == "commune":
                places["commune"][i] = str(rng.choice(by_cercle[cid]))
    frame = frame.assign(**places)
    return frame.astype(str)


#: Demonstration expert ratings (0–10) per region for the three seeded context factors;
#: each cercle varies around its region's value, and a few cercles stay unrated.
CONTEXT_BY_REGION = {
    "crisis_north_centre": {"ML01": 1.5, "ML02": 2.5, "ML03": 1.5, "ML04": 5.0, "ML05": 7.5,
                            "ML06": 8.0, "ML07": 8.5, "ML08": 9.0, "ML09": 2.0},
    "intercommunal": {"ML01": 2.0, "ML02": 2.5, "ML03": 2.0, "ML04": 5.5, "ML05": 8.5,
                      "ML06": 4.5, "ML07": 6.5, "ML08": 4.0, "ML09": 1.0},
    "political_tension": {"ML01": 4.0, "ML02": 4.5, "ML03": 4.0, "ML04": 4.5, "ML05": 5.0,
                          "ML06": 4.5, "ML07": 5.0, "ML08": 6.0, "ML09": 8.0},
}
#: Date given to the demonstration ratings (a baseline assessment before the 2018 election).
CONTEXT_RATED_AT = datetime(2017, 1, 16, 9, 0, tzinfo=timezone.utc)


def context_ratings(rng: np.random.Generator) -> list[context.Rating]:
    """Demonstration ratings of the seeded context factors (two cercles per factor unrated)."""
    cercles = units.load_cercles()
    out = []
    for factor_id, by_region in CONTEXT_BY_REGION.items():
        unrated = set(rng.choice(cercles.index, size=2, replace=False))
        for cid, region in cercles["region_id"].items():
            if cid in unrated:
                continue
            value = np.clip(by_region[region] + rng.normal(0, 0.8), 0, 10)
            out.append(context.Rating(factor_id, cid, float(np.round(value * 2) / 2)))
    return out


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The three demonstration tables (canonical columns, as text), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    ws = workshops(rng)
    return {"workshops": ws, "mediators": mediators(rng, ws["workshop_id"].tolist()),
            "tensions": tensions(rng)}


def load(engine: Engine, actor: roles.Actor, seed: int = SEED,
         locator: Locator | None = None) -> dict[str, ImportReport]:
    """Import the demonstration data through the importer (``is_demo``; admin); return the
    reports. Audited (each import, the ratings, the load)."""
    roles.require(actor, "load_demo")
    locator = locator or Locator()
    reports = {}
    for kind, frame in generate(seed).items():
        sha = hashlib.sha256(pd.util.hash_pandas_object(frame).values.tobytes()).hexdigest()
        reports[kind] = import_frame(engine, kind, frame, list(range(2, len(frame) + 2)),
                                     f"demo-{kind}-seed{seed}", sha, actor=actor,
                                     is_demo=True, locator=locator)
    context.rate(engine, context_ratings(np.random.default_rng(seed + 1)), actor,
                 note="Évaluation fictive", is_demo=True, rated_at=CONTEXT_RATED_AT)
    with store.writing(engine) as conn:
        store.set_meta(conn, "demo_loaded_seed", str(seed))
        audit.record(conn, actor, "load_demo", details={
            "seed": seed, **{k: r.accepted for k, r in reports.items()}})
    return reports


def ensure_initialised(engine: Engine, enabled: bool = True) -> bool:
    """Load the demonstration data into a *new* store, when ``enabled`` (the deployment's
    ``demo`` setting, :class:`geo.settings.Settings`; ``VEILLE_DEMO=0`` turns it off).

    A store is new when nothing was ever imported into it and its demo was never removed.
    Returns True when the demo was loaded by this call; several processes calling it at once
    on one store load it once (:func:`geo.records.store.exclusive`).
    """
    if not enabled:
        return False
    with store.exclusive(engine, "demo"):     # replicas starting together load it once
        if store.get_meta(engine, "demo_loaded_seed") \
                or store.get_meta(engine, "demo_removed_at"):
            return False
        if any(store.counts(engine).values()):
            return False
        load(engine, roles.SYSTEM)
    return True
