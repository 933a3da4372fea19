"""A link sent by SMS or e-mail, opened in the app: the signed link token as the credential.

The app sends the token of /l/<token>/ (push.links) as `X-Link-Token`. It stands for one person
and one object (a post, a survey wave) until it expires, exactly as the server-rendered link
page does, and opens nothing else: only the routes that read or answer that one object (and the
person's own profile, for their language). No session is made, so allauth's own endpoints (the
person's e-mail addresses, phone, sessions) never see it, and a forwarded link cannot be turned
into a login.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from org.models import User
from push import links

# Per link kind: the routes (URL names) it opens, and the path argument that must be its object.
LINK_ROUTES: dict[str, dict[str, str | None]] = {
    "post": {
        "app-link": None,
        "me": None,
        "post-detail": "pk",
        "post-acknowledge": "pk",
        "post-attachment": "pk",
        "post-ics": "pk",
        "post-rsvp": "pk",
    },
    "wave": {
        "app-link": None,
        "me": None,
        "survey-open": None,
        "survey-wave-responses": "wave_id",
    },
}
READ_ONLY_ROUTES = frozenset({"app-link", "me", "survey-open"})


class LinkTokenAuthentication(authentication.BaseAuthentication):
    header = "X-Link-Token"

    def authenticate(self, request):
        token = request.headers.get(self.header)
        if not token:
            return None
        target = links.link_read(token)
        user = None
        if target is not None:
            user = User.objects.select_related("unit").filter(pk=target.user_id).first()
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Linket er ugyldigt eller udløbet."))
        match = request.resolver_match
        opened = LINK_ROUTES.get(target.kind, {})
        name = match.url_name if match else None
        argument = opened.get(name)
        allowed = name in opened and (
            argument is None or match.kwargs.get(argument) == target.object_id
        )
        if allowed and name in READ_ONLY_ROUTES:
            allowed = request.method in ("GET", "HEAD", "OPTIONS")
        if not allowed:
            raise exceptions.PermissionDenied(
                _("Linket giver kun adgang til det, det blev sendt om. Log ind for at se mere.")
            )
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
        return user, target

    def authenticate_header(self, request) -> str:
        return self.header


class LinkTokenScheme(OpenApiAuthenticationExtension):
    target_class = LinkTokenAuthentication
    name = "linkToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": LinkTokenAuthentication.header,
            "description": "The token of a link sent by SMS or e-mail: one post or survey wave.",
        }
