"""Timings, query counts and memory, through the real URLconf with DEBUG off."""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

WARMUP = 2
REPEAT = 20
BUDGET_SECONDS = 5.0  # per scenario: slow ones get fewer samples (at least MIN_SAMPLES)
MIN_SAMPLES = 3


def client() -> Client:
    return Client(HTTP_ACCEPT="application/json")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(get, url: str, headers: dict | None = None, expect: int = 200) -> dict:
    """p50/p95 of `get(url)` in milliseconds, after a warm-up."""
    headers = headers or {}
    status = None
    for _ in range(WARMUP):
        before = time.perf_counter()
        status = get(url, headers=headers).status_code
        if time.perf_counter() - before > 1:  # a slow request is warm after one run
            break
    if status != expect:
        return {"url": url, "error": f"HTTP {status}, expected {expect}"}
    samples, cpu = [], []
    started = time.perf_counter()
    while len(samples) < REPEAT and (len(samples) < MIN_SAMPLES or time.perf_counter() - started < BUDGET_SECONDS):
        before, before_cpu = time.perf_counter(), time.process_time()
        response = get(url, headers=headers)
        samples.append((time.perf_counter() - before) * 1000)
        cpu.append((time.process_time() - before_cpu) * 1000)
        if response.status_code != expect:
            return {"url": url, "error": f"HTTP {response.status_code}, expected {expect}"}
    return {
        "url": url,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        # This process's CPU time alone: steadier than wall time on a shared
        # machine, but blind to a database server's own work.
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "samples": len(samples),
    }


def _in_serialisation() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name in ("to_representation", "data") and "serializers" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def query_count(get, url: str) -> dict:
    """Queries one request runs, those run while serialising, and whether one
    is a COUNT over the whole table (no LIMIT to cap it)."""
    during = []

    def watch(execute, sql, params, many, context):
        if _in_serialisation():
            during.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(watch):
        response = get(url)
    sqls = [q["sql"] for q in captured.captured_queries]
    unbounded = [s for s in sqls if "COUNT(" in s.upper() and "LIMIT" not in s.upper() and "WHERE" not in s.upper()]
    return {
        "status": response.status_code,
        "queries": len(sqls),
        "during_serialisation": len(during),
        "unbounded_count": bool(unbounded),
    }


LISTS = ["outlets", "articles", "people", "events", "figures", "person-mentions", "event-mentions", "figures/compare"]


def query_counts(get) -> dict:
    result = {}
    for name in LISTS:
        per_size = {size: query_count(get, f"/api/v1/{name}/?page_size={size}") for size in (1, 20, 100)}
        counts = {size: r["queries"] for size, r in per_size.items()}
        result[name] = {
            "queries": counts,
            "during_serialisation": max(r["during_serialisation"] for r in per_size.values()),
            "status": sorted({r["status"] for r in per_size.values()}),
        }
    return result


def child_rss(url: str, requests: int, workdir) -> dict:
    """Peak RSS of a fresh process that serves `requests` requests at the maximum page size."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0"}
    env.setdefault("DJANGO_SECRET_KEY", "bench-only")
    command = [sys.executable, "manage.py", "bench", "--child-rss", str(requests)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=workdir)  # noqa: S603
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


MAX_PAGE_URLS = [
    "/api/v1/articles/?page_size=100",
    "/api/v1/articles/?page_size=100&page=50",
    "/api/v1/articles/?page_size=100&search=venezuela",
    "/api/v1/people/?page_size=100",
    "/api/v1/figures/?page_size=100",
    "/api/v1/person-mentions/?page_size=100",
    "/api/v1/events/?page_size=100",
]


def serve_for_rss(requests: int) -> dict:
    """In the child: serve the max-page URLs round-robin, then report peak RSS."""
    get = client().get
    before = _high_water_kib() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    statuses = set()
    for i in range(requests):
        statuses.add(get(MAX_PAGE_URLS[i % len(MAX_PAGE_URLS)]).status_code)
    peak = _high_water_kib() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"requests": requests, "peak_rss_mb": round(peak / 1024, 1), "startup_rss_mb": round(before / 1024, 1),
            "statuses": sorted(statuses)}  # fmt: skip


def _high_water_kib() -> int | None:
    """This process's own peak RSS. Linux's ru_maxrss carries the parent's peak
    across fork and exec, so a child of a big process would report the parent's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
