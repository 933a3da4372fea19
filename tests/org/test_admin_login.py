"""The Django admin's login: staff by one-time code, a password only for a break-glass superuser;
failed password attempts limited per address and account."""

import re

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client

from org.admin_site import BroAdminSite
from org.models import Role, User
from tests.factories import UserFactory

PASSWORD = "korrekt-hest-batteri-hæfteklamme"
BLOCKED_TEXT = "For mange mislykkede loginforsøg"


def _with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _login(user_or_email, password: str, *, ip: str = "10.0.0.1"):
    email = getattr(user_or_email, "email", user_or_email)
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": password})
    return client, response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(org):
    """The break-glass account: the only kind a password opens the admin for."""
    assert org.admin.is_superuser and org.admin.is_active
    return _with_password(org.admin)


def test_the_admin_runs_on_the_rate_limited_site():
    assert isinstance(admin.site, BroAdminSite)  # (a LazyObject: isinstance sees through it)


def test_the_superuser_logs_in_with_the_right_password(staff):
    # When the superuser logs in with the right password / Then the admin opens
    client, response = _login(staff, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert _logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_five_failures_block_the_account_even_with_the_right_password(org, staff):
    # Given five wrong passwords for HR's account from one address
    failures = [_login(staff, f"forkert-{i}")[1].status_code for i in range(5)]
    # When the right password comes next, from that address and from another one
    client, blocked = _login(staff, PASSWORD)
    other_client, from_elsewhere = _login(staff, PASSWORD, ip="10.9.9.9")
    # Then each failure got the form back, and both right-password attempts are refused with
    # the 429 page, no one logged in (the limit is the account's, wherever the guess comes from)
    assert failures == [200] * 5
    assert blocked.status_code == from_elsewhere.status_code == 429
    assert BLOCKED_TEXT in blocked.content.decode()
    assert blocked["Content-Type"].startswith("text/html")
    assert not _logged_in(client) and not _logged_in(other_client)
    # And another superuser, from another address, still gets in
    other = _with_password(UserFactory(name="Anden Admin", roles=[Role.ADMIN]))
    admin_client, admin_login = _login(other, PASSWORD, ip="10.3.3.3")
    assert admin_login.status_code == 302 and _logged_in(admin_client)


def test_failures_are_limited_per_address_across_accounts(org, staff, settings):
    # Given a per-address limit of 3 failures (and a roomy per-account one)
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "admin_login_failed": "3/15m/ip,100/15m/key",
    }
    # When one address fails for three different accounts (one of them unknown)
    failures = [
        _login(email, "forkert")[1].status_code
        for email in (org.hr.email, org.comms.email, "ukendt@example.dk")
    ]
    # Then a fourth account's right password from that address is refused, but not elsewhere
    client, blocked = _login(staff, PASSWORD)
    elsewhere_client, elsewhere = _login(staff, PASSWORD, ip="10.2.2.2")
    assert failures == [200, 200, 200]
    assert blocked.status_code == 429 and not _logged_in(client)
    assert elsewhere.status_code == 302 and _logged_in(elsewhere_client)


def test_a_successful_login_uses_up_nothing(staff):
    # Given four failures (one short of the account's limit)
    assert [_login(staff, "forkert")[1].status_code for _ in range(4)] == [200] * 4
    # When the superuser logs in three times with the right password
    statuses = [_login(staff, PASSWORD)[1].status_code for _ in range(3)]
    # Then each succeeds: successes are not failures
    assert statuses == [302, 302, 302]


def test_a_non_staff_person_never_gets_in_and_each_try_counts(org):
    # Given an employee (not staff) with a password
    employee = _with_password(org.employee)
    assert not employee.is_staff
    # When they log in with the right password six times
    attempts = [_login(employee, PASSWORD) for _ in range(6)]
    # Then they are refused each time (the form, then the 429 page), never logged in
    assert [r.status_code for _c, r in attempts] == [200] * 5 + [429]
    assert not any(_logged_in(c) for c, _r in attempts)


def test_an_inactive_staff_member_is_refused(org, staff):
    # Given the superuser deactivated
    User.objects.filter(pk=staff.pk).update(is_active=False)
    # When they log in with the right password / Then refused, not logged in
    client, response = _login(staff, PASSWORD)
    assert response.status_code == 200 and not _logged_in(client)


def test_hr_cannot_use_a_password_even_the_right_one(org):
    # Given HR with a password (none is needed: HR logs in by code)
    client, response = _login(_with_password(org.hr), PASSWORD)
    # Then the password form answers as for a wrong password, and no one is logged in
    assert response.status_code == 200 and not _logged_in(client)


def _code_from_mail() -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)


def test_hr_logs_in_by_code_and_lands_where_it_was_going(org):
    # Given HR asking for a code from the admin's login page, on its way to the journeys
    client = Client()
    asked = client.post(
        "/admin/login/kode/", {"email": org.hr.email, "next": "/admin/onboarding/journey/"}
    )
    assert (asked.status_code, asked["Location"]) == (302, "/admin/login/kode/bekraeft/")
    assert [m.to for m in mail.outbox] == [[org.hr.email]]
    # When it types the code from the mail
    confirmed = client.post("/admin/login/kode/bekraeft/", {"code": _code_from_mail()})
    # Then it is logged in, on the page it wanted
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/admin/onboarding/journey/")
    assert _logged_in(client)
    assert client.get("/admin/onboarding/journey/").status_code == 200


@pytest.mark.parametrize("who", ["employee", "leader", "unknown"])
def test_people_without_a_staff_role_get_no_admin_code_and_the_same_answer(org, who):
    email = "ukendt@example.dk" if who == "unknown" else getattr(org, who).email
    client = Client()
    asked = client.post("/admin/login/kode/", {"email": email})
    guessed = client.post("/admin/login/kode/bekraeft/", {"code": "ABCD-EFGH"})
    assert (asked.status_code, asked["Location"]) == (302, "/admin/login/kode/bekraeft/")
    assert guessed.status_code == 200
    assert mail.outbox == [] and not _logged_in(client)


def test_a_code_login_never_lands_outside_the_admin(org):
    client = Client()
    client.post("/admin/login/kode/", {"email": org.hr.email, "next": "https://evil.example/"})
    confirmed = client.post("/admin/login/kode/bekraeft/", {"code": _code_from_mail()})
    assert confirmed["Location"] == "/admin/"


def test_an_empty_code_request_is_refused_without_a_code(org):
    response = Client().post("/admin/login/kode/", {"email": ""})
    assert response.status_code == 400 and mail.outbox == []
