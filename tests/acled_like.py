"""Files shaped like ACLED's and UCDP's own distributions, built from their published
codebooks (no real data): the test of real-file imports and its benchmark share them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np

#: ACLED's column set (export tool / API, 2023–2024 codebook), in its order.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp"]
#: HDX's hashtag row for the same columns.
ACLED_HXL = {
    "event_id_cnty": "#event+code", "event_date": "#date+occurred", "year": "#date+year",
    "event_type": "#event+type", "sub_event_type": "#event+type+sub", "actor1": "#group+name+first",
    "actor2": "#group+name+second", "iso": "#country+code", "region": "#region+name",
    "country": "#country+name", "admin1": "#adm1+name", "admin2": "#adm2+name",
    "admin3": "#adm3+name", "location": "#loc+name", "latitude": "#geo+lat",
    "longitude": "#geo+lon", "source": "#meta+source", "notes": "#description",
    "fatalities": "#affected+killed"}
EVENT_TYPES = [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
               ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
               ("Protests", "Peaceful protest"), ("Riots", "Mob violence"),
               ("Strategic developments", "Looting/property destruction")]
#: (admin1, admin2, latitude, longitude): pre-2016 names, and names of the 2016/2023 reforms
#: whose cercle or coordinates place them.
PLACES = [("Mopti", "Bankass", 14.08, -3.51), ("Mopti", "Koro", 14.07, -3.08),
          ("Segou", "Niono", 14.25, -5.99), ("Gao", "Gao", 16.27, -0.04),
          ("Tombouctou", "Goundam", 16.41, -3.67), ("Kidal", "Kidal", 18.44, 1.41),
          ("Menaka", "Menaka", 15.92, 2.40), ("Taoudeni", "Al-Ourche", 20.10, -3.50),
          ("Bandiagara", "Bandiagara", 14.35, -3.61), ("Douentza", "Douentza", 15.00, -2.95),
          ("San", "Tominian", 13.29, -4.39), ("Bamako", "Bamako", 12.64, -8.00)]


def acled_rows(n: int, seed: int = 7, first: date = date(1997, 3, 1),
               last: date = date(2020, 12, 31), dyadic_share: float = 0.2) -> list[dict]:
    """``n`` distinct events (``dyadic_share`` of them repeated once more, as a dyadic file
    has one row per actor pair)."""
    rng = np.random.default_rng(seed)
    days = (last - first).days
    out = []
    for i in range(n):
        etype, sub = EVENT_TYPES[int(rng.integers(0, len(EVENT_TYPES)))]
        a1, a2, lat, lon = PLACES[int(rng.integers(0, len(PLACES)))]
        when = first + timedelta(days=int(rng.integers(0, days + 1)))
        row = {"event_id_cnty": f"MLI{i + 1}", "event_date": when, "year": when.year,
               "time_precision": int(rng.integers(1, 4)), "disorder_type": "Political violence",
               "event_type": etype, "sub_event_type": sub,
               "actor1": "Military Forces of Mali (2013-2021)", "assoc_actor_1": "",
               "inter1": 1, "actor2": "JNIM: Group for Support of Islam and Muslims",
               "assoc_actor_2": "", "inter2": 2, "interaction": 12, "civilian_targeting": "",
               "iso": 466, "region": "Western Africa", "country": "Mali", "admin1": a1,
               "admin2": a2, "admin3": "", "location": a2,
               "latitude": round(lat + rng.normal(0, 0.02), 4),
               "longitude": round(lon + rng.normal(0, 0.02), 4),
               "geo_precision": int(rng.integers(1, 4)), "source": "Studio Tamani",
               "source_scale": "National", "notes": f"On {when}, clashes near {a2}.",
               "fatalities": int(rng.poisson(2)), "tags": "", "timestamp": 1609459200}
        out.append(row)
        if rng.random() < dyadic_share:
            out.append({**row, "actor2": "Civilians (Mali)", "inter2": 7, "interaction": 17})
    return out


def acled_csv(rows: list[dict], date_style: str = "export", hxl: bool = False) -> bytes:
    """A CSV as ACLED's export tool (``31 December 2020``) or API/HDX (``2020-12-31``)
    writes it, optionally with HDX's hashtag row under the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ACLED_COLUMNS)
    if hxl:
        writer.writerow([ACLED_HXL.get(c, "") for c in ACLED_COLUMNS])
    for row in rows:
        when = row["event_date"]
        shown = when.strftime("%d %B %Y") if date_style == "export" else when.isoformat()
        writer.writerow([shown if c == "event_date" else row[c] for c in ACLED_COLUMNS])
    return buffer.getvalue().encode("utf-8")


#: UCDP GED's column set (version 23.1 codebook), in its order.
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low", "gwnoa", "gwnob"]


def ucdp_csv(events: list[dict]) -> bytes:
    """A UCDP GED CSV; each event gives ``id, type_of_violence, where_prec, adm_1, adm_2,
    latitude, longitude, date_start, best`` (the rest is filled as the GED fills it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(UCDP_COLUMNS)
    for e in events:
        row = {c: "" for c in UCDP_COLUMNS}
        row.update({"relid": f"MLI-{e['id']}", "year": e["date_start"][:4], "active_year": 1,
                    "code_status": "Clear", "conflict_name": "Mali: Government",
                    "dyad_name": "Government of Mali - JNIM", "side_a": "Government of Mali",
                    "side_b": "JNIM", "source_headline": "Army patrol ambushed",
                    "where_coordinates": "Bankass town", "geom_wkt": "POINT (-3.51 14.08)",
                    "country": "Mali", "country_id": 432, "region": "Africa",
                    "event_clarity": 1, "date_prec": 1, "date_end": e["date_start"],
                    "high": e["best"], "low": e["best"]})
        row.update({k: v for k, v in e.items()})
        writer.writerow([row[c] for c in UCDP_COLUMNS])
    return buffer.getvalue().encode("utf-8")
