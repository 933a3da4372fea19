"""Each page's queries are fixed: more units, answers, waves, journeys or posts add none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content import services as content_services
from org.models import OrgUnit
from surveys.models import Wave
from tests.factories import OrgUnitFactory
from tests.surveys.factories import close, open_wave, people_in, respond

from .factories import hires_with_journeys, must_read

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def _grow_results(org, survey) -> None:
    """Three more teams in the leader's afdeling, and a second wave answered by everyone, closed."""
    teams = [
        OrgUnitFactory(name=f"Team {n}", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
        for n in ("Skælskør", "Dalmose", "Boeslunde")
    ]
    for team in teams:
        people_in(team, 5, prefix=team.name)
    wave = open_wave(survey, number=2)
    respond(wave, [i.user for i in wave.invitations.select_related("user")], value=4)
    close(wave)
    assert Wave.objects.filter(survey=survey).count() == 2


@pytest.mark.parametrize(
    ("who", "page", "expected"),
    [
        ("leader", "/dashboard/omraade/", 16),
        ("leader", "/dashboard/heatmap/", 16),
        # Kernefortællingen reads the active strategy's pillars and goals: two queries
        ("leader", "/dashboard/kernefortaellingen/", 13),
        # Communications reads the whole organisation: no scope to look up
        ("comms", "/dashboard/omraade/", 15),
        ("comms", "/dashboard/heatmap/", 15),
        ("comms", "/dashboard/kernefortaellingen/", 12),
    ],
)
def test_survey_pages_do_not_query_per_unit_or_wave(dash_org, results, web, who, page, expected):
    # Given a leader's (or communications') page over one wave and four units
    client = web(getattr(dash_org, who))
    before = _queries(client, page)

    # When the scope has three more teams and the survey a second, larger wave
    _grow_results(dash_org, results[0])

    # Then the page costs the same, pinned
    assert (before, _queries(client, page)) == (expected, expected)


@pytest.mark.parametrize(("who", "expected"), [("leader", 6), ("hr", 6)])
def test_onboarding_page_does_not_query_per_journey(dash_org, journeys, web, who, expected):
    client = web(getattr(dash_org, who))
    before = _queries(client, "/dashboard/onboarding/")
    hires_with_journeys(dash_org, count=6, track_name="Køkken og rengøring")
    assert (before, _queries(client, "/dashboard/onboarding/")) == (expected, expected)


# Communications reads a post it did not write: one more query asks whether it manages it.
@pytest.mark.parametrize(("who", "expected"), [("leader", 7), ("comms", 8)])
def test_reach_page_does_not_query_per_post_unit_or_reader(dash_org, post, web, who, expected):
    client = web(getattr(dash_org, who))
    before = _queries(client, "/dashboard/raekkevidde/")
    for n in range(5):
        must_read(dash_org, author=dash_org.leader, units=[dash_org.unit_a], title=f"Nyhed {n}")
    newest = must_read(dash_org, author=dash_org.leader, units=[dash_org.unit_a], title="Sidst")
    for person in people_in(dash_org.team_a, 4, prefix="Læser"):
        content_services.post_read_record(post=newest, user=person)
    assert (before, _queries(client, "/dashboard/raekkevidde/")) == (expected, expected)


@pytest.mark.parametrize(
    ("who", "cascade_page", "list_page"),
    [
        # session, person, roles, the cascade, its tasks with their counts; the list: a count
        # and the page of cascades with their units counted, and the report over all cascades
        # (last-level tasks with their last read, the areas)
        ("comms", 5, 7),
        # a leader's scope is part of those same queries; a leader has no report
        ("leader", 5, 5),
    ],
)
def test_cascade_pages_do_not_query_per_unit_or_cascade(
    cascade_org, web, django_assert_num_queries, who, cascade_page, list_page
):
    from datetime import timedelta

    from django.utils import timezone

    from .cascades import broken_cascade, madservice_cascade

    # Given a cascade over the four levels (direktion → område → afdeling → team), seen later
    o = cascade_org
    start = timezone.now() - timedelta(days=4)
    cascade = broken_cascade(o, start)
    client = web(getattr(o, who))
    with django_assert_num_queries(cascade_page):
        assert client.get(f"/dashboard/kaskader/{cascade.pk}/").status_code == 200
    with django_assert_num_queries(list_page):
        assert client.get("/dashboard/kaskader/").status_code == 200

    # When the afdeling has three more teams (reached, one told at a meeting) and there are
    # two more cascades
    for name in ("Skælskør", "Dalmose", "Boeslunde"):
        OrgUnitFactory(name=f"Team {name}", kind=OrgUnit.Kind.TEAM, parent=o.unit_a)
    larger = broken_cascade(o, start)
    madservice_cascade(o, start, meeting=True, reached_after=timedelta(days=1))

    # Then each page costs the same
    with django_assert_num_queries(cascade_page):
        response = client.get(f"/dashboard/kaskader/{larger.pk}/")
    assert response.content.decode().count('<tr data-unit="') == (10 if who == "comms" else 6)
    with django_assert_num_queries(list_page):
        assert client.get("/dashboard/kaskader/").status_code == 200
