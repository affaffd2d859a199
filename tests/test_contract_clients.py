"""Clients generated from the served schema, as a researcher's script would use them (issue 13).

- openapi-python-client (pinned in requirements-dev.txt) generates every operation with every
  response it declares, errors included: a schema it cannot read costs clients their typed errors.
- tests/contract_clients/usage.py, a researcher's and an editor's tasks through that client,
  passes `mypy --strict` and then runs against a live server.
- tests/contract_clients/usage.ts, the same tasks through openapi-fetch over openapi-typescript's
  types (pinned in package-lock.json), passes `tsc --strict`.
Neither usage file may cast or silence the checker: the schema's types must be enough.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import APIToken
from articles.permissions import ensure_editors_group

from .openapi import served_schema

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
USAGE = Path(__file__).parent / "contract_clients"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = USAGE / "openapi-python-client.yaml"
NODE_BIN = ROOT / "node_modules" / ".bin"
TOOL_PATH = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}


def run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> str:
    done = subprocess.run(  # noqa: S603 - pinned tools, fixed arguments
        command, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env or TOOL_PATH
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def write_schema(api, directory: Path) -> tuple[dict, Path]:
    schema = served_schema(api)
    path = directory / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    return schema, path


def generate_python_client(api, directory: Path) -> tuple[dict, str]:
    schema, path = write_schema(api, directory)
    output = run(
        [str(GENERATOR), "generate", "--path", str(path), "--meta", "none",
         "--output-path", str(directory / "corpus_client"), "--config", str(CONFIG)],
        cwd=directory,
    )  # fmt: skip
    return schema, output


def test_the_python_client_generates_every_operation_and_response(api, tmp_path):
    schema, output = generate_python_client(api, tmp_path)
    assert "warning" not in output.lower() and "Could not" not in output and "Unable" not in output, output
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op}
    modules = {module.stem for module in (tmp_path / "corpus_client" / "api").rglob("*.py")}
    assert operations <= modules, sorted(operations - modules)


@pytest.mark.parametrize(
    ("name", "silencers"), [("usage.py", r"cast\(|type:\s*ignore|Any\b"), ("usage.ts", r"\bas\b|@ts-|\bany\b")]
)
def test_the_usage_files_neither_cast_nor_silence_the_checker(name, silencers):
    code = "\n".join(
        line for line in (USAGE / name).read_text().splitlines() if not line.lstrip().startswith(("#", "//"))
    )
    assert not re.findall(silencers, code)


@pytest.fixture
def editor_key(transactional_db):
    call_command("loaddata", "corpus", verbosity=0)
    user = get_user_model().objects.create_user("contract-editor", password="not-used-here")
    user.groups.add(ensure_editors_group())
    return APIToken.issue(user, "contract clients")[1]


def test_the_python_usage_file_type_checks_strictly_and_passes_against_a_live_server(
    api, live_server, editor_key, tmp_path
):
    generate_python_client(api, tmp_path)
    usage = tmp_path / "usage.py"
    usage.write_text((USAGE / "usage.py").read_text())
    checked = run(
        [str(Path(sys.executable).with_name("mypy")), "--strict", "--no-incremental", "usage.py"],
        cwd=tmp_path,
        env={**TOOL_PATH, "MYPYPATH": str(tmp_path)},
    )
    assert "Success: no issues found" in checked, checked
    ran = run(
        [sys.executable, "usage.py", live_server.url, editor_key],
        cwd=tmp_path,
        env={**TOOL_PATH, "PYTHONPATH": str(tmp_path)},
    )
    assert "every task passed" in ran, ran


def test_the_typescript_usage_file_type_checks_strictly(api, tmp_path):
    for tool in ("openapi-typescript", "tsc"):
        if not (NODE_BIN / tool).exists():
            message = f"No node_modules/.bin/{tool}: `make test` installs it (npm ci, from package-lock.json)."
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
    _, path = write_schema(api, tmp_path)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")  # openapi-fetch's types, as the project pins them
    node_env = {**TOOL_PATH, "HOME": str(tmp_path)}
    run([str(NODE_BIN / "openapi-typescript"), str(path), "--output", "schema.d.ts"], cwd=tmp_path, env=node_env)
    for name in ("usage.ts", "tsconfig.json"):
        (tmp_path / name).write_text((USAGE / name).read_text())
    checked = run(
        [str(NODE_BIN / "tsc"), "--project", "tsconfig.json", "--pretty", "false"], cwd=tmp_path, env=node_env
    )
    assert "error" not in checked, checked
    strict = json.loads((USAGE / "tsconfig.json").read_text())["compilerOptions"]
    assert strict["strict"] is True and strict["noEmit"] is True
