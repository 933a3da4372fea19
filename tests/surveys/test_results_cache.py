"""A counted wave's frozen tree and shown set are kept in the cache; an open wave's never are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Wave

from .factories import make_survey, open_wave, people_in, respond
from .test_results import LIKERT_AND_TEXT, _build
from .test_tallies import _close


def _read(client, survey):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/surveys/{survey.pk}/results/")
    assert response.status_code == 200
    return response.json(), [q["sql"] for q in queries.captured_queries]


def _reads_the_tree(sql: list[str]) -> bool:
    return any('FROM "surveys_waveunit"' in s for s in sql)


def test_a_counted_wave_is_built_once_and_read_the_same_by_everyone(org, audience, api):
    # Given a survey whose two waves are closed and counted
    survey = _build(org, audience, waves=2, units=4)
    for wave in Wave.objects.filter(survey=survey):
        _close(wave)

    # When communications reads the results twice, and a leader after them
    first, first_sql = _read(api(org.comms), survey)
    second, second_sql = _read(api(org.comms), survey)
    leader, leader_sql = _read(api(org.leader), survey)

    # Then only the first read built the frozen trees; every answer is the same
    assert _reads_the_tree(first_sql)
    assert not _reads_the_tree(second_sql) and not _reads_the_tree(leader_sql)
    assert second == first
    assert leader["units"] and all(u["unit"]["id"] != org.unit_b.pk for u in leader["units"])


def test_an_open_wave_is_counted_afresh_on_every_read(org, audience, api):
    # Given an open wave that Team Korsør's seven (Mette and six more) were invited to and
    # three have answered, read once
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT, min_group_size=3)
    early, late = people_in(org.team_a, 3, prefix="Tidlig"), people_in(org.team_a, 3)
    wave = open_wave(survey)
    respond(wave, early, value=4)
    client = api(org.comms)
    before, _sql = _read(client, survey)

    # When the other three answer
    respond(wave, late, value=1)

    # Then the next read counts them: the team's rate, rounded down, went from 3 of 7 to 6 of 7
    after, after_sql = _read(client, survey)
    assert _reads_the_tree(after_sql)
    team = next(u for u in after["units"] if u["unit"]["id"] == org.team_a.pk)
    team_before = next(u for u in before["units"] if u["unit"]["id"] == org.team_a.pk)
    assert (team_before["response_rate"], team["response_rate"]) == (0.4, 0.8)
