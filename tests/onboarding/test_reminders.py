"""Reminders: each "due" and "overdue" reminder goes out exactly once, to the right people,
however often beat runs the task."""

from datetime import datetime

import pytest

from onboarding import services
from onboarding.models import Doer, JourneyStep
from onboarding.schedule import COPENHAGEN
from onboarding.tasks import send_step_reminders
from push.models import Notification

from .factories import TrackFactory, step


def _sent() -> list[tuple[str, str, list[str]]]:
    """(kind, step title, recipients) of every onboarding notification written so far."""
    titles = dict(JourneyStep.objects.values_list("id", "title"))
    rows = []
    for notification in Notification.objects.filter(category="onboarding").prefetch_related(
        "recipients__user"
    ):
        rows.append(
            (
                notification.data["type"],
                titles[int(notification.data["step_id"])],
                sorted(r.user.name for r in notification.recipients.all()),
            )
        )
    return sorted(rows)


@pytest.fixture
def reminder_journey(org, hire, buddy, clock, settings):
    # Assigned Wednesday 14 October 10:00, start Monday 19 October; overdue after 2 days.
    settings.ONBOARDING_OVERDUE_DAYS = 2
    track = TrackFactory(
        name="Påmindelser",
        steps=[
            step("Læs velkomstbrevet", -3),
            step("Bestil nøglebrik", -2, doer=Doer.HR),
            step("Opret i vagtplan", -1, doer=Doer.LEADER),
            step("Mød din makker", 0, doer=Doer.BUDDY, kind="meeting", meet_with="buddy"),
        ],
    )
    return services.journey_assign(actor=org.hr, user=hire, track=track, buddy=buddy)


def test_due_reminders_go_to_the_doer_once_when_the_step_falls_due(reminder_journey, clock):
    # Given nothing is due yet
    send_step_reminders.delay()
    assert _sent() == []

    # When the clock passes Friday 16 October 09:00 and beat runs twice
    clock.move_to(datetime(2026, 10, 16, 9, 5, tzinfo=COPENHAGEN))
    send_step_reminders.delay()
    send_step_reminders.delay()

    # Then the new hire is told about the one step due, once
    assert _sent() == [("onboarding_step_due", "Læs velkomstbrevet", ["Sofie Holm"])]


def test_every_due_and_overdue_reminder_is_sent_exactly_once_to_the_right_people(
    org, reminder_journey, clock
):
    # When the clock reaches Monday 19 October 09:05 and beat runs twice
    clock.move_to(datetime(2026, 10, 19, 9, 5, tzinfo=COPENHAGEN))
    first = send_step_reminders.delay().get()
    second = send_step_reminders.delay().get()

    # Then each due step reached its doer (HR steps the HR contact) and each step two days
    # late reached its doer and the hire's leader; the second run sent nothing
    assert first == {"due": 4, "overdue": 2}
    assert second == {"due": 0, "overdue": 0}
    assert _sent() == [
        ("onboarding_step_due", "Bestil nøglebrik", ["Hanne HR"]),
        ("onboarding_step_due", "Læs velkomstbrevet", ["Sofie Holm"]),
        ("onboarding_step_due", "Mød din makker", ["Bente Makker"]),
        ("onboarding_step_due", "Opret i vagtplan", ["Lone Jensen"]),
        ("onboarding_step_overdue", "Bestil nøglebrik", ["Hanne HR", "Lone Jensen"]),
        ("onboarding_step_overdue", "Læs velkomstbrevet", ["Lone Jensen", "Sofie Holm"]),
    ]


def test_done_steps_are_not_reminded_and_the_leader_is_told_once_about_its_own_late_step(
    org, hire, reminder_journey, clock
):
    # Given the hire read the letter in time, and everything else is left undone
    letter = JourneyStep.objects.get(journey=reminder_journey, title="Læs velkomstbrevet")
    services.journey_step_complete(actor=hire, step=letter)

    # When beat runs on Wednesday 21 October, then again a day later
    clock.move_to(datetime(2026, 10, 21, 9, 5, tzinfo=COPENHAGEN))
    send_step_reminders.delay()
    clock.move_to(datetime(2026, 10, 22, 9, 5, tzinfo=COPENHAGEN))
    send_step_reminders.delay()

    # Then the letter is never mentioned, and the leader's own late step reaches it once
    assert _sent() == [
        ("onboarding_step_due", "Bestil nøglebrik", ["Hanne HR"]),
        ("onboarding_step_due", "Mød din makker", ["Bente Makker"]),
        ("onboarding_step_due", "Opret i vagtplan", ["Lone Jensen"]),
        ("onboarding_step_overdue", "Bestil nøglebrik", ["Hanne HR", "Lone Jensen"]),
        ("onboarding_step_overdue", "Mød din makker", ["Bente Makker", "Lone Jensen"]),
        ("onboarding_step_overdue", "Opret i vagtplan", ["Lone Jensen"]),
    ]


def test_a_step_waiting_for_an_earlier_one_is_reminded_when_it_opens(org, hire, clock):
    # Given a quiz that requires reading the letter first
    track = TrackFactory(
        name="Betinget",
        steps=[
            step("Læs om Kernefortællingen", 1),
            step("Bekræft", 1, kind="acknowledge", requires=0),
        ],
    )
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)
    clock.move_to(datetime(2026, 10, 20, 9, 30, tzinfo=COPENHAGEN))

    # When beat runs while the first step is open
    send_step_reminders.delay()
    # Then only the open step is announced
    assert _sent() == [("onboarding_step_due", "Læs om Kernefortællingen", ["Sofie Holm"])]

    # When the first step is done and beat runs again
    first = JourneyStep.objects.get(journey=journey, title="Læs om Kernefortællingen")
    services.journey_step_complete(actor=hire, step=first)
    send_step_reminders.delay()

    # Then the second one is announced
    assert _sent() == [
        ("onboarding_step_due", "Bekræft", ["Sofie Holm"]),
        ("onboarding_step_due", "Læs om Kernefortællingen", ["Sofie Holm"]),
    ]


def test_steps_already_due_or_overdue_when_assigned_are_not_reminded(org, hire, clock):
    # Given a journey assigned two days after its first step's time (-7 days, 12 October)
    track = TrackFactory(name="Sent tildelt", steps=[step("Velkommen", -7), step("Dag 1", 0)])
    services.journey_assign(actor=org.hr, user=hire, track=track)

    # When beat runs now
    send_step_reminders.delay()

    # Then nothing is sent: the assignment itself is the news
    assert _sent() == []


def test_a_cancelled_journey_is_never_reminded(org, hire, reminder_journey, clock):
    services.journey_cancel(actor=org.hr, journey=reminder_journey)
    clock.move_to(datetime(2026, 10, 30, 9, 0, tzinfo=COPENHAGEN))

    send_step_reminders.delay()

    assert _sent() == []
