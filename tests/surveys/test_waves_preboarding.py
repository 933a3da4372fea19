"""A wave invites only people who have started: pre-boarders wait for the first wave after day 1."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from push.models import Notification, Recipient
from surveys import tasks
from surveys.models import Invitation, Recurrence, Response, Wave
from tests.factories import UserFactory

from .factories import answers_for, make_survey, respond

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


def _invitation_recipients(wave: Wave) -> set[int]:
    notification = Notification.objects.get(dedup_key=f"survey:{wave.pk}:invitation")
    return set(Recipient.objects.filter(notification=notification).values_list("user", flat=True))


def test_a_preboarder_is_invited_to_the_first_wave_after_their_start_date(org, audience, api):
    # Given the org's 7 people, a new hire starting on 10 January (Copenhagen), and a monthly
    # survey for everyone opening on 5 January at 09:00
    hire = UserFactory(name="Sofie Holm", unit=org.team_a, start_date=date(2027, 1, 10))
    survey = make_survey(
        audience=audience,
        created_by=org.comms,
        recurrence=Recurrence.MONTHLY,
        first_opens_at=_at(2027, 1, 5, 9),
        open_days=10,
    )
    started = [org.employee, org.other_employee, org.leader, org.other_leader, org.hr]

    with time_machine.travel(_at(2027, 1, 5, 9, 1), tick=False):
        # When beat opens the first wave and five people who have started answer it
        assert tasks.open_and_close_waves() == {"opened": 1, "closed": 0}
        first = Wave.objects.get(survey=survey, number=1)
        respond(first, started)

        # Then the new hire is neither invited nor pushed, and the wave counts 7 invitees
        invited = set(Invitation.objects.filter(wave=first).values_list("user", flat=True))
        assert hire.pk not in invited
        assert len(invited) == first.invited_count == 7
        assert hire.pk not in _invitation_recipients(first)
        assert len(_invitation_recipients(first)) == 7

        # And the response rate is 5 of the 7 who could answer (0.71), not 5 of 8 (0.62):
        # while the wave is open, rounded down to whole tens and the only number shown
        results = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/").json()
        whole = results["units"][0]
        assert whole == {"unit": whole["unit"], "shown": False, "response_rate": 0.7}

        # And the new hire neither sees the wave nor can answer it
        client = api(hire)
        assert client.get("/api/v1/surveys/open/").status_code == 403
        refused = client.post(
            f"/api/v1/surveys/waves/{first.pk}/responses/",
            {"answers": answers_for(survey)},
            format="json",
        )
        assert refused.status_code == 403
        assert Response.objects.filter(wave=first).count() == 5

    with time_machine.travel(_at(2027, 2, 5, 9, 2), tick=False):
        # When beat closes the first wave and opens the next, after the new hire's start date
        assert tasks.open_and_close_waves() == {"opened": 1, "closed": 1}
        second = Wave.objects.get(survey=survey, number=2)

        # Then it invites and pushes the new hire too, and lists it among their open waves
        invited = set(Invitation.objects.filter(wave=second).values_list("user", flat=True))
        assert hire.pk in invited
        assert second.invited_count == 8
        assert hire.pk in _invitation_recipients(second)
        open_waves = api(hire).get("/api/v1/surveys/open/")
        assert open_waves.status_code == 200
        assert [w["id"] for w in open_waves.json()["results"]] == [second.pk]


def test_a_person_starting_on_the_opening_day_is_invited(org, audience):
    # Given a new hire whose first day is the day the wave opens, late in the evening UTC-wise
    hire = UserFactory(name="Ali Khan", unit=org.team_b, start_date=date(2027, 1, 5))
    survey = make_survey(
        audience=audience, created_by=org.comms, first_opens_at=_at(2027, 1, 5, 0, 30)
    )
    # When the wave opens at 00:30 in Copenhagen (still 4 January in UTC)
    with time_machine.travel(_at(2027, 1, 5, 0, 31), tick=False):
        assert tasks.open_and_close_waves() == {"opened": 1, "closed": 0}
    # Then the new hire is invited: the day is Copenhagen's
    wave = Wave.objects.get(survey=survey)
    assert Invitation.objects.filter(wave=wave, user=hire).exists()
    assert wave.invited_count == 8
