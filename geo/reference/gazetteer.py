"""Gazetteer: the single door through which place names enter Veille.

It resolves any common spelling of a region, cercle or commune to its code, tolerating case,
accents, hyphens and apostrophes, prefixes such as "Cercle de …" and known variants
(Timbuktu → Tombouctou, Nioro du Sahel → Nioro, Segou → Ségou, …). When a name is unknown or
ambiguous it says so and suggests the nearest names.

Example
-------
>>> gaz = Gazetteer.default()
>>> gaz.resolve("Cercle de Nioro du Sahel").code
'mli-nioro'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import pandas as pd

from geo.reference import units
from geo.i18n import t

Level = Literal["region", "cercle", "commune"]
LEVELS: tuple[Level, ...] = ("region", "cercle", "commune")

# Words that introduce or qualify a name and carry no identity ("Cercle de Kati").
_PREFIXES = re.compile(
    r"^(?:(?:region|district|cercle|commune(?: rurale| urbaine)?|prefecture)"
    r"(?: de la| de l| des| de| du| d| of)?\s+)+"
)
_SUFFIXES = re.compile(r"\s+(?:region|district|cercle|prefecture)$")

#: Known variants, written in normalised form (see :func:`normalise`), per level.
VARIANTS: dict[str, dict[str, str]] = {
    "region": {
        "timbuktu": "tombouctou", "tombuctu": "tombouctou", "tomboctou": "tombouctou",
        "segu": "segou", "bamako district": "bamako", "bamako capital district": "bamako",
        "koulikouro": "koulikoro",
    },
    "cercle": {
        "timbuktu": "tombouctou", "tomboctou": "tombouctou", "tombuctu": "tombouctou",
        "nioro du sahel": "nioro", "segu": "segou", "jenne": "djenne", "djene": "djenne",
        "rharous": "gourma rharous", "gourma rarhous": "gourma rharous",
        "tinessako": "tin essako", "tin esako": "tin essako",
        "ke macina": "macina", "kemacina": "macina", "barouelli": "baroueli",
        "baraoueli": "baroueli", "youvarou": "youwarou", "tenenku": "tenenkou",
        "bankas": "bankass", "abeibara": "abeibara", "bamako district": "bamako",
        "district de bamako": "bamako", "kolondieba": "kolondieba", "koulikouro": "koulikoro",
        "kadiollo": "kadiolo", "kenieba": "kenieba", "yelimane": "yelimane",
    },
    "commune": {
        "timbuktu": "tombouctou", "segu": "segou", "nioro du sahel": "nioro",
        "1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v", "6": "vi",
    },
}


def normalise(name: object) -> str:
    """Reduce a place name to its matching form.

    Lower case, accents removed, apostrophes/hyphens/punctuation as spaces, whitespace collapsed,
    then leading "Région de", "Cercle de", "Commune de", "District de"… and trailing "Region",
    "Cercle" dropped. ``"Cercle de Kéniéba"`` → ``"kenieba"``.
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    stripped = _SUFFIXES.sub("", _PREFIXES.sub("", text)).strip()
    return stripped or text


@dataclass(frozen=True)
class Place:
    """One administrative unit as the gazetteer knows it."""

    level: Level
    code: str
    name_fr: str
    region_id: str
    cercle_id: str | None = None

    def label(self) -> str:
        """A human label that tells homonyms apart, e.g. ``Benkadi (mli-bla-benkadi)``."""
        return f"{self.name_fr} ({self.code})"


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one name.

    ``status`` is ``"ok"`` (one match: :attr:`code`), ``"ambiguous"`` (several
    :attr:`candidates`) or ``"unknown"`` (none; :attr:`suggestions` holds near names).
    """

    query: str
    level: Level
    status: Literal["ok", "ambiguous", "unknown"]
    candidates: tuple[Place, ...] = ()
    suggestions: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def code(self) -> str | None:
        return self.candidates[0].code if self.status == "ok" else None

    @property
    def place(self) -> Place | None:
        return self.candidates[0] if self.status == "ok" else None

    def message(self, lang: str = "fr") -> str:
        """A one-line explanation for the user (empty when resolved)."""
        level = t(f"level.{self.level}", lang)
        if self.status == "ok":
            return ""
        if not normalise(self.query):
            return t("gazetteer.empty", lang)
        if self.status == "ambiguous":
            names = ", ".join(p.label() for p in self.candidates)
            return t("gazetteer.ambiguous", lang, query=self.query, candidates=names)
        if self.suggestions:
            return t("gazetteer.unknown_suggest", lang, query=self.query, level=level,
                     suggestions=", ".join(self.suggestions))
        return t("gazetteer.unknown", lang, query=self.query, level=level)


class Gazetteer:
    """Name → code lookup over regions, cercles and communes.

    Parameters
    ----------
    regions, cercles, communes : DataFrame
        As returned by :mod:`geo.reference.units` (``region_id``/``region_fr``/``region``,
        ``cercle_id``/``cercle_fr``/``cercle``, ``commune_id``/``commune_fr``/``commune``).
    """

    def __init__(self, regions: pd.DataFrame, cercles: pd.DataFrame, communes: pd.DataFrame):
        self._index: dict[str, dict[str, list[Place]]] = {lvl: defaultdict(list) for lvl in LEVELS}
        self._display: dict[str, dict[str, str]] = {lvl: {} for lvl in LEVELS}
        for row in regions.itertuples(index=False):
            place = Place("region", row.region_id, row.region_fr, row.region_id)
            self._add(place, row.region_fr, row.region, row.region_id)
        for row in cercles.itertuples(index=False):
            place = Place("cercle", row.cercle_id, row.cercle_fr, row.region_id, row.cercle_id)
            self._add(place, row.cercle_fr, row.cercle, row.cercle_id)
        for row in communes.itertuples(index=False):
            place = Place("commune", row.commune_id, row.commune_fr, row.region_id, row.cercle_id)
            names = [row.commune_fr, row.commune, row.commune_id]
            # "Kayes Commune" is the urban commune of the chef-lieu: "Commune de Kayes", "Kayes".
            if row.commune.endswith(" Commune"):
                names.append(row.commune[: -len(" Commune")])
            self._add(place, *names)

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer over the reference data shipped in ``data/`` (built once)."""
        return _default_gazetteer()

    def _add(self, place: Place, *names: str) -> None:
        for name in names:
            key = normalise(name)
            if key and place not in self._index[place.level][key]:
                self._index[place.level][key].append(place)
                self._display[place.level].setdefault(key, place.name_fr)

    def resolve(self, name: object, level: Level = "cercle", *, region: str | None = None,
                cercle: str | None = None) -> Resolution:
        """Resolve ``name`` at ``level`` to a code.

        Parameters
        ----------
        name : str
            Any common spelling, or the code itself.
        level : {"region", "cercle", "commune"}
        region, cercle : str, optional
            Codes that restrict the search (e.g. a commune within a known cercle); they
            disambiguate homonyms such as the four communes named Diédougou.
        """
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        query = "" if name is None else str(name)
        key = normalise(query)
        if not key:
            return Resolution(query, level, "unknown")
        key = VARIANTS[level].get(key, key)
        found = list(self._index[level].get(key, ()))
        if region:
            found = [p for p in found if p.region_id == region]
        if cercle:
            found = [p for p in found if p.cercle_id == cercle]
        if len(found) == 1:
            return Resolution(query, level, "ok", (found[0],))
        if len(found) > 1:
            return Resolution(query, level, "ambiguous", tuple(found))
        return Resolution(query, level, "unknown", (), self._suggest(key, level, region, cercle))

    def _suggest(self, key: str, level: Level, region: str | None, cercle: str | None,
                 n: int = 3) -> tuple[str, ...]:
        keys = [k for k, places in self._index[level].items()
                if any((not region or p.region_id == region) and (not cercle or p.cercle_id == cercle)
                       for p in places)]
        close = difflib.get_close_matches(key, keys, n=n * 2, cutoff=0.6)
        names = dict.fromkeys(self._display[level][k] for k in close)
        return tuple(list(names)[:n])

    def code(self, name: object, level: Level = "cercle", **within: str | None) -> str:
        """Like :meth:`resolve` but return the code or raise ``LookupError`` with the message."""
        res = self.resolve(name, level, **within)
        if not res.ok:
            raise LookupError(res.message("en"))
        return res.code  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer(units.load_regions(), units.load_cercles(), units.load_communes())
