"""Another municipality's strategy: the API, the dashboard and the templates follow the data.

Fjordby Kommune is made up: two pillars, three goals with other keys and wording, targets on
two of them. Nothing in the code names it; storing it is all it takes.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.utils.html import strip_tags

from surveys import strategy as strategy_services
from surveys.models import QuestionKind, Strategy, Survey

from .factories import close, everyone, make_survey, open_wave, people_in, respond

pytestmark = pytest.mark.django_db

FJORDBY = {
    "name": "Fjordby fortæller 2026",
    "municipality": "Fjordby Kommune",
    "narrative_title": "Mellem fjord og skov",
    "narrative_wrong_titles": ["Byen ved motorvejen"],
    "wrong_pillars": ["Industrien", "Lufthavnen"],
    "narrative_statements": ["Jeg fortæller gerne om Fjordby."],
    "pillars": [
        {
            "key": "naturen",
            "name": "Naturen",
            "question": "Hvad ligger Fjordby ifølge fortællingen mellem?",
            "answer": "Fjorden og skoven",
            "wrong_answers": ["To motorveje"],
        },
        {"key": "faellesskabet", "name": "Fællesskabet"},
    ],
    "goals": [
        {
            "key": "nyheder_naaet",
            "name": "Flere medarbejdere læser nyhederne",
            "statement": "Jeg læser nyhederne fra kommunen hver uge.",
            "target_value": "0.6",
            "target_date": date(2027, 6, 30),
        },
        {
            "key": "lederne_informerer",
            "name": "Lederne informerer rettidigt",
            "statement": "Min leder fortæller mig om ændringer, før de sker.",
            "target_value": "0.9",
        },
        {
            "key": "fortaellingen",
            "name": "Alle kender fortællingen om Fjordby",
            "is_narrative": True,
        },
    ],
}

QUESTIONS = [
    {
        "kind": QuestionKind.KNOWLEDGE,
        "text": "Hvad ligger Fjordby mellem?",
        "indicator": "fortaellingen",
        "pillar": "naturen",
        "options": [{"text": "Fjord og skov", "is_correct": True}, {"text": "To motorveje"}],
    },
    {"kind": QuestionKind.LIKERT, "text": "Jeg læser nyhederne.", "indicator": "nyheder_naaet"},
    {
        "kind": QuestionKind.LIKERT,
        "text": "Min leder informerer.",
        "indicator": "lederne_informerer",
    },
]


@pytest.fixture
def fjordby():
    return strategy_services.strategy_create(**FJORDBY)


def _answered(org):
    """11 answer: 8 right on Naturen and 4 or 5 on both statements, 3 wrong and 2 (disagree)."""
    survey = make_survey(audience=everyone(), questions=QUESTIONS, title="Fjordby-puls")
    agree, disagree = people_in(org.team_a, 8), people_in(org.team_b, 3)
    wave = open_wave(survey)
    respond(wave, agree, value=4)
    respond(wave, disagree, value=2, correct=False)
    close(wave)
    return survey


def test_storing_a_strategy_makes_it_the_only_active_one(fjordby):
    assert list(Strategy.objects.filter(is_active=True)) == [fjordby]
    assert Strategy.objects.get(name="Kommunikation 2023").is_active is False
    active = strategy_services.strategy_active()
    assert [p.key for p in active.pillars] == ["naturen", "faellesskabet"]
    assert [g.key for g in active.goals] == ["nyheder_naaet", "lederne_informerer", "fortaellingen"]


def test_questions_take_the_active_strategys_keys_and_refuse_the_old_ones(org, fjordby, api):
    client = api(org.comms)
    audience = everyone()

    new = client.post(
        "/api/v1/surveys/",
        {"title": "Ny", "audience": audience.pk, "questions": QUESTIONS},
    )
    old_goal = client.post(
        "/api/v1/surveys/",
        {
            "title": "Gammel",
            "audience": audience.pk,
            "questions": [{"kind": "likert", "text": "?", "indicator": "videndeling"}],
        },
    )
    old_pillar = client.post(
        "/api/v1/surveys/",
        {
            "title": "Gammel søjle",
            "audience": audience.pk,
            "questions": [
                {
                    "kind": "knowledge",
                    "text": "?",
                    "pillar": "beliggenhed",
                    "options": [{"text": "a", "is_correct": True}, {"text": "b"}],
                }
            ],
        },
    )

    assert new.status_code == 201, new.content
    assert [(q["indicator"], q["pillar"]) for q in new.json()["questions"]] == [
        ("fortaellingen", "naturen"),
        ("nyheder_naaet", ""),
        ("lederne_informerer", ""),
    ]
    assert old_goal.status_code == 400
    assert old_goal.json()["fields"]["questions"] == {
        "0": ["Indikatoren er ikke et mål i kommunikationsstrategien."]
    }
    assert old_pillar.status_code == 400
    assert old_pillar.json()["fields"]["questions"] == {
        "0": ["Søjlen findes ikke i kommunikationsstrategien."]
    }


def test_templates_are_worded_from_the_strategy(org, fjordby, api):
    client = api(org.comms)

    pulse = client.post("/api/v1/surveys/from-template/", {"template": "kernefortaelling"})
    internal = client.post("/api/v1/surveys/from-template/", {"template": "intern_kommunikation"})

    assert pulse.status_code == 201, pulse.content
    assert [(q["text"], q["indicator"], q["pillar"]) for q in pulse.json()["questions"]] == [
        ("Hvad er overskriften på Kernefortællingen?", "fortaellingen", ""),
        ("Hvilke to styrkepositioner fokuserer Kernefortællingen på?", "fortaellingen", ""),
        ("Hvad ligger Fjordby ifølge fortællingen mellem?", "fortaellingen", "naturen"),
        ("Jeg fortæller gerne om Fjordby.", "fortaellingen", ""),
    ]
    strengths = pulse.json()["questions"][1]["options"]
    assert [(o["text"], o["is_correct"]) for o in strengths] == [
        ("Naturen", True),
        ("Fællesskabet", True),
        ("Industrien", False),
        ("Lufthavnen", False),
    ]
    assert "Mellem fjord og skov" in pulse.json()["intro"]
    assert internal.status_code == 201, internal.content
    assert [q["indicator"] for q in internal.json()["questions"]] == [
        "nyheder_naaet",
        "lederne_informerer",
        "custom",
        "enps",
        "",
    ]
    assert "anbefale Fjordby Kommune som arbejdsplads" in internal.json()["questions"][3]["text"]


def test_a_template_without_an_active_strategy_is_refused_and_nothing_is_stored(org, api):
    Strategy.objects.update(is_active=False)

    response = api(org.comms).post(
        "/api/v1/surveys/from-template/", {"template": "kernefortaelling"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "no_active_strategy"
    assert Survey.objects.count() == 0


def test_the_scorecard_names_the_goals_and_sets_them_against_their_targets(org, fjordby, api):
    _answered(org)

    body = api(org.comms).get("/api/v1/surveys/indicators/").json()

    summary = [
        (i["indicator"], i["label"], i["is_goal"], i["target"], [p["score"] for p in i["waves"]])
        for i in body["indicators"]
    ]
    assert summary == [
        ("fortaellingen", "Alle kender fortællingen om Fjordby", True, None, [round(8 / 11, 3)]),
        (
            "lederne_informerer",
            "Lederne informerer rettidigt",
            True,
            {"value": 0.9, "due": None},
            [round(8 / 11, 3)],
        ),
        (
            "nyheder_naaet",
            "Flere medarbejdere læser nyhederne",
            True,
            {"value": 0.6, "due": "2027-06-30"},
            [round(8 / 11, 3)],
        ),
    ]
    met = {i["indicator"]: [p["target_met"] for p in i["waves"]] for i in body["indicators"]}
    assert met == {
        "fortaellingen": [None],
        "lederne_informerer": [False],
        "nyheder_naaet": [True],
    }
    knowledge = next(i for i in body["indicators"] if i["indicator"] == "fortaellingen")
    assert knowledge["waves"][0]["pillars"] == {"naturen": round(8 / 11, 3)}


def _row(html: str, attribute: str, value: str) -> str:
    return re.search(rf'<tr {attribute}="{value}">.*?</tr>', html, re.S).group(0)


def test_the_core_narrative_page_follows_the_strategy(org, fjordby):
    _answered(org)
    browser = Client()
    browser.force_login(org.comms, backend="org.backends.ModelBackend")

    html = browser.get("/dashboard/kernefortaellingen/").content.decode()

    # The narrative and its two pillars, none of the demo's
    assert "Mellem fjord og skov" in html
    assert re.findall(r'data-pillar="([^"]+)"', html) == ["naturen", "faellesskabet"]
    naturen = re.search(r'data-pillar="naturen".*?</section>', html, re.S).group(0)
    assert re.findall(r'<td class="num" data-value="([^"]*)">', naturen) == ["0.727"]
    # The three goals in the strategy's order, in its wording, each beside its target
    assert re.findall(r'<tr data-goal="([^"]+)">', html) == [
        "nyheder_naaet",
        "lederne_informerer",
        "fortaellingen",
    ]
    news = _row(html, "data-goal", "nyheder_naaet")
    leaders = _row(html, "data-goal", "lederne_informerer")
    story = _row(html, "data-goal", "fortaellingen")
    assert "Flere medarbejdere læser nyhederne" in news
    assert re.findall(r'class="target" data-value="([^"]*)">([^<]*)<', news) == [("0.6", "60,0 %")]
    assert "senest 30.06.2027" in strip_tags(news)
    assert re.findall(r'data-target="([^"]+)"', news) == ["met"]
    assert re.findall(r'data-target="([^"]+)"', leaders) == ["not_met"]
    assert 'data-state="no_target"' in story and "data-target=" not in story
    assert "beliggenhed" not in html and "videndeling" not in html
