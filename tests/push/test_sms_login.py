"""A phone-only person (as many in the demo: no e-mail) logs in by an SMS code that goes
through the real GatewayAPI adapter to the gateway fake, from a task after the request."""

import re

from django.test import Client

from tests.factories import UserFactory


def test_a_phone_only_person_logs_in_by_sms_code_through_the_gateway(
    org, fake_gateway, django_capture_on_commit_callbacks
):
    # given a home-care helper with a mobile number and no e-mail
    person = UserFactory(unit=org.team_a, email=None, phone="+4520000005", name="Birthe Madsen")
    client = Client()

    # when they ask for a code with their number
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(
            "/_allauth/app/v1/auth/code/request",
            {"phone": "+4520000005"},
            content_type="application/json",
        )

    # then the gateway got exactly one SMS to that number, in Danish, with the code
    assert requested.status_code == 401, requested.content
    [sms] = fake_gateway.accepted
    assert (sms.msisdn, sms.sender, sms.encoding) == (4520000005, "Bro", "GSM7")
    code = re.fullmatch(r"Din kode til Bro: (\S+)", sms.message).group(1)

    # and with that code they get a session that the API accepts as them
    confirmed = client.post(
        "/_allauth/app/v1/auth/code/confirm",
        {"code": code},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=requested.json()["meta"]["session_token"],
    )
    assert confirmed.status_code == 200, confirmed.content
    token = confirmed.json()["meta"]["session_token"]
    me = Client().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert (me.status_code, me.json()["id"]) == (200, person.pk)
