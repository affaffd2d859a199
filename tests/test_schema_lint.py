"""The served schema passes Spectral's OpenAPI rules (.spectral.yaml), warnings included: what API
linters and generated clients trip on (unused components, missing descriptions, bad examples)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from .openapi import served_schema

ROOT = Path(__file__).resolve().parent.parent
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"

pytestmark = pytest.mark.django_db


@pytest.fixture
def spectral():
    if not SPECTRAL.exists():
        message = f"No {SPECTRAL.relative_to(ROOT)}: `make test` installs it (npm ci, from package-lock.json)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SPECTRAL


def test_the_schema_passes_spectral_with_no_warning(api, spectral, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(served_schema(api)), encoding="utf-8")
    linted = subprocess.run(  # noqa: S603 - the pinned linter, fixed arguments
        [str(spectral), "lint", str(schema), "--ruleset", str(ROOT / ".spectral.yaml"), "--fail-severity", "warn",
         "--format", "text"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr
