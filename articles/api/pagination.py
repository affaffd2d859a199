"""Pages of a list: by number with a bounded count, or by cursor for deep paging.

**By number** (`page`, `page_size`): the body is
`{count, count_is_exact, next, previous, [facets,] results}`. Counting a large
table exactly costs a scan of every matching row on each request, so the count
stops at `CORPUS_EXACT_COUNT_LIMIT` (default 10 000) rows: it is a
`SELECT COUNT(*) FROM (SELECT … LIMIT limit + 1)`, never an unbounded COUNT.

- At or below the limit, `count` is exact and `count_is_exact` is true.
- Above it, `count_is_exact` is false and `count` is an estimate, never below
  limit + 1. On PostgreSQL it is the planner's row estimate for the list's query
  (EXPLAIN): for an unfiltered table that is `pg_class.reltuples` scaled to the
  table's current size, for a filtered one the planner's selectivity estimate.
  SQLite has no estimate to offer, so there `count` is limit + 1: "more than the
  limit".
- On PostgreSQL a filtered list is estimated first, and when the estimate is at
  least three times the limit it is answered without counting (`count_is_exact`
  false): counting even limit + 1 rows of a word in most articles checks each
  row's text, about 100 ms at a million articles. Three times leaves room for
  the planner's error (it multiplies the selectivities of filters it takes to
  be independent); at ten times, a word in 99 658 of 100 000 articles was
  still counted. Only once the table has
  statistics (ANALYZE, which autovacuum runs): before that an estimate is a
  guess from the table's size.

Page numbers past the estimate still answer while rows exist (`next` is then
found by fetching one row more than the page), and an empty page is a 404 as
before; `page=last` needs the true count, so it is a 400 when the count is an
estimate.

**Page numbers stop at a depth.** A page number costs an OFFSET over every row
before it, so at a million rows page 10 000 takes seconds. Pages by number
reach `CORPUS_MAX_PAGE_DEPTH` rows (default 10 000, the exact-count limit): a
page that starts at or past it is a 400 naming `page` that says to page by
`cursor`. The page whose next page would start past the depth links `next` as
a cursor positioned after its last record, so a client that follows `next`
walks the whole list without noticing (as NetBox and Datasette do). Found with
one more query, on that page only.

**By cursor** (`cursor`): the body is `{next, previous, [facets,] results}`,
without a count. `cursor=` (empty) starts at the first record and each page
links the next and the previous with an opaque cursor, so page 50 000 costs the
same as page 1. It is keyset pagination: the cursor holds the sort values of
the last record shown, and the next page is the records after them in the
list's ordering (its default, or `ordering=`), with the primary key appended as
the tie-breaker. Every filter works with it. DRF's CursorPagination supplies
the links and the browsable controls; its position is one field plus an
offset, so here the position is every sort key, which also handles NULLs
(placed last unless the ordering says otherwise) and relations (a mention's
`article` sorts by the article's own ordering). Cursors are signed: one that
was altered, or that was made for another ordering, is a 400 naming `cursor`.
An aggregate list (compare's summaries, one row per metric and unit) has no
record key; it is short, so its cursor holds the offset instead.
"""

import datetime
import decimal
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.db.models import F, FloatField, OrderBy, Q, prefetch_related_objects
from django.db.models.functions import Cast
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from . import facet_parameter

DEFAULT_EXACT_COUNT_LIMIT = 10_000
DEFAULT_MAX_PAGE_DEPTH = 10_000
MAX_PAGE_SIZE = 100
# A filtered list whose planner estimate is this many times the exact-count limit is not counted.
TRUSTED_ESTIMATE = 3


def exact_count_limit() -> int:
    return getattr(settings, "CORPUS_EXACT_COUNT_LIMIT", DEFAULT_EXACT_COUNT_LIMIT)


def max_page_depth() -> int:
    return getattr(settings, "CORPUS_MAX_PAGE_DEPTH", DEFAULT_MAX_PAGE_DEPTH)


# Counting


def estimated_count(queryset) -> int | None:
    """The planner's estimate of the rows of `queryset` (PostgreSQL), else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    rows = queryset.order_by()
    if rows._iterable_class is ModelIterable:
        rows = rows.values("pk")  # the same rows, without planning the annotations
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`outlet=` naming no outlet)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def has_statistics(queryset) -> bool:
    """PostgreSQL: whether ANALYZE has run on the list's table. Before that (a new database) the
    planner's estimate is a guess from the table's size, good for nothing but a fallback. Asked on
    every request, not remembered, so a list costs the same queries every time."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s)",
            [queryset.model._meta.db_table],
        )
        return cursor.fetchone()[0]


class CountedPage(Page):
    more: bool | None = None  # known from one extra row when the count is an estimate

    def has_next(self):
        return super().has_next() if self.more is None else self.more


class BoundedCountPaginator(DjangoPaginator):
    """Django's paginator, counting at most `exact_count_limit()` rows."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        limit = exact_count_limit()
        if not hasattr(self.object_list, "query"):
            return len(self.object_list), True
        estimate = None
        if self.object_list.query.has_filters() and has_statistics(self.object_list):
            # Counting limit + 1 rows of a common word checks each row's tsvector (about 100 ms at
            # 10 000 rows); an estimate far above the limit is trusted instead.
            estimate = estimated_count(self.object_list)
            if estimate is not None and estimate >= TRUSTED_ESTIMATE * limit:
                return estimate, False
        rows = self.object_list.order_by()
        if rows._iterable_class is ModelIterable:
            # The ids alone: SQLite would otherwise compute each row's annotated counts (people's
            # article_count) for every row it counts, 830 ms for the people of 100 k articles.
            rows = rows.values("pk")
        counted = rows[: limit + 1].count()
        if counted <= limit:
            return counted, True
        if estimate is None:
            estimate = estimated_count(self.object_list)
        return max(limit + 1, estimate or 0), False

    @property
    def count(self):
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past an estimate is not past the end: page() finds out.
            if self.count_is_exact or int(number) < 1:
                raise
            return int(number)

    def page(self, number):
        number = self.validate_number(number)
        if self.count_is_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = self._get_page(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    def _get_page(self, *args, **kwargs):
        return CountedPage(*args, **kwargs)


# Keyset


@dataclass(frozen=True)
class Key:
    """One sort key of a list: a field path (or an annotation) and its direction."""

    path: str
    descending: bool
    nullable: bool
    nulls_last: bool
    field: object  # what turns a cursor's value back into the key's type
    computed: bool = False  # an annotation rather than a column

    def value(self):
        """The key as the page selects it and the cursor compares it. A computed
        float is compared as double precision: PostgreSQL's ranks are single
        precision (real), whose printed value is not the real one exactly."""
        if self.computed and isinstance(self.field, FloatField):
            return Cast(F(self.path), FloatField())
        return F(self.path)

    def order_by(self, reverse: bool):
        descending, nulls_last = self.descending != reverse, self.nulls_last != reverse
        if not self.nullable:
            return OrderBy(F(self.path), descending=descending)
        return OrderBy(
            F(self.path), descending=descending, nulls_last=nulls_last or None, nulls_first=not nulls_last or None
        )

    def equal(self, alias, value) -> Q:
        return Q(**{f"{alias}__isnull": True}) if value is None else Q(**{alias: value})

    def after(self, alias, value, reverse: bool) -> Q | None:
        """Records strictly after `value` in this key's order (before it when `reverse`); None for none."""
        descending, nulls_last = self.descending != reverse, self.nulls_last != reverse
        if value is None:
            return None if nulls_last else Q(**{f"{alias}__isnull": False})
        beyond = Q(**{f"{alias}__{'lt' if descending else 'gt'}": value})
        return beyond | Q(**{f"{alias}__isnull": True}) if self.nullable and nulls_last else beyond

    def from_cursor(self, value):
        return None if value is None else self.field.to_python(value)

    @property
    def signature(self) -> str:
        nulls = "" if not self.nullable else (">" if self.nulls_last else "<")
        return f"{'-' if self.descending else ''}{self.path}{nulls}"


class UnsupportedOrdering(Exception):
    pass


def _field_path(model, path: str):
    """The fields along `path`, and whether any of them may be NULL."""
    fields, opts = [], model._meta
    for part in path.split("__"):
        field = opts.pk if part == "pk" else opts.get_field(part)
        if field.many_to_many or field.one_to_many or (field.is_relation and not field.concrete):
            raise UnsupportedOrdering(f"“{path}” repeats a record once per related row.")
        fields.append(field)
        if field.is_relation:
            opts = field.related_model._meta
    return fields, any(field.null for field in fields)


def _expand(queryset, model, item, prefix="", flip=False):
    """(path, descending, nulls_last or None) for one ordering item, a relation
    expanded into its model's ordering the way Django's compiler does."""
    if isinstance(item, F):
        item = item.asc()
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        nulls = True if item.nulls_last else (False if item.nulls_first else None)
        yield prefix + item.expression.name, item.descending, nulls
        return
    if not isinstance(item, str) or item == "?":
        raise UnsupportedOrdering(f"“{item}” cannot be paged by cursor.")
    descending = item.startswith("-") != flip
    name = item.lstrip("-")
    if not prefix and name in queryset.query.annotations:
        yield name, descending, None
        return
    try:
        fields, _ = _field_path(model, name)
    except FieldDoesNotExist as exc:
        raise UnsupportedOrdering(f"“{name}” is not a field of this list.") from exc
    last = fields[-1]
    if last.is_relation and last.related_model._meta.ordering and not name.endswith("_id"):
        for sub in last.related_model._meta.ordering:
            yield from _expand(queryset, last.related_model, sub, f"{prefix}{name}__", descending)
        return
    yield prefix + name, descending, None


def sort_keys(queryset) -> list[Key]:
    """The keys `queryset` is ordered by, up to and including its primary key."""
    query, model = queryset.query, queryset.model
    ordering = query.order_by or (model._meta.ordering if query.default_ordering else ())
    keys, seen = [], set()
    pk_paths = {"pk", model._meta.pk.name}
    for item in ordering:
        for path, descending, nulls_last in _expand(queryset, model, item):
            if path in seen:
                continue
            seen.add(path)
            computed = path in query.annotations
            if computed:
                field, nullable = query.annotations[path].output_field, True
            else:
                try:
                    fields, nullable = _field_path(model, path)
                except FieldDoesNotExist as exc:
                    raise UnsupportedOrdering(f"“{path}” is not a field of this list.") from exc
                field = fields[-1]
            keys.append(Key(path, descending, nullable, True if nulls_last is None else nulls_last, field, computed))
            if path in pk_paths:
                return keys
    return [*keys, Key("pk", False, False, True, model._meta.pk)]


def _plain(value):
    """A sort value as JSON keeps it (dates as ISO text, decimals as text, exactly)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise UnsupportedOrdering("A sort value is not a finite number.")
    return value


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination, positioned on every sort key (see the module docstring)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_description = (
        "Page by cursor instead of number: `cursor=` (empty) for the first page, then follow `next` and "
        "`previous`. No count; deep pages cost the same as the first. With `cursor`, `page` is ignored."
    )
    salt = "articles.api.pagination.cursor"

    def invalid(self, message):
        return ValidationError({self.cursor_query_param: [message]})

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.aggregate = None
        if queryset._iterable_class is not ModelIterable:
            return self.paginate_aggregate(queryset, request)
        try:
            self.ordering = sort_keys(queryset)
        except UnsupportedOrdering as exc:
            parameter = "ordering" if request.query_params.get("ordering") else self.cursor_query_param
            raise ValidationError({parameter: [f"Cannot page by cursor in this order: {exc}"]}) from exc
        self.cursor = self.decode_cursor(request)
        reverse, position = (False, None) if self.cursor is None else (self.cursor.reverse, self.cursor.position)

        aliases = [f"cursor_key_{i}" for i in range(len(self.ordering))]
        queryset = queryset.annotate(**{alias: key.value() for alias, key in zip(aliases, self.ordering, strict=True)})
        queryset = queryset.order_by(*[key.order_by(reverse) for key in self.ordering])
        parts = [Q()] if position is None else self.beyond_parts(aliases, position, reverse)
        if len(parts) == 1:
            results = list(queryset.filter(parts[0])[: self.page_size + 1])
        else:
            # Every part is read whatever the page size (at least one row each), and the prefetches
            # run once over all of them, so a page's queries do not depend on its size.
            lookups = queryset._prefetch_related_lookups
            plain = queryset.prefetch_related(None)
            results = []
            for part in parts:  # in walking order
                results += list(plain.filter(part)[: max(1, self.page_size + 1 - len(results))])
            results = results[: self.page_size + 1]
            prefetch_related_objects(results, *lookups)
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], self.ordering) if len(results) > len(self.page) else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.next_position = position is not None, position
            self.has_previous, self.previous_position = following is not None, following
        else:
            self.has_next, self.next_position = following is not None, following
            self.has_previous, self.previous_position = position is not None, position
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def paginate_aggregate(self, queryset, request):
        """An aggregate (one row per group, such as compare's summaries) has no
        record key to page by; it is short, so its cursor holds an offset."""
        signature = "rows:" + ",".join(str(term) for term in queryset.query.order_by)
        offset, token = 0, request.query_params.get(self.cursor_query_param)
        if token:
            try:
                payload = self.signer.unsign_object(token)
                offset = int(payload["o"]) if payload.get("k") == signature else -1
            except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
                raise self.invalid("Not a cursor this list gave out; start again with cursor=.") from exc
            if offset < 0:
                raise self.invalid("This cursor belongs to another ordering; start again with cursor=.")
        rows = list(queryset[offset : offset + self.page_size + 1])
        self.page = rows[: self.page_size]
        self.aggregate = (signature, offset)
        self.has_next, self.has_previous = len(rows) > self.page_size, offset > 0
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def _aggregate_link(self, offset: int) -> str:
        token = self.signer.sign_object({"k": self.aggregate[0], "o": max(offset, 0)}, compress=True)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def get_next_link(self):
        if self.aggregate is None:
            return super().get_next_link()
        return self._aggregate_link(self.aggregate[1] + self.page_size) if self.has_next else None

    def get_previous_link(self):
        if self.aggregate is None:
            return super().get_previous_link()
        return self._aggregate_link(self.aggregate[1] - self.page_size) if self.has_previous else None

    def beyond(self, aliases, position, reverse) -> Q:
        """Records after `position` in the walking order: for keys (a, b, pk),
        a > x OR (a = x AND b > y) OR (a = x AND b = y AND pk > z)."""
        either, same = Q(pk__in=[]), Q()
        for alias, key, value in zip(aliases, self.ordering, position, strict=True):
            after = key.after(alias, value, reverse)
            if after is not None:
                either |= same & after
            same &= key.equal(alias, value)
        first, value = self.ordering[0], position[0]
        if not first.nullable:
            # The same set, plus a range on the first key that an index can seek to.
            descending = first.descending != reverse
            either = Q(**{f"{aliases[0]}__{'lte' if descending else 'gte'}": value}) & either
        return either

    def beyond_parts(self, aliases, position, reverse) -> list[Q]:
        """`beyond` as consecutive parts of the walking order, each a range an index can seek to.

        Where the first key is nullable, its NULLs sit at one end of the order, and one
        condition for "this value and what follows, NULLs included" is an OR no planner
        seeks by: at a million rows it read 900 000 rows for a page 90 % down. So the rows
        of the position's own kind (NULL or not) come first, with a range on the key, then,
        if they follow in this direction, the rows of the other kind."""
        either = self.beyond(aliases, position, reverse)
        first, value = self.ordering[0], position[0]
        if not first.nullable:
            return [either]
        null = Q(**{f"{aliases[0]}__isnull": True})
        nulls_follow = first.nulls_last != reverse
        if value is None:
            return [either & null] if nulls_follow else [either & null, ~null]
        descending = first.descending != reverse
        same = either & ~null & Q(**{f"{aliases[0]}__{'lte' if descending else 'gte'}": value})
        return [same, null] if nulls_follow else [same]

    def _get_position_from_instance(self, instance, ordering):
        return tuple(getattr(instance, f"cursor_key_{i}") for i in range(len(ordering)))

    @property
    def signer(self):
        return signing.Signer(salt=self.salt)

    @property
    def signature(self) -> str:
        return ",".join(key.signature for key in self.ordering)

    def encode_cursor(self, cursor):
        position = None if cursor.position is None else [_plain(value) for value in cursor.position]
        token = self.signer.sign_object({"k": self.signature, "r": int(cursor.reverse), "p": position}, compress=True)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request):
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            payload = self.signer.unsign_object(token)
        except signing.BadSignature as exc:
            raise self.invalid(
                "Not a cursor this list gave out; follow `next` or `previous`, or start with cursor=."
            ) from exc
        if payload.get("k") != self.signature:
            raise self.invalid("This cursor belongs to another ordering; start again with cursor=.")
        try:
            values = payload["p"]
            position = (
                None
                if values is None
                else tuple(key.from_cursor(value) for key, value in zip(self.ordering, values, strict=True))
            )
            return Cursor(offset=0, reverse=bool(payload["r"]), position=position)
        except (KeyError, TypeError, ValueError, DjangoValidationError) as exc:
            raise self.invalid("Not a cursor this list gave out; start again with cursor=.") from exc


# The pagination every list uses


class CorpusPagination(PageNumberPagination):
    """Pages by number, or by cursor when the request has `cursor` (see the module docstring).

    A page may carry more keys, such as `facets` (see articles.api.facet_parameter),
    between `previous` and its results.
    """

    django_paginator_class = BoundedCountPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = (
        "A page number; the page then has `count` and `count_is_exact`. Pages by number reach the "
        "list's first {depth:,} records; a page starting past them is a 400, and the page before that depth "
        "links `next` as a `cursor`: walk a large list with `cursor`."
    )
    page_size_query_description = f"Results per page; at most {MAX_PAGE_SIZE} (a larger value is clamped)."
    cursor_query_param = KeysetPagination.cursor_query_param
    facet_names: list[str] = []  # set by the schema generator for the view it documents
    keyset: KeysetPagination | None = None

    def check_parameters(self, request):
        """Before DRF, which reads a page_size it cannot parse as the default
        and a page it cannot parse as a 404; an export, which has no pages, checks them too."""
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is None or (name == self.page_query_param and value in self.last_page_strings):
                continue
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                raise ValidationError({name: [f"“{value}” is not a whole number of at least 1."]})

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        self.keyset = KeysetPagination()
        page = self.keyset.paginate_queryset(queryset, request, view)
        self.display_page_controls = self.keyset.display_page_controls
        return page

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if request.query_params.get(self.page_query_param) in self.last_page_strings and not paginator.count_is_exact:
            raise ValidationError(
                {self.page_query_param: ["The count is an estimate, so the last page is unknown; use cursor."]}
            )
        depth = max_page_depth()
        if number not in self.last_page_strings and (int(number) - 1) * paginator.per_page >= depth:
            raise ValidationError(
                {
                    self.page_query_param: [
                        f"Pages by number reach the first {depth:,} records (page {-(-depth // paginator.per_page):,} "
                        f"at {paginator.per_page} per page); page {int(number):,} starts past them. Page by cursor: "
                        "follow `next` from an earlier page, or start with cursor= (empty)."
                    ]
                }
            )
        return number

    def get_next_link(self):
        """Past the depth, the next page by cursor: positioned after this page's last record."""
        if not self.page.has_next() or self.page.number * self.page.paginator.per_page < max_page_depth():
            return super().get_next_link()
        rows = self.page.paginator.object_list
        if rows._iterable_class is not ModelIterable:
            return None  # an aggregate is short; its rows never reach the depth
        keyset = KeysetPagination()
        try:
            keyset.ordering = sort_keys(rows)
        except UnsupportedOrdering:
            return super().get_next_link()  # which answers why it cannot go deeper
        keyset.base_url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        aliases = [f"cursor_key_{i}" for i in range(len(keyset.ordering))]
        position = (
            rows.filter(pk=self.page[-1].pk)
            .annotate(**{alias: key.value() for alias, key in zip(aliases, keyset.ordering, strict=True)})
            .values_list(*aliases)
            .get()
        )
        return keyset.encode_cursor(Cursor(offset=0, reverse=False, position=position))

    def get_paginated_response(self, data, **extra):
        if self.keyset is not None:
            # A page number given beside the cursor was ignored; the links leave it out.
            head = {
                name: remove_query_param(link, self.page_query_param) if link else None
                for name, link in (("next", self.keyset.get_next_link()), ("previous", self.keyset.get_previous_link()))
            }
        else:
            paginator = self.page.paginator
            head = {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
            }
        return Response({**head, **extra, "results": data})

    def to_html(self):
        return super().to_html() if self.keyset is None else self.keyset.to_html()

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        page["description"] = page["description"].format(depth=max_page_depth())
        page_size["schema"]["minimum"] = 1
        page["schema"] = {
            "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": list(self.last_page_strings)}]
        }
        page["description"] += " `last` for the last page, while the count is exact."
        cursor = KeysetPagination().get_schema_operation_parameters(view)[0]
        return [page, page_size, cursor]

    def get_paginated_response_schema(self, schema, extra: dict | None = None):
        """The page's schema: the one source of the envelope's shape, for a
        list and for any other paged answer (see Envelope). `extra`: keys
        between `previous` and `results`, such as compare's `metrics`."""
        limit = exact_count_limit()
        link = {"type": ["string", "null"], "format": "uri"}
        properties = {
            "count": {
                "type": "integer",
                "example": 123,
                "description": "Pages by number only: how many records the filtered list has, exactly up to "
                f"{limit:,}; above that an estimate (see `count_is_exact`).",
            },
            "count_is_exact": {
                "type": "boolean",
                "description": "Pages by number only: false when more than "
                f"{limit:,} records match and `count` is an estimate (PostgreSQL: the planner's; SQLite: "
                f"{limit + 1:,}, meaning more than {limit:,}).",
            },
            "next": {
                **link,
                "example": "http://api.example.org/api/v1/articles/?page=4",
                "description": "The next page with the same parameters (a `cursor` link when paging by cursor); "
                "null on the last page.",
            },
            "previous": {
                **link,
                "example": "http://api.example.org/api/v1/articles/?page=2",
                "description": "The previous page, likewise; null on the first page.",
            },
        }
        if self.facet_names:
            properties["facets"] = facet_parameter.response_schema(self.facet_names)
        properties.update(extra or {})
        properties["results"] = schema
        required = ["next", "previous", *(extra or {}), "results"]
        return {"type": "object", "required": required, "properties": properties}


class Envelope(serializers.Serializer):
    """For the schema only: a page of `results` as CorpusPagination answers
    it, for an action that pages something other than its list. A subclass
    names the serializer of its results (`page_of`) and of any `extra` keys,
    each a list."""

    page_of: type[serializers.Serializer]
    extra: dict[str, type[serializers.Serializer]] = {}


class EnvelopeExtension(OpenApiSerializerExtension):
    target_class = Envelope
    match_subclasses = True

    def get_name(self, auto_schema, direction):
        return self.target.__class__.__name__ if isinstance(self.target, Envelope) else self.target.__name__

    def map_serializer(self, auto_schema, direction):
        envelope = self.target if isinstance(self.target, Envelope) else self.target()

        def resolve(serializer_class):
            return {"type": "array", "items": auto_schema.resolve_serializer(serializer_class, direction).ref}

        extra = {name: resolve(serializer_class) for name, serializer_class in envelope.extra.items()}
        schema = CorpusPagination().get_paginated_response_schema(resolve(envelope.page_of), extra)
        return {"description": type(envelope).__doc__.strip(), **schema}
