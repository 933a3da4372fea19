"""Work-account login for the app (the PWA): allauth's redirect flow, then a one-time hand-off.

allauth keeps a redirect flow's state (state, nonce, PKCE verifier) in the browser's cookie
session, which the app — an allauth headless "app" client, holding a session token and no
cookie — does not have. So the app sends the browser through Bro's own start page, which runs
allauth's flow in the cookie session (headless, so a refusal comes back as `?error=<code>`);
at the end Bro mints a one-time code and hands it to the app in the URL fragment, and the app
exchanges it (POST /api/v1/app/sso/session/) for an app session token, like the one a login by
code gives.

The code is bound to the app instance that started the flow, as in PKCE (RFC 7636): the app
sends SHA-256 of a random verifier when it starts and the verifier itself when it exchanges, so
a code pushed into someone else's app (login CSRF) or read from a history entry is worthless.
It works once, for CODE_SECONDS, and only while the person's session rules still hold.
"""

import base64
import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from django.contrib.auth import login, logout
from django.core.cache import cache
from django.http import HttpRequest

from org import sso as org_sso
from org.models import User

CODE_SECONDS = 120
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of 32 bytes, no padding
_KEY = "bro:app-sso:{}"


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _key(code: str) -> str:
    return _KEY.format(hashlib.sha256(code.encode()).hexdigest())


class Redeemed(NamedTuple):
    user: User
    logout_hint: str | None  # the login's raw ID token, for the provider's logout


def code_issue(*, user: User, challenge: str, logout_hint: str | None = None) -> str:
    """A one-time code for `user`, redeemable with the verifier behind `challenge`."""
    code = secrets.token_urlsafe(32)
    entry = {
        "user_id": user.pk,
        "challenge": challenge,
        "hash": user.get_session_auth_hash(),
        "logout_hint": logout_hint,
    }
    cache.set(_key(code), entry, timeout=CODE_SECONDS)
    return code


def code_redeem(*, code: str, verifier: str) -> Redeemed | None:
    """The person behind a valid, unused code and its verifier; None for anything else.

    The code is spent by the first attempt, right or wrong: a guessed verifier gets one try.
    """
    key = _key(code)
    entry = cache.get(key)
    if entry is None or not cache.delete(key):  # of two concurrent redeems, one deletes
        return None
    if not hmac.compare_digest(challenge_of(verifier), entry["challenge"]):
        return None
    user = User.objects.filter(pk=entry["user_id"], is_active=True).first()
    if user is None or not hmac.compare_digest(user.get_session_auth_hash(), entry["hash"]):
        return None  # deactivated, or every session ended, since the provider said yes
    return Redeemed(user, entry.get("logout_hint"))


def app_session_open(request: HttpRequest, *, user: User, logout_hint: str | None = None) -> str:
    """A new app session for `user` (its key is the session token), apart from any cookie one.

    `logout_hint` (the raw ID token of a work-account login) stays in the session for the
    provider's logout (POST /api/v1/app/logout/).
    """
    from allauth.headless.internal import sessionkit
    from allauth.usersessions.models import UserSession

    cookie_session = request.session
    request.session = sessionkit.new_session()
    try:
        # Django's login puts the session auth hash in (a rotated stamp ends the session);
        # the UserSession row lets "end every session" (org.services) find and delete it.
        login(request, user, backend="org.backends.AuthenticationBackend")
        if logout_hint:
            request.session[org_sso.ID_TOKEN_SESSION_KEY] = logout_hint
        request.session.save()
        UserSession.objects.create_from_request(request, user=user)
        return request.session.session_key
    finally:
        request.session = cookie_session
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False  # login rotates it; no cookie here


def app_session_close(request: HttpRequest, *, user: User, session) -> str | None:
    """End an app session (its token stops working); the provider's logout URL, if it has one.

    A session opened by a work-account login kept the login's ID token (app_session_open); the
    provider's end-session URL with it brings the browser back to the app's login screen. Read
    before the session is flushed.
    """
    from allauth.usersessions.models import UserSession

    at_provider = org_sso.provider_logout_url(request, then="/app/", session=session)
    session_key = session.session_key
    cookie_session, cookie_user = request.session, getattr(request, "user", None)
    request.session, request.user = session, user
    try:
        # Django's logout sends user_logged_out first (push retires this session's device),
        # then deletes the session from the store.
        logout(request)
        UserSession.objects.filter(session_key=session_key).delete()
    finally:
        request.session, request.user = cookie_session, cookie_user
    return at_provider
