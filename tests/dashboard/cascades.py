"""Cascades for the dashboard tests, run through cascade.services at chosen moments.

Each step happens inside its own time_machine travel to `start + offset`, so the same story
can be told under a frozen clock (exact numbers) or before a live browser test (real time).
"""

from datetime import datetime, timedelta

import time_machine

from cascade import services
from cascade.models import Cascade, Task
from content import services as content_services
from org import services as org_services
from tests.factories import UserFactory

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def with_leaders(o):
    """dash_org with a leader on every unit but Team Slagelse (a unit without a leader)."""
    o.director = UserFactory(name="Dorte Direktør", unit=o.root, job_title="Direktør")
    org_services.leader_scope_set(leader=o.director, units=[o.root])
    o.chief = UserFactory(name="Claus Chef", unit=o.area, job_title="Områdechef")
    org_services.leader_scope_set(leader=o.chief, units=[o.area])
    o.team_leader_a = UserFactory(name="Tina Teamleder", unit=o.team_a)
    org_services.leader_scope_set(leader=o.team_leader_a, units=[o.team_a])
    o.team_leader_b = UserFactory(name="Bo Teamleder", unit=o.team_b)
    org_services.leader_scope_set(leader=o.team_leader_b, units=[o.team_b])
    return o


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def _task(cascade: Cascade, unit) -> Task:
    return Task.objects.get(cascade=cascade, unit=unit)


def _start(o, start: datetime, *, root, title: str, days: tuple[int, ...]) -> Cascade:
    with _at(start):
        return services.cascade_start(
            actor=o.comms,
            title=title,
            message="Fra 1. maj bruger alle den nye vagtplan.",
            talking_points="Fortæl det på tavlemødet.",
            root_unit=root,
            deadlines=[start + DAY * d for d in days],
        )


def _pass_on(o, cascade, unit, leader, at: datetime, note: str = "") -> None:
    with _at(at):
        services.task_pass_on(actor=leader, task=_task(cascade, unit), local_note=note)


def broken_cascade(o, start: datetime) -> Cascade:
    """Over the four levels from the direktion, started at `start`, seen 4 days later:

    the director (1 h) and the chief (5 h) pass it on; Hjemmeplejen Vest a day and 2 hours in,
    Madservice never (its deadline, day 3, has passed: the chain breaks there, Køkkenet is not
    reached). Team Korsør tells it at a meeting (9 present) and publishes it; Mette reads and
    acknowledges it. Team Slagelse has no leader: received, its deadline (day 6) not yet passed.
    """
    cascade = _start(o, start, root=o.root, title="Ny vagtplan", days=(1, 2, 3, 6))
    _pass_on(o, cascade, o.root, o.director, start + HOUR, "Det gælder hele kommunen.")
    _pass_on(o, cascade, o.area, o.chief, start + 5 * HOUR, "Vi starter i hjemmeplejen.")
    _pass_on(o, cascade, o.unit_a, o.leader, start + DAY + 2 * HOUR, "Vest først.")
    with _at(start + 2 * DAY):
        task = services.task_tell(
            actor=o.team_leader_a,
            task=_task(cascade, o.team_a),
            local_note="Vi tager det på tavlemødet.",
            told_on=(start + 2 * DAY).date(),
            attendance=9,
            publish=True,
        )
    with _at(start + 2 * DAY + 3 * HOUR):
        content_services.post_read_record(post=task.post, user=o.employee)
        content_services.post_acknowledge(post=task.post, user=o.employee)
    return cascade


def madservice_cascade(o, start: datetime, *, meeting: bool, reached_after: timedelta) -> Cascade:
    """From Madservice over two levels, reaching Køkkenet's people `reached_after` the start:
    told at a meeting then, or published as a must-read that Jens reads then."""
    cascade = _start(o, start, root=o.unit_b, title="Ny kantineordning", days=(1, 5))
    _pass_on(o, cascade, o.unit_b, o.other_leader, start + 2 * HOUR)
    told = start + reached_after if meeting else start + 3 * HOUR
    with _at(told):
        task = services.task_tell(
            actor=o.team_leader_b,
            task=_task(cascade, o.team_b),
            told_on=told.date() if meeting else None,
            attendance=4 if meeting else None,
            publish=not meeting,
        )
    if not meeting:
        with _at(start + reached_after):
            content_services.post_read_record(post=task.post, user=o.other_employee)
    return cascade
