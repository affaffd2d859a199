"""`make load-exports`: do exports slow the readers down, and does any come out cut short?

Gunicorn as `make serve` runs it, on the local PostgreSQL, with a generated corpus large enough that
an export takes seconds. Two phases of LOAD_EXPORT_SECONDS each on the same server: first anonymous
readers only, then the same readers while 5 anonymous clients export (CSV and JSON-LD) in a loop.
The readers' p95 of the second phase against the first is the figure; every export is read to its
end and checked: complete chunked body (a missing last chunk is an error in `requests`), well-formed,
and as many rows as the list's count. PostgreSQL is not restarted.

Environment (all optional):
LOAD_EXPORT_SECONDS   length of each phase; default 60
LOAD_EXPORT_WARMUP    seconds of readers before the first phase, not counted (cold caches); default 10
LOAD_EXPORT_READERS   concurrent readers (threads); default 8
LOAD_EXPORT_CLIENTS   concurrent exporters in the second phase; default 5
LOAD_EXPORT_ARTICLES  generated articles besides the fixture corpus; default 8000 (an anonymous export
                      of every article then stays under the 10 000-row cap)
LOAD_EXPORT_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/corpus_load_exports (dropped and
                      created afresh)
GUNICORN_WORKERS, GUNICORN_THREADS  as in gunicorn.conf.py
"""

import csv
import io
import json
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from . import report
from .cluster import Cluster
from .run import (
    HERE,
    WORK,
    env_number,
    free_port,
    gunicorn_threads,
    log,
    manage,
    recreate_database,
    server_environment,
    start_server,
    stop_server,
    wait_for_server,
)
from .workload import API, Client, read_catalogue

EXPORT_TIMEOUT = 600  # seconds without a byte before the client gives up on an export


@dataclass
class Export:
    path: str
    started: float
    ended: float
    status: int
    rows: int | None = None  # rows read
    expected: int | None = None  # the list's count
    size: int = 0
    error: str = ""
    retry_after: str | None = None

    @property
    def complete(self) -> bool:
        return self.status == 200 and not self.error and self.rows == self.expected

    @property
    def busy(self) -> bool:
        """Refused up front because the worker was streaming its share of exports: retried."""
        return self.status == 503 and "exports" in self.error


class Exporter(threading.Thread):
    """One anonymous client exporting in a loop: each export read to its end and checked."""

    def __init__(self, number, base, paths, deadline, stop):
        super().__init__(name=f"exporter-{number}", daemon=True)
        self.base, self.paths, self.deadline, self.stop = base, paths, deadline, stop
        self.offset = number
        self.exports: list[Export] = []
        self.session = requests.Session()

    def run(self):
        n = self.offset
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            path, expected = self.paths[n % len(self.paths)]
            export = self.export(path, expected)
            self.exports.append(export)
            if export.busy:
                # As a client should: wait as told, then the same export on a new connection, which
                # may reach another worker (a kept-alive one would reach the same).
                self.session.close()
                self.session = requests.Session()
                self.stop.wait(float(export.retry_after or 1))
            else:
                n += 1

    def export(self, path, expected) -> Export:
        started = time.monotonic()
        record = Export(path, started, started, 0, expected=expected)
        try:
            with self.session.get(f"{self.base}{API}/{path}", stream=True, timeout=EXPORT_TIMEOUT) as response:
                record.status = response.status_code
                body = b"".join(response.iter_content(chunk_size=1 << 16))  # raises if the last chunk is missing
                record.size = len(body)
                record.retry_after = response.headers.get("Retry-After")
                if record.status != 200:
                    record.error = body[:300].decode(errors="replace")
                elif response.headers.get("Content-Length") is not None:
                    record.error = "a Content-Length: not streamed"
                else:
                    record.rows = count_rows(path, body.decode())
        except (requests.RequestException, ValueError) as exc:
            record.error = f"{type(exc).__name__}: {exc}"[:300]
        record.ended = time.monotonic()
        return record


def count_rows(path, text) -> int:
    if "format=jsonld" in path:
        return len(json.loads(text)["@graph"])  # raises on a cut document
    if not text.endswith("\r\n"):
        raise ValueError("the CSV does not end with a whole row")
    return sum(1 for _ in csv.reader(io.StringIO(text))) - 1


def export_paths(base, catalogue) -> list[tuple[str, int]]:
    """Exports an anonymous client may make (under the row cap), each with the rows it must hold."""
    candidates = [
        "articles/?format=csv",
        "articles/?format=jsonld",
        "people/?format=csv",
        "events/?format=csv",
        "person-mentions/?format=csv&role=author",
        *(f"figures/?format=csv&outlet={slug}" for slug in catalogue.outlet_slugs[:3]),
    ]
    paths = []
    for path in candidates:
        listing = re.sub(r"format=[a-z]+&?", "", path).rstrip("?&")
        separator = "&" if "?" in listing else "?"
        page = requests.get(f"{base}{API}/{listing}{separator}page_size=1", timeout=60).json()
        if page.get("count_is_exact", True) and page["count"] <= 10_000:
            paths.append((path, page["count"]))
    return paths


def phase(base, catalogue, seconds, readers, exporters, paths, seed):
    stop = threading.Event()
    deadline = time.monotonic() + seconds
    reading = [
        Client(
            n,
            base=base,
            token="",
            run_id="exports",
            catalogue=catalogue,
            deadline=deadline,
            write_share=0.0,
            seed=seed,
            stop=stop,
        )
        for n in range(readers)
    ]
    exporting = [Exporter(n, base, paths, deadline, stop) for n in range(exporters)]
    started = time.monotonic()
    for thread in (*reading, *exporting):
        thread.start()
    for thread in reading:
        thread.join()
    for thread in exporting:  # an export under way is read to its end
        thread.join(timeout=EXPORT_TIMEOUT)
    samples = [s for client in reading for s in client.samples]
    exports = [e for exporter in exporting for e in exporter.exports]
    return {
        "seconds": round(time.monotonic() - started, 1),
        "readers": report.latency(samples),
        "reader_errors": sum(1 for s in samples if report.is_error(s)),
        "exports": exports,
    }


def summary(exports) -> dict:
    busy = [e for e in exports if e.busy]
    busy_s = sorted(round(e.ended - e.started, 2) for e in busy)
    exports = [e for e in exports if not e.busy]
    by_path = {}
    for e in exports:
        row = by_path.setdefault(e.path, {"exports": 0, "complete": 0, "rows": e.expected, "mb": 0.0, "s": []})
        row["exports"] += 1
        row["complete"] += e.complete
        row["mb"] = round(e.size / 2**20, 1)
        row["s"].append(round(e.ended - e.started, 1))
    return {
        "exports": len(exports),
        "complete": sum(e.complete for e in exports),
        "refused_busy": len(busy),
        "refused_busy_median_s": busy_s[len(busy_s) // 2] if busy_s else None,
        "incomplete": [
            {"path": e.path, "status": e.status, "rows": e.rows, "expected": e.expected, "error": e.error}
            for e in exports
            if not e.complete
        ],
        "by_path": {
            path: {**row, "s_max": max(row["s"]), "s_median": sorted(row["s"])[len(row["s"]) // 2], "s": None}
            for path, row in by_path.items()
        },
    }


def markdown(r) -> str:
    s, before, during = r["settings"], r["readers_only"], r["with_exports"]
    ratio = r["p95_ratio"]
    lines = [
        report.EXPORTS_SECTION,
        "",
        f"`make load-exports`, run {s['run_id']}, {s['date']}.",
        "",
        f"- gunicorn, {s['gunicorn_workers']} gthread workers × {s['gunicorn_threads']} threads, on loopback;"
        f" DEBUG off, throttles off, the anonymous export cap at its default (10 000 rows). {s['cores']} cores,"
        " shared by the clients (which also parse every export), the server and PostgreSQL.",
        f"- Database `{s['database']}`: the fixture corpus plus {s['articles']:,} generated articles"
        f" ({s['corpus_articles']:,} articles, {s['corpus_figures']:,} figures).",
        f"- Two phases of {s['seconds']:g} s on the same server: {s['readers']} anonymous readers alone (lists,"
        f" details, filters, search, facets, compare), then the same readers while {s['exporters']} anonymous"
        " clients export in a loop.",
        "",
        "| readers | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, p in (("alone", before), (f"with {s['exporters']} exporters", during)):
        lat = p["readers"]
        lines.append(
            f"| {name} | {lat['count']} | {p['reader_errors']} | {lat['p50']} | {lat['p95']} | {lat['p99']} |"
            f" {lat['max']} |"
        )
    exports = r["exports"]
    lines += [
        "",
        f"**Readers' p95 with exporters / alone: {ratio:.2f}×** (target: at most 2×)."
        f" **Exports: {exports['exports']}, complete {exports['complete']}, incomplete or cut"
        f" {len(exports['incomplete'])}**; refused up front because the worker reached was streaming its share"
        f" (503, retried): {exports['refused_busy']}.",
        "",
        "| export | rows | MB | done | complete | median s | max s |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, row in exports["by_path"].items():
        lines.append(
            f"| `{path}` | {row['rows']:,} | {row['mb']} | {row['exports']} | {row['complete']} |"
            f" {row['s_median']} | {row['s_max']} |"
        )
    if exports["incomplete"]:
        lines += ["", "Incomplete:", "", *(f"- `{json.dumps(e)}`" for e in exports["incomplete"][:8])]
    server = r["server"]
    lines += [
        "",
        f"gunicorn: {server['workers_booted']} worker boots, {server['worker_timeouts']} timeouts,"
        f" {server['workers_exited_with_error']} crashed; exceptions logged: {server['exceptions_logged'] or 'none'}.",
        "",
    ]
    return "\n".join(lines)


def main():
    seconds = env_number("LOAD_EXPORT_SECONDS", 60.0)
    warmup = env_number("LOAD_EXPORT_WARMUP", 10.0)
    readers = env_number("LOAD_EXPORT_READERS", 8, int)
    exporters = env_number("LOAD_EXPORT_CLIENTS", 5, int)
    articles = env_number("LOAD_EXPORT_ARTICLES", 8000, int)
    database_url = (
        os.environ.get("LOAD_EXPORT_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/corpus_load_exports"
    )
    cluster = Cluster.serving(database_url)
    if cluster.host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("LOAD_EXPORT_DATABASE_URL must be on loopback.")
    WORK.mkdir(exist_ok=True)
    server = None
    try:
        if not cluster.ready():
            raise SystemExit("PostgreSQL is not accepting connections.")
        log(f"database {database_url} afresh, migrate, loaddata corpus, {articles} generated articles")
        recreate_database(database_url)
        port = free_port()
        env = server_environment(database_url, port)
        manage(env, "migrate", "--noinput")
        manage(env, "loaddata", "corpus")
        manage(env, "generate_corpus", "--articles", str(articles), "--verbosity", "0")
        manage(env, "collectstatic", "--noinput")
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, WORK / "gunicorn-exports.log")
        wait_for_server(base, server)
        catalogue = read_catalogue(base)
        paths = export_paths(base, catalogue)
        log(f"gunicorn (pid {server.pid}) on {base}; exports: {', '.join(p for p, _ in paths)}")
        log(f"warm-up: {readers} readers for {warmup:g} s, not counted")
        phase(base, catalogue, warmup, readers, 0, paths, "0")
        log(f"phase 1: {readers} readers alone for {seconds:g} s")
        alone = phase(base, catalogue, seconds, readers, 0, paths, "1")
        log(f"phase 2: {readers} readers and {exporters} exporters for {seconds:g} s")
        busy = phase(base, catalogue, seconds, readers, exporters, paths, "2")
        counts = {
            name: requests.get(f"{base}{API}/{name}/?page_size=1", timeout=60).json()["count"]
            for name in ("articles", "figures")
        }
        stop_server(server)
        exports = summary(busy.pop("exports"))
        alone.pop("exports")
        results = {
            "settings": {
                "run_id": secrets.token_hex(3),
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "seconds": seconds,
                "readers": readers,
                "exporters": exporters,
                "articles": articles,
                "corpus_articles": counts["articles"],
                "corpus_figures": counts["figures"],
                "database": urlsplit(database_url).path.lstrip("/"),
                "gunicorn_workers": int(env["GUNICORN_WORKERS"]),
                "gunicorn_threads": gunicorn_threads(),
                "cores": len(os.sched_getaffinity(0)),
            },
            "readers_only": alone,
            "with_exports": busy,
            "p95_ratio": busy["readers"]["p95"] / alone["readers"]["p95"],
            "exports": exports,
            "server": report.server_log_figures((WORK / "gunicorn-exports.log").read_text(errors="replace")),
        }
        (HERE / "results-exports.json").write_text(json.dumps(results, indent=2) + "\n")
        section = markdown(results)
        results_md = HERE / "RESULTS.md"
        old = results_md.read_text() if results_md.exists() else ""
        results_md.write_text(f"{old.split(report.EXPORTS_SECTION)[0].rstrip()}\n\n{section}".lstrip())
        print(section)
        passed = results["p95_ratio"] <= 2 and not exports["incomplete"] and exports["exports"] > 0
        return 0 if passed else 1
    finally:
        if server is not None:
            stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
