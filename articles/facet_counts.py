"""Facets: how many records of a filtered list carry each value of a field.

A filterset declares its facets by name (`facets = {...}`); the API counts
them over the whole filtered set, not one page (see articles.api.facet_parameter).
Each bucket's `value` is what the list's filter of the same name takes.
"""

from django.db.models import Case, Count, F, IntegerField, When
from django.db.models.functions import Cast, ExtractYear

from .dates import Precision


class Facet:
    """Counts per value of `path`. `many` marks a path through a to-many
    relation: records are counted once per value, and "no value" is no bucket."""

    by_value = False  # order buckets by value (years) rather than by count

    def __init__(self, path: str, description: str, *, choices=None, many=False, none_label="none"):
        self.path = path
        self.description = description
        self.labels = dict(choices) if choices else None
        self.many = many
        self.none_label = none_label

    def value(self):
        return F(self.path)

    def label(self):
        return None

    def buckets(self, records, limit: int) -> tuple[list[dict], bool]:
        """(buckets, truncated) over the queryset `records`."""
        # Prefixed names: a model may have fields called value or label.
        columns = {"facet_value": self.value()}
        if self.label() is not None:
            columns["facet_label"] = self.label()
        rows = records.order_by().values(**columns).annotate(facet_count=Count("pk", distinct=self.many))
        if self.many:
            rows = rows.filter(facet_value__isnull=False)
        by_value = F("facet_value").asc(nulls_last=True)
        order = (by_value,) if self.by_value else ("-facet_count", by_value)
        rows = list(rows.order_by(*order)[: limit + 1])
        return [self.bucket(row) for row in rows[:limit]], len(rows) > limit

    def bucket(self, row) -> dict:
        value, count = row["facet_value"], row["facet_count"]
        if value is None:
            return {"value": None, "label": self.none_label, "count": count}
        label = row.get("facet_label") or (self.labels or {}).get(value, value)
        return {"value": str(value), "label": str(label), "count": count}


class RelatedFacet(Facet):
    """Counts per related record, by slug (the filter's value) with its name."""

    def value(self):
        return F(f"{self.path}__slug")

    def label(self):
        return F(f"{self.path}__name")


class YearFacet(Facet):
    """Counts per year (or decade) of a partial date; a date known only to a
    coarser precision counts under "unknown" rather than a year it may not be."""

    by_value = True

    def __init__(self, path: str, precision_path: str, description: str, *, decade=False):
        super().__init__(path, description, none_label="unknown")
        self.precision_path = precision_path
        self.decade = decade

    def value(self):
        # EXTRACT gives a numeric on PostgreSQL: cast so / is whole division.
        year = Cast(ExtractYear(self.path), IntegerField())
        if self.decade:
            return year / 10 * 10
        return Case(
            When(**{self.precision_path: Precision.DECADE}, then=None), default=year, output_field=IntegerField()
        )

    def bucket(self, row) -> dict:
        bucket = super().bucket(row)
        if self.decade and row["facet_value"] is not None:
            bucket["label"] = f"{row['facet_value']}s"
        return bucket
