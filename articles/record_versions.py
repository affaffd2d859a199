"""Record versions: a detail's ETag read in one query, without rendering the detail.

**The clock.** Every row of the versioned tables (articles.models.Versioned) carries `version`,
which the database sets on every insert and update, whoever writes: the API, the admin, a
`QuerySet.update()`, a merge, raw SQL. The value comes from one clock for all tables (a sequence on
PostgreSQL, a one-row table on SQLite), so a value is never handed out twice, not after a delete
and not across tables. Event participation has no row of its own worth versioning: adding or
removing a participant sets a new version on both the event and the person.

**The signature.** A detail shows its record, the records it names (an article's outlet, a
mention's person) and the sets it lists (an article's mentions and figures, a person's mentions).
Its signature is, in one query: the record's own version, the version of each record it names, and
for each set it lists the count of rows with the sum and maximum of their versions and of the
versions of the records each row names.

**Why a change always shows.** An insert or update gives its row a version no row ever had, so the
sum of the set's versions moves. A delete alone lowers the count. Where a write both adds and
removes rows, the count may stay, but on SQLite (one writer at a time) every new version is above
every old one, so the sum rises; on PostgreSQL a sequence value is taken before its transaction
commits, so two concurrent writers can commit out of order, and the maximum and sum together
still move unless exactly cancelling rows are added and deleted at once.

**Read before the detail.** The view reads the signature before it reads the record, so a write
landing between the two leaves an older ETag on newer data (a needless 200 later), never the
other way round (a stale 304).
"""

import functools
import hashlib
from dataclasses import dataclass

import orjson
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils.http import quote_etag

from . import models

CLOCK_SEQUENCE = "corpus_record_version"  # PostgreSQL
CLOCK_TABLE = "corpus_record_clock"  # SQLite
# Bump when a representation changes shape with no data changing (a new field in a detail), so
# ETags issued by the old code stop matching.
REPRESENTATION = 1
# Starts the signature query, so a query log tells it from the detail's own reads.
SIGNATURE_MARK = "/* record version */"


# The database side: the clock and the triggers. Table names are the models' own, never user input.


def _sqlite_bump(table: str, key: str) -> str:
    return (
        f"UPDATE {CLOCK_TABLE} SET value = value + 1 WHERE id = 1; "  # noqa: S608
        f"UPDATE {table} SET version = (SELECT value FROM {CLOCK_TABLE} WHERE id = 1) WHERE id = {key};"
    )


def _sqlite_triggers(tables: list[str], participation: tuple[str, str, str, str, str]) -> list[str]:
    # After the write, the row takes the clock's next value. SQLite does not let a trigger fire
    # itself (recursive_triggers is off), so the trigger's own UPDATE ends there.
    statements = []
    for table in tables:
        bump = _sqlite_bump(table, "new.id")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_version_ai AFTER INSERT ON {table} BEGIN {bump} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_version_au AFTER UPDATE ON {table} BEGIN {bump} END",
        ]
    through, event_table, event_column, person_table, person_column = participation
    for suffix, when, row in (("ai", "INSERT", "new"), ("ad", "DELETE", "old")):
        # Each UPDATE fires the event's and the person's own trigger, which sets the version.
        touch = (
            f"UPDATE {event_table} SET version = version WHERE id = {row}.{event_column}; "  # noqa: S608
            f"UPDATE {person_table} SET version = version WHERE id = {row}.{person_column};"
        )
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {through}_version_{suffix} AFTER {when} ON {through} BEGIN {touch} END"
        )
    return statements


def _sqlite_trigger_names(tables: list[str], through: str) -> list[str]:
    return [f"{table}_version_{suffix}" for table in tables for suffix in ("ai", "au")] + [
        f"{through}_version_{suffix}" for suffix in ("ai", "ad")
    ]


def _postgres_install(tables: list[str], participation: tuple[str, str, str, str, str]) -> list[str]:
    through, event_table, event_column, person_table, person_column = participation
    statements = [
        f"CREATE SEQUENCE IF NOT EXISTS {CLOCK_SEQUENCE}",
        "CREATE OR REPLACE FUNCTION corpus_record_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.version := nextval('{CLOCK_SEQUENCE}'); RETURN NEW; END $$",
        # The UPDATEs fire the event's and the person's own trigger, which sets the version.
        "CREATE OR REPLACE FUNCTION corpus_participation_version() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        "DECLARE r record; BEGIN "
        "IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF; "
        f"UPDATE {event_table} SET version = version WHERE id = r.{event_column}; "
        f"UPDATE {person_table} SET version = version WHERE id = r.{person_column}; "
        "RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {through}_version ON {through}",
        f"CREATE TRIGGER {through}_version AFTER INSERT OR DELETE ON {through} "
        "FOR EACH ROW EXECUTE FUNCTION corpus_participation_version()",
    ]
    for table in tables:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_version ON {table}",
            f"CREATE TRIGGER {table}_version BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION corpus_record_version()",
        ]
    return statements


def install(schema_editor, tables: list[str], participation: tuple[str, str, str, str, str]) -> None:
    """Create the clock and the triggers. `participation` is (table, event table, its column,
    person table, its column) of the event-participants table."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgres_install(tables, participation)
    elif vendor == "sqlite":
        statements = [
            f"CREATE TABLE IF NOT EXISTS {CLOCK_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            f"INSERT OR IGNORE INTO {CLOCK_TABLE} (id, value) VALUES (1, 0)",  # noqa: S608
            *_sqlite_triggers(tables, participation),
        ]
    else:
        raise NotImplementedError(f"No record versions for {vendor}; the Corpus API runs on SQLite or PostgreSQL.")
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(schema_editor, tables: list[str], participation: tuple[str, str, str, str, str]) -> None:
    vendor = schema_editor.connection.vendor
    through = participation[0]
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in [*tables, through]] + [
            "DROP FUNCTION IF EXISTS corpus_record_version()",
            "DROP FUNCTION IF EXISTS corpus_participation_version()",
            f"DROP SEQUENCE IF EXISTS {CLOCK_SEQUENCE}",
        ]
    elif vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_trigger_names(tables, through)]
        statements.append(f"DROP TABLE IF EXISTS {CLOCK_TABLE}")
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def current_tables() -> tuple[list[str], tuple[str, str, str, str, str]]:
    """The versioned tables and the participation table of the models as they are now."""
    versioned = [model._meta.db_table for model in VERSIONED]
    through = models.Event.participants.through._meta
    participation = (
        through.db_table,
        models.Event._meta.db_table,
        through.get_field("event").column,
        models.Person._meta.db_table,
        through.get_field("person").column,
    )
    return versioned, participation


def drop_sqlite_triggers(connection) -> None:
    """For a bulk load: rows then keep the column's default, 0, which no write ever gives."""
    tables, participation = current_tables()
    with connection.cursor() as cursor:
        for name in _sqlite_trigger_names(tables, participation[0]):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_sqlite_triggers(connection) -> bool:
    """Re-create any trigger SQLite lost: Django alters a SQLite table by rebuilding it under a new
    name, which drops its triggers, and a record without them would keep its version through a
    change (a stale 304). Runs after every migrate (see ArticlesConfig.ready) and after a bulk
    load. Returns whether the clock is in place (not before the migration that makes it)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [CLOCK_TABLE])
        if cursor.fetchone() is None:
            return False
        tables, participation = current_tables()
        for sql in _sqlite_triggers(tables, participation):
            cursor.execute(sql)
    return True


# The reading side: what each detail shows, and its signature in one query.


@dataclass(frozen=True)
class Listed:
    """A set of rows a detail lists: `model`'s rows whose `link` is the record, each naming `names`."""

    model: type
    link: str
    names: tuple[str, ...] = ()
    # Only the number of rows shows (an outlet's article_count), not the rows.
    count_only: bool = False


@dataclass(frozen=True)
class Shows:
    names: tuple[str, ...] = ()  # paths to the records the detail names, e.g. "article__outlet"
    sets: tuple[Listed, ...] = ()


SHOWS = {
    # outlet: its row and article_count.
    models.Outlet: Shows(sets=(Listed(models.Article, "outlet", count_only=True),)),
    # article: outlet, original, authors and mentions with their people, event mentions with their
    # events, figures, syndicated copies.
    models.Article: Shows(
        names=("outlet", "original"),
        sets=(
            Listed(models.PersonMention, "article", ("person",)),
            Listed(models.EventMention, "article", ("event",)),
            Listed(models.Figure, "article"),
            Listed(models.Article, "original"),
        ),
    ),
    # person: mentions with their articles (and article_count), the events taken part in.
    models.Person: Shows(sets=(Listed(models.PersonMention, "person", ("article",)),)),
    # event: participants, mentions with their articles (and article_count), figures.
    models.Event: Shows(
        sets=(Listed(models.EventMention, "event", ("article",)), Listed(models.Figure, "event")),
    ),
    models.Figure: Shows(names=("article", "article__outlet", "event", "person")),
    models.PersonMention: Shows(names=("article", "person")),
    models.EventMention: Shows(names=("article", "event")),
}
VERSIONED = list(SHOWS)


def _participation_sets():
    # The through model exists only once the app registry is ready, so these are added here.
    through = models.Event.participants.through
    return {
        models.Person: (Listed(through, "person", ("event",)),),
        models.Event: (Listed(through, "event", ("person",)),),
    }


def _join_path(model, path: str, base: str, joins: list[str], quote) -> str:
    """LEFT JOINs from `base` (an alias of `model`'s table) along `path`; returns the last alias."""
    alias = base
    for step in path.split("__"):
        field = model._meta.get_field(step)
        target = field.related_model
        next_alias = f"{alias}_{step}"
        join = (
            f"LEFT JOIN {quote(target._meta.db_table)} {next_alias} "
            f"ON {next_alias}.{quote(target._meta.pk.column)} = {alias}.{quote(field.column)}"
        )
        if join not in joins:  # "article" and "article__outlet" share the first join
            joins.append(join)
        model, alias = target, next_alias
    return alias


def _set_signature(listed: Listed, outer: str, index: int, quote) -> str:
    alias = f"s{index}"
    meta = listed.model._meta
    link = meta.get_field(listed.link)
    joins: list[str] = []
    parts = ["count(*)"]
    if not listed.count_only:
        columns = [f"{alias}.version"] if issubclass(listed.model, models.Versioned) else []
        for name in listed.names:
            columns.append(f"{_join_path(listed.model, name, alias, joins, quote)}.version")
        for column in columns:
            parts += [f"coalesce(sum({column}), 0)", f"coalesce(max({column}), 0)"]
    signature = " || ':' || ".join(parts)
    return (
        f"(SELECT {signature} FROM {quote(meta.db_table)} {alias} {' '.join(joins)} "  # noqa: S608
        f"WHERE {alias}.{quote(link.column)} = {outer}.{quote(link.target_field.column)})"
    )


@functools.cache
def _signature_sql(model, column: str, using: str) -> str:
    # Built once per model, column and database, not on every request (a 304 is little else).
    quote = connections[using].ops.quote_name
    shows = SHOWS[model]
    joins: list[str] = []
    selected = ["r.version"]
    for name in shows.names:
        selected.append(f"{_join_path(model, name, 'r', joins, quote)}.version")
    sets = shows.sets + _participation_sets().get(model, ())
    selected += [_set_signature(listed, "r", index, quote) for index, listed in enumerate(sets)]
    return (
        f"{SIGNATURE_MARK} SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} r {' '.join(joins)} "  # noqa: S608
        f"WHERE r.{quote(column)} = %s"
    )


def signature(model, lookup_field: str, value, using: str = "default") -> list | None:
    """The signature of `model`'s record whose `lookup_field` is `value`, or None if there is none."""
    connection = connections[using]
    field = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
    try:
        value = field.to_python(value)
    except ValidationError:
        return None
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return None
    column = field.column
    with connection.cursor() as cursor:
        cursor.execute(_signature_sql(model, column, using), [value])
        row = cursor.fetchone()
    return None if row is None else [str(part) for part in row]


def etag(model, record_signature: list, representation: list) -> str:
    """The ETag of a detail whose record has `record_signature`, answered as `representation`
    describes (media type, the parameters that shape it, the base of its links)."""
    payload = orjson.dumps([REPRESENTATION, model._meta.label, record_signature, representation])
    return quote_etag(hashlib.sha256(payload).hexdigest()[:32])
