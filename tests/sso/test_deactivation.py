"""Deactivation ends a person's work-account sessions at once, whichever way it comes: HR in
the API, the HR file import, or the municipality's directory over SCIM. Every kind of SSO
session is covered: the dashboard's cookie, the app's hand-off token and the headless token
flow's. Against the real provider on loopback (tests/oidc_provider).
"""

import json
import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from hrsync import services as hrsync
from hrsync.services import scim_client_create
from org.models import OrgUnit, User
from pwa.sso import challenge_of
from tests.conftest import login_token
from tests.oidc_provider.client import app_tokens
from tests.oidc_provider.fixtures import PEOPLE

from .conftest import sign_in_via
from .test_app_redirect import app_sign_in, code_of, exchange

HEADER = (
    "medarbejdernummer;navn;email;mobil;enhedskode;overordnet_enhedskode;stilling;leder_for;"
    "startdato;slutdato;sprog"
)
TOKEN_FLOW = "/_allauth/app/v1/auth/provider/token"


def _by_hr(people) -> None:
    api = APIClient()
    api.credentials(HTTP_X_SESSION_TOKEN=login_token(people.hr))
    response = api.post(f"/api/v1/org/people/{people.leader.pk}/deactivate/")
    assert response.status_code == 200, response.json()


def _by_hr_import(people) -> None:
    # Lone's row in HR's file, with yesterday as her last day (relative to the clock Bro reads)
    OrgUnit.objects.filter(pk=people.leader.unit_id).update(code="900")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    lone = PEOPLE["lone"]
    row = (
        f"{lone['employee_number']};{people.leader.name};{lone['email']};;900;;Leder;;"
        f"{(timezone.localdate() - timedelta(days=400)).isoformat()};{yesterday};da"
    )
    run, _plan = hrsync.import_apply(
        content=f"{HEADER}\n{row}".encode(),
        file_name="hr.csv",
        mode="incremental",
        started_by=None,
        source="command",
    )
    assert (run.status, run.counts["refused"]) == ("applied", 0), run.report


def _by_scim(people) -> None:
    _client, token = scim_client_create(name="Microsoft Entra ID", created_by=None)
    response = Client().patch(
        f"/scim/v2/Users/{people.leader.pk}",
        data=json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            }
        ),
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("deactivate", [_by_hr, _by_hr_import, _by_scim], ids=lambda f: f.__name__)
def test_deactivation_ends_every_sso_session_at_once(sso, people, deactivate):
    # Given Lone logged in by work account on the dashboard, in the app, and by the token flow
    dashboard = Client()
    sign_in_via(dashboard, sso, "lone", start="/dashboard/login/sso/", next_url="/dashboard/")
    verifier = secrets.token_urlsafe(32)
    app_url = app_sign_in(sso, "lone", challenge=challenge_of(verifier))
    app_token = exchange(code_of(app_url), verifier).json()["session_token"]
    native = Client().post(
        TOKEN_FLOW,
        {
            "provider": "arbejdskonto",
            "process": "login",
            "token": {"client_id": "bro-app", "id_token": app_tokens(sso, "lone")["id_token"]},
        },
        content_type="application/json",
    )
    native_token = native.json()["meta"]["session_token"]
    tokens = (app_token, native_token)
    assert dashboard.get("/dashboard/omraade/").status_code == 200
    assert [_me(token) for token in tokens] == [200, 200]
    # When she is deactivated
    deactivate(people)
    # Then she is inactive, and every one of those sessions is over at the next request
    assert User.objects.get(pk=people.leader.pk).is_active is False
    assert dashboard.get("/dashboard/omraade/").status_code == 302
    assert [_me(token) for token in tokens] == [401, 401]


def _me(token: str) -> int:
    return APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code
