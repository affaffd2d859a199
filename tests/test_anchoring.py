"""Evidence given by its quote, and kept in place when the article's text is edited (articles.anchoring),
through the API and the admin."""

import pytest

from articles.models import EventMention, Figure, PersonMention

from .factories import assert_spans_hold

MENTIONS = "/api/v1/person-mentions/"


def article_url(article):
    return f"/api/v1/articles/{article.pk}/"


@pytest.fixture
def granma(sample):
    return sample.articles["granma"]


def create_mention(client, article, person, **evidence):
    return client.post(
        MENTIONS, {"article": article.pk, "person": person.slug, "role": "mentioned", **evidence}, format="json"
    )


class TestQuoteOnly:
    def test_the_quote_alone_is_found_and_its_context_stored(self, editor_client, sample, granma):
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="Fidel Castro")
        assert answer.status_code == 201, answer.json()
        body = granma.body
        start = body.index("Fidel Castro")
        assert (answer.json()["start"], answer.json()["end"]) == (start, start + len("Fidel Castro"))
        assert answer.json()["field"] == "body"
        assert answer.json()["prefix"] == body[start - 32 : start]
        assert answer.json()["suffix"] == body[start + 12 : start + 44]
        assert "occurrence" not in answer.json()
        assert assert_spans_hold() == 12

    def test_a_repeated_quote_is_a_400_listing_every_place(self, editor_client, sample, granma):
        # "oil" occurs twice in the body.
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="oil")
        assert answer.status_code == 400
        message = answer.json()["quote"][0]
        first, second = granma.body.index("oil"), granma.body.index("oil", granma.body.index("oil") + 1)
        assert "occurs 2 times" in message and "prefix" in message and "occurrence" in message
        assert f"{first}:{first + 3}" in message and f"{second}:{second + 3}" in message
        assert not PersonMention.objects.filter(quote="oil").exists()

    @pytest.mark.parametrize(
        ("hint", "which"),
        [
            ({"prefix": "barrels of "}, 0),
            ({"suffix": " per day"}, 0),
            ({"prefix": "PetroCaribe shipped "}, 1),
            ({"occurrence": 2}, 1),
            ({"occurrence": 1, "prefix": "ignored when the occurrence is given"}, 0),
        ],
    )
    def test_a_prefix_suffix_or_occurrence_chooses_between_repeats(self, editor_client, sample, granma, hint, which):
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="oil", **hint)
        assert answer.status_code == 201, answer.json()
        starts = [i for i in range(len(granma.body)) if granma.body.startswith("oil", i)]
        assert answer.json()["start"] == starts[which]
        assert_spans_hold()

    def test_a_context_that_fits_no_repeat_or_an_occurrence_past_the_last_is_a_400(self, editor_client, sample, granma):
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="oil", prefix="crude ")
        assert answer.status_code == 400
        assert "none has this prefix" in answer.json()["prefix"][0]
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="oil", occurrence=3)
        assert answer.status_code == 400
        assert "occurs 2 time(s)" in answer.json()["occurrence"][0]
        answer = create_mention(editor_client, granma, sample.people["castro"], quote="oil", occurrence=0)
        assert answer.status_code == 400 and "occurrence" in answer.json()

    @pytest.mark.parametrize(
        ("quote", "difference", "exact"),
        [
            ("\u201cDon\u2019t quit", "quote marks", "\u201cDon't quit"),
            ("Between 2005 - 2019", None, None),
            ("Between 2005 and  2019", "spacing", "Between 2005 and 2019"),
            ("hugo chávez", "case", "Hugo Chávez"),
            ("Hugo Chavez", "accents", "Hugo Chávez"),
        ],
    )
    def test_a_near_miss_says_what_differs_and_offers_the_exact_text(
        self, editor_client, sample, granma, quote, difference, exact
    ):
        answer = create_mention(editor_client, granma, sample.people["chavez"], quote=quote)
        assert answer.status_code == 400
        message = answer.json()["quote"][0]
        assert "does not occur in the body" in message
        if difference is None:
            assert "even ignoring" in message
        else:
            assert f"different {difference}" in message and repr(exact) in message

    def test_a_dash_near_miss(self, editor_client, sample):
        telesur = sample.articles["telesur"]
        answer = editor_client.post(
            "/api/v1/figures/",
            {"article": telesur.pk, "label": "share", "value": 30, "value_max": 40, "qualifier": "range",
             "unit": "percent", "metric": "share", "quote": "30–40%"},
            format="json",
        )  # fmt: skip
        assert answer.status_code == 400
        assert "quote" in answer.json(), answer.json()
        assert "different dashes" in answer.json()["quote"][0] and "'30-40%'" in answer.json()["quote"][0]

    def test_evidence_in_the_title_byline_and_caption(self, editor_client, sample, granma):
        granma.byline = "By Ana Pérez, Havana"
        granma.caption = "Fidel Castro and Hugo Chávez, 1994. Photo: Granma"
        granma.save()
        author = editor_client.post(
            MENTIONS,
            {"article": granma.pk, "person": "ana-perez", "role": "author", "field": "byline", "quote": "Ana Pérez"},
            format="json",
        )
        assert author.status_code == 201, author.json()
        assert (author.json()["start"], author.json()["prefix"], author.json()["suffix"]) == (3, "By ", ", Havana")
        in_title = create_mention(editor_client, granma, sample.people["chavez"], field="title", quote="Chávez")
        assert in_title.status_code == 201, in_title.json()
        assert in_title.json()["start"] == 0
        figure = editor_client.post(
            "/api/v1/figures/",
            {
                "article": granma.pk,
                "label": "year",
                "value": 1994,
                "unit": "year",
                "metric": "year",
                "field": "caption",
                "quote": "1994",
            },
            format="json",
        )
        assert figure.status_code == 201, figure.json()
        assert figure.json()["start"] == granma.caption.index("1994")
        # Offsets given are checked against the field's text, not the body.
        wrong = create_mention(
            editor_client, granma, sample.people["chavez"], field="title", quote="Chávez", start=5, end=11
        )
        assert wrong.status_code == 400 and "title[5:11]" in str(wrong.json())
        assert assert_spans_hold() == 14

    def test_a_bulk_create_by_quotes_is_all_or_none(self, editor_client, sample, granma):
        items = [
            {"article": granma.pk, "person": "fidel-castro", "role": "mentioned", "quote": "Fidel Castro"},
            {"article": granma.pk, "person": "hugo-chavez", "role": "mentioned", "quote": "oil"},
        ]
        refused = editor_client.post(MENTIONS, items, format="json")
        assert refused.status_code == 400
        assert "occurs 2 times" in str(refused.json())
        assert not PersonMention.objects.filter(quote="Fidel Castro").exists()
        items[1]["occurrence"] = 2
        made = editor_client.post(MENTIONS, items, format="json")
        assert made.status_code == 201, made.json()
        assert [m["quote"] for m in made.json()] == ["Fidel Castro", "oil"]
        assert assert_spans_hold() == 13

    def test_a_patch_with_a_new_quote_finds_it_afresh(self, editor_client, sample, granma):
        mention = PersonMention.objects.get(article=granma, quote="Hugo Chávez")
        answer = editor_client.patch(f"{MENTIONS}{mention.pk}/", {"quote": "Chávez"}, format="json")
        assert answer.status_code == 200, answer.json()
        assert answer.json()["start"] == granma.body.index("Chávez")
        assert answer.json()["prefix"] == "Hugo "
        assert_spans_hold()


class TestBodyEdits:
    def test_spans_follow_an_edit_near_the_top_and_keep_their_ids_with_history(self, editor_client, sample, granma):
        before = {m.pk: m.quote for m in [*granma.person_mentions.all(), *granma.figures.all()]}
        body = granma.body.replace("landed in Havana", "arrived in the Cuban capital, Havana,")
        answer = editor_client.patch(article_url(granma), {"body": body}, format="json")
        assert answer.status_code == 200, answer.json()
        detail = editor_client.get(article_url(granma)).json()
        after = {m["id"]: m["quote"] for m in [*detail["person_mentions"], *detail["figures"]]}
        assert after == before
        for record in [*detail["person_mentions"], *detail["event_mentions"], *detail["figures"]]:
            assert body[record["start"] : record["end"]] == record["quote"]
        assert assert_spans_hold() == 11
        figure = sample.figures["oil"]
        history = editor_client.get(f"/api/v1/figures/{figure.pk}/history/").json()["results"]
        assert "Re-anchored after an edit of the article's body" in [entry["reason"] for entry in history]

    def test_a_span_whose_quote_is_gone_blocks_the_edit_with_a_409_naming_it(self, editor_client, sample, granma):
        body = granma.body.replace("about 35,000 barrels of oil per day", "a great deal of oil")
        answer = editor_client.patch(article_url(granma), {"body": body}, format="json")
        assert answer.status_code == 409
        message = answer.json()["body"][0]
        assert f"figure {sample.figures['oil'].pk}" in message and "can no longer be found" in message
        granma.refresh_from_db()
        assert "35,000" in granma.body
        assert_spans_hold()

    def test_a_near_match_is_proposed_never_applied(self, editor_client, sample, granma):
        body = granma.body.replace("about 35,000 barrels of oil per day", "about 35,000 barrels of oil a day")
        answer = editor_client.patch(article_url(granma), {"body": body}, format="json")
        assert answer.status_code == 409
        message = answer.json()["body"][0]
        assert "closest text is 'about 35,000 barrels of oil a d" in message and "must confirm" in message
        assert Figure.objects.get(pk=sample.figures["oil"].pk).quote == "about 35,000 barrels of oil per day"

    def test_a_quote_that_became_ambiguous_blocks_the_edit(self, editor_client, sample, granma):
        mention = EventMention.objects.get(article=granma, quote="December 1994")
        body = granma.body.replace("in December 1994.", "in December 1994 and again in December 1994.")
        body = body.replace("landed", "flew")  # moves it, so the old offsets no longer hold
        answer = editor_client.patch(article_url(granma), {"body": body}, format="json")
        assert answer.status_code == 409
        assert f"event mention {mention.pk}" in answer.json()["body"][0]
        assert "several places" in answer.json()["body"][0]

    def test_a_title_edit_moves_title_evidence(self, editor_client, sample, granma):
        made = create_mention(editor_client, granma, sample.people["chavez"], field="title", quote="Havana")
        assert made.status_code == 201
        answer = editor_client.patch(article_url(granma), {"title": "Hugo Chávez in Havana"}, format="json")
        assert answer.status_code == 200, answer.json()
        assert editor_client.get(f"{MENTIONS}{made.json()['id']}/").json()["start"] == len("Hugo Chávez in ")
        assert_spans_hold()


# ---- the admin: the same rules through the article page's inlines -------------------------------


@pytest.fixture
def curator(client, db):
    from django.contrib.auth import get_user_model

    from articles.permissions import ensure_editors_group

    user = get_user_model().objects.create_user("curator", password="curate-me-now", is_staff=True)
    user.groups.add(ensure_editors_group())
    client.force_login(user)
    return client


INLINES = {
    "person_mentions": ("person", "role", "field", "quote", "start", "end"),
    "event_mentions": ("event", "field", "quote", "start", "end"),
    "figures": ("label", "metric", "value", "value_max", "qualifier", "unit", "as_of", "event", "person", "field",
                "quote", "start", "end"),
}  # fmt: skip


def change_form(article, **changes):
    """The article's change form as the admin page posts it, every existing inline row included."""
    data = {
        "title": article.title,
        "summary": article.summary,
        "byline": article.byline,
        "outlet": article.outlet_id or "",
        "original": article.original_id or "",
        "language": article.language,
        "published": "",
        "published_precision": "",
        "published_time": "",
        "body": article.body,
        "caption": article.caption,
        **changes,
    }
    for prefix, fields in INLINES.items():
        records = list(getattr(article, prefix).order_by("pk"))
        data.update({f"{prefix}-TOTAL_FORMS": len(records), f"{prefix}-INITIAL_FORMS": len(records)})
        data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, record in enumerate(records):
            data[f"{prefix}-{i}-id"] = record.pk
            data[f"{prefix}-{i}-article"] = article.pk
            for name in fields:
                value = getattr(record, f"{name}_id" if name in ("person", "event") else name)
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    return data


def add_row(data, prefix, **values):
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = n + 1
    data.update({f"{prefix}-{n}-{name}": value for name, value in values.items()})
    return data


class TestAdmin:
    def test_a_mention_typed_by_its_quote_alone_is_saved_with_its_offsets(self, curator, sample, granma):
        data = add_row(change_form(granma), "person_mentions", person=sample.people["castro"].pk, role="quoted",
                       field="body", quote="Fidel Castro told him", start="", end="")  # fmt: skip
        answer = curator.post(f"/admin/articles/article/{granma.pk}/change/", data)
        assert answer.status_code == 302, answer.context and answer.context["inline_admin_formsets"][0].formset.errors
        made = PersonMention.objects.get(quote="Fidel Castro told him")
        assert made.start == granma.body.index("Fidel Castro told him")
        assert assert_spans_hold() == 12

    def test_a_repeated_quote_is_refused_at_its_row_listing_the_places(self, curator, sample, granma):
        data = add_row(change_form(granma), "person_mentions", person=sample.people["castro"].pk, role="mentioned",
                       field="body", quote="oil", start="", end="")  # fmt: skip
        answer = curator.post(f"/admin/articles/article/{granma.pk}/change/", data)
        assert answer.status_code == 200
        errors = answer.context["inline_admin_formsets"][0].formset.errors[-1]
        assert "occurs 2 times" in errors["quote"][0]

    def test_a_body_edit_near_the_top_moves_every_span_and_keeps_ids(self, curator, sample, granma):
        ids = sorted(r.pk for r in granma.evidence_records())
        body = "Havana, 16 January. " + granma.body
        answer = curator.post(f"/admin/articles/article/{granma.pk}/change/", change_form(granma, body=body))
        assert answer.status_code == 302, [
            (f.errors, [e for e in f.formset.errors if e]) for f in answer.context["inline_admin_formsets"]
        ] + [answer.context["adminform"].form.errors]
        granma.refresh_from_db()
        assert granma.body == body
        assert sorted(r.pk for r in granma.evidence_records()) == ids
        assert all(r.start >= 20 for r in granma.evidence_records())
        assert assert_spans_hold() == 11

    def test_a_body_edit_that_loses_a_quote_is_refused_at_its_row(self, curator, sample, granma):
        body = granma.body.replace("December 1994", "the winter of that year")
        answer = curator.post(f"/admin/articles/article/{granma.pk}/change/", change_form(granma, body=body))
        assert answer.status_code == 200
        errors = [e for e in answer.context["inline_admin_formsets"][1].formset.errors if e]
        assert errors and "can no longer be found" in errors[0]["quote"][0]
        granma.refresh_from_db()
        assert "December 1994" in granma.body
        assert_spans_hold()
