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


def pytest_collection_modifyitems(items):
    """Every test that runs on PostgreSQL (a ``postgresql`` parameter, or a name that says so)
    carries the ``postgres`` marker."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgresql" in params.values() or "postgres" in item.name.lower():
            item.add_marker(pytest.mark.postgres)


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
