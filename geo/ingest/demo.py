"""Demonstration data: deterministic workshops, mediators and tension reports.

The figures follow the mission's public facts — workshops since 2017 in Bamako, Mopti, Ségou,
Koulikoro, Sikasso, Kayes, Tombouctou, Gao and Kidal with 540 participants in all (many women
and young people, seven stakeholder groups), 1,424 community mediators spread over the cercles
with realistic gaps, expert ratings of the three context factors named by the mission.

The eight years of tension reports (2015–2022) are as hard to forecast as real event data
(:mod:`geo.ingest.synthetic`: regime shifts, concentration, overdispersion, a shock early in
the second year, the crisis moving from the north into the centre), with surges around the
national elections (``data/mali_elections.csv``: the 2018 presidential election among them)
and a lull in the rainy season. Two kinds of sources: the division's network (mediators'
reports, which exist only where and since a mediator watches the commune: none before the
first trainings of 2017, none in the cercles without a mediator) and external ones (media,
partners, ACLED-like events, which see everywhere), late by days to weeks. Summaries are
French, and English on English screens (:func:`summary_text`). Everything is invented: the
records are flagged ``is_demo`` and the app shows a banner while any is stored.

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
from geo.reference import elections, units
from geo.ingest import ImportReport, Locator, import_frame, synthetic
from geo.i18n import t
from geo.records.fields import ENUMS, GROUPS

SEED = 20180729
WORKSHOP_PARTICIPANTS = 540
MEDIATORS = 1424
#: The demonstration's tension history: its span, its expected reports at full observation
#: (external sources see everything; the network only where it watches), its sources and the
#: median lag of the reports that do not come within days (paper forms sent by the week).
HISTORY_START, HISTORY_END = date(2015, 1, 1), date(2022, 12, 31)
TENSION_TOTAL = 3000
TENSION_SOURCES = (("mediator", 0.5), ("media", 0.2), ("partner", 0.1), ("acled", 0.2))
LAG_TAIL_MEDIAN = 40.0
#: The national level in the months of a national election round and the month before, and
#: in the rainy season (July–September).
ELECTION_SURGE, RAINY_LULL = 2.5, 0.6
#: Where the hot spots are likelier, per region (the crisis of the north, then the centre:
#: Mopti and Ségou rather than the south).
TENSION_AFFINITY = {"ML05": 6.0, "ML04": 2.5, "ML06": 3.5, "ML07": 3.5, "ML08": 2.5,
                    "ML02": 1.0, "ML03": 0.4, "ML01": 0.4, "ML09": 1.0}

#: Cercles where the workshops were held (region chef-lieu first), per region.
WORKSHOP_CERCLES = {
    "ML09": ["mli-bamako", "mli-bamako"], "ML05": ["mli-mopti", "mli-bandiagara", "mli-djenne"],
    "ML04": ["mli-segou", "mli-san"], "ML02": ["mli-koulikoro", "mli-kati"],
    "ML03": ["mli-sikasso", "mli-koutiala"], "ML01": ["mli-kayes", "mli-kita"],
    "ML06": ["mli-tombouctou", "mli-goundam"], "ML07": ["mli-gao", "mli-menaka"],
    "ML08": ["mli-kidal"],
}
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


def _mediator_rows(rng: np.random.Generator, workshop_ids: list[str]) -> pd.DataFrame:
    """The mediators with their codes (``cercle_id``, ``commune_id``) and the import table's
    columns."""
    cercles = units.load_cercles()
    communes = units.load_communes()
    weights = np.sqrt(cercles["population"].to_numpy(dtype=float))
    weights[cercles.index.isin(MEDIATOR_GAPS)] = 0
    per_cercle = rng.multinomial(MEDIATORS, weights / weights.sum())
    rows = []
    n = 0
    for cid, count in zip(cercles.index, per_cercle):
        mine = communes[communes["cercle_id"] == cid]
        region = cercles.at[cid, "region_id"]
        for _ in range(count):
            n += 1
            trained = date(2017, 4, 1) + timedelta(days=int(rng.integers(0, 900)))
            commune = int(rng.integers(0, len(mine)))
            rows.append({
                "cercle_id": cid, "commune_id": mine.index[commune],
                "mediator_code": f"DEMO-MED-{n:05d}", "cercle": cercles.at[cid, "cercle_fr"],
                "commune": str(mine["commune_fr"].iloc[commune]),
                "gender": "female" if rng.random() < 0.44 else "male",
                "age_band": str(rng.choice(["18-24", "25-35", "36-49", "50+"],
                                           p=[0.18, 0.37, 0.3, 0.15])),
                "trained_on": trained.isoformat(),
                "workshop_id": str(rng.choice(workshop_ids)),
                "status": "active" if rng.random() < 0.9 else "inactive",
                "languages": LANGUAGES[region],
            })
    return pd.DataFrame(rows)


def mediators(rows: pd.DataFrame) -> pd.DataFrame:
    """The import table of 1,424 mediators over the cercles, weighted by population, with
    gaps (from :func:`_mediator_rows`)."""
    return rows.drop(columns=["cercle_id", "commune_id"]).astype(str)


def _random_point(rng: np.random.Generator, polygon, prepared=None) -> tuple[float, float]:
    minx, miny, maxx, maxy = polygon.bounds
    prepared = prepared or shapely.prepared.prep(polygon)
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(shapely.Point(x, y)):
            return round(y, 5), round(x, 5)


def _surge(months: list[date]) -> np.ndarray:
    """The national level's factor per calendar month: :data:`ELECTION_SURGE` in the month
    of an election round and the month before, :data:`RAINY_LULL` in July–September."""
    votes = elections.elections()
    nxt = [date(m.year + m.month // 12, m.month % 12 + 1, 1) for m in months]
    after = nxt[1:] + [date(nxt[-1].year + nxt[-1].month // 12, nxt[-1].month % 12 + 1, 1)]
    return np.array([ELECTION_SURGE if any(m <= d < a for d in votes)
                     else (RAINY_LULL if m.month in (7, 8, 9) else 1.0)
                     for m, a in zip(months, after)])


#: The demonstration reports' summaries, one per category (``demo.summary.<category>`` in
#: :mod:`geo.i18n.data`): the French one is stored, :func:`summary_text` shows the English
#: one on English screens.
_SUMMARY_KEYS = {t(f"demo.summary.{c}", "fr"): f"demo.summary.{c}"
                 for c in ENUMS[("tensions", "category")]}


def summary_text(summary: str, lang: str) -> str:
    """A stored summary as shown in ``lang``: a demonstration summary in the language of the
    screen, any other text as it is."""
    key = _SUMMARY_KEYS.get(summary)
    return t(key, lang) if key else summary


def tensions(rng: np.random.Generator, watchers: pd.DataFrame) -> pd.DataFrame:
    """Eight years of tension reports from :func:`geo.ingest.synthetic.history`: the
    realistic process with the elections' surges, the network's reports where ``watchers``
    (active mediators: ``cercle_id, commune_id, trained_on``) watch, those reported by
    :data:`HISTORY_END`, placed no more precisely than their precision."""
    cercles = units.load_cercles()
    communes = units.load_communes()
    firsts = list(pd.date_range(HISTORY_START, HISTORY_END, freq="MS").date)
    drawn = synthetic.history(
        int(rng.integers(0, 2 ** 31)), cercles[["region_id"]], HISTORY_START, HISTORY_END,
        TENSION_TOTAL, surge=_surge(firsts),
        affinity=cercles["region_id"].map(TENSION_AFFINITY).to_numpy(dtype=float),
        sources=TENSION_SOURCES,
        lag_tail_median=LAG_TAIL_MEDIAN, watchers=watchers,
        communes=communes[["commune_id", "cercle_id"]])
    # the store as it is on the last day: what was reported by then (the last weeks are
    # incomplete, as they always are)
    drawn = drawn[drawn["reported_on"] <= HISTORY_END].reset_index(drop=True)
    n = len(drawn)
    precision = drawn["location_precision"].to_numpy()
    frame = pd.DataFrame({
        "report_id": [f"DEMO-TS-{i:05d}" for i in range(1, n + 1)],
        "occurred_on": drawn["occurred_on"].astype(str).to_numpy(),
        "reported_on": drawn["reported_on"].astype(str).to_numpy(),
        "location_precision": precision, "category": drawn["category"].to_numpy(),
        "severity": drawn["severity"].to_numpy(), "fatalities": drawn["fatalities"].to_numpy(),
        "injuries": drawn["injuries"].to_numpy(),
        "source_type": drawn["source_type"].to_numpy(),
        "verification": drawn["verification"].to_numpy(),
        "status": rng.choice(["open", "follow_up", "resolved"], size=n, p=[0.2, 0.3, 0.5]),
        "summary": [t(f"demo.summary.{c}", "fr") for c in drawn["category"]]})
    places = {k: [""] * n for k in ("latitude", "longitude", "cercle", "commune", "region")}
    prepared = {}
    for i, (cid, commune, prec) in enumerate(zip(drawn["cercle_id"], drawn["commune_id"],
                                                 precision)):
        if prec == "exact":
            poly = communes.at[commune, "geometry"]
            prep = prepared.setdefault(commune, shapely.prepared.prep(poly))
            lat, lon = _random_point(rng, poly, prep)
            places["latitude"][i], places["longitude"][i] = str(lat), str(lon)
        elif prec == "region":
            places["region"][i] = cercles.at[cid, "region_fr"]
        else:
            places["cercle"][i] = cercles.at[cid, "cercle_fr"]
            if prec == "commune":
                places["commune"][i] = str(commune)
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
    people = _mediator_rows(rng, ws["workshop_id"].tolist())
    watchers = people.loc[people["status"] == "active", ["cercle_id", "commune_id",
                                                         "trained_on"]]
    return {"workshops": ws, "mediators": mediators(people),
            "tensions": tensions(rng, watchers)}


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
