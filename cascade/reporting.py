"""Cascade reporting: reads built on the progress selector, and the number communications reports.

The dashboard's cascade page shows exactly what `selectors.progress` answers the API; the
helpers here only arrange those rows into a tree and summarise them (no second count). The
report over all cascades — the median time from start to the last employee, per area — is
read here in one query.
"""

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from content.models import ReadReceipt
from org import selectors as org_selectors
from org.models import OrgUnit, Role, User

from . import selectors
from .models import Cascade, Level, Task


def sees_report(viewer: User) -> bool:
    """The report over all cascades is for communications (and admins): it spans every area."""
    return viewer.has_role(Role.COMMUNICATIONS, Role.ADMIN)


def cascade_summaries(*, viewer: User, now: datetime | None = None) -> QuerySet[Cascade]:
    """The cascades the viewer may follow, each with its units in the viewer's scope counted:
    `units`, `passed_on` and `overdue` (open past its level's deadline, as the progress says)."""
    now = now or timezone.now()
    in_scope = Q()
    if not viewer.has_role(Role.COMMUNICATIONS, Role.ADMIN):
        in_scope = Q(tasks__unit__in=org_selectors.units_in_scope(leader=viewer))
    open_past_deadline = Q(tasks__passed_on_at__isnull=True, tasks__level__deadline__lt=now)
    return (
        selectors.cascade_list(viewer=viewer)
        .annotate(
            units=Count("tasks", filter=in_scope),
            passed_on=Count("tasks", filter=in_scope & Q(tasks__passed_on_at__isnull=False)),
            overdue=Count("tasks", filter=in_scope & open_past_deadline),
        )
        .order_by("-started_at", "-id")  # an aggregate drops Meta.ordering
    )


@dataclass
class UnitRow:
    """One unit of the tree as the page shows it: the progress task and where it stands."""

    task: Task
    depth: int
    # received, not passed on, past its deadline: the chain breaks here
    broken: bool
    # not received (yet): below a broken unit, or waiting for the level above
    not_reached: bool
    # the nearest unit above, in view, where the chain broke
    broken_above: Task | None = None
    # where the unit stands, in words (the dashboard fills it in the viewer's language)
    status: str = ""


@dataclass
class CascadeTree:
    levels: list
    rows: list[UnitRow] = field(default_factory=list)
    # per level number: the median seconds from received to passed on, over its units
    median_seconds: dict[int, int | None] = field(default_factory=dict)
    broken: int = 0


def _median_seconds(tasks: list[Task]) -> int | None:
    durations = [
        (t.passed_on_at - t.received_at).total_seconds()
        for t in tasks
        if t.received_at is not None and t.passed_on_at is not None
    ]
    return int(median(durations)) if durations else None


def progress_tree(*, viewer: User, cascade: Cascade, now: datetime | None = None) -> CascadeTree:
    """`selectors.progress` (the API's numbers) as a tree, broken branches marked."""
    levels = selectors.progress(viewer=viewer, cascade=cascade, now=now)
    tasks = sorted((t for level in levels for t in level.tasks), key=lambda t: t.unit.path)
    top_depth = min((t.unit.depth for t in tasks), default=0)
    by_id = {t.pk: t for t in tasks}
    tree = CascadeTree(levels=levels)
    broken_at: dict[int, Task | None] = {}
    for task in tasks:  # parents come before their children in path order
        broken = task.received_at is not None and task.overdue
        above = broken_at.get(task.parent_id) if task.parent_id in by_id else None
        broken_at[task.pk] = task if broken else above
        tree.broken += broken
        tree.rows.append(
            UnitRow(
                task=task,
                depth=task.unit.depth - top_depth,
                broken=broken,
                not_reached=task.received_at is None,
                broken_above=above,
            )
        )
    tree.median_seconds = {level.number: _median_seconds(level.tasks) for level in levels}
    return tree


@dataclass
class AreaReport:
    """Per area (område): how long cascades took from start to the last employee reached."""

    unit: OrgUnit | None
    cascades: int = 0
    completed: int = 0
    median_seconds: int | None = None
    durations: list[float] = field(default_factory=list)


def _reached_at(task: Task) -> datetime | None:
    """When a last-level unit's employees were reached: told at a meeting (recorded when the
    leader recorded it), else the last read of the must-read; None while not reached."""
    if task.passed_on_at is None:
        return None
    if task.told_on is not None:
        return task.passed_on_at
    return task.last_read_at


def area_report() -> list[AreaReport]:
    """Over all cascades: per area, the median time from a cascade's start until the last
    employee in that area was reached (read it, or was told at a meeting).

    A cascade counts for an area when its last level has units in the area; it is completed
    there when every such unit has reached its employees. One query for the tasks, one for
    the areas.
    """
    last_level = Level.objects.filter(cascade_id=OuterRef("cascade_id")).order_by("-number")
    last_read = ReadReceipt.objects.filter(post_id=OuterRef("post_id")).order_by("-read_at")
    tasks = (
        Task.objects.annotate(last_number=Subquery(last_level.values("number")[:1]))
        .filter(level__number=F("last_number"))
        .annotate(last_read_at=Subquery(last_read.values("read_at")[:1]))
        .select_related("cascade", "unit")
        .order_by("cascade_id", "unit__path")
    )
    areas = {u.pk: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.OMRAADE)}
    # (area id, cascade id) → the moments its last-level units were reached (None: not yet)
    reached: dict[tuple[int | None, int], list[datetime | None]] = {}
    started: dict[int, datetime] = {}
    for task in tasks:
        area_id = next((i for i in task.unit.ancestor_ids if i in areas), None)
        reached.setdefault((area_id, task.cascade_id), []).append(_reached_at(task))
        started[task.cascade_id] = task.cascade.started_at
    report: dict[int | None, AreaReport] = {}
    for (area_id, cascade_id), moments in reached.items():
        row = report.setdefault(area_id, AreaReport(unit=areas.get(area_id)))
        row.cascades += 1
        if all(m is not None for m in moments):
            row.completed += 1
            row.durations.append((max(moments) - started[cascade_id]).total_seconds())
    for row in report.values():
        row.median_seconds = int(median(row.durations)) if row.durations else None
    return sorted(report.values(), key=lambda r: (r.unit is None, r.unit.path if r.unit else ""))
