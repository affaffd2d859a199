"""Fixtures may give evidence by its quote alone, like every other door: loaddata finds the offsets."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles.models import PersonMention

from .factories import assert_spans_hold

pytestmark = pytest.mark.django_db


def fixture(tmp_path, sample, quote, **extra):
    article = sample.articles["copy"]
    records = [
        {
            "model": "articles.personmention",
            "pk": 9001,
            "fields": {"article": article.pk, "person": sample.people["chavez"].pk, "role": "mentioned",
                       "field": "body", "quote": quote, **extra},
        }
    ]  # fmt: skip
    path = tmp_path / "by_quote.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path, article


def test_a_fixture_mention_without_offsets_is_anchored_by_its_quote(tmp_path, sample):
    path, article = fixture(tmp_path, sample, "Hugo Chávez")
    call_command("loaddata", str(path), verbosity=0)
    mention = PersonMention.objects.get(pk=9001)
    assert article.body[mention.start : mention.end] == "Hugo Chávez"
    assert mention.prefix == article.body[max(0, mention.start - 32) : mention.start]
    assert_spans_hold()


def test_a_fixture_quote_not_in_the_text_is_refused_saying_why(tmp_path, sample):
    path, _ = fixture(tmp_path, sample, "Hugo Chavez Frias of Sabaneta")
    with pytest.raises(ValidationError) as refused:
        call_command("loaddata", str(path), verbosity=0)
    [message] = refused.value.message_dict["quote"]
    assert message == (
        "The quote does not occur in the body, even ignoring quote marks, dashes, spacing, case and accents."
    )
    assert not PersonMention.objects.filter(pk=9001).exists()
