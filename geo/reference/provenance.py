"""Provenance of the reference data: what each file is, where it comes from, its licence.

The Provenance page and briefings read from here, so that what is claimed is computed from
the files actually shipped (feature counts, checksums), not written by hand twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from geo.reference.units import DATA_DIR

GEOBOUNDARIES = ("geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via UN OCHA "
                 "(HDX), build 2021-06-12")
GB_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Dataset:
    """One shipped reference file."""

    key: str          # translation key suffix: ``dataset.<key>``
    file: str
    source: str
    licence: str
    version: str

    def path(self):
        return DATA_DIR / self.file

    def sha256(self) -> str:
        return hashlib.sha256(self.path().read_bytes()).hexdigest()

    def n_features(self) -> int:
        """Features (GeoJSON) or data rows (CSV) in the file."""
        if self.file.endswith(".geojson"):
            return len(json.loads(self.path().read_text(encoding="utf-8"))["features"])
        with self.path().open(encoding="utf-8") as fh:
            return sum(1 for line in fh if not line.startswith("#")) - 1


DATASETS: tuple[Dataset, ...] = (
    Dataset("regions", "mali_adm1.geojson", GEOBOUNDARIES + "; dissolved from ADM2",
            GB_LICENCE, "MLI-ADM2-8926073, boundaryYear 2017"),
    Dataset("cercles", "mali_adm2.geojson", GEOBOUNDARIES, GB_LICENCE,
            "MLI-ADM2-8926073, boundaryYear 2017"),
    Dataset("communes", "mali_adm3.geojson", GEOBOUNDARIES, GB_LICENCE,
            "MLI-ADM3-61693064, boundaryYear 2017"),
    Dataset("zones", "mali_disclosure_zones.csv",
            "Veille, derived from the communes (geo.analysis.disclosure.zones)", GB_LICENCE,
            "zones of at least 1,257 km² (a 20 km-radius disc)"),
    Dataset("neighbours", "mali_cercle_neighbours.csv",
            "Veille, derived from the cercles (libpysal queen contiguity)", GB_LICENCE,
            "queen contiguity, boundaryYear 2017"),
    Dataset("elections", "mali_elections.csv",
            "Mali's election calendar (MATD announcements, Constitutional Court; IFES "
            "ElectionGuide)", "facts (public record)", "every national round 2013–2023"),
    Dataset("population", "mali_cercle_population.csv",
            "INSTAT Mali, RGPH 2009 provisional results (as reproduced on Wikipedia)",
            "official statistics (facts); Wikipedia text CC BY-SA", "RGPH 2009 (1 April 2009)"),
)
