"""Who may write: members of the editors group, which holds the add, change
and delete permissions on every corpus model."""

from django.contrib.auth.models import Group, Permission

from .models import corpus_models

EDITORS_GROUP = "editors"
EDITOR_ACTIONS = ["add", "change", "delete", "view"]


def editor_codenames():
    return [f"{action}_{model._meta.model_name}" for model in corpus_models() for action in EDITOR_ACTIONS]


def ensure_editors_group() -> Group:
    """The editors group with every corpus permission, made if it is missing
    (the data migrations make it; a flushed database has none)."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=editor_codenames())
    )
    return group
