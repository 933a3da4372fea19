"""Each page for each role; the numbers a leader sees are the API's; suppression; scope by id."""

import re

import pytest
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/omraade/",
    "/dashboard/heatmap/",
    "/dashboard/kernefortaellingen/",
    "/dashboard/onboarding/",
    "/dashboard/raekkevidde/",
]


def _row(html: str, attribute: str, value) -> str:
    """The <tr> (or cell) whose `attribute` is `value`, as HTML."""
    match = re.search(rf'<tr [^>]*{attribute}="{value}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row with {attribute}={value}"
    return match.group(0)


def _value(row_html: str, measure: str) -> str:
    match = re.search(
        rf'data-measure="{measure}" data-value="([^"]*)"[^>]*>(.*?)</td>', row_html, re.S
    )
    assert match, f"no {measure} in row"
    return match.group(1), strip_tags(match.group(2)).strip()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("employee", {page: 403 for page in PAGES}),
        ("leader", {page: 200 for page in PAGES}),
        ("other_leader", {page: 200 for page in PAGES}),
        ("comms", {page: 200 for page in PAGES}),
        # Survey results are for leaders and communications (as in the API): HR and admins
        # get the same refusal there, and their onboarding and reach pages.
        (
            "hr",
            {
                "/dashboard/omraade/": 403,
                "/dashboard/heatmap/": 403,
                "/dashboard/kernefortaellingen/": 403,
                "/dashboard/onboarding/": 200,
                "/dashboard/raekkevidde/": 200,
            },
        ),
        (
            "admin",
            {
                "/dashboard/omraade/": 403,
                "/dashboard/heatmap/": 403,
                "/dashboard/kernefortaellingen/": 403,
                "/dashboard/onboarding/": 200,
                "/dashboard/raekkevidde/": 200,
            },
        ),
    ],
)
def test_each_page_answers_each_role(dash_org, results, journeys, post, web, who, expected):
    # Given a person of each role with a dashboard session
    client = web(getattr(dash_org, who))

    # When they open every page
    answers = {page: client.get(page).status_code for page in PAGES}

    # Then staff roles see their pages and an employee none
    assert answers == expected


@pytest.mark.parametrize(
    ("who", "start", "menu"),
    [
        (
            "leader",
            "/dashboard/omraade/",
            [
                "Mit område",
                "Kernefortællingen",
                "Heatmap",
                "Onboarding",
                "Kaskade",
                "Rækkevidde",
                "Spørgsmål",
            ],
        ),
        (
            "comms",
            "/dashboard/omraade/",
            [
                "Mit område",
                "Kernefortællingen",
                "Heatmap",
                "Kaskade",
                "Opfølgning",
                "Rækkevidde",
                "Moderering",
                "Spørgsmål",
            ],
        ),
        ("hr", "/dashboard/onboarding/", ["Onboarding", "Rækkevidde", "Spørgsmål"]),
    ],
)
def test_start_page_and_menu_follow_the_role(dash_org, web, who, start, menu):
    # Given a person of the role; when it opens the dashboard
    client = web(getattr(dash_org, who))
    response = client.get("/dashboard/")

    # Then it lands on its first section, and the menu offers only what it may open
    assert (response.status_code, response["Location"]) == (302, start)
    html = client.get(start).content.decode()
    nav = re.search(r'<header class="top">.*?</header>', html, re.S).group(0)
    assert re.findall(r'<a href="/dashboard/[^"]*"[^>]*>([^<]*)</a>', nav) == menu


def test_anonymous_is_sent_to_login(dash_org, web):
    # Given no session; when a page is opened
    response = web().get("/dashboard/heatmap/?survey=1")

    # Then the login page is next, and it brings the person back afterwards
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/login/?next=%2Fdashboard%2Fheatmap%2F"


def test_my_area_shows_the_api_numbers_and_hides_the_small_team(dash_org, results, web, api):
    # Given a wave answered in the leader's afdeling, and the API's answer for the leader
    survey, _wave = results
    body = api(dash_org.leader).get(f"/api/v1/surveys/{survey.pk}/results/").json()
    entries = {u["unit"]["id"]: u for u in body["units"]}
    likert, scale = body["questions"][0]["id"], body["questions"][1]["id"]

    # When the leader opens Mit område
    html = web(dash_org.leader).get("/dashboard/omraade/").content.decode()

    # Then each shown unit carries exactly the API's numbers, in Danish formats
    expected = {
        dash_org.unit_a.pk: ("11", "84,6 %", "63,6 %", "−9"),
        dash_org.team_a.pk: ("6", "85,7 %", "66,7 %", "−33"),
    }
    for unit_id, (respondents, rate, favourable, enps) in expected.items():
        row = _row(html, "data-unit", unit_id)
        entry = entries[unit_id]
        numbers = {q["question"]: q for q in entry["questions"]}
        assert _value(row, "respondents") == (str(entry["respondents"]), respondents)
        assert _value(row, "response_rate") == (str(entry["response_rate"]), rate)
        assert _value(row, "favourable_share") == (
            str(numbers[likert]["favourable_share"]),
            favourable,
        )
        assert _value(row, "enps") == (str(numbers[scale]["enps"]), enps)
    # And the small team shows "for få svar" and no number at all
    small = _row(html, "data-unit", dash_org.team_s.pk)
    assert entries[dash_org.team_s.pk] == {
        "unit": {"id": dash_org.team_s.pk, "name": "Team Slagelse"},
        "shown": False,
    }
    assert 'data-shown="false"' in small
    assert "for få svar" in small
    assert not re.search(r"\d", strip_tags(small))
    # And nothing outside the leader's scope is named
    assert "Køkkenet" not in html and "Madservice" not in html


def test_heatmap_cells_are_the_api_numbers(dash_org, results, web, api):
    # Given the API's per-question numbers for the leader
    survey, wave = results
    body = api(dash_org.leader).get(f"/api/v1/surveys/{survey.pk}/results/?wave={wave.pk}").json()
    likert, scale, knowledge = (q["id"] for q in body["questions"])

    # When the leader opens the heatmap of that wave
    html = web(dash_org.leader).get(f"/dashboard/heatmap/?wave={wave.pk}").content.decode()

    # Then each question × unit cell holds the API's number, and the small team none
    def cell(question, unit):
        row = _row(html, "data-question", question)
        match = re.search(rf'<td [^>]*data-unit="{unit}"[^>]*>(.*?)</td>', row, re.S)
        return match.group(0), strip_tags(match.group(1)).strip()

    team = next(u for u in body["units"] if u["unit"]["id"] == dash_org.team_a.pk)
    numbers = {q["question"]: q for q in team["questions"]}
    assert cell(likert, dash_org.team_a.pk)[1] == "66,7 %"
    assert (
        f'data-value="{numbers[likert]["favourable_share"]}"' in cell(likert, dash_org.team_a.pk)[0]
    )
    assert cell(scale, dash_org.team_a.pk)[1] == "−33"
    assert cell(knowledge, dash_org.team_a.pk)[1] == "100,0 %"
    assert numbers[knowledge]["share_correct"] == 1.0
    for question in (likert, scale, knowledge):
        assert cell(question, dash_org.team_s.pk)[1] == "for få svar"


def test_core_narrative_shows_the_organisation_and_my_scope(dash_org, results, web, api):
    # Given the leader's scorecard and the organisation's line, as the API gives them to it
    leader_api = api(dash_org.leader)
    mine = leader_api.get("/api/v1/surveys/indicators/").json()
    whole = leader_api.get("/api/v1/surveys/indicators/?scope=organisation").json()
    assert whole == api(dash_org.comms).get("/api/v1/surveys/indicators/").json()

    def pillar(body):
        series = next(i for i in body["indicators"] if i["indicator"] == "kernefortaelling")
        return series["waves"][0]["unit"]["id"], series["waves"][0]["pillars"]["beliggenhed"]

    assert pillar(mine) == (dash_org.unit_a.pk, 1.0)
    assert pillar(whole) == (None, 0.688)  # 11 of 16 answered right: the kitchen did not

    # When the leader opens Kernefortællingen
    html = web(dash_org.leader).get("/dashboard/kernefortaellingen/").content.decode()

    # Then the Beliggenhed table has the organisation's line and the afdeling's, as the API
    section = re.search(r'data-pillar="beliggenhed".*?</section>', html, re.S).group(0)
    cells = re.findall(r'<td class="num" data-value="([^"]*)">([^<]*)</td>', section)
    assert cells == [("0.688", "68,8 %"), ("1.0", "100,0 %")]
    assert "Hjemmeplejen Vest" in section
    # And the goals' scorecard shows videndeling for both (one wave: no arrow yet)
    goal = _row(html, "data-goal", "videndeling")
    assert re.findall(r'class="score" data-value="([^"]*)">([^<]*)<', goal) == [
        ("0.75", "75,0 %"),  # 12 of 16 answered 4 or 5
        ("0.636", "63,6 %"),  # 7 of 11 in the afdeling
    ]
    assert goal.count('data-direction="none"') == 2


def test_onboarding_lists_my_new_hires_overdue_first(dash_org, journeys, web, api):
    # Given the API's progress list for the leader
    listed = api(dash_org.leader).get("/api/v1/onboarding/journeys/").json()["results"]
    api_progress = {j["id"]: (j["percent_done"], j["overdue_steps"]) for j in listed}

    # When the leader opens the onboarding page
    html = web(dash_org.leader).get("/dashboard/onboarding/").content.decode()

    # Then its two hires are there, the one with overdue steps first, with the API's progress
    shown = re.findall(r'data-journey="(\d+)" data-overdue="(\d+)"', html)
    assert [int(j) for j, _ in shown] == [journeys[0].pk, journeys[1].pk]
    assert {int(j): int(n) for j, n in shown} == {k: v[1] for k, v in api_progress.items()}
    first = _row(html, "data-journey", journeys[0].pk)
    assert _value(first, "percent_done")[0] == str(api_progress[journeys[0].pk][0])
    assert "Mød din leder" in first and "Opret i vagtplan" in first
    assert "Køkkenhjælp" not in html


def test_reach_shows_read_and_acknowledged_per_unit(dash_org, post, web, api):
    # Given the API's reach of the leader's must-read
    reach = api(dash_org.leader).get(f"/api/v1/posts/{post.pk}/reach/").json()

    # When the leader opens Rækkevidde
    html = web(dash_org.leader).get("/dashboard/raekkevidde/").content.decode()

    # Then the post's totals and per-unit shares are the API's, and who has not acknowledged
    assert (reach["audience"], reach["acknowledged"]) == (2, 1)  # the leader and Mette
    assert 'data-measure="audience" data-value="2"' in html
    assert 'data-measure="acknowledged_share" data-value="0.5">50,0 %' in html
    team = _row(html, "data-unit", dash_org.team_a.pk)
    assert _value(team, "read_share")[0] == "1.0"
    pending = re.search(r'<table id="not-acknowledged">.*?</table>', html, re.S).group(0)
    assert [p["name"] for p in reach["not_acknowledged"]] == re.findall(
        r"<tr data-person=\"\d+\"><td>([^<]*)</td>", pending
    )


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/omraade/enhed/{unit_b}/",
        "/dashboard/heatmap/enhed/{team_b}/",
        "/dashboard/onboarding/enhed/{team_b}/",
        "/dashboard/raekkevidde/{other_post}/",
        "/dashboard/omraade/?survey=987654",
        "/dashboard/heatmap/?wave=987654",
        "/dashboard/omraade/?survey=abc",
        "/dashboard/resultater/{survey}.xlsx?unit={unit_b}",
    ],
)
def test_a_leader_cannot_reach_another_scope_by_id(dash_org, results, post, web, path):
    # Given another leader's unit and post
    other_post = must_read_of_other_leader(dash_org)
    url = path.format(
        unit_b=dash_org.unit_b.pk,
        team_b=dash_org.team_b.pk,
        other_post=other_post.pk,
        survey=results[0].pk,
    )

    # When the leader puts their ids in the URL
    response = web(dash_org.leader).get(url)

    # Then the page does not exist for it, and shows nothing of the other scope
    assert response.status_code == 404
    assert "Køkken" not in response.content.decode()


def test_the_other_leader_reaches_its_own_scope_by_id(dash_org, results, web):
    # Given the same URL for the leader whose unit it is
    response = web(dash_org.other_leader).get(f"/dashboard/omraade/enhed/{dash_org.unit_b.pk}/")

    # Then it opens, narrowed to that unit and below
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<tr data-unit="(\d+)"', html) == [
        str(dash_org.unit_b.pk),
        str(dash_org.team_b.pk),
    ]


def must_read_of_other_leader(org):
    from .factories import must_read

    return must_read(org, author=org.other_leader, units=[org.unit_b], title="Køkkenregler")


def test_onboarding_overdue_steps_are_the_apis_at_the_grace_boundary(dash_org, journeys, web, api):
    # Given the hire who started 10 days ago, one of whose open steps is due just inside the
    # grace period (due, not yet overdue) and another just past it
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    grace = timedelta(days=settings.ONBOARDING_OVERDUE_DAYS)
    journey = journeys[0]
    steps = list(journey.steps.order_by("due_at", "id"))
    now = timezone.now()
    steps[0].due_at = now - grace + timedelta(hours=1)  # Velkommen: due, not overdue
    steps[1].due_at = now - grace - timedelta(hours=1)  # Mød din leder: overdue
    for changed in steps[:2]:
        changed.save(update_fields=["due_at"])
    detail = api(dash_org.leader).get(f"/api/v1/onboarding/journeys/{journey.pk}/").json()
    overdue_in_api = [s["title"] for s in detail["steps"] if s["overdue"]]

    # When the leader opens the onboarding page
    html = web(dash_org.leader).get("/dashboard/onboarding/").content.decode()

    # Then the journey's overdue steps are exactly those the API flags, oldest first
    row = _row(html, "data-journey", journey.pk)
    listed = re.findall(r"<li>([^<]*?) <span", row)
    assert "Velkommen" not in listed and "Mød din leder" in listed
    assert listed == overdue_in_api
    assert f'data-overdue="{detail["overdue_steps"]}"' in row
    assert int(re.search(r'data-overdue="(\d+)"', row).group(1)) == len(listed)
    # And the hire who has not started yet has none
    assert "ingen" in _row(html, "data-journey", journeys[1].pk)


def test_a_leader_reads_a_communications_must_read_for_its_own_people_as_the_api(
    dash_org, web, api
):
    # Given communications' must-read for the whole område, read and acknowledged by Mette
    # in the leader's afdeling and by Jens in the other leader's kitchen
    from content import services as content_services

    from .factories import must_read

    post = must_read(dash_org, author=dash_org.comms, units=[dash_org.area], title="Ny instruks")
    for person in (dash_org.employee, dash_org.other_employee):
        content_services.post_read_record(post=post, user=person)
        content_services.post_acknowledge(post=post, user=person)
    reach = api(dash_org.leader).get(f"/api/v1/posts/{post.pk}/reach/").json()

    # When the leader opens that post's reach by its id
    response = web(dash_org.leader).get(f"/dashboard/raekkevidde/{post.pk}/")

    # Then it opens, with the API's figures: the leader's own people only
    html = response.content.decode()
    assert response.status_code == 200
    assert (reach["audience"], reach["acknowledged"]) == (2, 1)  # the leader and Mette
    assert f'data-measure="audience" data-value="{reach["audience"]}"' in html
    assert re.findall(r'<tr data-unit="(\d+)"', html) == [
        str(row["unit_id"]) for row in reach["per_unit"]
    ]
    pending = re.search(r'<table id="not-acknowledged">.*?</table>', html, re.S).group(0)
    assert re.findall(r"<tr data-person=\"\d+\"><td>([^<]*)</td>", pending) == [
        p["name"] for p in reach["not_acknowledged"]
    ]
    assert 'id="own-people-only"' in html
    assert "Jens Nielsen" not in html and "Køkkenet" not in html
    # And the author sees the whole audience, without the note
    author = web(dash_org.comms).get(f"/dashboard/raekkevidde/{post.pk}/").content.decode()
    assert "Køkkenet" in author and 'id="own-people-only"' not in author


def _pillar_cells(html: str, pillar: str) -> list[tuple[str, str]]:
    """(data-value, text) of each cell in a pillar's table, in order."""
    section = re.search(rf'data-pillar="{pillar}".*?</section>', html, re.S).group(0)
    cells = re.findall(r'<td class="num" data-value="([^"]*)">(.*?)</td>', section, re.S)
    return [(value, strip_tags(text).strip()) for value, text in cells]


def test_core_narrative_tells_too_few_answers_from_not_measured(dash_org, results, web):
    # Given a wave that asked about Beliggenhed only, and no question on tværfagligt samarbejde
    # When the leader opens Kernefortællingen
    html = web(dash_org.leader).get("/dashboard/kernefortaellingen/").content.decode()

    # Then the pillars nobody was asked about say so, and do not claim too few answers
    assert _pillar_cells(html, "beliggenhed") == [("0.688", "68,8 %"), ("1.0", "100,0 %")]
    for pillar in ("det_gode_liv", "uddannelse"):
        assert _pillar_cells(html, pillar) == [("", "ingen målinger")] * 2
    goal = _row(html, "data-goal", "tvaerfagligt_samarbejde")
    assert "for få svar" not in goal and goal.count('data-state="not_measured"') == 2


def test_core_narrative_shows_too_few_answers_where_my_scope_is_suppressed(dash_org, web):
    # Given 6 answers in the leader's afdeling and 3 in the other: the organisation's 9 are
    # shown, so the afdeling's 6 are not (9 − 6 would be the other's 3)
    from tests.surveys.factories import close, everyone, make_survey, open_wave, people_in, respond

    from .factories import QUESTIONS

    survey = make_survey(audience=everyone(), questions=QUESTIONS)
    west, kitchen = people_in(dash_org.team_a, 6), people_in(dash_org.team_b, 3)
    wave = open_wave(survey)
    respond(wave, west + kitchen)
    close(wave)

    # When the leader opens Kernefortællingen
    html = web(dash_org.leader).get("/dashboard/kernefortaellingen/").content.decode()

    # Then Beliggenhed has the organisation's number and "for få svar" for the afdeling
    assert _pillar_cells(html, "beliggenhed") == [("1.0", "100,0 %"), ("", "for få svar")]
    assert _pillar_cells(html, "det_gode_liv") == [("", "ingen målinger")] * 2
    goal = _row(html, "data-goal", "videndeling")
    mine = re.search(r'<td data-line="mine">.*?</td>', goal, re.S).group(0)
    assert 'data-state="suppressed"' in mine and not re.search(r"\d", strip_tags(mine))
