"""The app's (PWA's) work-account login: allauth's redirect flow, then a one-time code hand-off.

GET /app/sso/start/?challenge=… → the provider → allauth's callback → /app/sso/done/ →
/app/#/sso?code=… → POST /api/v1/app/sso/session/ {code, verifier} → a session token the API
accepts. Against the real provider on loopback (tests/oidc_provider).
"""

import secrets
from urllib.parse import parse_qs, urlsplit

from allauth.usersessions.models import UserSession
from django.test import Client
from rest_framework.test import APIClient

from org import services
from pwa.sso import challenge_of
from tests.oidc_provider.client import authorize, signed_in_session

START = "/app/sso/start/"
EXCHANGE = "/api/v1/app/sso/session/"


def app_sign_in(provider, username: str, *, challenge: str, client: Client | None = None) -> str:
    """Start the app's flow, sign in at the provider, come back: the app URL Bro ends on."""
    client = client or Client()
    response = client.get(START, {"challenge": challenge})
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"{provider.issuer}/authorize/")
    back = urlsplit(authorize(signed_in_session(provider, username), response["Location"]))
    done = client.get(f"{back.path}?{back.query}")
    assert (done.status_code, done["Location"].split("?")[0]) == (302, "/app/sso/done/")
    landed = client.get(done["Location"])
    assert landed.status_code == 302
    return landed["Location"]


def code_of(app_url: str) -> str:
    fragment = urlsplit(app_url).fragment  # "/sso?code=…"
    assert fragment.startswith("/sso?")
    return parse_qs(fragment.split("?", 1)[1])["code"][0]


def exchange(code: str, verifier: str):
    return APIClient().post(EXCHANGE, {"code": code, "verifier": verifier}, format="json")


def test_an_employee_logs_in_to_the_app_with_the_work_account(sso, people):
    # Given the app's secret verifier and its challenge
    verifier = secrets.token_urlsafe(32)
    client = Client()
    # When Mette starts the app's work-account login and signs in at the provider
    app_url = app_sign_in(sso, "mette", challenge=challenge_of(verifier), client=client)
    # Then Bro sends the browser back to the app with a one-time code, and keeps no cookie login
    assert app_url.startswith("/app/#/sso?code=")
    assert "_auth_user_id" not in client.session
    # When the app exchanges the code with its verifier
    response = exchange(code_of(app_url), verifier)
    # Then it has a session token the API answers /me/ with, tracked as her session
    assert response.status_code == 200, response.json()
    token = response.json()["session_token"]
    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert (me.status_code, me.json()["id"]) == (200, people.employee.pk)
    assert UserSession.objects.filter(user=people.employee, session_key=token).count() == 1
    # And deactivation ends that session at once
    services.user_deactivate(user=people.employee)
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401


def test_a_code_works_once_and_only_with_its_verifier(sso, people):
    verifier = secrets.token_urlsafe(32)
    code = code_of(app_sign_in(sso, "mette", challenge=challenge_of(verifier)))
    # When someone else's app (another verifier) tries the code
    wrong = exchange(code, secrets.token_urlsafe(32))
    # Then it is refused, and the code is spent: the right verifier cannot use it afterwards
    assert (wrong.status_code, wrong.json()["code"]) == (400, "sso_code_invalid")
    assert exchange(code, verifier).status_code == 400
    # And a fresh code works once
    code = code_of(app_sign_in(sso, "mette", challenge=challenge_of(verifier)))
    assert exchange(code, verifier).status_code == 200
    assert exchange(code, verifier).json()["code"] == "sso_code_invalid"
    assert UserSession.objects.filter(user=people.employee).count() == 1


def test_a_code_of_a_person_deactivated_since_is_refused(sso, people):
    verifier = secrets.token_urlsafe(32)
    code = code_of(app_sign_in(sso, "mette", challenge=challenge_of(verifier)))
    services.user_deactivate(user=people.employee)
    assert exchange(code, verifier).json()["code"] == "sso_code_invalid"
    assert UserSession.objects.filter(user=people.employee).count() == 0


def test_an_unknown_and_a_deactivated_person_are_sent_back_with_the_reason(sso, people):
    challenge = challenge_of(secrets.token_urlsafe(32))
    assert app_sign_in(sso, "ukendt", challenge=challenge) == (
        "/app/#/login?sso_error=sso_unknown_person"
    )
    assert app_sign_in(sso, "lukket", challenge=challenge) == (
        "/app/#/login?sso_error=sso_deactivated"
    )
    assert UserSession.objects.count() == 0


def test_a_start_without_a_valid_challenge_or_without_sso_goes_back_to_the_login(
    sso, people, settings
):
    bad = Client().get(START, {"challenge": "short"})
    assert (bad.status_code, bad["Location"]) == (302, "/app/#/login?sso_error=sso_unavailable")
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    off = Client().get(START, {"challenge": challenge_of("x" * 43)})
    assert (off.status_code, off["Location"]) == (302, "/app/#/login?sso_error=sso_unavailable")


def test_done_without_a_flow_hands_out_nothing(db):
    response = Client().get("/app/sso/done/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/app/#/login?sso_error=sso_failed",
    )


def test_bad_exchange_input_is_a_clear_400(db):
    for body in (
        {},
        {"code": "x"},
        {"code": "x", "verifier": "short"},
        {"code": "x", "verifier": "v" * 43, "extra": 1},
    ):
        response = APIClient().post(EXCHANGE, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] in {"validation_error", "sso_code_invalid"}
