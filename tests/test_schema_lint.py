"""The served schema passes Spectral's OpenAPI rules (.spectral.yaml) and Redocly's `recommended`
rules (redocly.yaml), warnings included: what API linters and generated clients trip on (unused
components, missing descriptions, bad examples). Each config lists the rules it turns off, and why."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from .openapi import served_schema

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "node_modules" / ".bin"

pytestmark = pytest.mark.django_db


def node_tool(name: str) -> Path:
    """A tool package-lock.json pins; skipped outside CI when `npm ci` has not run, a failure in CI."""
    tool = BIN / name
    if not tool.exists():
        message = f"No {tool.relative_to(ROOT)}: `make test` installs it (npm ci, from package-lock.json)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return tool


def lint(api, tmp_path, tool: str, *arguments: str) -> str:
    """The served schema through one pinned linter: its output, after asserting it passed."""
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(served_schema(api)), encoding="utf-8")
    linted = subprocess.run(  # noqa: S603 - a pinned linter, fixed arguments
        [str(node_tool(tool)), "lint", str(schema), *arguments],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )  # fmt: skip
    output = linted.stdout + linted.stderr
    assert linted.returncode == 0, output
    return output


def test_the_schema_passes_spectral_with_no_warning(api, tmp_path):
    lint(api, tmp_path, "spectral", "--ruleset", str(ROOT / ".spectral.yaml"), "--fail-severity", "warn")


def test_the_schema_passes_redoclys_recommended_rules_with_no_warning(api, tmp_path):
    output = lint(api, tmp_path, "redocly", "--config", str(ROOT / "redocly.yaml"), "--format", "stylish")
    # Redocly fails on errors only; a warning is printed after the file's name.
    assert "warning" not in output.split("validated in")[-1].lower(), output
