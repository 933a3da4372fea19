"""Reads of cascades, narrowed to the caller: a leader sees only their own subtree."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import NotFoundError
from content.models import ReadReceipt
from org import selectors as org_selectors
from org.models import LeaderScope, Role, User

from .models import Cascade, CascadeAttachment, FaqItem, Question, QuestionHop, Task


def _sees_everything(viewer: User) -> bool:
    return viewer.has_role(Role.COMMUNICATIONS, Role.ADMIN)


def _tasks_in_scope(*, viewer: User) -> QuerySet[Task]:
    if _sees_everything(viewer):
        return Task.objects.all()
    return Task.objects.filter(unit__in=org_selectors.units_in_scope(leader=viewer))


def cascade_list(*, viewer: User) -> QuerySet[Cascade]:
    """Every cascade for communications; for a leader, those that reach their subtree."""
    cascades = Cascade.objects.select_related("root_unit", "created_by")
    if _sees_everything(viewer):
        return cascades
    return cascades.filter(Exists(_tasks_in_scope(viewer=viewer).filter(cascade_id=OuterRef("pk"))))


def cascade_get(*, viewer: User, cascade_id: int) -> Cascade:
    """The cascade if the viewer may follow it, else 404."""
    cascade = cascade_list(viewer=viewer).filter(pk=cascade_id).first()
    if cascade is None:
        raise NotFoundError(_("Kaskaden findes ikke."))
    return cascade


def my_tasks(*, user: User) -> QuerySet[Task]:
    """The steps that have reached me as leader or deputy, open ones first."""
    return (
        Task.objects.filter(Q(leader=user) | Q(deputy=user), received_at__isnull=False)
        .select_related("cascade__root_unit", "level", "unit", "deputy", "leader")
        .order_by("passed_on_at", "level__deadline", "pk")
    )


def task_get(*, actor: User, task_id: int) -> Task:
    """A step of mine (as leader or deputy), else 404."""
    task = Task.objects.filter(Q(leader=actor) | Q(deputy=actor), pk=task_id).first()
    if task is None:
        raise NotFoundError(_("Opgaven findes ikke."))
    return task


def _receipt_count(**condition) -> Coalesce:
    counted = (
        ReadReceipt.objects.filter(post_id=OuterRef("post_id"), **condition)
        .order_by()
        .values("post_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class LevelProgress:
    number: int
    deadline: datetime
    units: int = 0
    received: int = 0
    passed_on: int = 0
    overdue: int = 0
    told: int = 0
    attendance: int = 0
    read: int = 0
    acknowledged: int = 0
    # From the first unit receiving to the last passing on; None until every unit has.
    seconds: int | None = None
    tasks: list = field(default_factory=list)


def progress(*, viewer: User, cascade: Cascade, now: datetime | None = None) -> list[LevelProgress]:
    """Per level and unit in the viewer's scope: received, passed on, read, acknowledged,
    told, overdue, and the time the level took. One query whatever the number of units."""
    now = now or timezone.now()
    tasks = (
        _tasks_in_scope(viewer=viewer)
        .filter(cascade=cascade)
        .select_related("level", "unit", "leader", "deputy")
        .annotate(
            read_count=_receipt_count(),
            acknowledged_count=_receipt_count(acknowledged_at__isnull=False),
        )
        .order_by("level__number", "unit__path")
    )
    levels: dict[int, LevelProgress] = {}
    for task in tasks:
        level = levels.setdefault(
            task.level.number, LevelProgress(number=task.level.number, deadline=task.level.deadline)
        )
        task.overdue = task.passed_on_at is None and task.level.deadline < now
        level.units += 1
        level.received += task.received_at is not None
        level.passed_on += task.passed_on_at is not None
        level.overdue += task.overdue
        level.told += task.told_on is not None
        level.attendance += task.attendance or 0
        level.read += task.read_count
        level.acknowledged += task.acknowledged_count
        level.tasks.append(task)
    for level in levels.values():
        if level.passed_on == level.units:
            first = min(t.received_at for t in level.tasks)
            last = max(t.passed_on_at for t in level.tasks)
            level.seconds = int((last - first).total_seconds())
    return [levels[n] for n in sorted(levels)]


# --- The way up: questions, the FAQ, and who is in a cascade -------------------------------


def cascade_for_member(*, viewer: User, cascade_id: int) -> Cascade:
    """The cascade if it reaches the viewer (their unit or one above it, or a step of theirs),
    or the viewer follows it (communications, a leader over part of it); else 404."""
    cascade = Cascade.objects.filter(pk=cascade_id).select_related("root_unit").first()
    if cascade is not None and not _sees_everything(viewer):
        reached = Q(leader=viewer) | Q(deputy=viewer)
        if viewer.unit_id is not None:
            reached |= Q(unit_id__in=viewer.unit.ancestor_ids)
        if viewer.has_role(Role.LEADER):
            reached |= Q(unit__in=org_selectors.units_in_scope(leader=viewer))
        if not Task.objects.filter(reached, cascade=cascade).exists():
            cascade = None
    if cascade is None:
        raise NotFoundError(_("Kaskaden findes ikke."))
    return cascade


def questions_visible(*, viewer: User) -> QuerySet[Question]:
    """Questions the viewer may read.

    Communications: those that reached the top. A leader: those that reached a step they
    hold or a unit they lead (their level, in their subtree) — not ones still below them.
    Anyone: their own named questions, and answers their leader shared with their unit.
    """
    rule = Q(asker=viewer)
    if viewer.unit_id is not None:
        rule |= Q(
            origin__unit_id=viewer.unit_id,
            answered_at__isnull=False,
            answer_visibility=Question.Visibility.UNIT,
        )
    if _sees_everything(viewer):
        rule |= Q(Exists(QuestionHop.objects.filter(question=OuterRef("pk"), task__isnull=True)))
    # Leaders (and deputies): what reached a step they hold or a unit they lead.
    led = LeaderScope.objects.filter(leader=viewer).values("unit_id")
    rule |= Q(
        Exists(
            QuestionHop.objects.filter(question=OuterRef("pk")).filter(
                Q(task__unit_id__in=led) | Q(task__leader=viewer) | Q(task__deputy=viewer)
            )
        )
    )
    return Question.objects.filter(rule).select_related(
        "cascade", "origin__unit", "holder__unit", "holder__level"
    )


def question_list(
    *, viewer: User, cascade_id: int | None = None, open_only: bool = False
) -> QuerySet[Question]:
    """Visible questions, grouped by cascade and communications' topic, with their path."""
    questions = questions_visible(viewer=viewer)
    if cascade_id is not None:
        questions = questions.filter(cascade_id=cascade_id)
    if open_only:
        questions = questions.filter(answered_at__isnull=True)
    return questions.prefetch_related(
        Prefetch("hops", queryset=QuestionHop.objects.select_related("task__unit"))
    ).order_by("-cascade__started_at", "cascade_id", "topic", "pk")


def question_get(*, viewer: User, question_id: int) -> Question:
    """A question the viewer may read, else 404 (another unit's question is simply not there)."""
    question = question_list(viewer=viewer).filter(pk=question_id).first()
    if question is None:
        raise NotFoundError(_("Spørgsmålet findes ikke."))
    return question


def faq_list(*, cascade: Cascade) -> QuerySet[FaqItem]:
    """The cascade's published questions and answers, oldest first."""
    return FaqItem.objects.filter(cascade=cascade).order_by("published_at", "pk")


def attachment_list(*, cascade: Cascade) -> QuerySet[CascadeAttachment]:
    return CascadeAttachment.objects.filter(cascade=cascade).order_by("pk")
