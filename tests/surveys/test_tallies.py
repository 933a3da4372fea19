"""Tallies: closing a wave counts it once; results read the same numbers from the counters."""

import threading
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.errors import ConflictError
from org import services as org_services
from surveys import services, tasks
from surveys.models import AnswerTally, Response, UnitTally, Wave
from surveys.results import indicator_scorecard, survey_results
from tests.factories import UserFactory

from .factories import answers_for, make_survey, open_wave, people_in, respond
from .test_results import LIKERT_AND_TEXT, RESULTS_QUERIES, _build, _results_queries

pytestmark = pytest.mark.django_db

TALLY_MODELS = (UnitTally, AnswerTally)


def _same_view(body):
    """A results body with the waves' status left out and free texts in a fixed order."""
    if isinstance(body, dict):
        return {
            key: sorted(value) if key == "texts" else _same_view(value)
            for key, value in body.items()
            if key != "status"
        }
    if isinstance(body, list):
        return [_same_view(item) for item in body]
    return body


def _everything(org, survey):
    """Every view of the survey's results the tests compare: per viewer, filter and endpoint."""
    views = {}
    for who in ("comms", "leader", "other_leader"):
        viewer = getattr(org, who)
        views[(who, None)] = survey_results(survey=survey, viewer=viewer)
        views[(who, "indicators")] = indicator_scorecard(viewer=viewer)
    for unit in (org.unit_a, org.team_a, org.unit_b, org.area):
        views[("comms", unit.pk)] = survey_results(survey=survey, viewer=org.comms, unit_id=unit.pk)
    for wave in Wave.objects.filter(survey=survey):
        views[("comms", f"wave {wave.number}")] = survey_results(
            survey=survey, viewer=org.comms, wave_id=wave.pk
        )
    return _same_view(views)


def _close(wave) -> None:
    services.wave_close(wave=wave)


def test_results_of_a_closed_wave_are_the_numbers_its_answers_gave_read_live(org, audience):
    # Given a survey of every kind of question, with two waves answered across the tree
    survey = make_survey(audience=audience)
    people = {
        "west": people_in(org.team_a, 7),
        "kitchen": people_in(org.team_b, 2),
        "office": people_in(org.unit_b, 6),
        "unplaced": [UserFactory(name=f"Uden enhed {n}", unit=None) for n in range(3)],
    }
    first = open_wave(survey, number=1, opens_at=timezone.now() - timedelta(days=2))
    second = open_wave(survey, number=2, opens_at=timezone.now() - timedelta(days=1))
    for wave, shift in ((first, 0), (second, 1)):
        respond(wave, people["west"][:4], value=5 - shift, text="Mere tid til overlap")
        respond(wave, people["west"][4:], value=2 + shift, text="Bedre vagtplaner", correct=False)
        respond(wave, people["kitchen"], value=1, correct=False)
        respond(wave, people["office"], value=4, text="Flere tavlemøder")
        respond(wave, people["unplaced"], value=3)
    # (closed uncounted, as by an older release: results count the answers on each read)
    Wave.objects.filter(pk__in=[first.pk, second.pk]).update(status=Wave.Status.CLOSED)
    live = _everything(org, survey)

    # When the first wave is counted, and then the second
    _close(first)
    half = _everything(org, survey)
    _close(second)
    closed = _everything(org, survey)

    # Then every result, per viewer, filter and wave, and every scorecard is unchanged
    assert Wave.objects.filter(survey=survey, tallied=True).count() == 2
    assert half == live
    assert closed == live
    # (and the comparison is not empty: the organisation's 18 respondents are shown)
    assert live[("comms", None)]["units"][0]["respondents"] == 18


def test_closing_counts_per_frozen_unit_and_rolls_up_the_frozen_tree(org, audience):
    # Given five in Team Korsør and one person who moves to Køkkenet after the wave opened
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    west = people_in(org.team_a, 5)
    wave = open_wave(survey)
    org_services.user_update(actor=org.hr, user=west[0], unit=org.team_b)
    respond(wave, west, value=4, text="Mere tid")
    likert = survey.questions.get(kind="likert")

    # When the wave closes
    _close(wave)

    # Then respondents count where each person was when it opened, invitations likewise
    units = {u.unit_id: (u.invited, u.respondents) for u in UnitTally.objects.filter(wave=wave)}
    # (Team Korsør: the fixture's employee + 5; Hjemmeplejen Vest: its leader; Madservice:
    # its leader; Køkkenet: the fixture's other employee; Direktionen: HR, comms, admin)
    assert units == {
        org.team_a.pk: (6, 5),
        org.unit_a.pk: (1, 0),
        org.unit_b.pk: (1, 0),
        org.team_b.pk: (1, 0),
        org.root.pk: (3, 0),
    }
    # And the Likert answers are counted at Team Korsør and every node above it, none beside
    counted = {
        (t.node_id, t.value): t.count
        for t in AnswerTally.objects.filter(wave=wave, question=likert)
    }
    assert counted == {
        (org.team_a.pk, 4): 5,
        (org.unit_a.pk, 4): 5,
        (org.area.pk, 4): 5,
        (org.root.pk, 4): 5,
        (None, 4): 5,
    }
    # And free text is not tallied
    assert not AnswerTally.objects.exclude(question=likert).exists()


def test_closing_again_and_beat_count_each_wave_once(org, audience):
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    people = people_in(org.team_a, 5)
    wave = open_wave(survey, opens_at=timezone.now() - timedelta(days=8))
    for person in people:
        services.response_submit(
            wave=wave, user=person, answers=answers_for(survey), now=wave.opens_at
        )
    assert tasks.open_and_close_waves() == {"opened": 0, "closed": 1}
    rows = (UnitTally.objects.count(), AnswerTally.objects.count())

    # When beat runs again and the wave is closed once more by hand
    assert tasks.open_and_close_waves() == {"opened": 0, "closed": 0}
    services.wave_close(wave=wave)

    # Then nothing was counted twice
    assert (UnitTally.objects.count(), AnswerTally.objects.count()) == rows
    assert rows[0] > 0 and rows[1] > 0
    assert Wave.objects.get(pk=wave.pk).tallied is True


def test_a_wave_closed_without_tallies_is_read_live_until_beat_counts_it(org, audience, api):
    # Given a wave closed the way a release without tallies closed it (status only)
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    people = people_in(org.team_a, 5)
    wave = open_wave(survey)
    respond(wave, people, value=5)
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    client = api(org.comms)
    before = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()

    # When beat runs
    assert tasks.open_and_close_waves() == {"opened": 0, "closed": 0}

    # Then the wave is counted, and its results were and are the same
    assert Wave.objects.get(pk=wave.pk).tallied is True
    assert UnitTally.objects.get(wave=wave, unit=org.team_a).respondents == 5
    after = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert after == before
    assert before["units"][0]["respondents"] == 5


def test_closed_waves_are_read_from_the_tallies_not_the_answers(org, audience, api):
    # Given two closed waves with answers, free text included
    survey = _build(org, audience, waves=2, units=3)

    # When communications reads the results and the scorecard
    with CaptureQueriesContext(connection) as queries:
        assert api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 200
        assert api(org.comms).get("/api/v1/surveys/indicators/").status_code == 200

    # Then no query reads responses, invitations or choices, and answers only for free text
    sql = [q["sql"] for q in queries.captured_queries]
    for table in ("surveys_response", "surveys_invitation", "surveys_answerchoice"):
        assert not [s for s in sql if f'"{table}"' in s], table
    reading_answers = [s for s in sql if 'FROM "surveys_answer"' in s]
    assert len(reading_answers) == 1
    assert '"surveys_answer"."text"' in reading_answers[0]


@pytest.mark.parametrize(("waves", "units"), [(1, 5), (12, 5), (1, 40)])
def test_results_query_count_is_the_same_for_closed_waves(org, audience, api, waves, units):
    survey = _build(org, audience, waves=waves, units=units, closed=False)
    for wave in Wave.objects.filter(survey=survey):
        _close(wave)
    assert _results_queries(api(org.comms), survey) == RESULTS_QUERIES


def test_a_mix_of_counted_and_uncounted_waves_takes_the_same_number_of_queries(org, audience, api):
    # Waves 1 and 3 counted at closing, wave 2 closed uncounted (read from its answers)
    survey = _build(org, audience, waves=3, units=5, closed=False)
    Wave.objects.filter(survey=survey, number=2).update(status=Wave.Status.CLOSED)
    for number in (1, 3):
        _close(Wave.objects.get(survey=survey, number=number))
    assert _results_queries(api(org.comms), survey) == RESULTS_QUERIES


def test_tallies_hold_no_person_and_no_time():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in TALLY_MODELS:
        fields = model._meta.concrete_fields
        assert not [
            f.name
            for f in fields
            if isinstance(f, models.ForeignKey) and f.related_model is user_model
        ]
        assert not [f.name for f in fields if isinstance(f, (models.DateField, models.TimeField))]


# --- Closing while people submit (PostgreSQL's row locks) ----------------------------------

# SQLite serialises writers on one file lock; the race needs PostgreSQL's row locks.
needs_postgresql = pytest.mark.postgresql


def _wait_for_a_lock_wait(deadline_seconds: float = 20.0) -> None:
    """Poll until another connection of this database waits on a lock (the other thread)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction PostgreSQL keeps its first view of the activity: drop it.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the other connection never waited for the lock")


@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_closing_waits_for_a_submit_in_flight_and_counts_it(org, survey):
    wave = open_wave(survey)

    def close():
        try:
            services.wave_close(wave=Wave.objects.get(pk=wave.pk))
        finally:
            connections.close_all()

    closer = threading.Thread(target=close)
    # Given a submit that has not committed yet
    with transaction.atomic():
        services.response_submit(wave=wave, user=org.employee, answers=answers_for(survey))
        # When the wave is closed meanwhile, from another connection
        closer.start()
        # Then closing waits for the submit
        _wait_for_a_lock_wait()
    closer.join(timeout=30)

    # And counts its answer once the submit has committed
    assert UnitTally.objects.get(wave=wave, unit=org.team_a).respondents == 1
    assert Wave.objects.get(pk=wave.pk).tallied is True


@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_a_submit_during_closing_is_refused_and_nothing_is_stored(org, survey):
    wave = open_wave(survey)
    outcomes = []

    def submit():
        try:
            services.response_submit(wave=wave, user=org.employee, answers=answers_for(survey))
            outcomes.append("stored")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    submitter = threading.Thread(target=submit)
    # Given a close that has not committed yet
    with transaction.atomic():
        services.wave_close(wave=wave)
        # When the employee submits meanwhile
        submitter.start()
        _wait_for_a_lock_wait()
    submitter.join(timeout=30)

    # Then the submit waited, saw the wave closed and stored nothing
    assert outcomes == ["wave_closed"]
    assert Response.objects.filter(wave=wave).count() == 0
    assert not UnitTally.objects.filter(wave=wave, respondents__gt=0).exists()
