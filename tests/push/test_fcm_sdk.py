"""The real firebase-admin SDK against the FCM fake: what each answer does to a delivery."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.utils.translation import gettext_noop

from org.models import User
from push import fcm, outbox, services, tasks
from push.models import Delivery, Device

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _send(user, capture, **fields) -> Delivery:
    with capture(execute=True):
        notification = services.notification_send(
            category="news",
            recipients=User.objects.filter(pk=user.pk),
            title=gettext_noop("Ny nyhed: %(title)s"),
            body=gettext_noop("Læs den i appen."),
            params={"title": "Julefrokost"},
            data={"post_id": "7"},
            **fields,
        )
    return Delivery.objects.get(notification=notification)


def _resend_when_due(delivery_row: Delivery, capture) -> Delivery:
    """What the countdown task does when it fires."""
    with capture(execute=True):
        tasks.send_deliveries([delivery_row.pk])
    delivery_row.refresh_from_db()
    return delivery_row


def test_success_sends_notification_and_data_with_priority_headers(
    org, device, fake_fcm, django_capture_on_commit_callbacks
):
    # given an English-speaking employee with one Android device
    org.employee.language = "en"
    org.employee.save(update_fields=["language"])
    phone = device(org.employee, identifier="tok-success")

    # when a high-priority notification is sent
    with time_machine.travel(T0, tick=False):
        row = _send(org.employee, django_capture_on_commit_callbacks, priority="high")

    # then the fake got one FCM v1 message with notification + data and priority headers
    assert (row.status, row.attempts, row.error_code, row.sent_at) == ("sent", 1, "", T0)
    [received] = fake_fcm.received
    message = received.message
    assert received.target == phone.identifier
    assert message["data"] == {"post_id": "7", "notification_id": str(row.notification_id)}
    assert message["android"]["priority"] == "high"
    assert message["android"]["notification"]["tag"] == f"bro-{row.notification_id}"
    assert message["apns"]["headers"]["apns-priority"] == "10"
    assert message["webpush"]["headers"] == {"Urgency": "high"}
    # the text is in the recipient's language (English when the catalogue has it, else Danish)
    assert message["notification"]["title"].endswith(": Julefrokost")


def test_fid_device_is_addressed_by_fid(org, device, fake_fcm, django_capture_on_commit_callbacks):
    device(org.employee, identifier="fid-1", kind=Device.Kind.FID)

    row = _send(org.employee, django_capture_on_commit_callbacks)

    assert row.status == "sent"
    [received] = fake_fcm.received
    assert received.message["fid"] == "fid-1"
    assert "token" not in received.message


def test_unregistered_token_is_retired_at_once_and_not_used_again(
    org, device, fake_fcm, django_capture_on_commit_callbacks
):
    phone = device(org.employee, identifier="tok-gone")
    fake_fcm.answer_token("tok-gone", "unregistered")

    row = _send(org.employee, django_capture_on_commit_callbacks)

    assert (row.status, row.error_code, row.attempts) == ("failed", "UNREGISTERED", 1)
    phone.refresh_from_db()
    assert phone.retired_reason == "unregistered"
    assert phone.retired_at is not None
    # a later notification has no delivery for the retired device
    later = _send_many(org.employee, django_capture_on_commit_callbacks)
    assert later == 0
    assert len(fake_fcm.received) == 1


def _send_many(user, capture) -> int:
    with capture(execute=True):
        notification = services.notification_send(
            category="news", recipients=User.objects.filter(pk=user.pk), title="Endnu en"
        )
    return Delivery.objects.filter(notification=notification).count()


def test_invalid_argument_is_recorded_device_retired_and_never_retried(
    org, device, fake_fcm, django_capture_on_commit_callbacks
):
    device(org.employee, identifier="tok-bad")
    fake_fcm.answer_token("tok-bad", "invalid_argument", "success")

    with time_machine.travel(T0, tick=False) as clock:
        row = _send(org.employee, django_capture_on_commit_callbacks)
        clock.shift(timedelta(hours=3))
        with django_capture_on_commit_callbacks(execute=True):
            outbox.deliveries_reconcile()
        row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.error_code, row.attempts) == ("failed", "INVALID_ARGUMENT", 1)
    assert Device.objects.get(identifier="tok-bad").retired_reason == "invalid"
    assert len(fake_fcm.received) == 1


def test_quota_429_is_retried_no_sooner_than_retry_after(
    org, device, fake_fcm, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_RETRY_BASE_SECONDS = 1
    device(org.employee, identifier="tok-quota")
    fake_fcm.answer_token("tok-quota", "quota:30", "success")

    with time_machine.travel(T0, tick=False) as clock:
        row = _send(org.employee, django_capture_on_commit_callbacks)
        # then it waits for Retry-After, not for the (shorter) backoff
        assert (row.status, row.error_code, row.attempts) == ("retrying", "QUOTA_EXCEEDED", 1)
        assert row.next_attempt_at == T0 + timedelta(seconds=30)
        # a task firing early sends nothing
        clock.shift(timedelta(seconds=29))
        row = _resend_when_due(row, django_capture_on_commit_callbacks)
        assert (row.status, len(fake_fcm.received)) == ("retrying", 1)
        clock.shift(timedelta(seconds=1))
        row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.attempts, row.error_code) == ("sent", 2, "")
    first, second = fake_fcm.received_for("tok-quota")
    assert second.at - first.at >= 30


def test_503_is_retried_with_growing_backoff(
    org, device, fake_fcm, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_RETRY_BASE_SECONDS = 10
    device(org.employee, identifier="tok-busy")
    fake_fcm.answer_token("tok-busy", "unavailable", "unavailable", "success")

    with time_machine.travel(T0, tick=False) as clock:
        row = _send(org.employee, django_capture_on_commit_callbacks)
        first_wait = row.next_attempt_at - T0
        assert (row.status, row.error_code, row.attempts) == ("retrying", "UNAVAILABLE", 1)
        assert timedelta(seconds=5) <= first_wait <= timedelta(seconds=10)
        clock.move_to(row.next_attempt_at)
        second_start = row.next_attempt_at
        row = _resend_when_due(row, django_capture_on_commit_callbacks)
        second_wait = row.next_attempt_at - second_start
        assert (row.status, row.attempts) == ("retrying", 2)
        assert timedelta(seconds=10) <= second_wait <= timedelta(seconds=20)
        clock.move_to(row.next_attempt_at)
        row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.attempts) == ("sent", 3)
    assert len(fake_fcm.received_for("tok-busy")) == 3


def test_hang_times_out_and_is_retried(
    org, device, fake_fcm, settings, django_capture_on_commit_callbacks
):
    device(org.employee, identifier="tok-hang")
    fake_fcm.answer_token("tok-hang", "hang", "success")

    with time_machine.travel(T0, tick=False) as clock:
        row = _send(org.employee, django_capture_on_commit_callbacks)
        assert (row.status, row.error_code, row.attempts) == ("retrying", "DEADLINE_EXCEEDED", 1)
        clock.move_to(row.next_attempt_at)
        row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.attempts) == ("sent", 2)
    assert len(fake_fcm.received_for("tok-hang")) == 2


def test_transient_errors_give_up_after_max_attempts(
    org, device, fake_fcm, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_MAX_ATTEMPTS = 2
    device(org.employee, identifier="tok-down")
    fake_fcm.answer_token("tok-down", "unavailable")

    with time_machine.travel(T0, tick=False) as clock:
        row = _send(org.employee, django_capture_on_commit_callbacks)
        clock.move_to(row.next_attempt_at)
        row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.error_code, row.attempts) == ("failed", "UNAVAILABLE", 2)


def test_redelivered_chunk_task_sends_nothing_twice(
    org, device, fake_fcm, django_capture_on_commit_callbacks
):
    device(org.employee, identifier="tok-once")
    row = _send(org.employee, django_capture_on_commit_callbacks)

    # when the broker hands the same chunk task out again
    row = _resend_when_due(row, django_capture_on_commit_callbacks)

    assert (row.status, row.attempts) == ("sent", 1)
    assert len(fake_fcm.received) == 1


def test_more_than_500_devices_go_in_chunks_of_500(
    org, fake_fcm, settings, django_capture_on_commit_callbacks
):
    count = 501
    # 500 concurrent requests on a busy test machine need more than the fixture's 0.5 s.
    settings.FCM_HTTP_TIMEOUT_SECONDS = 10
    fcm.reset_firebase_app()
    # given one person with 501 devices (a fan-out is chunked the same way across people)
    Device.objects.bulk_create(
        [
            Device(user=org.employee, identifier=f"t{i}", platform="android", last_seen_at=T0)
            for i in range(count)
        ]
    )

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_send(
            category="news", recipients=User.objects.filter(pk=org.employee.pk), title="Hej"
        )

    assert Delivery.objects.filter(notification=notification, status="sent").count() == count
    assert sorted(fake_fcm.accepted().values()) == [1] * count
