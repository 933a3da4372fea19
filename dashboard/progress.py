"""Onboarding figures: the API's journey progress list, overdue journeys first."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from onboarding.models import Journey, JourneyStatus, TrackKind
from onboarding.selectors import journey_progress_list, overdue_steps
from org.models import OrgUnit, Role, User
from org.selectors import unit_list, units_in_scope


def unit_for_onboarding(*, viewer: User, unit_id: int) -> OrgUnit | None:
    """A unit the viewer may narrow the list to: any for HR and admins, else its scope."""
    if viewer.has_role(Role.HR, Role.ADMIN):
        return unit_list().filter(pk=unit_id).first()
    if viewer.has_role(Role.LEADER):
        return units_in_scope(leader=viewer).filter(pk=unit_id).first()
    return None


def new_hires(*, viewer: User, now: datetime, unit_id: int | None = None) -> QuerySet[Journey]:
    """Running onboarding journeys the viewer may see, most overdue steps first.

    Progress, the overdue count and each journey's overdue steps (`overdue`) come from
    onboarding's own selectors: the same rule as the API's `overdue_steps` and step `overdue`.
    """
    return (
        journey_progress_list(viewer=viewer, unit_id=unit_id, status=JourneyStatus.ACTIVE, now=now)
        .filter(kind=TrackKind.ONBOARDING)
        .prefetch_related(Prefetch("steps", queryset=overdue_steps(now=now), to_attr="overdue"))
        .order_by("-steps_overdue", "-anchor_date", "id")
    )
