from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Event, Figure, Person
from curation import corpus_checks
from curation.fixture_build import DOCUMENTS_DIR


class Command(BaseCommand):
    help = (
        "Validate the loaded corpus: evidence spans, orphan records, duplicate events and people, alias "
        "spellings, page furniture in bodies, source texts and syndication links. Prints counts per document "
        "and exits non-zero on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--documents",
            type=Path,
            default=DOCUMENTS_DIR,
            help="Where the source documents are, to compare with each article's source_text.",
        )

    def handle(self, *args, documents, **options):
        rows = corpus_checks.document_counts()
        width = max([len("document"), *(len(row.document) for row in rows)])
        self.stdout.write(f"{'document':<{width}}  people  quoted  events  figures")
        for row in rows:
            self.stdout.write(
                f"{row.document:<{width}}  {row.people:>6}  {row.quoted:>6}  {row.events:>6}  {row.figures:>7}"
            )
        self.stdout.write(
            f"{len(rows)} articles; {Person.objects.count()} people, {Event.objects.count()} events, "
            f"{Figure.objects.count()} figures in all."
        )
        problems = corpus_checks.all_problems(documents)
        if problems:
            for problem in problems:
                self.stderr.write(f"PROBLEM: {problem}")
            raise CommandError(f"check_corpus found {len(problems)} problem(s); the first: {problems[0]}")
        self.stdout.write(self.style.SUCCESS("The corpus is consistent."))
