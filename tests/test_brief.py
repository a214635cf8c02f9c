"""The leadership brief (issue 16): the PDF's text against ``python -m geo.analysis.risk`` for the same
view, the demonstration warning on every page while demo records are stored (and not after
their removal), both languages, a self-contained HTML, page images kept as artifacts."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from geo import cli
from geo.records import batches
from geo.ingest import demo
from geo.records import store
from tests.support import ADMIN

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AS_OF = "2018-08-31"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is needed")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 'b.sqlite'}"
    demo.ensure_initialised(store.make_engine(url))
    return url


def _pdf_text(path: Path) -> list[str]:
    """The text of each page (pdftotext, layout kept)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def _run(monkeypatch, url, *args):
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    return cli.main(["brief", *args])


def test_the_brief_shows_the_interval_the_unwatched_cercles_the_provisional_weeks_and_the_evaluation(
        demo_store):
    """Issue 29 in the brief: each top cercle's forecast with its 80 % interval, the cercles
    no mediator watches named (and hatched on the maps), the provisional weeks, and the
    forecast's rolling evaluation against the recent past with its verdict."""
    from geo.ingest import demo
    from geo.outputs import brief

    b = brief.build(store.make_engine(demo_store), lang="fr", sections=brief.SECTIONS)
    c = b.context
    assert [(r["name"], r["forecast"]) for r in c["top"][:3]] == [
        ("Abeïbara", "4,3 [1–9]"), ("Bankass", "13,1 [5–23]"), ("Tin-Essako", "4,0 [1–9]")]
    from geo.reference import units

    names = units.load_cercles()["cercle_fr"]
    assert c["under_observed"] == ", ".join(sorted(names[g] for g in demo.MEDIATOR_GAPS))
    assert c["provisional"] == ("Provisoire : depuis le 29/11/2022, des signalements arrivent "
                                "encore (90 % arrivent dans les 30 jours) ; les dernières "
                                "semaines sont incomplètes.")
    ev = c["evaluation"]
    assert "à 15 dates" in ev["text"] and "88 % des résultats" in ev["text"]
    assert ev["verdict"] == "Sur ces données, elle fait mieux que le passé récent."
    assert [(r["method"], r["deviance"]) for r in ev["rows"]] == [
        ("Prévision (ancrée sur le passé récent)", "1,87"), ("Nombre récent pondéré", "2,01"),
        ("Persistance (période précédente)", "3,64")]
    html = brief.render_html(b)
    assert "Peu observés (hachurés" in html and "Prévision (90 j) [80 %]" in html


@pytest.mark.slow
def test_the_pdf_holds_the_top_ten_of_geo_risk_in_order_and_warns_on_every_page(
        demo_store, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("VEILLE_DATABASE_URL", demo_store)
    assert cli.main(["risk", "--as-of", AS_OF, "--json"]) == 0
    ranked = [r["cercle_id"] for r in json.loads(capsys.readouterr().out)][:10]
    out = tmp_path / "brief.pdf"
    assert _run(monkeypatch, demo_store, "--as-of", AS_OF, "--lang", "fr", "-o", str(out)) == 0
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size < 5 * 2**20
    pages = _pdf_text(out)
    assert len(pages) >= 5
    assert all("DONNÉES DE DÉMONSTRATION" in p for p in pages)          # every page
    assert "Situation au 31/08/2018" in pages[0]
    assert all(re.search(rf"Page {i + 1} / {len(pages)}", p) for i, p in enumerate(pages))
    from geo.reference import units
    fr = units.load_cercles().set_index("cercle_id")["cercle_fr"]
    top_page = next(p for p in pages if "Les 10 cercles au risque le plus élevé" in p)
    rows = [line.split() for line in top_page.splitlines() if re.match(r"\s*\d+ \S", line)]
    # "1 Ténenkou Mopti 8,0 …" — a long name may wrap ("Gourma-" then "Rharous")
    assert [r[0] for r in rows[:10]] == [str(i) for i in range(1, 11)]
    assert [re.split(r"[ -]", r[1])[0] for r in rows[:10]] == [re.split(r"[ -]", fr[c])[0]
                                                               for c in ranked]
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(out),
                    str(ARTIFACTS / "brief_fr")], check=True)
    assert (ARTIFACTS / "brief_fr-1.png").exists()


@pytest.mark.slow
def test_the_english_brief_and_the_self_contained_html(demo_store, monkeypatch, tmp_path):
    html_out = tmp_path / "brief.html"
    assert _run(monkeypatch, demo_store, "--as-of", AS_OF, "--lang", "en", "--view",
                "preset=tensions_first&win=180", "-o", str(html_out)) == 0
    text = html_out.read_text(encoding="utf-8")
    assert "Situation as of 31 Aug 2018" in text and "DEMONSTRATION DATA" in text
    assert "Recent violence first" in text or "tensions" in text.lower()
    assert "180 days" in text
    # self-contained: every image inline, nothing fetched from anywhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert len(re.findall(r'src="data:image/png;base64,', text)) >= 4
    pdf = tmp_path / "brief_en.pdf"
    assert _run(monkeypatch, demo_store, "--as-of", AS_OF, "--lang", "en", "-o", str(pdf)) == 0
    pages = _pdf_text(pdf)
    assert "The 10 cercles of highest risk" in "".join(pages)
    assert "Sources and licences" in "".join(pages) and "CC BY 4.0" in "".join(pages)


@pytest.mark.slow
def test_no_demo_warning_once_the_demo_is_removed(monkeypatch, tmp_path):
    # a store of its own: removing the demo from the module's store left the tests after
    # this one a store without reports (the register test then failed in order only)
    url = f"sqlite:///{tmp_path / 'removed.sqlite'}"
    engine = store.make_engine(url)
    demo.ensure_initialised(engine)
    batches.remove_demo(engine, ADMIN)
    out = tmp_path / "after.pdf"
    assert _run(monkeypatch, url, "--lang", "fr", "-o", str(out)) == 0
    text = "".join(_pdf_text(out))
    assert "DÉMONSTRATION" not in text and "Brief : risque de violences électorales" in text


@pytest.mark.slow
def test_the_brief_is_one_click_away_on_the_analysis_pages():
    from tests.test_pages import _app

    at = _app()
    assert not at.exception
    at.button(key="brief_prepare").click().run()
    assert not at.exception
    ready = [c.value for c in at.sidebar.caption if "Brief prêt" in c.value]
    assert ready and re.search(r"Brief prêt : \d[\d\u202f ]* Ko \(PDF\)", ready[0])
    kinds = {e.proto.label for e in at.get("download_button")}
    assert {"Brief (PDF)", "Brief (HTML)"} <= kinds
    at.switch_page("pages/actions.py").run()            # not an analysis page: no brief
    assert "brief_prepare" not in {b.key for b in at.button}


def test_the_brief_choices_survive_a_language_switch():
    """Regression (stop 36's walk): the focus and the window chosen in French showed in
    English, then "prepare" emptied the focus and set the window back to 90 days."""
    from tests.test_pages import _app

    at = _app()
    focus = at.selectbox(key="brief_focus@fr")
    region = next(o for o in focus.options if o.startswith("Région : Mopti"))
    focus.select_index(focus.options.index(region))
    window = at.selectbox(key="brief_window_90@fr")
    window.set_value(180)
    at.pills(key="brief_sections@fr").set_value(["risk"]).run()
    chosen = at.selectbox(key="brief_focus@fr").value
    at.sidebar.radio(key="ui_language").set_value("en").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="brief_focus@en").value == chosen
    assert at.selectbox(key="brief_focus@en").format_func(chosen).startswith("Region: Mopti")
    assert at.selectbox(key="brief_window_90@en").value == 180
    assert at.pills(key="brief_sections@en").value == ["risk"]
    at.button(key="brief_prepare").click().run()
    assert at.selectbox(key="brief_focus@en").value == chosen
    assert at.selectbox(key="brief_window_90@en").value == 180


def test_presentation_mode_under_apptest():
    from tests.test_pages import _app

    at = _app(None, layers="gap_class", every="600", refresh="600")
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert any("Écarts risque / couverture — situation au" in m.value for m in at.markdown)
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert "Priorité : risque élevé" in legend and "veille-present-legend" in legend
    assert any(re.match(r"À \d\d:\d\d:\d\d : une couche toutes les 600 s", c.value)
               for c in at.caption)
    assert not at.text_input and not at.selectbox and not at.slider
    at.button(key="present_pause").click().run()          # paused from the screen …
    assert at.query_params["paused"] == "1" and at.query_params["layer"] == "gap_class"
    assert any(c.value.startswith("À ") and "en pause" in c.value for c in at.caption)
    assert not any("Retirer la démo" in b.label for b in at.button)


def test_a_saved_scenario_and_the_register_go_into_the_brief(demo_store, monkeypatch, tmp_path):
    from datetime import date

    from geo.records import actions
    from geo.plans import scenarios
    from tests.support import ANALYST
    from tests.test_planning import CERCLES, small_plan

    engine = store.make_engine(demo_store)
    sid = scenarios.save(engine, "Avant le scrutin", small_plan(), ANALYST)
    actions.add(engine, ANALYST, CERCLES, cercle_id="mli-koro", kind="dialogue",
                planned_on=date(2023, 1, 5), unit="civil_affairs")
    done = actions.add(engine, ANALYST, CERCLES, cercle_id="mli-gao", kind="dialogue",
                       planned_on=date(2022, 12, 20), unit="civil_affairs")
    actions.update(engine, ANALYST, done, 1, CERCLES, status="done", outcome="Dialogue tenu.")
    out = tmp_path / "with_scenario.html"
    assert _run(monkeypatch, demo_store, "--scenario", str(sid), "-o", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "Scénario de planification : Avant le scrutin" in text
    assert "population couverte 1 000 → 2 500" in text.replace("\u202f", " ")
    assert "Dialogue" in text and "Affaires civiles" in text and "Dialogue tenu." in text
    # regression: an action without an outcome beside one with printed "nan"
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", text)
    assert not {"nan", "None", "NaN"} & {c.strip() for c in cells}



# --------------------------------------------------------------------------- issue 31

def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows, columns=["report_id", "occurred_on", "reported_on", "cercle_id",
                                       "region_id", "category", "severity", "verification"])


def test_one_definition_of_the_period_reports_counts_region_level_ones_apart():
    """Issue 31: "58" in the brief and "51" in the presentation for the same 90 days — one
    left out region-level reports. Now one count: known by the as-of date, not false, in
    (as_of − w, as_of]; region-level ones in the total and said apart."""
    from datetime import date

    from geo.analysis import counts

    d = date.fromisoformat
    tensions = _frame([
        (1, d("2018-08-31"), d("2018-08-31"), "mli-koro", "ML05", "clash", 3, "verified"),
        (2, d("2018-06-03"), d("2018-06-03"), "mli-koro", "ML05", "clash", 2, "unverified"),
        (3, d("2018-06-02"), d("2018-06-02"), "mli-koro", "ML05", "clash", 2, "verified"),  # before
        (4, d("2018-07-01"), d("2018-07-01"), None, "ML05", "clash", 2, "verified"),  # region
        (5, d("2018-07-01"), d("2018-07-01"), "mli-gao", "ML07", "clash", 2, "false"),  # false
        (6, d("2018-08-30"), d("2018-09-05"), "mli-gao", "ML07", "clash", 2, "verified"),  # later
    ])
    p = counts.period_reports(tensions, d("2018-08-31"), 90)
    assert (p.start, p.total, p.located, p.region_only) == (d("2018-06-03"), 3, 2, 1)
    assert p.by_cercle().to_dict() == {"mli-koro": 2}
    assert counts.count_text(p, "fr") == ("3 signalements du 03/06/2018 au 31/08/2018 "
                                          "(tous lieux), dont 1 localisé seulement à la région")
    assert counts.count_text(p, "en") == ("3 reports from 03 Jun 2018 to 31 Aug 2018 "
                                          "(all places), of which 1 placed only at region level")
    assert counts.cercle_text(p, "mli-gao", "fr") == "0 signalement localisé au cercle"


def test_key_messages_on_a_small_hand_made_store():
    """Page 1's messages, computed: the change and where, the highest-risk cercle by name and
    the risers, the priority gaps, the triggers and the register, a proposed deployment."""
    from datetime import date

    import pandas as pd

    from geo.analysis import counts
    from geo.outputs import brief

    d = date.fromisoformat
    now = counts.period_reports(_frame([
        (1, d("2018-08-05"), None, "mli-koro", "ML05", "clash", 3, "verified"),
        (2, d("2018-08-02"), None, "mli-koro", "ML05", "clash", 3, "verified"),
        (3, d("2018-08-03"), None, "mli-koro", "ML05", "clash", 3, "verified"),
        (4, d("2018-08-04"), None, "mli-gao", "ML07", "clash", 3, "verified"),
    ]), d("2018-08-31"), 30)
    prev = counts.period_reports(_frame([
        (5, d("2018-07-10"), None, "mli-gao", "ML07", "clash", 3, "verified"),
        (6, d("2018-07-11"), None, "mli-gao", "ML07", "clash", 3, "verified"),
    ]), d("2018-08-01"), 30)
    ids = ["mli-gao", "mli-koro", "mli-kidal"]
    facts = brief.Facts(
        now=now, prev=prev, names=pd.Series(["Gao", "Koro", "Kidal"], index=ids),
        regions=pd.Series(["ML07", "ML05", "ML08"], index=ids),
        region_names=pd.Series(["Mopti", "Gao", "Kidal"], index=["ML05", "ML07", "ML08"]),
        order=["mli-gao", "mli-kidal", "mli-koro"],
        score=pd.Series([7.25, 4.0, 6.1], index=ids),
        risk_class=pd.Series(["very_high", "medium", "high"], index=ids),
        prev_rank=pd.Series([1, 3, 12], index=ids), priority=["mli-gao", "mli-koro"],
        fired=[("Hausse à Gao", "mli-gao", True)], planned=2, under_way=1,
        scenarios=[{"name": "Avant **le** scrutin", "headline": "3 nouveaux médiateurs."}],
        refs={"risk": "carte 1", "gaps": "carte 2", "reports": "carte 3",
              "actions": "tableau 1", "scenarios": "tableau 2"})
    texts = [m["text"] for m in brief.key_messages(facts, "fr")]
    assert texts == [
        "**4** signalements du 02/08/2018 au 31/08/2018, +2 par rapport aux 2 de la période "
        "précédente ; plus forte hausse : Koro (+3). (→ carte 3)",
        "Cercle au risque le plus élevé : **Gao** (Gao), score 7,2 sur 10 (très élevé). "
        "À surveiller aussi : Kidal (entré dans les 10 premiers, rang 2). (→ carte 1)",
        "**2** cercles à risque élevé sans couverture suffisante (écarts prioritaires) : "
        "Gao, Koro. (→ carte 2)",
        "**1** déclenchements en vigueur (Gao), dont 1 avec une réponse au registre. "
        "Registre : 2 actions prévues, 1 en cours. (→ tableau 1)",
        "Déploiement proposé (scénario « Avant ∗∗le∗∗ scrutin ») : 3 nouveaux médiateurs. "
        "(→ tableau 2)"]
    focused = brief.key_messages(brief.Facts(**{**facts.__dict__, "focus": "mli-koro",
                                                "focus_kind": "cercle"}), "fr")
    assert len(focused) == 5 and focused[0]["text"] == (
        "**Koro** : rang 3 sur 3, score 4,0 (moyen) ; 3 signalements localisés au cercle "
        "(+3 par rapport à la période précédente) ; écart de couverture prioritaire. (→ carte 1)")
    assert focused[-1]["text"].endswith(                           # joined, not dropped
        "(→ tableau 1) Déploiement proposé (scénario « Avant ∗∗le∗∗ scrutin ») : "
        "3 nouveaux médiateurs. (→ tableau 2)")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_one_leads_with_the_key_messages_names_the_highest_risk_cercle_no_parameters(
        demo_store, monkeypatch, tmp_path, lang):
    """Issue 31: page 1 was a parameter table and a URL query; now the key messages, the
    highest-risk cercle by name, no view parameter; at most 6 pages, 2 MB."""
    from geo.outputs import brief

    out = tmp_path / f"brief_{lang}.pdf"
    assert _run(monkeypatch, demo_store, "--lang", lang, "-o", str(out)) == 0
    assert out.stat().st_size <= 2 * 2**20
    pages = _pdf_text(out)
    assert len(pages) <= 6
    first = pages[0]
    title = {"fr": "Messages clés", "en": "Key messages"}[lang]
    assert title in first and re.search(r"^\s*1\. ", first.split(title)[1], re.M)
    top = brief.build(store.make_engine(demo_store), lang=lang, sections=()).top[0]
    from geo.reference import units
    name = units.load_cercles().set_index("cercle_id").at[top, "cercle_fr"]
    highest = {"fr": "Cercle au risque le plus élevé : ", "en": "Highest-risk cercle: "}[lang]
    assert highest + name in " ".join(first.split())
    for parameter in ("preset=", "Préréglage", "Preset", "Paramètres de la vue",
                      "View parameters", "géométrique", "geometric", "asof="):
        assert parameter not in first
    assert ("Paramètres de la vue" if lang == "fr" else "View parameters") in "".join(pages)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out),
                    str(ARTIFACTS / f"brief31_{lang}")], check=True)


def test_the_cli_takes_the_apps_choices_and_refuses_an_unknown_focus(demo_store, monkeypatch,
                                                                      tmp_path, capsys):
    out = tmp_path / "focus.html"
    assert _run(monkeypatch, demo_store, "--focus", "mli-atlantis", "-o", str(out)) == 2
    assert "Inconnu : mli-atlantis" in capsys.readouterr().err
    assert _run(monkeypatch, demo_store, "--focus", "ML05", "--window", "30", "--sections",
                "risk", "-o", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "Focus : Mopti" in text and "(30 jours)" in text
    assert "Écarts de couverture : les priorités" not in text        # only the chosen section
    first = re.search(r'<ol class="messages"><li>(.*?)</li>', text).group(1)
    assert first.startswith("<strong>Mopti</strong> :")                # it leads


@pytest.mark.slow
def test_the_four_outputs_count_the_same_reports_of_the_period():
    """Issue 31: one figure for the view's period on the Overview, the presentation, the
    monitor and the brief, on the app's own store."""
    import os

    from tests.test_pages import _app
    from geo.outputs import brief

    pattern = re.compile(r"^\d[\d\u202f ]* signalements du .* \(tous lieux\).*$")
    at = _app()
    overview = [c.value for c in at.caption if pattern.match(c.value.replace("\\", ""))]
    at.switch_page("pages/monitor.py").run()
    monitor = [c.value for c in at.caption if pattern.match(c.value.replace("\\", ""))]
    at.switch_page("pages/present.py").run()
    present = [m.value for m in at.markdown if pattern.match(m.value.replace("\\", ""))]
    made = brief.build(store.make_engine(os.environ["VEILLE_DATABASE_URL"]), lang="fr",
                       sections=("reports",))
    figures = {x.replace("\\", "") for x in overview + monitor + present}
    assert len(overview) == len(monitor) == len(present) == 1
    assert figures == {made.context["reports"]}
    assert "dont" in made.context["reports"]          # region-level reports said apart
