"""Lists run a fixed number of queries whatever the page size or tree depth."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import OrgUnit
from tests.factories import OrgUnitFactory, UserFactory

PEOPLE_QUERIES = 6
LEADER_PEOPLE_QUERIES = 7  # and the leader's scope
UNIT_TREE_QUERIES = 4


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries)


def test_people_directory_queries_do_not_grow_with_page_size(org, api):
    for i in range(60):
        UserFactory(name=f"Kollega {i:02d}", unit=org.team_a if i % 2 else org.team_b)
    client = api(org.employee)
    small = _count(client, "/api/v1/org/people/", {"page_size": 5})
    large = _count(client, "/api/v1/org/people/", {"page_size": 60})
    # auth (session, user, roles) + count + page + roles prefetch
    assert (small, large) == (PEOPLE_QUERIES, PEOPLE_QUERIES)


def test_people_directory_queries_for_a_leader_do_not_grow(org, api):
    for i in range(30):
        UserFactory(name=f"Kollega {i:02d}", unit=org.team_a)
    client = api(org.leader)
    small = _count(client, "/api/v1/org/people/", {"page_size": 3})
    large = _count(client, "/api/v1/org/people/", {"page_size": 30})
    assert (small, large) == (LEADER_PEOPLE_QUERIES, LEADER_PEOPLE_QUERIES)


def test_unit_tree_queries_do_not_grow_with_depth(org, api):
    client = api(org.employee)
    shallow = _count(client, "/api/v1/org/units/", {})
    parent = org.team_a
    for depth in range(6):
        parent = OrgUnitFactory(name=f"Dybt {depth}", kind=OrgUnit.Kind.TEAM, parent=parent)
        for i in range(3):
            OrgUnitFactory(name=f"Blad {depth}.{i}", kind=OrgUnit.Kind.TEAM, parent=parent)
    deep = _count(client, "/api/v1/org/units/", {})
    assert (shallow, deep) == (UNIT_TREE_QUERIES, UNIT_TREE_QUERIES)
    response = client.get("/api/v1/org/units/")
    assert response.json()["count"] == OrgUnit.objects.count() == 6 + 24
