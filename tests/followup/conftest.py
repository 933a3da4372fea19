"""Follow-up fixtures: a frozen clock, a survey whose first wave unit A answers and unit B does
not, and a team leader under unit A's leader."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from bench.auth import session_tokens
from org import services as org_services
from surveys.demo_strategy import Indicator
from surveys.models import QuestionKind
from tests.factories import UserFactory
from tests.surveys.factories import everyone, make_survey, open_wave, people_in

# Monday 2 March 2026, 08:00 in Copenhagen.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))

QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": Indicator.VIDENDELING},
    {"kind": QuestionKind.SCALE, "text": "Vil du anbefale os?", "indicator": Indicator.ENPS},
    {"kind": QuestionKind.FREE_TEXT, "text": "Hvad kan blive bedre?"},
]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setting(org, clock):
    """Unit A's leader (Lone) and team A's leader (Tina); six answer in team A, none in B."""
    org.team_leader_a = UserFactory(name="Tina Teamleder", unit=org.team_a)
    org_services.leader_scope_set(leader=org.team_leader_a, units=[org.team_a])
    org.answerers = [org.employee, *people_in(org.team_a, 5)]
    org.survey = make_survey(
        audience=everyone(), questions=QUESTIONS, created_by=org.comms, min_group_size=5
    )
    org.wave = open_wave(org.survey)
    return org


@pytest.fixture
def client_for(db):
    """client_for(user): an API client with a fresh session token for `user`."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_SESSION_TOKEN=session_tokens([user])[user.pk])
        return client

    return make
