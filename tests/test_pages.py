"""Every page under AppTest: runs without exception, switches language, honours ?cercle=."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = ["pages/overview.py", "pages/risk.py", "pages/methodology.py", "pages/data.py",
         "pages/provenance.py"]


def _app(**query):
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _select(at, key):
    """The select box holding ``key`` (widgets are keyed per language: ``key@lang``)."""
    (box,) = [b for b in at.selectbox if b.key.split("@")[0] == key]
    return box


def _map_args(at):
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_runs_in_both_languages(page, lang):
    at = _app()
    if lang == "en":
        at.sidebar.radio(key="ui_language").set_value("en").run()
    at.switch_page(page).run()
    assert not at.exception
    assert len(at.title) == 1


def test_home_is_the_overview_with_a_map_of_fifty_cercles():
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Vue d'ensemble des cercles"
    assert _select(at, "cercle").placeholder == "— aucun —"    # not Streamlit's English default
    args = _map_args(at)
    assert args["js_links"] == ["/app/static/vendor/leaflet-1.9.3/leaflet.js"]
    assert args["css_links"] == ["/app/static/vendor/leaflet-1.9.3/leaflet.css"]
    assert args["script"].count('"cercle_id": "mli-') == 50
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]


def test_language_switch_changes_visible_labels_and_survives_navigation():
    at = _app()
    assert _select(at, "layer").label == "Couche affichée"
    assert at.sidebar.radio(key="ui_language").value == "fr"
    at.sidebar.radio(key="ui_language").set_value("en").run()
    assert at.title[0].value == "Overview of the cercles"
    assert _select(at, "layer").label == "Map layer"
    assert _select(at, "layer").options[0] == "Population density"
    at.switch_page("pages/provenance.py").run()
    assert at.title[0].value == "Sources, licences and method"
    assert at.sidebar.radio(key="ui_language").value == "en"
    at.sidebar.radio(key="ui_language").set_value("fr").run()
    assert at.title[0].value == "Sources, licences et méthode"


def test_lang_query_parameter_sets_the_first_language():
    at = _app(lang="en")
    assert at.title[0].value == "Overview of the cercles"


def test_cercle_query_parameter_selects_the_cercle():
    at = _app(cercle="mli-mopti")
    assert not at.exception
    assert _select(at, "cercle").value == "mli-mopti"
    assert "### Mopti" in [m.value for m in at.markdown]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Population (2009)"] == "368\u202f512"
    assert metrics["Superficie (km²)"] == "7\u202f284"
    assert "mli-mopti" in _map_args(at)["feature_group"]       # outlined on the map
    field = next(m.value for m in at.markdown if m.value.startswith("**Terrain**"))
    assert field == ("**Terrain** — sessions d'atelier : 1, participants : 33 · médiateurs "
                     "actifs : 32 (0,87 pour 10 000 hab.) · signalements : 15")   # demo seed


def test_choosing_a_cercle_in_the_list_updates_the_url():
    at = _app()
    _select(at, "cercle").select("mli-kidal").run()
    assert at.query_params["cercle"] == "mli-kidal"
    assert "### Kidal" in [m.value for m in at.markdown]
    _select(at, "cercle").select(None).run()
    assert "cercle" not in at.query_params


def test_estimated_population_is_flagged_in_the_details():
    at = _app(cercle="mli-yorosso")
    assert any("Population estimée" in w.value for w in at.warning)


def test_unknown_cercle_in_the_url_is_reported_not_raised():
    at = _app(cercle="mli-atlantis")
    assert not at.exception
    assert any("mli-atlantis" in w.value for w in at.warning)
    assert _select(at, "cercle").value is None


def test_layer_selector_changes_the_map():
    at = _app()
    before = _map_args(at)["script"]
    _select(at, "layer").select("population").run()
    after = _map_args(at)["script"]
    assert before != after
    assert "habitants (RGPH 2009)" in json.loads(f'"{_legend_text(after)}"')


def _legend_text(script):
    start = script.index('[["bottomright", "') + len('[["bottomright", "')
    return script[start:script.index('"]', start)]


def test_provenance_page_states_sources_version_and_census():
    at = _app()
    at.switch_page("pages/provenance.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "8 régions et le District de Bamako, 49 cercles" in text
    assert "14\u202f517\u202f176" in text and "Kolondiéba, Yorosso" in text
    table = at.table[0].value
    assert len(table) == 4
    assert list(table["Licence"][:3]) == ["CC BY 4.0"] * 3
    assert list(table["Entités"]) == ["9", "50", "701", "50"]
    assert "geoBoundaries MLI 2017, structure antérieure à 2016" in " ".join(
        c.value for c in at.sidebar.caption)


def test_demo_banner_on_every_page():
    at = _app()
    for page in PAGES:
        at.switch_page(page).run()
        assert any("Données de démonstration" in w.value for w in at.warning), page


def test_data_page_shows_store_history_and_export():
    at = _app()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Données de terrain : import et export"
    assert any("1424 médiateurs" in c.value for c in at.caption)
    history = at.dataframe[0].value
    assert set(history["Fichier"]) >= {"demo-workshops-seed20180729"}
    at.sidebar.radio(key="ui_language").set_value("en").run()
    assert at.title[0].value == "Field data: import and export"
    assert [h.value for h in at.header] == ["Import a file", "Import history", "Export",
                                           "Demonstration data"]
