"""Translations (French first, English complete) and locale-aware number formatting.

Every user-facing string goes through :func:`t`. The texts are in one format: one module per
screen (``common``, ``overview``, ``risk``, ``methodology``, ``coverage``, ``data``,
``provenance``, ``access``), each a ``PAIRS`` dict of key → (French, English), so both languages of a
text sit side by side and a missing one cannot be written. A key missing or empty in either
language, or defined in two modules, is a bug that ``tests/test_i18n.py`` catches.
"""

from __future__ import annotations

import math

from geo.i18n import (access, brief, cli, common, coverage, data, intake, methodology,
                      monitor, overview, planner, provenance, risk, triggers)

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

SCREENS = (common, overview, risk, methodology, coverage, data, provenance, access, planner,
           brief, monitor, cli, intake, triggers)


def _merge() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"fr": {}, "en": {}}
    for module in SCREENS:
        for key, (fr, en) in module.PAIRS.items():
            if key in out["fr"]:
                raise KeyError(f"translation key {key!r} defined twice")
            out["fr"][key], out["en"][key] = fr, en
    return out


TRANSLATIONS: dict[str, dict[str, str]] = _merge()


def normalise_language(lang: str | None) -> str:
    """Return a supported language code, falling back to French."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``values``.

    Raises
    ------
    KeyError
        If the key is unknown: a missing translation is a bug, not something to hide.
    """
    lang = normalise_language(lang)
    text = TRANSLATIONS[lang][key]
    if not values:
        return text
    if "|" in text:          # a plural chosen by a count: {n:rejetée|rejetées}
        values = {k: _Count(v, lang) for k, v in values.items()}
    return text.format(**values)


class _Count:
    """A value of :func:`t` whose format spec may be ``singular|plural``: the word agreeing
    with the value (French: 0 and 1 take the singular; English: 1 only). Any other spec
    formats the value itself."""

    def __init__(self, value, lang: str):
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return format(self.value, spec)
        singular, plural = spec.split("|", 1)
        return singular if is_singular(self.value, self.lang) else plural

    def __str__(self) -> str:
        return str(self.value)


def is_singular(value, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether a count takes the singular in ``lang`` (French: below 2; English: exactly 1).
    A count already formatted ("1 234", "1,5") is read back; anything else is plural."""
    if isinstance(value, str):
        text = "".join(value.split()).replace("\u202f", "").replace("\u00a0", "")
        try:
            value = float(text.replace(",", ".") if lang == "fr" else text.replace(",", ""))
        except ValueError:
            return False
    try:
        number = abs(float(value))
    except (TypeError, ValueError):
        return False
    return number < 2 if normalise_language(lang) == "fr" else number == 1


_THIN_SPACE = "\u202f"  # French thousands separator (narrow no-break space)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value, lang: str = DEFAULT_LANGUAGE, time: bool = False) -> str:
    """A date for display: ``29/07/2018`` in French, ``29 Jul 2018`` in English (a datetime
    with ``time`` adds ``HH:MM``); empty for None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    text = (value.strftime("%d/%m/%Y") if normalise_language(lang) == "fr"
            else f"{value.day:02d} {_MONTHS_EN[value.month - 1]} {value.year}")
    if time and hasattr(value, "hour"):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def format_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE,
                  decimals: int = 0) -> str:
    """Format a number for display: ``1 234,5`` in French, ``1,234.5`` in English.

    ``None`` and NaN give an empty string (callers show "no data" explicitly).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{decimals}f}"
    if normalise_language(lang) == "fr":
        text = text.replace(",", _THIN_SPACE).replace(".", ",")
    return text


def format_significant(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 2) -> str:
    """Format with about ``digits`` significant digits (for legends and densities)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value == 0:
        return format_number(0, lang)
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return format_number(value, lang, decimals)
