"""Who may write: members of the editors group, which holds the add, change
and delete permissions on every corpus model, and those on the suggestions."""

from django.contrib.auth.models import Group, Permission

from .models import corpus_models

EDITORS_GROUP = "editors"
EDITOR_ACTIONS = ["add", "change", "delete", "view"]


# The curation app's suggestions (curation.models.Suggestion): editors run, see and decide them.
SUGGESTION_CODENAMES = [f"{action}_suggestion" for action in EDITOR_ACTIONS]


def corpus_codenames():
    return [f"{action}_{model._meta.model_name}" for model in corpus_models() for action in EDITOR_ACTIONS]


def editor_codenames():
    return [*corpus_codenames(), *SUGGESTION_CODENAMES]


def ensure_editors_group() -> Group:
    """The editors group with every corpus permission, made if it is missing
    (the data migrations make it; a flushed database has none)."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=corpus_codenames()),
        *Permission.objects.filter(content_type__app_label="curation", codename__in=SUGGESTION_CODENAMES),
    )
    return group
