"""How good the suggesters are, held at the floors the curation issue set: run over the five seed
documents' articles, their proposals against the records editors curated (curation.quality)."""

from pathlib import Path

import pytest

from articles.models import Article
from curation.quality import measure, measure_pages

pytestmark = pytest.mark.django_db
RECALL_FLOORS = {"people": 0.95, "quotations": 0.8, "figures": 0.8, "events": 0.6}
PRECISION_FLOOR = 0.7


@pytest.fixture
def report(corpus):
    return measure(Article.objects.order_by("pk"))


@pytest.mark.parametrize("kind", RECALL_FLOORS)
def test_recall_on_the_seeds_holds_its_floor(report, kind):
    assert report[kind]["curated"] > 0
    assert report[kind]["recall"] >= RECALL_FLOORS[kind], report[kind]


def test_precision_on_the_seeds_holds_its_floor(report):
    assert report["overall"]["precision"] >= PRECISION_FLOOR, report


# Pages written after the suggesters were built, never used to tune them (tests/unseen_pages: wire
# copy, a regional paper, an opinion column, a news site, an analysis site; each with its editor's
# annotations). The first three, measured once on 2026-12-04: recall authors 1.0, people 0.857,
# quotations 0.75, events 0.70, figures 1.0; precision 0.875. Their cleaning failures (dates with a
# label or month first, a site name over a breadcrumb, copyright and tags lines) were then fixed, and
# the last two written afterwards: on those alone, recall authors 1.0, people 0.75, quotations 0.5,
# events 1.0, figures 1.0, precision 0.889. The floors hold what all five reach together (recall
# people 0.818, quotations 0.667, events 0.769; precision 0.892), so a change that loses ground shows.
# Four more pages came later from a writer who never read the code (cws-, bogota-courier-, island-dispatch-,
# nortenews-): on those alone, recall authors 1.0, people 0.88, quotations 0.667, events 0.833, figures
# 1.0, precision 0.972; all nine together stay above the floors.
UNSEEN_RECALL_FLOORS = {"authors": 1.0, "people": 0.8, "quotations": 0.65, "events": 0.75, "figures": 0.95}
UNSEEN = sorted((Path(__file__).parent / "unseen_pages").glob("*.txt"))


@pytest.fixture
def unseen_report(corpus):
    return measure_pages(UNSEEN)


def test_the_unseen_pages_are_there_with_their_annotations():
    assert len(UNSEEN) >= 3 and all(page.with_suffix(".gold.json").exists() for page in UNSEEN)


@pytest.mark.parametrize("kind", UNSEEN_RECALL_FLOORS)
def test_recall_on_pages_never_tuned_to_holds_what_it_reached(unseen_report, kind):
    assert unseen_report[kind]["recall"] >= UNSEEN_RECALL_FLOORS[kind], unseen_report[kind]


def test_precision_on_pages_never_tuned_to_holds_what_it_reached(unseen_report):
    assert unseen_report["overall"]["precision"] >= 0.85, unseen_report
