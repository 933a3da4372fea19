"""Anonymous storage: nothing joins a response to a person, and erasure leaves answers counted."""

import threading

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections, models

from backend.errors import ConflictError
from org import services as org_services
from surveys import services
from surveys.models import Answer, AnswerChoice, Participation, Response

from .factories import answers_for, close, open_wave, people_in, respond

pytestmark = pytest.mark.django_db

ANSWER_MODELS = (Response, Answer, AnswerChoice)


def test_no_table_joins_an_anonymous_response_to_a_person(org, survey):
    # Given five people who answered an anonymous wave
    people = people_in(org.team_a, 5)
    wave = open_wave(survey)
    respond(wave, people, text="Mere tid til overlap")

    # Then no answer table has a column pointing at a person with a value in it …
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in ANSWER_MODELS:
        person_columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is user_model
        ]
        for column in person_columns:
            assert not model.objects.exclude(**{f"{column}__isnull": True}).exists()
        # … nor any time finer than the day
        assert not [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
        ]
    # And the participation table says who answered, but neither when nor what
    participation_columns = {f.column for f in Participation._meta.concrete_fields}
    assert participation_columns == {"id", "wave_id", "user_id"}
    # And no surveys table other than the invitation and participation ones refers to a person
    person_tables = sorted(
        model.__name__
        for model in apps.get_app_config("surveys").get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is user_model
    )
    assert person_tables == ["Invitation", "Participation", "Response", "Survey"]
    # And responses and participations have random keys, so their order links nothing
    assert {type(r.pk).__name__ for r in Response.objects.all()} == {"UUID"}
    assert {type(p.pk).__name__ for p in Participation.objects.all()} == {"UUID"}


def test_after_erasure_the_response_remains_and_counts(org, survey, api):
    # Given five people who answered
    people = people_in(org.team_a, 5)
    wave = open_wave(survey)
    respond(wave, people, value=5)
    close(wave)

    # When one of them is erased: deactivated and anonymised
    gone = people[0]
    org_services.user_deactivate(user=gone)
    org_services.user_update(
        actor=org.hr,
        user=gone,
        name="Slettet person",
        email=f"slettet-{gone.pk}@invalid.dk",
        phone=None,
        employee_number=None,
        job_title="",
    )

    # Then every response is still there and still counts in the results
    assert Response.objects.filter(wave=wave).count() == 5
    body = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/?unit={org.team_a.pk}").json()
    assert body["units"][0]["respondents"] == 5
    assert body["units"][0]["questions"][0]["distribution"]["5"] == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql  # SQLite serialises writers on one file lock: the race needs row locks
def test_two_concurrent_submits_store_one_response(org, survey):
    # Given an open wave and one person
    wave = open_wave(survey)
    answers = answers_for(survey)
    start = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            start.wait(timeout=10)
            services.response_submit(wave=wave, user=org.employee, answers=answers)
            outcomes.append("stored")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    # When the person submits twice at the same moment from two threads
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Then exactly one response is stored and the other submit is refused
    assert sorted(outcomes) == ["already_answered", "stored"]
    assert Response.objects.filter(wave=wave).count() == 1
    assert Participation.objects.filter(wave=wave).count() == 1
    assert Answer.objects.filter(wave=wave).count() == len(answers)
