"""Behaviour shared by every resource: one serializer base, one viewset base."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework import permissions, serializers, viewsets

from . import shaping


class CorpusSerializer(serializers.ModelSerializer):
    """Runs the model's own `clean()` rules and honours `fields=`/`omit=`.

    `query_needs` maps a field to what the queryset must fetch for it, so a
    response that leaves the field out also leaves out its query.
    """

    query_needs: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or request.method not in permissions.SAFE_METHODS or not self._is_result():
            return fields
        keep = set(shaping.selected_fields(fields, request))
        return {name: field for name, field in fields.items() if name in keep}

    def _is_result(self):
        parent = self.parent
        return parent is None or (isinstance(parent, serializers.ListSerializer) and parent.parent is None)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        try:
            candidate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def _candidate(self, attrs):
        """An unsaved copy of the instance with the new values, for `clean()`."""
        model = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        candidate = model() if self.instance is None else model.objects.get(pk=self.instance.pk)
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        return candidate


class CorpusViewSet(viewsets.ModelViewSet):
    """Reads for everyone, writes for users with the model's permissions.

    A subclass names `queryset`, `serializer_class` and `filterset_class`;
    `detail_serializer_class` adds what only a single record shows.
    """

    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def response_field_names(self):
        serializer_class = self.get_serializer_class()
        available = serializer_class().get_fields()
        if self.request is None or self.request.method not in permissions.SAFE_METHODS:
            return list(available)
        return shaping.selected_fields(available, self.request)

    def get_queryset(self):
        queryset = super().get_queryset()
        needs = self.get_serializer_class().query_needs
        for name in self.response_field_names():
            if name in needs:
                queryset = needs[name](queryset)
        return queryset

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


def count_of(model, relation: str, distinct_field: str = "pk"):
    """A correlated COUNT subquery: evaluated only for the rows of the page,
    unlike a GROUP BY over the whole filtered set."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    rows = (
        model.objects.filter(**{relation: OuterRef("pk")})
        .order_by()
        .values(relation)
        .annotate(n=Count(distinct_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)
