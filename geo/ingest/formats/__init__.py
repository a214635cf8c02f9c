"""Source formats: how a file's headers map to Veille's fields, one module per format.

A format is recognised from its headers (:func:`detect`) and says how its columns map
(:attr:`Format.aliases`, on top of Veille's own), which columns it ignores silently, how far
back its history goes, what attribution its data needs, and how its own columns translate
into Veille's fields (:attr:`Format.translate`). Adding a source format means adding one
module with its :data:`FORMAT` and listing it in :data:`FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

#: Earliest date accepted for Veille's own field records (the mission's records start later).
FIELD_EARLIEST = date(2012, 1, 1)


@dataclass(frozen=True)
class Format:
    """One source format.

    Attributes
    ----------
    key : str
        Stable code, stored with the batch (``veille``, ``acled``, ``ucdp``).
    label_key : str
        Translation key of its name, as the Data page shows it.
    kinds : tuple
        Record kinds it holds.
    markers : frozenset
        Normalised headers that recognise it; ``min_markers`` of them are needed.
    aliases : dict
        Normalised header → field (or ``__name__`` helper column for :attr:`translate`, or
        None: ignored on purpose), on top of Veille's own aliases for the kind; ``drop``
        removes some of those.
    silent : frozenset
        Normalised headers ignored without being listed as ignored (ACLED's world region).
    earliest : date
        First date accepted (a source's history goes back further than the mission's).
    attribution : str or None
        Text its data must carry wherever it is shown.
    public_text : bool
        Its free text is public reporting: only phones and e-mails are screened there.
    translate : callable or None
        ``translate(record, helper, reasons)`` fills Veille's fields from the format's own
        columns (``helper(name)`` gives the row's ``__name__`` cell as text, or None).
    """

    key: str
    label_key: str
    kinds: tuple[str, ...]
    markers: frozenset[str]
    min_markers: int
    aliases: dict[str, str | None]
    drop: tuple[str, ...] = ()
    silent: frozenset[str] = frozenset()
    earliest: date = FIELD_EARLIEST
    attribution: str | None = None
    public_text: bool = False
    translate: Callable | None = field(default=None, compare=False)

    def mapping(self, kind: str) -> dict[str, str]:
        """Normalised header → field for a kind, Veille's aliases included."""
        from geo.ingest.formats import veille

        out = {**veille.aliases(kind), **self.aliases}
        for name in self.drop:
            out.pop(name, None)
        return out


def public_event(rec: dict, source: str, precision: dict[int, str], fallback: str) -> None:
    """What every public event source (ACLED, UCDP) sets the same way: its ``source_type``,
    ``verified`` (the source reviews its events), the location precision from the source's
    own code (``fallback`` for a code it does not list) and a severity from the fatalities."""
    rec["source_type"] = source
    rec["verification"] = "verified"
    if rec.get("location_precision") is None and rec.get("geo_precision") is not None:
        rec["location_precision"] = precision.get(rec["geo_precision"], fallback)
    if rec.get("severity") is None:
        rec["severity"] = severity_from_fatalities(rec.get("fatalities"))


def severity_from_fatalities(fatalities: int | None) -> int:
    """Severity for ACLED/UCDP events, which have none: 0 deaths → 2, 1–4 → 3, 5–24 → 4,
    25 or more → 5."""
    n = fatalities or 0
    return 2 if n == 0 else 3 if n < 5 else 4 if n < 25 else 5


def formats() -> tuple[Format, ...]:
    """Every known format, the most specific first."""
    from geo.ingest.formats import acled, ucdp, veille

    return (acled.FORMAT, ucdp.FORMAT, veille.FORMAT)


def detect(kind: str, headers: set[str]) -> Format:
    """The format of a file of ``kind`` from its normalised headers (Veille's by default)."""
    for fmt in formats():
        if kind in fmt.kinds and fmt.min_markers and len(fmt.markers & headers) >= fmt.min_markers:
            return fmt
    return by_key("veille")


def by_key(key: str) -> Format:
    """A format from its key."""
    return next(f for f in formats() if f.key == key)




#: ``source_type`` → first accepted date, for events of a public source found in a Veille
#: file (its own export); equal to those formats' ``earliest`` (a test checks it).
SOURCE_EARLIEST: dict[str, date] = {"acled": date(1997, 1, 1), "ucdp": date(1989, 1, 1)}


def attribution(source_type: str | None) -> str | None:
    """The attribution a record of this ``source_type`` must carry (ACLED, UCDP), or None."""
    return next((f.attribution for f in formats() if f.key == source_type), None)
