"""Work-account login on the dashboard, against a real OpenID Connect provider on loopback."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from org import erasure, services
from org.models import Role, User
from tests.oidc_provider.client import authorize, signed_in_session

from .conftest import sign_in_via

DASHBOARD_SSO = "/dashboard/login/sso/"


def _logged_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_a_leader_logs_in_with_the_work_account_and_lands_where_she_asked(sso, people):
    # Given a leader whose work account has her e-mail, and no link yet
    client = Client()
    # When she presses the SSO button on the dashboard's login page and signs in at the provider
    response = sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/omraade/")
    # Then she lands on the page she asked for, logged in as herself
    assert (response.status_code, response["Location"]) == (302, "/dashboard/omraade/")
    assert _logged_in_as(client) == people.leader.pk
    assert client.get("/dashboard/omraade/").status_code == 200
    # And her work account is tied to her by the provider's subject id
    account = SocialAccount.objects.get()
    assert (account.user_id, account.provider) == (people.leader.pk, "arbejdskonto")


def test_the_login_page_shows_the_button_only_when_sso_is_configured(sso, people, settings):
    # Given SSO configured
    page = Client().get("/dashboard/login/").content.decode()
    # Then the page has the provider's button
    assert 'id="sso-login"' in page and "Log ind med Slagelse-konto" in page
    # When SSO is not configured
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = Client().get("/dashboard/login/").content.decode()
    # Then there is no button and the SSO start answers 404
    assert 'id="sso-login"' not in page
    assert Client().post(DASHBOARD_SSO).status_code == 404


def test_the_authorization_request_carries_state_nonce_and_pkce(sso, people):
    # When the SSO button is pressed
    response = Client().post(DASHBOARD_SSO, {"next": "/dashboard/"})
    # Then the provider is asked with state, a nonce and an S256 PKCE challenge
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{sso.issuer}/authorize/")
    assert query["client_id"] == ["bro-web"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 12 and len(query["nonce"][0]) >= 32


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("ukendt", "sso_unknown_person"),  # a work account, but no Bro person
        ("lukket", "sso_deactivated"),  # a Bro person HR has deactivated
        ("uverificeret", "sso_unknown_person"),  # the provider says the e-mail is unverified
    ],
)
def test_unknown_deactivated_and_unverified_people_are_refused(sso, people, username, code):
    # Given no work-account links and the people as they are
    before = list(User.objects.order_by("pk").values_list("pk", "is_active", "email"))
    client = Client()
    # When the person signs in at the provider
    response = sign_in_via(client, sso, username, start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then a Danish page says why, nobody is logged in, nothing is created or linked
    assert response.status_code == 403
    assert f'data-code="{code}"' in response.content.decode()
    assert _logged_in_as(client) is None
    assert SocialAccount.objects.count() == 0
    assert list(User.objects.order_by("pk").values_list("pk", "is_active", "email")) == before


def test_the_refusal_page_is_danish_and_says_what_to_do(sso, people):
    response = sign_in_via(Client(), sso, "ukendt", start=DASHBOARD_SSO, next_url="/dashboard/")
    page = response.content.decode()
    assert "Vi kan ikke finde dig i Bro" in page
    assert "Kontakt HR" in page
    assert 'href="/dashboard/login/"' in page


def test_an_id_token_with_another_nonce_is_refused(sso, people):
    # Given a login started by Bro (state and nonce in Bro's session)
    client = Client()
    response = client.post(DASHBOARD_SSO, {"next": "/dashboard/"})
    # When an attacker's authorization request (same state, its own nonce) comes back instead
    parts = urlsplit(response["Location"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"nonce": "angriberens-nonce"}
    forged = urlunsplit(parts._replace(query=urlencode(query)))
    back = urlsplit(authorize(signed_in_session(sso, "lone"), forged))
    response = client.get(f"{back.path}?{back.query}")
    # Then the login is refused and nobody is logged in
    assert response.status_code == 403
    assert 'data-code="invalid_token"' in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_callback_without_our_state_is_refused(sso, people):
    # Given a code the provider issued for a login Bro did not start in this browser
    started = Client().post(DASHBOARD_SSO, {"next": "/dashboard/"})
    back = urlsplit(authorize(signed_in_session(sso, "lone"), started["Location"]))
    client = Client()
    # When another browser brings it to the callback (login CSRF)
    response = client.get(f"{back.path}?{back.query}")
    # Then it is refused: the state is not in this browser's session
    assert response.status_code == 400
    assert 'data-code="invalid_token"' in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_work_account_tied_to_another_person_is_refused(sso, people):
    # Given Lone's work account (by its subject id) tied to Mette's profile
    client = Client()
    sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    SocialAccount.objects.update(user=people.employee)
    client = Client()
    # When Lone signs in again
    response = sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then she is refused: the claim and the link disagree
    assert response.status_code == 403
    assert 'data-code="sso_account_conflict"' in response.content.decode()
    assert _logged_in_as(client) is None


def test_matching_by_employee_number(sso, people, settings):
    # Given matching by employee number, and Lone's e-mail different in Bro
    settings.SSO_MATCH = "employee_number"
    User.objects.filter(pk=people.leader.pk).update(email="lone@andet.dk")
    client = Client()
    # When she signs in
    response = sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then her employee number found her
    assert response.status_code == 302
    assert _logged_in_as(client) == people.leader.pk


def test_roles_follow_the_group_mapping_only_when_it_is_on(sso, people, settings):
    # Given Lone (leader) in the provider's group g-ledere
    client = Client()
    sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then with no mapping (the default) her roles are Bro's
    assert set(User.objects.get(pk=people.leader.pk).role_set) == {Role.EMPLOYEE, Role.LEADER}
    # When a mapping gives g-ledere communications and g-hr HR, and she signs in again
    settings.SSO_GROUP_ROLES = {"g-ledere": Role.COMMUNICATIONS, "g-hr": Role.HR}
    sign_in_via(Client(), sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # Then she has communications; leader (not mapped) stays
    assert set(User.objects.get(pk=people.leader.pk).role_set) == {
        Role.EMPLOYEE,
        Role.LEADER,
        Role.COMMUNICATIONS,
    }
    # And Hanne, HR in Bro, keeps HR only while she is in g-hr
    sign_in_via(Client(), sso, "hanne", start=DASHBOARD_SSO, next_url="/dashboard/")
    assert set(User.objects.get(pk=people.hr.pk).role_set) == {Role.EMPLOYEE, Role.HR}


def test_deactivation_ends_the_sso_session_at_once(sso, people):
    # Given Lone logged in to the dashboard by SSO
    client = Client()
    sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/omraade/")
    assert client.get("/dashboard/omraade/").status_code == 200
    # When HR deactivates her
    services.user_deactivate(user=User.objects.get(pk=people.leader.pk))
    # Then her next request is sent to the login page
    login_page = "/dashboard/login/?next=%2Fdashboard%2Fomraade%2F"
    response = client.get("/dashboard/omraade/")
    assert (response.status_code, response["Location"]) == (302, login_page)
    # And after a reactivation the old session stays ended
    services.user_reactivate(user=User.objects.get(pk=people.leader.pk))
    assert client.get("/dashboard/omraade/")["Location"] == login_page


def test_logout_ends_the_session_at_the_provider_too(sso, people):
    # Given Lone logged in by SSO
    client = Client()
    sign_in_via(client, sso, "lone", start=DASHBOARD_SSO, next_url="/dashboard/")
    # When she logs out of the dashboard
    response = client.post("/dashboard/logout/")
    # Then Bro's session ends and she is sent to the provider's end-session endpoint
    assert _logged_in_as(client) is None
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso.issuer}/logout/"
    assert query["client_id"] == ["bro-web"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/dashboard/login/"]
    assert len(query["id_token_hint"][0].split(".")) == 3
    # And the provider ends its session and sends her back to Bro's login page
    idp = signed_in_session(sso, "lone")
    back = idp.get(response["Location"], allow_redirects=False, timeout=10)
    assert (back.status_code, back.headers["Location"]) == (
        302,
        "http://testserver/dashboard/login/",
    )


def test_a_code_login_logs_out_without_the_provider(sso, people):
    # Given Lone logged in without SSO (the code flow's session)
    client = Client()
    client.force_login(people.leader, backend="org.backends.ModelBackend")
    # When she logs out
    response = client.post("/dashboard/logout/")
    # Then she goes to Bro's login page
    assert response["Location"] == "/dashboard/login/"


def test_erasure_removes_the_work_account_link(sso, people):
    # Given Mette tied to her work account
    sign_in_via(Client(), sso, "mette", start=DASHBOARD_SSO, next_url="/dashboard/")
    assert SocialAccount.objects.filter(user=people.employee).count() == 1
    # When HR erases her
    erasure.user_erase(actor=people.hr, user=User.objects.get(pk=people.employee.pk))
    # Then the link (with the provider's claims about her) is gone
    assert SocialAccount.objects.count() == 0
