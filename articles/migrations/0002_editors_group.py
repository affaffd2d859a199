from django.contrib.auth.management import create_permissions
from django.db import migrations

# A snapshot of articles.permissions as of this migration: a migration must
# not change meaning when the module does.
EDITORS_GROUP = "editors"
CODENAMES = [
    f"{action}_{model}"
    for model in ["outlet", "article", "person", "event", "figure", "personmention", "eventmention"]
    for action in ["add", "change", "delete", "view"]
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they
    # exist now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=CODENAMES)
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
