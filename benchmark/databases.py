"""One database per engine and tier, generated with generate_corpus and reused.

SQLite: a file per tier under the output's tmp/ directory (gitignored).
PostgreSQL: a database per tier, corpus_bench_10k and so on, on the server of
BENCH_POSTGRES_URL (default: DATABASE_URL when it is PostgreSQL, else the local
server as postgres).
"""

import json
import os
import time
from pathlib import Path

import dj_database_url
import psycopg
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from . import synthetic
from .management.commands import generate_corpus

SQLITE_OPTIONS = {
    # As corpus_api.settings configures SQLite for serving.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def label(articles: int) -> str:
    if articles % 1_000_000 == 0:
        return f"{articles // 1_000_000}m"
    if articles % 1000 == 0:
        return f"{articles // 1000}k"
    return str(articles)


def postgres_server_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(engine: str, articles: int, workdir: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{(workdir / f'corpus-{articles}.sqlite3').resolve()}"
    if engine == "postgresql":
        server = dj_database_url.parse(postgres_server_url())
        auth = server["USER"] + (f":{server['PASSWORD']}" if server.get("PASSWORD") else "")
        return f"postgres://{auth}@{server['HOST']}:{server['PORT'] or 5432}/corpus_bench_{label(articles)}"
    raise ValueError(f"Unknown engine {engine}; choose sqlite or postgresql.")


def use(url: str) -> None:
    """Point the default connection of this process at `url`."""
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    connections[DEFAULT_DB_ALIAS].close()
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: config})
    connections.settings[DEFAULT_DB_ALIAS] = configured[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)


def create_postgres_database(url: str) -> None:
    config = dj_database_url.parse(url)
    server = dj_database_url.parse(postgres_server_url())
    with psycopg.connect(
        host=server["HOST"], port=server["PORT"] or 5432, user=server["USER"], password=server.get("PASSWORD") or None,
        dbname="postgres", autocommit=True,
    ) as conn:  # fmt: skip
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def prepare(engine: str, articles: int, seed: int, workdir: Path, log) -> dict:
    """Migrate and, unless it already holds exactly this corpus, generate the
    tier's database. Returns how it was built: seconds and bytes."""
    url = database_url(engine, articles, workdir)
    if engine == "postgresql":
        create_postgres_database(url)
    use(url)
    call_command("migrate", verbosity=0, interactive=False)
    record = workdir / f"generation-{engine}-{label(articles)}.json"
    present = synthetic.generated_articles(seed).count()
    if (
        present == articles
        and not synthetic.generated_articles()
        .exclude(source_document__startswith=synthetic.plan(articles, seed).source_prefix)
        .exists()
    ):
        log(f"{engine} {label(articles)}: reusing the generated corpus")
        info = json.loads(record.read_text()) if record.exists() else {"seconds": None}
        info["reused"] = True
    else:
        log(f"{engine} {label(articles)}: generating {articles:,} articles")
        started = time.perf_counter()
        command = generate_corpus.Command()
        call_command(command, articles=articles, seed=seed, clear=True, verbosity=0)
        info = {
            "seconds": round(time.perf_counter() - started, 1),
            "phases": command.loaded["seconds"],
            "reused": False,
        }
        use(url)  # measure on a fresh connection, not the loader's tuned one
    info["bytes"] = synthetic.database_size()
    record.write_text(json.dumps({k: v for k, v in info.items() if k != "reused"}))
    return {"url": url, **info}
