"""Veille's core: no Streamlit here (see ``ui/`` and ``pages/``)."""

#: Recorded with every saved plan (geo.plans.scenarios).
__version__ = "0.15.0"
