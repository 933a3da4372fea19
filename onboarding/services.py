"""Writes to onboarding: tracks and their steps, journeys, completing and skipping steps."""

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    validate_model,
)
from content import services as content_services
from content.models import Post, PostStatus
from content.rendering import render_markdown
from org.models import Audience, Role, User
from org.selectors import audience_member_condition, audiences_including, user_is_in_scope

from . import announce, schedule
from .models import (
    DEFAULT_PASS_MARK,
    DEFAULT_TIME_OF_DAY,
    URL_KINDS,
    Doer,
    Journey,
    JourneyStatus,
    JourneyStep,
    MeetWith,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    Step,
    StepKind,
    StepStatus,
    Track,
    TrackKind,
)
from .selectors import leader_of, leaders_of

logger = logging.getLogger("bro.onboarding")

_UNSET: Any = object()

# The fields a step is described by, in the API, the admin and the demo data.
STEP_FIELDS = (
    "title",
    "body",
    "kind",
    "doer",
    "offset_days",
    "time_of_day",
    "url",
    "meet_with",
    "meet_person",
    "post_id",
    "pass_mark",
)

# How long after the start (or end) date an invitation still gets an automatic journey.
AUTO_ASSIGN_LATE_DAYS = 30

# Reminders are claimed and sent in batches, each in its own short transaction.
REMINDER_BATCH = 500


def _require_hr(actor: User | None) -> None:
    if actor is not None and not actor.has_role(Role.HR, Role.ADMIN):
        raise PermissionDeniedError(_("Kun HR kan gøre dette."))


# --- Tracks -------------------------------------------------------------------------------


def _step_shape_errors(*, index: int, data: dict) -> dict[str, list[str]]:
    """What is wrong with one step description, per field (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind == StepKind.READ and not data.get("post_id"):
        errors["post_id"] = [_("Et læse-trin skal pege på et opslag.")]
    if kind in URL_KINDS and not data.get("url"):
        errors["url"] = [_("Angiv et link.")]
    if kind == StepKind.MEETING and not data.get("meet_with"):
        errors["meet_with"] = [_("Angiv hvem der skal mødes.")]
    if data.get("meet_with") == MeetWith.PERSON and not data.get("meet_person"):
        errors["meet_person"] = [_("Vælg personen.")]
    if kind == StepKind.QUIZ:
        questions = data.get("questions") or []
        if not questions:
            errors["questions"] = [_("En quiz skal have mindst ét spørgsmål.")]
        for question in questions:
            options = question.get("options") or []
            if len(options) < 2 or not any(o.get("correct") for o in options):
                errors["questions"] = [
                    _(
                        "Hvert spørgsmål skal have mindst to svarmuligheder "
                        "og mindst ét rigtigt svar."
                    )
                ]
                break
    elif data.get("questions"):
        errors["questions"] = [_("Kun en quiz har spørgsmål.")]
    requires = data.get("requires")
    if requires is not None and not (0 <= requires < index):
        errors["requires"] = [_("Et trin kan kun afhænge af et tidligere trin i listen.")]
    return errors


def _check_post_exists(post_id: int | None) -> None:
    """A `read` step must link to a post or page that exists and is not archived."""
    if post_id is None:
        return
    if not Post.objects.filter(pk=post_id).exclude(status=PostStatus.ARCHIVED).exists():
        raise ApplicationError(
            _("Opslaget findes ikke."), fields={"post_id": [_("Opslaget findes ikke.")]}
        )


def _write_questions(*, step: Step, questions: list[dict]) -> None:
    QuizQuestion.objects.filter(step=step).delete()
    for q_index, question in enumerate(questions):
        row = QuizQuestion.objects.create(step=step, position=q_index, text=question["text"])
        QuizOption.objects.bulk_create(
            QuizOption(
                question=row, position=o_index, text=option["text"], is_correct=option["correct"]
            )
            for o_index, option in enumerate(question["options"])
        )


@transaction.atomic
def track_steps_set(*, actor: User | None, track: Track, steps: list[dict]) -> Track:
    """Make the track's steps exactly `steps`, in this order; running journeys are untouched.

    Each step is a dict of STEP_FIELDS plus optional `id` (an existing step of this track,
    kept and changed), `questions` (for a quiz: [{"text", "options": [{"text", "correct"}]}])
    and `requires` (the 0-based index of an earlier step in this list).
    """
    _require_hr(actor)
    track = Track.objects.select_for_update().get(pk=track.pk)
    existing = {s.pk: s for s in Step.objects.filter(track=track)}
    errors: dict[str, Any] = {}
    for index, data in enumerate(steps):
        step_errors = _step_shape_errors(index=index, data=data)
        if data.get("id") is not None and data["id"] not in existing:
            step_errors["id"] = [_("Trinnet hører ikke til dette forløb.")]
        if step_errors:
            errors[str(index)] = step_errors
    if errors:
        raise ApplicationError(_("Nogle trin er ikke udfyldt korrekt."), fields={"steps": errors})
    for data in steps:
        _check_post_exists(data.get("post_id"))

    kept_ids = {data["id"] for data in steps if data.get("id") is not None}
    Step.objects.filter(track=track).exclude(pk__in=kept_ids).delete()
    # Positions are unique per track: move the kept ones out of the way before renumbering.
    Step.objects.filter(track=track).update(position=F("position") + 10000, requires=None)
    saved: list[Step] = []
    for index, data in enumerate(steps):
        step = existing.get(data.get("id")) or Step(track=track)
        for field in STEP_FIELDS:
            default = {
                "body": "",
                "doer": Doer.NEW_HIRE,
                "time_of_day": DEFAULT_TIME_OF_DAY,
                "url": "",
                "meet_with": "",
                "meet_person": None,
                "post_id": None,
                "pass_mark": DEFAULT_PASS_MARK,
            }.get(field)
            setattr(step, field, data.get(field, default))
        step.position = index
        step.requires = saved[data["requires"]] if data.get("requires") is not None else None
        step.body_html = render_markdown(step.body)
        validate_model(step, exclude=["track", "requires"], validate_constraints=False)
        step.save()
        if step.kind == StepKind.QUIZ:
            _write_questions(step=step, questions=data.get("questions") or [])
        else:
            QuizQuestion.objects.filter(step=step).delete()
        saved.append(step)
    Track.objects.filter(pk=track.pk).update(version=F("version") + 1, updated_at=timezone.now())
    track.refresh_from_db()
    return track


@transaction.atomic
def track_create(
    *,
    actor: User | None,
    name: str,
    description: str = "",
    kind: str = TrackKind.ONBOARDING,
    audience: Audience | None = None,
    auto_assign: bool = False,
    is_active: bool = True,
    steps: Iterable[dict] = (),
) -> Track:
    """Create a track and its ordered steps."""
    _require_hr(actor)
    if Track.objects.filter(name=name.strip()).exists():
        raise ConflictError(
            _("Der findes allerede et forløb med det navn."),
            fields={"name": [_("Navnet er i brug.")]},
        )
    track = Track(
        name=name.strip(),
        description=description,
        kind=kind,
        audience=audience,
        auto_assign=auto_assign,
        is_active=is_active,
        created_by=actor,
        version=0,
    )
    validate_model(track)
    track.save()
    return track_steps_set(actor=actor, track=track, steps=list(steps))


@transaction.atomic
def track_update(
    *,
    actor: User | None,
    track: Track,
    name: str | None = None,
    description: str | None = None,
    kind: str | None = None,
    audience: Audience | None = _UNSET,
    auto_assign: bool | None = None,
    is_active: bool | None = None,
) -> Track:
    """Change a track's own fields; a new version, running journeys keep theirs."""
    _require_hr(actor)
    track = Track.objects.select_for_update().get(pk=track.pk)
    if name is not None:
        track.name = name.strip()
    for field, value in (
        ("description", description),
        ("kind", kind),
        ("auto_assign", auto_assign),
        ("is_active", is_active),
    ):
        if value is not None:
            setattr(track, field, value)
    if audience is not _UNSET:
        track.audience = audience
    validate_model(track)
    track.version = F("version") + 1
    try:
        with transaction.atomic():
            track.save()
    except IntegrityError as exc:
        raise ConflictError(_("Der findes allerede et forløb med det navn.")) from exc
    track.refresh_from_db()
    return track


# --- Journeys -----------------------------------------------------------------------------


def _quiz_snapshot(step: Step) -> list[dict]:
    return [
        {
            "id": question.pk,
            "text": question.text,
            "options": [
                {"id": option.pk, "text": option.text, "correct": option.is_correct}
                for option in question.options.all()
            ],
        }
        for question in step.questions.all()
    ]


def _doer_user(*, doer: str, journey: Journey) -> User | None:
    return {
        Doer.NEW_HIRE: journey.user,
        Doer.LEADER: journey.leader,
        Doer.BUDDY: journey.buddy,
        Doer.HR: journey.hr_contact,
    }[doer]


def _anchor_for(*, track: Track, user: User, start_date: date | None) -> date:
    own_date = user.end_date if track.kind == TrackKind.OFFBOARDING else user.start_date
    anchor = start_date or own_date
    if anchor is None:
        field = "end_date" if track.kind == TrackKind.OFFBOARDING else "start_date"
        raise ApplicationError(
            _("Personen har ingen slutdato.")
            if track.kind == TrackKind.OFFBOARDING
            else _("Personen har ingen startdato."),
            code="date_required",
            fields={field: [_("Angiv en dato.")]},
        )
    return anchor


def _check_may_assign(*, actor: User | None, user: User) -> None:
    """HR assigns to anyone; a leader only to people it leads (others answer 404)."""
    if actor is None or actor.has_role(Role.HR, Role.ADMIN):
        return
    if actor.has_role(Role.LEADER) and user_is_in_scope(leader=actor, user=user):
        return
    raise NotFoundError(_("Personen findes ikke."))


def _check_buddy(*, buddy: User | None, user: User) -> None:
    if buddy is None:
        return
    if buddy.pk == user.pk or not buddy.is_active:
        raise ApplicationError(
            _("Makkeren skal være en aktiv kollega."),
            fields={"buddy": [_("Vælg en aktiv kollega, ikke personen selv.")]},
        )


def _reminders_already_past(*, due: datetime, now: datetime) -> dict:
    """Reminder markers for a step made now: one already due or overdue is not announced."""
    return {
        "due_notified_at": now if due <= now else None,
        "overdue_notified_at": now if due <= now - timedelta(days=_overdue_days()) else None,
    }


@transaction.atomic
def journey_assign(
    *,
    actor: User | None,
    user: User,
    track: Track,
    start_date: date | None = None,
    buddy: User | None = None,
    leader: User | None = _UNSET,
    hr_contact: User | None = _UNSET,
    now: datetime | None = None,
) -> Journey:
    """Give `user` a journey on `track`: its steps copied and dated from the start date.

    `actor` None is the system (automatic assignment on invite). The leader defaults to the
    nearest leader of the person's unit, the HR contact to the assigning HR person. Steps that
    are already due (or overdue) when the journey is made are not reminded: the assignment is
    the news, and the progress list shows them.
    """
    _check_may_assign(actor=actor, user=user)
    if not track.is_active:
        raise ApplicationError(
            _("Forløbet er ikke aktivt."), fields={"track": [_("Vælg et aktivt forløb.")]}
        )
    _check_buddy(buddy=buddy, user=user)
    anchor = _anchor_for(track=track, user=user, start_date=start_date)
    if leader is _UNSET:
        leader = leader_of(user=user)
    if hr_contact is _UNSET:
        hr_contact = actor if actor is not None and actor.has_role(Role.HR) else None
    if Journey.objects.filter(user=user, track=track, status=JourneyStatus.ACTIVE).exists():
        raise ConflictError(_("Personen har allerede dette forløb."), code="already_assigned")
    journey = Journey(
        user=user,
        track=track,
        track_version=track.version,
        kind=track.kind,
        anchor_date=anchor,
        leader=leader,
        buddy=buddy,
        hr_contact=hr_contact,
        assigned_by=actor,
    )
    validate_model(journey, validate_constraints=False)
    try:
        with transaction.atomic():
            journey.save()
    except IntegrityError as exc:
        raise ConflictError(
            _("Personen har allerede dette forløb."), code="already_assigned"
        ) from exc

    now = now or timezone.now()
    template = list(
        Step.objects.filter(track=track)
        .prefetch_related("questions__options")
        .order_by("position", "id")
    )
    copies = []
    for step in template:
        due = schedule.due_at(
            anchor=anchor, offset_days=step.offset_days, time_of_day=step.time_of_day
        )
        copy = JourneyStep(
            journey=journey,
            source_step=step,
            position=step.position,
            due_at=due,
            doer_user=_doer_user(doer=step.doer, journey=journey),
            quiz=_quiz_snapshot(step) if step.kind == StepKind.QUIZ else [],
            **_reminders_already_past(due=due, now=now),
            **{f: getattr(step, f) for f in STEP_FIELDS if f != "meet_person"},
            meet_person_id=step.meet_person_id,
            body_html=step.body_html,
        )
        copies.append(copy)
    JourneyStep.objects.bulk_create(copies)
    by_source = {copy.source_step_id: copy for copy in copies}
    linked = []
    for step in template:
        if step.requires_id and step.requires_id in by_source:
            copy = by_source[step.pk]
            copy.requires = by_source[step.requires_id]
            linked.append(copy)
    JourneyStep.objects.bulk_update(linked, ["requires"])
    return journey


def journey_assign_matching(*, user: User) -> list[Journey]:
    """Assign every active auto-assigned track whose audience includes `user` (on invite).

    Registered as org's on-invite hook (onboarding.apps), and safe to call again when a start
    or end date is set later: it assigns only what is missing. Onboarding tracks need a start
    date, offboarding tracks an end date, at most AUTO_ASSIGN_LATE_DAYS in the past.
    """
    user = User.objects.select_related("unit").get(pk=user.pk)
    tracks = Track.objects.filter(
        is_active=True,
        auto_assign=True,
        audience__in=audiences_including(user=user),
    ).exclude(journeys__user=user, journeys__status=JourneyStatus.ACTIVE)
    # A person imported long after starting (or after leaving) gets no journey of steps that
    # are all in the past; one who started within AUTO_ASSIGN_LATE_DAYS still does.
    earliest = schedule.local_today() - timedelta(days=AUTO_ASSIGN_LATE_DAYS)
    wanted = {TrackKind.ONBOARDING: user.start_date, TrackKind.OFFBOARDING: user.end_date}
    journeys = []
    for track in tracks.order_by("kind", "name", "id"):
        if wanted[track.kind] is None or wanted[track.kind] < earliest:
            continue
        try:
            journeys.append(journey_assign(actor=None, user=user, track=track))
        except ConflictError:
            continue  # assigned by someone else meanwhile: nothing left to do for this track
    return journeys


def journeys_assign_matching_many(*, users: list[User]) -> list[Journey]:
    """journey_assign_matching for many people at once (org's bulk on-invite hook).

    The same journeys, steps and links as calling it for each person in turn, in a number of
    queries that does not grow with the people: one membership query per auto-assigned track,
    the nearest leaders in two, then bulk inserts. Should someone assign a track meanwhile
    (the unique constraint says so), it falls back to the one-by-one hook, which skips it.
    """
    users = list(users)
    tracks = list(
        Track.objects.filter(is_active=True, auto_assign=True, audience__isnull=False).order_by(
            "kind", "name", "id"
        )
    )
    if not users or not tracks:
        return []
    ids = [user.pk for user in users]
    members = {
        track.pk: set(
            User.objects.filter(pk__in=ids)
            .filter(audience_member_condition(audience_ref=track.audience_id))
            .order_by()
            .values_list("pk", flat=True)
        )
        for track in tracks
    }
    assigned = set(
        Journey.objects.filter(user_id__in=ids, status=JourneyStatus.ACTIVE).values_list(
            "user_id", "track_id"
        )
    )
    earliest = schedule.local_today() - timedelta(days=AUTO_ASSIGN_LATE_DAYS)
    wanted: list[tuple[User, Track]] = []
    for user in users:
        anchors = {TrackKind.ONBOARDING: user.start_date, TrackKind.OFFBOARDING: user.end_date}
        for track in tracks:
            anchor = anchors[track.kind]
            if user.pk not in members[track.pk] or (user.pk, track.pk) in assigned:
                continue
            if anchor is None or anchor < earliest:
                continue
            wanted.append((user, track))
    if not wanted:
        return []
    leaders = leaders_of(users=list({user.pk: user for user, _track in wanted}.values()))
    journeys = []
    for user, track in wanted:
        journey = Journey(
            user=user,
            track=track,
            track_version=track.version,
            kind=track.kind,
            anchor_date=_anchor_for(track=track, user=user, start_date=None),
            leader=leaders.get(user.pk),
            buddy=None,
            hr_contact=None,
            assigned_by=None,
        )
        # The person, track and leader were just read: no query per journey to prove them.
        validate_model(
            journey,
            exclude=["user", "track", "leader", "buddy", "hr_contact", "assigned_by"],
            validate_constraints=False,
        )
        journeys.append(journey)
    try:
        with transaction.atomic():
            Journey.objects.bulk_create(journeys)
            _journey_steps_copy(journeys=journeys, tracks=tracks)
    except IntegrityError:
        return [j for user in users for j in journey_assign_matching(user=user)]
    return journeys


def _journey_steps_copy(*, journeys: list[Journey], tracks: list[Track]) -> None:
    """journey_assign's copy of the track's steps, for many new journeys in bulk."""
    now = timezone.now()
    templates = {
        track.pk: list(
            Step.objects.filter(track=track)
            .prefetch_related("questions__options")
            .order_by("position", "id")
        )
        for track in tracks
        if any(journey.track_id == track.pk for journey in journeys)
    }
    quizzes = {
        step.pk: _quiz_snapshot(step)
        for steps in templates.values()
        for step in steps
        if step.kind == StepKind.QUIZ
    }
    copies, requires = [], []  # requires: (copy, the copy it needs), linked once both exist
    for journey in journeys:
        by_source = {}
        for step in templates[journey.track_id]:
            due = schedule.due_at(
                anchor=journey.anchor_date,
                offset_days=step.offset_days,
                time_of_day=step.time_of_day,
            )
            copy = JourneyStep(
                journey=journey,
                source_step=step,
                position=step.position,
                due_at=due,
                doer_user=_doer_user(doer=step.doer, journey=journey),
                quiz=quizzes.get(step.pk, []),
                **_reminders_already_past(due=due, now=now),
                **{f: getattr(step, f) for f in STEP_FIELDS if f != "meet_person"},
                meet_person_id=step.meet_person_id,
                body_html=step.body_html,
            )
            copies.append(copy)
            by_source[step.pk] = copy
        for step in templates[journey.track_id]:
            if step.requires_id and step.requires_id in by_source:
                requires.append((by_source[step.pk], by_source[step.requires_id]))
    JourneyStep.objects.bulk_create(copies, batch_size=500)
    for copy, needed in requires:
        copy.requires = needed
    JourneyStep.objects.bulk_update([c for c, _n in requires], ["requires"], batch_size=500)


def _redate_open_steps(*, journey: Journey, now: datetime) -> None:
    steps = list(JourneyStep.objects.filter(journey=journey, status=StepStatus.OPEN))
    for step in steps:
        step.due_at = schedule.due_at(
            anchor=journey.anchor_date, offset_days=step.offset_days, time_of_day=step.time_of_day
        )
        # A step moved into the future will be due (and maybe overdue) again: remind again.
        if step.due_at > now:
            step.due_notified_at = None
            step.overdue_notified_at = None
    JourneyStep.objects.bulk_update(steps, ["due_at", "due_notified_at", "overdue_notified_at"])


@transaction.atomic
def journey_update(
    *,
    actor: User | None,
    journey: Journey,
    start_date: date | None = None,
    buddy: User | None = _UNSET,
    leader: User | None = _UNSET,
    hr_contact: User | None = _UNSET,
    now: datetime | None = None,
) -> Journey:
    """Move the start date (re-dating open steps only) or change buddy, leader or HR contact."""
    journey = (
        Journey.objects.select_for_update(of=("self",)).select_related("user").get(pk=journey.pk)
    )
    _check_may_assign(actor=actor, user=journey.user)
    if journey.status != JourneyStatus.ACTIVE:
        raise ConflictError(_("Forløbet er afsluttet."), code="journey_closed")
    now = now or timezone.now()
    changed_people = set()
    if buddy is not _UNSET:
        _check_buddy(buddy=buddy, user=journey.user)
        journey.buddy = buddy
        changed_people.add(Doer.BUDDY)
    if leader is not _UNSET:
        journey.leader = leader
        changed_people.add(Doer.LEADER)
    if hr_contact is not _UNSET:
        journey.hr_contact = hr_contact
        changed_people.add(Doer.HR)
    moved = start_date is not None and start_date != journey.anchor_date
    if moved:
        journey.anchor_date = start_date
    validate_model(journey, validate_constraints=False)
    journey.save()
    for doer in changed_people:
        JourneyStep.objects.filter(journey=journey, status=StepStatus.OPEN, doer=doer).update(
            doer_user=_doer_user(doer=doer, journey=journey)
        )
    if moved:
        _redate_open_steps(journey=journey, now=now)
    return journey


@transaction.atomic
def journeys_redate_for_user(*, user: User, now: datetime | None = None) -> int:
    """After a person's start or end date changed: move their running journeys with it."""
    count = 0
    for journey in Journey.objects.select_for_update().filter(
        user=user, status=JourneyStatus.ACTIVE
    ):
        anchor = user.end_date if journey.kind == TrackKind.OFFBOARDING else user.start_date
        if anchor is not None and anchor != journey.anchor_date:
            journey_update(actor=None, journey=journey, start_date=anchor, now=now)
            count += 1
    return count


@transaction.atomic
def journey_cancel(*, actor: User | None, journey: Journey) -> Journey:
    """Stop a journey (wrong track, the person did not start): no more reminders."""
    journey = (
        Journey.objects.select_for_update(of=("self",)).select_related("user").get(pk=journey.pk)
    )
    _check_may_assign(actor=actor, user=journey.user)
    if journey.status != JourneyStatus.ACTIVE:
        raise ConflictError(_("Forløbet er afsluttet."), code="journey_closed")
    journey.status = JourneyStatus.CANCELLED
    journey.save(update_fields=["status", "updated_at"])
    return journey


def _complete_journey_if_finished(*, journey: Journey, now: datetime) -> None:
    if not JourneyStep.objects.filter(journey=journey, status=StepStatus.OPEN).exists():
        Journey.objects.filter(pk=journey.pk, status=JourneyStatus.ACTIVE).update(
            status=JourneyStatus.COMPLETED, completed_at=now, updated_at=now
        )


def _quiz_from_input(questions: list[dict]) -> list[dict]:
    """A quiz snapshot for a step written for one person: ids numbered within the step."""
    numbers = iter(range(1, 10_000))
    return [
        {
            "id": next(numbers),
            "text": question["text"],
            "options": [
                {"id": next(numbers), "text": option["text"], "correct": option["correct"]}
                for option in question["options"]
            ],
        }
        for question in questions
    ]


@transaction.atomic
def journey_step_add(
    *,
    actor: User | None,
    journey: Journey,
    title: str,
    kind: str,
    offset_days: int,
    body: str = "",
    doer: str = Doer.NEW_HIRE,
    time_of_day: time = DEFAULT_TIME_OF_DAY,
    url: str = "",
    meet_with: str = "",
    meet_person: User | None = None,
    post_id: int | None = None,
    pass_mark: int = DEFAULT_PASS_MARK,
    questions: list[dict] | None = None,
    now: datetime | None = None,
) -> JourneyStep:
    """HR adds a step to one person's journey only (the track is not changed)."""
    _require_hr(actor)
    journey = Journey.objects.select_for_update().get(pk=journey.pk)
    if journey.status == JourneyStatus.CANCELLED:
        raise ConflictError(_("Forløbet er annulleret."), code="journey_closed")
    data = {
        "title": title,
        "kind": kind,
        "url": url,
        "meet_with": meet_with,
        "meet_person": meet_person,
        "post_id": post_id,
        "questions": questions or [],
    }
    errors = _step_shape_errors(index=0, data=data)
    if errors:
        raise ApplicationError(_("Trinnet er ikke udfyldt korrekt."), fields=errors)
    _check_post_exists(post_id)
    now = now or timezone.now()
    due = schedule.due_at(
        anchor=journey.anchor_date, offset_days=offset_days, time_of_day=time_of_day
    )
    position = (
        JourneyStep.objects.filter(journey=journey)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    step = JourneyStep(
        journey=journey,
        position=0 if position is None else position + 1,
        title=title,
        body=body,
        body_html=render_markdown(body),
        kind=kind,
        doer=doer,
        offset_days=offset_days,
        time_of_day=time_of_day,
        url=url,
        meet_with=meet_with,
        meet_person=meet_person,
        post_id=post_id,
        pass_mark=pass_mark,
        due_at=due,
        quiz=_quiz_from_input(questions or []),
        added_by=actor,
        **_reminders_already_past(due=due, now=now),
    )
    step.doer_user = _doer_user(doer=doer, journey=journey)
    validate_model(step, exclude=["journey", "requires"], validate_constraints=False)
    step.save()
    if journey.status == JourneyStatus.COMPLETED:
        Journey.objects.filter(pk=journey.pk).update(
            status=JourneyStatus.ACTIVE, completed_at=None, updated_at=now
        )
    return step


@transaction.atomic
def journey_step_skip(
    *, actor: User | None, step: JourneyStep, reason: str = "", now: datetime | None = None
) -> JourneyStep:
    """HR takes a step off one person's journey (it no longer counts, nor is reminded)."""
    _require_hr(actor)
    step = (
        JourneyStep.objects.select_for_update(of=("self",))
        .select_related("journey")
        .get(pk=step.pk)
    )
    if step.status != StepStatus.OPEN:
        raise ConflictError(_("Trinnet er allerede afsluttet."), code="step_closed")
    now = now or timezone.now()
    step.status = StepStatus.SKIPPED
    step.skipped_by = actor
    step.skip_reason = reason
    step.save(update_fields=["status", "skipped_by", "skip_reason", "updated_at"])
    _complete_journey_if_finished(journey=step.journey, now=now)
    return step


# --- Doing --------------------------------------------------------------------------------


def may_complete(*, actor: User, step: JourneyStep) -> bool:
    """The step's doer completes it; any HR person may do an HR step."""
    if step.doer == Doer.HR:
        return actor.has_role(Role.HR, Role.ADMIN)
    return step.doer_user_id == actor.pk


def quiz_score(*, quiz: list[dict], answers: dict[str, list[int]]) -> int:
    """Percent of questions answered exactly right (every correct option, no wrong one)."""
    if not quiz:
        return 0
    right = 0
    for question in quiz:
        correct = {o["id"] for o in question["options"] if o["correct"]}
        if set(answers.get(str(question["id"]), [])) == correct:
            right += 1
    return round(100 * right / len(quiz))


def _check_answers(*, quiz: list[dict], answers: dict[str, list[int]] | None) -> None:
    if answers is None:
        raise ApplicationError(_("Besvar quizzen."), fields={"answers": [_("Svarene mangler.")]})
    options = {str(q["id"]): {o["id"] for o in q["options"]} for q in quiz}
    errors = {}
    for question_id in options:
        chosen = answers.get(question_id)
        if not chosen:
            errors[question_id] = [_("Vælg mindst ét svar.")]
        elif not set(chosen) <= options[question_id]:
            errors[question_id] = [_("Ukendt svarmulighed.")]
    for question_id in set(answers) - set(options):
        errors[question_id] = [_("Ukendt spørgsmål.")]
    if errors:
        raise ApplicationError(_("Svarene er ikke gyldige."), fields={"answers": errors})


def _record_read(*, step: JourneyStep, user: User, now: datetime) -> None:
    """A completed `read` step counts as reading its post."""
    if step.post_id is not None:
        content_services.post_read_record(post=step.post, user=user, at=now)


@transaction.atomic
def journey_step_complete(
    *,
    actor: User,
    step: JourneyStep,
    answers: dict[str, list[int]] | None = None,
    now: datetime | None = None,
) -> tuple[JourneyStep, QuizAttempt | None]:
    """Complete a step as its doer; a quiz is scored here and stays open when failed.

    Returns the step and, for a quiz, the attempt (score, passed).
    """
    step = (
        JourneyStep.objects.select_for_update(of=("self",))
        .select_related("journey")
        .get(pk=step.pk)
    )
    if not may_complete(actor=actor, step=step):
        raise PermissionDeniedError(_("Trinnet skal gennemføres af en anden."))
    if step.status != StepStatus.OPEN:
        raise ConflictError(_("Trinnet er allerede afsluttet."), code="step_closed")
    if step.journey.status != JourneyStatus.ACTIVE:
        raise ConflictError(_("Forløbet er afsluttet."), code="journey_closed")
    if (
        step.requires_id
        and JourneyStep.objects.filter(pk=step.requires_id, status=StepStatus.OPEN).exists()
    ):
        raise ConflictError(
            _("Trinnet åbner, når det foregående trin er gennemført."), code="step_locked"
        )
    now = now or timezone.now()
    attempt = None
    if step.kind == StepKind.QUIZ:
        if answers is not None:
            answers = {str(k): list(v) for k, v in answers.items()}
        _check_answers(quiz=step.quiz, answers=answers)
        score = quiz_score(quiz=step.quiz, answers=answers)
        attempt = QuizAttempt.objects.create(
            step=step, user=actor, answers=answers, score=score, passed=score >= step.pass_mark
        )
        JourneyStep.objects.filter(pk=step.pk).update(
            attempt_count=F("attempt_count") + 1,
            best_score=score if step.best_score is None else max(step.best_score, score),
        )
        step.refresh_from_db()
        if not attempt.passed:
            return step, attempt
    elif answers is not None:
        raise ApplicationError(
            _("Kun en quiz har svar."), fields={"answers": [_("Kun en quiz har svar.")]}
        )
    step.status = StepStatus.DONE
    step.completed_at = now
    step.completed_by = actor
    step.completed_day = schedule.day_number(anchor=step.journey.anchor_date, when=now)
    step.save(
        update_fields=["status", "completed_at", "completed_by", "completed_day", "updated_at"]
    )
    if step.kind == StepKind.READ:
        _record_read(step=step, user=actor, now=now)
    _complete_journey_if_finished(journey=step.journey, now=now)
    return step, attempt


# --- Reminders ----------------------------------------------------------------------------


def _overdue_days() -> int:
    return settings.ONBOARDING_OVERDUE_DAYS


def step_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Send each "due" and "overdue" reminder that has not gone out yet, exactly once.

    A step is claimed by setting its marker in the same UPDATE that selects it, inside the
    transaction that writes the notification, so a second run (or a parallel beat) finds
    nothing left to send.
    """
    now = now or timezone.now()
    sent = {"due": 0, "overdue": 0}
    active = Q(status=StepStatus.OPEN, journey__status=JourneyStatus.ACTIVE)
    unlocked = Q(requires__isnull=True) | ~Q(requires__status=StepStatus.OPEN)
    due = JourneyStep.objects.filter(
        active, unlocked, due_at__lte=now, due_notified_at__isnull=True
    )
    overdue_cutoff = now - timedelta(days=_overdue_days())
    overdue = JourneyStep.objects.filter(
        active, due_at__lte=overdue_cutoff, overdue_notified_at__isnull=True
    )
    sent["due"] = _claim_and_announce(due, marker="due_notified_at", now=now, send=_announce_due)
    sent["overdue"] = _claim_and_announce(
        overdue, marker="overdue_notified_at", now=now, send=_announce_overdue
    )
    return sent


def _announce_due(row: dict) -> None:
    announce.step_due(
        step_id=row["id"],
        title=row["title"],
        due_at=row["due_at"],
        user_ids=[row["doer_user_id"]] if row["doer_user_id"] else [],
    )


def _announce_overdue(row: dict) -> None:
    recipients = [row["doer_user_id"], row["journey__leader_id"]]
    announce.step_overdue(
        step_id=row["id"],
        title=row["title"],
        due_at=row["due_at"],
        hire_name=row["journey__user__name"],
        user_ids=list(dict.fromkeys(uid for uid in recipients if uid)),
    )


def _claim_and_announce(queryset, *, marker: str, now: datetime, send) -> int:
    """Claim batches of steps by setting `marker`, announcing each in the claiming transaction."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.select_for_update(skip_locked=True, of=("self",))
                .order_by("due_at", "id")
                .values_list("id", flat=True)[:REMINDER_BATCH]
            )
            if not ids:
                return total
            JourneyStep.objects.filter(pk__in=ids, **{f"{marker}__isnull": True}).update(
                **{marker: now}
            )
            rows = (
                JourneyStep.objects.filter(pk__in=ids)
                .order_by("due_at", "id")
                .values(
                    "id",
                    "title",
                    "due_at",
                    "doer_user_id",
                    "journey__leader_id",
                    "journey__user__name",
                )
            )
            for row in rows:
                send(row)
            total += len(ids)
