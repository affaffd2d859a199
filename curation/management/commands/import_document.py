from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article
from curation import importing
from curation.fixture_build import read_document


class Command(BaseCommand):
    help = (
        "Import a raw scraped document (plain text or an HTML page) as an Article, through the same pipeline "
        "as the admin's Import page and POST /api/v1/articles/import/: clean it, keep the text as received, "
        "link it to its original if it is a syndicated copy, and suggest mentions with evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--outlet", help="Slug of the publishing outlet (leave out if unknown).")
        parser.add_argument("--new-outlet", help="Name of an outlet to create for it (its slug is made from it).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be created; save nothing.")
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="Accept the suggested mentions of people already in the corpus (the rest stay pending for review).",
        )
        parser.add_argument("--title", help="The title, where the document's first line is not it.")
        parser.add_argument("--summary", help="The text of the paragraph that is the dek; it leaves the body.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Re-clean an article already imported from this file name instead of refusing.",
        )

    def handle(self, *args, file, outlet, new_outlet, dry_run, accept_suggestions, title, summary, update, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            raw = read_document(file)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}") from exc
        try:
            with transaction.atomic():
                outlet_record = importing.outlet_for(outlet)
                existed = Article.objects.filter(source_document=file.name).exists()
                result = importing.run(
                    raw, file.name, outlet=outlet_record, new_outlet=new_outlet, title=title, summary=summary,
                    update=update, change_reason=f"Imported from {file.name} by import_document",
                )  # fmt: skip
                self._report(result, file.name, existed, dry_run)
                if accept_suggestions:
                    self._accept(result)
                if dry_run:
                    transaction.set_rollback(True)
        except importing.ImportRefused as exc:
            raise CommandError(f"{file.name}: {'; '.join(exc.errors.values())}") from exc
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported article {result.article.pk}: {result.article.title}"))

    def _report(self, result, name, existed, dry_run):
        cleaned, article = result.cleaned, result.article
        self.stdout.write(f"Title: {cleaned.title}")
        if cleaned.summary:
            self.stdout.write(f"Summary: {cleaned.summary[:100]}")
        if cleaned.byline:
            self.stdout.write(f"Byline: {cleaned.byline}")
        if cleaned.published:
            time = f" {cleaned.published_time:%H:%M}" if cleaned.published_time else ""
            self.stdout.write(f"Published: {cleaned.published}{time} ({cleaned.published_precision})")
        for removed in cleaned.removed:
            self.stdout.write(f"  line {removed.line}: {removed.rule}: {removed.text.strip()[:70]!r}")
        if dry_run:
            self.stdout.write(f"Would {'update' if existed else 'create'} an article from {name}.")
        else:
            self.stdout.write(f"{'Updated' if existed else 'Created'} article {article.pk} from {name}.")
        found = result.syndication
        if found is None:
            self.stdout.write("Syndication: no near-duplicate among existing articles.")
        elif found["relation"] == "original_of":
            self.stdout.write(
                f"Syndication: article {found['article']} is a copy of this one "
                f"(containment {found['containment']:.2f}); relinked it."
            )
        else:
            self.stdout.write(
                f"Syndication: a copy of article {found['article']} (containment {found['containment']:.2f})."
            )
        if not result.suggestions:
            self.stdout.write("No suggestions.")
        for suggestion in result.suggestions:
            self.stdout.write(f"Suggest {suggestion.describe()} at {suggestion.start}:{suggestion.end} in the "
                              f"{suggestion.field} (score {suggestion.score:.2f}, {suggestion.suggester})")  # fmt: skip

    def _accept(self, result):
        accepted = importing.accept_people(result)
        self.stdout.write(f"Accepted {accepted} suggested mention(s) of people in the corpus.")
