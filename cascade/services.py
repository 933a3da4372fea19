"""Writes to cascades: start, pass on, tell at a meeting, delegate, remind. Each in a transaction."""

from datetime import date, datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, ConflictError, PermissionDeniedError
from content import files as content_files
from content import services as content_services
from content.models import PostKind
from org import selectors as org_selectors
from org.models import LeaderScope, OrgUnit, Role, User
from push import services as push_services
from push.models import Category
from surveys.strategy import strategy_active

from .models import Cascade, CascadeAttachment, Level, Task

# A leader who has not passed the message on by the deadline is reminded; if the step is still
# open this long after the deadline, their own leader (the leader of the unit above) is told.
ESCALATE_AFTER = timedelta(days=1)
# The tree has four kinds of unit (direktion → område → afdeling → team).
MAX_LEVELS = 4


def _may_start_from(*, actor: User, root_unit: OrgUnit) -> bool:
    """Communications and admins start anywhere; a director starts from a unit they lead."""
    if actor.has_role(Role.COMMUNICATIONS, Role.ADMIN):
        return True
    leads_direktion = LeaderScope.objects.filter(
        leader=actor, unit__kind=OrgUnit.Kind.DIREKTION
    ).exists()
    return (
        leads_direktion
        and org_selectors.units_in_scope(leader=actor).filter(pk=root_unit.pk).exists()
    )


def _leaders_by_unit(unit_ids: list[int]) -> dict[int, int]:
    """Each unit's leader (the first named, by id) among those that have one."""
    leaders: dict[int, int] = {}
    for unit_id, leader_id in (
        LeaderScope.objects.filter(unit_id__in=unit_ids, leader__is_active=True)
        .order_by("unit_id", "leader_id")
        .values_list("unit_id", "leader_id")
    ):
        leaders.setdefault(unit_id, leader_id)
    return leaders


def _notify_received(
    *, tasks: list[Task], cascade: Cascade, deadline: datetime, event: str = "received"
) -> None:
    local_deadline = timezone.localtime(deadline).strftime("%d.%m.%Y %H:%M")
    for task in tasks:
        doer = task.deputy_id or task.leader_id
        if doer is None:
            continue
        push_services.notification_send(
            category=Category.NEWS,
            recipients=User.objects.filter(pk=doer),
            title=gettext_noop("Kaskade: %(title)s"),
            body=gettext_noop("Giv budskabet videre til %(unit)s inden %(deadline)s."),
            params={"title": cascade.title, "unit": task.unit.name, "deadline": local_deadline},
            data={"cascade": str(cascade.pk), "task": str(task.pk)},
            dedup_key=f"cascade-task-{task.pk}-{event}",
        )


def _receive(*, tasks: list[Task], cascade: Cascade, level: Level, now: datetime) -> None:
    Task.objects.filter(pk__in=[t.pk for t in tasks], received_at__isnull=True).update(
        received_at=now
    )
    _notify_received(tasks=tasks, cascade=cascade, deadline=level.deadline)


@transaction.atomic
def cascade_start(
    *,
    actor: User,
    title: str,
    message: str,
    root_unit: OrgUnit,
    deadlines: list[datetime],
    talking_points: str = "",
    pillar: str = "",
) -> Cascade:
    """Start a cascade from `root_unit` down one level per deadline; its leaders get a task."""
    if not _may_start_from(actor=actor, root_unit=root_unit):
        raise PermissionDeniedError(
            _("Kun kommunikation eller direktionen kan starte en kaskade herfra."),
            code="cascade_not_allowed",
        )
    now = timezone.now()
    errors = {}
    if not 1 <= len(deadlines) <= MAX_LEVELS:
        errors["deadlines"] = [_("Angiv én frist pr. niveau, højst %(n)s.") % {"n": MAX_LEVELS}]
    elif any(d <= now for d in deadlines) or any(
        later < earlier for earlier, later in pairwise(deadlines)
    ):
        errors["deadlines"] = [_("Fristerne skal ligge i fremtiden og i rækkefølge.")]
    if not title.strip():
        errors["title"] = [_("Skal udfyldes.")]
    if not message.strip():
        errors["message"] = [_("Skal udfyldes.")]
    if pillar and pillar not in strategy_active().pillar_keys:
        errors["pillar"] = [_("Kernefortællingen har ingen styrkeposition med den nøgle.")]
    if errors:
        raise ApplicationError(_("Oplysningerne er ikke gyldige."), fields=errors)
    cascade = Cascade.objects.create(
        title=title.strip(),
        message=message,
        talking_points=talking_points,
        root_unit=root_unit,
        created_by=actor,
        started_at=now,
        pillar=pillar,
    )
    levels = Level.objects.bulk_create(
        [Level(cascade=cascade, number=n, deadline=d) for n, d in enumerate(deadlines)]
    )
    units = list(
        org_selectors.unit_subtree(unit=root_unit)
        .filter(closed_at__isnull=True, depth__lt=root_unit.depth + len(levels))
        .order_by("depth", "path")
    )
    leaders = _leaders_by_unit([u.pk for u in units])
    task_of_unit: dict[int, Task] = {}
    for unit in units:  # parents first (by depth), so each child finds its parent's task
        task = Task(
            cascade=cascade,
            level=levels[unit.depth - root_unit.depth],
            unit=unit,
            parent=task_of_unit.get(unit.parent_id),
            leader_id=leaders.get(unit.pk),
        )
        task.save()
        task_of_unit[unit.pk] = task
    _receive(tasks=[task_of_unit[root_unit.pk]], cascade=cascade, level=levels[0], now=now)
    return cascade


def _check_doer(*, actor: User, task: Task) -> None:
    if actor.pk not in {task.leader_id, task.deputy_id}:
        raise PermissionDeniedError(_("Det er ikke din opgave."), code="not_your_task")


def _lock_open_task(*, actor: User, task: Task) -> Task:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("level", "cascade", "unit")
        .get(pk=task.pk)
    )
    _check_doer(actor=actor, task=task)
    if task.received_at is None:
        raise ConflictError(_("Budskabet er ikke nået hertil endnu."), code="not_received")
    if task.passed_on_at is not None:
        raise ConflictError(_("Budskabet er allerede givet videre."), code="already_passed_on")
    return task


def _is_last_level(task: Task) -> bool:
    return not Level.objects.filter(
        cascade_id=task.cascade_id, number__gt=task.level.number
    ).exists()


def _finish(*, task: Task, actor: User, local_note: str, now: datetime) -> None:
    task.local_note = local_note
    task.passed_on_at = now
    task.passed_on_by = actor
    task.save()


@transaction.atomic
def task_pass_on(*, actor: User, task: Task, local_note: str = "") -> Task:
    """Pass the message on to the units below, with an optional local note."""
    task = _lock_open_task(actor=actor, task=task)
    if _is_last_level(task):
        raise ConflictError(
            _("På sidste niveau fortæller du det på et møde eller udgiver det til teamet."),
            code="last_level",
        )
    now = timezone.now()
    _finish(task=task, actor=actor, local_note=local_note, now=now)
    children = list(task.children.select_related("unit", "level").order_by("unit__path"))
    if children:
        _receive(tasks=children, cascade=task.cascade, level=children[0].level, now=now)
    return task


@transaction.atomic
def task_tell(
    *,
    actor: User,
    task: Task,
    local_note: str = "",
    told_on: date | None = None,
    attendance: int | None = None,
    publish: bool = False,
) -> Task:
    """At the last level: record the team meeting and/or publish the message as a must-read."""
    task = _lock_open_task(actor=actor, task=task)
    if not _is_last_level(task):
        raise ConflictError(
            _("Kun sidste niveau fortæller det til medarbejderne."), code="not_last_level"
        )
    if told_on is None and not publish:
        raise ApplicationError(
            _("Angiv mødedatoen eller udgiv budskabet som skal-læses."),
            fields={"told_on": [_("Skal udfyldes, når budskabet ikke udgives.")]},
        )
    if told_on is None and attendance is not None:
        raise ApplicationError(
            _("Deltagere hører til et møde."), fields={"told_on": [_("Skal udfyldes.")]}
        )
    now = timezone.now()
    if told_on is not None and told_on > timezone.localdate(now):
        raise ApplicationError(
            _("Mødet kan ikke ligge i fremtiden."), fields={"told_on": [_("Vælg en dato.")]}
        )
    if publish:
        cascade = task.cascade
        body = cascade.message
        if local_note.strip():
            body = f"{body}\n\n**{_('Hvad betyder det for os')}**\n\n{local_note}"
        post = content_services.post_create(
            author=actor,
            kind=PostKind.NEWS,
            title=cascade.title,
            body=body,
            requires_acknowledgement=True,
            audience=content_services.AudienceSpec(units=[(task.unit, True)]),
        )
        task.post = content_services.post_publish(actor=actor, post=post)
    task.told_on = told_on
    task.attendance = attendance
    _finish(task=task, actor=actor, local_note=local_note, now=now)
    return task


@transaction.atomic
def task_delegate(*, actor: User, task: Task, deputy: User) -> Task:
    """Let a named deputy in the leader's own scope do the step (the leader still may)."""
    task = _lock_open_task(actor=actor, task=task)
    if actor.pk != task.leader_id:
        raise PermissionDeniedError(
            _("Kun lederen kan vælge en stedfortræder."), code="not_the_leader"
        )
    if deputy.pk == actor.pk or not org_selectors.user_is_in_scope(leader=actor, user=deputy):
        raise ApplicationError(
            _("Stedfortræderen skal være en anden person i dit område."),
            fields={"deputy": [_("Vælg en person i dit område.")]},
        )
    task.deputy = deputy
    task.save(update_fields=["deputy"])
    _notify_received(
        tasks=[task],
        cascade=task.cascade,
        deadline=task.level.deadline,
        event=f"deputy-{deputy.pk}",
    )
    return task


def _remind(*, task: Task, recipient_id: int, escalation: bool) -> None:
    title = gettext_noop("Påmindelse: %(title)s")
    if escalation:
        body = gettext_noop("%(unit)s har ikke givet budskabet videre. Fristen var %(deadline)s.")
    else:
        body = gettext_noop("Giv budskabet videre til %(unit)s. Fristen var %(deadline)s.")
    push_services.notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(pk=recipient_id),
        title=title,
        body=body,
        params={
            "title": task.cascade.title,
            "unit": task.unit.name,
            "deadline": timezone.localtime(task.level.deadline).strftime("%d.%m.%Y %H:%M"),
        },
        data={"cascade": str(task.cascade_id), "task": str(task.pk)},
        dedup_key=f"cascade-task-{task.pk}-{'escalated' if escalation else 'reminded'}",
    )


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the doers of overdue steps, then, a day later, the leader of the unit above.

    The rows are claimed with skip_locked and stamped in the same transaction, so a beat that
    fires twice reminds no one twice.
    """
    now = now or timezone.now()
    open_overdue = Task.objects.filter(
        received_at__isnull=False, passed_on_at__isnull=True, level__deadline__lt=now
    ).select_related("cascade", "unit", "level", "parent", "parent__cascade")
    reminded = escalated = 0
    for task in open_overdue.filter(reminded_at__isnull=True).select_for_update(
        of=("self",), skip_locked=True
    ):
        if doer := task.deputy_id or task.leader_id:
            _remind(task=task, recipient_id=doer, escalation=False)
            reminded += 1
        task.reminded_at = now
        task.save(update_fields=["reminded_at"])
    for task in open_overdue.filter(
        reminded_at__isnull=False,
        escalated_at__isnull=True,
        level__deadline__lt=now - ESCALATE_AFTER,
    ).select_for_update(of=("self",), skip_locked=True):
        above = task.parent.leader_id if task.parent else task.cascade.created_by_id
        if above:
            _remind(task=task, recipient_id=above, escalation=True)
            escalated += 1
        task.escalated_at = now
        task.save(update_fields=["escalated_at"])
    return {"reminded": reminded, "escalated": escalated}


def require_attacher(*, actor: User, cascade: Cascade) -> None:
    """Files go with the message: communications, or the person who started the cascade."""
    if not (actor.has_role(Role.COMMUNICATIONS, Role.ADMIN) or actor.pk == cascade.created_by_id):
        raise PermissionDeniedError(
            _("Kun den, der startede kaskaden, kan vedhæfte filer."), code="cascade_not_allowed"
        )


@transaction.atomic
def attachment_add(*, actor: User, cascade: Cascade, upload: UploadedFile) -> CascadeAttachment:
    """Attach a PDF or image to the message, checked by content's upload checks (type from the
    bytes, PDFs parsed and refused with active content), stored under a random name."""
    require_attacher(actor=actor, cascade=cascade)
    checked = content_files.check_upload(
        stream=upload, size=upload.size, max_bytes=settings.UPLOAD_MAX_BYTES
    )
    original_name = (upload.name or "fil").replace("\\", "/").rsplit("/", 1)[-1][:255] or "fil"
    attachment = CascadeAttachment(
        cascade=cascade,
        original_name=original_name,
        kind=checked.kind,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(f"upload{checked.suffix}", upload, save=False)
    stored_name = attachment.file.name
    try:
        attachment.save()
    except IntegrityError:
        attachment.file.storage.delete(stored_name)
        raise
    return attachment
