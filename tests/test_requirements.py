"""Production installs what the service imports and nothing else: the runtime
set (requirements.txt) holds no test or lint tool, every pin carries its
hashes, and every package the runtime code imports is pinned there."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_CODE = ["articles", "accounts", "curation", "benchmark", "corpus_api", "manage.py", "gunicorn.conf.py"]
DEV_TOOLS = {"pytest", "pytest-django", "pytest-env", "schemathesis", "hypothesis", "playwright", "ruff", "pip-tools"}
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==\S+")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """{distribution: its pin entry, continuation lines included}."""
    entries, current = {}, None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normalise(match.group(1))
            entries[current] = line
        elif current and line.startswith("    --hash"):
            entries[current] += line
        elif not line.startswith("    "):
            current = None
    return entries


def imported_top_level(paths) -> set[str]:
    names = set()
    for entry in paths:
        target = ROOT / entry
        for path in [target] if target.is_file() else target.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names


def test_the_runtime_set_holds_no_test_or_lint_tool():
    runtime = pins(ROOT / "requirements.txt")
    assert runtime, "requirements.txt pins the runtime set"
    assert DEV_TOOLS.isdisjoint(runtime), DEV_TOOLS & set(runtime)
    assert set(pins(ROOT / "requirements-dev.txt")) >= DEV_TOOLS


def test_every_pin_carries_its_hashes():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, entry in pins(ROOT / name).items():
            assert "--hash=sha256:" in entry, f"{name}: {package} has no hash"


def test_the_dev_set_pins_the_runtime_set_at_the_same_versions():
    runtime, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    for package, entry in runtime.items():
        assert package in dev, package
        assert entry.split()[0] == dev[package].split()[0], package


def test_pyyaml_is_named_where_it_is_used():
    direct = {
        normalise(PIN.match(line).group(1))
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if PIN.match(line)
    }
    assert "pyyaml" in direct


def test_every_package_the_runtime_code_imports_is_pinned_in_the_runtime_set():
    runtime = set(pins(ROOT / "requirements.txt"))
    project = {"articles", "accounts", "curation", "benchmark", "corpus_api"}
    providers = packages_distributions()
    missing = {}
    for name in sorted(imported_top_level(RUNTIME_CODE) - project - set(sys.stdlib_module_names)):
        distributions = {normalise(d) for d in providers.get(name, [])}
        if not distributions & runtime:
            missing[name] = sorted(distributions) or ["not installed"]
    assert missing == {}
