"""App session tokens (django-allauth headless) for every /api/v1/ endpoint."""

from collections.abc import Callable

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.urls import URLResolver, get_resolver
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """X-Session-Token; a missing, expired or ended token answers 401 with WWW-Authenticate.

    As shipped, allauth's class lets a bad token through as anonymous, which DRF turns into
    403; a mobile app needs 401 to know it must log in again.
    """

    allow_anonymous_users = False
    allow_invalid_session_tokens = False

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            # The person's own language setting beats the phone's Accept-Language: messages
            # and errors come back in the language they chose in the app.
            translation.activate(result[0].language)
            request.LANGUAGE_CODE = result[0].language
            _fence_preboarding(request, result[0])
        return result


# Before day 1 a new hire may use only what a view declares open to them: their profile, push,
# their journey, and the feed and posts (which content narrows to the posts the journey links
# to). Everything else — the directory, surveys, writing, and any endpoint added later — opens
# on the start date. A view declares `open_before_start_date = True`, or the set of its actions
# that are open (a viewset); the app that knows who is before their start date registers that
# check here (`fence_before_start`), so this layer knows no app.
_before_start_checks: list[Callable[..., bool]] = []


def fence_before_start(check: Callable[..., bool]) -> None:
    """Register `check(user=)`: True while the person may use only the open endpoints."""
    if check not in _before_start_checks:
        _before_start_checks.append(check)


def route_open_before_start(callback) -> bool:
    """Whether a resolved route's view declares itself open before the start date."""
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    declared = getattr(view, "open_before_start_date", False)
    if isinstance(declared, bool):
        return declared
    return bool(set(getattr(callback, "actions", {}).values()) & set(declared))


def open_routes_before_start() -> frozenset[str]:
    """The names of the routes open before the start date, read from the URL resolver."""
    names = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name and route_open_before_start(pattern.callback):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return frozenset(names)


def __getattr__(name: str):
    # The open routes as a set of names, for readers (and tests) that want the list.
    if name == "PREBOARDING_OPEN_ROUTES":
        return open_routes_before_start()
    raise AttributeError(name)


def _fence_preboarding(request, user) -> None:
    if not any(check(user=user) for check in _before_start_checks):
        return
    match = request.resolver_match
    if match is None or not route_open_before_start(match.func):
        raise exceptions.PermissionDenied(
            _("Du får adgang til resten af appen på din første arbejdsdag.")
        )


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
