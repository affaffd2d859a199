from django.apps import AppConfig
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate, pre_save


def restore_fulltext_triggers(sender, using="default", **kwargs):
    from . import fulltext
    from .models import SEARCHABLE

    fulltext.restore_sqlite_triggers(connections[using], [model._meta.db_table for model in SEARCHABLE])


def keep_version_and_count_triggers(sender, using="default", **kwargs):
    """The record-version and facet-count triggers a SQLite table rebuild dropped come back, and a
    flush's row-by-row deletes leave no counts behind."""
    from . import facet_tallies, record_versions

    record_versions.restore_sqlite_triggers(connections[using])
    facet_tallies.restore_sqlite_triggers(connections[using])
    if "plan" not in kwargs:  # the signal comes from `flush`, not from `migrate`
        facet_tallies.recount_after_flush(connections[using])


def keep_editors_group(sender, using="default", **kwargs):
    """Every migrate (and every flush, which ends with the same signal) leaves the editors group
    holding every corpus permission: a data migration made it once, but a flushed database, or one
    that gained a model since, would otherwise lack it or some of its permissions."""
    if using != DEFAULT_DB_ALIAS:
        return
    from .permissions import ensure_editors_group

    ensure_editors_group()


def create_cache_tables(sender, using="default", **kwargs):
    """The tables of the database caches in settings.CACHES (production's
    throttle counts without Redis), made by every `migrate`; none exist already."""
    call_command("createcachetable", database=using, verbosity=0)


def anchor_fixture_evidence(sender, instance, raw=False, **kwargs):
    """`loaddata` saves records raw, past save() and clean(): evidence a fixture gives by its quote
    alone (no offsets) is anchored here, and refused as on every other door when it cannot be."""
    from django.core.exceptions import ValidationError

    from .models import Evidence

    if raw and isinstance(instance, Evidence) and instance.start is None and instance.end is None:
        errors = instance.evidence_errors()
        if errors:
            raise ValidationError(errors)


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        post_migrate.connect(restore_fulltext_triggers, sender=self)
        post_migrate.connect(keep_version_and_count_triggers, sender=self)
        post_migrate.connect(create_cache_tables, sender=self)
        # Every app's signal, not only this one's: the curation app's permissions exist only after its own.
        post_migrate.connect(keep_editors_group, dispatch_uid="keep_editors_group")
        pre_save.connect(anchor_fixture_evidence, dispatch_uid="anchor_fixture_evidence")
