"""`make load-export-memory`: does an NDJSON export stream in constant memory?

Gunicorn as `make serve` runs it, with one worker and one thread so that the export is the only
thing the worker holds, on a PostgreSQL database with a generated corpus (EXPORT_MEMORY_ARTICLES,
100 000 by default; generated once and kept). For each export below, on a freshly started worker:
its resident memory after a warm-up (a JSON page and a small export, so the code and caches are
loaded), then sampled every 20 ms while the export streams to the end; the peak (VmHWM) is the
figure. The growth over the warm worker is compared between a small and the whole filtered set in
one run: constant memory means the same growth for 20 times the rows.

Every line of each export is parsed and counted against the list's `count`: a short export fails.

Environment (all optional):
EXPORT_MEMORY_ARTICLES      generated articles; default 100000
EXPORT_MEMORY_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/corpus_export_memory
"""

import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from .run import HERE, WORK, free_port, manage, server_environment, start_server, stop_server, wait_for_server

RESULTS = HERE / "results-export-memory.json"
FIELDS = "id,title,published,outlet,authors,body"


def log(message):
    print(f"[export-memory {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise SystemExit(f"no {key} for process {pid}")


def the_worker(server_pid: int) -> int:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def ensure_database(url: str, articles: int, env: dict) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    with psycopg.connect(url) as connection:
        have = connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    if have < articles:
        log(f"generating {articles:,} articles (once; the database is kept)")
        manage(env, "generate_corpus", "--articles", str(articles), "--clear")


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop, self.peak = pid, threading.Event(), 0

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, kib(self.pid, "VmRSS"))
            time.sleep(0.02)


def measure(env: dict, base: str, headers: dict, query: dict, count: int) -> dict:
    server = start_server(env, WORK / "gunicorn-export-memory.log")
    try:
        wait_for_server(base, server)
        worker = the_worker(server.pid)
        requests.get(f"{base}/api/v1/articles/", params=query, headers=headers, timeout=60).raise_for_status()
        warm_up = requests.get(
            f"{base}/api/v1/articles/export/ndjson/",
            params={"fields": FIELDS, "search": "zzzz-no-such-word"},
            headers=headers,
            timeout=60,
        )
        warm_up.raise_for_status()
        warm = kib(worker, "VmRSS")
        sampler = Sampler(worker)
        sampler.start()
        started = time.monotonic()
        rows = size = 0
        with requests.get(
            f"{base}/api/v1/articles/export/ndjson/",
            params={**query, "fields": FIELDS},
            headers=headers,
            stream=True,
            timeout=600,
        ) as answer:
            answer.raise_for_status()
            for line in answer.iter_lines():
                if line:
                    json.loads(line)
                    rows += 1
                    size += len(line) + 1
        seconds = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        peak = max(sampler.peak, kib(worker, "VmHWM"))
        if rows != count:
            raise SystemExit(f"the export of {query or 'every article'} gave {rows:,} lines for {count:,} articles")
        return {
            "query": query,
            "rows": rows,
            "megabytes": round(size / 1e6, 1),
            "seconds": round(seconds, 1),
            "warm_rss_mb": round(warm / 1024, 1),
            "peak_rss_mb": round(peak / 1024, 1),
            "growth_mb": round((peak - warm) / 1024, 1),
        }
    finally:
        stop_server(server)


def main():
    articles = int(os.environ.get("EXPORT_MEMORY_ARTICLES", "100000"))
    url = os.environ.get("EXPORT_MEMORY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/corpus_export_memory")
    WORK.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **server_environment(url, port),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    ensure_database(url, articles, env)
    # An editor's token: an anonymous export is capped at 10 000 rows.
    key = manage(env, "create_editor", "export-memory").strip().splitlines()[-1].split()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    # The rows each export must have, counted in the database (the list's count is exact only up to 10 000).
    with psycopg.connect(url) as connection:
        outlet, in_outlet = connection.execute(
            "SELECT o.slug, count(*) FROM articles_outlet o JOIN articles_article a ON a.outlet_id = o.id "
            "GROUP BY o.slug ORDER BY count(*) ASC LIMIT 1"
        ).fetchone()
        every = connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    small = measure(env, base, headers, {"outlet": outlet}, in_outlet)
    log(f"one outlet: {small}")
    whole = measure(env, base, headers, {}, every)
    log(f"every article: {whole}")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": articles,
        "fields": FIELDS,
        "small": small,
        "whole": whole,
        "rows_ratio": round(whole["rows"] / small["rows"], 1),
        "growth_ratio": round(whole["growth_mb"] / small["growth_mb"], 2) if small["growth_mb"] > 0 else None,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    log(
        f"rows ×{result['rows_ratio']}, memory growth ×{result['growth_ratio']}; "
        f"peak {whole['peak_rss_mb']} MB -> {RESULTS}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
