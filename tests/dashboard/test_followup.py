"""Communications' follow-up page: per area, the leaders asked, followed up, and how fast."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.followup.factories import closed_wave_with_followups

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured), response.content.decode()


def _cell(html: str, measure: str) -> str:
    return re.search(rf'data-measure="{measure}" data-value="([^"]*)"', html).group(1)


def test_communications_sees_the_follow_up_rate_per_area_as_the_api(dash_org, web, api):
    # Given a wave where one of unit A's two leaders shared an action
    _survey, wave = closed_wave_with_followups(dash_org)
    area = api(dash_org.comms).get("/api/v1/followup/overview/").json()["areas"]
    # When communications opens the page
    _count, html = _queries(web(dash_org.comms), "/dashboard/opfoelgning/")
    # Then it shows the API's numbers for the area
    assert [(a["name"], a["leaders"], a["followed_up"], a["rate"]) for a in area] == [
        ("Social og Sundhed", 2, 1, 0.5)
    ]
    assert f'data-area="{dash_org.area.pk}"' in html
    assert [_cell(html, m) for m in ("leaders", "followed_up", "rate")] == ["2", "1", "0.5"]
    assert f'data-wave="{wave.pk}"' in html


def test_the_page_is_for_communications_and_an_unknown_wave_does_not_exist(dash_org, web):
    closed_wave_with_followups(dash_org)
    # A leader is refused; a wave with no follow-ups is a page that does not exist
    assert web(dash_org.leader).get("/dashboard/opfoelgning/").status_code == 403
    assert web(dash_org.comms).get("/dashboard/opfoelgning/?wave=999999").status_code == 404
    assert web(dash_org.comms).get("/dashboard/opfoelgning/?wave=x").status_code == 404


def test_the_follow_up_page_does_not_query_per_area_or_leader(dash_org, web):
    # Given a wave with two leaders to follow up
    closed_wave_with_followups(dash_org)
    client = web(dash_org.comms)
    before, _html = _queries(client, "/dashboard/opfoelgning/")
    # When a second wave has four more teams, each with a leader
    closed_wave_with_followups(dash_org, extra_teams=4)
    after, html = _queries(client, "/dashboard/opfoelgning/")
    # Then the page shows the newest wave's seven leaders (unit A's, two of team A's, four
    # teams'), and costs the same, pinned
    assert _cell(html, "leaders") == "7"
    assert (before, after) == (6, 6)
