"""The cascade lists cost a fixed number of queries, whatever the number of units and rows."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cascade import services
from org import services as org_services
from org.models import OrgUnit
from tests.factories import OrgUnitFactory, UserFactory

from .conftest import NOW


def _grow(org, teams: int) -> None:
    """`teams` more teams under afdeling A, each with a leader and an employee."""
    for n in range(teams):
        team = OrgUnitFactory(name=f"Team {n}", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
        leader = UserFactory(name=f"Teamleder {n}", unit=team)
        org_services.leader_scope_set(leader=leader, units=[team])
        UserFactory(name=f"Medarbejder {n}", unit=team)


def _queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response


def _cascade(org):
    return services.cascade_start(
        actor=org.comms,
        title="Ny vagtplan",
        message="Fra 1. maj bruger alle den nye vagtplan.",
        root_unit=org.root,
        deadlines=[NOW + timedelta(days=d) for d in (1, 2, 3, 4)],
    )


def test_progress_is_a_fixed_number_of_queries_whatever_the_units(tree, clock, client_for):
    # Given a cascade over 6 units, and one over 26
    o = tree
    small = _cascade(o)
    _grow(o, 20)
    large = _cascade(o)
    client = client_for(o.comms)
    # When communications and a leader read each cascade's progress
    small_count, small_body = _queries(client, f"/api/v1/cascades/{small.pk}/progress/")
    large_count, large_body = _queries(client, f"/api/v1/cascades/{large.pk}/progress/")
    leader_count, _ = _queries(client_for(o.leader), f"/api/v1/cascades/{large.pk}/progress/")
    # Then the rows differ and the queries do not: session, person, roles, cascade, tasks
    rows = [sum(lv["units"] for lv in body.json()["levels"]) for body in (small_body, large_body)]
    assert rows == [6, 26]
    assert (small_count, large_count, leader_count) == (5, 5, 5)


def test_my_tasks_and_the_cascade_list_do_not_grow_with_the_page(tree, clock, client_for):
    # Given a director with 1 received step, then 12
    o = tree
    _cascade(o)
    client = client_for(o.director)
    one, _ = _queries(client, "/api/v1/cascades/tasks/")
    for _n in range(11):
        _cascade(o)
    twelve, body = _queries(client, "/api/v1/cascades/tasks/")
    listed, cascades = _queries(client_for(o.comms), "/api/v1/cascades/")
    # Then the lists hold 12 rows each and cost the same: session, person, count, page (and
    # the caller's roles, for the cascade list that is open to some roles only)
    assert (body.json()["count"], cascades.json()["count"]) == (12, 12)
    assert (one, twelve, listed) == (4, 4, 5)
