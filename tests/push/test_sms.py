"""SMS through the pipeline: the GatewayAPI adapter against its fake, retries, reports, budget."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine

from org.models import User
from org.sms import sms_encoding
from push import services
from push.models import Delivery

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Copenhagen, a Monday


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("Hej Mette, husk mødet på Æblegården i morgen.", "GSM7", 1),
        ("a" * 160, "GSM7", 1),
        ("a" * 161, "GSM7", 2),
        ("€" * 80, "GSM7", 1),  # the euro sign is an escape: 2 septets each
        ("€" * 81, "GSM7", 2),
        ("Tak 👍", "UCS2", 1),  # an emoji is two UTF-16 code units
        ("ç" * 70, "UCS2", 1),  # ç is GSM-7 only in upper case
        ("ç" * 71, "UCS2", 2),
    ],
)
def test_sms_encoding_and_segments(text, encoding, segments):
    result = sms_encoding(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def _phone(user, number="+4512345678"):
    user.phone = number
    user.save(update_fields=["phone"])
    return user


def _sms(org, *, category="news", title="Nyt fra Bro", body="", **kwargs):
    return services.notification_send(
        category=category,
        recipients=User.objects.filter(pk=org.employee.pk),
        title=title,
        body=body,
        channels=("sms",),
        **kwargs,
    )


def test_an_sms_goes_through_the_gateway_with_reference_sender_and_cost(
    org, fake_gateway, django_capture_on_commit_callbacks
):
    _phone(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _sms(org, title="Vagtplan 👍")

    row = Delivery.objects.get(notification=notification)
    assert (row.channel, row.address, row.status, row.attempts) == ("sms", "+4512345678", "sent", 1)
    assert (row.segments, str(row.cost)) == (1, "0.2500")
    [sms] = fake_gateway.accepted
    assert (sms.msisdn, sms.message, sms.sender, sms.encoding, sms.userref) == (
        4512345678,
        "Vagtplan 👍",
        "Bro",
        "UCS2",
        str(row.pk),
    )


@pytest.mark.parametrize(
    ("answer", "status", "error_code"),
    [
        ("500", "retrying", "HTTP_500"),
        ("429:120", "retrying", "HTTP_429"),
        ("hang", "retrying", "TIMEOUT"),
        ("400", "failed", "0x0217"),
    ],
)
def test_gateway_errors_are_retried_or_final(
    org, fake_gateway, settings, django_capture_on_commit_callbacks, answer, status, error_code
):
    settings.PUSH_RETRY_BASE_SECONDS = 10
    _phone(org.employee)
    fake_gateway.answer_next_calls(answer)
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            notification = _sms(org)
        from push import delivery

        schedule = delivery.deliveries_send(
            delivery_ids=list(Delivery.objects.values_list("id", flat=True))
        )

    row = Delivery.objects.get(notification=notification)
    assert (row.status, row.error_code, row.attempts) == (status, error_code, 1)
    assert fake_gateway.accepted == []
    if status == "retrying":
        assert list(schedule.values()) == [[row.pk]]
        # never sooner than Retry-After; otherwise the jittered backoff (5-10 s)
        lower = 120 if answer.startswith("429") else 5
        assert T0 + timedelta(seconds=lower) <= row.next_attempt_at
    else:
        assert schedule == {}


def test_a_retried_sms_is_sent_once_the_gateway_is_back(
    org, fake_gateway, django_capture_on_commit_callbacks
):
    from push import delivery

    _phone(org.employee)
    fake_gateway.answer_next_calls("500")
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=False):
            notification = _sms(org)
        ids = list(Delivery.objects.values_list("id", flat=True))
        delivery.deliveries_send(delivery_ids=ids)
        clock.move_to(T0 + timedelta(minutes=5))
        delivery.deliveries_send(delivery_ids=ids)

    row = Delivery.objects.get(notification=notification)
    assert (row.status, row.attempts, row.error_code) == ("sent", 2, "")
    assert [s.answer for s in fake_gateway.received] == ["500", "ok"]


def _report(secret, **claims):
    report = {"id": 1001, "msisdn": 4512345678, "time": 1796032800, "status": "DELIVERED"}
    report.update(claims)
    return jwt.encode(report, secret, algorithm="HS256"), report


def test_a_signed_delivery_report_marks_the_sms_delivered(
    org, fake_gateway, settings, client, django_capture_on_commit_callbacks
):
    settings.SMS_CALLBACK_SECRET = "s" * 32
    _phone(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _sms(org)
    row = Delivery.objects.get(notification=notification)
    signature, report = _report(settings.SMS_CALLBACK_SECRET, userref=str(row.pk))

    response = client.post(
        "/api/v1/push/sms/reports/",
        report,
        content_type="application/json",
        headers={"X-Gwapi-Signature": signature},
    )

    assert response.status_code == 204
    row.refresh_from_db()
    assert (row.status, row.report_status, row.delivered_at) == (
        "sent",
        "DELIVERED",
        datetime.fromtimestamp(1796032800, tz=UTC),
    )
    # a late transient report changes nothing
    signature, report = _report(settings.SMS_CALLBACK_SECRET, userref=str(row.pk), status="ENROUTE")
    client.post(
        "/api/v1/push/sms/reports/",
        report,
        content_type="application/json",
        headers={"X-Gwapi-Signature": signature},
    )
    row.refresh_from_db()
    assert row.report_status == "DELIVERED"


@pytest.mark.parametrize("signed_with", ["", "wrong-secret-" + "x" * 20])
def test_an_unsigned_or_wrongly_signed_report_is_refused(
    org, settings, client, django_capture_on_commit_callbacks, signed_with
):
    settings.SMS_CALLBACK_SECRET = "s" * 32
    _phone(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _sms(org)
    row = Delivery.objects.get(notification=notification)
    headers = {}
    if signed_with:
        headers["X-Gwapi-Signature"] = _report(signed_with, userref=str(row.pk))[0]

    response = client.post(
        "/api/v1/push/sms/reports/",
        {"id": 1, "msisdn": 1, "time": 1, "status": "UNDELIVERABLE", "userref": str(row.pk)},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 401
    row.refresh_from_db()
    assert (row.status, row.report_status) == ("sent", "")


def test_a_failure_report_fails_the_delivery(
    org, settings, client, django_capture_on_commit_callbacks
):
    settings.SMS_CALLBACK_SECRET = "s" * 32
    _phone(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _sms(org)
    row = Delivery.objects.get(notification=notification)
    signature, report = _report(
        settings.SMS_CALLBACK_SECRET, userref=str(row.pk), status="UNDELIVERABLE"
    )

    client.post(
        "/api/v1/push/sms/reports/",
        report,
        content_type="application/json",
        headers={"X-Gwapi-Signature": signature},
    )

    row.refresh_from_db()
    assert (row.status, row.error_code, row.report_status) == (
        "failed",
        "DSN_UNDELIVERABLE",
        "UNDELIVERABLE",
    )


def test_the_monthly_sms_budget_stops_a_category_but_not_alerts(
    org, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BUDGET_SEGMENTS = {**settings.SMS_BUDGET_SEGMENTS, "news": 2}
    _phone(org.employee)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = _sms(org, title="Første")
        second = _sms(org, title="Anden")
        third = _sms(org, title="Tredje")
        alert = _sms(org, category="alerts", title="Brand")

    statuses = {
        n.title: Delivery.objects.get(notification=n).status for n in (first, second, third, alert)
    }
    assert statuses == {"Første": "sent", "Anden": "sent", "Tredje": "skipped", "Brand": "sent"}
    assert Delivery.objects.get(notification=third).error_code == "SMS_BUDGET"


def test_communications_is_warned_once_at_80_percent(
    org, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SMS_BUDGET_SEGMENTS = {**settings.SMS_BUDGET_SEGMENTS, "news": 5}
    _phone(org.employee)
    org.comms.email = "karin@example.dk"
    org.comms.save(update_fields=["email"])
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            _sms(org, title=f"Nyhed {i}")
        assert services.sms_budget_warn() == []
        _sms(org, title="Nyhed 4")
        assert services.sms_budget_warn() == ["news"]
        services.sms_budget_warn()

    assert [m.to for m in mailoutbox] == [["karin@example.dk"]]
    assert "4 af 5" in mailoutbox[0].body


def test_a_person_who_switched_sms_off_gets_none_except_alerts(
    org, django_capture_on_commit_callbacks
):
    _phone(org.employee)
    services.preference_update(user=org.employee, channels={"sms": False})
    with django_capture_on_commit_callbacks(execute=True):
        news = _sms(org)
        alert = _sms(org, category="alerts", title="Brand")

    assert not Delivery.objects.filter(notification=news).exists()
    assert Delivery.objects.get(notification=alert).status == "sent"


def test_fallback_reaches_only_people_without_an_active_device(
    org, device, django_capture_on_commit_callbacks
):
    _phone(org.employee, "+4512345678")
    _phone(org.other_employee, "+4587654321")
    device(org.employee, identifier="tok-e")
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_send(
            category="news",
            recipients=User.objects.filter(pk__in=[org.employee.pk, org.other_employee.pk]),
            title="Husk",
            fallback=("sms", "email"),
        )

    rows = sorted(
        Delivery.objects.filter(notification=notification).values_list(
            "user_id", "channel", "address"
        )
    )
    assert rows == sorted(
        [(org.employee.pk, "push", ""), (org.other_employee.pk, "sms", "+4587654321")]
    )
