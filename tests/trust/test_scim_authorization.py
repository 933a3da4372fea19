"""Who may call /scim/v2/: only a provisioning client with a live bearer token.

The routes come from the URL resolver, so a new SCIM route without a row fails. SCIM tokens
open nothing under /api/v1/, and the app's session tokens open nothing under /scim/v2/.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from hrsync.services import scim_client_create, scim_client_revoke

from .conftest import token_for
from .matrix import api_routes, path_for

# Route → (path, methods). Every one answers 401 without a valid SCIM token.
SCIM_ROUTES = {
    "scim-config": ("/scim/v2/ServiceProviderConfig", ["get"]),
    "scim-resource-types": ("/scim/v2/ResourceTypes", ["get"]),
    "scim-resource-type": ("/scim/v2/ResourceTypes/User", ["get"]),
    "scim-schemas": ("/scim/v2/Schemas", ["get"]),
    "scim-schema": ("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", ["get"]),
    "scim-user-list": ("/scim/v2/Users", ["get", "post"]),
    "scim-user-search": ("/scim/v2/Users/.search", ["post"]),
    "scim-user-detail": ("/scim/v2/Users/{person}", ["get", "put", "patch", "delete"]),
    "scim-group-list": ("/scim/v2/Groups", ["get", "post"]),
    "scim-group-search": ("/scim/v2/Groups/.search", ["post"]),
    "scim-group-detail": ("/scim/v2/Groups/{unit}", ["get", "put", "patch", "delete"]),
    "scim-search": ("/scim/v2/.search", ["post"]),
    "scim-not-found": ("/scim/v2/Nothing", ["get"]),
}


def _scim_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("scim/v2/"):
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_scim_route_has_a_row():
    assert _scim_route_names() == set(SCIM_ROUTES)


def _call(client, method, path, **headers):
    if method in {"post", "put", "patch"}:
        return getattr(client, method)(path, "{}", content_type="application/scim+json", **headers)
    return getattr(client, method)(path, **headers)


@pytest.mark.parametrize(
    "who", ["anonymous", "app session token", "revoked scim token", "wrong token"]
)
def test_no_scim_route_opens_without_a_live_scim_token(org, client, who):
    # Given a caller with no token, an employee's app session token (as the app sends it and
    # as a bearer), a revoked SCIM token or a made-up one
    scim, token = scim_client_create(name="Entra", created_by=None)
    headers = {
        "anonymous": {},
        "app session token": {
            "HTTP_X_SESSION_TOKEN": token_for(org.hr),
            "HTTP_AUTHORIZATION": f"Bearer {token_for(org.hr)}",
        },
        "revoked scim token": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        "wrong token": {"HTTP_AUTHORIZATION": "Bearer bro_scim_guess"},
    }[who]
    if who == "revoked scim token":
        scim_client_revoke(client=scim)
    ids = {"person": org.employee.pk, "unit": org.unit_a.pk}
    answers = set()
    # When it calls every SCIM route and method
    for path, methods in SCIM_ROUTES.values():
        for method in methods:
            response = _call(client, method, path.format(**ids), **headers)
            answers.add((response.status_code, response["Content-Type"]))
    # Then every answer is 401 in SCIM's error shape, and nothing was written
    assert answers == {(401, "application/scim+json")}
    assert org.employee.__class__.objects.filter(pk=org.employee.pk, is_active=True).exists()


def test_a_scim_token_opens_nothing_under_the_api(world):
    # Given a live SCIM token
    _scim, token = scim_client_create(name="Entra", created_by=None)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    objects = {
        "unit": world.org.unit_a.pk,
        "person": world.org.employee.pk,
        "post": world.post_a.pk,
        "post_id": world.post_a.pk,
        "comment_id": world.comment_a.pk,
        "attachment_id": world.attachment_a.pk,
        "track": world.track.pk,
        "journey": world.journey_a.pk,
        "step": world.step_a.pk,
        "survey": world.survey.pk,
        "wave_id": world.wave.pk,
        "alert_id": world.alert_a.pk,
        "notification_id": world.notification_a,
        "token": world.device_a.identifier,
    }
    # When it calls every /api/v1/ route
    answers = {}
    for name, method in sorted(api_routes()):
        path = path_for(name, objects)
        answers[(name, method)] = getattr(client, method)(path).status_code
    # Then each one answers 401, as for anyone without an app session
    assert {k: v for k, v in answers.items() if v != 401} == {}


def test_a_live_scim_token_is_accepted_and_its_use_recorded(org, client):
    scim, token = scim_client_create(name="Entra", created_by=None)
    response = client.get("/scim/v2/ServiceProviderConfig", HTTP_AUTHORIZATION=f"Bearer {token}")
    scim.refresh_from_db()
    assert (response.status_code, scim.last_used_at is not None) == (200, True)
    # The token itself is never stored, only its SHA-256
    assert token not in str(list(scim.__class__.objects.values()))
