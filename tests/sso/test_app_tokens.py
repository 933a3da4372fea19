"""The native app's way in: an ID token it got from the provider, exchanged for a Bro session.

`POST /_allauth/app/v1/auth/provider/token` (allauth headless, app client) with the ID token
the app received itself (authorization code + PKCE at the provider). The tokens are real ones
from the test provider on loopback; the tampered ones are built from them.
"""

import datetime as dt

import jwt
import pytest
import requests
import time_machine
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from rest_framework.test import APIClient

from org import services
from org.models import User
from tests.oidc_provider.client import app_tokens
from tests.oidc_provider.fixtures import APP_CLIENT, OTHER_CLIENT, PROVIDER_ID

TOKEN_URL = "/_allauth/app/v1/auth/provider/token"


def exchange(id_token: str, *, client_id: str = APP_CLIENT):
    return Client().post(
        TOKEN_URL,
        {
            "provider": PROVIDER_ID,
            "process": "login",
            "token": {"client_id": client_id, "id_token": id_token},
        },
        content_type="application/json",
    )


def _claims(id_token: str) -> dict:
    return jwt.decode(id_token, options={"verify_signature": False})


def _sign(claims: dict, key, kid: str, alg: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _error_code(response) -> str:
    return response.json()["errors"][0]["code"]


def test_an_id_token_from_the_provider_becomes_a_bro_session_token(sso, people):
    # Given the ID token the app got at the provider for Lone
    id_token = app_tokens(sso, "lone")["id_token"]
    # When the app hands it to Bro
    response = exchange(id_token)
    # Then Bro answers with a session token, and the API knows her by it
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"]["user"]["id"] == people.leader.pk
    api = APIClient()
    api.credentials(HTTP_X_SESSION_TOKEN=body["meta"]["session_token"])
    me = api.get("/api/v1/me/")
    assert (me.status_code, me.json()["id"], me.json()["email"]) == (
        200,
        people.leader.pk,
        "lone.jensen@slagelse.dk",
    )
    # And her work account is tied to her
    assert list(SocialAccount.objects.values_list("user_id", "provider")) == [
        (people.leader.pk, PROVIDER_ID)
    ]


def test_deactivation_ends_the_app_session_from_sso(sso, people):
    # Given Lone's app session from her work account
    token = exchange(app_tokens(sso, "lone")["id_token"]).json()["meta"]["session_token"]
    api = APIClient()
    api.credentials(HTTP_X_SESSION_TOKEN=token)
    assert api.get("/api/v1/me/").status_code == 200
    # When HR deactivates her
    services.user_deactivate(user=User.objects.get(pk=people.leader.pk))
    # Then the token answers 401 at once
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    ("username", "code"),
    [("ukendt", "sso_unknown_person"), ("lukket", "sso_deactivated")],
)
def test_unknown_and_deactivated_people_get_no_session(sso, people, username, code):
    # Given a genuine ID token for someone Bro will not let in
    id_token = app_tokens(sso, username)["id_token"]
    sessions_before = UserSession.objects.count()
    # When the app hands it to Bro
    response = exchange(id_token)
    # Then 400 with the reason's code, no session and no link
    assert (response.status_code, _error_code(response)) == (400, code)
    assert "session_token" not in response.json().get("meta", {})
    assert UserSession.objects.count() == sessions_before
    assert SocialAccount.objects.count() == 0


def _other_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _tampered(case: str, provider) -> tuple[str, dt.datetime | None]:
    """The token for one row, and the moment Bro's clock shows while it checks it."""
    genuine = app_tokens(provider, "lone")["id_token"]
    claims = _claims(genuine)
    key, kid = provider.private_key_pem, provider.kid
    at_exp = lambda seconds: dt.datetime.fromtimestamp(claims["exp"] + seconds, dt.UTC)  # noqa: E731
    match case:
        case "genuine":
            return genuine, None
        case "genuine, clock 30 s past expiry (within the skew)":
            return genuine, at_exp(30)
        case "wrong signature (another key, the provider's kid)":
            return _sign(claims, _other_key(), kid), None
        case "signature bytes altered":
            head, body, signature = genuine.split(".")
            flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))
            return f"{head}.{body}.{flipped}", None
        case "wrong audience (issued to another client)":
            return app_tokens(provider, "lone", client_id=OTHER_CLIENT[0], secret=OTHER_CLIENT[1])[
                "id_token"
            ], None
        case "wrong issuer":
            return _sign({**claims, "iss": "https://login.example.com/o"}, key, kid), None
        case "expired (clock 61 s past expiry)":
            return genuine, at_exp(61)
        case "issued in the future (beyond the skew)":
            claims = {**claims, "iat": claims["iat"] + 600, "jti": "fremtid"}
            return _sign(claims, key, kid), None
        case "no expiry":
            return _sign({k: v for k, v in claims.items() if k != "exp"}, key, kid), None
        case "alg none":
            return jwt.encode(claims, None, algorithm="none", headers={"kid": kid}), None
        case "HS256 signed with the public JWK":
            jwks = requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=10).json()
            public_n = jwks["keys"][0]["n"].encode()  # what anyone can read from the JWKS
            return _sign(claims, public_n, kid, alg="HS256"), None
    raise AssertionError(case)


CASES = [
    ("genuine", 200),
    ("genuine, clock 30 s past expiry (within the skew)", 200),
    ("wrong signature (another key, the provider's kid)", 400),
    ("signature bytes altered", 400),
    ("wrong audience (issued to another client)", 400),
    ("wrong issuer", 400),
    ("expired (clock 61 s past expiry)", 400),
    ("issued in the future (beyond the skew)", 400),
    ("no expiry", 400),
    ("alg none", 400),
    ("HS256 signed with the public JWK", 400),
]


@pytest.mark.parametrize(("case", "status"), CASES, ids=[c for c, _ in CASES])
def test_tampered_id_tokens_are_refused(sso, people, case, status):
    # Given a token built for this row (the clock where the row puts it)
    id_token, moment = _tampered(case, sso)
    # When the app hands it to Bro
    if moment is None:
        response = exchange(id_token)
    else:
        with time_machine.travel(moment, tick=False):
            response = exchange(id_token)
    # Then only the genuine token, inside the skew, gets a session
    assert response.status_code == status, response.content
    if status == 400:
        assert _error_code(response) == "invalid_token"
        assert SocialAccount.objects.count() == 0
    else:
        assert response.json()["data"]["user"]["id"] == people.leader.pk


def test_the_same_id_token_twice_is_refused(sso, people):
    # Given a genuine ID token, exchanged once
    id_token = app_tokens(sso, "lone")["id_token"]
    assert exchange(id_token).status_code == 200
    sessions = UserSession.objects.count()
    # When it is handed in a second time (stolen from the first request)
    response = exchange(id_token)
    # Then it is refused, and no second session begins
    assert (response.status_code, _error_code(response)) == (400, "invalid_token")
    assert UserSession.objects.count() == sessions


def test_a_second_token_with_a_used_nonce_is_refused(sso, people):
    # Given two genuine ID tokens from two authorizations that used the same nonce
    first = app_tokens(sso, "lone", nonce="samme-nonce-to-gange")["id_token"]
    second = app_tokens(sso, "lone", nonce="samme-nonce-to-gange")["id_token"]
    assert first != second and _claims(first)["nonce"] == _claims(second)["nonce"]
    # When both are handed to Bro
    answers = [exchange(first).status_code, exchange(second)]
    # Then only the first gets a session
    assert answers[0] == 200
    assert (answers[1].status_code, _error_code(answers[1])) == (400, "invalid_token")


def test_a_token_for_the_web_client_needs_the_web_client_id(sso, people):
    # Given an ID token issued to the app, handed in under the web client's id
    id_token = app_tokens(sso, "lone")["id_token"]
    # When Bro checks it against the web client
    response = exchange(id_token, client_id="bro-web")
    # Then the audience does not match
    assert (response.status_code, _error_code(response)) == (400, "invalid_token")
