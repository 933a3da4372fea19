"""The admin with single sign-on: work accounts for staff, a password only for break-glass."""

from allauth.socialaccount.models import SocialAccount
from django.test import Client

from org.models import User

from .conftest import sign_in_via

PASSWORD = "korrekt-hest-batteri-hæfteklamme"
ADMIN_SSO = "/admin/sso/"


def _with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _password_login(user: User):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    return client, response


def _logged_in(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_hr_logs_in_to_the_admin_with_the_work_account(sso, people):
    client = Client()
    response = sign_in_via(client, sso, "hanne", start=ADMIN_SSO, next_url="/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert _logged_in(client) == people.hr.pk
    assert client.get("/admin/").status_code == 200


def test_the_admin_sso_start_keeps_the_landing_page_inside_the_admin(sso, people):
    # When the next page points outside the admin
    client = Client()
    response = sign_in_via(client, sso, "hanne", start=ADMIN_SSO, next_url="https://evil.example/")
    # Then the login lands on the admin's start page
    assert response["Location"] == "/admin/"


def test_with_sso_on_staff_cannot_use_a_password_but_a_superuser_can(sso, people):
    # Given HR and an admin (superuser) with passwords
    hr, admin = _with_password(people.hr), _with_password(people.admin)
    assert admin.is_superuser and not hr.is_superuser
    # When both log in by password
    hr_client, hr_response = _password_login(hr)
    admin_client, admin_response = _password_login(admin)
    # Then HR is refused (the work account is the way in) and the break-glass superuser is in
    assert (hr_response.status_code, _logged_in(hr_client)) == (200, None)
    assert (admin_response.status_code, _logged_in(admin_client)) == (302, admin.pk)
    # And the login page offers the work account first
    page = Client().get("/admin/login/").content.decode()
    assert 'id="sso-login"' in page and 'id="break-glass"' in page


def test_the_password_login_can_be_switched_off(sso, people, settings):
    # Given the production default: no password login
    settings.ADMIN_PASSWORD_LOGIN = False
    admin = _with_password(people.admin)
    # When even the superuser posts the right password
    client, response = _password_login(admin)
    # Then it is refused without being checked, and the page has only the SSO button
    assert (response.status_code, _logged_in(client)) == (403, None)
    page = response.content.decode()
    assert 'id="sso-login"' in page and 'id="login-form"' not in page


def test_an_employee_from_sso_does_not_get_into_the_admin(sso, people):
    # When Mette (no staff role) signs in through the admin's button
    client = Client()
    sign_in_via(client, sso, "mette", start=ADMIN_SSO, next_url="/admin/")
    # Then she is logged in as herself, but the admin sends her to its login page
    assert _logged_in(client) == people.employee.pk
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")
    assert SocialAccount.objects.filter(user=people.employee).count() == 1


def test_admin_logout_ends_the_session_at_the_provider(sso, people):
    client = Client()
    sign_in_via(client, sso, "hanne", start=ADMIN_SSO, next_url="/admin/")
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.issuer}/logout/?id_token_hint=")
    assert (
        "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Fadmin%2Flogin%2F"
        in response["Location"]
    )
    assert _logged_in(client) is None


def test_without_sso_staff_log_in_by_code_and_a_password_is_still_break_glass_only(people):
    # Given no SSO configured (the embedded default), HR and a superuser with passwords
    hr, admin = _with_password(people.hr), _with_password(people.admin)
    # When both log in by password
    hr_client, hr_response = _password_login(hr)
    admin_client, admin_response = _password_login(admin)
    # Then only the superuser gets in; the page offers the code login, no work account
    assert (hr_response.status_code, _logged_in(hr_client)) == (200, None)
    assert (admin_response.status_code, _logged_in(admin_client)) == (302, admin.pk)
    page = Client().get("/admin/login/").content.decode()
    assert 'id="sso-login"' not in page and 'id="code-login"' in page
