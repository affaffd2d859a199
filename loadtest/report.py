"""Figures from the samples, the reconciliation and gunicorn's log; the verdict; RESULTS.md."""

import re
from collections import Counter

SERVER_ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout))(?::|$)", re.MULTILINE)


def percentile(values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not values:
        return None
    rank = max(1, round(fraction * len(values) + 0.5))
    return values[min(rank, len(values)) - 1]


def latency(samples) -> dict:
    times = sorted((s.ended - s.started) * 1000 for s in samples if s.status)
    figures = {"count": len(times)}
    for name, fraction in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        value = percentile(times, fraction)
        figures[name] = None if value is None else round(value, 1)
    figures["max"] = round(times[-1], 1) if times else None
    return figures


def is_error(sample) -> bool:
    return sample.status == 0 or sample.status >= 400


def status_name(status: int) -> str:
    return str(status) if status else "no response"


def by_status(samples) -> dict:
    return dict(sorted(Counter(status_name(s.status) for s in samples).items()))


def server_log_figures(text: str) -> dict:
    exceptions = Counter(SERVER_ERROR_LINE.findall(text))
    return {
        "workers_booted": text.count("Booting worker with pid"),
        "workers_recycled_by_max_requests": text.count("Autorestarting worker after current request"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "workers_exited_with_error": len(re.findall(r"Worker \(pid:\d+\) exited with code", text)),
        "exceptions_logged": dict(exceptions.most_common(10)),
    }


def summarise(*, samples, writes, started, finished, window, outage, reconciliation, server_log, settings) -> dict:
    duration = finished - started

    def inside(sample):
        return window is not None and sample.started <= window[1] and sample.ended >= window[0]

    during = [s for s in samples if inside(s)]
    outside = [s for s in samples if not inside(s)]
    errors_in = [s for s in during if is_error(s)]
    errors_out = [s for s in outside if is_error(s)]

    operations = {}
    for name in sorted({s.operation for s in samples}):
        chosen = [s for s in samples if s.operation == name]
        operations[name] = {
            "requests": len(chosen),
            "errors_outside_outage": sum(1 for s in chosen if is_error(s) and not inside(s)),
            **{k: v for k, v in latency([s for s in chosen if not inside(s)]).items() if k != "count"},
        }

    fault = None
    if outage.began is not None:
        fault = {
            "began_at_s": round(outage.began - started, 2),
            "command_s": round(outage.command_done - outage.began, 2),
            "refusing_connections_after_s": None if outage.down is None else round(outage.down - outage.began, 2),
            "accepting_again_after_s": None if outage.ready is None else round(outage.ready - outage.began, 2),
            "window_s": round(window[1] - window[0], 2),
            "command_output": outage.output,
        }
        if outage.ready is not None:
            after = [s for s in samples if s.started >= outage.ready]
            first_ok = min((s.ended for s in after if not is_error(s)), default=None)
            last_error = max((s.ended for s in samples if is_error(s)), default=None)
            fault["first_success_after_ready_s"] = None if first_ok is None else round(first_ok - outage.ready, 2)
            fault["last_error_after_ready_s"] = (
                None if last_error is None or last_error < outage.ready else round(last_error - outage.ready, 2)
            )
            fault["errors_among_requests_started_after_ready"] = sum(1 for s in after if is_error(s))
            fault["requests_started_after_ready"] = len(after)
    unavailable = [s for s in errors_in if s.status == 503]
    server = server_log_figures(server_log)

    figures = {
        "settings": settings,
        "requests": len(samples),
        "duration_s": round(duration, 1),
        "requests_per_s": round(len(samples) / duration, 1) if duration else None,
        "reads": sum(1 for s in samples if s.kind == "read"),
        "writes": sum(1 for s in samples if s.kind == "write"),
        "by_status": by_status(samples),
        "outside_outage": {
            "requests": len(outside),
            "errors": len(errors_out),
            "errors_by_status": by_status(errors_out),
        },
        "inside_outage": {
            "requests": len(during),
            "errors": len(errors_in),
            "errors_by_status": by_status(errors_in),
            "503_with_retry_after": sum(1 for s in unavailable if s.retry_after),
        },
        "outage": fault,
        "latency_ms": {
            "all": latency(samples),
            "reads": latency([s for s in samples if s.kind == "read"]),
            "writes": latency([s for s in samples if s.kind == "write"]),
            "outside_outage": latency(outside),
        },
        "operations": operations,
        "error_examples": _examples(errors_in + errors_out),
        "reconciliation": reconciliation,
        "server": server,
    }
    checks = {
        "no errors outside the outage": len(errors_out) == 0,
        "no 500 anywhere": not any(s.status == 500 for s in samples),
        "every error during the outage is a 503 with Retry-After": all(
            s.status == 503 and s.retry_after for s in errors_in
        ),
        "no acknowledged write lost": reconciliation["acknowledged_lost"] == 0,
        "nothing half-saved": reconciliation["landed_without_history"] == 0,
        "workers survived (no timeouts, no crashes)": server["worker_timeouts"] == 0
        and server["workers_exited_with_error"] == 0,
        "PostgreSQL was restarted": fault is not None and fault["accepting_again_after_s"] is not None,
    }
    figures["verdict"] = {"checks": checks, "passed": all(checks.values())}
    return figures


EXPORTS_SECTION = "## Exports under load"  # written by `make load-exports` (loadtest.export_load)


def with_exports_section(new: str, old: str) -> str:
    """RESULTS.md: `new` for `make load`'s part, with the exports scenario's section of `old` kept."""
    _, found, section = old.partition(EXPORTS_SECTION)
    return f"{new.rstrip()}\n\n{found}{section}" if found else new


def _examples(samples, limit=8):
    """One example body per (status, operation), so a failure can be read without the raw log."""
    seen = {}
    for s in samples:
        seen.setdefault((status_name(s.status), s.operation), s.error)
    return [{"status": k[0], "operation": k[1], "body": v} for k, v in list(seen.items())[:limit]]


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _statuses(counts: dict) -> str:
    return ", ".join(f"{status}: {count}" for status, count in counts.items()) or "none"


def markdown(r: dict) -> str:
    s = r["settings"]
    rec = r["reconciliation"]
    out = r["outage"] or {}
    lat = r["latency_ms"]
    verdict = "PASSED" if r["verdict"]["passed"] else "FAILED"
    parts = [
        "# Load and fault test",
        "",
        f"`make load`, run {s['run_id']}, {s['date']}.",
        "",
        f"- {s['clients']} concurrent clients (threads) for {s['seconds']:g} s; "
        f"{round(s['write_share'] * 100)}% of requests are editor writes (token), the rest anonymous reads.",
        f"- gunicorn, {s['gunicorn_workers']} gthread workers × {s.get('gunicorn_threads', 1)} threads, on loopback;"
        " DEBUG off, throttles off. "
        f"{s['cores']} cores, shared by the clients, the server and the database.",
        f"- PostgreSQL {s['postgresql']} (version, cluster), database `{s['database']}` with the fixture corpus.",
        f"- PostgreSQL restarted {s['restart_at']} s in"
        + (f", held down {s['outage_hold']:g} s" if s["outage_hold"] else " (`pg_ctlcluster … restart`)")
        + f"; the outage window runs from the restart command to {s['grace']:g} s after `pg_isready` succeeds again,"
        " and a request counts as inside it when its start-to-end overlaps the window.",
        f"- Load average (1, 5, 15 min) before: {s['load_average_before']}, after: {s['load_average_after']}."
        + (
            f" Other sessions on the cluster at the restart: {s['other_sessions_at_restart']}."
            if s["other_sessions_at_restart"]
            else ""
        ),
        "",
        f"**Verdict: {verdict}**",
        "",
        _table(["check", "result"], [(name, "yes" if ok else "**no**") for name, ok in r["verdict"]["checks"].items()]),
        "",
        "## Requests",
        "",
        _table(
            ["", "value"],
            [
                ("requests", f"{r['requests']} ({r['reads']} reads, {r['writes']} writes)"),
                ("duration", f"{r['duration_s']} s"),
                ("throughput", f"{r['requests_per_s']} requests/s"),
                ("responses by status", _statuses(r["by_status"])),
                (
                    "errors outside the outage",
                    f"{r['outside_outage']['errors']} of {r['outside_outage']['requests']}"
                    f" ({_statuses(r['outside_outage']['errors_by_status'])})",
                ),
                (
                    "errors inside the outage",
                    f"{r['inside_outage']['errors']} of {r['inside_outage']['requests']}"
                    f" ({_statuses(r['inside_outage']['errors_by_status'])});"
                    f" 503 with Retry-After: {r['inside_outage']['503_with_retry_after']}",
                ),
            ],
        ),
        "",
        "## Latency (ms)",
        "",
        _table(
            ["requests", "count", "p50", "p95", "p99", "max"],
            [(name, v["count"], v["p50"], v["p95"], v["p99"], v["max"]) for name, v in lat.items()],
        ),
        "",
        "Per operation, outside the outage:",
        "",
        _table(
            ["operation", "requests", "errors", "p50", "p95", "p99", "max"],
            [
                (name, v["requests"], v["errors_outside_outage"], v["p50"], v["p95"], v["p99"], v["max"])
                for name, v in r["operations"].items()
            ],
        ),
        "",
        "## The outage",
        "",
        _table(
            ["", "seconds"],
            [
                ("restart began, into the load", out.get("began_at_s")),
                ("pg_isready failing, from the restart's start", out.get("refusing_connections_after_s")),
                ("pg_isready succeeding again, from the restart's start", out.get("accepting_again_after_s")),
                ("the restart command returned after", out.get("command_s")),
                ("outage window counted", out.get("window_s")),
                ("first successful response after that (queueing included)", out.get("first_success_after_ready_s")),
                ("last error response after that", out.get("last_error_after_ready_s") or "none"),
            ],
        ),
        "",
        f"Requests started after PostgreSQL was back: {out.get('requests_started_after_ready')}, of which "
        f"{out.get('errors_among_requests_started_after_ready')} failed"
        + (
            " (the workers' persistent connections are health-checked before reuse: none was handed a dead one)."
            if out.get("errors_among_requests_started_after_ready") == 0
            else "."
        ),
        "",
        "gunicorn: {workers_booted} worker boots, {workers_recycled_by_max_requests} recycled by max_requests, "
        "{worker_timeouts} timeouts, {workers_exited_with_error} crashed.".format(**r["server"]),
        "Exceptions in the server log: "
        + (", ".join(f"{k} × {v}" for k, v in r["server"]["exceptions_logged"].items()) or "none")
        + ".",
        "",
        "## Reconciliation",
        "",
        "Each write has a unique slug or label, and each person is patched at most once, so the database "
        "(read directly, not through the API) shows exactly which writes took effect.",
        "",
        _table(
            ["writes", "count", "in the database afterwards"],
            [
                ("acknowledged (2xx)", rec["acknowledged"], rec["acknowledged_found"]),
                ("refused (4xx)", rec["refused"], rec["refused_landed"]),
                ("unanswered (5xx or no response)", rec["unanswered"], rec["unanswered_landed"]),
            ],
        ),
        "",
        f"Acknowledged writes lost: **{rec['acknowledged_lost']}**. "
        + (
            f"Every write that landed has its history row ({rec['landed_without_history']} without one: "
            f"half-saved); {rec['reason_recorded']} carry the client's X-Change-Reason."
            if rec["history_checked"]
            else "The history tables are not there, so half-saved records were not checked against them."
        ),
        "",
        _table(
            ["operation", "acknowledged", "refused", "unanswered"],
            [(op, v["acknowledged"], v["refused"], v["unanswered"]) for op, v in rec["by_operation"].items()],
        ),
    ]
    if rec["problems"]:
        parts += ["", "Problems:", "", *(f"- {p}" for p in rec["problems"])]
    if r["error_examples"]:
        parts += ["", "## Error examples", ""]
        parts += [f"- {e['status']} on {e['operation']}: `{e['body'][:200]}`" for e in r["error_examples"]]
    parts += ["", "Raw figures: [results.json](results.json).", ""]
    return "\n".join(parts)
