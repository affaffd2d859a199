"""The article list's rows, written by hand rather than walked field by field.

DRF writes a row by building the serializer's fields for the request and then
asking each one in turn (`get_attribute`, `to_representation`, the brief forms'
own fields, a prefetch of model objects for the authors). On a page of 50 that
walk, not the database, was most of the list's time: 1.6–3× a plain `.values()`
page giving the same JSON (benchmark/RESULTS.md, `drf_overhead`).

Each key below gives exactly what `ArticleSerializer`'s field of that name
gives, and the serializer stays the contract and the schema:
tests/test_article_rows.py holds the two equal key by key on every fixture
article, in a list, a search, an export and a page by cursor. A key with no
writer here (a field added to the serializer later) is written by its DRF field,
so a new field is never missing, only slower until it gets a writer. The
authors' brief form (`brief_authors`) is also what the serializer's own
`authors` writes, for a detail: one rule for both.
"""

from urllib.parse import quote

from django.db.models import Manager, Prefetch
from rest_framework import permissions, serializers
from rest_framework.reverse import reverse

from ..snippets import first_snippet

PLACEHOLDER = "recordkeyplaceholder"
AUTHORS_ATTRIBUTE = "author_rows"


def prefetch_authors(queryset):
    """The query need of `authors`: each article's author mentions as plain values, one query a page
    (Article.author_values), read before the rows are written."""
    return queryset.prefetch_related(Prefetch("author_values", to_attr=AUTHORS_ATTRIBUTE))


class Links:
    """Record URLs from templates reversed once per page, as RecordURLField builds them."""

    def __init__(self, request, url_format):
        self.request = request
        self.url_format = url_format  # a format suffix (`/articles.json`) carries into the links, as in DRF
        self.urls = {}

    def url(self, view_name: str, key) -> str:
        template = self.urls.get(view_name)
        if template is None:
            lookup = "slug" if view_name != "api:article-detail" else "pk"
            template = self.urls[view_name] = reverse(
                view_name, kwargs={lookup: PLACEHOLDER}, request=self.request, format=self.url_format
            )
        return template.replace(PLACEHOLDER, str(key) if isinstance(key, int) else quote(key, safe=""))


def _text(value):
    return None if value is None else str(value)


def _iso(value):
    # DRF's date and time fields give ISO 8601; a value still a string (not read back from the database)
    # is given as it is.
    return None if value is None else value if isinstance(value, str) else value.isoformat()


def _outlet(article, links):
    outlet = article.outlet
    if outlet is None:
        return None
    return {
        "id": outlet.id,
        "slug": outlet.slug,
        "name": outlet.name,
        "url": links.url("api:outlet-detail", outlet.slug),
    }


def _original(article, links):
    original = article.original
    if original is None:
        return None
    return {"id": original.id, "title": original.title, "url": links.url("api:article-detail", original.id)}


def brief_authors(article, links) -> list[dict]:
    """The article's authors in their brief form, in text order, each person once: the one rule for
    the list's rows and the serializer's own `authors` (a detail)."""
    seen, people = set(), []
    rows = getattr(article, AUTHORS_ATTRIBUTE, None)
    if rows is None:  # not prefetched: a queryset that did not go through the serializer's `load`
        rows = article.author_values
    for row in rows:  # each person once
        if row["person_id"] not in seen:
            seen.add(row["person_id"])
            slug = row["person__slug"]
            people.append(
                {
                    "id": row["person_id"],
                    "slug": slug,
                    "name": row["person__name"],
                    "url": links.url("api:person-detail", slug),
                }
            )
    return people


def _snippet(article, links, query):
    return first_snippet(query, article.body, article.summary, article.title) if query else None


WRITERS = {
    "id": lambda article, links: article.id,
    "url": lambda article, links: links.url("api:article-detail", article.id),
    "title": lambda article, links: _text(article.title),
    "summary": lambda article, links: _text(article.summary),
    "byline": lambda article, links: _text(article.byline),
    "outlet": _outlet,
    "published": lambda article, links: _iso(article.published),
    "published_precision": lambda article, links: article.published_precision,
    "published_time": lambda article, links: _iso(article.published_time),
    "language": lambda article, links: _text(article.language),
    "authors": brief_authors,
    "original": _original,
    "is_syndicated": lambda article, links: article.original_id is not None,
    "word_count": lambda article, links: article.word_count,
    "source_document": lambda article, links: _text(article.source_document),
    "body": lambda article, links: _text(article.body),
    "caption": lambda article, links: _text(article.caption),
}


def _drf_writer(field):
    def write(article, links):
        value = field.get_attribute(article)
        return None if value is None else field.to_representation(value)

    return write


class ArticleListSerializer(serializers.ListSerializer):
    """A page of articles written by WRITERS, for a read whose keys the view has chosen (`field_names`);
    anything else (a write's answer, a serializer used outside a view) goes through DRF."""

    def to_representation(self, data):
        context = self.child.context
        names = context.get("field_names")
        request = context.get("request")
        if names is None or request is None or request.method not in permissions.SAFE_METHODS:
            return super().to_representation(data)
        articles = data.all() if isinstance(data, Manager) else data
        links = Links(request, context.get("format"))
        query = context.get("search")
        writers = []
        for name in names:
            if name == "snippet":
                writers.append((name, lambda article, links: _snippet(article, links, query)))
            elif name in WRITERS:
                writers.append((name, WRITERS[name]))
            else:
                writers.append((name, _drf_writer(self.child.fields[name])))
        return [{name: write(article, links) for name, write in writers} for article in articles]
