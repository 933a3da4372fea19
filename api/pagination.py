from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers for lists a person browses; `page_size` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200


class LargePageNumberPagination(PageNumberPagination):
    """For small reference lists (the unit tree) that the app loads whole."""

    page_size = 500
    max_page_size = 1000
