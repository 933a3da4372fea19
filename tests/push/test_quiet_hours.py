"""Quiet hours in Europe/Copenhagen: across midnight, across DST changes; alerts bypass them."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from org.models import User
from push import outbox, services
from push.models import Delivery
from push.quiet_hours import quiet_until, weekdays_to_mask

CPH = ZoneInfo("Europe/Copenhagen")
EVERY_DAY = weekdays_to_mask([1, 2, 3, 4, 5, 6, 7])
WEEKNIGHTS = weekdays_to_mask([1, 2, 3, 4, 5])  # windows starting Monday-Friday evening


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


@pytest.mark.parametrize(
    ("start", "end", "days", "now", "until"),
    [
        # an evening window across midnight
        (time(22), time(7), EVERY_DAY, local(2026, 6, 10, 21, 59), None),
        (time(22), time(7), EVERY_DAY, local(2026, 6, 10, 22, 0), local(2026, 6, 11, 7, 0)),
        (time(22), time(7), EVERY_DAY, local(2026, 6, 11, 3, 0), local(2026, 6, 11, 7, 0)),
        (time(22), time(7), EVERY_DAY, local(2026, 6, 11, 7, 0), None),
        # a daytime window
        (time(12), time(13), EVERY_DAY, local(2026, 6, 10, 12, 30), local(2026, 6, 10, 13, 0)),
        (time(12), time(13), EVERY_DAY, local(2026, 6, 10, 13, 30), None),
        # weekdays name the day a window starts: Friday night runs into Saturday morning...
        (time(22), time(7), WEEKNIGHTS, local(2026, 6, 13, 6, 0), local(2026, 6, 13, 7, 0)),
        # ...but Saturday night has no window, so Sunday 06:00 is not quiet
        (time(22), time(7), WEEKNIGHTS, local(2026, 6, 14, 6, 0), None),
        (time(22), time(7), WEEKNIGHTS, local(2026, 6, 13, 23, 0), None),
        # spring forward (29 March 2026, 02:00 -> 03:00): the night is one hour shorter
        (time(22), time(7), EVERY_DAY, local(2026, 3, 29, 3, 30), local(2026, 3, 29, 7, 0)),
        # a window starting in the skipped hour (02:30) starts an hour on, at 03:30 summer time
        (time(2, 30), time(6), EVERY_DAY, local(2026, 3, 29, 3, 15), None),
        (time(2, 30), time(6), EVERY_DAY, local(2026, 3, 29, 3, 30), local(2026, 3, 29, 6, 0)),
        # fall back (25 October 2026, 03:00 -> 02:00): both 02:30s are inside the window
        (
            time(22),
            time(7),
            EVERY_DAY,
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 summer time
            local(2026, 10, 25, 7, 0),
        ),
        (
            time(22),
            time(7),
            EVERY_DAY,
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 winter time
            local(2026, 10, 25, 7, 0),
        ),
        # a window ending in the repeated hour ends at its first occurrence
        (
            time(22),
            time(2, 30),
            EVERY_DAY,
            datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # 02:00 winter time, after 02:30 summer
            None,
        ),
        # no quiet hours
        (None, None, EVERY_DAY, local(2026, 6, 10, 23, 0), None),
    ],
)
def test_quiet_until(start, end, days, now, until):
    result = quiet_until(start=start, end=end, weekdays=days, now=now)
    assert result == (until.astimezone(UTC) if until else None)


@pytest.fixture
def sleeper(org):
    services.preference_update(
        user=org.employee,
        quiet_start=time(22),
        quiet_end=time(7),
        quiet_weekdays=[1, 2, 3, 4, 5, 6, 7],
    )
    return org.employee


def _notify(user, capture, category="news"):
    with capture(execute=True):
        return services.notification_send(
            category=category, recipients=User.objects.filter(pk=user.pk), title="Hej"
        )


def test_notification_in_quiet_hours_is_held_and_released_when_they_end(
    sleeper, device, django_capture_on_commit_callbacks
):
    device(sleeper, identifier="tok-night")
    with time_machine.travel(local(2026, 6, 10, 23, 0), tick=False) as clock:
        notification = _notify(sleeper, django_capture_on_commit_callbacks)
        row = Delivery.objects.get(notification=notification)
        assert (row.status, row.next_attempt_at) == ("held", local(2026, 6, 11, 7, 0))

        # a release run before the end leaves it held
        clock.move_to(local(2026, 6, 11, 6, 59))
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.deliveries_release_held() == 0

        clock.move_to(local(2026, 6, 11, 7, 0))
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.deliveries_release_held() == 1

    row.refresh_from_db()
    assert row.status == "sent"
    assert row.sent_at == local(2026, 6, 11, 7, 0)


def test_alert_bypasses_quiet_hours_and_category_switches(
    sleeper, device, django_capture_on_commit_callbacks
):
    services.preference_update(user=sleeper, categories={"news": False})
    device(sleeper, identifier="tok-alert")
    with time_machine.travel(local(2026, 6, 10, 23, 0), tick=False):
        news = _notify(sleeper, django_capture_on_commit_callbacks, category="news")
        alert = _notify(sleeper, django_capture_on_commit_callbacks, category="alerts")

    assert news.recipients.count() == 0
    assert not Delivery.objects.filter(notification=news).exists()
    row = Delivery.objects.get(notification=alert)
    assert (row.status, alert.priority) == ("sent", "high")


def test_dedup_key_makes_a_repeated_send_a_no_op(org, device, django_capture_on_commit_callbacks):
    device(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notification_send(
            category="news",
            recipients=User.objects.filter(pk=org.employee.pk),
            title="Hej",
            dedup_key="post:1:published",
        )
        second = services.notification_send(
            category="news",
            recipients=User.objects.filter(pk=org.employee.pk),
            title="Hej",
            dedup_key="post:1:published",
        )

    assert first.pk == second.pk
    assert Delivery.objects.filter(status="sent").count() == 1
