"""Clients generated from the served schema: the first step of the contract-client test (issue 13).
openapi-python-client (pinned in requirements-dev.txt) must generate every operation with every
response it declares, errors included: a schema it cannot read costs clients their typed errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .openapi import served_schema

pytestmark = pytest.mark.django_db
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = Path(__file__).parent / "contract_clients" / "openapi-python-client.yaml"


def test_the_python_client_generates_every_operation_and_response(api, tmp_path):
    schema = served_schema(api)
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    generated = subprocess.run(  # noqa: S603 - the pinned generator, fixed arguments
        [str(GENERATOR), "generate", "--path", str(path), "--meta", "none", "--output-path",
         str(tmp_path / "corpus_client"), "--config", str(CONFIG)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )  # fmt: skip
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower() and "Could not" not in output and "Unable" not in output, output
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op}
    modules = {module.stem for module in (tmp_path / "corpus_client" / "api").rglob("*.py")}
    assert operations <= modules, sorted(operations - modules)
