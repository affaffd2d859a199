"""`POST /api/v1/articles/import/`: the API's door to the import pipeline (curation.importing).

It answers with the article's detail as `GET /articles/{id}/` gives it, plus what the import found:
the lines the cleaner removed and why, a near copy it linked, and the stored suggestions (accept them
with `POST /api/v1/suggestions/accept/`). A dry run answers the same, from inside a transaction that
is rolled back, so its suggestions have no ids.
"""

from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from articles.api.base import StrictKeys
from articles.api.serializers import ArticleDetailSerializer

from .. import importing
from .suggestions import SuggestionSerializer


class ImportRequestSerializer(StrictKeys, serializers.Serializer):
    text = serializers.CharField(
        trim_whitespace=False,
        help_text="The document exactly as received: plain text as scraped, or an HTML page as saved.",
    )
    source_document = serializers.CharField(
        max_length=255, help_text="A unique name for the document, e.g. its file name: `ledger-2026-02-04.html`."
    )
    outlet = serializers.SlugField(required=False, help_text="Slug of the publishing outlet, if it is known.")
    new_outlet = serializers.CharField(
        required=False, max_length=200, help_text="Name of an outlet to create for it, instead of `outlet`."
    )
    title = serializers.CharField(required=False, help_text="The title, where the document's first line is not it.")
    summary = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The text of the paragraph that is the dek; it leaves the body.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Clean and suggest, and answer as an import would, but save nothing (a 200)."
    )

    def validate(self, attrs):
        if attrs.get("outlet") and attrs.get("new_outlet"):
            raise serializers.ValidationError({"new_outlet": ["Give either `outlet` or `new_outlet`, not both."]})
        return attrs


class RemovedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1-based line number in the document (or in the page's text).")
    rule = serializers.CharField(help_text='Why it left the body, e.g. "dateline", "related links", "byline".')
    text = serializers.CharField()


class ImportSuggestionSerializer(SuggestionSerializer):
    id = serializers.IntegerField(allow_null=True, read_only=True, help_text="Null in a dry run: nothing is stored.")


class CopyFoundSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(
        choices=["copy_of", "original_of"],
        help_text="copy_of: this article was linked as a copy of `article`; original_of: `article` was a copy "
        "of this one, and now points here.",
    )
    article = serializers.IntegerField()
    containment = serializers.FloatField(help_text="Share of the shorter text's word 5-grams found in the other.")


class ImportedArticleSerializer(ArticleDetailSerializer):
    format = serializers.ChoiceField(choices=["text", "html"], read_only=True)
    removed = RemovedLineSerializer(many=True, read_only=True)
    duplicate = CopyFoundSerializer(read_only=True, allow_null=True)
    suggestions = ImportSuggestionSerializer(many=True, read_only=True)

    class Meta(ArticleDetailSerializer.Meta):
        fields = [*ArticleDetailSerializer.Meta.fields, "format", "removed", "duplicate", "suggestions"]


def import_document(view, request):
    given = ImportRequestSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    values = given.validated_data
    if values.get("new_outlet") and not request.user.has_perm("articles.add_outlet"):
        raise PermissionDenied("Creating an outlet needs the permission to add outlets; give `outlet` instead.")
    context = view.get_serializer_context()

    def answer(result: importing.Imported) -> dict:
        data = dict(ArticleDetailSerializer(result.article, context=context).data)
        data["format"] = result.format
        data["removed"] = [{"line": r.line, "rule": r.rule, "text": r.text} for r in result.cleaned.removed]
        data["duplicate"] = result.syndication
        data["suggestions"] = ImportSuggestionSerializer(result.suggestions, many=True).data
        if values["dry_run"]:
            for suggestion in data["suggestions"]:
                suggestion["id"] = None
        return data

    try:
        result = importing.run(
            values["text"],
            values["source_document"],
            outlet=importing.outlet_for(values.get("outlet")),
            new_outlet=values.get("new_outlet"),
            title=values.get("title"),
            summary=values.get("summary"),
            dry_run=values["dry_run"],
            change_reason=f"Imported from {values['source_document']} through the API",
            represent=answer,
        )
    except importing.ImportRefused as error:
        raise serializers.ValidationError({key: [message] for key, message in error.errors.items()}) from error
    headers = {} if values["dry_run"] else {"Location": result.article.get_absolute_url()}
    return Response(
        result.represented, status=status.HTTP_200_OK if values["dry_run"] else status.HTTP_201_CREATED, headers=headers
    )
