from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation import fixture_build


class Command(BaseCommand):
    help = (
        "Build the curated corpus from fixtures/annotations/ and fixtures/documents/ into the configured "
        "database, validating every evidence span, and optionally write it as a JSON fixture."
    )

    def add_arguments(self, parser):
        parser.add_argument("--annotations", type=Path, default=fixture_build.ANNOTATIONS_DIR)
        parser.add_argument("--documents", type=Path, default=fixture_build.DOCUMENTS_DIR)
        parser.add_argument(
            "--output", type=Path, help="Write the records as a loaddata fixture here, e.g. fixtures/corpus.json."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every existing outlet, article, person, event, mention and figure first.",
        )

    def handle(self, *args, annotations, documents, output, replace, **options):
        try:
            result = fixture_build.build(fixture_build.load_annotations(annotations), documents, replace=replace)
        except fixture_build.CurationError as exc:
            raise CommandError(str(exc)) from exc
        for article in result.articles:
            copy_of = f" (syndicated copy of article {article.original_id})" if article.original_id else ""
            self.stdout.write(f"  {article.pk}: {article.source_document}{copy_of}")
        self.stdout.write(f"Built {len(result.articles)} articles.")
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(fixture_build.fixture_json(), encoding="utf-8")
            self.stdout.write(f"Wrote {output}.")
