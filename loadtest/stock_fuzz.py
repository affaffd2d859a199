"""`make fuzz-stock`: Schemathesis as a stranger runs it, against the API as production serves it.

tests/test_fuzz.py runs Schemathesis in the suite with the project's own hooks and budgets. This is
the other view: the stock `schemathesis run` CLI with its defaults (every phase, its own example
counts) and every check but `positive_data_acceptance` (which would have every schema-valid request
succeed, though a valid slug may name no record), no hook of ours, over HTTP against gunicorn as
`make serve` runs it. Once anonymously, once with an editor's token (`Authorization: Bearer`), each
on a fresh PostgreSQL database holding the fixture corpus, since the editor's run writes and deletes.

It takes a while: 9 to 15 minutes a run on 2 cores. The summary of each run goes to
loadtest/results-stock-fuzz.json, its whole output to loadtest/tmp/stock-fuzz-<who>.log.

Environment (all optional):
STOCK_FUZZ_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/corpus_stock_fuzz (dropped and created afresh)
"""

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from .run import (
    HERE,
    WORK,
    free_port,
    manage,
    recreate_database,
    server_environment,
    start_server,
    stop_server,
    wait_for_server,
)

RESULTS = HERE / "results-stock-fuzz.json"
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]


def log(message):
    print(f"[stock-fuzz {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def one_run(who: str, url: str) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_environment(url, port)
    recreate_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "corpus", "-v0")
    headers = []
    if who == "editor":
        key = manage(env, "create_editor", "stock-fuzz").strip().splitlines()[-1].split()[-1]
        headers = ["-H", f"Authorization: Bearer {key}"]
    server = start_server(env, WORK / f"gunicorn-stock-fuzz-{who}.log")
    try:
        wait_for_server(base, server)
        log(f"{who}: schemathesis against {base}")
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - the pinned CLI, fixed arguments
            [SCHEMATHESIS, "run", f"{base}/api/schema/?format=json", *CHECKS, *headers],
            capture_output=True, text=True, cwd=WORK, timeout=3600, check=False,
        )  # fmt: skip
        seconds = time.monotonic() - started
    finally:
        stop_server(server)
    output = done.stdout + done.stderr
    (WORK / f"stock-fuzz-{who}.log").write_text(output)
    summary = re.findall(r"^=+ (.*) in [0-9.]+s =+$", output, re.MULTILINE)
    cases = re.search(r"^\s*(\d+) generated", output, re.MULTILINE)
    failures = re.search(r"(\d+) failures?", summary[-1]) if summary else None
    return {
        "who": who,
        "exit": done.returncode,
        "seconds": round(seconds),
        "cases": int(cases.group(1)) if cases else None,
        "failures": int(failures.group(1)) if failures else 0,
        "summary": summary[-1] if summary else output[-500:],
    }


def main():
    url = os.environ.get("STOCK_FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/corpus_stock_fuzz")
    WORK.mkdir(exist_ok=True)
    runs = [one_run(who, url) for who in ("anonymous", "editor")]
    for run in runs:
        log(f"{run['who']}: {run['failures']} failures, {run['cases']} cases, {run['seconds']} s ({run['summary']})")
    RESULTS.write_text(
        json.dumps({"when": datetime.now(UTC).isoformat(timespec="seconds"), "runs": runs}, indent=2) + "\n"
    )
    return 0 if all(run["exit"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
