"""Reads of onboarding, narrowed to what the caller may see, joins done."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, NotFoundError
from org.models import LeaderScope, OrgUnit, Role, User
from org.selectors import users_in_scope

from . import schedule
from .models import (
    Journey,
    JourneyStatus,
    JourneyStep,
    QuizOption,
    QuizQuestion,
    Step,
    StepKind,
    StepStatus,
    Track,
)

# The checkpoints of the per-track summary: how far new hires typically are at these days.
SUMMARY_DAYS = (7, 30, 90)


def leader_of(*, user: User) -> User | None:
    """The nearest active leader whose scope covers the person's unit (not the person itself)."""
    if user.unit_id is None:
        return None
    scope = (
        LeaderScope.objects.filter(unit_id__in=user.unit.ancestor_ids, leader__is_active=True)
        .exclude(leader_id=user.pk)
        .select_related("leader")
        .order_by("-unit__depth", "leader_id")
        .first()
    )
    return scope.leader if scope else None


def leaders_of(*, users: list[User]) -> dict[int, User | None]:
    """leader_of for many people in two queries: person id → their nearest active leader."""
    ancestors = {user.pk: user.unit.ancestor_ids for user in users if user.unit_id is not None}
    unit_ids = {unit_id for ids in ancestors.values() for unit_id in ids}
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for unit_id, depth, leader_id in LeaderScope.objects.filter(
        unit_id__in=unit_ids, leader__is_active=True
    ).values_list("unit_id", "unit__depth", "leader_id"):
        by_unit.setdefault(unit_id, []).append((depth, leader_id))
    nearest: dict[int, int | None] = {}
    for user in users:
        candidates = [
            (-depth, leader_id)
            for unit_id in ancestors.get(user.pk, ())
            for depth, leader_id in by_unit.get(unit_id, ())
            if leader_id != user.pk
        ]
        nearest[user.pk] = min(candidates)[1] if candidates else None
    leaders = User.objects.in_bulk({pk for pk in nearest.values() if pk is not None})
    return {user_id: leaders.get(pk) for user_id, pk in nearest.items()}


# --- Tracks -------------------------------------------------------------------------------


def track_list() -> QuerySet[Track]:
    """Every track with its step and running-journey counts (HR)."""
    return (
        Track.objects.select_related("audience")
        .annotate(
            step_count=Count("steps", distinct=True),
            active_journey_count=Count(
                "journeys", filter=Q(journeys__status=JourneyStatus.ACTIVE), distinct=True
            ),
        )
        .order_by("name", "id")
    )


def track_steps_prefetch() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=Step.objects.select_related("requires", "meet_person", "post")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=QuizQuestion.objects.prefetch_related(
                    Prefetch("options", queryset=QuizOption.objects.order_by("position", "id"))
                ).order_by("position", "id"),
            )
        )
        .order_by("position", "id"),
    )


def track_detail(*, track_id: int) -> Track | None:
    return track_list().prefetch_related(track_steps_prefetch()).filter(pk=track_id).first()


def track_summary(*, track: Track, now: datetime | None = None) -> dict:
    """How far new hires on a track typically are at day 7/30/90, and its most overdue steps.

    "How far" is the average share of a journey's steps (skipped ones left out) done by that
    day, over the journeys that have reached it.
    """
    now = now or timezone.now()
    today = schedule.local_today(now)
    journeys = Journey.objects.filter(track=track).exclude(status=JourneyStatus.CANCELLED)
    checkpoints = []
    for day in SUMMARY_DAYS:
        reached = journeys.filter(anchor_date__lte=today - timedelta(days=day)).annotate(
            counted=Count("steps", filter=~Q(steps__status=StepStatus.SKIPPED)),
            done_by_day=Count(
                "steps",
                filter=Q(steps__status=StepStatus.DONE, steps__completed_day__lte=day),
            ),
        )
        row = reached.filter(counted__gt=0).aggregate(
            journeys=Count("id"),
            percent=Avg(F("done_by_day") * 100.0 / F("counted")),
        )
        checkpoints.append(
            {
                "day": day,
                "journeys": row["journeys"],
                "percent_done": round(row["percent"]) if row["percent"] is not None else None,
            }
        )
    late = _overdue_step_condition(now=now) | Q(
        status=StepStatus.DONE, completed_at__gt=F("due_at") + _grace()
    )
    most_overdue = list(
        JourneyStep.objects.filter(journey__in=journeys, source_step__isnull=False)
        .filter(late)
        .values("source_step_id", "source_step__title")
        .annotate(overdue_count=Count("id"))
        .order_by("-overdue_count", "source_step_id")[:5]
    )
    return {
        "track": track.pk,
        "journeys": journeys.count(),
        "checkpoints": checkpoints,
        "most_overdue_steps": [
            {
                "step": row["source_step_id"],
                "title": row["source_step__title"],
                "overdue_count": row["overdue_count"],
            }
            for row in most_overdue
        ],
    }


# --- Journeys -----------------------------------------------------------------------------


def _grace() -> timedelta:
    return timedelta(days=settings.ONBOARDING_OVERDUE_DAYS)


def _overdue_step_condition(*, now: datetime, prefix: str = "") -> Q:
    """Open and past its due time by more than ONBOARDING_OVERDUE_DAYS."""
    return Q(**{f"{prefix}status": StepStatus.OPEN, f"{prefix}due_at__lt": now - _grace()})


def overdue_steps(*, now: datetime) -> QuerySet[JourneyStep]:
    """Open steps past their due time by more than ONBOARDING_OVERDUE_DAYS, the oldest first.

    The same rule as a journey's `steps_overdue` count and a step's `overdue` flag in the API;
    not narrowed to a viewer: use it under journeys the viewer may see (e.g. as a Prefetch).
    """
    return JourneyStep.objects.filter(_overdue_step_condition(now=now)).order_by(
        "due_at", "position", "id"
    )


def journeys_visible_to(*, viewer: User) -> QuerySet[Journey]:
    """HR sees every journey; a leader those of the people it leads, and those it is leader of."""
    if viewer.has_role(Role.HR, Role.ADMIN):
        return Journey.objects.all()
    if viewer.has_role(Role.LEADER):
        return Journey.objects.filter(Q(user__in=users_in_scope(leader=viewer)) | Q(leader=viewer))
    return Journey.objects.none()


def journey_progress_list(
    *,
    viewer: User,
    unit_id: int | None = None,
    track_id: int | None = None,
    status: str | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Journey]:
    """Journeys with their progress counted in SQL: one query for a page, whatever its size."""
    now = now or timezone.now()
    journeys = journeys_visible_to(viewer=viewer).select_related(
        "user__unit", "track", "leader", "buddy"
    )
    if unit_id is not None:
        # The unit and everything under it; scope was already applied above.
        journeys = journeys.filter(
            Exists(
                OrgUnit.objects.filter(pk=unit_id).filter(
                    StartsWith(OuterRef("user__unit__path"), F("path"))
                )
            )
        )
    if track_id is not None:
        journeys = journeys.filter(track_id=track_id)
    if status:
        journeys = journeys.filter(status=status)
    if started_from:
        journeys = journeys.filter(anchor_date__gte=started_from)
    if started_to:
        journeys = journeys.filter(anchor_date__lte=started_to)
    journeys = journeys.annotate(
        steps_counted=Count("steps", filter=~Q(steps__status=StepStatus.SKIPPED)),
        steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE)),
        steps_overdue=Count("steps", filter=_overdue_step_condition(now=now, prefix="steps__")),
        quiz_score_avg=Avg(
            "steps__best_score",
            filter=Q(steps__kind=StepKind.QUIZ, steps__best_score__isnull=False),
        ),
        percent_done=Case(
            When(steps_counted=0, then=Value(100)),
            default=F("steps_done") * 100 / F("steps_counted"),
            output_field=IntegerField(),
        ),
    )
    if overdue is True:
        journeys = journeys.filter(steps_overdue__gt=0)
    elif overdue is False:
        journeys = journeys.filter(steps_overdue=0)
    return journeys.order_by("-anchor_date", "id")


def journey_steps_prefetch() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=JourneyStep.objects.select_related(
            "doer_user", "meet_person", "requires", "post"
        ).order_by("due_at", "position", "id"),
    )


def journey_detail(*, viewer: User, journey_id: int) -> Journey | None:
    return (
        journey_progress_list(viewer=viewer)
        .prefetch_related(journey_steps_prefetch())
        .filter(pk=journey_id)
        .first()
    )


def my_journeys(*, user: User) -> QuerySet[Journey]:
    """The person's own running (and finished) journeys, with their steps."""
    return (
        Journey.objects.filter(user=user)
        .exclude(status=JourneyStatus.CANCELLED)
        .select_related("track", "leader", "buddy", "user")
        .prefetch_related(journey_steps_prefetch())
        .order_by("anchor_date", "id")
    )


def steps_owed(*, user: User) -> QuerySet[JourneyStep]:
    """Open steps of other people's running journeys that this person must do."""
    return (
        JourneyStep.objects.filter(
            doer_user=user, status=StepStatus.OPEN, journey__status=JourneyStatus.ACTIVE
        )
        .exclude(journey__user=user)
        .select_related(
            "journey__user", "journey__track", "doer_user", "meet_person", "requires", "post"
        )
        .order_by("due_at", "id")
    )


def steps_visible_to(*, viewer: User) -> QuerySet[JourneyStep]:
    """Steps the viewer may open: its own journey's, those it must do, and its scope's."""
    visible = Q(journey__user=viewer) | Q(doer_user=viewer)
    if viewer.has_role(Role.HR, Role.ADMIN):
        steps = JourneyStep.objects.all()
    else:
        if viewer.has_role(Role.LEADER):
            visible |= Q(journey__in=journeys_visible_to(viewer=viewer))
        steps = JourneyStep.objects.filter(visible)
    return steps.select_related(
        "journey__user", "journey__track", "doer_user", "meet_person", "requires", "post"
    )


# --- Pre-boarding -------------------------------------------------------------------------


def user_is_preboarding(*, user: User, today: date | None = None) -> bool:
    """True for an invited person before their start date: they see only their journey.

    Read off the user row (no query), so other apps can check it on every request.
    """
    if not user.is_authenticated or user.start_date is None:
        return False
    if user.start_date <= (today or schedule.local_today()):
        return False  # decided without a query for everyone who has started
    return not user.has_role(Role.HR, Role.ADMIN, Role.COMMUNICATIONS, Role.LEADER)


def preboarding_post_ids(*, user: User) -> QuerySet:
    """Ids of the posts the person's journeys link to: all a pre-boarder may open in content."""
    return (
        JourneyStep.objects.filter(journey__user=user, kind=StepKind.READ, post__isnull=False)
        .exclude(journey__status=JourneyStatus.CANCELLED)
        .exclude(status=StepStatus.SKIPPED)
        .values("post_id")
    )


def preboarding_reader_post_ids(*, user: User) -> QuerySet | None:
    """content.hooks reader restriction: a pre-boarder's linked posts, None for everyone else."""
    return preboarding_post_ids(user=user) if user_is_preboarding(user=user) else None


def track_get(*, track_id: int, field: str | None = "track") -> Track:
    """The track with this id, or the house error (see org.selectors on ids into objects)."""
    track = Track.objects.filter(pk=track_id).first()
    if track is None:
        message = _("Forløbet findes ikke.")
        if field is None:
            raise NotFoundError(message)
        raise ApplicationError(message, fields={field: [message]})
    return track


def next_step(*, user: User, journeys: list[Journey]) -> JourneyStep | None:
    """The person's own open step that is due first and waits for no other open step.

    Reads the journeys' prefetched steps (`my_journeys`): no query of its own.
    """
    own_open = [
        step
        for journey in journeys
        if journey.status == JourneyStatus.ACTIVE
        for step in journey.steps.all()
        if step.status == StepStatus.OPEN
        and step.doer_user_id == user.pk
        and not (step.requires_id and step.requires.status == StepStatus.OPEN)
    ]
    return min(own_open, key=lambda s: (s.due_at, s.pk)) if own_open else None
