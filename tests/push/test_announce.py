"""Wiring into content: publishing a post and must-read reminders notify people."""

from datetime import UTC, datetime, time

import time_machine

from content import announce
from content.services import AudienceSpec
from push import services
from push.models import Alert, Delivery, Notification
from tests.content.factories import PostFactory

NIGHT = datetime(2026, 6, 10, 21, 30, tzinfo=UTC)  # 23:30 in Copenhagen


def test_publishing_a_post_notifies_its_audience_respecting_preferences(
    org, device, django_capture_on_commit_callbacks
):
    # given one person with news off, one in quiet hours, one plain
    services.preference_update(user=org.other_employee, categories={"news": False})
    services.preference_update(user=org.leader, quiet_start=time(22), quiet_end=time(7))
    device(org.employee, identifier="tok-employee")
    device(org.leader, identifier="tok-leader")
    device(org.other_employee, identifier="tok-other")

    # when communications publishes a news post for everyone
    with (
        time_machine.travel(NIGHT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post = PostFactory(author=org.comms, title="Julefrokost")

    # then everyone but the author and the one with news off has it in the inbox
    notification = Notification.objects.get(dedup_key=f"post:{post.pk}:published")
    assert (notification.category, notification.params) == ("news", {"title": "Julefrokost"})
    assert notification.data == {"type": "post", "post_id": str(post.pk), "kind": "news"}
    assert set(notification.recipients.values_list("user_id", flat=True)) == {
        org.employee.pk,
        org.leader.pk,
        org.other_leader.pk,
        org.hr.pk,
        org.admin.pk,
    }
    # and the push went out now, except to the leader in quiet hours
    statuses = dict(
        Delivery.objects.filter(notification=notification).values_list(
            "device__identifier", "status"
        )
    )
    assert statuses == {"tok-employee": "sent", "tok-leader": "held"}


def test_publishing_an_alert_post_sends_an_alert_with_roll_call(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=org.comms,
            kind="alert",
            title="Strømsvigt",
            requires_acknowledgement=True,
            audience=AudienceSpec(units=[(org.unit_a, True)]),
        )

    alert = Alert.objects.get(post_id=post.pk)
    assert (alert.sender, alert.title) == (org.comms, "Strømsvigt")
    assert set(alert.recipients.values_list("user_id", flat=True)) == {
        org.employee.pk,
        org.leader.pk,
    }
    assert alert.notification.priority == "high"


def test_must_read_reminder_notifies_the_named_people(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=org.comms, requires_acknowledgement=True)
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        announce.remind_unacknowledged_readers(post_id=post.pk, user_ids=[org.employee.pk])

    assert Notification.objects.count() == before + 1
    reminder = Notification.objects.latest("pk")
    assert reminder.title == "Husk at læse: %(title)s"
    assert list(reminder.recipients.values_list("user_id", flat=True)) == [org.employee.pk]
