"""Suggestions through the API: `/api/v1/suggestions/` lists them (editors only), and
`accept/`, `reject/` and `undo/` decide several at once, all or none (curation.suggesting).
`/api/v1/articles/{id}/suggestions/` lists one article's, and a POST there runs the suggesters.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions
from rest_framework.response import Response

from accounts.permissions import TokenScope
from articles.api.base import StrictKeys
from articles.api.error_statuses import error_responses
from articles.api.parsers import StrictJSONParser
from articles.filtersets import id_filter
from articles.models import Article, PersonMention

from .. import suggesting
from ..models import Suggestion

DECIDE_MAX = 500
ID_MAX = 2**63 - 1  # the largest id the databases store; a larger one is a 400, not an overflow


class SuggestionPermissions(DjangoModelPermissions):
    """Suggestions are the editors' worklist: reading them needs `view_suggestion`, deciding them
    `change_suggestion` (and accepting, the permission to add the record it creates)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class SuggestionTargetSerializer(serializers.Serializer):
    person = serializers.SlugField(
        required=False, allow_null=True, help_text="Person mentions: the person's slug; null for someone new."
    )
    name = serializers.CharField(required=False, help_text="Person mentions: the name as the text gives it.")
    role = serializers.ChoiceField(choices=PersonMention.Role.choices, required=False)
    event = serializers.SlugField(required=False, help_text="Event mentions: the event's slug.")
    value = serializers.DecimalField(max_digits=20, decimal_places=4, required=False, coerce_to_string=True)
    value_max = serializers.DecimalField(
        max_digits=20, decimal_places=4, required=False, allow_null=True, coerce_to_string=True
    )
    qualifier = serializers.ChoiceField(
        choices=["exact", "approximately", "at_least", "at_most", "range"], required=False
    )
    unit = serializers.CharField(required=False)
    metric = serializers.SlugField(required=False, help_text="Figures: an existing metric where one fits.")
    label = serializers.CharField(required=False)


class SuggestionSerializer(serializers.ModelSerializer):
    target = SuggestionTargetSerializer(help_text="What the record would hold beyond its evidence.")
    article = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id", "article", "kind", "state", "score", "suggester", "field", "quote", "prefix", "suffix", "start",
            "end", "target", "record_id", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class SuggestionResultsSerializer(serializers.Serializer):
    """Every suggestion a decision or a run touched, unpaged (a decision takes at most DECIDE_MAX)."""

    results = SuggestionSerializer(many=True)


class DecisionSerializer(StrictKeys, serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), min_length=1, max_length=DECIDE_MAX,
        help_text="The suggestions to decide, all or none.",
    )  # fmt: skip

    def validate_ids(self, ids):
        found = set(Suggestion.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise serializers.ValidationError(f"No suggestion with id {', '.join(map(str, missing))}.")
        return list(dict.fromkeys(ids))


class AcceptSerializer(DecisionSerializer):
    create_people = serializers.BooleanField(
        default=False, help_text="Create the people not yet in the corpus (needs add_person); else those are refused."
    )


class SuggestionFilterSet(filters.FilterSet):
    # An id an article can have, as every other list's `article`: a number past the database's integers is a 400.
    article = id_filter("article", Article.objects.all())
    # As on the other lists: repeat a parameter for OR, and an empty value is a 400, not ignored.
    state = filters.MultipleChoiceFilter(field_name="state", lookup_expr="exact", choices=Suggestion.State.choices)
    kind = filters.MultipleChoiceFilter(field_name="kind", lookup_expr="exact", choices=Suggestion.Kind.choices)

    class Meta:
        model = Suggestion
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="List suggestions",
        description="Editors only (`view_suggestion`). The suggesters' proposals across the corpus, each with its "
        "evidence, score, suggester and state, filtered by `article`, `state` and `kind`.\n\n"
        "Example: `GET /api/v1/suggestions/?state=pending&kind=figure`",
    ),
    retrieve=extend_schema(
        summary="Read one suggestion",
        description="Editors only (`view_suggestion`). One suggestion, with what accepting it would create "
        "(`target`) and, once accepted, the id of the record it created.\n\nExample: `GET /api/v1/suggestions/12/`",
    ),
)
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Suggestion.objects.order_by("article_id", "field", "start", "id")
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilterSet
    permission_classes = [SuggestionPermissions, TokenScope]
    parser_classes = [StrictJSONParser]

    def _decide(self, request, serializer_class, decide):
        given = serializer_class(data=request.data)
        given.is_valid(raise_exception=True)
        ids = given.validated_data["ids"]
        chosen = list(Suggestion.objects.select_related("article").filter(pk__in=ids).order_by("pk"))
        extra = {k: v for k, v in given.validated_data.items() if k != "ids"}
        try:
            decide(chosen, request.user, **extra)
        except suggesting.DecisionRefused as refused:
            raise serializers.ValidationError(
                {"ids": [f"Suggestion {key}: {message}" for key, message in refused.errors.items()]}
            ) from refused
        decided = Suggestion.objects.filter(pk__in=ids).order_by("pk")
        return Response({"results": SuggestionSerializer(decided, many=True).data})

    @extend_schema(
        summary="Accept suggestions",
        description="Create the mention or figure of each suggestion, with its evidence; all or none. "
        'Example: `{"ids": [12, 13, 15]}`.',
        request=AcceptSerializer,
        responses={200: SuggestionResultsSerializer, **error_responses("POST", detail=False)},
    )
    @action(detail=False, methods=["post"])
    def accept(self, request):
        return self._decide(request, AcceptSerializer, suggesting.accept)

    @extend_schema(
        summary="Reject suggestions",
        description="Mark each suggestion rejected, all or none; the suggesters will not propose them again. "
        'Example: `{"ids": [14]}`.',
        request=DecisionSerializer,
        responses={200: SuggestionResultsSerializer, **error_responses("POST", detail=False)},
    )
    @action(detail=False, methods=["post"])
    def reject(self, request):
        return self._decide(request, DecisionSerializer, suggesting.reject)

    @extend_schema(
        summary="Undo decisions on suggestions",
        description="Put accepted or rejected suggestions back to pending, all or none; undoing an acceptance "
        'deletes the record it created (needs the permission to delete it). Example: `{"ids": [12]}`.',
        request=DecisionSerializer,
        responses={200: SuggestionResultsSerializer, **error_responses("POST", detail=False)},
    )
    @action(detail=False, methods=["post"])
    def undo(self, request):
        return self._decide(request, DecisionSerializer, suggesting.undo)


class ArticleSuggestionPermissions(BasePermission):
    """`/articles/{id}/suggestions/`: reading needs `view_suggestion`, running the suggesters `add_suggestion`."""

    def has_permission(self, request, view):
        needed = "curation.view_suggestion" if request.method in SAFE_METHODS else "curation.add_suggestion"
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(needed))


def article_suggestions(request, article):
    """GET: the article's suggestions, pending ones unless `state` says otherwise (`all` for every
    state). POST: run the suggesters now; 201 with the new ones."""
    if request.method == "POST":
        new = suggesting.refresh(article)
        return Response({"results": SuggestionSerializer(new, many=True).data}, status=status.HTTP_201_CREATED)
    suggestions = Suggestion.objects.filter(article=article).order_by("field", "start", "id")
    state = request.query_params.get("state", "pending")
    if state != "all":
        if state not in Suggestion.State.values:
            raise serializers.ValidationError(
                {"state": [f"Unknown state {state!r}; one of: all, {', '.join(Suggestion.State.values)}."]}
            )
        suggestions = suggestions.filter(state=state)
    return Response({"results": SuggestionSerializer(suggestions, many=True).data})
