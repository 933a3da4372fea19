"""Follow-up test data made through the services: a closed wave and leaders who followed up."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from followup import services
from followup.models import FollowUp
from org import services as org_services
from org.models import OrgUnit
from surveys.demo_strategy import Indicator
from surveys.models import QuestionKind
from tests.factories import OrgUnitFactory, UserFactory
from tests.surveys.factories import close, everyone, make_survey, open_wave, people_in, respond

QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": Indicator.VIDENDELING},
    {"kind": QuestionKind.SCALE, "text": "Vil du anbefale os?", "indicator": Indicator.ENPS},
]


def close_and_follow_up(wave):
    """Close the wave as beat does and run what its commit triggers: the leaders' tasks."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return close(wave)


def closed_wave_with_followups(org, *, extra_teams: int = 0):
    """A wave answered by six in team A (and five in each extra team under unit A, each with its
    own leader), closed; unit A's leader shares one action, the team leaders none."""
    org.team_leader_a = UserFactory(name="Tina Teamleder", unit=org.team_a)
    org_services.leader_scope_set(leader=org.team_leader_a, units=[org.team_a])
    answerers = [org.employee, *people_in(org.team_a, 5)]
    for n in range(extra_teams):
        team = OrgUnitFactory(name=f"Team {n}", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
        org_services.leader_scope_set(
            leader=UserFactory(name=f"Teamleder {n}", unit=team), units=[team]
        )
        answerers += people_in(team, 5, prefix=f"Svarer {n}")
    survey = make_survey(
        audience=everyone(), questions=QUESTIONS, created_by=org.comms, min_group_size=5
    )
    wave = open_wave(survey)
    respond(wave, answerers)
    close_and_follow_up(wave)
    task = FollowUp.objects.get(wave=wave, leader=org.leader)
    services.action_create(
        actor=org.leader,
        followup=task,
        indicator=Indicator.ENPS,
        what="Faste weekender i vagtplanen.",
        who="Planlæggeren",
        due_on=timezone.localdate() + timedelta(days=30),
    )
    services.followup_publish(actor=org.leader, followup=task)
    return survey, wave
