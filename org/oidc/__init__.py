"""allauth's OpenID Connect provider, with the checks Bro adds to it.

Selected by `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]`; everything else
(discovery, state, PKCE, the code exchange, the headless views) stays allauth's. On top:

- a `nonce` in every authorization request, kept in allauth's server-side state and compared
  with the ID token's (allauth 65.22 sends none), see `check_nonce`;
- the ID token's signature is verified also when it came straight from the token endpoint
  (allauth skips that, as OpenID Connect Core 3.1.3.7 allows over TLS), with PyJWT: issuer,
  audience, expiry, issued-at and not-before, within SSO_CLOCK_SKEW_SECONDS (allauth: none);
- only asymmetric algorithms, with the key the provider's JWKS names by `kid`;
- the discovery document's issuer must be the configured one (Discovery 1.0 section 4.3);
- in the token flow (an app posts an ID token it got itself), an ID token, a nonce or a `jti`
  seen before is refused until the token expires: a stolen token cannot be replayed.
"""

import hashlib
import secrets
import time

import cryptography.hazmat.primitives.serialization  # noqa: F401  (PyJWT's RS256 verification needs it imported first)
import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.core.cache import cache

# No "none" and no HMAC: a shared-secret algorithm would let anyone holding the public key
# (everyone: it is published) sign tokens.
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]
NONCE_STATE_KEY = "nonce"
RAW_ID_TOKEN_ATTRIBUTE = "bro_raw_id_token"


def decode_id_token(id_token: str, *, openid_config: dict, audience: str) -> dict:
    """Verify an ID token's signature and claims; raise OAuth2Error if anything is off."""
    try:
        alg, key = jwtkit.fetch_key(id_token, openid_config["jwks_uri"], jwtkit.lookup_kid_jwk)
        if alg not in ALLOWED_ALGORITHMS:
            raise OAuth2Error(f"ID token algorithm not allowed: {alg}")
        return jwt.decode(
            id_token,
            key=key,
            algorithms=[alg],
            issuer=openid_config["issuer"],
            audience=audience,
            leeway=settings.SSO_CLOCK_SKEW_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise OAuth2Error("Invalid id_token") from exc


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def refuse_replay(id_token: str, claims: dict) -> None:
    """Remember this token (and its nonce and jti) until it expires; refuse one seen before."""
    timeout = max(int(claims["exp"] - time.time()) + settings.SSO_CLOCK_SKEW_SECONDS, 1)
    keys = [f"sso:id-token:{_digest(id_token)}"]
    for claim in ("nonce", "jti"):
        if value := claims.get(claim):
            keys.append(f"sso:{claim}:{_digest(claims['iss'], str(value))}")
    for key in keys:
        # cache.add is atomic (Redis SET NX): of two requests with the same token, one wins.
        if not cache.add(key, True, timeout=timeout):
            raise OAuth2Error("ID token replayed")


def check_nonce(sociallogin) -> None:
    """In the redirect flow, the ID token must carry the nonce this login's state holds."""
    expected = sociallogin.state.get(NONCE_STATE_KEY)
    if expected is None:
        return  # the token flow: no state of ours, replay is refused in verify_token
    got = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
    if not isinstance(got, str) or not secrets.compare_digest(got, expected):
        raise OAuth2Error("ID token nonce does not match")


class OpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self) -> dict:
        config = super().openid_config
        expected = self.get_provider().app.settings["server_url"].split("/.well-known/")[0]
        if str(config.get("issuer", "")).rstrip("/") != expected.rstrip("/"):
            raise OAuth2Error("The discovery document names another issuer")
        return config

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The provider sent no ID token")
        login = super().complete_login(request, app, token, **kwargs)
        # For RP-initiated logout (org.sso.provider_logout_url): the hint is the raw token.
        setattr(login, RAW_ID_TOKEN_ATTRIBUTE, id_token)
        return login

    def _decode_id_token(self, app, id_token: str) -> dict:
        return decode_id_token(id_token, openid_config=self.openid_config, audience=app.client_id)


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    oauth2_adapter_class = OpenIDConnectAdapter
    # allauth builds a provider's URLs from `<package>.urls`: org.oidc.urls serves allauth's
    # callback view with the adapter above (allauth's own URLs would build its own adapter).
    package = "org.oidc"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def verify_token(self, request, token):
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise get_adapter().validation_error("invalid_token")
        try:
            openid_config = self.get_oauth2_adapter(request).openid_config
            claims = decode_id_token(
                id_token, openid_config=openid_config, audience=self.app.client_id
            )
            refuse_replay(id_token, claims)
        except (OAuth2Error, requests.RequestException) as exc:
            raise get_adapter().validation_error("invalid_token") from exc
        return self.sociallogin_from_response(request, {"id_token": claims})
