"""Results: thresholds, complementary suppression, roll-up, scope, exports, query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from org import services as org_services
from org.models import OrgUnit
from surveys.models import QuestionKind
from tests.factories import OrgUnitFactory

from .factories import close, make_survey, open_wave, people_in, respond

pytestmark = pytest.mark.django_db

LIKERT_AND_TEXT = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": "videndeling"},
    {"kind": QuestionKind.FREE_TEXT, "text": "Hvad kan blive bedre?"},
]


def _unit_entry(body: dict, unit) -> dict:
    return next(u for u in body["units"] if u["unit"]["id"] == unit.pk)


def _likert(body, entry) -> dict:
    question = next(q for q in body["questions"] if q["kind"] == "likert")
    return next(q for q in entry["questions"] if q["question"] == question["id"])


@pytest.mark.parametrize(("respondents", "shown"), [(4, False), (5, True), (6, True)])
def test_scores_are_shown_from_exactly_the_minimum_group(org, audience, api, respondents, shown):
    # Given a survey with the default minimum of 5, answered by `respondents` in one team
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    people = people_in(org.team_a, respondents)
    wave = open_wave(survey)
    respond(wave, people, value=4)
    close(wave)

    # When communications reads the team's results
    response = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/?unit={org.team_a.pk}")

    # Then the team (and each unit above it, which holds the same people) is shown from 5 on
    assert response.status_code == 200, response.content
    entry = response.json()["units"][0]
    assert entry["unit"] == {"id": org.team_a.pk, "name": "Team Korsør"}
    assert entry["shown"] is shown
    if shown:
        assert entry["respondents"] == respondents
        assert _likert(response.json(), entry)["distribution"] == {
            "1": 0,
            "2": 0,
            "3": 0,
            "4": respondents,
            "5": 0,
        }
        assert _likert(response.json(), entry)["favourable_share"] == 1.0
    else:
        assert set(entry) == {"unit", "shown"}
    whole = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/").json()
    # (the whole organisation, Direktionen, the område, two afdelinger, two teams)
    assert [u["shown"] for u in whole["units"]] == [shown] * 4 + [False, shown, False]


@pytest.mark.parametrize(("respondents", "texts_shown"), [(9, False), (10, True), (11, True)])
def test_free_text_is_shown_from_exactly_the_free_text_minimum(
    org, audience, api, respondents, texts_shown
):
    # Given free-text answers from `respondents` people in one team (free-text minimum 10)
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    people = people_in(org.team_a, respondents)
    wave = open_wave(survey)
    for number, person in enumerate(people):
        respond(wave, [person], text=f"Forslag {number}")
    close(wave)

    # When communications reads the team's results
    body = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/?unit={org.team_a.pk}").json()

    # Then the scores are shown, and the texts only from 10 respondents, without timestamps
    entry = body["units"][0]
    assert entry["shown"] is True
    free_text = entry["questions"][1]
    assert free_text["texts_shown"] is texts_shown
    if texts_shown:
        assert sorted(free_text["texts"]) == sorted(f"Forslag {n}" for n in range(respondents))
    else:
        assert "texts" not in free_text


def test_complementary_suppression_hides_a_sibling_so_subtraction_recovers_nothing(
    org, audience, api
):
    # Given an area with three teams: 6, 7 and 2 respondents (Madservice's 15 are shown)
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    wave_units = [OrgUnitFactory(name=f"Hold {n}", parent=org.unit_b) for n in range(3)]
    groups = [people_in(unit, n) for unit, n in zip(wave_units, (6, 7, 2), strict=True)]
    wave = open_wave(survey)
    for group, value in zip(groups, (5, 4, 1), strict=True):
        respond(wave, group, value=value)
    close(wave)

    # When communications reads the results
    body = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/?unit={org.unit_b.pk}").json()

    # Then the 2-person team is hidden, and so is the smallest other team: Madservice minus
    # the one shown team leaves 8 people, never 2
    shown = {u["unit"]["name"]: u.get("respondents") for u in body["units"] if u["shown"]}
    assert shown == {"Madservice": 15, "Hold 1": 7}
    madservice = _unit_entry(body, org.unit_b)
    assert sorted(u["name"] for u in madservice["folded_units"]) == ["Hold 0", "Hold 2", "Køkkenet"]


def test_a_leader_sees_only_its_scope_and_out_of_scope_answers_404(org, audience, api):
    # Given answers in both afdelinger
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    west, kitchen = people_in(org.team_a, 5), people_in(org.team_b, 5)
    wave = open_wave(survey)
    respond(wave, west)
    respond(wave, kitchen)
    close(wave)
    client = api(org.leader)

    # When the leader of Hjemmeplejen Vest reads the results
    body = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()

    # Then it sees its afdeling and team only
    assert [u["unit"]["name"] for u in body["units"]] == ["Hjemmeplejen Vest", "Team Korsør"]
    assert [t["unit"]["name"] for t in body["trend"][0]["units"]] == ["Hjemmeplejen Vest"]
    # And asking for a unit outside its scope, or a wave of nothing, answers 404
    assert (
        client.get(f"/api/v1/surveys/{survey.pk}/results/?unit={org.unit_b.pk}").status_code == 404
    )
    assert client.get(f"/api/v1/surveys/{survey.pk}/results/?wave=999999").status_code == 404
    assert client.get("/api/v1/surveys/999999/results/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("employee", 403),
        ("hr", 403),
        ("other_leader", 200),
        ("leader", 200),
        ("comms", 200),
    ],
)
def test_results_permission_table(org, survey, api, who, status):
    open_wave(survey)
    client = api() if who == "anonymous" else api(getattr(org, who))
    assert client.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == status
    assert client.get("/api/v1/surveys/indicators/").status_code == status


def test_a_reorganisation_after_opening_does_not_recut_the_wave(org, audience, api):
    # Given a wave answered by 5 in Team Korsør under Hjemmeplejen Vest
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    people = people_in(org.team_a, 5)
    wave = open_wave(survey)
    respond(wave, people)
    close(wave)

    # When the team moves to Madservice afterwards
    org_services.unit_move(unit=org.team_a, new_parent=org.unit_b)

    # Then the wave's results still place the team under Hjemmeplejen Vest
    body = api(org.comms).get(f"/api/v1/surveys/{survey.pk}/results/").json()
    shown = {u["unit"]["name"]: u.get("respondents") for u in body["units"] if u["shown"]}
    assert shown["Hjemmeplejen Vest"] == 5
    assert "Madservice" not in shown


def test_exports_hold_the_same_suppressed_numbers(org, audience, api):
    # Given one team shown (6) and one suppressed (2) under an afdeling of 7
    survey = make_survey(audience=audience, questions=LIKERT_AND_TEXT)
    west, kitchen = people_in(org.team_a, 6), people_in(org.team_b, 2)
    office = people_in(org.unit_b, 5)
    wave = open_wave(survey)
    respond(wave, west, value=5, text='=HYPERLINK("x")')
    respond(wave, kitchen + office, value=1)
    close(wave)
    client = api(org.comms)

    # When it is exported as CSV and as XLSX
    as_csv = client.get(f"/api/v1/surveys/{survey.pk}/results/?format=csv")
    as_xlsx = client.get(f"/api/v1/surveys/{survey.pk}/results/?format=xlsx")

    # Then both hold the shown numbers, and for the suppressed team only that it is suppressed
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["wave", "unit_id", "unit", "question_id", "question", "measure", "value"]
    kitchen = [r for r in rows if r[2] == "Køkkenet"]
    assert [r[5] for r in kitchen] == ["suppressed"]
    korsoer = {r[5]: r[6] for r in rows if r[2] == "Team Korsør" and r[3] == ""}
    assert korsoer["respondents"] == "6"
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    xlsx_rows = [[_same(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows == [[_same(c) for c in row] for row in rows]
    # A free text that looks like a formula is written as text
    assert not any(r[6].startswith("=") for r in rows[1:])
    # And errors stay JSON whatever format was asked for
    missing = client.get("/api/v1/surveys/999999/results/?format=csv")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def _same(cell):
    """A cell as a comparable value: numbers as floats (XLSX reads 5.0 back as 5)."""
    if cell is None or cell == "":
        return ""
    try:
        return float(cell)
    except (TypeError, ValueError):
        return str(cell)


def _results_queries(client, survey) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/surveys/{survey.pk}/results/")
    assert response.status_code == 200
    return len(queries)


def _build(org, audience, *, waves: int, units: int, closed: bool = True):
    """A survey of `waves` waves answered by 3 in each of `units` teams; all closed, or all
    left open (`closed=False`)."""
    survey = make_survey(
        audience=audience, questions=LIKERT_AND_TEXT, min_group_size=3, min_free_text_group_size=5
    )
    teams = [
        OrgUnitFactory(name=f"Team {n}", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
        for n in range(units)
    ]
    people = [person for team in teams for person in people_in(team, 3)]
    for number in range(1, waves + 1):
        wave = open_wave(survey, number=number, opens_at=timezone.now() - timedelta(hours=number))
        respond(wave, people, value=number % 5 + 1, text="Mere tid")
        if closed:
            close(wave)
    return survey


# Session, user with unit and roles (3), the survey, its waves, questions and options, the frozen
# tree, respondents and invitations per unit, the summary, the two distributions, the texts.
RESULTS_QUERIES = 14


@pytest.mark.parametrize(("waves", "units"), [(1, 5), (12, 5), (1, 40)])
def test_results_query_count_is_constant_in_waves_and_units(org, audience, api, waves, units):
    survey = _build(org, audience, waves=waves, units=units)
    assert _results_queries(api(org.comms), survey) == RESULTS_QUERIES
