"""After the load: is every acknowledged write in the database, and did any other write land?

The database is read directly, not through the API under test. Each write is judged on its own:
a create by its unique slug or label, a patch by the description it set (each person is patched at
most once). Where django-simple-history keeps the tables, a write that landed must also have its
history row: a record without one would be half-saved. The reason the client sent (X-Change-Reason)
is counted where the history keeps one.
"""

from collections import Counter

import psycopg


def _table_exists(connection, name) -> bool:
    return connection.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]


def _columns(connection, table) -> set[str]:
    rows = connection.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in rows}


def check(database_url: str, run_id: str, writes) -> dict:
    with psycopg.connect(database_url) as connection:
        people = dict(
            connection.execute(
                "SELECT slug, description FROM articles_person WHERE slug LIKE %s", [f"load-{run_id}-%"]
            ).fetchall()
        )
        figures = dict(
            connection.execute(
                "SELECT label, id FROM articles_figure WHERE label LIKE %s", [f"load {run_id}-%"]
            ).fetchall()
        )
        history = _history(connection, run_id)

    def landed(write) -> bool:
        if write.operation == "create_person":
            return write.key in people
        if write.operation == "create_figure":
            return write.key in figures
        return people.get(write.key) == write.value

    def recorded(write):
        """The history row's change reason ("" when none), False when there is no row, None without history."""
        if history is None:
            return None
        return history.get((write.operation, write.key, write.value), False)

    tally = Counter()
    problems = []
    for write in writes:
        outcome = "acknowledged" if write.acknowledged else ("refused" if 400 <= write.status < 500 else "unanswered")
        tally[f"{outcome}"] += 1
        tally[f"{outcome}:{write.operation}"] += 1
        is_there = landed(write)
        if write.acknowledged and write.operation == "create_figure" and is_there:
            is_there = figures[write.key] == write.response_id
        if is_there:
            tally[f"{outcome}_landed"] += 1
            reason = recorded(write)
            if reason is False:
                tally["landed_without_history"] += 1
                problems.append(f"{write.operation} {write.key}: in the table, but no history row")
            elif reason == f"make load {write.operation}":
                tally["reason_recorded"] += 1
        elif write.acknowledged:
            tally["acknowledged_lost"] += 1
            problems.append(f"{write.operation} {write.key} acknowledged with {write.status}, not in the database")
    return {
        "writes": len(writes),
        "acknowledged": tally["acknowledged"],
        "acknowledged_found": tally["acknowledged_landed"],
        "acknowledged_lost": tally["acknowledged_lost"],
        "refused": tally["refused"],
        "refused_landed": tally["refused_landed"],
        "unanswered": tally["unanswered"],
        "unanswered_landed": tally["unanswered_landed"],
        "landed_without_history": tally["landed_without_history"],
        "history_checked": history is not None,
        "reason_recorded": tally["reason_recorded"],
        "by_operation": {
            operation: {
                outcome: tally[f"{outcome}:{operation}"] for outcome in ("acknowledged", "refused", "unanswered")
            }
            for operation in ("create_person", "create_figure", "patch_person")
        },
        "problems": problems[:50],
    }


def _history(connection, run_id):
    """{(operation, key, value): change reason} from simple-history's tables, or None where there are none."""
    tables = ("articles_historicalperson", "articles_historicalfigure")
    if not all(_table_exists(connection, table) for table in tables):
        return None
    reason = "history_change_reason" if "history_change_reason" in _columns(connection, tables[0]) else "''"
    recorded = {}
    rows = connection.execute(
        f"SELECT history_type, slug, description, {reason} FROM articles_historicalperson WHERE slug LIKE %s",  # noqa: S608 - a column name we chose
        [f"load-{run_id}-%"],
    )
    for kind, slug, description, why in rows:
        if kind == "+":
            recorded[("create_person", slug, slug)] = why or ""
        elif kind == "~":
            recorded[("patch_person", slug, description)] = why or ""
    rows = connection.execute(
        f"SELECT label, {reason} FROM articles_historicalfigure WHERE history_type = '+' AND label LIKE %s",  # noqa: S608
        [f"load {run_id}-%"],
    )
    recorded.update({("create_figure", label, label): why or "" for label, why in rows})
    return recorded
