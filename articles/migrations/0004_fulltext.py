"""Full-text search: FTS5 on SQLite, a stored tsvector with a GIN index and
unaccent on PostgreSQL (see articles.fulltext), over each searchable table's
`search_text`, refolded first with the current folding rule."""

import django.db.models.deletion
from django.db import migrations, models

import articles.fulltext
from articles import fulltext, text

# A snapshot of what each model's search_document() folds, as of this migration.
SEARCH_PARTS = {
    "outlet": ["name", "slug", "description"],
    "article": ["title", "summary", "body"],
    "person": ["name", "aliases"],
    "event": ["name", "description", "location"],
    "figure": ["label", "quote", "metric", "unit"],
}
TABLES = [f"articles_{model}" for model in SEARCH_PARTS]


def create_unaccent(apps, schema_editor):
    # Left in place on the way back: other schemas of the database may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def refold(apps, schema_editor):
    for name, parts in SEARCH_PARTS.items():
        model = apps.get_model("articles", name)
        batch = []
        for record in model.objects.using(schema_editor.connection.alias).only("pk", *parts).iterator(chunk_size=2000):
            record.search_text = text.search_document(*(getattr(record, part) for part in parts))
            batch.append(record)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, ["search_text"])
                batch = []
        model.objects.bulk_update(batch, ["search_text"])


def install(apps, schema_editor):
    fulltext.install(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    fulltext.uninstall(schema_editor, TABLES)


def index_model(name, model):
    return migrations.CreateModel(
        name=name,
        fields=[
            ("search_text", articles.fulltext.FTS5Column()),
            ("rank", models.FloatField()),
            (
                "record",
                models.OneToOneField(
                    db_column="rowid",
                    db_constraint=False,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    primary_key=True,
                    related_name="fulltext",
                    serialize=False,
                    to=f"articles.{model}",
                ),
            ),
        ],
        options={"db_table": f"articles_{model}_fts", "abstract": False, "managed": False},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_person_former_slug"),
    ]

    operations = [
        migrations.RunPython(create_unaccent, migrations.RunPython.noop),
        migrations.RunPython(refold, migrations.RunPython.noop),
        index_model("ArticleFullText", "article"),
        index_model("EventFullText", "event"),
        index_model("FigureFullText", "figure"),
        index_model("OutletFullText", "outlet"),
        index_model("PersonFullText", "person"),
        migrations.RunPython(install, uninstall),
    ]
