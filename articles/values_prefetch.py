"""Prefetching plain values: related rows read as dicts, in one query for a page, by Django's own
prefetch machinery (`prefetch_related(Prefetch(name, to_attr=...))`).

A prefetch of a relation builds a model object for every related row (an article's author
mentions, and each mention's person), which a list that shows three keys of each does not need.
A `ValuesPrefetch` on a model is a prefetcher as Django defines one (`get_prefetch_querysets`, as
GenericForeignKey has): it runs wherever prefetches run (a page, a page by cursor, each chunk of
an export), before any serializer, so the query is counted with the page's and not while writing it.
"""

from operator import attrgetter, itemgetter


class ValuesPrefetch:
    """`rows(ids)`: a values() queryset (dicts) of the related rows of the instances with those
    primary keys, each with the key `key` holding its instance's primary key, in the order wanted."""

    def __init__(self, rows, key: str):
        self.rows = rows
        self.key = key

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        # Outside a prefetch: the instance's rows alone.
        return list(self.rows([instance.pk]))

    def is_cached(self, instance) -> bool:
        return False

    def get_prefetch_querysets(self, instances, querysets=None):
        rows = self.rows([instance.pk for instance in instances])
        # Rows, their instance's key, an instance's key, many per instance, the attribute, not a descriptor cache.
        return rows, itemgetter(self.key), attrgetter("pk"), False, self.name, False
