"""Onboarding's personal data: journeys, steps and quiz attempts; registered in org.personal_data.

Erasure cancels running journeys (no more reminders) and keeps every journey as it is: the
person row is anonymised, so the statistics (how far at day 7/30/90, quiz scores) stay true
without saying who. There is no retention class: the statistics carry no identity.
"""

from typing import Any

from django.db.models import Prefetch

from org.models import User
from org.personal_data import eraser, exporter

from . import services
from .models import Journey, JourneyStatus, JourneyStep, QuizAttempt

_STEP_FIELDS = (
    "title",
    "kind",
    "doer",
    "due_at",
    "status",
    "completed_at",
    "best_score",
    "attempt_count",
)


@exporter("onboarding")
def _export_onboarding(user: User) -> dict[str, Any]:
    journeys = (
        Journey.objects.filter(user=user)
        .select_related("track", "leader", "buddy")
        .prefetch_related(
            Prefetch("steps", queryset=JourneyStep.objects.order_by("due_at", "position", "id"))
        )
        .order_by("anchor_date", "id")
    )
    attempts = (
        QuizAttempt.objects.filter(user=user)
        .order_by("created_at", "id")
        .values("step_id", "step__title", "answers", "score", "passed", "created_at")
    )
    return {
        "journeys": [
            {
                "track": journey.track.name,
                "kind": journey.kind,
                "anchor_date": journey.anchor_date,
                "status": journey.status,
                "completed_at": journey.completed_at,
                "leader": journey.leader.name if journey.leader else None,
                "buddy": journey.buddy.name if journey.buddy else None,
                "steps": [
                    {field: getattr(step, field) for field in _STEP_FIELDS}
                    for step in journey.steps.all()
                ],
            }
            for journey in journeys
        ],
        "quiz_attempts": [
            {
                "step": row["step_id"],
                "title": row["step__title"],
                "answers": row["answers"],
                "score": row["score"],
                "passed": row["passed"],
                "at": row["created_at"],
            }
            for row in attempts
        ],
    }


@eraser
def _erase(*, user: User) -> None:
    for journey in Journey.objects.filter(user=user, status=JourneyStatus.ACTIVE):
        services.journey_cancel(actor=None, journey=journey)
