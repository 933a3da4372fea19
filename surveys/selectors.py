"""Reads for pulse surveys, already narrowed to what the caller may see."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from backend.errors import NotFoundError
from org.models import User

from .models import Invitation, Option, Participation, Question, Survey, Wave


def _questions_prefetch(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Question.objects.order_by("position").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position"))
        ),
    )


def survey_list() -> QuerySet[Survey]:
    """Every survey with its questions and options joined (communications and HR see all)."""
    return (
        Survey.objects.annotate(wave_count=Count("waves"))
        .prefetch_related(_questions_prefetch("questions"))
        .order_by("-created_at", "-id")
    )


def surveys_with_waves() -> QuerySet[Survey]:
    """Surveys that have run at least once, the one whose latest wave opened last first.

    Only ids and titles: for choosing a survey whose results to read (results readers may
    choose any survey; what they see of it is narrowed per unit by surveys.results).
    """
    latest = Wave.objects.filter(survey=OuterRef("pk")).order_by("-opens_at").values("opens_at")
    return (
        Survey.objects.annotate(latest_wave_at=Subquery(latest[:1]))
        .filter(latest_wave_at__isnull=False)
        .only("id", "title")
        .order_by("-latest_wave_at", "-id")
    )


def survey_for_results(*, survey_id: int) -> Survey | None:
    """The survey whose results are asked for, or None when there is no such survey."""
    return Survey.objects.filter(pk=survey_id).first()


def waves_of(*, survey: Survey) -> QuerySet[Wave]:
    """A survey's waves, the latest first."""
    return Wave.objects.filter(survey=survey).order_by("-number")


def open_waves_for(*, user: User, now: datetime) -> QuerySet[Wave]:
    """Open waves the person is invited to and has not answered, with their questions."""
    return (
        Wave.objects.filter(status=Wave.Status.OPEN, opens_at__lte=now, closes_at__gt=now)
        .filter(Exists(Invitation.objects.filter(wave=OuterRef("pk"), user=user)))
        .exclude(Exists(Participation.objects.filter(wave=OuterRef("pk"), user=user)))
        .select_related("survey")
        .prefetch_related(_questions_prefetch("survey__questions"))
        .order_by("closes_at", "pk")
    )


def wave_for_invitee(*, user: User, wave_id: int) -> Wave:
    """A wave the person is invited to; any other answers 404."""
    wave = (
        Wave.objects.filter(pk=wave_id)
        .filter(Exists(Invitation.objects.filter(wave=OuterRef("pk"), user=user)))
        .first()
    )
    if wave is None:
        raise NotFoundError(_("Findes ikke."))
    return wave


def wave_for_link(*, user: User, wave_id: int) -> Wave | None:
    """A wave the person is invited to, with its questions and whether they have answered."""
    return (
        Wave.objects.filter(pk=wave_id)
        .filter(Exists(Invitation.objects.filter(wave=OuterRef("pk"), user=user)))
        .annotate(answered=Exists(Participation.objects.filter(wave=OuterRef("pk"), user=user)))
        .select_related("survey")
        .prefetch_related(_questions_prefetch("survey__questions"))
        .first()
    )
