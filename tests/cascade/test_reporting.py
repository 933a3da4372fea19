"""cascade.reporting.area_report: from start to the last employee reached, per area."""

from datetime import timedelta

import time_machine

from cascade import reporting, services
from cascade.models import Task
from content import services as content_services

from .conftest import NOW

HOUR = timedelta(hours=1)


def _start(org, root, levels: int):
    return services.cascade_start(
        actor=org.comms,
        title="Ny vagtplan",
        message="Fra 1. maj bruger alle den nye vagtplan.",
        root_unit=root,
        deadlines=[NOW + timedelta(days=d + 1) for d in range(levels)],
    )


def _task(cascade, unit):
    return Task.objects.get(cascade=cascade, unit=unit)


def _figures():
    return [
        (row.unit.name if row.unit else None, row.cascades, row.completed, row.median_seconds)
        for row in reporting.area_report()
    ]


def test_an_area_is_reached_when_its_last_team_is_told_or_its_last_employee_has_read(tree, clock):
    o = tree
    # Given a cascade over the four levels, passed down to both teams within three hours
    cascade = _start(o, o.root, 4)
    for unit, leader in ((o.root, o.director), (o.area, o.chief)):
        clock.shift(HOUR)
        services.task_pass_on(actor=leader, task=_task(cascade, unit))
    services.task_pass_on(actor=o.leader, task=_task(cascade, o.unit_a))
    services.task_pass_on(actor=o.other_leader, task=_task(cascade, o.unit_b))
    clock.shift(HOUR)
    # When Team Korsør publishes it as a must-read, nobody has read it yet
    task = services.task_tell(actor=o.team_leader_a, task=_task(cascade, o.team_a), publish=True)
    # Then the area has one cascade, not completed: Køkkenet has not told anyone
    assert _figures() == [("Social og Sundhed", 1, 0, None)]

    # When Køkkenet tells it at a meeting five hours after the start
    clock.shift(2 * HOUR)
    services.task_tell(
        actor=o.team_leader_b,
        task=_task(cascade, o.team_b),
        told_on=NOW.date(),
        attendance=6,
    )
    # Then it is still not completed: nobody in Team Korsør has read it
    assert _figures() == [("Social og Sundhed", 1, 0, None)]

    # When Mette reads it a day after the start
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        content_services.post_read_record(post=task.post, user=o.employee)
    # Then the area was reached after a day: the later of the meeting and the last read
    assert _figures() == [("Social og Sundhed", 1, 1, 86400)]


def test_a_cascade_that_stops_above_the_areas_counts_without_an_area(tree, clock):
    o = tree
    # Given a one-level cascade for the direktion, told at its meeting two hours in
    cascade = _start(o, o.root, 1)
    clock.shift(2 * HOUR)
    services.task_tell(
        actor=o.director, task=_task(cascade, o.root), told_on=NOW.date(), attendance=5
    )
    # Then it counts, completed, under no area
    assert _figures() == [(None, 1, 1, 7200)]


def test_the_report_endpoint_costs_the_same_whatever_the_cascades(
    tree, clock, client_for, django_assert_num_queries
):
    o = tree
    # Given one cascade, then three more (one of them over a single level)
    _start(o, o.root, 4)
    client = client_for(o.comms)
    # Then the report costs session, person, roles, the last-level tasks, the areas
    with django_assert_num_queries(5):
        one = client.get("/api/v1/cascades/report/")
    for levels in (4, 3, 1):
        _start(o, o.root, levels)
    with django_assert_num_queries(5):
        four = client.get("/api/v1/cascades/report/")
    assert [a["cascades"] for a in one.json()["areas"]] == [1]
    assert [(a["unit_name"], a["cascades"]) for a in four.json()["areas"]] == [
        ("Social og Sundhed", 3),
        (None, 1),
    ]
