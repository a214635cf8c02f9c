"""The core stays pure: nothing under geo/ imports Streamlit (or the ui/ glue)."""

import ast
from pathlib import Path

import pytest

GEO_ROOT = Path(__file__).resolve().parent.parent / "geo"
GEO = sorted(GEO_ROOT.rglob("*.py"))         # the ingest package's modules included


@pytest.mark.parametrize("path", GEO, ids=lambda p: p.relative_to(GEO_ROOT).as_posix())
def test_geo_never_imports_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert not modules & {"streamlit", "streamlit_folium", "ui"}


@pytest.mark.parametrize("path", [p for p in GEO if p.name != "settings.py"],
                         ids=lambda p: p.relative_to(GEO_ROOT).as_posix())
def test_geo_reads_no_environment_outside_settings(path):
    """Settings are read once at the edge (geo/settings.py, called by the app and by each
    command line's main) and passed in."""
    assert "os.environ" not in path.read_text(encoding="utf-8")
