"""Every route single sign-on adds, and what anyone gets from it (the API's matrix covers
/api/v1/ only; these are the login routes outside it). A new SSO route without a row fails."""

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login_token

# (path, method): (anonymous, employee signed in by session token)
TABLE = {
    ("/dashboard/login/sso/", "get"): (405, 405),
    ("/dashboard/login/sso/", "post"): (302, 302),
    ("/admin/sso/", "get"): (405, 405),
    ("/admin/sso/", "post"): (302, 302),
    ("/accounts/oidc/arbejdskonto/login/", "get"): (
        404,
        404,
    ),  # headless only: Bro's pages start it
    ("/accounts/oidc/arbejdskonto/login/callback/", "get"): (400, 400),  # no state: refused
    ("/_allauth/app/v1/auth/provider/redirect", "post"): (400, 400),
    ("/_allauth/app/v1/auth/provider/token", "post"): (400, 400),
    ("/_allauth/app/v1/auth/provider/signup", "post"): (409, 409),  # no sign-up, ever
    ("/_allauth/app/v1/account/providers", "get"): (401, 200),
}


def _sso_routes() -> set[str]:
    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and (
                route.startswith("accounts/")
                or "provider" in (pattern.name or "")
                or pattern.name == "login-sso"
                or pattern.name == "sso-login"
            ):
                found.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_sso_route_has_a_row():
    assert _sso_routes() == {
        "login-sso",
        "sso-login",
        "openid_connect_login",
        "openid_connect_callback",
        "redirect_to_provider",
        "provider_token",
        "provider_signup",
        "manage_providers",
    }
    assert len(TABLE) == 10


def test_each_caller_gets_exactly_its_status(sso, people):
    token = login_token(people.employee)
    callers = {
        "anonymous": Client(),
        "employee": Client(HTTP_X_SESSION_TOKEN=token),
    }
    mismatches = []
    for (path, method), wanted in sorted(TABLE.items()):
        for (who, client), status in zip(callers.items(), wanted, strict=True):
            if method == "post":
                got = client.post(path, {}, content_type="application/json").status_code
            else:
                got = client.get(path).status_code
            if got != status:
                mismatches.append(f"{method.upper()} {path} as {who}: {got}, want {status}")
    assert mismatches == [], "\n".join(mismatches)
