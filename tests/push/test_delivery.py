"""A chunk task's bookkeeping without a worker: the send budget and the deliveries it writes."""

import itertools
from datetime import UTC, datetime, time
from types import SimpleNamespace

import time_machine

from org.models import User
from push import delivery, fcm, services
from push.models import Delivery, Device

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Copenhagen, a Monday


def test_task_past_its_send_budget_hands_back_what_it_has_not_sent(
    org, device, settings, monkeypatch
):
    # given five devices, claimed two at a time, one message on the wire at a time
    settings.PUSH_SEND_BATCH_SIZE = 2
    for i in range(5):
        device(org.employee, identifier=f"tok-{i}")
    notification = services.notification_send(
        category="news", recipients=User.objects.filter(pk=org.employee.pk), title="Hej"
    )
    ids = sorted(Delivery.objects.filter(notification=notification).values_list("id", flat=True))
    monkeypatch.setattr(fcm._Done, "limit", 1)
    # and a clock on which the budget runs out after the first message
    ticks = itertools.count(step=delivery.SEND_BUDGET_SECONDS * 2 / 3)
    monkeypatch.setattr(delivery, "time", SimpleNamespace(monotonic=lambda: next(ticks)))

    # when the chunk is sent
    schedule = delivery.deliveries_send(delivery_ids=ids)

    # then one went out, and the other four go back to the queue, unclaimed and unattempted
    assert [m.identifier for m in fcm.LogBackend.sent] == ["tok-0"]
    assert schedule == {0.0: ids[1:]}
    rows = {
        row.device.identifier: (row.status, row.attempts, row.claim)
        for row in Delivery.objects.filter(notification=notification).select_related("device")
    }
    assert rows == {
        "tok-0": ("sent", 1, None),
        **{f"tok-{i}": ("queued", 0, None) for i in range(1, 5)},
    }


def test_deliveries_are_one_per_active_device_held_in_quiet_hours(org, device, settings):
    # given an employee with two devices (one retired) and a leader in quiet hours
    phone = device(org.employee, identifier="tok-phone")
    old = device(org.employee, identifier="tok-old")
    Device.objects.filter(pk=old.pk).update(retired_at=T0, retired_reason="unregistered")
    tablet = device(org.leader, identifier="tok-tablet")
    services.preference_update(
        user=org.leader, quiet_start=time(10, 0), quiet_end=time(12, 0), quiet_weekdays=[1]
    )

    # when a notification goes to both
    with time_machine.travel(T0, tick=False):
        notification = services.notification_send(
            category="news",
            recipients=User.objects.filter(pk__in=[org.employee.pk, org.leader.pk]),
            title="Hej",
        )

    # then each active device has one delivery: queued, or held until the quiet hours end
    rows = {
        row.device_id: (row.user_id, row.status, row.next_attempt_at, row.attempts, row.updated_at)
        for row in Delivery.objects.filter(notification=notification)
    }
    assert rows == {
        phone.pk: (org.employee.pk, "queued", None, 0, T0),
        tablet.pk: (org.leader.pk, "held", datetime(2026, 11, 30, 11, 0, tzinfo=UTC), 0, T0),
    }
