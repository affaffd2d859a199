"""`make load`: mixed reads and editor writes against gunicorn on the local PostgreSQL, with a restart
of PostgreSQL in the middle, then a reconciliation of every write against the database.

Loopback only. It (re)creates its own database (corpus_load by default), so nothing else is touched,
except that PostgreSQL itself restarts once: other users of the cluster see that outage too.

Environment (all optional):
LOAD_SECONDS        length of the load; default 180
LOAD_CLIENTS        concurrent clients (threads); default 32
LOAD_OUTAGE_AT      seconds into the load when PostgreSQL restarts; default half of LOAD_SECONDS
LOAD_OUTAGE_HOLD    seconds PostgreSQL stays down (stop, wait, start) instead of a plain restart; default 0
LOAD_GRACE          seconds after PostgreSQL accepts connections again still counted as the outage; default 2
LOAD_QUIET_WAIT     seconds to wait, at the restart, for no other database to have sessions; default 30
                    (capped so the restart still comes 20 s before the end). 0: restart on time regardless.
LOAD_WRITE_SHARE    share of requests that are writes; default 0.2
LOAD_DATABASE_URL   default postgres://postgres@127.0.0.1:5432/corpus_load (dropped and created afresh); the
                    local cluster listening on its port (pg_lsclusters) is the one restarted
LOAD_SEED           seed of the clients' choices; default 1
GUNICORN_WORKERS    as in gunicorn.conf.py (default 2 × cores + 1)
"""

import contextlib
import csv
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from . import reconcile, report
from .cluster import Cluster
from .workload import Client, read_catalogue

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "loadtest"
WORK = HERE / "tmp"  # server log and the raw samples; not committed
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def env_number(name, default, kind=float):
    value = os.environ.get(name, "").strip()
    return kind(value) if value else default


def log(message):
    print(f"[load {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# PostgreSQL: the cluster, and the run's own database.


def recreate_database(url: str):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"LOAD_DATABASE_URL names an odd database: {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


# The server.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_workers() -> int:
    """The worker count gunicorn.conf.py gives in this environment (GUNICORN_WORKERS, or 2 × cores + 1)."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    return config.workers


def gunicorn_threads() -> int:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    return config.threads


def server_environment(database_url: str, port: int) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GUNICORN_BIND"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "corpus_api.settings",
        "DATABASE_URL": database_url,
        # Production settings, on loopback: DEBUG off, a secret for this run only, no TLS redirect
        # (there is no TLS on 127.0.0.1), and no throttling (32 clients from one address are the point).
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_THROTTLE_ANON": "off",
        "DJANGO_THROTTLE_USER": "off",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(gunicorn_workers()),
    }


def manage(env, *args) -> str:
    result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def start_server(env, log_path: Path) -> subprocess.Popen:
    log_file = log_path.open("w")
    return subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "corpus_api.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_server(base: str, server: subprocess.Popen, limit=90.0):
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode}; see {WORK / 'gunicorn.log'}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/api/v1/", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer within {limit:.0f} s; see {WORK / 'gunicorn.log'}")


def stop_server(server: subprocess.Popen):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish the request in hand
        try:
            server.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# The fault.


def other_sessions(database_url: str) -> dict[str, int]:
    """Connections to other databases of the cluster: they see the restart too."""
    name = urlsplit(database_url).path.lstrip("/")
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        rows = connection.execute(
            "SELECT datname, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname <> %s"
            " AND pid <> pg_backend_pid() GROUP BY datname ORDER BY datname",
            [name],
        ).fetchall()
    return dict(rows)


class Outage(threading.Thread):
    """Restart PostgreSQL at `at` (monotonic) and note when it was down and when it answered again."""

    def __init__(self, at, hold, quiet_wait, database_url, stop):
        super().__init__(name="outage", daemon=True)
        self.at, self.hold, self.quiet_wait, self.database_url, self.stop = at, hold, quiet_wait, database_url, stop
        self.cluster = Cluster.serving(database_url)
        self.began = self.down = self.command_done = self.ready = None
        self.output = ""
        self.bystanders = {}

    def run(self):
        while time.monotonic() < self.at:
            if self.stop.wait(0.05):
                return
        # A courtesy on a shared cluster: wait (a while) for a moment when no one else is connected.
        quiet_until = time.monotonic() + self.quiet_wait
        while True:
            with contextlib.suppress(psycopg.Error):
                self.bystanders = other_sessions(self.database_url)
            if not self.bystanders or time.monotonic() >= quiet_until or self.stop.wait(0.5):
                break
        if self.stop.is_set():
            return
        if self.bystanders:
            log(f"other sessions on the cluster will see the restart too: {self.bystanders}")
        log("restarting PostgreSQL" + (f" (down for {self.hold:g} s)" if self.hold else ""))
        restart = self.cluster.restart(self.hold)
        self.began, self.down, self.ready = restart.began, restart.down, restart.back
        self.command_done, self.output = restart.command_done, restart.output
        if self.ready is None:
            log("PostgreSQL did not come back within 60 s")
        else:
            log(f"PostgreSQL accepts connections again {self.ready - self.began:.2f} s after the restart began")


def save_samples(path: Path, samples, started: float):
    """Every request, seconds from the start of the load, for a closer look than the report gives."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["started_s", "ended_s", "kind", "operation", "status", "retry_after", "error"])
        for s in sorted(samples, key=lambda s: s.started):
            row = [f"{s.started - started:.4f}", f"{s.ended - started:.4f}", s.kind, s.operation, s.status]
            writer.writerow([*row, s.retry_after or "", s.error])


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    seconds = env_number("LOAD_SECONDS", 180.0)
    clients = env_number("LOAD_CLIENTS", 32, int)
    outage_at = env_number("LOAD_OUTAGE_AT", seconds / 2)
    hold = env_number("LOAD_OUTAGE_HOLD", 0.0)
    grace = env_number("LOAD_GRACE", 2.0)
    quiet_wait = min(env_number("LOAD_QUIET_WAIT", 30.0), max(0.0, seconds - outage_at - 20))
    write_share = env_number("LOAD_WRITE_SHARE", 0.2)
    seed = os.environ.get("LOAD_SEED", "1")
    database_url = os.environ.get("LOAD_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/corpus_load"
    cluster = Cluster.serving(database_url)
    if cluster.host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("make load restarts the local PostgreSQL: LOAD_DATABASE_URL must be on loopback.")

    WORK.mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, interrupted)  # so that `finally` runs: gunicorn stopped, PostgreSQL up
    load_before = os.getloadavg()
    run_id = secrets.token_hex(3)
    server = None
    stop = threading.Event()
    try:
        if not cluster.ensure_running(log):
            raise SystemExit("PostgreSQL is not running and would not start.")
        log(f"run {run_id}: database {database_url} afresh, migrate, loaddata corpus, collectstatic")
        recreate_database(database_url)
        http_port = free_port()
        env = server_environment(database_url, http_port)
        manage(env, "migrate", "--noinput")
        manage(env, "loaddata", "corpus")
        manage(env, "collectstatic", "--noinput")
        token = manage(env, "create_editor", "load-editor").strip().splitlines()[-1].split()[-1]

        base = f"http://127.0.0.1:{http_port}"
        server = start_server(env, WORK / "gunicorn.log")
        wait_for_server(base, server)
        catalogue = read_catalogue(base)
        log(f"gunicorn (pid {server.pid}) on {base}; {clients} clients for {seconds:g} s, outage at {outage_at:g} s")

        started = time.monotonic()
        deadline = started + seconds
        workers = [
            Client(
                n,
                base=base,
                token=token,
                run_id=run_id,
                catalogue=catalogue,
                deadline=deadline,
                write_share=write_share,
                seed=seed,
                stop=stop,
            )
            for n in range(clients)
        ]
        outage = Outage(started + outage_at, hold, quiet_wait, database_url, stop)
        outage.start()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        outage.join(timeout=120)
        finished = time.monotonic()
        log("load finished; stopping gunicorn and reconciling")
        stop_server(server)

        samples = [sample for worker in workers for sample in worker.samples]
        writes = [write for worker in workers for write in worker.writes]
        save_samples(WORK / "samples.csv", samples, started)
        if not cluster.ensure_running(log):
            raise SystemExit("PostgreSQL did not come back: cannot reconcile.")
        reconciliation = reconcile.check(database_url, run_id, writes)
        window = None
        if outage.began is not None:
            end = (outage.ready if outage.ready is not None else finished) + grace
            window = (outage.began, end)
        results = report.summarise(
            samples=samples,
            writes=writes,
            started=started,
            finished=finished,
            window=window,
            outage=outage,
            reconciliation=reconciliation,
            server_log=(WORK / "gunicorn.log").read_text(errors="replace"),
            settings={
                "run_id": run_id,
                "seconds": seconds,
                "clients": clients,
                "outage_at": outage_at,
                "restart_at": None if outage.began is None else round(outage.began - started, 1),
                "outage_hold": hold,
                "grace": grace,
                "write_share": write_share,
                "seed": seed,
                "database": urlsplit(database_url).path.lstrip("/"),
                "gunicorn_workers": int(env["GUNICORN_WORKERS"]),
                "gunicorn_threads": gunicorn_threads(),
                "cores": len(os.sched_getaffinity(0)),
                "postgresql": " ".join(cluster.version_and_name()),
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "other_sessions_at_restart": outage.bystanders,
            },
        )
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        markdown = report.markdown(results)
        results_md = HERE / "RESULTS.md"
        results_md.write_text(
            report.with_exports_section(markdown, results_md.read_text() if results_md.exists() else "")
        )
        print(markdown)
        return 0 if results["verdict"]["passed"] else 1
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        if not cluster.ensure_running(log):
            log("PostgreSQL is still not accepting connections: start it with pg_ctlcluster")
        else:
            log("pg_isready: accepting connections")


if __name__ == "__main__":
    sys.exit(main())
