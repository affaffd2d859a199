from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from . import facets as facet_counts


class PageSizePagination(PageNumberPagination):
    """`page` and `page_size`; a page_size above the cap is clamped to it.

    A page may carry more keys, such as `facets` (see articles.api.facets),
    between `previous` and its results.
    """

    page_size_query_param = "page_size"
    max_page_size = 100
    facet_names: list[str] = []  # set by the schema generator for the view it documents

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def check_parameters(self, request):
        """Before DRF, which reads a page_size it cannot parse as the default
        and a page it cannot parse as a 404; an export, which has no pages, checks them too."""
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
                raise ValidationError({name: [f"“{value}” is not a whole number of at least 1."]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response(self, data, **extra):
        body = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            **extra,
            "results": data,
        }
        return Response(body)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        if self.facet_names:
            properties = paginated["properties"]
            results = properties.pop("results")
            properties["facets"] = facet_counts.response_schema(self.facet_names)
            properties["results"] = results
        return paginated
