"""Cleaning raw scraped documents into title, summary, body and caption."""

import datetime

import pytest

from curation.cleaning import CleaningError, clean_document, split_lines
from curation.fixture_build import DOCUMENTS_DIR, load_annotations, read_document

# Page furniture found in the five seeds; none of it may reach a body.
FURNITURE = [
    "This website uses cookies",
    "Learn more",
    "Related articles",
    "Continue to the category",
    "RELATED:",
    "Venezuela Reaffirms Its Strong Diplomatic Bonds With Cuba",  # the headline after "RELATED:"
    "min read",
    "hours ago",
    "- The Left Chapter",
    "Headline:",
    "Summary:",
    "[Article Body:]",
    "The only way to",
    "Photo: El Ciudadano",
    "Chavez and Castro meet, December 1994",
    "By Carmen Navas Reyes",
    "This article was written by Globetrotter.",
    "Hour: 1:32 pm",
    "The Revolutionary Communist Group – for an anti-imperialist movement in Britain",
]


def cleaned_seeds():
    """Each seed cleaned as build_corpus cleans it (outlet name and curated dek)."""
    annotations = load_annotations()
    outlets = {outlet["slug"]: outlet["name"] for outlet in annotations.outlets}
    seeds = {}
    for document in annotations.documents:
        raw = read_document(DOCUMENTS_DIR / document["document"])
        hints = document.get("cleaning") or {}
        names = [outlets[document["outlet"]]] if document.get("outlet") else []
        seeds[document["document"][:3]] = (raw, clean_document(raw, outlet_names=names, summary=hints.get("summary")))
    return seeds


SEEDS = cleaned_seeds()


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_no_furniture_reaches_a_body(stem):
    _, cleaned = SEEDS[stem]
    for furniture in FURNITURE:
        assert furniture not in cleaned.body, f"{stem}: {furniture!r} left in the body"
    lines = cleaned.body.split("\n")
    assert "Comments" not in lines
    assert cleaned.body == cleaned.body.strip(), "no blank lines or spaces at either end"
    assert "\n\n\n" not in cleaned.body


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_body_lines_are_verbatim_lines_of_the_source(stem):
    raw, cleaned = SEEDS[stem]
    source_lines = set(split_lines(raw))
    for line in cleaned.body.split("\n"):
        assert line == "" or line in source_lines


def test_rcg_article_keeps_the_epigraph_and_drops_the_masthead():
    _, cleaned = SEEDS["000"]
    assert cleaned.title == "Cuba and Venezuela: solidarity forged in struggle"
    assert cleaned.body.startswith("They would have to kidnap millions or wipe us off the map")
    assert "– Miguel Diaz Canel, President of the Republic of Cuba\n16 January 2026" in cleaned.body
    # The date under the epigraph dates the quote, not the article.
    assert cleaned.published is None
    assert cleaned.body.endswith("Hasta la Victoria Siempre!")


def test_left_chapter_article_separates_dek_caption_byline_and_credit():
    _, cleaned = SEEDS["001"]
    assert cleaned.title == "Cooperation Between Cuba and Venezuela: A War Target for the US"
    assert cleaned.summary.startswith("The relationship between Cuba and Venezuela transcends")
    assert cleaned.caption == "Chavez and Castro meet, December 1994\nThis article was written by Globetrotter."
    assert cleaned.authors == ["Carmen Navas Reyes"]
    assert cleaned.body.startswith("Background: Between Official Tension and Rebellious Inspiration")
    # The author bio is part of the article.
    assert cleaned.body.endswith(
        "member of the International Advisory Council of the Tricontinental Institute for Social Research."
    )


def test_telesur_dateline_gives_date_and_time():
    _, cleaned = SEEDS["002"]
    assert cleaned.published == datetime.date(2026, 1, 13)
    assert cleaned.published_precision == "day"
    assert cleaned.published_time == datetime.time(13, 32)
    assert cleaned.caption == "Cuba and Venezuela flags. Photo: El Ciudadano"
    assert cleaned.body.startswith("The Cuba–Venezuela alliance is a living, popular project")
    assert cleaned.body.endswith("Resumen Latinoamericano")


def test_wrapper_labels_give_title_and_summary():
    _, cleaned = SEEDS["003"]
    _, original = SEEDS["001"]
    assert cleaned.wrapped
    assert cleaned.title == original.title
    assert cleaned.summary == original.summary
    assert cleaned.authors == []
    assert cleaned.body.startswith("Background: Between Official Tension")


def test_truncated_fragment_and_trailing_blank_lines_go():
    raw, cleaned = SEEDS["004"]
    assert raw.endswith("\n\n\n\n\n")
    assert cleaned.body.startswith("US imperialism, strengthened after the invasion of Venezuela")
    assert cleaned.body.endswith("Arms for the Cuban people to defend themselves against imperialism!")


def test_generic_rules_on_a_new_document():
    raw = (
        "Headline goes first\r\n"
        "- Example Times\r\n"
        "- 12 minutes ago\r\n"
        "- 7 min read\r\n"
        "13 January 2026\r\n"
        "By Ana María de la Cruz and John Smith\r\n"
        "Image: AP\r\n"
        "By describing the facts, the article begins here with a long enough sentence.\r\n"
        "READ MORE:\r\n"
        "Some linked headline\r\n"
        "RELATED: Another inline headline\r\n"
        "\r\n\r\n\r\n"
        "It ends here.\r\n"
        "Share\r\n"
        "3 Comments\r\n"
        "We use cookies to improve your experience. Accept\r\n"
    )
    cleaned = clean_document(raw)
    assert cleaned.title == "Headline goes first"
    assert cleaned.published == datetime.date(2026, 1, 13)
    assert cleaned.authors == ["Ana María de la Cruz", "John Smith"]
    assert cleaned.caption == "Image: AP"
    assert cleaned.body == (
        "By describing the facts, the article begins here with a long enough sentence.\n\nIt ends here."
    )
    rules = {removed.rule for removed in cleaned.removed}
    assert {"outlet label", "relative-time badge", "read-time badge", "dateline", "byline"} <= rules
    assert {"related link", "related headline", "share link", "comment link", "cookie banner"} <= rules


def test_a_given_summary_must_be_in_the_document():
    with pytest.raises(CleaningError):
        clean_document("Title\nBody text that is long enough to be a paragraph.\n", summary="Not there.")


def test_a_date_inside_the_article_is_not_the_publication_date():
    cleaned = clean_document(
        "Title\nThe article starts with a real sentence, long enough.\n3 January 2026\nMore text.\n"
    )
    assert cleaned.published is None
    assert "3 January 2026" in cleaned.body


def test_an_article_sentence_about_cookies_is_not_a_banner():
    sentence = "Bakers in Havana sold cookies at half price, a sign of how scarce flour had become."
    cleaned = clean_document(f"Title\n{sentence}\nThis site uses cookies. Accept\n")
    assert cleaned.body == sentence
