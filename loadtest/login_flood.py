"""`make load-logins`: what a flood of wrong admin passwords costs everyone else.

Gunicorn as `make serve` runs it, on the local PostgreSQL (its own database, corpus_load_logins,
made afresh; PostgreSQL is not restarted). Readers fetch article pages throughout; in the second
phase LOAD_LOGIN_CLIENTS clients post LOAD_LOGIN_ATTEMPTS wrong passwords in all to the admin
sign-in form, as fast as the server answers. The same is run twice: with the lockout as configured
(django-axes refuses a locked username or address before hashing), and with the lockout raised out of reach
(DJANGO_LOGIN_FAILURES=1000000), which is how the service behaved before it. Prints and writes
loadtest/results-logins.json: the readers' p50/p95 in each phase, and the sign-in answers.

Environment (all optional):
LOAD_LOGIN_ATTEMPTS  wrong passwords in the flood; default 240
LOAD_LOGIN_READERS   concurrent readers; default 4
LOAD_LOGIN_CLIENTS   concurrent clients posting wrong passwords; default 8
LOAD_LOGIN_SECONDS   length of the quiet phase; default 15
"""

import json
import os
import re
import statistics
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import requests

from .cluster import Cluster
from .run import (
    HERE,
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

DATABASE = "postgres://postgres@127.0.0.1:5432/corpus_load_logins"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


class Reader(threading.Thread):
    def __init__(self, base, stop):
        super().__init__(daemon=True)
        self.base, self.stop, self.samples = base, stop, []

    def run(self):
        session = requests.Session()
        while not self.stop.is_set():
            started = time.perf_counter()
            response = session.get(f"{self.base}/api/v1/articles/?page_size=20", timeout=60)
            self.samples.append((time.monotonic(), (time.perf_counter() - started) * 1000, response.status_code))


def flood(base, attempts, flooders) -> tuple[Counter, float]:
    statuses = Counter()
    started = time.monotonic()
    threads = [
        threading.Thread(target=_flood_one, args=(base, attempts // flooders, statuses), daemon=True)
        for _ in range(flooders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.monotonic() - started


def _flood_one(base, attempts, statuses: Counter):
    session = requests.Session()
    for _ in range(attempts):
        page = session.get(f"{base}/admin/login/", timeout=60)
        token = TOKEN.search(page.text)
        response = session.post(
            f"{base}/admin/login/",
            data={"username": "curator", "password": "wrong", "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{base}/admin/login/"},
            timeout=60,
        )
        statuses[response.status_code] += 1  # Counter updates are atomic enough under the GIL for a tally


def run_once(label, extra_env, attempts, flooders, readers, seconds) -> dict:
    recreate_database(DATABASE)
    port = free_port()
    # Plain HTTP on loopback: the CSRF cookie must travel without TLS for the form to be posted at all.
    env = {**server_environment(DATABASE, port), "DJANGO_SECURE_COOKIES": "0", **extra_env}
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "corpus")
    manage(env, "collectstatic", "--noinput")  # the sign-in page links the admin's static files
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as g; "
        "g().objects.create_user('curator', password='the-right-long-password', is_staff=True)",
    )
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, WORK / f"gunicorn-logins-{label}.log")
    try:
        wait_for_server(base, server)
        stop = threading.Event()
        pool = [Reader(base, stop) for _ in range(readers)]
        for reader in pool:
            reader.start()
        time.sleep(3)  # warm-up, not counted
        quiet_from = time.monotonic()
        time.sleep(seconds)
        flood_from = time.monotonic()
        statuses, took = flood(base, attempts, flooders)
        flood_to = time.monotonic()
        stop.set()
        for reader in pool:
            reader.join()
    finally:
        stop_server(server)
    samples = [s for reader in pool for s in reader.samples]
    quiet = [ms for at, ms, _ in samples if quiet_from <= at < flood_from]
    during = [ms for at, ms, _ in samples if flood_from <= at < flood_to]
    return {
        "readers_quiet": {"requests": len(quiet), "p50_ms": percentile(quiet, 0.5), "p95_ms": percentile(quiet, 0.95)},
        "readers_during_flood": {
            "requests": len(during),
            "p50_ms": percentile(during, 0.5),
            "p95_ms": percentile(during, 0.95),
        },
        "p50_ratio": round(statistics.median(during) / statistics.median(quiet), 2) if quiet and during else None,
        "sign_ins": {
            "attempts": attempts,
            "clients": flooders,
            "statuses": dict(statuses),
            "seconds": round(took, 1),
        },
        "reader_errors": sum(1 for _, _, status in samples if status != 200),
    }


def main():
    attempts = env_number("LOAD_LOGIN_ATTEMPTS", 240, int)
    readers = env_number("LOAD_LOGIN_READERS", 4, int)
    flooders = env_number("LOAD_LOGIN_CLIENTS", 8, int)
    seconds = env_number("LOAD_LOGIN_SECONDS", 15.0)
    if not Cluster.serving(DATABASE).ready():
        raise SystemExit("PostgreSQL is not accepting connections.")
    WORK.mkdir(exist_ok=True)
    results = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cores": len(os.sched_getaffinity(0))}
    for label, extra in (("lockout", {}), ("no-lockout", {"DJANGO_LOGIN_FAILURES": "1000000"})):
        log(f"{label}: {readers} readers, {seconds:g} s quiet, then {attempts} wrong passwords from {flooders} clients")
        results[label] = run_once(label, extra, attempts, flooders, readers, seconds)
        log(json.dumps(results[label]))
    (HERE / "results-logins.json").write_text(json.dumps(results, indent=2) + "\n")
    recreate_database(DATABASE)


if __name__ == "__main__":
    main()
