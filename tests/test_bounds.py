"""Every parameter a viewer controls is bounded (issue 27): the as-of date within the data
(first record … latest record + the forecast's horizon), on screen with a message and in
every command (exit 2, one line, no traceback); the numbers a command's cost grows with;
every cache keyed by what a viewer chooses bounded in entries and in age. The memory of 50
distinct views is measured by ``benchmarks/view_memory.py``."""

import ast
from datetime import date, timedelta
from pathlib import Path

import re

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from geo import cli
from geo.analysis.view import Analysis, as_of_range, bounded_as_of
from tests.support import run_import, shown

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ the range
def _records(tensions=(), workshops=()):
    return {"tensions": pd.DataFrame({"occurred_on": list(tensions)}),
            "workshops": pd.DataFrame({"start_date": list(workshops)})}


def test_the_range_runs_from_the_first_record_to_the_latest_plus_the_horizon():
    records = _records([date(2018, 3, 1), date(2018, 7, 29)], [date(2017, 12, 4)])
    assert as_of_range(records) == (date(2017, 12, 4), date(2018, 10, 27))     # + 90 days
    assert as_of_range(records, horizon_days=30) == (date(2017, 12, 4), date(2018, 8, 28))


def test_without_records_the_range_is_today_and_the_horizon():
    assert as_of_range({}, today=date(2026, 5, 1)) == (date(2026, 5, 1), date(2026, 7, 30))
    assert as_of_range(_records(), today=date(2026, 5, 1))[0] == date(2026, 5, 1)


@given(st.dates(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
       st.integers(0, 4000))
def test_a_bounded_date_is_inside_and_an_inside_date_is_kept(asked, first, span):
    bounds = (first, first + timedelta(days=span))
    got = bounded_as_of(asked, bounds)
    assert bounds[0] <= got <= bounds[1]
    assert (got == asked) == (bounds[0] <= asked <= bounds[1])
    assert bounded_as_of(None, bounds) is None


# ------------------------------------------------------------------ the command line
@pytest.fixture
def small_store(engine, monkeypatch):
    run_import(engine, "tensions",
               "report_id,occurred_on,region,cercle,category,severity\n"
               "a,2018-03-01,Mopti,Bandiagara,clash,3\nb,2018-07-29,Mopti,Mopti,protest,2\n")
    monkeypatch.setenv("VEILLE_DATABASE_URL", str(engine.url))
    return engine


@pytest.mark.parametrize("asked", ["9999-12-31", "0001-01-02", "4000-01-01", "2018-10-28"])
@pytest.mark.parametrize("command", [
    ["risk"], ["coverage"], ["forecast"], ["plan", "--workshops", "3"],
    ["monitor", "alerts"], ["brief", "-o", "{tmp}/b.pdf"], ["notify"]])
def test_every_dated_command_refuses_a_date_outside_the_data(small_store, command, asked,
                                                            capsys, tmp_path):
    argv = [a.format(tmp=tmp_path) for a in command] + ["--as-of", asked, "--lang", "en"]
    assert cli.main(argv) == cli.EXIT_REFUSED
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"As-of date {asked} is outside the data: choose it from 2018-03-01 (the "
                   f"first record) to 2018-10-27 (the latest record + the forecast horizon)."]


def test_a_brief_s_view_link_with_a_far_date_is_refused(small_store, capsys, tmp_path):
    code = cli.main(["brief", "-o", str(tmp_path / "b.pdf"), "--view", "asof=6000-01-01"])
    assert code == cli.EXIT_REFUSED
    assert "Date de référence 6000-01-01 hors des données" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()


def test_the_last_day_of_the_range_is_accepted(small_store, capsys):
    assert cli.main(["risk", "--as-of", "2018-10-27", "--json"]) == cli.EXIT_OK


@pytest.mark.parametrize("argv", [
    ["risk", "--window-days", "100000"], ["risk", "--window-days", "nan"],
    ["plan", "--new", "5", "--radius-km", "30", "--time-limit", "86400"],
    ["monitor", "hotspots", "--permutations", "100000000"],
    ["monitor", "emerging", "--months", "100000"], ["coverage", "--risk-threshold", "inf"]])
def test_numbers_a_command_s_cost_grows_with_are_bounded(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, "--lang", "en"])
    assert stop.value.code == cli.EXIT_REFUSED
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a number from" in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize(("argv", "fr", "en"), [
    (["demo"], "erreur : arguments obligatoires manquants : action",
     "error: the following arguments are required: action"),
    (["demo", "lod"], "erreur : argument action : choix invalide : 'lod' (possibles : 'load', "
     "'remove')", "error: argument action: invalid choice: 'lod' (choose from 'load', 'remove')"),
    (["risk", "--as-of"], "erreur : argument --as-of : une valeur attendue",
     "error: argument --as-of: expected one argument"),
    (["risk", "--bogus"], "erreur : arguments non reconnus : --bogus",
     "error: unrecognized arguments: --bogus")])
def test_argparse_s_own_refusals_speak_french_too(argv, fr, en, capsys):
    """Regression: ``python -m geo demo`` answered "erreur : the following arguments are
    required" in the French command line (argparse has no French of its own)."""
    for lang, expected in (("fr", fr), ("en", en)):
        with pytest.raises(SystemExit) as stop:
            cli.main([*argv, "--lang", lang])
        assert stop.value.code == cli.EXIT_REFUSED
        assert capsys.readouterr().err.strip().endswith(expected)


def test_a_command_s_text_is_written_as_its_reader_writes(small_store, capsys):
    """Regression: ``python -m geo risk --lang fr`` printed "6.27 high (complétude 100%)" and
    "au 2022-12-28": an English class, a decimal point, an ISO date."""
    assert cli.main(["risk", "--as-of", "2018-10-27"]) == cli.EXIT_OK
    heading, first = capsys.readouterr().out.splitlines()[:2]
    assert heading.startswith("au 27/10/2018,")
    assert re.fullmatch(r"\s+1 \S+\s+\d+,\d\d (Très élevé|Élevé|Moyen|Faible|Très faible|Peu observé) "
                        r"\(complétude \d+ %\)", first), first
    assert cli.main(["risk", "--as-of", "2018-10-27", "--lang", "en"]) == cli.EXIT_OK
    heading, first = capsys.readouterr().out.splitlines()[:2]
    assert heading.startswith("as of 27 Oct 2018,")
    assert re.fullmatch(r"\s+1 \S+\s+\d+\.\d\d [A-Z][a-z -]+ \(completeness \d+%\)", first), first


def test_shared_options_before_the_command_regression_lang_first():
    """Regression: ``python -m geo --lang en risk`` was refused ("invalid choice: 'en'")
    though every command takes ``--lang``."""
    assert cli.shared_last(["--lang", "en", "--json", "risk", "--as-of", "2018-01-01"]) == \
        ["risk", "--as-of", "2018-01-01", "--lang", "en", "--json"]
    assert cli.shared_last(["--lang=en", "--database", "sqlite://", "monitor", "alerts"]) == \
        ["monitor", "alerts", "--lang=en", "--database", "sqlite://"]
    assert cli.shared_last(["risk", "--lang", "en"]) == ["risk", "--lang", "en"]


# ------------------------------------------------------------------ on screen
def test_a_link_s_far_date_is_moved_into_the_data_and_said():
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import DASHBOARD

    for asked, lang, said in (
            ("6000-01-01", "fr", "La date de référence du lien (01/01/6000) est hors des "
                                 "données (du 13/01/2015 au 28/03/2023) : la vue est calculée au 28/03/2023."),
            ("0001-01-02", "en", "The link's as-of date (02 Jan 1) is outside the data "
                                 "(from 13 Jan 2015 to 28 Mar 2023): the view is computed as "
                                 "of 13 Jan 2015.")):
        at = AppTest.from_file(DASHBOARD, default_timeout=90)
        at.query_params["asof"], at.query_params["lang"] = asked, lang
        at.run()
        assert not at.exception
        assert any(said in shown(w.value) for w in at.warning), [w.value for w in at.warning]
        first, last = date(2015, 1, 13), date(2023, 3, 28)    # the demonstration data's
        expected = last if asked > "2023" else first
        assert at.session_state["risk_as_of"] == expected
        assert at.query_params["asof"] == expected.isoformat()     # the link now says so
        at.run()           # regression: the Overview's next run (after its map) lost it
        assert any(said in shown(w.value) for w in at.warning)
    at.switch_page("pages/risk.py").run()                    # another page: said once only
    assert not [w for w in at.warning if "is outside the data" in w.value]


def test_the_view_of_a_link_never_holds_a_date_the_range_refuses():
    view, ignored = Analysis.from_query({"asof": "9999-12-31"}, Analysis().method)
    assert ignored == [] and view.as_of == date(9999, 12, 31)       # parsed as it is …
    bounds = (date(2015, 1, 6), date(2018, 10, 27))
    assert bounded_as_of(view.as_of, bounds) == bounds[1]            # … then bounded (ui.risk)


# ------------------------------------------------------------------ caches
CACHED = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")),
          *sorted((ROOT / "ui").glob("*.py"))]
#: Parameters that name the store's content or the deployment, never a viewer's choice.
NOT_CHOSEN = {"token", "url", "with_demo", "pool_size", "kind"}


def _cached_functions():
    for path in CACHED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") in (
                        "cache_data", "cache_resource"):
                    params = [a.arg for a in node.args.args if not a.arg.startswith("_")]
                    yield (f"{path.relative_to(ROOT)}:{node.name}", params,
                           {k.arg for k in dec.keywords})


def test_every_cache_keyed_by_a_viewer_s_choice_is_bounded_in_entries_and_age():
    found = list(_cached_functions())
    assert len(found) > 15
    chosen = [(name, options) for name, params, options in found if set(params) - NOT_CHOSEN]
    assert len(chosen) > 8
    unbounded = [name for name, options in chosen if "max_entries" not in options]
    ageless = [name for name, options in chosen if "ttl" not in options]
    assert unbounded == [] and ageless == []


@pytest.mark.parametrize("page, param, value", [
    ("pages/coverage.py", "cover", "nan"), ("pages/coverage.py", "cover", "1e308"),
    ("pages/planner.py", "scenario", "9" * 5000), ("pages/planner.py", "scenario", "9" * 30)])
def test_other_numbers_a_link_carries_are_bounded(page, param, value):
    """Regression: ``?cover=nan`` reached a slider, ``?scenario=<5,000 digits>`` int()'s
    limit (and past 2**63 the store's integer)."""
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import DASHBOARD

    at = AppTest.from_file(DASHBOARD, default_timeout=90).run()
    at.query_params[param] = value
    at.switch_page(page).run()
    assert not at.exception
