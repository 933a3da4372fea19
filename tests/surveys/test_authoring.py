"""Authoring through /api/v1/surveys/: who may, what is validated, what is locked after a run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Option, Question, Survey

from .factories import ALL_KINDS, make_survey, open_wave

pytestmark = pytest.mark.django_db


def _payload(audience) -> dict:
    return {
        "title": "Puls i Madservice",
        "intro": "To minutter om hverdagen.",
        "audience": audience.pk,
        "recurrence": "monthly",
        "open_days": 10,
        "questions": ALL_KINDS,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("employee", 403),
        ("leader", 403),
        ("hr", 201),
        ("comms", 201),
    ],
)
def test_create_permission_table(org, audience, api, who, status):
    client = api() if who == "anonymous" else api(getattr(org, who))

    response = client.post("/api/v1/surveys/", _payload(audience))

    assert response.status_code == status, response.content
    assert Survey.objects.count() == (1 if status == 201 else 0)


def test_comms_creates_a_survey_with_every_kind_of_question(org, audience, api):
    response = api(org.comms).post("/api/v1/surveys/", _payload(audience))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Puls i Madservice"
    assert body["min_group_size"] == 5
    assert body["min_free_text_group_size"] == 10
    assert body["anonymous"] is True
    assert [q["kind"] for q in body["questions"]] == [
        "likert",
        "scale",
        "single",
        "multiple",
        "knowledge",
        "free_text",
    ]
    knowledge = body["questions"][4]
    assert knowledge["pillar"] == "beliggenhed"
    assert [o["is_correct"] for o in knowledge["options"]] == [True, True, False]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_group_size": 2}, "min_group_size"),
        ({"min_free_text_group_size": 4}, "min_free_text_group_size"),
        (
            {
                "questions": [
                    {"kind": "knowledge", "text": "?", "options": [{"text": "a"}, {"text": "b"}]}
                ]
            },
            "questions",
        ),
        ({"questions": [{"kind": "likert", "text": "?", "pillar": "uddannelse"}]}, "questions"),
        ({"questions": [{"kind": "likert", "text": "?", "indicator": "enps"}]}, "questions"),
        ({"questions": [{"kind": "single", "text": "?", "options": [{"text": "a"}]}]}, "questions"),
        ({"questions": [{"kind": "likert", "text": "?", "indicator": "custom"}]}, "questions"),
        ({"recurrence": "weekly", "open_days": 8}, "open_days"),
        ({"colour": "blå"}, "colour"),
    ],
)
def test_invalid_surveys_are_refused_and_nothing_is_stored(org, audience, api, change, field):
    response = api(org.comms).post("/api/v1/surveys/", {**_payload(audience), **change})

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert (Survey.objects.count(), Question.objects.count(), Option.objects.count()) == (0, 0, 0)


def test_questions_are_locked_once_a_wave_has_run_but_the_schedule_is_not(org, survey, api):
    open_wave(survey)
    client = api(org.comms)

    locked = client.patch(
        f"/api/v1/surveys/{survey.pk}/", {"questions": [{"kind": "likert", "text": "Ny"}]}
    )
    paused = client.patch(f"/api/v1/surveys/{survey.pk}/", {"is_active": False})
    deleted = client.delete(f"/api/v1/surveys/{survey.pk}/")

    assert locked.status_code == 409
    assert locked.json()["code"] == "survey_has_waves"
    assert survey.questions.count() == 6
    assert paused.status_code == 200
    assert paused.json()["is_active"] is False
    assert deleted.status_code == 409
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_a_survey_that_never_ran_can_be_deleted(org, survey, api):
    assert api(org.hr).delete(f"/api/v1/surveys/{survey.pk}/").status_code == 204
    assert not Survey.objects.exists()
    assert not Question.objects.exists()


def test_both_templates_can_be_created(org, audience, api):
    client = api(org.comms)

    pulse = client.post(
        "/api/v1/surveys/from-template/", {"template": "kernefortaelling", "audience": audience.pk}
    )
    internal = client.post("/api/v1/surveys/from-template/", {"template": "intern_kommunikation"})

    assert pulse.status_code == 201, pulse.content
    assert pulse.json()["title"] == "Puls på Kernefortællingen"
    assert pulse.json()["recurrence"] == "monthly"
    assert 6 <= len(pulse.json()["questions"]) <= 8
    assert {q["pillar"] for q in pulse.json()["questions"]} == {
        "",
        "beliggenhed",
        "det_gode_liv",
        "uddannelse",
    }
    assert internal.status_code == 201
    assert internal.json()["recurrence"] == "quarterly"
    assert [q["indicator"] for q in internal.json()["questions"]] == [
        "videndeling",
        "tvaerfagligt_samarbejde",
        "kernefortaelling",
        "ansvar_intern_kommunikation",
        "custom",
        "enps",
        "",
    ]


SURVEY_LIST_QUERIES = 7
OPEN_LIST_QUERIES = 6


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_survey_list_query_count_does_not_grow_with_the_page(org, audience, api):
    for number in range(6):
        make_survey(audience=audience, title=f"Puls {number}")
    client = api(org.comms)

    small = _queries(client, "/api/v1/surveys/?page_size=1")
    large = _queries(client, "/api/v1/surveys/?page_size=6")
    assert (small, large) == (SURVEY_LIST_QUERIES, SURVEY_LIST_QUERIES)


def test_open_list_query_count_does_not_grow_with_the_page(org, audience, api):
    for number in range(4):
        open_wave(make_survey(audience=audience, title=f"Puls {number}"))
    client = api(org.employee)

    assert client.get("/api/v1/surveys/open/").json()["count"] == 4
    small = _queries(client, "/api/v1/surveys/open/?page_size=1")
    large = _queries(client, "/api/v1/surveys/open/?page_size=4")
    assert (small, large) == (OPEN_LIST_QUERIES, OPEN_LIST_QUERIES)


def test_every_survey_endpoint_is_in_the_schema(api):
    schema = api().get("/api/schema/?format=json")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/surveys/",
        "/api/v1/surveys/{id}/",
        "/api/v1/surveys/{id}/results/",
        "/api/v1/surveys/from-template/",
        "/api/v1/surveys/open/",
        "/api/v1/surveys/indicators/",
        "/api/v1/surveys/waves/{wave_id}/responses/",
    ):
        assert path in paths, path
