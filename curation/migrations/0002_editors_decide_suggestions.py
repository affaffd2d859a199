from django.contrib.auth.management import create_permissions
from django.db import migrations

# A snapshot of articles.permissions as of this migration: editors see, run and decide suggestions.
EDITORS_GROUP = "editors"
CODENAMES = [f"{action}_suggestion" for action in ["add", "change", "delete", "view"]]


def let_editors_decide(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="curation", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_suggestions"),
        ("articles", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(let_editors_decide, migrations.RunPython.noop)]
