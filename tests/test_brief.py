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

    b = brief.build(store.make_engine(demo_store), lang="fr")
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
def test_no_demo_warning_once_the_demo_is_removed(demo_store, monkeypatch, tmp_path):
    engine = store.make_engine(demo_store)
    batches.remove_demo(engine, ADMIN)
    out = tmp_path / "after.pdf"
    assert _run(monkeypatch, demo_store, "--lang", "fr", "-o", str(out)) == 0
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


def test_presentation_mode_under_apptest():
    from tests.test_pages import _app

    at = _app(None, layers="gap_class", every="600", refresh="600")
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert any("Écarts risque / couverture — situation au" in m.value for m in at.markdown)
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert "Priorité : risque élevé" in legend and "veille-present-legend" in legend
    assert any(c.value.startswith("Actualisé à") for c in at.caption)
    assert not at.text_input and not at.selectbox and not at.slider     # no widgets
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
    out = tmp_path / "with_scenario.html"
    assert _run(monkeypatch, demo_store, "--scenario", str(sid), "-o", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "Scénario de planification : Avant le scrutin" in text
    assert "population couverte 1 000 → 2 500" in text.replace("\u202f", " ")
    assert "Dialogue" in text and "Affaires civiles" in text

