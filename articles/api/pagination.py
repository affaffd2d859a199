from rest_framework.pagination import PageNumberPagination


class PageSizePagination(PageNumberPagination):
    """`page` and `page_size`; a page_size above the cap is clamped to it."""

    page_size_query_param = "page_size"
    max_page_size = 100
