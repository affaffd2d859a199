"""Who may write: members of the editors group, which holds the add, change
and delete permissions on every corpus model."""

EDITORS_GROUP = "editors"
CORPUS_MODELS = ["outlet", "article", "person", "event", "figure", "personmention", "eventmention"]
EDITOR_ACTIONS = ["add", "change", "delete", "view"]


def editor_codenames():
    return [f"{action}_{model}" for model in CORPUS_MODELS for action in EDITOR_ACTIONS]
