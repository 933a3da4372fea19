"""The cost of SCIM's lists: pinned query counts that do not grow with the page or the people.

Every request reads the client by its token and stamps its last use (2 queries) before the
list's own reads.
"""

import json

import pytest

from hrsync.models import ScimUser
from hrsync.services import scim_client_create
from org import services as org
from tests.factories import UserFactory

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def scim_get(db, client):
    _scim_client, token = scim_client_create(name="Microsoft Entra ID", created_by=None)

    def get(path):
        response = client.get(f"/scim/v2{path}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        return json.loads(response.content)

    return get


def _people(n: int, units: list) -> None:
    """`n` people spread over `units`, every other one linked to the SCIM client."""
    for i in range(n):
        person = UserFactory(
            name=f"Person {i}",
            email=f"p{i}@example.dk",
            employee_number=f"K{i:04d}",
            unit=units[i % len(units)],
        )
        if i % 2:
            ScimUser.objects.create(
                user=person,
                user_name=f"user{i}@kommune.dk",
                external_id=f"ext-{i}",
                attributes={"active": True, "displayName": f"Person {i}"},
            )


@pytest.fixture
def population(db):
    root = org.unit_create(name="Kommunen", kind="direktion", code="1")
    units = [
        org.unit_create(name=f"Enhed {n}", kind="afdeling", parent=root, code=f"1{n:02d}")
        for n in range(12)
    ]
    _people(30, units)
    return units


@pytest.mark.parametrize("count", [2, 25])
def test_the_users_list_costs_four_queries_whatever_the_page_size(
    scim_get, population, django_assert_num_queries, count
):
    # When a page of people is listed (client, last use, count, the page with units and links)
    with django_assert_num_queries(4):
        body = scim_get(f"/Users?startIndex=3&count={count}")
    # Then the page is the one asked for, of everyone
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (30, 3, count)


def test_more_people_do_not_cost_more_queries_in_the_users_list(
    scim_get, population, django_assert_num_queries
):
    # Given twice the people
    UserFactory.create_batch(30, unit=population[0])
    # When a page of 50 is listed
    with django_assert_num_queries(4):
        body = scim_get("/Users?count=50")
    # Then it costs the same four queries
    assert (body["totalResults"], body["itemsPerPage"]) == (60, 50)


@pytest.mark.parametrize(
    "query, found",
    [
        ('userName eq "user3@kommune.dk"', ["K0003"]),
        ('userName eq "p4@example.dk"', ["K0004"]),
        ('externalId eq "ext-5"', ["K0005"]),
        ('emails.value eq "p6@example.dk"', ["K0006"]),
    ],
)
def test_a_filtered_users_list_costs_three_queries(
    scim_get, population, django_assert_num_queries, query, found
):
    # When Entra ID looks a person up by one of the attributes it filters on
    with django_assert_num_queries(3):
        body = scim_get(f"/Users?filter={query}")
    # Then it finds exactly that person (client, last use, the candidates with units and links)
    assert [r[ENTERPRISE]["employeeNumber"] for r in body["Resources"]] == found


@pytest.mark.parametrize("count", [2, 10])
def test_the_groups_list_costs_five_queries_whatever_the_page_size(
    scim_get, population, django_assert_num_queries, count
):
    # When a page of units is listed (client, last use, count, the page with links, members)
    with django_assert_num_queries(5):
        body = scim_get(f"/Groups?startIndex=2&count={count}")
    # Then the page has the units asked for, each with its members
    assert (body["totalResults"], body["itemsPerPage"]) == (13, count)
    assert [len(group.get("members", [])) for group in body["Resources"]] == (
        [3, 3] if count == 2 else [3, 3, 3, 3, 3, 3, 2, 2, 2, 2]
    )


def test_a_filtered_groups_list_costs_four_queries(scim_get, population, django_assert_num_queries):
    # When Entra ID looks a group up by its display name
    with django_assert_num_queries(4):
        body = scim_get('/Groups?filter=displayName eq "Enhed 7"')
    # Then it gets that unit, with its members
    assert [(g["displayName"], len(g["members"])) for g in body["Resources"]] == [("Enhed 7", 2)]


@pytest.fixture
def scim_search(db, client):
    _scim_client, token = scim_client_create(name="Okta", created_by=None)

    def search(path, body):
        response = client.post(
            f"/scim/v2{path}",
            data=json.dumps(
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], **body}
            ),
            content_type="application/scim+json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        return json.loads(response.content)

    return search


@pytest.mark.parametrize("count", [2, 25])
def test_a_users_search_by_post_costs_what_the_list_costs(
    scim_search, population, django_assert_num_queries, count
):
    # When the same page is asked for by POST /Users/.search, then with a filter
    with django_assert_num_queries(4):
        page = scim_search("/Users/.search", {"startIndex": 3, "count": count})
    with django_assert_num_queries(3):
        found = scim_search("/Users/.search", {"filter": 'externalId eq "ext-5"', "count": count})
    # Then the answers are those of the GET list
    assert (page["totalResults"], page["itemsPerPage"]) == (30, count)
    assert [r[ENTERPRISE]["employeeNumber"] for r in found["Resources"]] == ["K0005"]


@pytest.mark.parametrize("count", [2, 40])
def test_the_root_search_costs_five_queries_whatever_the_page_size(
    scim_search, population, django_assert_num_queries, count
):
    # When users and groups are searched at once (client, last use, people, units, members)
    with django_assert_num_queries(5):
        body = scim_search("/.search", {"count": count})
    # Then both kinds are counted and the page is cut as asked
    assert (body["totalResults"], body["itemsPerPage"]) == (43, count)
