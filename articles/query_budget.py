"""A time budget for one query, the same on both databases.

PostgreSQL cancels the statement (`SET LOCAL statement_timeout`, inside a savepoint so
the cancel rolls back only the budgeted work). SQLite interrupts it from its progress
handler once the deadline passes. Either way the caller gets OverBudget and decides
what to answer: a facet says `timed_out` rather than give a number it did not count.
"""

import time
from contextlib import contextmanager

from django.db import OperationalError, connections, transaction

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"
# SQLite calls the progress handler every this many virtual-machine instructions (about 0.1 ms here).
SQLITE_STEPS = 10_000


class OverBudget(Exception):
    """The query ran past its budget and was stopped."""


@contextmanager
def budget(using: str, milliseconds: int | None):
    """Run the block's queries on `using` within `milliseconds` in all (None or 0: no limit)."""
    if not milliseconds:
        yield
        return
    connection = connections[using]
    if connection.vendor == "postgresql":
        nested = connection.in_atomic_block
        try:
            with transaction.atomic(using=using):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                        [f"{int(milliseconds)}ms"],
                    )
                    previous = cursor.fetchone()[0]
                yield
                if nested:  # the setting would outlive the savepoint: put it back
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
                raise OverBudget from exc
            raise
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        deadline = time.monotonic() + milliseconds / 1000
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_STEPS)
        try:
            yield
        except OperationalError as exc:
            if "interrupted" in str(exc) and time.monotonic() > deadline:
                raise OverBudget from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)
        return
    yield
