"""Placing rows: names through the gazetteer, coordinates by point-in-polygon."""

from __future__ import annotations

import numpy as np
import shapely

from geo.reference import units
from geo.reference.gazetteer import Gazetteer, normalise
from geo.ingest.report import Reason, reason


#: Regions created by the 2016 reform (Ménaka, Taoudénit) and the 2023 reform, each carved
#: out of one region of the pre-2016 structure the app draws: name (normalised) →
#: (pre-2016 ``region_id``, year). Sources: loi n° 2012-017 as applied in 2016, and the
#: 2023 reorganisation (19 regions and the District of Bamako).
REFORMED_REGIONS: dict[str, tuple[str, int]] = {
    "menaka": ("ML07", 2016), "taoudenit": ("ML06", 2016), "taoudeni": ("ML06", 2016),
    "kita": ("ML01", 2023), "nioro": ("ML01", 2023), "nioro du sahel": ("ML01", 2023),
    "dioila": ("ML02", 2023), "nara": ("ML02", 2023), "bougouni": ("ML03", 2023),
    "koutiala": ("ML03", 2023), "san": ("ML04", 2023), "douentza": ("ML05", 2023),
    "bandiagara": ("ML05", 2023),
}


class Locator:
    """Places rows: names through the gazetteer, coordinates by point-in-polygon (full
    geometry). Results are cached per distinct value: 100,000 rows name few places."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gaz = gazetteer or Gazetteer.default()
        self.cercles = units.load_cercles()
        self.communes = units.load_communes()
        self._cercle_tree = shapely.STRtree(self.cercles.geometry.values)
        self._commune_tree = shapely.STRtree(self.communes.geometry.values)
        self._names: dict[tuple, object] = {}
        self._rows: dict[tuple, tuple] = {}
        self._placed: dict[tuple, tuple] = {}
        self._region_of = self.cercles["region_id"].to_dict()
        self.region_names = units.load_regions()["region_fr"].to_dict()
        self.cercle_names = self.cercles["cercle_fr"].to_dict()

    def resolve(self, name, level, **within):
        key = (str(name), level, tuple(sorted(within.items())))
        if key not in self._names:
            self._names[key] = self.gaz.resolve(name, level, **within)
        return self._names[key]

    def names(self, region, cercle, commune) -> tuple:
        """Resolve a row's place names (memoised): ``(region_id, cercle_id, commune_id,
        problems, warnings)``; the finest name that resolves wins."""
        key = (region, cercle, commune)
        if key not in self._rows:
            self._rows[key] = self._names_uncached(region, cercle, commune)
        return self._rows[key]

    def _names_uncached(self, region, cercle, commune) -> tuple:
        region_id = cercle_id = commune_id = None
        problems: list[Reason] = []
        warns: list[Reason] = []
        if region is not None:
            res = self.resolve(region, "region")
            reformed = REFORMED_REGIONS.get(normalise(region))
            if res.ok:
                region_id = res.code
            elif reformed:
                # a region of the 2016 or 2023 reform: it lies within one pre-2016 region;
                # a cercle or coordinates, when given, place the row more finely below
                region_id, year = reformed
                warns.append(reason("region_reformed", name=str(region), year=year,
                                    region=self.region_names[region_id]))
            else:
                problems.append(place_problem(res, "region", region))
        if cercle is not None:
            res = self.resolve(cercle, "cercle")
            if res.ok:
                cercle_id = res.code
                parent = self.region_of(cercle_id)
                if region_id and region_id != parent:
                    warns.append(reason("region_corrected", cercle=res.place.name_fr))
                region_id = parent
            else:
                problems.append(place_problem(res, "cercle", cercle))
        if commune is not None:
            within = ({"cercle": cercle_id} if cercle_id
                      else {"region": region_id} if region_id else {})
            res = self.resolve(commune, "commune", **within)
            if res.ok:
                commune_id = res.code
                cercle_id = res.place.cercle_id
                region_id = res.place.region_id
            elif cercle_id is None:
                problems.append(place_problem(res, "commune", commune))
            else:
                warns.append(reason("commune_not_found", value=str(commune)))
        return region_id, cercle_id, commune_id, tuple(problems), tuple(warns)

    def placed(self, kind: str, names: tuple, given: str | None) -> tuple:
        """:func:`_place` for a row without coordinates (memoised)."""
        key = (kind, names, given)
        if key not in self._placed:
            self._placed[key] = place_row(kind, self, names, given, None)
        return self._placed[key]

    def _points_in(self, tree, ids, lon, lat) -> np.ndarray:
        out = np.full(len(lon), None, dtype=object)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if ok.any():
            points = shapely.points(lon[ok], lat[ok])
            idx_pt, idx_poly = tree.query(points, predicate="within")
            hit = np.full(ok.sum(), None, dtype=object)
            hit[idx_pt] = np.asarray(ids)[idx_poly]
            out[ok] = hit
        return out

    def cercles_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return self._points_in(self._cercle_tree, self.cercles.index.values, lon, lat)

    def communes_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return self._points_in(self._commune_tree, self.communes.index.values, lon, lat)

    def region_of(self, cercle_id: str) -> str:
        return self._region_of[cercle_id]




def place_problem(res, level: str, value) -> Reason:
    if res.status == "ambiguous":
        return reason("place_ambiguous", level=level, value=str(value),
                       candidates=", ".join(p.label() for p in res.candidates))
    if res.suggestions:
        return reason("place_unknown_suggest", level=level, value=str(value),
                       suggestions=", ".join(res.suggestions))
    return reason("place_unknown", level=level, value=str(value))


PRECISION_ORDER = ["exact", "commune", "cercle", "region"]


def place_row(kind: str, locator: Locator, names: tuple, given: str | None, coords) -> tuple:
    """Where a row is: ``(region_id, cercle_id, commune_id, latitude, longitude, reasons,
    warnings, precision)``. Names resolve through the gazetteer (the finest that resolves
    wins); coordinates, when given, win over names. ``coords`` is None for a row without
    coordinates, else ``(raw_lat, raw_lon, lat, lon, cercle at (lon, lat), cercle at the
    swapped point, commune at, commune at swapped)``."""
    region_id, cercle_id, commune_id, problems, name_warns = locator.names(*names)
    reasons: list[Reason] = []
    warns = list(name_warns)
    name_problems = list(problems)
    lat_out = lon_out = None
    point_cercle = point_commune = None
    if coords is not None:
        raw_lat, raw_lon, lat, lon, at, swapped, at_commune, swapped_commune = coords
        ok = np.isfinite(lat) and np.isfinite(lon)
        if (raw_lat is None) != (raw_lon is None) or not ok:   # one missing, or unreadable
            reasons.append(reason("coordinates_invalid"))
        elif at is not None:
            point_cercle, point_commune = at, at_commune
        elif swapped is not None:
            lat, lon = lon, lat
            point_cercle, point_commune = swapped, swapped_commune
            warns.append(reason("coordinates_swapped"))
        else:
            reasons.append(reason("outside_mali", lat=float(lat), lon=float(lon)))
        if point_cercle is not None:
            if cercle_id and cercle_id != point_cercle:
                warns.append(reason("coordinates_win", named=locator.cercle_names[cercle_id],
                                     found=locator.cercle_names[point_cercle]))
            elif name_problems:
                warns.extend(reason("name_ignored", value=dict(p.params)["value"])
                             for p in name_problems)
            name_problems = []
            cercle_id, region_id = point_cercle, locator.region_of(point_cercle)
            commune_id = point_commune or commune_id
            lat_out, lon_out = round(float(lat), 6), round(float(lon), 6)
    reasons.extend(name_problems)
    if not reasons:
        if region_id is None:
            reasons.append(reason("location_missing"))
        elif kind in ("workshops", "mediators") and cercle_id is None:
            reasons.append(reason("cercle_needed"))
    precision = None
    if kind == "tensions":
        finest = ("exact" if point_cercle is not None else "commune" if commune_id
                  else "cercle" if cercle_id else "region")
        precision = given or finest
        if PRECISION_ORDER.index(precision) < PRECISION_ORDER.index(finest):
            precision = finest
            warns.append(reason("precision_lowered", given=given, used=finest))
    return (region_id, cercle_id, commune_id, lat_out, lon_out, tuple(reasons), tuple(warns),
            precision)
