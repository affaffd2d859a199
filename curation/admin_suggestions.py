"""Suggestions in the admin: a panel on the article page listing the pending ones with their
evidence highlighted, where one click (or the a / r key on a focused row) accepts or rejects each
and the latest decisions can be undone; a "Run the suggesters" button there and an action on the
article list. Every decision goes through curation.suggesting, as the API's do.

The buttons submit the article's form to their own URLs (`formaction`), so they live inside the
change form without nesting forms; edits not yet saved in that form are not kept.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from articles.models import Article

from . import suggesting
from .models import Suggestion

RECENT_DECISIONS = 5


def may_decide(request) -> bool:
    return request.user.has_perm("curation.change_suggestion")


def panel_context(request, article) -> dict:
    """What templates/admin/articles/article/suggestions_panel.html shows for `article`."""
    if article is None or not request.user.has_perm("curation.view_suggestion"):
        return {}
    pending = list(
        Suggestion.objects.filter(article=article, state=Suggestion.State.PENDING).order_by("field", "start")
    )
    decided = list(
        Suggestion.objects.filter(article=article)
        .exclude(state=Suggestion.State.PENDING)
        .order_by("-decided_at")[:RECENT_DECISIONS]
    )
    base = f"admin:{Article._meta.app_label}_{Article._meta.model_name}"
    return {
        "suggestion_panel": {
            "pending": [_row(s, base, article) for s in pending],
            "decided": [_row(s, base, article) for s in decided],
            "may_decide": may_decide(request),
            "may_run": request.user.has_perm("curation.add_suggestion"),
            "run_url": reverse(f"{base}_suggestions_run", args=[article.pk]),
            "accept_all_url": reverse(f"{base}_suggestion_decide", args=[article.pk, 0, "accept"]),
        }
    }


def _row(suggestion, base, article) -> dict:
    return {
        "suggestion": suggestion,
        "new_person": suggestion.kind == Suggestion.Kind.PERSON_MENTION and not suggestion.target.get("person"),
        **{
            f"{decision}_url": reverse(f"{base}_suggestion_decide", args=[article.pk, suggestion.pk, decision])
            for decision in ("accept", "reject", "undo")
        },
    }


def urls(model_admin) -> list:
    site = model_admin.admin_site
    name = f"{Article._meta.app_label}_{Article._meta.model_name}"
    return [
        path(
            "<int:article_id>/suggestions/<int:suggestion_id>/<str:decision>/",
            site.admin_view(lambda request, **kwargs: decide_view(model_admin, request, **kwargs)),
            name=f"{name}_suggestion_decide",
        ),
        path(
            "<int:article_id>/suggestions/run/",
            site.admin_view(lambda request, **kwargs: run_view(model_admin, request, **kwargs)),
            name=f"{name}_suggestions_run",
        ),
    ]


def _back(article) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]) + "#suggestions")


def decide_view(model_admin, request, article_id, suggestion_id, decision):
    """Accept, reject or undo one suggestion (suggestion 0 with accept: every pending one)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = get_object_or_404(Article, pk=article_id)
    if decision not in ("accept", "reject", "undo") or not may_decide(request):
        raise PermissionDenied
    if suggestion_id == 0:
        chosen = [
            s for s in Suggestion.objects.filter(article=article, state=Suggestion.State.PENDING).order_by("pk")
            if s.target.get("person", "") is not None  # people not yet in the corpus wait for their own click
        ]  # fmt: skip
    else:
        chosen = [get_object_or_404(Suggestion, pk=suggestion_id, article=article)]
    if not chosen:
        model_admin.message_user(request, "No pending suggestion to accept.", messages.WARNING)
        return _back(article)
    try:
        if decision == "accept":
            suggesting.accept(chosen, request.user, create_people="create_person" in request.POST)
        elif decision == "reject":
            suggesting.reject(chosen, request.user)
        else:
            suggesting.undo(chosen, request.user)
    except suggesting.DecisionRefused as refused:
        for key, message in refused.errors.items():
            model_admin.message_user(request, f"Suggestion {key}: {message}", messages.ERROR)
        return _back(article)
    except PermissionDenied as denied:
        model_admin.message_user(request, str(denied) or "You may not do that.", messages.ERROR)
        return _back(article)
    done = {"accept": "Accepted", "reject": "Rejected", "undo": "Undid the decision on"}[decision]
    what = chosen[0].describe() if len(chosen) == 1 else f"{len(chosen)} suggestions"
    undo_hint = "" if decision == "undo" else " Undo it under “Decided” below."
    model_admin.message_user(request, f"{done} {what}.{undo_hint}", messages.SUCCESS)
    return _back(article)


def run_view(model_admin, request, article_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = get_object_or_404(Article, pk=article_id)
    if not request.user.has_perm("curation.add_suggestion"):
        raise PermissionDenied
    new = suggesting.refresh(article)
    model_admin.message_user(request, f"The suggesters proposed {len(new)} new suggestion(s).", messages.SUCCESS)
    return _back(article)


@admin.action(description="Suggest people, quotations, events and figures", permissions=["suggest"])
def suggest_action(model_admin, request, queryset):
    made = sum(len(suggesting.refresh(article)) for article in queryset)
    model_admin.message_user(
        request, f"{made} new suggestion(s) for {queryset.count()} article(s); review them on each article's page."
    )
