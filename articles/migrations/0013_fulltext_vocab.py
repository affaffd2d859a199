"""SQLite: each FTS5 index gets its word list (fts5vocab), through which a word start
becomes the words it stands for (see articles.search)."""

from django.db import migrations

from articles import fulltext

TABLES = [f"articles_{model}" for model in ("outlet", "article", "person", "event", "figure")]


def install(apps, schema_editor):
    fulltext.install_sqlite_vocab(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    fulltext.uninstall_sqlite_vocab(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_people_per_outlet_tally"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
