"""Shared fixtures. Tests run from the repository root (``pythonpath = .`` in pytest.ini)."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def _navigation_not_pages_directory(monkeypatch):
    """Keep AppTest on the ``st.navigation`` code path.

    Streamlit treats an app with a ``pages/`` folder as a legacy (v1) multipage app until
    ``st.navigation`` runs, and AppTest resets that detection before *every* run, so from the
    second run on it would execute the page alone, without ``dashboard.py`` (no language
    switch, lost widget state). ``streamlit run`` detects it once per process, and the first
    run's ``st.navigation`` clears it. Here the flag is cleared as soon as it is set.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
