"""Shared fixtures. Tests run from the repository root (``pythonpath = .`` in pytest.ini)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from streamlit.runtime.pages_manager import PagesManager

# Property tests are derandomised so that CI is reproducible; run
# HYPOTHESIS_PROFILE=explore python -m pytest to search with fresh random examples.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
# A page's unexpected error reaches the test (AppTest's ``exception``) instead of the
# user's message (dashboard.py; tests/test_failures.py turns it off to check that message).
os.environ.setdefault("VEILLE_RAISE_ERRORS", "1")


#: The longest tests of the fast lane (``pytest --durations=40 -m "not browser and not slow"``:
#: 4.4 s or more each on this 2-core machine while other work ran, together half the
#: lane's time): a store's demo loaded, a back-test, a nginx stack, a PostgreSQL dump. Out of
#: the fast lane; CI runs them like every test.
#: An id without its parameters marks every parameter.
MEASURED_SLOW = (
    "tests/test_access.py::test_a_new_store_records_the_demo_as_loaded_by_veille",
    "tests/test_access.py::test_every_detail_the_log_keeps_has_a_name_on_screen[postgresql]",
    "tests/test_access.py::test_the_demo_load_and_removal_are_audited[sqlite]",
    "tests/test_attacker.py::test_every_hidden_zone_of_the_demo_resists_subtraction",
    "tests/test_attacker.py::test_the_score_does_not_tell_one_mediator_from_two",
    "tests/test_backup.py::test_a_file_copy_misses_what_the_online_backup_keeps",
    "tests/test_backup.py::test_failures_are_one_line_and_exit_2",
    "tests/test_backup.py::test_postgresql_round_trip_with_two_roles",
    "tests/test_backup.py::test_restore_refuses_a_store_that_is_not_empty_unless_forced",
    "tests/test_backup.py::test_sqlite_round_trip_while_another_connection_writes",
    "tests/test_bounds.py::test_a_link_s_far_date_is_moved_into_the_data_and_said",
    "tests/test_brief.py::test_a_saved_scenario_and_the_register_go_into_the_brief",
    "tests/test_brief.py::test_the_brief_shows_the_interval_the_unwatched_cercles_the_provisional_weeks_and_the_evaluation",
    "tests/test_deploy.py::test_page_loads_and_sessions_beyond_the_burst_are_refused",
    "tests/test_deploy.py::test_the_running_stack_answers_only_for_the_app",
    "tests/test_deployment.py::test_a_trigger_in_force_shows_with_its_response_and_one_click_makes_the_action",
    "tests/test_deployment.py::test_the_baseline_signal_is_the_monitors_alert_on_every_day",
    "tests/test_deployment.py::test_what_was_planned_on_the_demonstration_goes_with_it[sqlite]",
    "tests/test_failures.py::test_the_data_page_refuses_an_import_on_a_full_disk_in_one_line",
    "tests/test_forecast.py::test_forecast_invariants",
    "tests/test_french.py::test_every_french_screen_is_french[pages/methodology.py-None]",
    "tests/test_layers.py::test_breaks_cover_every_value_exactly_once",
    "tests/test_monitor_page.py::test_an_analyst_verifies_follows_up_and_sees_the_history",
    "tests/test_pages.py::test_a_mediators_batch_count_is_rounded_in_the_confirmation",
    "tests/test_pages.py::test_an_admin_deletes_a_batch_after_confirming_what_goes",
    "tests/test_pages.py::test_every_page_runs_in_both_languages[fr-pages/methodology.py]",
    "tests/test_pages.py::test_the_admin_manages_the_role_table_but_not_their_own_entry",
    "tests/test_pages.py::test_the_overview_report_count_is_written_in_each_language",
    "tests/test_planner.py::test_a_solve_stopped_by_the_time_limit_is_not_called_optimal",
    "tests/test_planning.py::test_the_action_register_page",
    "tests/test_releases.py::test_two_dates_never_differ_by_a_count_below_k",
    "tests/test_risk.py::test_invariants",
    "tests/test_robustness.py::test_backtest_on_the_demo_store",
    "tests/test_server.py::test_without_sign_in_a_public_host_name_is_refused",
    "tests/test_sessions.py::test_a_signed_out_cookie_gets_the_sign_in_screen",
    "tests/test_store.py::test_demo_load_and_remove[sqlite]",
)


def pytest_collection_modifyitems(items):
    """Every test that runs on PostgreSQL (a ``postgresql`` parameter, or a name that says so)
    carries the ``postgres`` marker; the tests of :data:`MEASURED_SLOW` the ``slow`` one."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgresql" in params.values() or "postgres" in item.name.lower():
            item.add_marker(pytest.mark.postgres)
        bare = item.nodeid.partition("[")[0]
        if any(item.nodeid == s or bare == s for s in MEASURED_SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _navigation_not_pages_directory(monkeypatch):
    """Keep AppTest on the ``st.navigation`` code path.

    Streamlit treats an app with a ``pages/`` folder as a legacy (v1) multipage app until
    ``st.navigation`` runs, and AppTest resets that detection before *every* run, so from the
    second run on it would execute the page alone, without ``dashboard.py`` (no language
    switch, lost widget state). ``streamlit run`` detects it once per process and
    ``dashboard.py`` leaves that mode on the first run (with a rerun); AppTest's per-run
    reset defeats that (``switch_page`` then lands on the wrong script), so here the flag is
    cleared as soon as it is set.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _browser_has_drawn_the_overview_map(monkeypatch):
    """AppTest runs no JavaScript: the browser's word that the Overview's map is drawn, after
    which the page draws its controls (``ui.map_drawn``; a browser gives it within a second
    of the first run), never comes. Every app under test starts with it given;
    ``tests/test_pages.py`` checks the first run without it, ``tests/test_browser.py`` the
    real exchange."""
    from streamlit.testing.v1 import AppTest

    from ui.page import drawn_flag

    original = AppTest.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.session_state[drawn_flag("overview_map")] = True

    monkeypatch.setattr(AppTest, "__init__", init)


@pytest.fixture(scope="session", autouse=True)
def _test_store(tmp_path_factory):
    """Every test (and every app the browser tests start) uses a throw-away SQLite store,
    loaded with the demonstration data on first use, never the developer's own store."""
    import os

    path = tmp_path_factory.mktemp("store") / "veille-test.sqlite"
    previous = os.environ.get("VEILLE_DATABASE_URL")
    os.environ["VEILLE_DATABASE_URL"] = f"sqlite:///{path}"
    yield path
    if previous is None:
        os.environ.pop("VEILLE_DATABASE_URL", None)
    else:
        os.environ["VEILLE_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def locator():
    """One placer for all the importer tests (the reference data loads once)."""
    from geo import ingest

    return ingest.Locator()


@pytest.fixture
def engine(tmp_path):
    """An empty store of the test's own."""
    from geo.records import store

    return store.make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
