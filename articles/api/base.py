"""Behaviour shared by every resource: one serializer base, one viewset base."""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import model_meta

from . import conditional, facet_parameter, shaping
from .change_reason import change_reason
from .exports import CSVRenderer, ExportRenderer, FormatNegotiation, NDJSONRenderer, export_operation, is_export
from .fields import STRICT_FIELD_MAPPING, ChoiceValueField
from .history import HistoryMixin
from .parsers import StrictJSONParser

WRITE_ACTIONS = {"update", "partial_update", "destroy"}


@functools.cache
def field_names_of(serializer_class) -> tuple[str, ...]:
    # Building a serializer's fields (deep copies and model introspection) cost more than a
    # 304; the names of a class's fields do not change while it runs.
    return tuple(serializer_class().get_fields())


class StrictKeys:
    """A key the resource does not accept is an error rather than ignored: a
    misspelt field name would otherwise look like a successful change."""

    def to_internal_value(self, data):
        problems = self._unexpected_keys(data)
        if problems:
            raise serializers.ValidationError(problems)
        return super().to_internal_value(data)

    def _unexpected_keys(self, data) -> dict:
        if not hasattr(data, "keys"):
            return {}
        fields = self.fields
        problems = {}
        for key in data:
            if key not in fields:
                problems[key] = ["Unknown field; see the schema for the fields this resource accepts."]
            elif fields[key].read_only:
                problems[key] = ["This field is read-only; leave it out of the request."]
        return problems


class CorpusSerializer(StrictKeys, shaping.ShapedSerializer, serializers.ModelSerializer):
    """Runs the model's own `clean()` rules, honours `fields=`/`omit=` and
    refuses unknown keys (StrictKeys).

    A write's `X-Change-Reason` rides on the instance as `_change_reason`,
    where django-simple-history finds it when it records the save (and any
    many-to-many change after it).
    """

    serializer_field_mapping = STRICT_FIELD_MAPPING
    serializer_choice_field = ChoiceValueField

    def create(self, validated_data):
        # ModelSerializer.create, but with the reason set before the first save.
        serializers.raise_errors_on_nested_writes("create", self, validated_data)
        to_many = self._pop_to_many(validated_data)
        instance = self.Meta.model(**validated_data)
        instance._change_reason = change_reason(self.context.get("request"))
        instance.save(force_insert=True)
        for name, value in to_many.items():
            getattr(instance, name).set(value)
        return instance

    def update(self, instance, validated_data):
        if not self._changes(instance, validated_data):
            # Nothing to write: no save, so no history entry and no new `modified`.
            return instance
        instance._change_reason = change_reason(self.context.get("request"))
        # Many-to-many first and unrecorded, so the save records them with the fields as one change.
        instance.skip_history_when_saving = True
        try:
            for name, value in self._pop_to_many(validated_data).items():
                getattr(instance, name).set(value)
        finally:
            del instance.skip_history_when_saving
        return super().update(instance, validated_data)

    def _changes(self, instance, validated_data) -> bool:
        relations = model_meta.get_field_info(self.Meta.model).relations
        for name, value in validated_data.items():
            info = relations.get(name)
            if info is not None and info.to_many:
                if {related.pk for related in getattr(instance, name).all()} != {related.pk for related in value}:
                    return True
            elif getattr(instance, name) != value:
                return True
        return False

    def _pop_to_many(self, validated_data) -> dict:
        relations = model_meta.get_field_info(self.Meta.model).relations
        return {
            name: validated_data.pop(name)
            for name, info in relations.items()
            if info.to_many and name in validated_data
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        try:
            candidate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        # What clean() normalised (an article's line endings, say) or worked out (evidence offsets found
        # from a quote: the model's derived_fields) is what gets saved.
        concrete = self._concrete()
        names = [*attrs, *(name for name in getattr(candidate, "derived_fields", ()) if name not in attrs)]
        return {name: getattr(candidate, name) if name in concrete else attrs[name] for name in names}

    def _concrete(self) -> set[str]:
        return {f.name for f in self.Meta.model._meta.concrete_fields}

    def _candidate(self, attrs):
        """An unsaved copy of the instance with the new values, for `clean()`."""
        model = self.Meta.model
        concrete = self._concrete()
        candidate = model() if self.instance is None else model.objects.get(pk=self.instance.pk)
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        return candidate


class CorpusViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Reads for everyone, writes for users with the model's permissions.

    A subclass names `queryset`, `serializer_class` and `filterset_class`;
    `detail_serializer_class` adds what only a single record shows. Lists
    count `facets=` declared by the filterset; the whole filtered set downloads
    from `export/csv/` and `export/ndjson/` (a subclass adds others with
    `export_operation`).
    """

    detail_serializer_class = None
    # A detail answers with an ETag and honours If-None-Match and If-Match (the schema says so).
    conditional_requests = True
    parser_classes = [StrictJSONParser]
    # JSON, the browsable API where settings turn it on (DEBUG), then the exports.
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer, NDJSONRenderer]
    content_negotiation_class = FormatNegotiation
    export_csv = export_operation(CSVRenderer)
    export_ndjson = export_operation(NDJSONRenderer)

    def get_renderers(self):
        all_renderers = super().get_renderers()
        if self.request is not None and self.request.method not in permissions.SAFE_METHODS:
            # A write is never answered in an export's media type; an export operation has no other, so the
            # 405 it answers a write with is JSON.
            writable = [renderer for renderer in all_renderers if not isinstance(renderer, ExportRenderer)]
            return writable or [renderers.JSONRenderer()]
        return all_renderers

    def perform_content_negotiation(self, request, force=False):
        renderer, media_type = super().perform_content_negotiation(request, force)
        if force and isinstance(renderer, ExportRenderer):
            # Negotiation is forced only for an error raised before it (a bad `format=`, a 406), and an
            # error is JSON, not the export's media type.
            renderer = renderers.JSONRenderer()
            media_type = renderer.media_type
        return renderer, media_type

    def list(self, request, *args, **kwargs):
        return self.list_response(self.filter_queryset(self.get_queryset()))

    def list_response(self, queryset, with_facets=True, **extra):
        """The page, with its facets and any `extra` keys before its results; or,
        for an export, the whole set streamed."""
        renderer = self.request.accepted_renderer
        if isinstance(renderer, ExportRenderer):
            # An export counts no facets, but a bad `facets=` is a 400 there too, as the schema says.
            facet_parameter.requested(self, self.request)
            facet_parameter.size(self.request)
            return renderer.stream(self, queryset)
        counts = facet_parameter.counts(self, self.request, queryset) if with_facets else None
        if counts is not None:
            extra = {"facets": counts, **extra}
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.paginator.get_paginated_response(serializer.data, **extra)

    def retrieve(self, request, *args, **kwargs):
        # The version before the record (articles.record_versions says why that order).
        etag = conditional.record_etag(self)
        if etag is not None and conditional.is_not_modified(request, etag):
            return Response(status=304, headers={"ETag": etag})
        instance = self.get_object()
        if etag is None:  # a merged person's former slug: the version of the record it names now
            etag = conditional.record_etag(self, pk=instance.pk)
        renderer = request.accepted_renderer
        if isinstance(renderer, ExportRenderer):
            data = renderer.document(self, instance)
        else:
            data = self.get_serializer(instance).data
        if etag is None:
            etag = conditional.etag_for(data, renderer.media_type)
        if conditional.is_not_modified(request, etag):
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            # The body first: an invalid one is a 400 whatever the ETag (nothing would be written either way).
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            conditional.check_if_match(request, self._current_etag(instance))
            self.perform_update(serializer)
            if getattr(instance, "_prefetched_objects_cache", None):
                instance._prefetched_objects_cache = {}
            data = serializer.data
            etag = conditional.record_etag(self, pk=instance.pk, plain=True) or conditional.etag_for(data)
        return Response(data, headers={"ETag": etag})

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            conditional.check_if_match(request, self._current_etag(instance))
            self.perform_destroy(instance)
        return Response(status=204)

    def _current_etag(self, instance) -> str | None:
        if "If-Match" not in self.request.headers:
            return None
        etag = conditional.record_etag(self, pk=instance.pk, plain=True)
        return etag or conditional.etag_for(self.get_serializer(instance).data)

    def filter_queryset(self, queryset):
        filterset_class = getattr(self, "filterset_class", None)
        if (
            self.request is None
            or filterset_class is None
            or filterset_class.base_filters.keys() & self.request.query_params.keys()
        ):
            queryset = super().filter_queryset(queryset)
        # else no filter is named: django-filter would build and check a form to change nothing,
        # an eighth of a plain page's time.
        # The write actions only: an OPTIONS request's metadata also asks for the object under a PUT.
        if self.request is not None and getattr(self, "action", None) in WRITE_ACTIONS:
            # The row stays locked until the write commits, so a concurrent
            # editor reads it only after this change and cannot overwrite it.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_serializer_class(self):
        if self.action != "list" and not is_export(self.action) and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def response_field_names(self):
        """The keys each result shows: `fields=`/`omit=` checked once per
        request and serializer, then handed to the serializer (`field_names`)."""
        serializer_class = self.get_serializer_class()
        chosen = self.__dict__.setdefault("_field_names", {})
        if serializer_class not in chosen:
            available = field_names_of(serializer_class)
            if self.request is None or self.request.method not in permissions.SAFE_METHODS:
                chosen[serializer_class] = list(available)
            else:
                chosen[serializer_class] = shaping.selected_fields(
                    available, self.request, self.shaping_names(), getattr(serializer_class, "only_when_named", ())
                )
        return chosen[serializer_class]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.method in permissions.SAFE_METHODS:
            context["field_names"] = self.response_field_names()
        # The filterset parsed `search` (see CorpusFilterSet.filter_search); the snippets reuse that query.
        context["search"] = getattr(self.request, "search_query", None)
        return context

    def shaping_names(self):
        """Names `fields=`/`omit=` accept beyond the serializer's (see shaping.selected_fields)."""
        return None

    def get_queryset(self):
        # The serializer that will write the answer says what it needs loaded:
        # an export renderer's own (JSON-LD) when it has one, else the view's.
        renderer = getattr(self.request, "accepted_renderer", None)
        serializer_class = getattr(renderer, "serializer_class", None) or self.get_serializer_class()
        return serializer_class.load(super().get_queryset(), self.response_field_names(), self.request)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        instance._change_reason = change_reason(self.request)
        with transaction.atomic():
            instance.delete()


# The most records one bulk create takes (a larger list is a 400 naming the limit).
BULK_MAX = 500


class BulkCreate:
    """A list body on create makes every record or none (NetBox's bulk
    create). Errors name each failing record by its index in the list, then
    its field: `{"2": {"quote": [...]}}`. Mixed into a CorpusViewSet."""

    bulk_max = BULK_MAX  # the schema reads it (articles.api.schema)

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            return super().create(request, *args, **kwargs)
        records = request.data
        if not records or len(records) > self.bulk_max:
            raise serializers.ValidationError(
                {"non_field_errors": [f"Send between 1 and {self.bulk_max} records; this list has {len(records)}."]}
            )
        serializer = self.get_serializer(data=records, many=True)
        if not serializer.is_valid():
            # DRF gives the failing items by index, as a list or as a dict of only the failures.
            errors = serializer.errors
            items = errors.items() if isinstance(errors, dict) else enumerate(errors)
            raise serializers.ValidationError({str(index): problem for index, problem in items if problem})
        with transaction.atomic():
            serializer.save()
        return Response(serializer.data, status=201)


def count_of(model, relation: str, distinct_field: str = "pk"):
    """A correlated COUNT subquery: evaluated only for the rows of the page,
    unlike a GROUP BY over the whole filtered set."""
    rows = (
        model.objects.filter(**{relation: OuterRef("pk")})
        .order_by()
        .values(relation)
        .annotate(n=Count(distinct_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)
