"""A shared phone or PC: a work-account login while another person is logged in in the browser.

The new person's login wins and the previous person's session ends (on a care home's shared PC
the person at the keyboard is the one who just signed in at the provider). Against the real
provider on loopback (tests/oidc_provider).
"""

import re
import secrets
from urllib.parse import parse_qs, urlsplit

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from org import sso as org_sso
from pwa.sso import challenge_of

from .conftest import sign_in_via
from .test_app_redirect import app_sign_in, code_of, exchange

DASHBOARD_SSO = "/dashboard/login/sso/"
ADMIN_SSO = "/admin/sso/"


def _logged_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def _code_login(client: Client, person) -> str:
    """`person` logged in in this browser as the code flow does it; the session's key."""
    client.force_login(person, backend="org.backends.AuthenticationBackend")
    return client.session.session_key


def test_a_dashboard_sso_login_replaces_another_persons_session(sso, people):
    # Given Hanne (HR) logged in to the dashboard in this browser
    client = Client()
    hanne_session = _code_login(client, people.hr)
    assert _logged_in_as(client) == people.hr.pk
    # When Lone signs in with her work account on the same browser
    response = sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/omraade/")
    # Then she lands where she asked, logged in as herself
    assert (response.status_code, response["Location"]) == (302, "/dashboard/omraade/")
    assert _logged_in_as(client) == people.leader.pk
    assert client.get("/dashboard/omraade/").status_code == 200
    # And Hanne's session is ended, not carried over
    assert client.session.session_key != hanne_session
    assert not Session.objects.filter(session_key=hanne_session).exists()
    assert not UserSession.objects.filter(session_key=hanne_session).exists()
    # And Lone's logout still takes her to the provider's logout (the hint was kept)
    logout = client.post("/dashboard/logout/")
    assert logout["Location"].startswith(f"{sso.issuer}/logout/?id_token_hint=")


def test_an_admin_sso_login_replaces_another_persons_session(sso, people):
    # Given Lone logged in to the dashboard in this browser
    client = Client()
    lone_session = _code_login(client, people.leader)
    # When Hanne signs in to the admin with her work account
    response = sign_in_via(client, sso, "hanne", start=ADMIN_SSO, next_url="/admin/")
    # Then she is in the admin as herself, and Lone's session is gone
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert _logged_in_as(client) == people.hr.pk
    assert client.get("/admin/").status_code == 200
    assert not Session.objects.filter(session_key=lone_session).exists()
    assert client.session.get(org_sso.ID_TOKEN_SESSION_KEY)


def test_the_same_person_signing_in_again_keeps_a_working_session(sso, people):
    # Given Lone logged in to the dashboard by code
    client = Client()
    _code_login(client, people.leader)
    # When she signs in with her work account too
    response = sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then she is still herself, now with the provider's logout hint
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert _logged_in_as(client) == people.leader.pk
    assert client.session.get(org_sso.ID_TOKEN_SESSION_KEY)


def test_a_refused_work_account_still_ends_the_previous_persons_session(sso, people):
    # Given Lone logged in to the dashboard on a shared PC
    client = Client()
    lone_session = _code_login(client, people.leader)
    # When someone whose work account Bro does not know signs in at the provider there
    response = sign_in_via(client, sso, "ukendt", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then they are refused, and Lone's session does not stay open behind them
    assert response.status_code == 403
    assert 'data-code="sso_unknown_person"' in response.content.decode()
    assert _logged_in_as(client) is None
    assert not Session.objects.filter(session_key=lone_session).exists()


def test_the_app_hand_off_works_while_the_browser_is_logged_in_as_another_person(sso, people):
    # Given Lone logged in to the dashboard in the browser the app runs in
    client = Client()
    lone_session = _code_login(client, people.leader)
    verifier = secrets.token_urlsafe(32)
    # When Mette logs in to the app with her work account
    app_url = app_sign_in(sso, "mette", challenge=challenge_of(verifier), client=client)
    # Then the app gets its one-time code (not sso_failed) and a token for Mette
    assert app_url.startswith("/app/#/sso?code="), app_url
    response = exchange(code_of(app_url), verifier)
    assert response.status_code == 200, response.json()
    token = response.json()["session_token"]
    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.json()["id"] == people.employee.pk
    # And Lone's dashboard session is ended, and no cookie login is left for anyone
    assert not Session.objects.filter(session_key=lone_session).exists()
    assert _logged_in_as(client) is None


def test_the_app_hand_off_from_the_same_persons_browser_keeps_her_dashboard(sso, people):
    # Given Lone logged in to the dashboard, opening the app in the same browser
    client = Client()
    _code_login(client, people.leader)
    verifier = secrets.token_urlsafe(32)
    # When she logs in to the app with her own work account
    app_url = app_sign_in(sso, "lone", challenge=challenge_of(verifier), client=client)
    # Then the app gets its code, and her dashboard login stays
    assert exchange(code_of(app_url), verifier).status_code == 200
    assert _logged_in_as(client) == people.leader.pk


def test_the_app_hand_off_replaces_another_persons_app_token(sso, people):
    # Given an app session token of Lone's on the phone (her own work-account login)
    lone_verifier = secrets.token_urlsafe(32)
    lone_url = app_sign_in(sso, "lone", challenge=challenge_of(lone_verifier))
    old_token = exchange(code_of(lone_url), lone_verifier).json()["session_token"]
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=old_token).status_code == 200
    verifier = secrets.token_urlsafe(32)
    # When Mette logs in with her work account (the app ends the old token when it logs out,
    # see app/src/sso.ts; the server hands Mette a token of her own)
    app_url = app_sign_in(sso, "mette", challenge=challenge_of(verifier))
    token = exchange(code_of(app_url), verifier).json()["session_token"]
    # Then the new token is Mette's, a different session from Lone's
    assert token != old_token
    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.json()["id"] == people.employee.pk
    fragment = parse_qs(urlsplit(app_url).fragment.split("?", 1)[1])
    assert set(fragment) == {"code"}


def test_a_code_login_replaces_an_sso_session_of_another_person(sso, people):
    # Given Lone logged in to the dashboard by SSO
    client = Client()
    sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    lone_session = client.session.session_key
    # When Hanne asks for an admin login code in the same browser and types it
    asked = client.post("/admin/login/kode/", {"email": people.hr.email, "next": "/admin/"})
    assert asked["Location"] == "/admin/login/kode/bekraeft/"
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    confirmed = client.post("/admin/login/kode/bekraeft/", {"code": code})
    # Then she is in the admin as herself; Lone's session and its provider logout hint are gone
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/admin/")
    assert _logged_in_as(client) == people.hr.pk
    assert not Session.objects.filter(session_key=lone_session).exists()
    assert org_sso.ID_TOKEN_SESSION_KEY not in client.session
    # And her logout does not send her to the provider as Lone
    assert client.post("/admin/logout/").status_code == 200  # the admin's own page, no redirect
