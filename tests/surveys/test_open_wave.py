"""An open wave shows its response rates and nothing computed from its answers .

Reading an open wave's results twice, before and after one more person answered, used to give
two sets of numbers whose difference was that one person's answers — however large the groups
read. Now nothing of an open wave's answers is returned until it closes.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from org.models import OrgUnit
from surveys import services
from surveys.disclosure import WithheldWaveError, open_wave_rate, require_disclosed
from surveys.models import Wave
from surveys.results import survey_results
from tests.factories import OrgUnitFactory

from .factories import make_survey, open_wave, people_in, respond

pytestmark = pytest.mark.django_db


def _leak_setup(org, audience):
    """Hjemmeplejen Vest: 4 of its own staff answer (3 do not), Team Korsør's 5 answer (Mette
    does not), and in Team Slagelse 1 of 2 has answered. Team Korsør (5) is shown, Team
    Slagelse (1) suppressed, the afdeling (10) shown — as a closed wave would show them."""
    org.team_s = OrgUnitFactory(name="Team Slagelse", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
    survey = make_survey(audience=audience, created_by=org.comms)  # every kind of question
    own = people_in(org.unit_a, 7, prefix="Vest")
    korsoer = people_in(org.team_a, 5, prefix="Korsør")
    first, newcomer = people_in(org.team_s, 2, prefix="Slagelse")
    wave = open_wave(survey)
    respond(wave, own[:4], value=4, text="Flere tavlemøder")
    respond(wave, korsoer, value=4, text="Flere tavlemøder")
    respond(wave, [first], value=4, text="Flere tavlemøder")
    return survey, wave, newcomer


def _everything_the_leader_reads(client, survey, units) -> dict:
    """Every read of the survey the leader of Hjemmeplejen Vest may make, by the API."""
    base = f"/api/v1/surveys/{survey.pk}/results/"
    reads = {}
    for unit in [None, *units]:
        query = f"?unit={unit.pk}" if unit else ""
        for fmt in ("json", "csv", "xlsx"):
            sep = "&" if query else "?"
            response = client.get(f"{base}{query}{sep}format={fmt}")
            assert response.status_code == 200, response.content
            reads[(unit and unit.name, fmt)] = _content(response, fmt)
    for query in ("", "?scope=organisation", *(f"?unit={u.pk}" for u in units)):
        response = client.get(f"/api/v1/surveys/indicators/{query}")
        assert response.status_code == 200, response.content
        reads[("indicators", query)] = response.json()
    return reads


def _content(response, fmt):
    if fmt == "json":
        return response.json()
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _subtract(before: dict, after: dict) -> dict:
    """What subtracting the first reads from the second gives, per unit read as JSON: the
    answers counted in between (per value or option) and the free texts added in between."""
    found = {}
    for key, body in after.items():
        if key[-1] != "json":
            continue
        earlier = {e["unit"]["id"]: e for e in before[key]["units"]}
        for entry in body["units"]:
            old = {q["question"]: q for q in earlier[entry["unit"]["id"]].get("questions", [])}
            for question in entry.get("questions", []):
                was = old.get(question["question"], {})
                counts = {
                    value: n - (was.get("distribution") or {}).get(value, 0)
                    for value, n in (question.get("distribution") or {}).items()
                }
                texts = list(question.get("texts", []))
                for text in was.get("texts", []):
                    texts.remove(text)
                change = {v: n for v, n in counts.items() if n} or texts
                if change:
                    found[(entry["unit"]["name"], question["question"])] = change
    return found


def test_one_more_answer_to_an_open_wave_changes_nothing_a_leader_can_read(org, audience, api):
    # Given an open wave: Team Korsør 5 answered, its sibling Team Slagelse 1, Vest itself 4
    survey, wave, newcomer = _leak_setup(org, audience)
    client = api(org.leader)
    units = [org.unit_a, org.team_a, org.team_s]
    before = _everything_the_leader_reads(client, survey, units)

    # When one more person in Team Slagelse answers, differently from everyone so far
    respond(wave, [newcomer], value=1, text="Min leder lytter ikke", correct=False)
    after = _everything_the_leader_reads(client, survey, units)

    # Then every read — results per unit filter as JSON, CSV and XLSX, the scorecard, the
    # organisation's line — is exactly what it was: there is nothing to subtract. (On the code
    # before this rule the afdeling's numbers moved from 10 to 11 answers and the difference
    # was the newcomer's Likert 1, scale 2, choices and "Min leder lytter ikke".)
    assert after == before
    assert _subtract(before, after) == {}
    assert "Flere tavlemøder" not in str(before)
    # And what the leader does get is the response rate, rounded down to whole tens
    body = after[(None, "json")]
    assert body["results_withheld"] is True
    assert body["wave"]["status"] == "open"
    assert body["units"] == [
        {"unit": {"id": org.unit_a.pk, "name": "Hjemmeplejen Vest"}, "shown": False,
         "response_rate": 0.6},  # 11 of 17 invited (Lone, 7 of its own, 6 + 2 in the teams)
        {"unit": {"id": org.team_a.pk, "name": "Team Korsør"}, "shown": False,
         "response_rate": 0.8},  # 5 of 6: Mette has not answered
        {"unit": {"id": org.team_s.pk, "name": "Team Slagelse"}, "shown": False,
         "response_rate": None},  # 2 invited: under the minimum of 5
    ]  # fmt: skip
    assert body["trend"] == []
    assert after[("indicators", "")] == {"indicators": []}
    assert after[("indicators", "?scope=organisation")] == {"indicators": []}
    assert [row[5:] for row in after[(None, "csv")][1:]] == [
        ["withheld", "Resultaterne vises, når runden lukker"],
        ["response_rate", "0.6"],
        ["withheld", "Resultaterne vises, når runden lukker"],
        ["response_rate", "0.8"],
        ["withheld", "Resultaterne vises, når runden lukker"],
    ]


def test_the_results_are_shown_once_the_wave_has_closed(org, audience, api):
    # Given the same open wave, and the newcomer's answer
    survey, wave, newcomer = _leak_setup(org, audience)
    respond(wave, [newcomer], value=1, text="Min leder lytter ikke", correct=False)

    # When the wave closes
    services.wave_close(wave=wave)
    body = api(org.leader).get(f"/api/v1/surveys/{survey.pk}/results/").json()

    # Then its numbers are shown by the usual rules: the afdeling's 11, Team Korsør's 5, and
    # Team Slagelse's 2 suppressed; the free texts from the free-text minimum of 10
    assert body["results_withheld"] is False
    assert [(u["unit"]["name"], u["shown"], u.get("respondents")) for u in body["units"]] == [
        ("Hjemmeplejen Vest", True, 11),
        ("Team Korsør", True, 5),
        ("Team Slagelse", False, None),
    ]
    likert = body["units"][0]["questions"][0]
    assert likert["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 10, "5": 0}
    free_text = body["units"][0]["questions"][-1]
    assert sorted(free_text["texts"]) == ["Flere tavlemøder"] * 10 + ["Min leder lytter ikke"]
    assert [len(t["units"]) for t in body["trend"]] == [1]


@pytest.mark.parametrize(
    ("invited", "respondents", "rate"),
    [(4, 4, None), (5, 0, 0.0), (5, 4, 0.8), (7, 4, 0.5), (9, 8, 0.8), (10, 9, 0.9), (5, 5, 1.0)],
)
def test_an_open_waves_rate_needs_the_minimum_invited_and_is_rounded_down(
    invited, respondents, rate
):
    assert open_wave_rate(invited=invited, respondents=respondents, minimum=5) == rate


def test_a_units_rate_is_shown_from_exactly_the_survey_minimum_invited(org, audience, api):
    # Given a survey with a minimum of 6: Team Korsør has Mette and 5 more invited, 3 of
    # whom answered; a new team under Madservice has 5 invited, and all 5 answered
    survey = make_survey(audience=audience, min_group_size=6)
    small = OrgUnitFactory(name="Team Lille", kind=OrgUnit.Kind.TEAM, parent=org.unit_b)
    west, all_of_small = people_in(org.team_a, 5), people_in(small, 5)
    wave = open_wave(survey)
    respond(wave, west[:3] + all_of_small)

    # When communications reads the open wave
    body = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/").json()

    # Then Korsør's 6 invited give a rate, 3 of 6; the small team's 5 give none
    rates = {u["unit"]["name"]: u["response_rate"] for u in body["units"]}
    assert rates["Team Korsør"] == 0.5
    assert rates["Team Lille"] is None
    assert all(set(u) == {"unit", "shown", "response_rate"} for u in body["units"])


def test_the_answer_reading_helpers_refuse_an_open_wave(org, survey):
    # Given an open wave and a closed one
    wave = open_wave(survey)
    closed = open_wave(survey, number=2)
    services.wave_close(wave=closed)

    # Then reading answers is refused for the open one only: a forgotten check fails loudly
    with pytest.raises(WithheldWaveError):
        require_disclosed([Wave.objects.get(pk=closed.pk), Wave.objects.get(pk=wave.pk)])
    require_disclosed([Wave.objects.get(pk=closed.pk)])


def test_an_open_wave_with_no_closed_wave_before_it_reads_in_a_fixed_number_of_queries(
    org, survey, django_assert_num_queries
):
    # Given an open wave with answers
    people = people_in(org.team_a, 5)
    wave = open_wave(survey)
    respond(wave, people)

    # Then its results cost the waves, the questions, their options, the frozen tree, and the
    # respondents and invitations per unit — and no query of any answer or tally table
    with django_assert_num_queries(6) as queries:
        survey_results(survey=survey, viewer=org.comms)
    assert not [q for q in queries.captured_queries if "surveys_answer" in q["sql"]]
