"""Answering: the open list, submitting once, validation per kind, feedback after answering."""

import pytest

from surveys.models import Answer, AnswerChoice, Participation, Response

from .factories import answers_for, open_wave

pytestmark = pytest.mark.django_db


def test_open_lists_waves_i_am_invited_to_without_the_correct_answers(org, survey, api):
    # Given an open wave of a survey for everyone
    wave = open_wave(survey)

    # When the employee lists its open waves
    response = api(org.employee).get("/api/v1/surveys/open/")

    # Then it sees the wave with its questions, and no option says whether it is correct
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == wave.pk
    assert item["survey"]["title"] == "Pulsmåling"
    assert [q["kind"] for q in item["questions"]] == [
        "likert",
        "scale",
        "single",
        "multiple",
        "knowledge",
        "free_text",
    ]
    assert all("is_correct" not in o for q in item["questions"] for o in q["options"])
    assert [q["required"] for q in item["questions"]] == [True] * 5 + [False]


def test_submit_stores_answers_once_and_shows_the_correct_answer_afterwards(org, survey, api):
    # Given an open wave
    wave = open_wave(survey)
    client = api(org.employee)

    # When the employee submits a complete set of answers with a wrong knowledge answer
    response = client.post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/",
        {"answers": answers_for(survey, value=5, text="Mere info", correct=False)},
    )

    # Then the answers are stored and the knowledge question's right options come back
    assert response.status_code == 201, response.content
    knowledge = survey.questions.get(kind="knowledge")
    correct_ids = sorted(knowledge.options.filter(is_correct=True).values_list("pk", flat=True))
    assert response.json() == {
        "knowledge": [{"question": knowledge.pk, "correct": False, "correct_options": correct_ids}]
    }
    stored = Response.objects.get()
    assert (stored.wave_id, stored.unit_id, stored.respondent_id) == (wave.pk, org.team_a.pk, None)
    assert Answer.objects.count() == 6
    assert AnswerChoice.objects.count() == 1 + 2 + 1
    assert Answer.objects.get(question=knowledge).is_correct is False

    # And the wave is gone from the open list, and a second submit is refused
    assert client.get("/api/v1/surveys/open/").json()["count"] == 0
    again = client.post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers_for(survey)}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_answered"
    assert Response.objects.count() == 1
    assert Participation.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "bad", "message"),
    [
        ("likert", {"value": 6}, "Vælg et tal fra 1 til 5."),
        ("likert", {"value": 0}, "Vælg et tal fra 1 til 5."),
        ("scale", {"value": 11}, "Vælg et tal fra 0 til 10."),
        ("scale", {"options": []}, "Svar med et tal."),
        ("single", {"options": []}, "Vælg mellem svarmulighederne, hver højst én gang."),
        ("multiple", {"options": [999999]}, "Vælg mellem svarmulighederne, hver højst én gang."),
        ("knowledge", {"value": 1}, "Vælg mellem svarmulighederne."),
        ("free_text", {"text": "x" * 2001}, "Højst 2000 tegn."),
    ],
)
def test_an_invalid_answer_is_refused_per_question_and_nothing_is_stored(
    org, survey, api, kind, bad, message
):
    # Given an open wave and a set of answers where one question's answer is wrong
    wave = open_wave(survey)
    question = survey.questions.get(kind=kind)
    answers = [a for a in answers_for(survey) if a["question"] != question.pk]
    answers.append({"question": question.pk, **bad})

    # When the employee submits
    response = api(org.employee).post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers}
    )

    # Then it is refused with the question's own message, and nothing was stored
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {"answers": {str(question.pk): [message]}}
    assert (Response.objects.count(), Answer.objects.count(), Participation.objects.count()) == (
        0,
        0,
        0,
    )


def test_missing_and_unknown_questions_are_refused(org, survey, api):
    wave = open_wave(survey)
    likert = survey.questions.get(kind="likert")
    answers = [a for a in answers_for(survey) if a["question"] != likert.pk]
    answers.append({"question": 987654, "value": 3})

    response = api(org.employee).post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers}
    )

    assert response.status_code == 400
    assert response.json()["fields"]["answers"] == {
        "987654": ["Spørgsmålet hører ikke til undersøgelsen."],
        str(likert.pk): ["Besvar spørgsmålet."],
    }
    assert Response.objects.count() == 0


def test_a_person_not_invited_gets_404(org, survey, api):
    from org import services as org_services

    # Given a wave for one unit only
    survey.audience = org_services.audience_create(created_by=None, units=[(org.unit_b, True)])
    survey.save()
    wave = open_wave(survey)

    response = api(org.employee).post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers_for(survey)}
    )

    assert response.status_code == 404
    assert Response.objects.count() == 0
