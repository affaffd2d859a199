"""Comparison: what the sources say about one measured thing.

Figures share a metric slug when they measure the same thing; summarising them
per metric and unit shows at a glance where outlets disagree (a spread
between the smallest and largest value). Values in different units are never
compared with each other.
"""

from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce

from .models import Figure


def summaries(figures):
    """One row per metric and unit of the figures in `figures`: how many
    figures, outlets and articles quote it, and its lowest and highest value
    (a range counts by its upper bound too). Most-quoted first."""
    return (
        Figure.objects.filter(pk__in=figures.values("pk"))
        .order_by()
        .values("metric", "unit")
        .annotate(
            figure_count=Count("pk"),
            outlet_count=Count("article__outlet", distinct=True),
            article_count=Count("article", distinct=True),
            min_value=Min("value"),
            max_value=Max(Coalesce("value_max", "value")),
        )
        .order_by("-outlet_count", "-figure_count", "metric", "unit")
    )
