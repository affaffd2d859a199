"""What each tier measures: pages, searches and facets of the corpus it holds."""

import json

from django.db import connection
from rest_framework.pagination import Cursor

from articles.api.pagination import KeysetPagination, max_page_depth, sort_keys
from articles.api.urls import router
from articles.models import Article, Outlet, Person

from . import measure
from .synthetic import SLUG_PREFIX

COMMON_TERM = "venezuela"  # in nearly every generated article: it is all over the seed documents


def terms() -> dict:
    """The filter and search terms of this database's corpus: the busiest
    outlet, and the surname of the least-mentioned person (Zipf's tail)."""
    outlet = Outlet.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk").first()
    person = Person.objects.filter(slug__startswith=SLUG_PREFIX).order_by("-pk").first()
    return {"outlet": outlet.slug, "rare": person.name.split()[-1], "common": COMMON_TERM}


def facet_urls() -> dict[str, str]:
    urls = {}
    for prefix, viewset, _ in router.registry:
        for name in getattr(viewset.filterset_class, "facets", {}):
            urls[f"{prefix}:{name}"] = f"/api/v1/{prefix}/?page_size=1&facets={name}"
    return urls


def deep_cursor(articles: int) -> str:
    """The articles list by cursor, 90 % of the way down, the cursor made as the API makes it."""
    viewset = next(v for prefix, v, _ in router.registry if prefix == "articles")
    rows = viewset.queryset.all()
    keyset = KeysetPagination()
    keyset.ordering = sort_keys(rows)
    keyset.base_url = "/api/v1/articles/"
    aliases = [f"cursor_key_{i}" for i in range(len(keyset.ordering))]
    keys = rows.annotate(**{alias: key.value() for alias, key in zip(aliases, keyset.ordering, strict=True)})
    position = keys.values_list(*aliases)[articles * 9 // 10 - 1]  # one OFFSET, once, to set up
    return keyset.encode_cursor(Cursor(offset=0, reverse=False, position=position))


def tier(get, articles: int) -> dict:
    t = terms()
    # The deepest page by number (pages past CORPUS_MAX_PAGE_DEPTH rows are a 400 pointing to cursors).
    deep = max(1, min(articles * 9 // 10, max_page_depth() - 1) // 20)
    pages = {
        "first page": "/api/v1/articles/",
        "deep page": f"/api/v1/articles/?page={deep}",
        "deep cursor page": deep_cursor(articles),
        "filtered page": f"/api/v1/articles/?outlet={t['outlet']}",
        "search rare": f"/api/v1/articles/?search={t['rare']}",
        "search rare + filter": f"/api/v1/articles/?search={t['rare']}&outlet={t['outlet']}",
        "search common": f"/api/v1/articles/?search={t['common']}",
        "search common + filter": f"/api/v1/articles/?search={t['common']}&outlet={t['outlet']}",
    }
    result = {"terms": t, "pages": {}, "facets": {}}
    for name, url in pages.items():
        timing = measure.timed(get, url)
        response = get(url)
        if response.status_code == 200:
            timing["count"] = json.loads(response.content).get("count")
        timing["queries"] = measure.query_count(get, url)
        result["pages"][name] = timing
    for name, url in facet_urls().items():
        timing = measure.timed(get, url)
        response = get(url)
        if response.status_code == 200:
            # Past its time budget a facet answers fast but uncounted (articles.api.facet_parameter).
            facet = json.loads(response.content)["facets"][url.rsplit("=", 1)[1]]
            timing["timed_out"] = facet.get("timed_out", False)
        result["facets"][name] = timing
    return result


def overhead(get) -> dict:
    """The same page of 50 articles: DRF, `.values()` + json, raw SQL + orjson."""
    urls = {
        "drf": "/api/v1/articles/?page_size=50",
        "values": "/bench/values/articles/?page_size=50",
        "raw": "/bench/raw/articles/?page_size=50",
    }
    result = {name: measure.timed(get, url) for name, url in urls.items()}
    bodies = {name: json.loads(get(url).content) for name, url in urls.items()}
    result["same_json"] = bodies["drf"] == bodies["values"] == bodies["raw"]
    return result


def conditional_get(get) -> dict:
    article = Article.objects.order_by("pk").values_list("pk", flat=True).first()
    url = f"/api/v1/articles/{article}/"
    etag = get(url).headers.get("ETag")
    if not etag:
        return {"available": False, "url": url}
    return {
        "available": True,
        "url": url,
        "full": {**measure.timed(get, url), "queries": measure.query_count(get, url)["queries"]},
        "not_modified": {
            **measure.timed(get, url, {"If-None-Match": etag}, expect=304),
            "queries": measure.query_count(lambda u: get(u, headers={"If-None-Match": etag}), url)["queries"],
        },
    }


def vendor() -> str:
    return connection.vendor
