"""App session tokens (django-allauth headless) for every /api/v1/ endpoint."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
        return result


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
