"""The tensions monitor page under AppTest: the review queue as analysts and viewers use it,
every section, the Overview's alerts. Each test has its own store (a review changes the
demonstration records that other tests count)."""

import pytest

from geo.records import review, store
from tests.support import ADMIN, shown
from ui.lang import md_escape
from tests.test_pages import ANALYST_CLAIMS, VIEWER_CLAIMS, _app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture()
def url(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'monitor.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    return url


def _monitor(claims=None, **query):
    at = _app(claims, **query)
    at.switch_page("pages/monitor.py").run()
    assert not at.exception, at.exception
    return at


def _saved(rid: str) -> str:
    """The confirmation as Markdown (the report's code, from a file, escaped)."""
    return f"Enregistré : signalement {md_escape(rid)} mis à jour."


def _save(at):
    [b for b in at.button if b.label == "Enregistrer"][0].click().run()
    assert not at.exception, at.exception


def test_an_analyst_verifies_follows_up_and_sees_the_history(url):
    at = _monitor(ANALYST_CLAIMS)
    caption = next(c.value for c in at.caption if " à vérifier, " in c.value)
    assert caption.startswith("2\u202f317 signalements : 1\u202f004 à vérifier, 664 en suivi.")
    queue = at.dataframe[0].value
    assert len(queue) == 200
    assert set(queue["Vérification"][:10]) == {"Non vérifié"}          # awaiting first
    rid = at.selectbox(key="mon_report@fr").value
    assert rid == queue["Signalement"].iloc[0]
    at.radio(key=f"mon_v_{rid}_0_fr").set_value("verified")
    at.radio(key=f"mon_s_{rid}_0_fr").set_value("follow_up")
    at.selectbox(key=f"mon_u_{rid}_0_fr").set_value("regional_office")
    at.checkbox(key=f"mon_e_{rid}_0_fr").check()
    at.text_area(key=f"mon_n_{rid}_0_fr").input("Réunion avec les chefs de village prévue.")
    _save(at)
    assert any(_saved(rid) in s.value for s in at.success)
    engine = store.make_engine(url)
    state = review.states(engine).loc[rid]
    assert (state["unit"], bool(state["escalated"]), state["revision"]) == \
        ("regional_office", True, 1)
    tensions = store.load_records(engine, "tensions").set_index("report_id")
    assert tuple(tensions.loc[rid, ["verification", "status"]]) == ("verified", "follow_up")
    # the report is no longer awaiting verification: the count says so
    caption = next(c.value for c in at.caption if " à vérifier, " in c.value)
    assert "1\u202f003 à vérifier, 665 en suivi" in caption
    # escalated only: the one report, its history shown on it
    at.toggle(key="mon_escalated").set_value(True).run()
    assert at.dataframe[0].value["Signalement"].tolist() == [rid]
    assert at.selectbox(key="mon_report@fr").value == rid
    history = [d.value for d in at.dataframe if "Champ" in d.value.columns][0]
    assert history["Champ"].tolist() == ["vérification", "suivi", "unité responsable",
                                         "remonté", "note d'action"]
    assert history["Modification"].iloc[0] == "Non vérifié → Vérifié"
    assert set(history["Qui"]) == {"a@example.org"}


@pytest.mark.slow
def test_a_review_on_a_stale_copy_is_refused_and_the_current_values_shown(url):
    at = _monitor(ANALYST_CLAIMS)
    rid = at.selectbox(key="mon_report@fr").value
    engine = store.make_engine(url)
    before = store.load_records(engine, "tensions").set_index("report_id").loc[rid, "status"]
    other = "open" if before != "open" else "resolved"
    assert review.change(engine, ADMIN, rid, 0, status=other) == 1    # someone else, meanwhile
    at.radio(key=f"mon_v_{rid}_0_fr").set_value("false")
    _save(at)
    assert any("modifié entre-temps par admin@example.org" in shown(e.value) for e in at.error), \
        [e.value for e in at.error] + [s.value for s in at.success]
    tensions = store.load_records(engine, "tensions").set_index("report_id")
    assert tuple(tensions.loc[rid, ["verification", "status"]]) == ("unverified", other)
    at.run()
    assert at.radio(key=f"mon_s_{rid}_1_fr").value == other            # the current values
    at.radio(key=f"mon_v_{rid}_1_fr").set_value("false")
    _save(at)
    assert any("mis à jour" in s.value for s in at.success)
    assert review.states(engine).loc[rid, "revision"] == 2


def test_personal_data_in_a_note_is_refused_and_nothing_stored(url):
    at = _monitor(ANALYST_CLAIMS)
    rid = at.selectbox(key="mon_report@fr").value
    at.text_area(key=f"mon_n_{rid}_0_fr").input("Appeler Mme Coulibaly au 76 12 34 56")
    _save(at)
    assert any("données personnelles" in e.value for e in at.error)
    assert review.history(store.make_engine(url)).empty


def test_filters_narrow_the_queue(url):
    at = _monitor(ANALYST_CLAIMS)
    at.multiselect(key="mon_cats@fr").set_value(["clash"])
    at.multiselect(key="mon_sev").set_value([5]).run()
    queue = at.dataframe[0].value
    assert set(queue["Catégorie"]) == {"Affrontement"} and set(queue["Gravité"]) == {5}
    reports = store.load_records(store.make_engine(url), "tensions")
    expected = int(((reports["category"] == "clash") & (reports["severity"] == 5)).sum())
    assert len(queue) == expected


def test_a_language_switch_keeps_the_filters_and_the_report_under_review(url):
    """Regression (stop 36's walk): after a switch to English the category filter still
    showed "Groupe armé", the review's radios were unticked and the next click dropped every
    filter: Streamlit keeps an options widget's state by its labels, which the switch
    changed. The filters and the report picker now keep their values per language."""
    at = _monitor(ANALYST_CLAIMS)
    at.multiselect(key="mon_cats@fr").set_value(["clash"])
    at.multiselect(key="mon_ver@fr").set_value(["unverified"]).run()
    french = len(at.dataframe[0].value)
    rid = at.selectbox(key="mon_report@fr").value
    at.sidebar.radio(key="ui_language").set_value("en").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="mon_cats@en").value == ["clash"]
    assert at.multiselect(key="mon_ver@en").value == ["unverified"]
    assert at.selectbox(key="mon_report@en").value == rid
    assert at.radio(key=f"mon_v_{rid}_0_en").value == "unverified"      # ticked
    queue = at.dataframe[0].value
    assert len(queue) == french and set(queue["Category"]) == {"Clash"}
    # the next click keeps them (it dropped every filter)
    [b for b in at.button if b.label == "Next report"][0].click().run()
    assert at.multiselect(key="mon_cats@en").value == ["clash"]
    assert len(at.dataframe[0].value) == french
    assert at.selectbox(key="mon_report@en").value != rid
    at.sidebar.radio(key="ui_language").set_value("fr").run()
    assert at.multiselect(key="mon_cats@fr").value == ["clash"]


def test_viewers_read_the_queue_but_cannot_review(url):
    at = _monitor(VIEWER_CLAIMS)
    assert any("Lecture seule" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Enregistrer"]
    assert len(at.dataframe[0].value) == 200


@pytest.mark.parametrize("section", ["trends", "hotspots", "emerging", "alerts", "triggers"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_section_runs_in_both_languages(section, lang):
    at = _monitor(section=section, lang=lang)
    assert len(at.title) == 1
    assert at.title[0].value == ("Veille des tensions" if lang == "fr" else "Tensions monitor")
    if section == "hotspots":
        table = at.dataframe[0].value
        column = "Classe" if lang == "fr" else "Class"
        # the demo's last 90 days: one hot spot at 99 % (Kangaba, its neighbours' reports)
        assert list(table.iloc[:, 0]) == ["Kangaba"]
        assert all(c.startswith(("Point chaud", "Hot spot")) for c in table[column])
    if section == "alerts":
        table = at.dataframe[0].value
        assert list(table.iloc[:, 0]) == ["Mopti", "Mopti"]      # the demo's alerts: 30, 14 days
    if section == "trends":
        assert len(at.get("vega_lite_chart")) == 2
    if section == "triggers":                          # none defined: said so, and the form
        assert any(("Aucun déclencheur" if lang == "fr" else "No trigger") in i.value
                   for i in at.info)


def test_the_overview_lists_the_alerts_with_a_link_to_the_monitor():
    at = _app()
    warning = next(w.value for w in at.warning if "Alertes au" in w.value)
    assert "Mopti — 3 signalements en 30 jours, 0,16 attendus" in warning.replace("\\", "")


def test_the_monitor_is_an_analysis_page_with_the_brief_and_the_period_panel():
    at = _monitor()
    labels = [b.label for b in at.sidebar.button]
    assert "Préparer le brief de cette vue" in labels
    assert at.sidebar.date_input[0].label == "Date de référence"


def test_a_saved_review_says_saved_keeps_the_report_and_next_moves_on_issue_31(url):
    """Issue 31: saving a review said nothing where the user was, jumped to another report
    and the reviewed one could no longer be found (only the first 200 were listed)."""
    at = _monitor(ANALYST_CLAIMS)
    picker = at.selectbox(key="mon_report@fr")
    ids = [o.split(" — ")[0] for o in picker.options]
    assert len(ids) == 2317                             # the whole queue, not its first 200
    rid, second = ids[0], ids[1]
    at.radio(key=f"mon_v_{rid}_0_fr").set_value("verified")
    _save(at)
    # said in place and in a toast, in the screen's language; the report stays selected
    assert _saved(rid) in [s.value for s in at.success]
    assert _saved(rid) in [t.value for t in at.toast]
    assert at.selectbox(key="mon_report@fr").value == rid
    assert at.radio(key=f"mon_v_{rid}_1_fr").value == "verified"
    # verified, it left the head of the queue; "next report" takes the one that followed it
    [b for b in at.button if b.label == "Signalement suivant"][0].click().run()
    assert at.selectbox(key="mon_report@fr").value == second
    # a report far down the queue can be chosen and reviewed
    far = ids[2000]
    at.selectbox(key="mon_report@fr").set_value(far).run()
    at.radio(key=f"mon_s_{far}_0_fr").set_value("resolved")
    _save(at)
    assert at.selectbox(key="mon_report@fr").value == far
    assert _saved(far) in [s.value for s in at.success]


def test_the_reviewed_report_stays_selected_when_it_leaves_the_filters_issue_31(url):
    at = _monitor(ANALYST_CLAIMS)
    at.multiselect(key="mon_ver@fr").set_value(["unverified"]).run()
    rid = at.selectbox(key="mon_report@fr").value
    at.radio(key=f"mon_v_{rid}_0_fr").set_value("verified")
    _save(at)
    assert rid not in at.dataframe[0].value["Signalement"].tolist()   # out of the filter
    assert at.selectbox(key="mon_report@fr").value == rid                 # still under review


def test_next_report_takes_the_one_that_followed_a_report_reviewed_out_of_the_filters(url):
    at = _monitor(ANALYST_CLAIMS)
    at.multiselect(key="mon_ver@fr").set_value(["unverified"]).run()
    ids = [o.split(" — ")[0] for o in at.selectbox(key="mon_report@fr").options]
    at.selectbox(key="mon_report@fr").set_value(ids[5]).run()
    at.radio(key=f"mon_v_{ids[5]}_0_fr").set_value("verified")
    _save(at)
    assert at.selectbox(key="mon_report@fr").value == ids[5]
    [b for b in at.button if b.label == "Signalement suivant"][0].click().run()
    assert at.selectbox(key="mon_report@fr").value == ids[6]
    [b for b in at.button if b.label == "Signalement suivant"][0].click().run()
    assert at.selectbox(key="mon_report@fr").value == ids[7]
