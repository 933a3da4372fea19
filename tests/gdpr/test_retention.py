"""The retention table: old rows go, recent rows stay; dry run, archive hold; offboarding."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from content import services as content_services
from content.models import PostKind, ReadReceipt, Rsvp
from org import erasure, personal_data, services
from org.models import AccessLog, User
from push import services as push_services
from push.models import Category, Delivery, Device, Notification, Recipient
from tests.content.factories import PostFactory
from tests.factories import UserFactory
from tests.push.factories import DeviceFactory


def _history_at(org, person, when, label: str) -> None:
    """A read receipt, an RSVP, a notification, a retired device and an access-log row at `when`."""
    # Addressed to the author only, so publishing notifies nobody: the inbox holds only ours.
    only_author = content_services.AudienceSpec(people=[org.comms])
    with time_machine.travel(when, tick=False):
        post = PostFactory(author=org.comms, title=f"Nyhed {label}", audience=only_author)
        content_services.post_read_record(post=post, user=person)
        event = PostFactory(
            author=org.comms,
            kind=PostKind.EVENT,
            title=f"Fest {label}",
            audience=only_author,
            starts_at=timezone.now() + timedelta(days=1),
        )
        content_services.event_rsvp(post=event, user=person, answer="yes")
        device = DeviceFactory(user=person, identifier=f"token-{label}")
        push_services.notification_send(
            category=Category.NEWS,
            recipients=User.objects.filter(pk=person.pk),
            title="Ny nyhed: %(title)s",
            params={"title": post.title},
        )
        push_services.device_retire(user=person, identifier=device.identifier)
        services.access_log_record(actor=org.hr, subject_id=person.pk, what="person_record")


def _snapshot(person) -> dict[str, int]:
    return {
        "read_receipts": ReadReceipt.objects.filter(user=person).count(),
        "rsvps": Rsvp.objects.filter(user=person).count(),
        "inbox": Recipient.objects.filter(user=person).count(),
        "deliveries": Delivery.objects.filter(user=person).count(),
        "notifications": Notification.objects.filter(recipients__user=person).count(),
        "devices": Device.objects.filter(user=person).count(),
        "access_log": AccessLog.objects.filter(subject=person).count(),
    }


def test_every_retention_class_has_a_setting_and_a_handler():
    assert set(personal_data.retention_handlers()) == set(settings.RETENTION_DAYS)


def test_retention_deletes_what_is_too_old_and_a_second_run_changes_nothing(org):
    # Given one set of rows from 3 years ago, one from 1 year ago, and one from today
    person = UserFactory(name="Rita Retention", unit=org.team_a)
    now = timezone.now()
    _history_at(org, person, now - timedelta(days=3 * 365), "gammel")
    _history_at(org, person, now - timedelta(days=365), "sidste år")
    _history_at(org, person, now - timedelta(hours=1), "i dag")
    assert _snapshot(person) == {
        "read_receipts": 3,
        "rsvps": 3,
        "inbox": 3,
        "deliveries": 3,
        "notifications": 3,
        "devices": 3,
        "access_log": 3,
    }

    # When retention runs with the defaults (2 years, 6 months)
    counts = erasure.retention_enforce()

    # Then receipts and RSVPs older than 2 years go; inbox, devices, log older than 6 months
    assert counts == {
        "access_log": 2,
        "former_employees": 0,
        "notifications": 4,  # 2 inbox rows + 2 delivery records
        "read_receipts": 1,
        "retired_devices": 2,
        "rsvps": 1,
    }
    assert _snapshot(person) == {
        "read_receipts": 2,
        "rsvps": 2,
        "inbox": 1,
        "deliveries": 1,
        "notifications": 1,
        "devices": 1,
        "access_log": 1,
    }
    # When it runs again, Then nothing more is deleted
    kept = _snapshot(person)
    assert set(erasure.retention_enforce().values()) == {0}
    assert _snapshot(person) == kept


def test_dry_run_counts_and_deletes_nothing(org, capsys):
    person = UserFactory(name="Rita Retention", unit=org.team_a)
    _history_at(org, person, timezone.now() - timedelta(days=3 * 365), "gammel")
    before = _snapshot(person)

    call_command("enforce_retention", "--dry-run")

    out = capsys.readouterr().out
    assert "read_receipts        older than  730 days: would delete 1" in out
    assert "access_log           older than  180 days: would delete 1" in out
    assert _snapshot(person) == before


def test_an_archive_hold_stops_all_deletion(org, settings):
    settings.RETENTION_ARCHIVE_HOLD = True
    person = UserFactory(name="Rita Retention", unit=org.team_a)
    _history_at(org, person, timezone.now() - timedelta(days=3 * 365), "gammel")
    before = _snapshot(person)

    counts = erasure.retention_enforce()

    assert counts["read_receipts"] == 1  # counted ...
    assert _snapshot(person) == before  # ... but kept


def test_offboarding_deactivates_after_the_end_date_and_erases_after_retention(org, api):
    # Given a person whose last day was yesterday, with a phone and a session
    today = timezone.localdate()
    leaving = UserFactory(
        name="Otto Offboard",
        unit=org.team_a,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=1),
    )
    device = DeviceFactory(user=leaving, identifier="otto-token")
    client = api(leaving)
    assert client.get("/api/v1/me/").status_code == 200

    # When the offboarding task runs
    assert erasure.people_offboard_ended(today=today) == {"deactivated": 1, "erased": 0}

    # Then the person is deactivated, the session ended, the device retired — not yet erased
    leaving.refresh_from_db()
    device.refresh_from_db()
    assert (leaving.is_active, leaving.erased_at, leaving.name) == (False, None, "Otto Offboard")
    assert client.get("/api/v1/me/").status_code == 401
    assert device.retired_at is not None
    # ... and a second run the same day does nothing
    assert erasure.people_offboard_ended(today=today) == {"deactivated": 0, "erased": 0}

    # When the retention period for former employees has passed
    later = today + timedelta(days=settings.RETENTION_DAYS["former_employees"])
    assert erasure.people_offboard_ended(today=later) == {"deactivated": 0, "erased": 1}

    # Then the profile is anonymised and the device deleted; again, a second run does nothing
    leaving.refresh_from_db()
    assert (leaving.name, leaving.email, leaving.erased_at is not None) == (
        "Tidligere medarbejder",
        None,
        True,
    )
    assert Device.objects.filter(user=leaving).count() == 0
    assert erasure.people_offboard_ended(today=later) == {"deactivated": 0, "erased": 0}


def test_the_archive_hold_lets_offboarding_deactivate_but_not_erase(org, settings):
    settings.RETENTION_ARCHIVE_HOLD = True
    today = timezone.localdate()
    leaving = UserFactory(
        name="Otto Offboard",
        unit=org.team_a,
        start_date=today - timedelta(days=900),
        end_date=today - timedelta(days=800),
    )

    assert erasure.people_offboard_ended(today=today) == {"deactivated": 1, "erased": 0}

    leaving.refresh_from_db()
    assert (leaving.is_active, leaving.name, leaving.erased_at) == (False, "Otto Offboard", None)


def test_the_beat_tasks_run(org):
    from org import tasks

    assert tasks.offboard_ended_people.delay().get() == {"deactivated": 0, "erased": 0}
    assert set(tasks.enforce_retention.delay(dry_run=True).get()) == set(settings.RETENTION_DAYS)
