"""Login by code on the web: allauth's flow driven server-side, staff roles only."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def _code_from_mail() -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)


def test_a_leader_logs_in_with_a_code_and_lands_where_it_was_going(org):
    # Given a leader who opened a page before logging in
    client = Client()
    start = client.get("/dashboard/kernefortaellingen/")
    assert start["Location"] == "/dashboard/login/?next=%2Fdashboard%2Fkernefortaellingen%2F"

    # When it asks for a code by e-mail and types the code it got
    asked = client.post(start["Location"], {"email": org.leader.email})
    assert asked.status_code == 302 and asked["Location"] == "/dashboard/login/kode/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [org.leader.email]
    confirmed = client.post("/dashboard/login/kode/", {"code": _code_from_mail()})

    # Then it is signed in and back on the page it wanted
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/dashboard/kernefortaellingen/"
    assert client.get("/dashboard/kernefortaellingen/").status_code == 200


def test_an_employee_gets_no_code_and_the_same_answer(org):
    # Given an employee and an unknown address asking for a code
    answers = []
    for email in (org.employee.email, "ukendt@example.dk"):
        client = Client()
        response = client.post("/dashboard/login/", {"email": email})
        answers.append((response.status_code, response["Location"]))
        # When a guessed code is typed
        guessed = client.post("/dashboard/login/kode/", {"code": "ABCD-EFGH"})
        assert guessed.status_code == 200
        assert client.get("/dashboard/omraade/").status_code == 302

    # Then both got the same answer, no mail went out, and no session was started
    assert answers == [(302, "/dashboard/login/kode/")] * 2
    assert mail.outbox == []
    assert not Session.objects.filter(session_data__contains="_auth_user_id").exists()


def test_three_wrong_codes_end_the_attempt(org):
    # Given a leader who asked for a code
    client = Client()
    client.post("/dashboard/login/", {"email": org.leader.email})
    right = _code_from_mail()

    # When it types three wrong codes, then the right one
    answers = [client.post("/dashboard/login/kode/", {"code": "XXXX-XXXX"}) for _ in range(3)]
    late = client.post("/dashboard/login/kode/", {"code": right})

    # Then the third sends it back to ask again, and the right code no longer works
    assert [a.status_code for a in answers] == [200, 200, 302]
    assert answers[2]["Location"] == "/dashboard/login/"
    assert late.status_code == 302 and late["Location"] == "/dashboard/login/"
    assert client.get("/dashboard/omraade/").status_code == 302


def test_confirm_without_asking_goes_back_to_login(org):
    response = Client().post("/dashboard/login/kode/", {"code": "ABCD-EFGH"})
    assert (response.status_code, response["Location"]) == (302, "/dashboard/login/")


def test_next_never_leaves_the_dashboard(org):
    # Given a login started with a next pointing elsewhere
    client = Client()
    client.post("/dashboard/login/?next=https://evil.example/", {"email": org.leader.email})

    # When the code is confirmed
    response = client.post("/dashboard/login/kode/", {"code": _code_from_mail()})

    # Then it lands on the dashboard's start page
    assert response["Location"] == "/dashboard/"


def test_logout_ends_the_session(org, web):
    client = web(org.leader)
    assert client.get("/dashboard/onboarding/").status_code == 200
    response = client.post("/dashboard/logout/")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/login/")
    assert client.get("/dashboard/onboarding/").status_code == 302


def test_a_signed_in_leader_skips_the_login_page(org, web):
    response = web(org.leader).get("/dashboard/login/?next=/dashboard/heatmap/")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/heatmap/")


def test_a_leader_without_email_logs_in_by_sms(org):
    # Given a leader known only by a mobile number
    from org import services
    from org.sms import LogSmsSender
    from tests.factories import UserFactory

    leader = UserFactory(name="Bo Sms", email=None, phone="+4522334455", unit=org.unit_b)
    services.leader_scope_set(leader=leader, units=[org.unit_b])
    client = Client()

    # When it asks for a code by SMS and types it
    client.post("/dashboard/login/", {"phone": "+4522334455"})
    code = re.search(r": (\S+)$", LogSmsSender.outbox[-1]["body"]).group(1)
    response = client.post("/dashboard/login/kode/", {"code": code})

    # Then it is signed in
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert LogSmsSender.outbox[-1]["to"] == "+4522334455"
    assert client.get("/dashboard/omraade/").status_code == 200


@pytest.mark.parametrize("data", [{}, {"email": "", "phone": ""}, {"email": "ikke-en-adresse"}])
def test_an_empty_or_malformed_request_is_refused_without_a_code(org, data):
    response = Client().post("/dashboard/login/", data)
    assert response.status_code in (200, 400)
    assert "Send kode" in response.content.decode()
    assert mail.outbox == []
