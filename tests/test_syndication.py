"""The near-duplicate detector that links syndicated copies to their originals."""

import datetime

import pytest

from articles.models import Article
from curation import syndication
from curation.syndication import Candidate, best_match, link_all, pick_original

from .test_cleaning import SEEDS


def seed_candidate(stem, order, has_author=None):
    _, cleaned = SEEDS[stem]
    text = "\n".join([cleaned.title, cleaned.summary, cleaned.body])
    author = bool(cleaned.authors) if has_author is None else has_author
    return Candidate(key=stem, text=text, order=order, published=cleaned.published, has_author=author)


def test_003_is_a_copy_of_001():
    candidates = [seed_candidate(stem, order) for order, stem in enumerate(sorted(SEEDS))]
    assert link_all(candidates) == {"003": "001"}


def test_the_copy_is_found_whichever_comes_first():
    # Imported before its original, 003 still ends up the copy: 001 names its author.
    candidates = [seed_candidate("003", 0), seed_candidate("001", 1), seed_candidate("000", 2)]
    assert link_all(candidates) == {"003": "001"}


def test_unrelated_articles_on_the_same_subject_are_not_linked():
    stems = ["000", "001", "002", "004"]
    assert link_all([seed_candidate(stem, order) for order, stem in enumerate(stems)]) == {}
    for a in stems:
        for b in stems:
            if a != b:
                score = syndication.containment(seed_candidate(a, 0).shingles, seed_candidate(b, 1).shingles)
                assert score < 0.05


def test_containment_of_the_pair_is_complete():
    match = best_match(seed_candidate("003", 9), [seed_candidate("001", 1), seed_candidate("002", 2)])
    assert match.original.key == "001"
    assert match.copy.key == "003"
    assert match.containment >= syndication.CONTAINMENT_THRESHOLD


def test_a_short_shared_passage_does_not_make_a_copy():
    shared = "The Cuba–Venezuela alliance is a living, popular project that binds two revolutions."
    a = Candidate("a", shared, 1)
    b = Candidate("b", shared + " And then an entirely different article follows here.", 2)
    assert best_match(b, [a]) is None


def test_original_rules_in_order():
    text = "word " * 50
    early = Candidate("early", text, 2, published=datetime.date(2026, 1, 1))
    late = Candidate("late", text, 1, published=datetime.date(2026, 1, 5), has_author=True)
    assert pick_original(early, late) is early  # an earlier date beats everything
    signed = Candidate("signed", text, 2, has_author=True)
    unsigned = Candidate("unsigned", text, 1)
    assert pick_original(unsigned, signed) is signed
    curly = Candidate("curly", text + " Cuba’s", 2)
    straight = Candidate("straight", text + " Cuba's", 1)
    assert pick_original(straight, curly) is curly
    first = Candidate("first", text, 1)
    second = Candidate("second", text, 2)
    assert pick_original(second, first) is first


@pytest.mark.django_db
def test_loaded_corpus_links_003_to_001_as_the_detector_does(corpus):
    copy = Article.objects.get(source_document__startswith="003_")
    original = Article.objects.get(source_document__startswith="001_")
    assert copy.original == original
    assert original.original is None
    assert set(Article.objects.filter(original__isnull=False)) == {copy}
    candidates = [syndication.candidate_for(article) for article in Article.objects.all()]
    assert link_all(candidates) == {copy.pk: original.pk}
