"""Suggestions on the admin's article page: run, accept, reject, undo, one click each, through the
same code as the API (curation.suggesting); and who may do what."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from articles.models import PersonMention
from articles.permissions import ensure_editors_group
from curation import suggesting
from curation.models import Suggestion

from .factories import assert_spans_hold, gulf_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(corpus):
    made = gulf_article()
    suggesting.refresh(made)
    return made


def signed_in(*, editor=True, codenames=()):
    user = get_user_model().objects.create_user(f"desk{len(codenames)}{editor}", password="x", is_staff=True)
    if editor:
        user.groups.add(ensure_editors_group())
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def page_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def decide_url(article, suggestion, decision):
    return f"/admin/articles/article/{article.pk}/suggestions/{suggestion.pk if suggestion else 0}/{decision}/"


def known(article):
    return [s for s in Suggestion.objects.filter(article=article, state="pending").order_by("pk")
            if s.kind == "person_mention" and s.target["person"]]  # fmt: skip


def test_the_article_page_lists_pending_suggestions_with_their_evidence(article):
    html = signed_in().get(page_url(article)).content.decode()
    assert 'id="suggestions"' in html
    suggestion = known(article)[0]
    assert f'data-suggestion="{suggestion.pk}"' in html and f"<mark>{suggestion.quote}</mark>" in html
    assert "Add person and accept" in html  # Lucía Herrera, the author, is not in the corpus yet


def test_accept_reject_and_undo_with_one_click_each(article):
    client = signed_in()
    first, second = known(article)[:2]
    answer = client.post(decide_url(article, first, "accept"), follow=True)
    assert "Accepted" in answer.content.decode()
    mention = PersonMention.objects.get(pk=Suggestion.objects.get(pk=first.pk).record_id)
    assert (mention.quote, mention.start) == (first.quote, first.start)
    client.post(decide_url(article, second, "reject"))
    assert Suggestion.objects.get(pk=second.pk).state == "rejected"
    client.post(decide_url(article, first, "undo"))
    assert Suggestion.objects.get(pk=first.pk).state == "pending"
    assert not PersonMention.objects.filter(pk=mention.pk).exists()
    assert_spans_hold()


def test_accept_all_takes_every_pending_one_but_new_people(article):
    client = signed_in()
    client.post(decide_url(article, None, "accept"))
    left = Suggestion.objects.filter(article=article, state="pending")
    assert left.exists() and all(s.kind == "person_mention" and s.target["person"] is None for s in left)
    assert_spans_hold()


def test_a_new_person_is_created_by_their_own_button(article):
    client = signed_in()
    author = Suggestion.objects.get(article=article, target__role="author")
    client.post(decide_url(article, author, "accept"), {"create_person": "1"})
    mention = PersonMention.objects.get(article=article, role="author")
    assert mention.person.name == "Lucía Herrera" and mention.field == "byline"


def test_run_the_suggesters_again_proposes_nothing_already_decided(article):
    client = signed_in()
    rejected = known(article)[0]
    client.post(decide_url(article, rejected, "reject"))
    answer = client.post(f"/admin/articles/article/{article.pk}/suggestions/run/", follow=True)
    assert "proposed 0 new suggestion(s)" in answer.content.decode()


def test_the_list_action_runs_the_suggesters_on_the_selected_articles(article):
    Suggestion.objects.all().delete()
    client = signed_in()
    client.post("/admin/articles/article/", {"action": "suggest_action", "_selected_action": [article.pk]})
    assert Suggestion.objects.filter(article=article).exists()


def test_decisions_are_refused_without_the_permissions(article):
    # Staff who may view articles and suggestions but not decide them: no buttons, and a POST is refused.
    viewer = signed_in(editor=False, codenames=["view_article", "change_article", "view_suggestion"])
    html = viewer.get(page_url(article)).content.decode()
    assert 'id="suggestions"' in html and "suggestion-accept" not in html
    suggestion = known(article)[0]
    assert viewer.post(decide_url(article, suggestion, "accept")).status_code == 403
    # May decide suggestions but not add person mentions: the acceptance is refused, and said.
    decider = signed_in(editor=False, codenames=["view_article", "change_article", "view_suggestion",
                                                 "change_suggestion"])  # fmt: skip
    answer = decider.post(decide_url(article, suggestion, "accept"), follow=True)
    assert "articles.add_personmention" in answer.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).state == "pending"


def test_a_get_on_a_decision_url_is_not_allowed(article):
    assert signed_in().get(decide_url(article, known(article)[0], "accept")).status_code == 405
