"""Waves: beat opens and closes them on schedule, freezes the audience, reminds once via push."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from org import services as org_services
from push.models import Notification, Recipient
from surveys import tasks
from surveys.models import Invitation, Recurrence, Wave, WaveUnit

from .factories import make_survey, respond

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


def test_beat_opens_monthly_waves_on_schedule_and_closes_them(org, audience):
    # Given a monthly survey from 5 January at 09:00, open for 10 days
    survey = make_survey(
        audience=audience,
        recurrence=Recurrence.MONTHLY,
        first_opens_at=_at(2027, 1, 5, 9),
        open_days=10,
    )

    # When beat runs before, at and after the first opening
    with time_machine.travel(_at(2027, 1, 5, 8, 55), tick=False):
        assert tasks.open_and_close_waves() == {"opened": 0, "closed": 0}
    with time_machine.travel(_at(2027, 1, 5, 9, 1), tick=False):
        assert tasks.open_and_close_waves() == {"opened": 1, "closed": 0}
        assert tasks.open_and_close_waves() == {"opened": 0, "closed": 0}  # idempotent
    with time_machine.travel(_at(2027, 1, 15, 9, 1), tick=False):
        assert tasks.open_and_close_waves() == {"opened": 0, "closed": 1}
    with time_machine.travel(_at(2027, 2, 5, 9, 2), tick=False):
        assert tasks.open_and_close_waves() == {"opened": 1, "closed": 0}

    # Then there are two waves a calendar month apart, everyone active invited to each
    waves = list(Wave.objects.filter(survey=survey).order_by("number"))
    assert [(w.number, w.opens_at, w.status) for w in waves] == [
        (1, _at(2027, 1, 5, 9), Wave.Status.CLOSED),
        (2, _at(2027, 2, 5, 9), Wave.Status.OPEN),
    ]
    assert waves[0].closes_at == _at(2027, 1, 15, 9)
    assert waves[0].invited_count == 7
    assert Invitation.objects.filter(wave=waves[0]).count() == 7
    # And each wave was announced once through push, in the surveys category
    invitations = Notification.objects.filter(category="surveys").order_by("pk")
    assert [n.dedup_key for n in invitations] == [
        f"survey:{waves[0].pk}:invitation",
        f"survey:{waves[1].pk}:invitation",
    ]
    assert Recipient.objects.filter(notification=invitations[0]).count() == 7


def test_opening_freezes_each_invitees_unit_and_the_tree(org, audience):
    survey = make_survey(audience=audience, first_opens_at=_at(2027, 1, 5, 9))
    with time_machine.travel(_at(2027, 1, 5, 10), tick=False):
        tasks.open_and_close_waves()
    wave = Wave.objects.get(survey=survey)

    # When the employee changes unit and a unit moves after the wave opened
    org_services.user_update(actor=org.hr, user=org.employee, unit=org.team_b)
    org_services.unit_move(unit=org.team_a, new_parent=org.unit_b)

    # Then the invitation and the tree keep what held when the wave opened
    assert Invitation.objects.get(wave=wave, user=org.employee).unit == org.team_a
    assert WaveUnit.objects.get(wave=wave, unit=org.team_a).parent == org.unit_a


def test_a_one_off_survey_opens_once_and_a_missed_window_is_not_replayed(org, audience):
    once = make_survey(audience=audience, first_opens_at=_at(2027, 3, 1, 9), open_days=3)
    weekly = make_survey(
        audience=audience,
        title="Ugentlig",
        recurrence=Recurrence.WEEKLY,
        first_opens_at=_at(2027, 1, 4, 9),
        open_days=2,
    )

    # When beat first runs long after both started (downtime)
    with time_machine.travel(_at(2027, 3, 2, 9), tick=False):
        tasks.open_and_close_waves()
    with time_machine.travel(_at(2027, 3, 9, 9), tick=False):
        tasks.open_and_close_waves()

    # Then the one-off opened once, and the weekly survey only its waves still inside a window
    assert list(Wave.objects.filter(survey=once).values_list("number", flat=True)) == [1]
    assert list(Wave.objects.filter(survey=weekly).values_list("number", flat=True)) == [9, 10]


def test_reminders_go_once_to_non_respondents_shortly_before_closing(org, audience):
    survey = make_survey(audience=audience, first_opens_at=_at(2027, 1, 5, 9), open_days=7)
    with time_machine.travel(_at(2027, 1, 5, 9, 5), tick=False):
        tasks.open_and_close_waves()
        wave = Wave.objects.get(survey=survey)
        respond(wave, [org.employee, org.leader])

    # When beat's reminder task runs early, then two days before closing, then again
    with time_machine.travel(_at(2027, 1, 9, 9), tick=False):
        assert tasks.send_reminders() == 0
    with time_machine.travel(_at(2027, 1, 10, 9, 30), tick=False):
        assert tasks.send_reminders() == 1
        assert tasks.send_reminders() == 0

    # Then one reminder went, to the five who had not answered
    reminder = Notification.objects.get(dedup_key=f"survey:{wave.pk}:reminder")
    reminded = set(
        Recipient.objects.filter(notification=reminder).values_list("user_id", flat=True)
    )
    invited = set(Invitation.objects.filter(wave=wave).values_list("user_id", flat=True))
    assert reminded == invited - {org.employee.pk, org.leader.pk}
    assert len(reminded) == 5
