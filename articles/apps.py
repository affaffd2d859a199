from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def restore_fulltext_triggers(sender, using="default", **kwargs):
    from . import fulltext
    from .models import SEARCHABLE

    fulltext.restore_sqlite_triggers(connections[using], [model._meta.db_table for model in SEARCHABLE])


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        post_migrate.connect(restore_fulltext_triggers, sender=self)
