"""The local PostgreSQL cluster under the load: is it up, restart it, and never leave it down."""

import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Cluster:
    host: str
    port: str
    user: str

    @classmethod
    def serving(cls, database_url: str) -> "Cluster":
        parts = urlsplit(database_url)
        return cls(parts.hostname or "127.0.0.1", str(parts.port or 5432), parts.username or "postgres")

    def version_and_name(self) -> tuple[str, str]:
        """The cluster listening on our port (pg_lsclusters): the one `pg_ctlcluster` controls."""
        listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)  # noqa: S607
        for line in listing.stdout.splitlines():
            version, name, port, *_ = line.split()
            if port == self.port:
                return version, name
        raise SystemExit(f"No local PostgreSQL cluster listens on port {self.port} (pg_lsclusters).")

    def ctl(self, action: str) -> subprocess.CompletedProcess:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", *self.version_and_name(), action]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603

    def ready(self) -> bool:
        command = ["pg_isready", "-q", "-h", self.host, "-p", self.port, "-U", self.user, "-d", "postgres", "-t", "1"]
        return subprocess.run(command, check=False, timeout=10).returncode == 0  # noqa: S603

    def wait(self, limit=60.0) -> float | None:
        """The monotonic time it accepts connections, or None after `limit` seconds."""
        until = time.monotonic() + limit
        while time.monotonic() < until:
            if self.ready():
                return time.monotonic()
            time.sleep(0.1)
        return None

    def ensure_running(self, log) -> bool:
        """Never leave PostgreSQL stopped, whatever happened to the run."""
        if self.wait(limit=5) is not None:
            return True
        log("PostgreSQL is not accepting connections: starting it")
        result = self.ctl("start")
        if result.returncode != 0:
            log(f"pg_ctlcluster start: {result.stdout}{result.stderr}")
        return self.wait(limit=60) is not None

    def restart(self, hold: float = 0.0) -> "Restart":
        """Restart (or stop, wait `hold` seconds, start), watching when it really went down and came back.

        pg_ctlcluster returns a second or more after the server is ready again (it polls), so the
        downtime is taken from pg_isready, polled while the command runs.
        """
        watch = Restart(self)
        watch.start()
        if hold:
            steps = [self.ctl("stop")]
            time.sleep(hold)
            steps.append(self.ctl("start"))
        else:
            steps = [self.ctl("restart")]
        watch.command_done = time.monotonic()
        watch.output = "".join(step.stdout + step.stderr for step in steps).strip()
        watch.join(timeout=90)
        if watch.back is None:  # too quick to be seen down, or not back yet
            watch.back = self.wait()
        return watch


class Restart(threading.Thread):
    def __init__(self, cluster: Cluster):
        super().__init__(name="pg-watch", daemon=True)
        self.cluster = cluster
        self.began = time.monotonic()
        self.down = self.back = self.command_done = None
        self.output = ""

    def run(self):
        until = self.began + 90
        while time.monotonic() < until:
            up = self.cluster.ready()
            now = time.monotonic()
            if not up and self.down is None:
                self.down = now
            elif up and self.down is not None:
                self.back = now
                return
            elif up and self.command_done is not None:
                return  # the command is done and the server never looked down to us
            time.sleep(0.05)
