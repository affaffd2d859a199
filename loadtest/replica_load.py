"""`make load-replica` (and the last part of `make load`): gunicorn reading from a streaming replica,
with the replica restarted in the middle of the run.

It starts the hot standby (loadtest/standby.sh, port 5433), makes its own database corpus_load_replica on
the primary afresh, and serves it with DATABASE_REPLICA_URLS pointing at the standby's copy. Readers fetch
lists and details anonymously; each writer, with its own token, changes its own person and at once reads
it back, and counts a stale read whenever it does not see what it wrote. Halfway through, the standby
restarts. Prints and writes loadtest/results-replica.json: requests, errors, stale reads, the readers'
p50/p95, the share of corpus transactions the standby served, and the replica warnings gunicorn logged.
Exits 1 on any error or stale read.

Environment (all optional):
LOAD_REPLICA_SECONDS   length of the run; default 40
LOAD_REPLICA_READERS   concurrent anonymous readers; default 6
LOAD_REPLICA_WRITERS   concurrent writers, each with its own token and person; default 3
LOAD_REPLICA_LAG_MS    the standby applies each commit this late (recovery_min_apply_delay), so a
                       writer reading from it would read stale; default 200
"""

import json
import statistics
import subprocess
import threading
import time

import psycopg
import requests

from .run import (
    HERE,
    ROOT,
    WORK,
    env_number,
    free_port,
    log,
    manage,
    recreate_database,
    server_environment,
    start_server,
    stop_server,
    wait_for_server,
)

DATABASE = "postgres://postgres@127.0.0.1:5432/corpus_load_replica"
STANDBY = "postgres://postgres@127.0.0.1:5433/corpus_load_replica"
STANDBY_SCRIPT = str(ROOT / "loadtest" / "standby.sh")


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1) if ordered else None


class Reader(threading.Thread):
    def __init__(self, base, paths, stop):
        super().__init__(daemon=True)
        self.base, self.paths, self.stop = base, paths, stop
        self.samples, self.errors = [], []

    def run(self):
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            began = time.monotonic()
            try:
                status = session.get(self.base + path, timeout=30).status_code
            except requests.RequestException as error:
                self.errors.append(f"{path}: {error}")
                continue
            self.samples.append((began, time.monotonic() - began))
            if status != 200:
                self.errors.append(f"{path}: {status}")


class Writer(threading.Thread):
    def __init__(self, number, base, token, slug, stop):
        super().__init__(daemon=True)
        self.number, self.base, self.slug, self.stop = number, base, slug, stop
        self.headers = {"Authorization": f"Bearer {token}"}
        self.writes, self.stale, self.errors = 0, [], []

    def run(self):
        session = requests.Session()
        url = f"{self.base}/api/v1/people/{self.slug}/"
        while not self.stop.is_set():
            value = f"writer {self.number}, write {self.writes + 1}"
            try:
                changed = session.patch(url, json={"description": value}, headers=self.headers, timeout=30)
                if changed.status_code != 200:
                    self.errors.append(f"PATCH {changed.status_code}")
                    continue
                self.writes += 1
                seen = session.get(url, headers=self.headers, timeout=30)
            except requests.RequestException as error:
                self.errors.append(str(error))
                continue
            if seen.status_code != 200:
                self.errors.append(f"GET {seen.status_code}")
            elif seen.json()["description"] != value:
                self.stale.append({"wrote": value, "read": seen.json()["description"]})


def standby(command):
    result = subprocess.run([STANDBY_SCRIPT, command], capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"loadtest/standby.sh {command} failed:\n{result.stdout}{result.stderr}")
    log(result.stdout.strip())


def standby_transactions():
    with psycopg.connect(STANDBY.replace("/corpus_load_replica", "/postgres"), autocommit=True) as connection:
        row = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'corpus_load_replica'"
        ).fetchone()
    return row[0] if row else 0


def standby_lag(milliseconds):
    with psycopg.connect(STANDBY.replace("/corpus_load_replica", "/postgres"), autocommit=True) as connection:
        if milliseconds:
            connection.execute(f"ALTER SYSTEM SET recovery_min_apply_delay = '{int(milliseconds)}ms'")
        else:
            connection.execute("ALTER SYSTEM RESET recovery_min_apply_delay")
        connection.execute("SELECT pg_reload_conf()")


def wait_for_standby(limit=60.0):
    until = time.monotonic() + limit
    while time.monotonic() < until:
        try:
            with psycopg.connect(STANDBY, autocommit=True, connect_timeout=2) as connection:
                if connection.execute("SELECT count(*) FROM articles_article").fetchone()[0] > 0:
                    return
        except psycopg.Error:
            pass
        time.sleep(0.5)
    raise SystemExit("the standby did not show the load database's articles in time")


def main():
    seconds = env_number("LOAD_REPLICA_SECONDS", 40.0)
    readers_count = env_number("LOAD_REPLICA_READERS", 6, int)
    writers_count = env_number("LOAD_REPLICA_WRITERS", 3, int)
    lag = env_number("LOAD_REPLICA_LAG_MS", 200, int)
    WORK.mkdir(exist_ok=True)
    standby("start")
    server = None
    stop = threading.Event()
    try:
        log(f"database {DATABASE} afresh, migrate, loaddata corpus; reads from {STANDBY}")
        recreate_database(DATABASE)
        port = free_port()
        env = server_environment(DATABASE, port)
        manage(env, "migrate", "--noinput")
        manage(env, "loaddata", "corpus")
        manage(env, "collectstatic", "--noinput")
        tokens = [
            manage(env, "create_editor", f"replica-writer-{n}").strip().splitlines()[-1].split()[-1]
            for n in range(writers_count)
        ]
        wait_for_standby()
        standby_lag(lag)
        env["DATABASE_REPLICA_URLS"] = STANDBY
        env["DJANGO_LOG_LEVEL"] = "WARNING"
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, WORK / "gunicorn-replica.log")
        wait_for_server(base, server)
        people = [p["slug"] for p in requests.get(f"{base}/api/v1/people/?page_size=50", timeout=30).json()["results"]]
        article = requests.get(f"{base}/api/v1/articles/?page_size=1", timeout=30).json()["results"][0]["id"]
        paths = [
            "/api/v1/articles/?page_size=20",
            f"/api/v1/articles/{article}/",
            "/api/v1/people/?page_size=20",
            "/api/v1/articles/?search=venezuela",
            "/api/v1/figures/?page_size=20",
        ]
        readers = [Reader(base, paths, stop) for _ in range(readers_count)]
        writers = [Writer(n, base, tokens[n], people[n], stop) for n in range(writers_count)]
        served_before = standby_transactions()
        started = time.monotonic()
        for worker in readers + writers:
            worker.start()
        time.sleep(seconds / 2)
        restart_began = time.monotonic()
        standby("restart")
        restart_done = time.monotonic()
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        stop.set()
        for worker in readers + writers:
            worker.join(timeout=60)
        served = standby_transactions() - served_before
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        standby_lag(0)

    samples = [sample for reader in readers for sample in reader.samples]
    during = [d for began, d in samples if restart_began - 1 <= began <= restart_done + 2]
    warnings = [
        line.strip()
        for line in (WORK / "gunicorn-replica.log").read_text().splitlines()
        if "Read replica" in line or "Traceback" in line
    ]
    results = {
        "seconds": seconds,
        "readers": readers_count,
        "writers": writers_count,
        "reads": len(samples),
        "reader_errors": sum(len(r.errors) for r in readers),
        "reader_error_examples": [e for r in readers for e in r.errors][:5],
        "reader_p50_ms": percentile([d for _, d in samples], 0.5),
        "reader_p95_ms": percentile([d for _, d in samples], 0.95),
        "reader_p95_ms_around_restart": percentile(during, 0.95),
        "writes": sum(w.writes for w in writers),
        "writer_errors": sum(len(w.errors) for w in writers),
        "writer_error_examples": [e for w in writers for e in w.errors][:5],
        "stale_reads_by_writers": sum(len(w.stale) for w in writers),
        "stale_examples": [s for w in writers for s in w.stale][:5],
        "standby_apply_delay_ms": lag,
        "standby_transactions": served,
        "standby_restart_seconds": round(restart_done - restart_began, 2),
        "replica_log_lines": warnings[:10],
        "mean_reads_per_second": round(len(samples) / seconds, 1),
        "median_read_ms": round(statistics.median([d for _, d in samples]) * 1000, 1) if samples else None,
    }
    (HERE / "results-replica.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    if results["reader_errors"] or results["writer_errors"] or results["stale_reads_by_writers"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
