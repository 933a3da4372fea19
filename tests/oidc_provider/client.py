"""Playing a person at the test provider: sign in, authorise, and (as a native app) get tokens."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .fixtures import APP_CLIENT, APP_REDIRECT, PASSWORD

TIMEOUT = 10


def signed_in_session(provider, username: str) -> requests.Session:
    """A browser-like session logged in at the provider."""
    session = requests.Session()
    page = session.get(f"{provider.url}/login/", timeout=TIMEOUT)
    page.raise_for_status()
    response = session.post(
        f"{provider.url}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["idp_csrftoken"],
            "next": "/o/userinfo/",
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text
    return session


def authorize(session: requests.Session, authorize_url: str) -> str:
    """Follow an authorization URL as the signed-in person; return where the provider sends
    the browser back (the redirect URI with code and state)."""
    response = session.get(authorize_url, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def app_tokens(
    provider, username: str, *, client_id: str = APP_CLIENT, secret: str = "", nonce=None
) -> dict:
    """What a native app gets: the authorization code flow with PKCE, then the token answer."""
    session = signed_in_session(provider, username)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP_REDIRECT,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(16),
        "nonce": nonce or secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    back = authorize(session, f"{provider.url}/o/authorize/?{urlencode(query)}")
    code = parse_qs(urlsplit(back).query)["code"][0]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": APP_REDIRECT,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    if secret:
        data["client_secret"] = secret
    response = requests.post(f"{provider.url}/o/token/", data=data, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()
