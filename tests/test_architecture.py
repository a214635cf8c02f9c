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


# ------------------------------------------------------------------ imports point one way
#: The floors of geo/, from the ground up: a module imports its own package or a floor below,
#: never above (ingest writes through records; analysis reads frames; outputs draw them).
FLOORS = (("geo.settings", "geo.i18n"), ("geo.reference",), ("geo.records",),
          ("geo.ingest", "geo.intake"), ("geo.analysis",), ("geo.plans",),
          ("geo.outputs",),
          ("geo.cli", "geo.__main__"))


def _module(path: Path) -> str:
    parts = path.relative_to(GEO_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in GEO}


def _imports(path: Path) -> set[str]:
    """The geo modules ``path`` imports, anywhere in it (inside functions too)."""
    out = set()
    me = _module(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != me and not me.startswith(name + "."):
                out.add(name)
    return out


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def floor(module: str) -> int:
    for i, names in enumerate(FLOORS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    raise AssertionError(f"{module} is on no floor of FLOORS: place it")


def test_every_module_is_on_a_floor():
    assert [m for m in MODULES if m != "geo" and floor(m) is None] == []


def test_no_import_runs_back_up():
    upward = sorted(f"{m} -> {n}" for m, targets in GRAPH.items() if m != "geo"
                    for n in targets if n != "geo" and floor(n) > floor(m))
    assert upward == []


def test_no_import_circle():
    """Depth-first search for a cycle in the module graph (function-level imports included)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(GRAPH.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (cycle := visit(n)):
                return cycle
        state[m] = 2
        path.pop()
        return None

    for m in sorted(GRAPH):
        if m not in state and (cycle := visit(m)):
            pytest.fail(" -> ".join(cycle))


def test_the_circle_check_finds_a_planted_circle(monkeypatch):
    """The check above can fail: a planted loop a -> b -> a is found."""
    monkeypatch.setattr(__import__(__name__), "GRAPH", {"geo.a": {"geo.b"}, "geo.b": {"geo.a"}})
    with pytest.raises(pytest.fail.Exception, match="geo.a -> geo.b -> geo.a"):
        test_no_import_circle()


#: Where geo's own modules may be imported inside a function: the command line loads what a
#: command needs when it runs (a quick start-up, ``--help`` included), and the formats'
#: registry its formats (they import the registry's ``Format``). Everywhere else an import
#: inside a function would hide a circle (issue 28: 51 of them did).
LAZY_IMPORTS_ALLOWED = {"geo.cli", "geo.ingest.formats"}


@pytest.mark.parametrize("module", sorted(set(MODULES) - LAZY_IMPORTS_ALLOWED))
def test_geo_s_own_modules_are_imported_at_the_top(module):
    inside = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside += [f"{node.name}: {ast.unparse(s)}" for s in ast.walk(node)
                       if isinstance(s, ast.ImportFrom) and not s.level
                       and (s.module or "").split(".")[0] == "geo"]
    assert inside == []
