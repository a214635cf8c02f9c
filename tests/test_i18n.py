"""Translations are complete in French and English; numbers are formatted per language."""

import re
import string
from pathlib import Path

import pytest

from geo.i18n import LANGUAGES, TRANSLATIONS, format_number, format_significant, t
from geo.layers import LAYERS

ROOT = Path(__file__).resolve().parent.parent


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    assert set(TRANSLATIONS["fr"]) == set(TRANSLATIONS["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_is_empty(lang):
    empty = [k for k, v in TRANSLATIONS[lang].items() if not v.strip()]
    assert empty == []


def test_placeholders_match_between_languages():
    for key, fr in TRANSLATIONS["fr"].items():
        assert _placeholders(fr) == _placeholders(TRANSLATIONS["en"][key]), key


def _keys_used_in_code():
    pattern = re.compile(r"""\b(?:tr|t)\(\s*f?["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
    files = [ROOT / "dashboard.py", *ROOT.glob("pages/*.py"), *ROOT.glob("geo/**/*.py"),
             *ROOT.glob("ui/*.py")]
    return {m.group(1) for f in files for m in pattern.finditer(f.read_text(encoding="utf-8"))}


def test_every_key_used_in_code_exists():
    used = _keys_used_in_code()
    assert len(used) > 40  # the scan does find the calls
    missing = sorted(k for k in used if k not in TRANSLATIONS["fr"])
    assert missing == []


def test_dynamic_keys_exist():
    for layer in LAYERS.values():
        for lang in LANGUAGES:
            assert t(layer.label_key, lang) and t(layer.unit_key, lang)
    for level in ("region", "cercle", "commune"):
        assert t(f"level.{level}", "en") == level
    from geo import context, coverage, risk
    from geo.layers import COMMUNE_LAYERS
    from geo.records import GROUPS

    keys = [*(f"layer.{k}{s}" for k in COMMUNE_LAYERS for s in ("", ".unit")),
            *(f"risk.{kind}.{v}" for kind, values in (
                ("dim", risk.DIMENSIONS), ("norm", risk.NORMALISATIONS),
                ("agg", risk.AGGREGATIONS), ("class", risk.CLASSES)) for v in values),
            *(f"risk.preset.{p}{s}" for p in risk.PRESETS for s in ("", ".help")),
            *(f"indicator.{i.column}{s}" for i in risk.DEFAULT_INDICATORS for s in ("", ".def")),
            *(f"gap.{c}" for c in coverage.GAP_CLASSES),
            *(f"gap.{side}.{level}" for side in ("high", "low")
              for level in (*coverage.RISK_LEVELS, "score")),
            *(f"coverage.risk_level.{level}" for level in coverage.RISK_LEVELS),
            *(f"coverage.measure.{m}" for m in coverage.COVERAGE_MEASURES),
            *(f"coverage.threshold.{m}" for m in coverage.COVERAGE_MEASURES),
            *(f"group.{g}" for g in GROUPS)]
    # every reason a rating can be refused for has a message
    source = Path(context.__file__).read_text(encoding="utf-8")
    keys += [f"risk.ctx.problem.{c}" for c in re.findall(r'problems\.append\(\("([a-z_]+)"', source)]
    assert len([k for k in keys if k.startswith("risk.ctx.problem.")]) >= 5
    missing = [k for k in keys if k not in TRANSLATIONS["fr"]]
    assert missing == []


def test_unknown_key_is_an_error_and_unknown_language_falls_back_to_french():
    with pytest.raises(KeyError):
        t("no.such.key", "fr")
    assert t("nav.overview", "de") == "Vue d'ensemble"
    assert t("nav.overview", "en") == "Overview"


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (1809106, "fr", 0, "1\u202f809\u202f106"), (1809106, "en", 0, "1,809,106"),
    (12.345, "fr", 1, "12,3"), (12.345, "en", 2, "12.35"), (0, "fr", 0, "0"),
    (float("nan"), "fr", 0, ""), (None, "en", 0, ""), (-1234.5, "fr", 1, "-1\u202f234,5"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize("value, expected", [
    (0.37612, "0,38"), (50.57, "51"), (7400, "7\u202f400"), (3.2, "3,2"), (0, "0")])
def test_format_significant_fr(value, expected):
    assert format_significant(value, "fr", 2) == expected
