"""Ids in paths: the `<id:…>` converter and a router whose detail routes use it.

An id in a path is 1 … 2^63 − 1 (api.serializers.MAX_ID); anything else does not match the
route, so `/api/v1/posts/99999999999999999999999/` is a 404 in the error shape, never an
OverflowError from the database driver.
"""

from django.urls import register_converter
from rest_framework.routers import SimpleRouter

from .serializers import parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")


class IdRouter(SimpleRouter):
    """SimpleRouter with Django path syntax and `<id:pk>` detail routes."""

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "id"
