"""Load a synthetic corpus of N articles (see benchmark.synthetic)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from benchmark import synthetic


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic corpus: --articles N with, per 1 M articles, about 200 outlets, "
        "50 k people and 20 k events, 3 figures and 5 mentions per article and ~3 KB bodies. Generated rows "
        "sit beside the curated ones; a database that already holds generated rows needs --clear."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles to generate.")
        parser.add_argument("--seed", type=int, default=1, help="The same N and seed give the same rows.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Articles written per transaction.")
        parser.add_argument(
            "--clear", action="store_true", help="Delete every generated row first (curated rows are kept)."
        )
        parser.add_argument("--digest", action="store_true", help="Print a SHA-256 of the generated rows at the end.")
        parser.add_argument(
            "--writers",
            type=int,
            help="Connections writing batches while the next is drafted (default: one per core on PostgreSQL, "
            "one on SQLite; 0 writes inline).",
        )
        parser.add_argument(
            "--drafters",
            type=int,
            help="Processes drafting the batches (default: one per core, at most 4, once there is more than one "
            "batch; 0 drafts in this process). The rows are the same either way.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self,
        *args,
        articles,
        seed,
        batch_size,
        clear,
        digest,
        database,
        writers=None,
        drafters=None,
        verbosity=1,
        **options,
    ):
        self.verbosity = verbosity
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if writers is not None and writers < 0:
            raise CommandError("--writers must be 0 or more.")
        if drafters is not None and drafters < 0:
            raise CommandError("--drafters must be 0 or more.")
        connection = connections[database]
        if clear:
            started = time.perf_counter()
            with synthetic.bulk_session(connection):
                deleted = synthetic.clear(database)
            if verbosity >= 1:
                self.stdout.write(f"Cleared {deleted} generated articles in {time.perf_counter() - started:.1f} s.")
        elif synthetic.holds_generated(database):
            raise CommandError("The database already holds generated rows; pass --clear to replace them.")
        plan = synthetic.plan(articles, seed)
        started = time.perf_counter()
        last = [started]

        def progress(done, total):
            now = time.perf_counter()
            if self.verbosity >= 2 or (self.verbosity >= 1 and now - last[0] >= 10):
                rate = done / (now - started)
                self.stdout.write(f"  {done:,}/{total:,} articles, {rate:,.0f}/s")
                last[0] = now

        loaded = synthetic.load(
            plan,
            batch_size=batch_size,
            using=database,
            progress=progress,
            writers=writers,
            drafters=drafters,
        )
        elapsed = time.perf_counter() - started
        self.loaded = loaded  # for a caller holding the command (the bench records the phases)
        size = synthetic.database_size(database)
        shown = f", database {size / 2**20:,.0f} MiB" if size else ""
        if verbosity < 1 and not digest:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {plan.articles:,} articles, {plan.outlets:,} outlets, {plan.people:,} people and "
                f"{plan.events:,} events (seed {seed}) in {elapsed:.1f} s{shown}."
            )
        )
        phases = ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in loaded["seconds"].items())
        self.stdout.write(f"  Of which: {phases}.")
        if loaded["drafters"]:
            self.stdout.write(f"  {loaded['drafters']} process(es) drafted the batches.")
        if loaded["writers"]:
            # Writing overlaps the drafting; the phase above is only what the drafting did not hide.
            self.stdout.write(
                f"  {loaded['writers']} connection(s) wrote the batches, busy {loaded['writer_seconds']:,.1f} s in all."
            )
        if digest:
            self.stdout.write(synthetic.corpus_digest(database))
