"""A searchable model declares itself once (articles.models.Searchable); its
full-text index, its `search`, its fold on save and the editors' permissions
all follow from that, with nothing typed again."""

import pytest

from articles import fulltext, text
from articles.api.urls import router
from articles.models import FULLTEXT_INDEXES, SEARCHABLE, Person, Searchable, corpus_models
from articles.permissions import ensure_editors_group

pytestmark = pytest.mark.django_db


def resource_of(model) -> str:
    return next(prefix for prefix, viewset, _ in router.registry if viewset.queryset.model is model)


def test_every_searchable_model_is_found_by_its_base_class():
    assert {model.__name__ for model in SEARCHABLE} == {"Outlet", "Person", "Event", "Article", "Figure"}
    assert all(issubclass(model, Searchable) and model.search_fields for model in SEARCHABLE)


@pytest.mark.parametrize("model", SEARCHABLE, ids=lambda model: model.__name__)
def test_each_searchable_model_has_its_index_and_answers_search(api, sample, model):
    index = FULLTEXT_INDEXES[model]
    assert index._meta.db_table == fulltext.fts_table(model._meta.db_table)
    record = model.objects.order_by("pk").first()
    assert (
        record.search_text
        == record.search_document()
        == text.search_document(*(getattr(record, name) for name in model.search_fields))
    )
    word = max(record.search_text.split(), key=len)
    found = api.get(f"/api/v1/{resource_of(model)}/", {"search": word, "fields": "id", "page_size": 100}).json()
    assert record.pk in [row["id"] for row in found["results"]]


def test_saving_folds_the_declared_fields(sample):
    person = Person.objects.first()
    person.aliases = [*person.aliases, "Zyxwvu Qûåntum"]
    person.save()
    person.refresh_from_db()
    assert " zyxwvu quantum " in person.search_text


def test_editors_hold_every_permission_on_every_corpus_model():
    group = ensure_editors_group()
    held = set(group.permissions.values_list("codename", flat=True))
    models = corpus_models()
    expected = {m.__name__ for m in SEARCHABLE} | {"PersonMention", "EventMention", "PersonFormerSlug"}
    assert {model.__name__ for model in models} == expected
    for model in models:
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model._meta.model_name}" in held
