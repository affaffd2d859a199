"""One import pipeline, three doors: the admin's Import page (curation/admin_import.py),
`POST /api/v1/articles/import/` (curation/api/importing.py) and `manage.py import_document`.

A raw document becomes an article: cleaned (plain text by curation.cleaning; an HTML page by
trafilatura for its text, title and authors and htmldate for its date, then the same cleaner for
what they leave in), saved with the document exactly as received, linked to its original when it is
a near copy of one (curation.syndication), and given suggestions with evidence (curation.suggesters:
authors, people, quotations, events, figures), stored for an editor to accept. A dry run does all of
it and saves nothing.
"""

import datetime
import re
from dataclasses import dataclass, field

import htmldate
import lxml.html
import trafilatura
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, Outlet

from . import cleaning, suggesting, syndication
from .models import Suggestion

HTML = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.I)


class ImportRefused(ValueError):
    """What a door reports as a 400: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Imported:
    article: Article
    cleaned: cleaning.CleanedDocument
    format: str  # "text" or "html"
    created: bool
    saved: bool
    syndication: dict | None = None
    suggestions: list[Suggestion] = field(default_factory=list)  # stored, pending (rolled back in a dry run)
    represented: object = None  # what `represent` made of it inside the transaction


def is_html(raw: str) -> bool:
    return bool(HTML.match(raw))


def clean(raw: str, *, outlet_names=(), title: str | None = None, summary: str | None = None):
    """(CleanedDocument, "text" or "html")."""
    if not is_html(raw):
        return cleaning.clean_document(raw, outlet_names=outlet_names, title=title, summary=summary), "text"
    page = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, favor_precision=True)
    if page is None or not (page.text or "").strip():
        raise cleaning.CleaningError("The HTML page holds no article text that trafilatura could find.")
    cleaned = cleaning.clean_document(
        page.text, outlet_names=outlet_names, title=title or page.title or None, summary=summary
    )
    # The extractor drops the byline line; the page's own blocks still have it, as evidence for the authors.
    for block in lxml.html.fromstring(raw).iter("p", "div", "span", "address", "a", "li", "h2", "h3", "h4"):
        line = " ".join(block.text_content().split())
        names = cleaning.byline_names(line) if len(line) < 120 else None
        if names:
            cleaned.byline = cleaned.byline or line.strip()
            cleaned.authors = cleaned.authors or names
            break
    if not cleaned.authors and page.author:
        cleaned.authors = [name.strip() for name in re.split(r";|,| and ", page.author) if name.strip()]
    if cleaned.published is None:
        found = htmldate.find_date(raw, extensive_search=False)
        if found:
            cleaned.published = datetime.date.fromisoformat(found)
            cleaned.published_precision = "day"
    return cleaned, "html"


def outlet_for(slug: str | None = None, new_name: str | None = None) -> Outlet | None:
    if new_name:
        slug = slugify(new_name)[:100] or "outlet"
        outlet, _ = Outlet.objects.get_or_create(slug=slug, defaults={"name": new_name.strip()})
        return outlet
    if not slug:
        return None
    outlet = Outlet.objects.filter(slug=slug).first()
    if outlet is None:
        known = ", ".join(Outlet.objects.order_by("slug").values_list("slug", flat=True)) or "none"
        raise ImportRefused({"outlet": f"Unknown outlet {slug!r}. Known outlets: {known}."})
    return outlet


def run(
    raw: str,
    source_document: str,
    *,
    outlet: Outlet | None = None,
    new_outlet: str | None = None,
    title: str | None = None,
    summary: str | None = None,
    dry_run: bool = False,
    update: bool = False,
    change_reason: str = "Imported",
    represent=None,
) -> Imported:
    """Clean, save (unless `dry_run`), link and suggest; one transaction, rolled back for a dry run.
    `represent(result)` runs inside it, so a dry run's answer can show the article as it would be.
    `new_outlet` names an outlet to create, inside the transaction, so a dry run creates none."""
    outlet_name = new_outlet or (outlet.name if outlet else None)
    try:
        cleaned, kind = clean(raw, outlet_names=[outlet_name] if outlet_name else [], title=title, summary=summary)
    except cleaning.CleaningError as error:
        raise ImportRefused({"text": str(error)}) from error
    with transaction.atomic():
        if new_outlet:
            outlet = outlet_for(new_name=new_outlet)
        article, created = _save(raw, source_document, cleaned, outlet, update, change_reason)
        found = link_copy(article, has_author=bool(cleaned.authors))
        result = Imported(article, cleaned, kind, created, not dry_run, found, suggesting.refresh(article))
        if represent is not None:
            result.represented = represent(result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _save(raw, name, cleaned, outlet, update, change_reason) -> tuple[Article, bool]:
    article = Article.objects.filter(source_document=name).first()
    if article is not None and not update:
        raise ImportRefused(
            {
                "source_document": f"{name} was already imported as article {article.pk} ({article.title!r}); "
                "import it under another name, or update that article."
            }
        )
    values = {
        "outlet": outlet,
        "title": cleaned.title,
        "summary": cleaned.summary,
        "byline": cleaned.byline,
        "body": cleaned.body,
        "caption": cleaned.caption,
        "source_text": raw,
        "published": cleaned.published,
        "published_precision": cleaned.published_precision,
        "published_time": cleaned.published_time,
    }
    created = article is None
    if created:
        article = Article(source_document=name, **values)
    else:
        for key, value in values.items():
            setattr(article, key, value)
    try:
        article.full_clean()
    except ValidationError as error:
        raise ImportRefused({key: " ".join(messages) for key, messages in error.message_dict.items()}) from error
    moved = [] if created else article.reanchored_evidence()
    lost = [(record, found) for record, found in moved if not found.holds]
    if lost:
        record, found = lost[0]
        raise ImportRefused(
            {"text": f"The re-cleaned text leaves {len(lost)} evidence record(s) without a place, e.g. "
             f"{record._meta.verbose_name} {record.pk} ({record.quote[:40]!r}) {found.describe()}."}
        )  # fmt: skip
    article._change_reason = change_reason
    article.save()
    if moved:
        article.move_evidence(moved, "Re-anchored after the article was imported again")
    return article, created


def link_copy(article: Article, has_author: bool | None = None) -> dict | None:
    """Link `article` to the original it nearly copies (or make it the original of an older copy);
    what was found, or None. Every door calls this on each create and each change of the body."""
    others = Article.objects.exclude(pk=article.pk).filter(original__isnull=True).order_by("pk")
    existing = [syndication.candidate_for(other) for other in others]
    new = syndication.candidate_for(article)
    if has_author is not None:
        new = syndication.Candidate(new.key, new.text, new.order, new.published, new.has_author or has_author)
    match = syndication.best_match(new, existing)
    if match is None:
        if article.original_id:  # a changed body that no longer matches its old original
            Article.objects.filter(pk=article.pk).update(original=None)
            article.original = None
        return None
    if match.original.key == article.pk:
        # This article is the original: the older one and its copies point here now.
        Article.objects.filter(pk=match.copy.key).update(original=article)
        Article.objects.filter(original_id=match.copy.key).update(original=article)
        return {"relation": "original_of", "article": match.copy.key, "containment": round(match.containment, 3)}
    original = Article.objects.get(pk=match.original.key)
    original_id = original.original_id or original.pk
    Article.objects.filter(pk=article.pk).update(original_id=original_id)
    article.original_id = original_id
    return {"relation": "copy_of", "article": original_id, "containment": round(match.containment, 3)}


def accept_people(result: Imported, user=None, *, create_people: bool = False) -> int:
    """Accept the import's suggested person mentions (authors, people named, quotations): those of
    people already in the corpus, and of new people too when `create_people`. How many."""
    chosen = [
        s for s in result.suggestions
        if s.kind == Suggestion.Kind.PERSON_MENTION and s.state == Suggestion.State.PENDING
        and (s.target.get("person") or create_people)
    ]  # fmt: skip
    suggesting.accept(chosen, user, create_people=create_people)
    return len(chosen)
