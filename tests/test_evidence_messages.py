"""A refused span says where the quote is, or what differs when the body
holds it only nearly (quote marks, dashes, spacing, case, accents), and the
exact text to send: never a bare "not in the body". Through the API."""

import pytest

from articles.models import Article, PersonMention

pytestmark = pytest.mark.django_db

BODY = "Díaz-Canel said: “We won’t yield” – and the crowd   cheered. Later he said “We won’t yield” again."


@pytest.fixture
def article(sample):
    return Article.objects.create(title="Near misses", body=BODY, source_document="near.txt", source_text=BODY)


def post(client, article, quote, start=0, end=None):
    return client.post(
        "/api/v1/person-mentions/",
        {
            "article": article.pk,
            "person": "fidel-castro",
            "quote": quote,
            "start": start,
            "end": len(quote) if end is None else end,
        },
        format="json",
    )


@pytest.mark.parametrize(
    ("quote", "differs", "exact"),
    [
        ("Diaz-Canel said", "accents", "Díaz-Canel said"),
        ("díaz-canel said", "case", "Díaz-Canel said"),
        ("yield\u201d - and", "dashes", "yield” – and"),
        ("crowd cheered", "spacing", "crowd   cheered"),
        ('said: "We', "quote marks", "said: “We"),
        ("diaz–canel", "dashes, case and accents", "Díaz-Canel"),
    ],
)
def test_a_near_miss_names_what_differs_and_the_text_to_send(editor_client, article, quote, differs, exact):
    response = post(editor_client, article, quote)
    assert response.status_code == 400
    message = response.json()["quote"][0]
    start = BODY.index(exact)
    assert f"The body has it at {start}:{start + len(exact)} with different {differs}" in message
    assert repr(exact) in message
    # Sent as the body has it, it is taken.
    assert post(editor_client, article, exact, start, start + len(exact)).status_code == 201


def test_a_quote_in_the_body_with_offsets_of_another_length_is_told_where_it_is(editor_client, article):
    quote = "We won’t yield"
    response = post(editor_client, article, quote, start=3, end=5)
    assert response.status_code == 400
    first, second = BODY.index(quote), BODY.index(quote, BODY.index(quote) + 1)
    assert (
        f"The quote occurs at {first}:{first + len(quote)} (and again at {second}:{second + len(quote)})"
        in response.json()["end"][0]
    )


def test_a_quote_nowhere_in_the_body_says_so_after_every_allowance(editor_client, article):
    response = post(editor_client, article, "the cat sat")
    assert "does not occur in the body, even ignoring quote marks" in response.json()["quote"][0]
    assert not PersonMention.objects.filter(article=article).exists()
