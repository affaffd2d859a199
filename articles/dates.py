"""Date precision: the one rule for what span of days a partial date covers.

An event dated "1967" is stored as start 1967-01-01 with precision year; it
covers every day of 1967. "December 1994" covers the month, "the 1960s" the
decade. Filters, validation, and the synthetic generator all use `period_end`
and `covered_until`; exports write partial dates with `iso`.
"""

import calendar
import datetime

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    DECADE = "decade", "decade"


def period_start(day: datetime.date, precision: str) -> datetime.date:
    """The first day of the period that contains `day` at `precision`."""
    if precision == Precision.MONTH:
        return day.replace(day=1)
    if precision == Precision.YEAR:
        return day.replace(month=1, day=1)
    if precision == Precision.DECADE:
        # Years 1 to 9 are the first decade: there is no year 0 to start it.
        return datetime.date(max(day.year - day.year % 10, datetime.MINYEAR), 1, 1)
    return day


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the period that contains `day` at `precision`."""
    if precision == Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision == Precision.DECADE:
        return datetime.date(day.year - day.year % 10 + 9, 12, 31)
    return day


def covered_until(start: datetime.date, end: datetime.date | None, precision: str) -> datetime.date:
    """The last day a dated record covers: its end's period, else its start's."""
    return period_end(end or start, precision)


def is_period_aligned(day: datetime.date, precision: str) -> bool:
    return period_start(day, precision) == day


def period_starts(day: datetime.date) -> dict[str, datetime.date]:
    """For each precision, the first day of the period around `day`.

    A record dated at precision P covers `day` or later exactly when its
    (period-aligned) date is on or after period_starts(day)[P].
    """
    return {precision: period_start(day, precision) for precision in Precision.values}


def iso(day: datetime.date | None, precision: str) -> str | None:
    """ISO 8601 at the date's precision: 1994-12-14, 1994-12, 1994; a decade
    gives its first year, 1960 (ISO 8601 has no decade form schema.org accepts)."""
    if day is None:
        return None
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if precision in (Precision.YEAR, Precision.DECADE):
        return f"{period_start(day, precision).year:04d}"
    return day.isoformat()
