"""Gazetteer: every common spelling resolves to its code; ambiguity and unknowns are explained."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.reference import units
from geo.reference.gazetteer import Gazetteer, normalise

GAZ = Gazetteer.default()
CERCLES = units.load_cercles()


@pytest.mark.parametrize("text, expected", [
    ("Ségou", "segou"), ("  SEGOU ", "segou"), ("Cercle de Kéniéba", "kenieba"),
    ("Cercle d'Ansongo", "ansongo"), ("Gourma-Rharous", "gourma rharous"),
    ("Région de Tombouctou", "tombouctou"), ("Bamako District", "bamako"),
    ("Tin‐Essako", "tin essako"), ("Dioïla", "dioila"), ("Commune I", "i"),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("name, code", [
    ("Timbuktu", "mli-tombouctou"), ("Tombouctou", "mli-tombouctou"),
    ("Nioro du Sahel", "mli-nioro"), ("Cercle de Nioro du Sahel", "mli-nioro"),
    ("Nioro", "mli-nioro"), ("Segou", "mli-segou"), ("SÉGOU", "mli-segou"),
    ("Tessalit", "mli-tessalit"), ("Ménaka", "mli-menaka"), ("Menaka", "mli-menaka"),
    ("Gourma Rharous", "mli-gourma-rharous"), ("Rharous", "mli-gourma-rharous"),
    ("tin essako", "mli-tin-essako"), ("Jenne", "mli-djenne"), ("Djenné", "mli-djenne"),
    ("Ke-Macina", "mli-macina"), ("Youvarou", "mli-youwarou"),
    ("District de Bamako", "mli-bamako"), ("mli-kati", "mli-kati"), ("Abeïbara", "mli-abeibara"),
])
def test_cercle_variants(name, code):
    res = GAZ.resolve(name, "cercle")
    assert res.status == "ok", res.message("en")
    assert res.code == code


@pytest.mark.parametrize("name, code", [
    ("Timbuktu", "ML06"), ("Région de Ségou", "ML04"), ("Segou Region", "ML04"),
    ("District de Bamako", "ML09"), ("Kidal", "ML08"), ("ML03", "ML03"),
])
def test_region_variants(name, code):
    assert GAZ.resolve(name, "region").code == code


def test_urban_commune_of_the_chef_lieu():
    assert GAZ.resolve("Kayes", "commune").code == "mli-kayes-kayes-commune"
    assert GAZ.resolve("Commune de Kayes", "commune").code == "mli-kayes-kayes-commune"
    assert GAZ.resolve("Commune III", "commune").code == "mli-bamako-commune-iii"
    assert GAZ.resolve("Commune 3", "commune").code == "mli-bamako-commune-iii"


def test_homonymous_communes_are_ambiguous_until_the_cercle_is_given():
    res = GAZ.resolve("Diédougou", "commune")
    assert res.status == "ambiguous" and res.code is None
    assert sorted(p.cercle_id for p in res.candidates) == [
        "mli-dioila", "mli-kati", "mli-koutiala", "mli-segou"]
    assert "ambigu" in res.message("fr") and "mli-kati-diedougou" in res.message("fr")
    assert "ambiguous" in res.message("en")
    assert GAZ.resolve("Diedougou", "commune", cercle="mli-kati").code == "mli-kati-diedougou"
    assert GAZ.resolve("Benkadi", "commune", region="ML03").code == "mli-sikasso-benkadi"


def test_unknown_names_get_suggestions():
    res = GAZ.resolve("Bandiagra", "cercle")
    assert res.status == "unknown"
    assert res.suggestions[0] == "Bandiagara"
    assert res.message("fr") == ("« Bandiagra » : nom de cercle inconnu. Vouliez-vous dire : "
                                 + ", ".join(res.suggestions) + " ?")
    assert res.message("en").startswith('"Bandiagra": unknown cercle. Did you mean: Bandiagara')
    nothing = GAZ.resolve("Zzyzx", "cercle")
    assert nothing.status == "unknown" and nothing.suggestions == ()
    assert GAZ.resolve("", "cercle").message("fr") == "Nom de lieu vide."
    assert GAZ.resolve(None, "region").status == "unknown"


def test_code_raises_with_the_message():
    assert GAZ.code("Timbuktu") == "mli-tombouctou"
    with pytest.raises(LookupError, match="ambiguous"):
        GAZ.code("Benkadi", "commune")
    with pytest.raises(ValueError):
        GAZ.resolve("Kati", "village")


_SPELLINGS = [
    lambda n: n, str.upper, str.lower, lambda n: f"Cercle de {n}", lambda n: f"  {n}  ",
    lambda n: n.replace("-", " "), lambda n: f"{n} cercle",
]


@settings(max_examples=200, deadline=None)
@given(cid=st.sampled_from(sorted(CERCLES.index)), spell=st.sampled_from(_SPELLINGS),
       use_french=st.booleans())
def test_every_cercle_resolves_to_itself_whatever_the_spelling(cid, spell, use_french):
    name = CERCLES.at[cid, "cercle_fr" if use_french else "cercle"]
    assert GAZ.resolve(spell(name), "cercle").code == cid
