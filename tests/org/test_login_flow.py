"""End to end over real HTTP against a live server: HR invites, the person logs in by code,
reads its profile, then loses access for good when deactivated."""

import re

import requests
from django.core import mail

from org.sms import LogSmsSender
from tests.conftest import login_token


def _code_from(body: str) -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.MULTILINE).group(1)


def test_invited_person_logs_in_by_code_and_loses_access_when_deactivated(org, live_server):
    base = live_server.url
    hr = requests.Session()
    hr.headers["X-Session-Token"] = login_token(org.hr)

    # When HR invites a new hire with a private e-mail
    response = hr.post(
        f"{base}/api/v1/org/people/",
        json={
            "name": "Sofie Holm",
            "email": "Sofie.Holm@privat.dk",
            "job_title": "Social- og sundhedsassistent",
            "unit": org.team_a.pk,
            "start_date": "2026-12-14",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    person_id = response.json()["id"]
    assert response.json()["email"] == "sofie.holm@privat.dk"
    assert mail.outbox[-1].to == ["sofie.holm@privat.dk"]
    assert mail.outbox[-1].subject == "Velkommen til Bro"

    # Then the person requests a code, reads it from the outbox and confirms it
    app = requests.Session()
    response = app.post(
        f"{base}/_allauth/app/v1/auth/code/request",
        json={"email": "sofie.holm@privat.dk"},
        timeout=10,
    )
    assert response.status_code == 401
    pending = response.json()["meta"]["session_token"]
    response = app.post(
        f"{base}/_allauth/app/v1/auth/code/confirm",
        json={"code": _code_from(mail.outbox[-1].body)},
        headers={"X-Session-Token": pending},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token = response.json()["meta"]["session_token"]
    assert token != pending

    # And calls /api/v1/me/ with the token
    response = app.get(f"{base}/api/v1/me/", headers={"X-Session-Token": token}, timeout=10)
    assert response.status_code == 200
    assert response.json()["id"] == person_id
    assert response.json()["unit"]["name"] == "Team Korsør"
    assert response.json()["roles"] == ["employee"]

    # When HR deactivates the person, the token is refused with 401
    assert hr.post(f"{base}/api/v1/org/people/{person_id}/deactivate/", timeout=10).ok
    response = app.get(f"{base}/api/v1/me/", headers={"X-Session-Token": token}, timeout=10)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "X-Session-Token"

    # And it stays refused after reactivation
    assert hr.post(f"{base}/api/v1/org/people/{person_id}/reactivate/", timeout=10).ok
    response = app.get(f"{base}/api/v1/me/", headers={"X-Session-Token": token}, timeout=10)
    assert response.status_code == 401


def test_person_without_email_is_invited_and_logs_in_by_sms(
    org, api, django_capture_on_commit_callbacks
):
    hr = api(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(
            "/api/v1/org/people/",
            {
                "name": "Ali Demir",
                "phone": "12 34 56 78",
                "unit": org.team_b.pk,
                "job_title": "Kok",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+4512345678"
    assert response.json()["email"] is None
    assert LogSmsSender.outbox[-1]["to"] == "+4512345678"
    assert "Bro" in LogSmsSender.outbox[-1]["body"]

    from org.models import User

    person = User.objects.get(phone="+4512345678")
    client = api(person)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["name"] == "Ali Demir"
