from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.evidence import evidence_errors
from articles.models import Article, Outlet, Person, PersonMention
from curation import aliases, cleaning, syndication
from curation.fixture_build import read_document


class Command(BaseCommand):
    help = (
        "Import a raw scraped document as an Article: clean it, keep the text as received, link it to its "
        "original if it is a syndicated copy, and suggest mentions of known people with evidence spans."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--outlet", help="Slug of the publishing outlet (leave out if unknown).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be created; save nothing.")
        parser.add_argument(
            "--accept-suggestions", action="store_true", help="Create the suggested people as 'mentioned' mentions."
        )
        parser.add_argument("--title", help="The title, where the document's first line is not it.")
        parser.add_argument("--summary", help="The text of the paragraph that is the dek; it leaves the body.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Re-clean an article already imported from this file name instead of refusing.",
        )

    def handle(self, *args, file, outlet, dry_run, accept_suggestions, title, summary, update, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            raw = read_document(file)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}") from exc
        outlet_record = self._outlet(outlet)
        try:
            cleaned = cleaning.clean_document(
                raw, outlet_names=[outlet_record.name] if outlet_record else [], summary=summary, title=title
            )
        except cleaning.CleaningError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        self._report_cleaning(cleaned)
        with transaction.atomic():
            article = self._save_article(file.name, raw, cleaned, outlet_record, update)
            self._link_syndication(article, cleaned)
            self._suggest(article, cleaned, accept_suggestions)
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported article {article.pk}: {article.title}"))

    def _outlet(self, slug):
        if not slug:
            return None
        try:
            return Outlet.objects.get(slug=slug)
        except Outlet.DoesNotExist:
            known = ", ".join(Outlet.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"Unknown outlet {slug!r}. Known outlets: {known}.") from None

    def _report_cleaning(self, cleaned):
        self.stdout.write(f"Title: {cleaned.title}")
        if cleaned.summary:
            self.stdout.write(f"Summary: {cleaned.summary[:100]}")
        if cleaned.published:
            time = f" {cleaned.published_time:%H:%M}" if cleaned.published_time else ""
            self.stdout.write(f"Published: {cleaned.published}{time} ({cleaned.published_precision})")
        for removed in cleaned.removed:
            self.stdout.write(f"  line {removed.line}: {removed.rule}: {removed.text.strip()[:70]!r}")

    def _save_article(self, name, raw, cleaned, outlet, update):
        article = Article.objects.filter(source_document=name).first()
        if article and not update:
            raise CommandError(
                f"{name} was already imported as article {article.pk} ({article.title!r}); "
                "pass --update to re-clean it in place."
            )
        fields = {
            "outlet": outlet,
            "title": cleaned.title,
            "summary": cleaned.summary,
            "body": cleaned.body,
            "caption": cleaned.caption,
            "source_text": raw,
            "published": cleaned.published,
            "published_precision": cleaned.published_precision,
            "published_time": cleaned.published_time,
        }
        created = article is None
        if created:
            article = Article(source_document=name, language="en", **fields)
        else:
            for key, value in fields.items():
                setattr(article, key, value)
            self._check_existing_evidence(article)
        try:
            article.full_clean()
        except ValidationError as exc:
            raise CommandError(f"{name}: {exc.message_dict}") from exc
        article.save()
        self.stdout.write(f"{'Created' if created else 'Updated'} article {article.pk} from {name}.")
        return article

    def _check_existing_evidence(self, article):
        """An update may not move text out from under existing evidence."""
        records = [*article.person_mentions.all(), *article.event_mentions.all(), *article.figures.all()]
        broken = [r for r in records if evidence_errors(article.body, r.quote, r.start, r.end)]
        if broken:
            raise CommandError(
                f"The re-cleaned body no longer matches {len(broken)} existing evidence span(s), e.g. {broken[0]}; "
                "fix them first."
            )

    def _link_syndication(self, article, cleaned):
        # Compare with originals only (see syndication.link_all).
        others = Article.objects.exclude(pk=article.pk).filter(original__isnull=True).order_by("pk")
        existing = [syndication.candidate_for(a) for a in others]
        new = syndication.candidate_for(article)
        new = syndication.Candidate(
            new.key, new.text, new.order, new.published, new.has_author or bool(cleaned.authors)
        )
        match = syndication.best_match(new, existing)
        if match is None:
            if article.original_id:  # an --update that no longer matches its old original
                article.original = None
                article.save(update_fields=["original"])
            self.stdout.write("Syndication: no near-duplicate among existing articles.")
            return
        if match.original.key == article.pk:
            # The import is the original: the older article and its copies point here now.
            Article.objects.filter(pk=match.copy.key).update(original=article)
            Article.objects.filter(original_id=match.copy.key).update(original=article)
            self.stdout.write(
                f"Syndication: article {match.copy.key} is a copy of this one "
                f"(containment {match.containment:.2f}); relinked it."
            )
            return
        original = Article.objects.get(pk=match.original.key)
        article.original_id = original.original_id or original.pk
        article.save(update_fields=["original"])
        self.stdout.write(
            f"Syndication: a copy of article {article.original_id} (containment {match.containment:.2f})."
        )

    def _suggest(self, article, cleaned, accept):
        people = list(Person.objects.order_by("pk"))
        for byline in cleaned.authors:
            person = aliases.resolve(byline, people)
            known = f"known person {person.slug}" if person else "not a known person"
            self.stdout.write(f"Byline: {byline} ({known}); add an author mention with evidence if confirmed.")
        suggestions = aliases.suggest_people(article.body, people)
        if not suggestions:
            self.stdout.write("No known people found in the body.")
        for s in suggestions:
            self.stdout.write(
                f"Suggest {s.person.slug} ({s.person.name}) as mentioned: {s.quote!r} at {s.start}:{s.end}"
                f" (named {s.occurrences} time(s))"
            )
            if accept:
                mention = PersonMention(
                    article=article,
                    person=s.person,
                    role=PersonMention.Role.MENTIONED,
                    quote=s.quote,
                    start=s.start,
                    end=s.end,
                )
                if not PersonMention.objects.filter(
                    article=article, person=s.person, role=mention.role, start=s.start
                ).exists():
                    mention.full_clean()
                    mention.save()
        if accept and suggestions:
            self.stdout.write(f"Accepted {len(suggestions)} suggestion(s) as 'mentioned' mentions.")
