"""Logging out of the app: the session token ends, and a work-account login ends at the provider.

POST /api/v1/app/logout/ with the app's X-Session-Token → the token stops working at once; for a
session opened by a work-account login the answer names the provider's end-session URL, which
brings the browser back to /app/ (the app's login screen). Against the real provider on
loopback (tests/oidc_provider).
"""

import secrets
from urllib.parse import parse_qs, urlsplit

from allauth.usersessions.models import UserSession
from django.test import RequestFactory
from rest_framework.test import APIClient

from pwa.sso import app_session_open, challenge_of
from tests.oidc_provider.client import signed_in_session

from .test_app_redirect import app_sign_in, code_of, exchange

LOGOUT = "/api/v1/app/logout/"


def _app_token(provider, username: str) -> str:
    verifier = secrets.token_urlsafe(32)
    app_url = app_sign_in(provider, username, challenge=challenge_of(verifier))
    return exchange(code_of(app_url), verifier).json()["session_token"]


def _me(token: str) -> int:
    return APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code


def test_an_sso_app_logout_ends_the_token_and_names_the_providers_logout(sso, people):
    # Given Mette logged in to the app with her work account
    token = _app_token(sso, "mette")
    assert _me(token) == 200
    # When the app logs out
    response = APIClient().post(LOGOUT, HTTP_X_SESSION_TOKEN=token)
    # Then the token no longer works, and its session is gone
    assert response.status_code == 200, response.json()
    assert _me(token) == 401
    assert not UserSession.objects.filter(session_key=token).exists()
    # And the answer is the provider's end-session URL, back to the app's login screen
    url = urlsplit(response.json()["provider_logout_url"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/logout/"
    assert query["client_id"] == ["bro-web"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/app/"]
    assert len(query["id_token_hint"][0].split(".")) == 3
    # When the browser goes there
    idp = signed_in_session(sso, "mette")
    back = idp.get(response.json()["provider_logout_url"], allow_redirects=False, timeout=10)
    # Then the provider ends its session and sends the browser back to the app
    assert (back.status_code, back.headers["Location"]) == (302, "http://testserver/app/")
    again = idp.get(f"{sso.url}/o/userinfo/", allow_redirects=False, timeout=10)
    assert again.status_code == 401  # no provider login left in that browser


def test_a_code_login_app_logout_ends_the_token_without_the_provider(sso, people):
    # Given an app session opened by a login code (no work account)
    token = app_session_open(_request(), user=people.employee)
    # When the app logs out
    response = APIClient().post(LOGOUT, HTTP_X_SESSION_TOKEN=token)
    # Then the token ends, and there is no provider to visit
    assert (response.status_code, response.json()) == (200, {"provider_logout_url": None})
    assert _me(token) == 401


def test_logout_takes_no_fields_and_ends_nothing_when_given_some(sso, people):
    token = _app_token(sso, "mette")
    response = APIClient().post(LOGOUT, {"alle": True}, format="json", HTTP_X_SESSION_TOKEN=token)
    assert (response.status_code, response.json()["code"]) == (400, "unexpected_fields")
    assert _me(token) == 200


def test_a_logout_ends_only_the_callers_session(sso, people):
    # Given Mette logged in to the app on two phones
    first, second = _app_token(sso, "mette"), _app_token(sso, "mette")
    # When she logs out on the first
    assert APIClient().post(LOGOUT, HTTP_X_SESSION_TOKEN=first).status_code == 200
    # Then the second still works
    assert (_me(first), _me(second)) == (401, 200)


def _request():
    request = RequestFactory().post("/api/v1/app/sso/session/")
    request.session = {}
    return request
