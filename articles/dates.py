"""Date precision: the one rule for what span of days a partial date covers.

An event dated "1967" is stored as start 1967-01-01 with precision year; it
covers every day of 1967. "December 1994" covers the month, "the 1960s" the
decade. Filters, validation, and the synthetic generator all use `period_end`
and `covered_until`.
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
        return datetime.date(day.year - day.year % 10, 1, 1)
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
