"""Work-account login in real Chromium against a real OpenID Connect provider on loopback.

Debian's Chromium driven by Playwright (as tests/dashboard/test_browser.py); the provider is
django-oauth-toolkit in its own process (tests/oidc_provider). Screenshots go to
tests/artifacts/sso-*.png.
"""

import shutil

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.dashboard.test_browser import ARTIFACTS, CHROMIUM, chromium_page
from tests.oidc_provider.fixtures import PASSWORD

pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"sso-{name}.png"), full_page=True)


def _sign_in_at_provider(page, provider, username: str) -> None:
    page.wait_for_url(f"{provider.url}/login/**")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#idp-login button")


def test_a_leader_and_hr_log_in_with_their_work_accounts(sso, people, live_server, tmp_path):
    base = live_server.url
    leader_name, hr_short_name = people.leader.name, people.hr.get_short_name()

    # When the leader opens the dashboard, presses the work-account button and signs in
    with chromium_page(tmp_path / "leader") as page:
        page.goto(base + "/dashboard/omraade/")
        assert page.url.startswith(base + "/dashboard/login/")
        _shoot(page, "dashboard-login")
        page.click("#sso-login button")
        _sign_in_at_provider(page, sso, "lone")
        # Then she lands on the page she opened, signed in as herself
        page.wait_for_url(base + "/dashboard/omraade/")
        assert page.locator("header .who").inner_text().startswith(leader_name)
        _shoot(page, "dashboard-landed")

    # When HR opens the admin, presses the work-account button and signs in
    with chromium_page(tmp_path / "hr") as page:
        page.goto(base + "/admin/")
        assert page.url.startswith(base + "/admin/login/")
        _shoot(page, "admin-login")
        page.click("#sso-login input[type=submit]")
        _sign_in_at_provider(page, sso, "hanne")
        # Then she is in the admin
        page.wait_for_url(base + "/admin/")
        assert page.locator("#user-tools strong").text_content() == hr_short_name
        _shoot(page, "admin-landed")

    # And both work accounts are now tied to their people
    assert set(SocialAccount.objects.values_list("user_id", flat=True)) == {
        people.leader.pk,
        people.hr.pk,
    }


@pytest.mark.parametrize(
    ("username", "code", "heading"),
    [
        ("ukendt", "sso_unknown_person", "Vi kan ikke finde dig i Bro"),
        ("lukket", "sso_deactivated", "Din adgang til Bro er lukket"),
    ],
)
def test_an_unknown_and_a_deactivated_person_are_refused(
    sso, people, live_server, tmp_path, username, code, heading
):
    base = live_server.url
    with chromium_page(tmp_path / username) as page:
        # When they press the work-account button on the dashboard and sign in
        page.goto(base + "/dashboard/login/")
        page.click("#sso-login button")
        _sign_in_at_provider(page, sso, username)
        # Then a Danish page says why, and the dashboard still asks them to log in
        refusal = page.locator(f'#sso-refused[data-code="{code}"]')
        refusal.wait_for()
        assert refusal.locator("h1").inner_text() == heading
        _shoot(page, f"refused-{username}")
        page.goto(base + "/dashboard/omraade/")
        assert page.url.startswith(base + "/dashboard/login/")
    assert SocialAccount.objects.count() == 0


def test_an_employee_logs_in_to_the_app_with_the_work_account(sso, people, live_server, tmp_path):
    # Given the staff app's login screen, with the provider's button (from allauth's config)
    base = live_server.url
    with chromium_page(tmp_path / "app") as page:
        page.goto(base + "/app/")
        button = page.locator("#sso-login")
        assert button.inner_text() == "Log ind med Slagelse-konto"
        _shoot(page, "app-login")
        # When Mette presses it and signs in at the provider
        button.click()
        _sign_in_at_provider(page, sso, "mette")
        # Then the app exchanges the one-time code and opens, signed in as her
        page.wait_for_selector("nav.tabs")
        assert page.url == base + "/app/#/feed"
        token = page.evaluate("() => localStorage.getItem('bro.session')")
        _shoot(page, "app-landed")
    # And the API answers /me/ with the app's session token; no cookie login is left behind
    me = Client().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert (me.status_code, me.json()["id"]) == (200, people.employee.pk)
    assert list(UserSession.objects.values_list("user_id", "session_key")) == [
        (people.employee.pk, token)
    ]


def test_the_app_says_why_a_work_account_is_refused(sso, people, live_server, tmp_path):
    base = live_server.url
    with chromium_page(tmp_path / "app-refused") as page:
        page.goto(base + "/app/")
        page.click("#sso-login")
        _sign_in_at_provider(page, sso, "ukendt")
        problem = page.locator(".login .problem")
        problem.wait_for()
        assert problem.inner_text() == (
            "Din arbejdskonto er ikke knyttet til en person i Bro. Kontakt HR."
        )
        assert page.evaluate("() => localStorage.getItem('bro.session')") is None
        _shoot(page, "app-refused")
    assert UserSession.objects.count() == 0


def test_logging_out_of_the_app_ends_the_work_account_login_too(sso, people, live_server, tmp_path):
    # Given Mette logged in to the app with her work account
    base = live_server.url
    with chromium_page(tmp_path / "app-logout") as page:
        page.goto(base + "/app/")
        page.click("#sso-login")
        _sign_in_at_provider(page, sso, "mette")
        page.wait_for_selector("nav.tabs")
        token = page.evaluate("() => localStorage.getItem('bro.session')")
        assert token
        # When she logs out on her profile
        page.goto(base + "/app/#/profile")
        page.click("#logout")
        # Then the browser passes the provider's logout and lands on the app's login screen
        page.wait_for_url(base + "/app/")
        page.locator("#sso-login").wait_for()
        assert page.evaluate("() => localStorage.getItem('bro.session')") is None
        _shoot(page, "app-logged-out")
        # And the provider ended its session: the work-account button asks for her password again
        page.click("#sso-login")
        page.wait_for_url(f"{sso.url}/login/**")
    # And Bro's session token no longer works
    assert Client().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert UserSession.objects.filter(session_key=token).count() == 0
