"""Failures in the user's language, with nothing lost (issue 27): the store unreachable
gives every page a message in French or English that says so and tries again (no Streamlit
error box, no traceback), and the app comes back by itself; a full disk or a database error
during an import is one line (command line: exit 2; Data page: a refusal) that never quotes
a row, and the store is as it was."""

import sqlite3

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from geo import cli
from geo.records import store
from tests.support import shown
from tests.test_pages import DASHBOARD, PAGES

#: A PostgreSQL server that is not there (nothing listens on port 9 of this machine).
DOWN = "postgresql+psycopg://veille:veille@127.0.0.1:9/veille"
SECRET_CELL = "Réunion chez M. X au marché"
ROWS = ("report_id,occurred_on,cercle,category,severity,summary\n"
        f"F1,2022-03-01,Mopti,clash,3,{SECRET_CELL}\n"
        "F2,2022-03-02,Koro,protest,2,calme\n")
SAID = {"fr": "Base de données injoignable", "en": "The store cannot be reached"}


def _full(*_args, **_kwargs):
    """A write on a full disk, as SQLAlchemy raises it: its text quotes the statement and
    the rows."""
    raise sa.exc.OperationalError("INSERT INTO tension_report VALUES (?)", (SECRET_CELL,),
                                  sqlite3.OperationalError("database or disk is full"))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_the_store_is_unreachable_in_the_user_s_language(monkeypatch, page,
                                                                         lang):
    monkeypatch.setenv("VEILLE_DATABASE_URL", DOWN)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith(f"**{SAID[lang]}**")
    assert "Traceback" not in error and "psycopg" not in error and "127.0.0.1" not in error


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_unexpected_error_is_said_in_the_user_s_language_not_streamlit_s_box(
        monkeypatch, caplog, lang):
    """Regression: a page that raised (the Audit page on a subscription's entry) showed
    Streamlit's English error box with links to Google and ChatGPT to every user."""
    from ui import risk as ui_risk

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"boom: {SECRET_CELL}")

    monkeypatch.setenv("VEILLE_RAISE_ERRORS", "0")
    monkeypatch.setattr(ui_risk, "current_view", broken)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    title = {"fr": "Cette page a rencontré une erreur", "en": "This page ran into an error"}
    assert error.startswith(f"**{title[lang]}**") and "UTC" in error
    assert "boom" not in error and SECRET_CELL not in error and "Traceback" not in error
    assert any("boom" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert at.sidebar.radio(key="ui_language")        # the language switch is still drawn


def test_the_app_comes_back_once_the_store_answers(monkeypatch, tmp_path):
    folder = tmp_path / "later"
    monkeypatch.setenv("VEILLE_DATABASE_URL", f"sqlite:///{folder / 'store.sqlite'}")
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception and at.error[0].value.startswith(f"**{SAID['fr']}**")
    folder.mkdir()                                       # the store is back
    at.run()                                             # (the page's timer reruns it)
    assert not at.exception and not at.error
    assert at.title[0].value == "Vue d'ensemble des cercles"


def test_an_import_on_a_full_disk_is_one_line_and_stores_nothing(engine, tmp_path,
                                                                 monkeypatch, capsys):
    path = tmp_path / "reports.csv"
    path.write_text(ROWS, encoding="utf-8")
    before = store.snapshot(engine)
    monkeypatch.setattr(store, "bulk_insert", _full)
    code = cli.main(["import", "tensions", str(path), "--database", str(engine.url),
                     "--lang", "en"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_REFUSED
    assert err == ("The store's disk is full: nothing was stored. Free some space (or tell "
                   "the administrator), then try again.\n")
    assert SECRET_CELL not in err
    monkeypatch.undo()
    assert store.snapshot(engine) == before


def test_a_command_on_an_unreachable_store_is_one_line(capsys):
    code = cli.main(["risk", "--database", DOWN])
    err = capsys.readouterr().err.splitlines()
    assert code == cli.EXIT_REFUSED and len(err) == 1
    assert err[0].startswith("La base de données est injoignable")


def test_the_data_page_refuses_an_import_on_a_full_disk_in_one_line(monkeypatch, tmp_path):
    from tests.test_pages import _app

    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    at = _app()
    at.switch_page("pages/data.py").run()
    engine = store.make_engine(url)
    before = store.snapshot(engine)
    # the uploaded file, as the page reads it

    class Upload:
        name = "reports.csv"

        def getvalue(self):
            return ROWS.encode()

    monkeypatch.setattr(__import__("streamlit"), "file_uploader", lambda *a, **k: Upload())
    at.run()
    assert [b for b in at.button if b.label == "Confirmer l'import"]
    monkeypatch.setattr(store, "bulk_insert", _full)
    next(b for b in at.button if b.label == "Confirmer l'import").click().run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert errors == ["Le disque de la base de données est plein : rien n'a été enregistré. "
                      "Libérez de la place (ou prévenez l'administrateur), puis recommencez."]
    assert SECRET_CELL not in " ".join(errors)
    assert store.snapshot(engine) == before                # nothing was stored


@pytest.mark.browser
def test_in_a_browser_every_page_says_so_and_no_error_box():
    """The real server with its store down: Chromium on every screen, in both languages,
    finds the message and none of Streamlit's error box ("This app has encountered an
    error", "Ask Google")."""
    from tests.support import ROOT, offline_page, running_app

    screens = ["", "risk", "coverage", "monitor", "methodology", "planner", "actions", "data",
               "provenance", "present", "audit", "users"]
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    with running_app(timeout=120, env={"VEILLE_DATABASE_URL": DOWN}) as (url, _proc), \
            offline_page(url) as (page, blocked):
        for lang in ("fr", "en"):
            for screen in screens:
                page.goto(f"{url}/{screen}?lang={lang}")
                page.get_by_text(SAID[lang]).first.wait_for(timeout=30000)
                html = page.content()
                assert "stException" not in html and "Ask Google" not in html, screen
                assert "This app has encountered an error" not in html, screen
            page.screenshot(path=str(ROOT / "tests" / "artifacts" / f"store_down_{lang}.png"))
        assert blocked == []
