from django.db import migrations

from articles import facet_tallies


def install(apps, schema_editor):
    # Creates the people-per-outlet triggers beside the others, replaces PostgreSQL's figure trigger (it
    # now reads the article's outlet FOR SHARE), and counts everything once more.
    facet_tallies.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    facet_tallies.uninstall_through(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_facet_pairs"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
