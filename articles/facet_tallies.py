"""Unfiltered facet counts kept on write, so an unfiltered facet is read, not counted.

A facet over the whole of a large table (articles per outlet, figures per metric) is a GROUP BY
over every row: seconds at a million. For the facets below, the database keeps the counts as it
writes: a trigger on the counted table appends (facet, value, ±1) to articles_facetdelta in the
same transaction as the write, whoever writes (the API, the admin, QuerySet.update, raw SQL). The
counts are the sums per value, read in one small query; `compact` folds the appended rows into one
row per value now and then. Appending, not updating a counter row, means two writers never wait
for each other.

Some facets count distinct records: articles per person counts an article once however often it
names the person. Their count moves only when a (record, value) pair gains its first row or loses
its last. SQLite, one writer at a time, asks the mentions table whether another row holds the pair;
PostgreSQL keeps a reference count per pair (articles_facetpair), so two concurrent writers of one
pair queue on its row instead of both counting it.

People per outlet counts through each mention's article, so an article that moves to another
outlet moves a pair for each person it mentions; both engines keep its pairs in articles_facetpair.

A filtered facet is still counted over the filtered set, within its time budget
(articles.api.facet_parameter), and so is any facet not listed here.
"""

# Every statement here is built from the models' own table and column names, never from user input.
# ruff: noqa: S608

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router, transaction

from . import models

TABLE = "articles_facetdelta"
# Fold a facet's appended rows into one per value once it has this many more than one per value.
COMPACT_AT = 5000


@dataclass(frozen=True)
class Tally:
    """Counts of `table`'s rows per `key` (SQL over the row's alias, per vendor), moved when one of
    `watched` changes. `related`: the key is that model's id, shown by its slug and name."""

    name: str
    table: str
    key: Callable[[str, str, bool], str]  # (vendor, row alias, in a trigger) -> SQL
    watched: tuple[str, ...]
    related: type | None = None


def _year(vendor: str, row: str, in_trigger: bool) -> str:
    year = (
        f"CAST(EXTRACT(YEAR FROM {row}.published) AS INTEGER)"
        if vendor == "postgresql"
        else f"CAST(strftime('%Y', {row}.published) AS INTEGER)"
    )
    # As facet_counts.YearFacet: a date known only to its decade has no year.
    return f"CAST(CASE WHEN {row}.published_precision = 'decade' THEN NULL ELSE {year} END AS TEXT)"


def _column(name: str):
    return lambda vendor, row, in_trigger: f"CAST({row}.{name} AS TEXT)"


def _figure_outlet(vendor: str, row: str, in_trigger: bool) -> str:
    # FOR SHARE in PostgreSQL's trigger: an article changing outlet meanwhile waits for this write, or
    # this write for it, so the figure counts under the outlet the article ends with.
    lock = " FOR SHARE" if in_trigger and vendor == "postgresql" else ""
    return f"(SELECT CAST(a.outlet_id AS TEXT) FROM articles_article a WHERE a.id = {row}.article_id{lock})"


TALLIES = {
    # (the list's model, the facet's name) -> how it is kept
    (models.Article, "outlet"): Tally(
        "articles:outlet", "articles_article", _column("outlet_id"), ("outlet_id",), models.Outlet
    ),
    (models.Article, "year"): Tally("articles:year", "articles_article", _year, ("published", "published_precision")),
    (models.Figure, "metric"): Tally("figures:metric", "articles_figure", _column("metric"), ("metric",)),
    (models.Figure, "unit"): Tally("figures:unit", "articles_figure", _column("unit"), ("unit",)),
    (models.Figure, "qualifier"): Tally("figures:qualifier", "articles_figure", _column("qualifier"), ("qualifier",)),
    (models.Figure, "outlet"): Tally(
        "figures:outlet", "articles_figure", _figure_outlet, ("article_id",), models.Outlet
    ),
}  # fmt: skip


@dataclass(frozen=True)
class DistinctTally:
    """Counts of distinct `record` column values per `value` column of `table`."""

    name: str
    table: str
    record: str
    value: str
    related: type | None = None

    @property
    def trigger(self) -> str:
        return f"{self.table}_{self.name.replace(':', '_')}"


DISTINCT = {
    (models.Article, "person"): DistinctTally(
        "articles:person", "articles_personmention", "article_id", "person_id", models.Person
    ),
    (models.Article, "event"): DistinctTally(
        "articles:event", "articles_eventmention", "article_id", "event_id", models.Event
    ),
    (models.Person, "role"): DistinctTally("people:role", "articles_personmention", "person_id", "role"),
}  # fmt: skip
PAIRS = "articles_facetpair"


@dataclass(frozen=True)
class ThroughTally(DistinctTally):
    """Counts of distinct `record`s of `table` per `value` of the row that `via` points to in
    `via_table`: people per outlet, through each mention's article. Both engines keep a reference
    count per (record, value) in articles_facetpair, since a change of the article's value moves a
    pair for every record it mentions, and a mention's value is read from its article."""

    via: str = ""
    via_table: str = ""

    @property
    def moved_trigger(self) -> str:
        return f"{self.via_table}_{self.name.replace(':', '_')}"

    def value_of(self, row: str) -> str:
        return f"(SELECT CAST(v.{self.value} AS TEXT) FROM {self.via_table} v WHERE v.id = {row}.{self.via})"


THROUGH = {
    (models.Person, "outlet"): ThroughTally(
        "people:outlet", "articles_personmention", "person_id", "outlet_id", models.Outlet,
        via="article_id", via_table="articles_article",
    ),
}  # fmt: skip


def _postgres_trigger(function: str, table: str, body: str, declare: str = "", events: str = "") -> list[str]:
    """A plpgsql row trigger run after each write of `table` (or after `events`), replaced whole."""
    events = events or "INSERT OR UPDATE OR DELETE"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"{'DECLARE ' + declare + ' ' if declare else ''}BEGIN {body}RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {function} ON {table}",
        f"CREATE TRIGGER {function} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _sqlite_through_triggers(t: ThroughTally) -> list[str]:
    pair = f"facet = '{t.name}'"

    def added(row: str) -> str:
        # The pair's first row in counts the value once; a mention whose article has no value counts nowhere.
        value = t.value_of(row)
        return (
            f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', x.v, 1 FROM (SELECT {value} AS v) x "
            f"WHERE x.v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {PAIRS} p WHERE p.{pair} "
            f"AND p.record = {row}.{t.record} AND p.value = x.v AND p.n > 0); "
            f"INSERT INTO {PAIRS} (facet, record, value, n) SELECT '{t.name}', {row}.{t.record}, x.v, 1 "
            f"FROM (SELECT {value} AS v) x WHERE x.v IS NOT NULL "
            f"ON CONFLICT (facet, record, value) DO UPDATE SET n = n + 1"
        )

    def removed(row: str) -> str:
        # The pair held at least this row, so reaching 0 now is its last row out.
        where = f"{pair} AND record = {row}.{t.record} AND value = {t.value_of(row)}"
        return (
            f"UPDATE {PAIRS} SET n = n - 1 WHERE {where}; "
            f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', value, -1 FROM {PAIRS} "
            f"WHERE {where} AND n = 0"
        )

    rows = f"SELECT {t.record} FROM {t.table} WHERE {t.via} = new.id"
    old_value, new_value = f"CAST(old.{t.value} AS TEXT)", f"CAST(new.{t.value} AS TEXT)"
    moved = [
        # Every pair of the row's records leaves the old value by as many rows as the row had...
        f"UPDATE {PAIRS} SET n = n - (SELECT count(*) FROM {t.table} m WHERE m.{t.via} = new.id "
        f"AND m.{t.record} = {PAIRS}.record) WHERE {pair} AND value = {old_value} AND record IN ({rows})",
        f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', {old_value}, -count(*) FROM {PAIRS} "
        f"WHERE {pair} AND value = {old_value} AND n = 0 AND record IN ({rows}) HAVING count(*) > 0",
        # ...and joins the new one, counted where the pair had no rows before.
        f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', {new_value}, count(DISTINCT m.{t.record}) "
        f"FROM {t.table} m WHERE m.{t.via} = new.id AND new.{t.value} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {PAIRS} p WHERE p.{pair} AND p.record = m.{t.record} AND p.value = {new_value} "
        f"AND p.n > 0) HAVING count(*) > 0",
        f"INSERT INTO {PAIRS} (facet, record, value, n) SELECT '{t.name}', {t.record}, {new_value}, count(*) "
        f"FROM {t.table} WHERE {t.via} = new.id AND new.{t.value} IS NOT NULL GROUP BY {t.record} "
        f"ON CONFLICT (facet, record, value) DO UPDATE SET n = n + excluded.n",
    ]
    changed = f"old.{t.record} IS NOT new.{t.record} OR old.{t.via} IS NOT new.{t.via}"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {t.trigger}_ai AFTER INSERT ON {t.table} BEGIN {added('new')}; END",
        f"CREATE TRIGGER IF NOT EXISTS {t.trigger}_ad AFTER DELETE ON {t.table} BEGIN {removed('old')}; END",
        f"CREATE TRIGGER IF NOT EXISTS {t.trigger}_au AFTER UPDATE OF {t.record}, {t.via} ON {t.table} "
        f"WHEN {changed} BEGIN {removed('old')}; {added('new')}; END",
        f"CREATE TRIGGER IF NOT EXISTS {t.moved_trigger}_au AFTER UPDATE OF {t.value} ON {t.via_table} "
        f"WHEN old.{t.value} IS NOT new.{t.value} BEGIN {'; '.join(moved)}; END",
    ]


def _postgres_through_triggers(t: ThroughTally) -> list[str]:
    pair = f"facet = '{t.name}'"
    changed = f"OLD.{t.record} IS DISTINCT FROM NEW.{t.record} OR OLD.{t.via} IS DISTINCT FROM NEW.{t.via}"
    # FOR SHARE: an article changing its value meanwhile waits for this write, or this write for it,
    # so the row is counted under the value the article ends with.
    value_of = f"SELECT v.{t.value}::text INTO val FROM {t.via_table} v WHERE v.id = %s.{t.via} FOR SHARE; "
    body = (
        f"IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({changed})) THEN {value_of % 'OLD'}"
        f"IF val IS NOT NULL THEN UPDATE {PAIRS} SET n = {PAIRS}.n - 1 WHERE {pair} AND record = OLD.{t.record} "
        f"AND value = val RETURNING {PAIRS}.n INTO left_over; "
        f"IF left_over = 0 THEN INSERT INTO {TABLE} (facet, value, delta) VALUES ('{t.name}', val, -1); END IF; "
        f"END IF; END IF; "
        f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND ({changed})) THEN {value_of % 'NEW'}"
        f"IF val IS NOT NULL THEN INSERT INTO {PAIRS} (facet, record, value, n) "
        f"VALUES ('{t.name}', NEW.{t.record}, val, 1) "
        f"ON CONFLICT (facet, record, value) DO UPDATE SET n = {PAIRS}.n + 1 RETURNING {PAIRS}.n INTO held; "
        f"IF held = 1 THEN INSERT INTO {TABLE} (facet, value, delta) VALUES ('{t.name}', val, 1); END IF; "
        f"END IF; END IF; "
    )
    moved = f"SELECT {t.record} AS record, count(*) AS c FROM {t.table} WHERE {t.via} = NEW.id GROUP BY {t.record}"
    moved_body = (
        f"IF OLD.{t.value} IS DISTINCT FROM NEW.{t.value} THEN "
        f"WITH moved AS ({moved}), dropped AS (UPDATE {PAIRS} p SET n = p.n - moved.c FROM moved "
        f"WHERE p.{pair} AND p.record = moved.record AND p.value = OLD.{t.value}::text RETURNING p.n) "
        f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', OLD.{t.value}::text, -count(*) FROM dropped "
        f"WHERE n = 0 HAVING count(*) > 0; "
        f"IF NEW.{t.value} IS NOT NULL THEN "
        f"WITH moved AS ({moved}), held AS (INSERT INTO {PAIRS} (facet, record, value, n) "
        f"SELECT '{t.name}', record, NEW.{t.value}::text, c FROM moved ON CONFLICT (facet, record, value) "
        f"DO UPDATE SET n = {PAIRS}.n + EXCLUDED.n RETURNING {PAIRS}.record, {PAIRS}.n) "
        f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', NEW.{t.value}::text, count(*) FROM held "
        f"JOIN moved ON moved.record = held.record WHERE held.n = moved.c HAVING count(*) > 0; END IF; END IF; "
    )
    return [
        *_postgres_trigger(t.trigger, t.table, body, declare="val text; left_over bigint; held bigint;"),
        *_postgres_trigger(t.moved_trigger, t.via_table, moved_body, events=f"UPDATE OF {t.value}"),
    ]


def _sqlite_distinct_triggers(tally: DistinctTally) -> list[str]:
    table, record, value = tally.table, tally.record, tally.value

    def delta(row: str, sign: int, other: str) -> str:
        # The pair's first row in (or its last out): no other row of the table holds it.
        return (
            f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{tally.name}', CAST({row}.{value} AS TEXT), {sign} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} m WHERE m.{record} = {row}.{record} "
            f"AND m.{value} = {row}.{value}{other})"
        )

    prefix = tally.trigger
    changed = f"old.{record} IS NOT new.{record} OR old.{value} IS NOT new.{value}"
    added, removed = delta("new", 1, " AND m.id <> new.id"), delta("old", -1, "")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_ai AFTER INSERT ON {table} BEGIN {added}; END",
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_ad AFTER DELETE ON {table} BEGIN {removed}; END",
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_au AFTER UPDATE OF {record}, {value} ON {table} WHEN {changed} "
        f"BEGIN {removed}; {added}; END",
    ]


def _postgres_distinct_triggers(tally: DistinctTally) -> list[str]:
    table, record, value = tally.table, tally.record, tally.value
    function = tally.trigger
    changed = f"OLD.{record} IS DISTINCT FROM NEW.{record} OR OLD.{value} IS DISTINCT FROM NEW.{value}"
    body = (
        f"IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({changed})) THEN "
        f"UPDATE {PAIRS} SET n = {PAIRS}.n - 1 WHERE facet = '{tally.name}' AND record = OLD.{record} "
        f"AND value = OLD.{value}::text RETURNING {PAIRS}.n INTO left_over; "
        f"IF left_over = 0 THEN INSERT INTO {TABLE} (facet, value, delta) "
        f"VALUES ('{tally.name}', OLD.{value}::text, -1); END IF; END IF; "
        f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND ({changed})) THEN "
        f"INSERT INTO {PAIRS} (facet, record, value, n) VALUES ('{tally.name}', NEW.{record}, NEW.{value}::text, 1) "
        f"ON CONFLICT (facet, record, value) DO UPDATE SET n = {PAIRS}.n + 1 RETURNING {PAIRS}.n INTO held; "
        f"IF held = 1 THEN INSERT INTO {TABLE} (facet, value, delta) "
        f"VALUES ('{tally.name}', NEW.{value}::text, 1); END IF; END IF; "
    )
    return _postgres_trigger(function, table, body, declare="left_over bigint; held bigint;")


def _rows(vendor: str, table: str, row: str, sign: int) -> list[str]:
    tallies = [tally for tally in TALLIES.values() if tally.table == table]
    return [f"('{tally.name}', {tally.key(vendor, row, True)}, {sign})" for tally in tallies]


def _moved_figures() -> list[str]:
    # An article moving to another outlet moves its figures' counts under figures:outlet.
    return [
        f"INSERT INTO {TABLE} (facet, value, delta) SELECT 'figures:outlet', CAST({row}.outlet_id AS TEXT), "
        f"{sign} * count(*) FROM articles_figure f WHERE f.article_id = {row}.id"
        for row, sign in (("old", -1), ("new", 1))
    ]


INSERT = f"INSERT INTO {TABLE} (facet, value, delta) VALUES "


def _counted_tables() -> list[tuple[str, list[str]]]:
    """Each table with kept counts, and the columns whose change moves them."""
    tables = sorted({tally.table for tally in TALLIES.values()})
    return [
        (table, sorted({column for tally in TALLIES.values() if tally.table == table for column in tally.watched}))
        for table in tables
    ]


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, watched in _counted_tables():
        added, removed = _rows("sqlite", table, "new", 1), _rows("sqlite", table, "old", -1)
        on_update = [INSERT + ", ".join(removed + added)]
        if table == "articles_article":
            on_update += _moved_figures()
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_tally_ai AFTER INSERT ON {table} "
            f"BEGIN {INSERT}{', '.join(added)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_tally_ad AFTER DELETE ON {table} "
            f"BEGIN {INSERT}{', '.join(removed)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_tally_au AFTER UPDATE OF {', '.join(watched)} ON {table} "
            f"WHEN {' OR '.join(f'old.{column} IS NOT new.{column}' for column in watched)} "
            f"BEGIN {'; '.join(on_update)}; END",
        ]  # fmt: skip
    return statements


def _postgres_triggers() -> list[str]:
    statements = []
    for table, watched in _counted_tables():
        added, removed = _rows("postgresql", table, "NEW", 1), _rows("postgresql", table, "OLD", -1)
        moved = "; ".join(_moved_figures())  # plpgsql reads old/new as OLD/NEW
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in watched)
        body = (
            f"IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR {changed}) THEN {INSERT}{', '.join(removed)}; "
            f"END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR {changed}) THEN {INSERT}{', '.join(added)}; "
            f"END IF; "
        )
        if table == "articles_article":
            body += f"IF TG_OP = 'UPDATE' AND OLD.outlet_id IS DISTINCT FROM NEW.outlet_id THEN {moved}; END IF; "
        statements += _postgres_trigger(f"{table}_tally", table, body)
    return statements


def _trigger_names(vendor: str, distinct: bool = True) -> list[tuple[str, str]]:
    """(trigger, table) of every tally trigger."""
    tables = sorted({tally.table for tally in TALLIES.values()})
    distinct_prefixes = [(tally.trigger, tally.table) for tally in DISTINCT.values()] if distinct else []
    through = _through_trigger_names(vendor) if distinct else []
    if vendor == "postgresql":
        return [(f"{table}_tally", table) for table in tables] + distinct_prefixes + through
    suffixes = ("ai", "ad", "au")
    return (
        [(f"{table}_tally_{suffix}", table) for table in tables for suffix in suffixes]
        + [(f"{prefix}_{suffix}", table) for prefix, table in distinct_prefixes for suffix in suffixes]
        + through
    )


def _through_trigger_names(vendor: str) -> list[tuple[str, str]]:
    names = []
    for t in THROUGH.values():
        if vendor == "postgresql":
            names += [(t.trigger, t.table), (t.moved_trigger, t.via_table)]
        else:
            names += [(f"{t.trigger}_{suffix}", t.table) for suffix in ("ai", "ad", "au")]
            names.append((f"{t.moved_trigger}_au", t.via_table))
    return names


def install(connection, distinct: bool = True, count: bool = True) -> None:
    """Create the triggers and count what is there now (inside a migration, or after a bulk load).
    `distinct`: the distinct counts too (not before migration 0011 made their table). `count=False`:
    the caller has just called `rebuild` itself, and nothing has written since."""
    vendor = connection.vendor
    statements = _postgres_triggers() if vendor == "postgresql" else _sqlite_triggers()
    if distinct:
        build = _postgres_distinct_triggers if vendor == "postgresql" else _sqlite_distinct_triggers
        statements += [sql for tally in DISTINCT.values() for sql in build(tally)]
        build_through = _postgres_through_triggers if vendor == "postgresql" else _sqlite_through_triggers
        statements += [sql for tally in THROUGH.values() for sql in build_through(tally)]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    if count:
        rebuild(connection, distinct)


def _drop(connection, names: list[tuple[str, str]], functions: bool) -> None:
    """Drop the (trigger, table) `names`; on PostgreSQL their functions too when `functions`."""
    with connection.cursor() as cursor:
        for trigger, table in names:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                if functions:
                    cursor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def drop_triggers(connection) -> None:
    """For a bulk load, which then calls `install` once to count everything in one pass."""
    _drop(connection, _trigger_names(connection.vendor), functions=False)


def uninstall(connection, distinct: bool = True) -> None:
    _drop(connection, _trigger_names(connection.vendor, distinct), functions=True)


def uninstall_through(connection) -> None:
    """Back to before the counts through a relation (migration 0012): their triggers and rows go."""
    _drop(connection, _through_trigger_names(connection.vendor), functions=True)
    with connection.cursor() as cursor:
        for t in THROUGH.values():
            cursor.execute(f"DELETE FROM {TABLE} WHERE facet = %s", [t.name])
            cursor.execute(f"DELETE FROM {PAIRS} WHERE facet = %s", [t.name])


def restore_sqlite_triggers(connection) -> None:
    """Put back triggers that a table rebuild dropped (see ArticlesConfig.ready); a lost one would
    leave the counts behind the table. Recounts only when one was missing."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    if {trigger for trigger, _ in _trigger_names("sqlite")} <= present:
        return
    install(connection)


def recount_after_flush(connection) -> None:
    """After `flush`: SQLite empties each table with DELETE, row by row, through the triggers, and
    the counts table may be emptied before the mentions, which then leave their -1s behind."""
    tables = set(connection.introspection.table_names())
    if TABLE in tables:
        rebuild(connection, distinct=PAIRS in tables)


def rebuild(connection, distinct: bool = True) -> None:
    """Count every tallied facet afresh: one row per value."""
    vendor = connection.vendor
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        if distinct:
            cursor.execute(f"DELETE FROM {PAIRS}")
            for t in THROUGH.values():
                rows = f"FROM {t.table} m JOIN {t.via_table} v ON v.id = m.{t.via} WHERE v.{t.value} IS NOT NULL"
                cursor.execute(
                    f"INSERT INTO {PAIRS} (facet, record, value, n) SELECT '{t.name}', m.{t.record}, "
                    f"CAST(v.{t.value} AS TEXT), count(*) {rows} GROUP BY m.{t.record}, v.{t.value}"
                )
                cursor.execute(
                    f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{t.name}', CAST(v.{t.value} AS TEXT), "
                    f"count(DISTINCT m.{t.record}) {rows} GROUP BY v.{t.value}"
                )
            for tally in DISTINCT.values():
                if vendor == "postgresql":
                    cursor.execute(
                        f"INSERT INTO {PAIRS} (facet, record, value, n) SELECT '{tally.name}', {tally.record}, "
                        f"CAST({tally.value} AS TEXT), count(*) FROM {tally.table} "
                        f"GROUP BY {tally.record}, {tally.value}"
                    )
                cursor.execute(
                    f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{tally.name}', CAST({tally.value} AS TEXT), "
                    f"count(DISTINCT {tally.record}) FROM {tally.table} GROUP BY {tally.value}"
                )
        for tally in TALLIES.values():
            # No parameters: the year's strftime('%Y') would read as one.
            cursor.execute(
                f"INSERT INTO {TABLE} (facet, value, delta) SELECT '{tally.name}', k, count(*) "
                f"FROM (SELECT {tally.key(vendor, 'r', False)} AS k FROM {tally.table} r) counted GROUP BY k"
            )


def compact(connection, name: str) -> None:
    """Fold the facet's appended rows into one per value."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {TABLE} WHERE facet = %s", [name])
        (last,) = cursor.fetchone()
        if last is None:
            return
        # Rows up to `last` only: a concurrent writer's later rows stay as they are.
        cursor.execute(
            f"INSERT INTO {TABLE} (facet, value, delta) SELECT facet, value, sum(delta) FROM {TABLE} "
            "WHERE facet = %s AND id <= %s GROUP BY facet, value HAVING sum(delta) <> 0",
            [name, last],
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE facet = %s AND id <= %s", [name, last])


def tally_for(model, facet_name: str) -> Tally | DistinctTally | None:
    key = (model, facet_name)
    return TALLIES.get(key) or DISTINCT.get(key) or THROUGH.get(key)


def buckets(tally: Tally, facet, limit: int, using: str) -> tuple[list[dict], bool]:
    """(buckets, truncated) of the unfiltered facet from its kept counts, in the order
    facet_counts.Facet.buckets gives (by count then value; by value for years)."""
    connection = connections[using]
    # `appended`: the rows behind the counts beyond one per value, so that a read knows when to
    # compact; in the same query.
    sums = (
        f"SELECT value, sum(delta) AS n, sum(count(*)) OVER () - count(*) OVER () AS appended FROM {TABLE} "
        "WHERE facet = %s GROUP BY value HAVING sum(delta) > 0"
    )
    if tally.related is not None:
        related = tally.related._meta.db_table
        query = (
            f"SELECT o.slug, o.name, t.n, t.appended FROM ({sums}) t "
            f"LEFT JOIN {related} o ON o.id = CAST(t.value AS BIGINT) ORDER BY t.n DESC, o.slug ASC NULLS LAST"
        )
    elif facet.by_value:
        year = "CAST(t.value AS INTEGER)"
        query = f"SELECT {year}, NULL, t.n, t.appended FROM ({sums}) t ORDER BY {year} ASC NULLS LAST"
    else:
        query = f"SELECT t.value, NULL, t.n, t.appended FROM ({sums}) t ORDER BY t.n DESC, t.value ASC NULLS LAST"
    with connection.cursor() as cursor:
        cursor.execute(f"{query} LIMIT %s", [tally.name, limit + 1])
        rows = cursor.fetchall()
    if rows and rows[0][3] > COMPACT_AT:
        # On the primary: a read may have come from a replica (corpus_api.read_replicas).
        primary = connections[router.db_for_write(models.FacetDelta)]
        if not primary.in_atomic_block:
            compact(primary, tally.name)
    found = [{"facet_value": value, "facet_label": label, "facet_count": count} for value, label, count, _ in rows]
    return [facet.bucket(row) for row in found[:limit]], len(found) > limit
