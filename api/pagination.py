from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def parse_page_size(raw: str | None, *, default: int, maximum: int) -> int:
    """`page_size` from the query string: absent → default; not 1 … maximum → 400.

    Refused rather than capped or ignored, so the server does what the schema says
    (minimum 1, maximum `maximum`) and a client's typo does not silently change the page.
    """
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ValidationError(
            {"page_size": [_("Skal være et helt tal fra 1 til %(max)d.") % {"max": maximum}]}
        )
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers for lists a person browses; `page_size` 1 … 200."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return parse_page_size(
            request.query_params.get(self.page_size_query_param),
            default=self.page_size,
            maximum=self.max_page_size,
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters


class LargePageNumberPagination(PageNumberPagination):
    """For small reference lists (the unit tree) that the app loads whole."""

    page_size = 500
    max_page_size = 1000


def page_parameters(paginator_class=PageNumberPagination) -> list[OpenApiParameter]:
    """The query parameters of a page-numbered list, for `extend_schema(parameters=…)`.

    drf-spectacular adds them to list actions only; a view that pages inside another action
    (e.g. a thread of comments answered with extra keys) names them with this.
    """
    return [
        OpenApiParameter(
            parameter["name"],
            parameter["schema"],
            OpenApiParameter.QUERY,
            description=parameter.get("description", ""),
        )
        for parameter in paginator_class().get_schema_operation_parameters(view=None)
    ]
