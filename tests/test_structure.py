"""The code's shape: no import circle between the project's modules, and every
import at the top of its file, where a reader sees what a module depends on."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("articles", "accounts", "curation", "benchmark", "corpus_api", "loadtest")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported(name: str, path: Path, node: ast.AST, known) -> list[str]:
    """The project modules an import statement names."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        base = node.module or ""
        if node.level:
            package_parts = package.split(".")
            prefix = ".".join(package_parts[: len(package_parts) - node.level + 1])
            base = f"{prefix}.{base}" if base else prefix
        # `from package import module` names a module; `from module import name` names the module.
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    return sorted({t for t in targets if t in known})


def graph():
    known = modules()
    edges, nested = {}, []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges[name] = set()
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = imported(name, path, node, known)
            edges[name].update(targets)
            if targets and id(node) not in top_level:
                nested.append((name, node.lineno, targets))
    return edges, nested


def cycles(edges) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
    return found


def test_no_module_imports_one_that_imports_it_back():
    edges, _ = graph()
    assert len(edges) > 40, "the walk found the project's modules"
    assert cycles(edges) == []


def test_project_imports_sit_at_the_top_of_their_file():
    """Django loads an app's models only once its registry is ready, so an
    AppConfig may import them in `ready()`: that is the one exception."""
    _, nested = graph()
    assert [(m, line, t) for m, line, t in nested if not m.endswith(".apps")] == []


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_the_cycle_finder_finds_a_circle(edges, expected):
    assert cycles(edges) == expected


def test_the_walk_sees_the_circle_that_was_there(tmp_path, monkeypatch):
    """The circle this test guards against (base → history → schema → base),
    written the way it was: the schema's import hidden inside a method."""
    package = tmp_path / "articles" / "api"
    package.mkdir(parents=True)
    for init in (tmp_path / "articles" / "__init__.py", package / "__init__.py"):
        init.write_text("")
    (package / "base.py").write_text("from .history import HistoryMixin\n")
    (package / "history.py").write_text("from .schema import error_responses\n")
    (package / "schema.py").write_text("class S:\n    def f(self):\n        from .base import CorpusViewSet\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGES"]), "PACKAGES", ("articles",))
    edges, nested = graph()
    assert cycles(edges) == [["articles.api.base", "articles.api.history", "articles.api.schema", "articles.api.base"]]
    assert nested == [("articles.api.schema", 3, ["articles.api.base"])]
