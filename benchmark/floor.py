"""The articles page of the API, served without DRF: the floor it is measured against.

Both views return the JSON the API returns for `/api/v1/articles/?page_size=N`
(same keys, same values, same order): one with the ORM's `.values()` and
Django's JSON encoder, one with raw SQL and orjson.
"""

import datetime

import orjson
from django.db import connection
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from articles.api.pagination import BoundedCountPaginator
from articles.models import Article, PersonMention

FIELDS = ["id", "title", "summary", "byline", "published", "published_precision", "published_time", "language",
          "original_id", "word_count", "source_document"]  # fmt: skip
OUTLET = ["outlet__id", "outlet__slug", "outlet__name"]
ORDER = [F("published").desc(nulls_last=True), "id"]


def _page(request) -> tuple[int, int]:
    size = min(int(request.GET.get("page_size", 20)), 100)
    return size, int(request.GET.get("page", 1))


def _count() -> tuple[int, bool]:
    """The count as the API gives it: exact up to its limit, else estimated."""
    paginator = BoundedCountPaginator(Article.objects.order_by(*ORDER), 1)
    return paginator.count, paginator.count_is_exact


def _body(count: int, exact: bool, following, previous, results) -> dict:
    return {"count": count, "count_is_exact": exact, "next": following, "previous": previous, "results": results}


def _links(request, page: int, size: int, count: int) -> tuple[str | None, str | None]:
    base = request.build_absolute_uri("/api/v1/articles/")  # the links the API gives
    following = f"{base}?page={page + 1}&page_size={size}" if page * size < count else None
    if page <= 1:
        return following, None
    previous = f"{base}?page_size={size}" if page == 2 else f"{base}?page={page - 1}&page_size={size}"
    return following, previous


def _result(request, row: dict, authors: list[dict]) -> dict:
    root = request.build_absolute_uri("/api/v1/")
    outlet = None
    if row["outlet__id"] is not None:
        outlet = {"id": row["outlet__id"], "slug": row["outlet__slug"], "name": row["outlet__name"],
                  "url": f"{root}outlets/{row['outlet__slug']}/"}  # fmt: skip
    original = row["original_id"]
    return {
        "id": row["id"],
        "url": f"{root}articles/{row['id']}/",
        "title": row["title"],
        "summary": row["summary"],
        "byline": row["byline"],
        "outlet": outlet,
        "published": row["published"].isoformat() if row["published"] else None,
        "published_precision": row["published_precision"],
        "published_time": row["published_time"].isoformat() if row["published_time"] else None,
        "language": row["language"],
        "authors": [{**a, "url": f"{root}people/{a['slug']}/"} for a in authors],
        "original": None if original is None else {"id": original, "url": f"{root}articles/{original}/"},
        "is_syndicated": original is not None,
        "word_count": row["word_count"],
        "source_document": row["source_document"],
        "snippet": None,
    }


def values_page(request):
    """`.values()` plus Django's JSON encoder."""
    size, page = _page(request)
    count, exact = _count()
    rows = list(Article.objects.order_by(*ORDER).values(*FIELDS, *OUTLET)[(page - 1) * size : page * size])
    authors: dict[int, list] = {}
    mentions = (
        PersonMention.objects.filter(article_id__in=[r["id"] for r in rows], role=PersonMention.Role.AUTHOR)
        .order_by("start", "id")
        .values("article_id", "person_id", "person__slug", "person__name")
    )
    for m in mentions:
        people = authors.setdefault(m["article_id"], [])
        if all(p["id"] != m["person_id"] for p in people):
            people.append({"id": m["person_id"], "slug": m["person__slug"], "name": m["person__name"]})
    following, previous = _links(request, page, size, count)
    results = [_result(request, row, authors.get(row["id"], [])) for row in rows]
    return JsonResponse(_body(count, exact, following, previous, results))


PAGE_SQL = """
SELECT a.id, a.title, a.summary, a.byline, a.published, a.published_precision, a.published_time, a.language,
       a.original_id, a.word_count, a.source_document, o.id, o.slug, o.name
FROM articles_article a LEFT JOIN articles_outlet o ON o.id = a.outlet_id
ORDER BY a.published DESC NULLS LAST, a.id LIMIT %s OFFSET %s
"""
AUTHORS_SQL = """
SELECT m.article_id, p.id, p.slug, p.name FROM articles_personmention m JOIN articles_person p ON p.id = m.person_id
WHERE m.role = 'author' AND m.article_id IN ({ids}) ORDER BY m.start, m.id
"""


def raw_page(request):
    """Raw SQL plus orjson: what the database and the encoder cost on their own."""
    size, page = _page(request)
    count, exact = _count()  # the API's bounded count, so both answer the same JSON
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, [size, (page - 1) * size])
        names = [*FIELDS, *OUTLET]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        authors: dict[int, list] = {}
        if rows:
            ids = [r["id"] for r in rows]
            cursor.execute(AUTHORS_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
            for article_id, person_id, slug, name in cursor.fetchall():
                people = authors.setdefault(article_id, [])
                if all(p["id"] != person_id for p in people):
                    people.append({"id": person_id, "slug": slug, "name": name})
    if connection.vendor == "sqlite":  # SQLite hands dates back as text
        for row in rows:
            if isinstance(row["published"], str):
                row["published"] = datetime.date.fromisoformat(row["published"])
            if isinstance(row["published_time"], str):
                row["published_time"] = datetime.time.fromisoformat(row["published_time"])
    following, previous = _links(request, page, size, count)
    results = [_result(request, row, authors.get(row["id"], [])) for row in rows]
    body = _body(count, exact, following, previous, results)
    return HttpResponse(orjson.dumps(body), content_type="application/json")


urlpatterns = [
    path("bench/values/articles/", values_page),
    path("bench/raw/articles/", raw_page),
    path("", include("corpus_api.urls")),
]
