"""`make bench`: measure the API at 10 k to 1 M articles on SQLite and PostgreSQL.

Writes benchmark/results/RESULTS.md and results.json; see the benchmark app.
"""

import argparse
import datetime
import json
import os
import platform
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from benchmark import databases, measure, report, scenarios


def _numbers(value: str) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"--tiers takes whole numbers separated by commas, not {value!r}.") from exc
    if not numbers or min(numbers) < 1:
        raise CommandError("--tiers needs at least one positive number of articles.")
    return sorted(set(numbers))


class Command(BaseCommand):
    help = "Benchmark the API against a plain-Django floor over synthetic corpora; writes RESULTS.md and results.json."

    def add_arguments(self, parser):
        parser.add_argument("--tiers", default="10000,100000,1000000", help="Corpus sizes, comma-separated.")
        parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite, postgresql or both.")
        parser.add_argument("--output", default="benchmark/results", help="Directory for RESULTS.md and results.json.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rss-requests", type=int, default=70, help="Requests the memory probe serves.")
        parser.add_argument(
            "--skip",
            default="",
            help="engine:articles pairs to leave out, e.g. postgresql:1000000 (reported as not run).",
        )
        parser.add_argument("--note", default="", help="A paragraph for RESULTS.md, e.g. why a tier was skipped.")
        parser.add_argument(
            "--render", action="store_true", help="Only rewrite RESULTS.md and the targets from results.json."
        )
        parser.add_argument("--child-rss", type=int, default=0, help=argparse_hidden())

    def handle(self, *args, tiers, engines, output, seed, rss_requests, skip, note, render, child_rss, **options):
        if child_rss:
            with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
                self.stdout.write(json.dumps(measure.serve_for_rss(child_rss)))
            return
        # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
        warnings.filterwarnings("ignore", "No directory at")
        if render:
            self.write(Path(output), json.loads((Path(output) / "results.json").read_text()))
            return
        sizes = _numbers(tiers)
        chosen = [e.strip() for e in engines.split(",") if e.strip()]
        unknown = set(chosen) - {"sqlite", "postgresql"}
        if unknown or not chosen:
            raise CommandError(f"--engines takes sqlite and/or postgresql, not {engines!r}.")
        out = Path(output)
        workdir = out / "tmp"
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        results = {
            "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
            "seed": seed,
            "tiers": sizes,
            "engines": {},
            "skipped": [pair.strip() for pair in skip.split(",") if pair.strip()],
            "note": note,
        }
        # The floor's routes beside the real URLconf; DEBUG off as in production.
        with override_settings(
            DEBUG=False,
            ROOT_URLCONF="benchmark.floor",
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ):
            for engine in chosen:
                measured = [n for n in sizes if f"{engine}:{n}" not in results["skipped"]]
                results["engines"][engine] = self.engine(engine, measured, seed, workdir, rss_requests)
        results["seconds"] = round(time.perf_counter() - started, 1)
        self.write(out, results)

    def write(self, out, results):
        results["targets"] = report.targets(results)
        (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        (out / "RESULTS.md").write_text(report.markdown(results))
        self.stdout.write(self.style.SUCCESS(f"Wrote {out / 'RESULTS.md'} and {out / 'results.json'}."))
        for check in results["targets"]:
            met = "n/a" if check["met"] is None else ("met" if check["met"] else "MISSED")
            self.stdout.write(f"  [{met}] {check['engine']}: {check['text']}: {check['figure']}")

    def engine(self, engine, sizes, seed, workdir, rss_requests) -> dict:
        result = {"tiers": {}}
        get = measure.client().get
        for n in sizes:
            tier = result["tiers"][str(n)] = {}
            tier["generation"] = databases.prepare(engine, n, seed, workdir, self.log)
            self.log(f"{engine} {databases.label(n)}: measuring")
            if n == sizes[0]:
                result["query_counts"] = measure.query_counts(get)
                result["conditional_get"] = scenarios.conditional_get(get)
            tier["overhead"] = scenarios.overhead(get)
            tier["scenarios"] = scenarios.tier(get, n)
            if n == sizes[-1]:
                self.log(f"{engine} {databases.label(n)}: memory probe")
                result["rss"] = {"tier": n, **measure.child_rss(tier["generation"]["url"], rss_requests, Path.cwd())}
        return result

    def log(self, message):
        self.stdout.write(f"[{time.strftime('%H:%M:%S')}] {message}")
        self.stdout.flush()


def argparse_hidden():
    return argparse.SUPPRESS
