"""The API base: health, schema and offline docs, proxy-aware client IPs under rate limits."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver


def test_health_reports_database_and_in_process_broker(db):
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in_process",
        "beat": {"status": "in_process", "age_seconds": None},
        "worker": {"status": "in_process", "age_seconds": None},
    }


def test_health_is_503_when_the_broker_is_unreachable(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["broker"] == "unreachable"


def _api_paths() -> set[str]:
    """Every /api/v1/ route in the URLconf, in OpenAPI's {param} notation."""
    paths = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                if r"\.(?P<format>" in route or "<drf_format_suffix" in route:
                    continue
                route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
                route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                paths.add("/" + route)

    walk(get_resolver().url_patterns, "")
    return paths


def test_every_api_route_is_in_the_openapi_schema(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()

    def shape(path: str) -> str:  # parameter names differ ({pk} in routes, {id} in schema)
        return re.sub(r"\{\w+\}", "{}", path)

    documented = {shape(p) for p in schema["paths"]}
    assert {shape(p) for p in _api_paths()} - documented == set()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message"]
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert {"200", "401", "429"} <= set(me)


def test_docs_are_served_without_a_cdn(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # Every script and stylesheet is served from our own static files; no
    # absolute URL to another host (a CDN) appears in a src or href.
    external = re.findall(r'(?:src|href)\s*=\s*["\'](?:https?:)?//', html, re.IGNORECASE)
    assert external == []


def _request_code(client: Client, email: str, forwarded_for: str):
    return client.post(
        "/_allauth/app/v1/auth/code/request",
        {"email": email},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.1",  # the proxy
    )


@pytest.mark.parametrize("trusted", [1])
def test_spoofed_forwarded_for_cannot_dodge_the_login_code_limit(db, settings, trusted):
    # Given one trusted proxy that appends the real client address to X-Forwarded-For
    settings.TRUSTED_PROXY_COUNT = trusted
    client = Client()
    # When one client sends 20 code requests, each with a different forged first hop
    for i in range(20):
        response = _request_code(client, f"ukendt{i}@example.dk", f"203.0.113.{i}, 198.51.100.7")
        assert response.status_code == 401, (i, response.content)
    # Then the 21st is refused for that client, whatever it claims to be (allauth answers
    # its rate limit in its own headless error shape)
    response = _request_code(client, "ukendt99@example.dk", "192.0.2.55, 198.51.100.7")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"
    # And another real client behind the same proxy is not affected
    response = _request_code(client, "ukendt100@example.dk", "198.51.100.8")
    assert response.status_code == 401
