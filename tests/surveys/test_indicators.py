"""The strategy scorecard: each indicator per wave, for the caller's scope, suppressed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.demo_strategy import Indicator, Pillar
from surveys.models import QuestionKind

from .factories import close, make_survey, open_wave, people_in, respond

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "kind": QuestionKind.KNOWLEDGE,
        "text": "Hvad siger Kernefortællingen om beliggenhed?",
        "indicator": Indicator.KERNEFORTAELLING,
        "pillar": Pillar.BELIGGENHED,
        "options": [{"text": "Midt i landet", "is_correct": True}, {"text": "Ved grænsen"}],
    },
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": Indicator.VIDENDELING},
    {"kind": QuestionKind.SCALE, "text": "Anbefal os?", "indicator": Indicator.ENPS},
]


def _series(body: dict, indicator: str) -> list:
    return next(i for i in body["indicators"] if i["indicator"] == indicator)["waves"]


def test_scorecard_per_wave_for_communications_and_a_leaders_scope(org, audience, api):
    # Given two waves: in the second, more of Team Korsør know the core narrative
    survey = make_survey(audience=audience, questions=QUESTIONS)
    west, kitchen = people_in(org.team_a, 6), people_in(org.team_b, 5)
    first = open_wave(survey, number=1, opens_at=timezone.now() - timedelta(days=2))
    respond(first, west[:2], value=5)
    respond(first, west[2:], value=2, correct=False)
    respond(first, kitchen, value=3, correct=False)
    second = open_wave(survey, number=2, opens_at=timezone.now() - timedelta(days=1))
    respond(second, west[:5], value=5)
    respond(second, west[5:], value=4, correct=False)
    respond(second, kitchen, value=4)
    close(first)
    close(second)

    # When communications and the leader of Hjemmeplejen Vest read the scorecard
    comms = api(org.comms).get("/api/v1/surveys/indicators/").json()
    leader = api(org.leader).get("/api/v1/surveys/indicators/").json()

    # Then communications gets the whole organisation per wave
    knowledge = _series(comms, "kernefortaelling")
    assert [(p["unit"]["id"], p["respondents"]) for p in knowledge] == [(None, 11), (None, 11)]
    assert [p["score"] for p in knowledge] == [round(2 / 11, 3), round(10 / 11, 3)]
    assert [p["pillars"] for p in knowledge] == [
        {"beliggenhed": round(2 / 11, 3)},
        {"beliggenhed": round(10 / 11, 3)},
    ]
    assert [p["score"] for p in _series(comms, "videndeling")] == [
        round(2 / 11, 3),
        1.0,
    ]
    # eNPS: scale answers are value*2 (10, 4, 6 in wave 1; 10, 8 in wave 2)
    assert [p["score"] for p in _series(comms, "enps")] == [
        round(100 * (2 - 9) / 11),
        round(100 * 5 / 11),
    ]
    # And the leader its own afdeling only: in wave 2 Hjemmeplejen Vest has 6 respondents
    leader_knowledge = _series(leader, "kernefortaelling")
    assert [(p["unit"]["name"], p["shown"]) for p in leader_knowledge] == [
        ("Hjemmeplejen Vest", True),
        ("Hjemmeplejen Vest", True),
    ]
    assert [p["score"] for p in leader_knowledge] == [round(2 / 6, 3), round(5 / 6, 3)]


def test_complementary_suppression_reaches_the_scorecard(org, audience, api):
    # Given 6 answers in Hjemmeplejen Vest and 3 in Madservice: the organisation shows 9
    survey = make_survey(audience=audience, questions=QUESTIONS)
    west, kitchen = people_in(org.team_a, 6), people_in(org.team_b, 3)
    wave = open_wave(survey)
    respond(wave, west + kitchen)
    close(wave)

    comms = api(org.comms).get("/api/v1/surveys/indicators/").json()
    leader = api(org.leader).get("/api/v1/surveys/indicators/").json()

    # Then the leader's 6 are hidden: the whole organisation minus them would be Madservice's 3
    assert [p["respondents"] for p in _series(comms, "kernefortaelling")] == [9]
    assert [p["shown"] for p in _series(leader, "kernefortaelling")] == [False]


def test_scorecard_suppresses_small_groups_and_filters(org, audience, api):
    survey = make_survey(audience=audience, questions=QUESTIONS)
    west = people_in(org.team_a, 4)
    wave = open_wave(survey)
    respond(wave, west)
    close(wave)
    client = api(org.leader)

    body = client.get(f"/api/v1/surveys/indicators/?unit={org.team_a.pk}").json()
    future = client.get("/api/v1/surveys/indicators/?from=2099-01-01").json()
    elsewhere = client.get(f"/api/v1/surveys/indicators/?unit={org.unit_b.pk}")
    backwards = client.get("/api/v1/surveys/indicators/?from=2027-02-01&to=2027-01-01")

    point = _series(body, "kernefortaelling")[0]
    assert point["shown"] is False
    assert "score" not in point and "respondents" not in point
    assert future == {"indicators": []}
    assert elsewhere.status_code == 404
    assert backwards.status_code == 400
