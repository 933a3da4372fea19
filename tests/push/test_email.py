"""E-mail through the pipeline and the login-code task, against a real SMTP server on loopback."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from org import messaging
from org.models import User
from push import delivery, services
from push.models import Delivery
from tests.fakes.smtp import FakeSmtp

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def smtp(settings):
    with FakeSmtp() as server:
        settings.MAILERS = server.mailer()
        yield server


def _email(org):
    return services.notification_send(
        category="alerts",
        recipients=User.objects.filter(pk=org.employee.pk),
        title="Krisebesked: %(title)s",
        body="Forlad bygningen.",
        params={"title": "Brand"},
        channels=("email",),
    )


def test_an_email_goes_out_over_smtp_after_commit(org, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _email(org)
    # nothing is sent inside the transaction
    assert smtp.messages == []
    for callback in callbacks:
        callback()

    row = Delivery.objects.get(notification=notification)
    assert (row.channel, row.address, row.status) == ("email", org.employee.email, "sent")
    [message] = smtp.messages
    assert (message["To"], message["Subject"], message["X-Bro-Reference"]) == (
        org.employee.email,
        "Krisebesked: Brand",
        str(row.pk),
    )
    text = message.get_payload(decode=True).decode().replace("\r\n", "\n").strip()
    assert text == "Krisebesked: Brand\nForlad bygningen."


@pytest.mark.parametrize(
    ("mode", "status", "error_code"),
    [
        ("refuse-550", "failed", "SMTP_550"),
        ("refuse-451", "retrying", "SMTP_451"),
        ("drop", "retrying", "SMTP_CONNECTION"),
    ],
)
def test_smtp_refusal_is_final_and_a_temporary_error_or_drop_is_retried(
    org, smtp, django_capture_on_commit_callbacks, mode, status, error_code
):
    smtp.answer_next(mode)
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            notification = _email(org)
        schedule = delivery.deliveries_send(
            delivery_ids=list(Delivery.objects.values_list("id", flat=True))
        )
    row = Delivery.objects.get(notification=notification)
    assert (row.status, row.error_code) == (status, error_code)
    assert smtp.messages == []
    assert bool(schedule) == (status == "retrying")


def test_a_dropped_connection_is_sent_on_the_next_attempt(
    org, smtp, django_capture_on_commit_callbacks
):
    smtp.answer_next("drop")
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=False):
            notification = _email(org)
        ids = list(Delivery.objects.values_list("id", flat=True))
        delivery.deliveries_send(delivery_ids=ids)
        clock.move_to(T0 + timedelta(minutes=5))
        delivery.deliveries_send(delivery_ids=ids)

    row = Delivery.objects.get(notification=notification)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(smtp.messages) == 1


def test_the_login_code_task_retries_a_dropped_connection_then_delivers(org, smtp):
    # eager Celery (no worker to come back later): the attempts are made at once
    smtp.answer_next("drop", "refuse-451")
    messaging.send_login_code.delay(email=org.employee.email, code="ABCD-EFGH", language="da")

    [message] = smtp.messages
    assert message["To"] == org.employee.email
    assert "ABCD-EFGH" in message.get_payload(decode=True).decode()


def test_the_login_code_task_gives_up_quietly_on_a_refused_address(org, smtp):
    smtp.answer_next("refuse-550")
    messaging.send_login_code.delay(email=org.employee.email, code="ABCD-EFGH", language="da")
    assert smtp.messages == []


def test_an_unknown_address_queues_the_same_task_which_sends_nothing(smtp):
    messaging.send_login_code.delay(email="ukendt@example.dk")
    assert smtp.messages == []


@pytest.mark.after_commit
def test_a_login_code_is_sent_only_after_the_request(org, client, mailoutbox):
    # the code request answers before any mail exists; the mail goes out after commit
    from django.db import connection

    assert connection.in_atomic_block  # the test's own transaction never commits
    response = client.post(
        "/_allauth/app/v1/auth/code/request",
        {"email": org.employee.email},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert mailoutbox == []
