"""The reference data as one object, loaded once: units, their representative points, the
disclosure zones, estimated commune populations, the distance projection.

Computations take a :class:`Reference` (default: :func:`load`, the shipped data), so that
they can be tested on a small hand-made one, and none of them loads boundaries itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import geopandas as gpd
import pandas as pd

from geo.reference import units


@dataclass(frozen=True, eq=False)
class Reference:
    """Regions, cercles and communes (analysis geometry, EPSG:4326, indexed by id), the
    communes' disclosure zones and their points."""

    regions: gpd.GeoDataFrame
    cercles: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    zone_of: pd.Series = field(repr=False)
    zone_points: pd.DataFrame = field(repr=False)

    @cached_property
    def points(self) -> dict[str, gpd.GeoSeries]:
        """Representative point (a point inside the unit) per ``region``, ``cercle`` and
        ``commune``: where what is known only at that level is drawn or measured from."""
        return {"region": self.regions.geometry.representative_point(),
                "cercle": self.cercles.geometry.representative_point(),
                "commune": self.communes.geometry.representative_point()}

    @cached_property
    def towns(self) -> pd.DataFrame:
        """The regional capitals (name, lon, lat): each drawn at its urban commune's
        representative point (:data:`TOWN_COMMUNES`; the reference data has no town points,
        and these communes are 12–400 km² except Kidal's, whose point lies some km from the
        town)."""
        pts = self.points["commune"]
        return pd.DataFrame([{"name": name, "lon": pts[cid].x, "lat": pts[cid].y}
                             for cid, name in TOWN_COMMUNES.items() if cid in pts.index])

    def communes_at(self, lon, lat):
        """``commune_id`` of the commune holding each point (None outside), analysis
        geometry."""
        import numpy as np
        import shapely

        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        hit_pt, hit_poly = self._commune_tree.query(points, predicate="within")
        out = np.full(len(points), None, dtype=object)
        out[hit_pt] = self.communes.index.values[hit_poly]
        return out

    @cached_property
    def _commune_tree(self):
        import shapely

        return shapely.STRtree(self.communes.geometry.values)

    @cached_property
    def commune_population(self) -> pd.Series:
        """Estimated population per commune (persons): the cercle's census population shared
        by area (no commune figures exist in the reference data)."""
        area = self.communes["area_km2"].astype(float)
        share = area / area.groupby(self.communes["cercle_id"]).transform("sum")
        return share * self.communes["cercle_id"].map(self.cercles["population"]).astype(float)


#: The regional capitals and the urban commune that stands for each on the maps.
TOWN_COMMUNES = {
    "mli-bamako-commune-iii": "Bamako", "mli-kayes-kayes-commune": "Kayes",
    "mli-koulikoro-koulikoro-commune": "Koulikoro", "mli-sikasso-sikasso-commune": "Sikasso",
    "mli-segou-segou-commune": "Ségou", "mli-mopti-mopti-commune": "Mopti",
    "mli-tombouctou-tombouctou": "Tombouctou", "mli-gao-gao": "Gao", "mli-kidal-kidal": "Kidal",
}


@lru_cache(maxsize=1)
def load() -> Reference:
    """The shipped reference data (``data/``), built once per process."""
    return Reference(units.load_regions(), units.load_cercles(), units.load_communes(),
                     units.commune_zones(), units.zone_points())
