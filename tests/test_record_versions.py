"""A detail's ETag follows its record's version (articles.record_versions).

After every kind of write (the API, the ORM's save and QuerySet.update, raw SQL, participation,
merges, deletes and their cascades), every detail whose answer changed has a new ETag, so a client
holding the old one gets the new answer and never a stale 304; every detail whose answer did not
change keeps its ETag and still answers 304. A 304 reads one row's signature and renders nothing.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.merging import merge_people
from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention

from .factories import BODY_GRANMA, mention, span


def detail_urls() -> list[str]:
    urls = [f"/api/v1/outlets/{slug}/" for slug in Outlet.objects.values_list("slug", flat=True)]
    urls += [f"/api/v1/people/{slug}/" for slug in Person.objects.values_list("slug", flat=True)]
    urls += [f"/api/v1/events/{slug}/" for slug in Event.objects.values_list("slug", flat=True)]
    for prefix, model in (
        ("articles", Article),
        ("figures", Figure),
        ("person-mentions", PersonMention),
        ("event-mentions", EventMention),
    ):
        urls += [f"/api/v1/{prefix}/{pk}/" for pk in model.objects.values_list("pk", flat=True)]
    return urls


def snapshot(api) -> dict:
    answers = {}
    for url in detail_urls():
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code)
        answers[url] = (response["ETag"], response.content)
    return answers


def assert_etags_follow(api, before: dict) -> set[str]:
    """Every detail still there: a new ETag where its answer changed (and If-None-Match with the old
    one is a 200); where it did not, most keep their ETag and answer 304. Returns the URLs that changed."""
    after = snapshot(api)
    changed, kept = set(), set()
    for url, (etag, body) in before.items():
        if url not in after:
            continue
        new_etag, new_body = after[url]
        revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
        if new_body != body:
            changed.add(url)
            assert new_etag != etag, f"{url} changed but kept its ETag (a stale 304)"
            assert revalidated.status_code == 200, url
            assert revalidated.content == new_body, url
        elif new_etag == etag:
            kept.add(url)
            assert revalidated.status_code == 304, url
        # Otherwise a record it names changed in a way it does not show (a needless 200, never a stale 304).
    assert kept, "every ETag moved: the versions say nothing"
    return changed


def patch(client, url, data):
    etag = client.get(url)["ETag"]
    response = client.patch(url, data, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    # The write answers with the ETag a read now gets.
    assert response["ETag"] == client.get(url)["ETag"]
    return response


def _article_title(s, editor):
    patch(editor, f"/api/v1/articles/{s.articles['granma'].pk}/", {"title": "Chávez lands in Havana"})


def _person_name_by_api(s, editor):
    patch(editor, "/api/v1/people/fidel-castro/", {"name": "Fidel Castro Ruz"})


def _person_name_by_queryset_update(s, editor):
    Person.objects.filter(slug="hugo-chavez").update(name="Hugo Rafael Chávez")


def _event_name_by_raw_sql(s, editor):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_event SET name = %s WHERE slug = %s", ["Attack on Caracas", "attack-2026"])


def _outlet_renamed_by_save(s, editor):
    outlet = Outlet.objects.get(slug="granma")
    outlet.name = "Granma Internacional"
    outlet.save()


def _article_added_to_outlet(s, editor):
    Article.objects.create(
        outlet=s.outlets["telesur"], title="Another", body="Another text.", source_document="another.txt",
        published=datetime.date(2026, 2, 1), published_precision="day",
    )  # fmt: skip


def _article_moved_to_other_outlet(s, editor):
    Article.objects.filter(pk=s.articles["telesur"].pk).update(outlet=s.outlets["granma"])


def _mention_added_by_api(s, editor):
    article = s.articles["granma"]
    response = editor.post(
        "/api/v1/person-mentions/",
        {"article": article.pk, "person": "delcy-rodriguez", "quote": "Fidel Castro"},
        format="json",
    )
    assert response.status_code == 201, response.content


def _mention_deleted_by_api(s, editor):
    pk = PersonMention.objects.get(person__slug="fidel-castro").pk
    url = f"/api/v1/person-mentions/{pk}/"
    assert editor.delete(url, HTTP_IF_MATCH=editor.get(url)["ETag"]).status_code == 204


def _mention_role_by_queryset_update(s, editor):
    PersonMention.objects.filter(person__slug="hugo-chavez", article=s.articles["telesur"]).update(role="quoted")


def _mention_swapped(s, editor):
    # One removed and one added in the same transaction: the count stays, the versions move.
    granma = s.articles["granma"]
    PersonMention.objects.filter(person__slug="fidel-castro").delete()
    mention(granma, s.people["rodriguez"], "Fidel Castro")


def _participant_added(s, editor):
    s.events["landing"].participants.add(s.people["perez"])


def _participant_removed(s, editor):
    s.events["meeting"].participants.remove(s.people["castro"])


def _participants_swapped(s, editor):
    s.events["meeting"].participants.set([s.people["chavez"], s.people["rodriguez"]])


def _figure_by_api(s, editor):
    patch(editor, f"/api/v1/figures/{s.figures['oil'].pk}/", {"value": 36000})


def _figure_event_cleared_by_event_delete(s, editor):
    event = Event.objects.get(slug="attack-2026")
    event.delete()


def _person_deleted(s, editor):
    Person.objects.get(slug="delcy-rodriguez").delete()


def _copy_unlinked(s, editor):
    Article.objects.filter(pk=s.articles["copy"].pk).update(original=None)


def _copy_linked_by_queryset_update(s, editor):
    # As curation.importing.link_copy links a near copy.
    Article.objects.filter(pk=s.articles["telesur"].pk).update(original=s.articles["granma"])


def _people_merged(s, editor):
    merge_people(Person.objects.get(slug="hugo-chavez"), [Person.objects.get(slug="delcy-rodriguez")])


def _body_edited_evidence_moved(s, editor):
    patch(editor, f"/api/v1/articles/{s.articles['granma'].pk}/", {"body": "Datelined Havana. " + BODY_GRANMA})


WRITES = [
    _article_title,
    _person_name_by_api,
    _person_name_by_queryset_update,
    _event_name_by_raw_sql,
    _outlet_renamed_by_save,
    _article_added_to_outlet,
    _article_moved_to_other_outlet,
    _mention_added_by_api,
    _mention_deleted_by_api,
    _mention_role_by_queryset_update,
    _mention_swapped,
    _participant_added,
    _participant_removed,
    _participants_swapped,
    _figure_by_api,
    _figure_event_cleared_by_event_delete,
    _person_deleted,
    _copy_unlinked,
    _copy_linked_by_queryset_update,
    _people_merged,
    _body_edited_evidence_moved,
]


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__.strip("_"))
def test_every_write_moves_the_etag_of_what_it_changes(sample, api, editor_client, write):
    before = snapshot(api)
    write(sample, editor_client)
    changed = assert_etags_follow(api, before)
    assert changed, "the write changed no detail: the step tests nothing"


@pytest.mark.django_db
def test_reading_and_unrelated_writes_keep_every_etag(sample, api, editor_client):
    before = snapshot(api)
    Outlet.objects.create(name="Elsewhere", slug="elsewhere", kind="blog")
    after = snapshot(api)
    del after["/api/v1/outlets/elsewhere/"]
    assert {url: etag for url, (etag, _) in after.items()} == {url: etag for url, (etag, _) in before.items()}


@pytest.mark.django_db
def test_a_304_reads_one_row_and_renders_nothing(volume, api):
    # Ana Pérez is the author of 30 reports: her detail lists 31 mentions.
    url = "/api/v1/people/ana-perez/"
    full = api.get(url)
    with CaptureQueriesContext(connection) as rendering:
        assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as revalidating:
        response = api.get(url, HTTP_IF_NONE_MATCH=full["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == full["ETag"]
    assert len(revalidating) == 1, [q["sql"] for q in revalidating]
    assert len(rendering) > len(revalidating)


@pytest.mark.django_db
def test_the_etag_depends_on_how_the_answer_is_shaped(sample, api):
    url = f"/api/v1/articles/{sample.articles['granma'].pk}/"
    plain = api.get(url)["ETag"]
    shaped = api.get(url, {"fields": "id,title"})
    assert shaped["ETag"] != plain
    assert api.get(url, {"fields": "id,title"}, HTTP_IF_NONE_MATCH=plain).status_code == 200
    assert api.get(url, {"fields": "id,title"}, HTTP_IF_NONE_MATCH=shaped["ETag"]).status_code == 304
    jsonld = api.get(url, {"format": "jsonld"})
    assert jsonld["ETag"] not in (plain, shaped["ETag"])
    assert api.get(url, HTTP_IF_NONE_MATCH=plain, secure=True).status_code == 200  # https:// links


@pytest.mark.django_db
def test_a_merged_slug_answers_with_the_survivors_etag(sample, api):
    merge_people(sample.people["chavez"], [sample.people["rodriguez"]])
    current = api.get("/api/v1/people/hugo-chavez/")
    former = api.get("/api/v1/people/delcy-rodriguez/")
    assert former.status_code == 200
    assert former["ETag"] == current["ETag"]
    assert api.get("/api/v1/people/delcy-rodriguez/", HTTP_IF_NONE_MATCH=current["ETag"]).status_code == 304


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["not-a-number", "99999999999999999999999", "-1"])
def test_a_detail_that_cannot_exist_is_a_404_not_a_version_error(sample, api, lookup):
    response = api.get(f"/api/v1/articles/{lookup}/", HTTP_IF_NONE_MATCH='"abc"')
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_the_database_sets_a_fresh_version_on_every_write(sample):
    person = Person.objects.get(slug="fidel-castro")
    versions = {person.version}
    for name in ("A", "B"):
        Person.objects.filter(pk=person.pk).update(name=name)
        versions.add(Person.objects.get(pk=person.pk).version)
    granma = sample.articles["granma"]
    figure = Figure.objects.create(article=granma, value=1, unit="x", metric="m", label="l", **span(granma, "Havana"))
    figure.refresh_from_db()
    versions.add(figure.version)
    assert len(versions) == 4
    assert 0 not in versions


@pytest.mark.django_db
def test_migrate_puts_back_a_version_trigger_sqlite_lost(sample):
    if connection.vendor != "sqlite":
        pytest.skip("Only SQLite rebuilds a table to alter it, losing its triggers")
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_person_version_au")
    call_command("migrate", verbosity=0)
    before = Person.objects.get(slug="fidel-castro").version
    Person.objects.filter(slug="fidel-castro").update(name="Fidel")
    assert Person.objects.get(slug="fidel-castro").version > before
