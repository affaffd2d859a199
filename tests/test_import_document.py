"""import_document: a new raw text becomes an Article, cleaned, linked and annotated."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, PersonMention
from curation.fixture_build import DOCUMENTS_DIR, read_document

NEW_DOCUMENT = (
    "Havana and Caracas after the storm\n"
    "- Example Times\n"
    "- 2 hours ago\n"
    "- 4 min read\n"
    "By Jane Doe\n"
    "Photo: Reuters\n"
    "Delcy Rodriguez met Miguel Díaz-Canel in Havana while President Maduro remained in US custody; "
    "Chavez’s legacy was invoked by both, and Trump’s envoy said nothing.\n"
    "\n"
    "Related articles\n"
    "Comments\n"
)


def run(*args):
    out = io.StringIO()
    call_command("import_document", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def new_file(tmp_path):
    path = tmp_path / "new_article.txt"
    path.write_text(NEW_DOCUMENT, encoding="utf-8", newline="")
    return path


def test_new_document_becomes_a_clean_article_with_suggestions(corpus, new_file):
    output = run(new_file, "--outlet", "telesur")
    article = Article.objects.get(source_document="new_article.txt")
    assert article.title == "Havana and Caracas after the storm"
    assert article.outlet.slug == "telesur"
    assert article.source_text == NEW_DOCUMENT
    assert article.caption == "Photo: Reuters"
    assert article.body.startswith("Delcy Rodriguez met Miguel Díaz-Canel")
    for furniture in ("hours ago", "min read", "Related articles", "Comments", "By Jane Doe", "Example Times"):
        assert furniture not in article.body
    assert article.original is None
    assert "no near-duplicate" in output
    for slug, quote in [
        ("delcy-rodriguez", "Delcy Rodriguez"),
        ("miguel-diaz-canel", "Miguel Díaz-Canel"),
        ("nicolas-maduro", "Maduro"),
        ("hugo-chavez", "Chavez"),
        ("donald-trump", "Trump"),
    ]:
        start = article.body.index(quote)
        assert f"Suggest {slug} " in output
        assert f"{quote!r} at {start}:{start + len(quote)}" in output
    assert not article.person_mentions.exists(), "suggestions wait for an editor unless accepted"


def test_accepted_suggestions_become_mentions_with_valid_evidence(corpus, new_file):
    run(new_file, "--accept-suggestions")
    article = Article.objects.get(source_document="new_article.txt")
    mentions = PersonMention.objects.filter(article=article)
    assert set(mentions.values_list("person__slug", flat=True)) == {
        "delcy-rodriguez",
        "miguel-diaz-canel",
        "nicolas-maduro",
        "hugo-chavez",
        "donald-trump",
    }
    for mention in mentions:
        assert mention.role == "mentioned"
        assert article.body[mention.start : mention.end] == mention.quote
    call_command("check_corpus", stdout=io.StringIO())


def test_a_copy_of_001_is_linked_as_syndicated(corpus, tmp_path):
    # A re-wrapped copy: straight apostrophes, other furniture.
    raw = read_document(DOCUMENTS_DIR / "001_4fbe320454e6bd95.txt").replace("’", "'")
    path = tmp_path / "copy_elsewhere.txt"
    path.write_text("Cookie settings: we use cookies.\n" + raw, encoding="utf-8", newline="")
    output = run(path)
    copy = Article.objects.get(source_document="copy_elsewhere.txt")
    original = Article.objects.get(source_document="001_4fbe320454e6bd95.txt")
    assert copy.original == original
    assert f"a copy of article {original.pk}" in output
    call_command("check_corpus", stdout=io.StringIO())


def test_an_imported_original_takes_over_its_copy(corpus, tmp_path):
    Article.objects.filter(source_document="001_4fbe320454e6bd95.txt").delete()
    copy = Article.objects.get(source_document="003_4ecf85418f5e886b.txt")
    assert copy.original is None
    path = tmp_path / "the_original.txt"
    path.write_text(read_document(DOCUMENTS_DIR / "001_4fbe320454e6bd95.txt"), encoding="utf-8", newline="")
    output = run(path, "--outlet", "the-left-chapter")
    imported = Article.objects.get(source_document="the_original.txt")
    copy.refresh_from_db()
    assert copy.original == imported
    assert imported.original is None
    assert "is a copy of this one" in output


def test_reimporting_the_same_file_is_refused_not_duplicated(corpus, new_file):
    run(new_file)
    with pytest.raises(CommandError, match="already imported"):
        run(new_file)
    assert Article.objects.filter(source_document="new_article.txt").count() == 1
    output = run(new_file, "--update")
    assert "Updated article" in output
    assert Article.objects.filter(source_document="new_article.txt").count() == 1


def test_dry_run_saves_nothing(corpus, new_file):
    before = Article.objects.count()
    output = run(new_file, "--dry-run", "--accept-suggestions")
    assert "Dry run" in output
    assert Article.objects.count() == before
    assert not PersonMention.objects.filter(article__source_document="new_article.txt").exists()


def test_unknown_outlet_and_missing_file_are_clear_errors(corpus, new_file, tmp_path):
    with pytest.raises(CommandError, match="Unknown outlet 'nope'. Known outlets: "):
        run(new_file, "--outlet", "nope")
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "absent.txt")


def test_a_dry_run_report_says_what_would_be_made_not_what_was(corpus, new_file):
    output = run(new_file, "--dry-run")
    assert "Would create an article from new_article.txt." in output and "Created article" not in output
