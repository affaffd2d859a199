"""The full-text indexes over each searchable table's folded `search_text`.

SQLite: an FTS5 external-content table `<table>_fts` (its rowid is the
record's id), kept in sync by triggers. PostgreSQL: a stored, generated
`search_vector` tsvector column with a GIN index, through the text search
configuration `corpus_search` (the simple parser, then unaccent).

Both index text that articles.text.fold has already turned into ASCII words,
so they tokenise it alike: no stemming, no stop words, every word kept.
`unicode61 remove_diacritics 2` and unaccent stay in as a second line of
folding; on folded text they have nothing to do.
"""

from django.db import models
from django.db.models import Lookup

CONFIG = "corpus_search"
VECTOR_COLUMN = "search_vector"


def fts_table(table: str) -> str:
    return f"{table}_fts"


def vocab_table(table: str) -> str:
    """SQLite: the FTS5 index's own list of words (fts5vocab), which articles.search reads to
    turn a word start into the words it stands for."""
    return f"{table}_fts_vocab"


# Table names below are the models' own, never user input.


def _sqlite_triggers(table: str) -> list[str]:
    fts = fts_table(table)
    delete = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"  # noqa: S608
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"  # noqa: S608
    return [
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF id, search_text ON {table} BEGIN {delete} {insert} END",
    ]


def _sqlite_install(table: str) -> list[str]:
    fts = fts_table(table)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        *_sqlite_triggers(table),
        *_sqlite_rebuild(table),
        _sqlite_vocab(table),
    ]


def _sqlite_vocab(table: str) -> str:
    return f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab_table(table)} USING fts5vocab('{fts_table(table)}', 'row')"


def _sqlite_rebuild(table: str) -> list[str]:
    fts = fts_table(table)
    # Indexed whole with merging off and a 64 MB token buffer (FTS5's default is 1 MB), so the index
    # comes out in few segments (100 k articles: 2, against 10) and FTS5's own crisis merges bound
    # the rest. No 'optimize' after it: merging into one segment took 1.1 s at 100 k but ran past
    # 25 minutes at 1 M, and a query over 2 segments or 10 took the same time as over one.
    # Merging as it went grew faster than the index (100 k articles: 18.1 s, against 11.6 s).
    command = f"INSERT INTO {fts}({fts}"
    return [
        f"{command}, rank) VALUES ('automerge', 0)",
        f"{command}, rank) VALUES ('hashsize', {64 * 2**20})",
        f"{command}) VALUES ('rebuild')",
        # FTS5's defaults again, for the writes that follow.
        f"{command}, rank) VALUES ('hashsize', {2**20})",
        f"{command}, rank) VALUES ('automerge', 4)",
    ]


def _sqlite_uninstall(table: str) -> list[str]:
    fts = fts_table(table)
    return [
        *(f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {vocab_table(table)}",
        f"DROP TABLE IF EXISTS {fts}",
    ]


def _postgres_install(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig, search_text)) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_{VECTOR_COLUMN} ON {table} USING gin ({VECTOR_COLUMN})",
    ]


def _postgres_uninstall(table: str) -> list[str]:
    return [f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR_COLUMN}"]


POSTGRES_CONFIG = [
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart "
    "WITH unaccent, simple",
]


def install(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for table in tables for sql in _sqlite_install(table)]
    elif vendor == "postgresql":
        statements = [*POSTGRES_CONFIG, *(sql for table in tables for sql in _postgres_install(table))]
    else:
        raise NotImplementedError(f"No full-text index for {vendor}; the Corpus API runs on SQLite or PostgreSQL.")
    for sql in statements:
        schema_editor.execute(sql)


def install_sqlite_vocab(schema_editor, tables: list[str]) -> None:
    """The word lists of FTS tables made before migration 0013."""
    if schema_editor.connection.vendor == "sqlite":
        for table in tables:
            schema_editor.execute(_sqlite_vocab(table))


def uninstall_sqlite_vocab(schema_editor, tables: list[str]) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for table in tables:
            schema_editor.execute(f"DROP TABLE IF EXISTS {vocab_table(table)}")


def uninstall(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for table in tables for sql in _sqlite_uninstall(table)]
    elif vendor == "postgresql":
        statements = [
            *(sql for table in tables for sql in _postgres_uninstall(table)),
            f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
        ]
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def restore_sqlite_triggers(connection, tables: list[str]) -> list[str]:
    """Re-create the triggers of any FTS table that lost them, and reindex it.

    Django alters a SQLite table by rebuilding it under a new name, which
    drops its triggers; without them the index would silently go stale. Runs
    after every migrate (see ArticlesConfig.ready). Returns the tables fixed.
    """
    if connection.vendor != "sqlite":
        return []
    fixed = []
    with connection.cursor() as cursor:
        for table in tables:
            fts = fts_table(table)
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND tbl_name = %s)",
                [fts, table],
            )
            found = {name for _, name in cursor.fetchall()}
            if fts not in found or {f"{fts}_ai", f"{fts}_ad", f"{fts}_au"} <= found:
                continue
            for sql in [*_sqlite_triggers(table), *_sqlite_rebuild(table)]:
                cursor.execute(sql)
            fixed.append(table)
    return fixed


class FTS5Column(models.TextField):
    """The indexed column of an FTS5 table; `column__match` is FTS5's MATCH."""


@FTS5Column.register_lookup
class Match(Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FullTextRow(models.Model):
    """SQLite only: a row of a table's FTS5 index, joined to its record so a
    search ranks in one pass (a correlated bm25() per row would rescan the
    index for every row). `rank` is FTS5's bm25 score, lower is better."""

    search_text = FTS5Column()
    rank = models.FloatField()

    class Meta:
        abstract = True
        managed = False


def index_of(model, **meta):
    """The unmanaged model of `model`'s FTS5 table, reached as `record.fulltext`."""
    table = model._meta.db_table
    attrs = {
        "__module__": model.__module__,
        "__doc__": f"The FTS5 index row of {model._meta.verbose_name}.",
        "record": models.OneToOneField(
            model,
            primary_key=True,
            db_column="rowid",
            db_constraint=False,
            on_delete=models.DO_NOTHING,
            related_name="fulltext",
        ),
        "Meta": type("Meta", (FullTextRow.Meta,), {"db_table": fts_table(table), "managed": False, **meta}),
    }
    return type(f"{model.__name__}FullText", (FullTextRow,), attrs)
