"""Single sign-on with work accounts: which person a login is, and the web pages' way in and out.

A login by work account never creates a person: the configured claim (SSO_MATCH: e-mail, UPN
or employee number) must name an existing, active Bro person. The first login ties the
provider's subject id to that person; every later login must agree with the claim too, so a
work account cannot move to another person unnoticed. Roles stay Bro's unless a group mapping
(SSO_GROUP_ROLES) is configured.
"""

from urllib.parse import urlencode

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import User
from .oidc import RAW_ID_TOKEN_ATTRIBUTE

# Where the raw ID token of a web login waits for the logout (the provider's logout hint).
ID_TOKEN_SESSION_KEY = "sso_id_token_hint"
# Marks a login started by one of Bro's own pages (dashboard, admin), not by an app.
WEB_FLOW_KEY = "web"
# Session keys that belong to a login flow in progress in this browser, not to the person
# logged in: they survive the end of that person's session when someone else signs in
# (take_over_browser). pwa.views names its hand-off keys with this prefix.
FLOW_KEY_PREFIX = "sso_flow_"

_DEFAULT_CLAIMS = {"email": ("email",), "upn": ("upn", "preferred_username")}


class Refusal(Exception):
    """A work-account login Bro will not accept; `code` is what an app client is told."""

    def __init__(self, code: str, title, message) -> None:
        super().__init__(code)
        self.code, self.title, self.message = code, title, message


UNKNOWN = Refusal(
    "sso_unknown_person",
    _("Vi kan ikke finde dig i Bro"),
    _(
        "Din arbejdskonto er ikke knyttet til en person i Bro. Kontakt HR, hvis du mener, "
        "at du skal have adgang."
    ),
)
DEACTIVATED = Refusal(
    "sso_deactivated",
    _("Din adgang til Bro er lukket"),
    _("Din profil i Bro er deaktiveret. Kontakt HR, hvis du mener, at det er en fejl."),
)
CONFLICT = Refusal(
    "sso_account_conflict",
    _("Arbejdskontoen passer ikke til din profil"),
    _(
        "Arbejdskontoen er knyttet til en anden profil i Bro end den, den nu peger på. "
        "Kontakt IT, så forbindelsen kan blive rettet."
    ),
)
FAILED = Refusal(
    "invalid_token",
    _("Login mislykkedes"),
    _("Vi kunne ikke bekræfte dit login hos din arbejdsgiver. Prøv igen."),
)


def provider(request: HttpRequest | None):
    """The configured OpenID Connect provider, or None when SSO is off."""
    try:
        return get_adapter().get_provider(request, settings.SSO_PROVIDER_ID)
    except SocialApp.DoesNotExist:
        return None


def enabled(request: HttpRequest | None = None) -> bool:
    return provider(request) is not None


def display_name(request: HttpRequest | None = None) -> str | None:
    found = provider(request)
    return found.name if found else None


def redirect_to_provider(request: HttpRequest, *, next_url: str, back_url: str) -> HttpResponse:
    """Send the browser to the provider (state, nonce and PKCE kept in the session)."""
    found = provider(request)
    if found is None:
        raise Http404
    return found.redirect(
        request,
        AuthProcess.LOGIN,
        next_url=next_url,
        data={WEB_FLOW_KEY: True, "back": back_url},
    )


def is_web_flow(state: dict | None) -> bool:
    return bool(((state or {}).get("data") or {}).get(WEB_FLOW_KEY))


def back_url(state: dict | None) -> str | None:
    return ((state or {}).get("data") or {}).get("back")


def claims_of(sociallogin) -> dict:
    """The login's claims: the ID token's, completed by the userinfo endpoint's."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}


def _match_value(claims: dict) -> str | None:
    names = (
        (settings.SSO_MATCH_CLAIM_NAME,)
        if settings.SSO_MATCH_CLAIM_NAME
        else _DEFAULT_CLAIMS.get(settings.SSO_MATCH, (settings.SSO_MATCH,))
    )
    for name in names:
        value = claims.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value)
    return None


def person_for(sociallogin) -> User:
    """The active person this login is, tied to the work account; or a Refusal."""
    claims = claims_of(sociallogin)
    if settings.SSO_MATCH == "email" and claims.get("email_verified") is False:
        # A provider that says the address is unverified does not vouch for it (nOAuth).
        raise UNKNOWN
    value = _match_value(claims)
    field = "employee_number" if settings.SSO_MATCH == "employee_number" else "email"
    person = selectors.person_for_sso(field=field, value=value) if value else None
    if sociallogin.is_existing and (person is None or person.pk != sociallogin.user.pk):
        raise CONFLICT
    if person is None:
        raise UNKNOWN
    if not person.is_active:
        raise DEACTIVATED
    if not sociallogin.is_existing:
        if person.socialaccount_set.filter(provider=sociallogin.account.provider).exists():
            raise CONFLICT  # the person already has another work account of this provider
        sociallogin.account = services.sso_account_link(
            user=person,
            provider_id=sociallogin.account.provider,
            uid=sociallogin.account.uid,
            claims=sociallogin.account.extra_data,
        )
    if settings.SSO_GROUP_ROLES:
        groups = claims.get(settings.SSO_GROUP_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        services.sso_roles_sync(user=person, groups=groups, group_roles=settings.SSO_GROUP_ROLES)
    sociallogin.user = person
    return person


def take_over_browser(request: HttpRequest, *, person: User | None) -> None:
    """Start the work-account login's session afresh: whoever was logged in here is logged out.

    A shared phone or PC (a care home's office): the person who just signed in at the provider
    is the one at the keyboard, so the previous person's session ends (its row and its
    UserSession go) rather than making the login fail; `person` None is a refused login, which
    ends it too, so nobody is left logged in behind a refusal. The same person gets a new
    session key as well (no session fixation). Only the flows in progress (FLOW_KEY_PREFIX)
    are carried over.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    kept = {key: value for key, value in request.session.items() if key.startswith(FLOW_KEY_PREFIX)}
    states = request.session.get(statekit.STATES_SESSION_KEY)
    if states and person is not None and person.pk == user.pk:
        # allauth's own states of this person's other logins in progress stay too.
        kept[statekit.STATES_SESSION_KEY] = states
    old_key = request.session.session_key
    logout(request)
    if old_key:
        UserSession.objects.filter(session_key=old_key).delete()
    request.session.update(kept)


def remember_logout_hint(request: HttpRequest, sociallogin) -> None:
    """Keep a redirect login's raw ID token in its session, for the provider's logout.

    A page's login keeps it in the cookie session; the app's hand-off (pwa.views) carries it on
    into the app session.
    """
    raw = getattr(sociallogin, RAW_ID_TOKEN_ATTRIBUTE, None)
    if raw:
        request.session[ID_TOKEN_SESSION_KEY] = raw


def provider_logout_url(request: HttpRequest, *, then: str, session=None) -> str | None:
    """The provider's end-session URL for a session started by SSO, if the provider has one.

    Read before the Django logout (which empties the session). RP-Initiated Logout 1.0:
    id_token_hint, client_id and where to come back to (registered at the provider).
    `session` is an app's session (its token's), when it is not the request's cookie one.
    """
    hint = (request.session if session is None else session).get(ID_TOKEN_SESSION_KEY)
    found = provider(request) if hint else None
    if found is None:
        return None
    try:
        endpoint = found.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
    except (OAuth2Error, requests.RequestException, ValueError):
        return None  # the provider is unreachable: the Bro session still ends
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": hint,
            "client_id": found.app.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(then),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
