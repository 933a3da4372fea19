"""Onboarding figures: the API's journey progress list, overdue journeys first."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from onboarding.models import Journey, JourneyStatus, JourneyStep, StepStatus, TrackKind
from onboarding.selectors import journey_progress_list
from onboarding.serializers import serializer_context
from org.models import OrgUnit, Role, User
from org.selectors import units_in_scope


def unit_for_onboarding(*, viewer: User, unit_id: int) -> OrgUnit | None:
    """A unit the viewer may narrow the list to: any for HR and admins, else its scope."""
    if viewer.has_role(Role.HR, Role.ADMIN):
        return OrgUnit.objects.filter(pk=unit_id).first()
    if viewer.has_role(Role.LEADER):
        return units_in_scope(leader=viewer).filter(pk=unit_id).first()
    return None


def new_hires(*, viewer: User, now: datetime, unit_id: int | None = None) -> QuerySet[Journey]:
    """Running onboarding journeys the viewer may see, most overdue steps first.

    Progress and the overdue count come from onboarding's own selector; each journey carries
    its overdue steps (`overdue`) by the same rule the API's step `overdue` flag uses.
    """
    overdue_before = serializer_context(now=now)["overdue_before"]
    overdue_steps = JourneyStep.objects.filter(
        status=StepStatus.OPEN, due_at__lt=overdue_before
    ).order_by("due_at", "position", "id")
    return (
        journey_progress_list(viewer=viewer, unit_id=unit_id, status=JourneyStatus.ACTIVE, now=now)
        .filter(kind=TrackKind.ONBOARDING)
        .prefetch_related(Prefetch("steps", queryset=overdue_steps, to_attr="overdue"))
        .order_by("-steps_overdue", "-anchor_date", "id")
    )
