"""App session tokens (django-allauth headless) for every /api/v1/ endpoint."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
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


# What a new hire may use before day 1: their profile, push, their journey, and the feed and
# posts (which content narrows to the posts the journey links to). Everything else — the
# directory, surveys, writing, and any endpoint added later — opens on the start date.
PREBOARDING_OPEN_ROUTES = frozenset(
    {
        "me",
        "me-export",
        "push-devices",
        "push-device",
        "push-preferences",
        "push-inbox",
        "push-opened",
        "push-alert",
        "push-answer",
        "feed",
        "post-detail",
        "post-acknowledge",
        "post-attachment",
        "onboarding-my-journey",
        "onboarding-step-detail",
        "onboarding-step-complete",
    }
)


def _fence_preboarding(request, user) -> None:
    from onboarding.selectors import user_is_preboarding

    if not user_is_preboarding(user=user):
        return
    route = request.resolver_match.url_name if request.resolver_match else None
    if route not in PREBOARDING_OPEN_ROUTES:
        raise exceptions.PermissionDenied(
            _("Du får adgang til resten af appen på din første arbejdsdag.")
        )


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
