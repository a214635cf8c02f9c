"""Translations are complete in French and English; numbers are formatted per language."""

import re
import string
from pathlib import Path

import pytest

from geo.i18n import LANGUAGES, SCREENS, TRANSLATIONS, format_number, format_significant, t
from geo.outputs.layers import LAYERS

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
    from geo.records import context
    from geo.analysis import coverage, risk
    from geo.outputs.layers import COMMUNE_LAYERS
    from geo.records.fields import GROUPS

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
    # the monitor's classes, categories, sections and the reasons a review is refused for
    from geo.analysis import monitor
    from geo.records import review
    from geo.outputs.layers import emerging_layer, hotspot_layer

    keys += [*(f"monitor.class.{c}" for c in monitor.CLASSES),
             *(f"monitor.emerging.{c}" for c in monitor.CATEGORIES),
             *(f"monitor.definition.{p}" for p in monitor.PATTERNS),
             *(f"monitor.field.{f}" for f in review.FIELDS),
             *(f"monitor.weight.{w}" for w in monitor.WEIGHTS),
             *(f"monitor.level.{v}" for v in monitor.LEVELS),
             *(f"monitor.contiguity.{v}" for v in monitor.CONTIGUITY),
             *(f"monitor.by.{g}" for g in monitor.GROUPS),
             *(f"monitor.freq.{f}" for f in monitor.FREQUENCIES)]
    for layer in (hotspot_layer("cercle"), hotspot_layer("commune"),
                  emerging_layer(list(monitor.CATEGORIES))):
        keys += [layer.label_key, layer.unit_key, *layer.class_keys]
    source = Path(review.__file__).read_text(encoding="utf-8")
    codes = re.findall(r'\(\[?\("([a-z_]+)", \{', source)
    assert {"conflict", "missing", "field", "unit"} <= set(codes)
    codes += ["verification", "status", "personal", "note_long"]   # built by name elsewhere
    keys += [f"monitor.error.{c}" for c in codes]
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


def test_no_key_is_written_twice_in_one_module():
    """A key repeated inside one ``PAIRS`` literal silently keeps the last text (the merge
    only sees the dict): read the source."""
    import ast
    from collections import Counter

    for module in SCREENS:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
                for k in node.keys if isinstance(k, ast.Constant)]
        assert [k for k, n in Counter(keys).items() if n > 1] == [], module.__name__


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_writes_a_plural_with_brackets_issue_31(lang):
    """Issue 31: "action(s) prévue(s) créée(s)", "1 rejetées": a count chooses its word."""
    bracketed = re.compile(r"\w\((?:s|e|es|x)\)")
    assert [k for k, v in TRANSLATIONS[lang].items() if bracketed.search(v)] == []


def test_a_count_chooses_singular_or_plural_in_each_language():
    assert t("planner.to_actions_done", "fr", n=1) == \
        "1 action prévue créée, liée au scénario."
    assert t("planner.to_actions_done", "fr", n=2) == \
        "2 actions prévues créées, liées au scénario."
    assert t("planner.to_actions_done", "en", n=1) == \
        "1 planned action created, linked to the scenario."
    summary = t("ingest.summary", "fr", rows=4, accepted=1, rejected=0, duplicates=2,
                warnings="1\u202f234")
    assert summary == "4 lignes : 1 acceptée, 0 rejetée, 2 doublons, 1\u202f234 avertissements."
    assert t("ingest.summary", "en", rows=1, accepted=1, rejected=0, duplicates=0,
             warnings=0) == "1 row: 1 accepted, 0 rejected, 0 duplicates, 0 warnings."
    assert t("data.done", "fr", batch=3, accepted=2, rejected=1, duplicates=0) == \
        "Import terminé (lot n° 3) : 2 lignes ajoutées, 1 rejetée, 0 doublon."
