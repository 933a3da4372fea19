"""Reads for follow-ups, narrowed to the caller. What a leader may see of a wave's result is
asked of `surveys.results.survey_results` — the code that suppresses it — and nothing else."""

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from backend.errors import NotFoundError, PermissionDeniedError
from org.models import OrgUnit, User
from surveys.models import QuestionKind, Wave
from surveys.results import survey_results
from surveys.strategy import indicator_label, strategy_active
from surveys.templates import FOLLOWUP_INDICATOR

from .models import Action, FollowUp

FOLLOWUP_INDICATOR_KEY = f"custom:{FOLLOWUP_INDICATOR}"
SECONDS_PER_DAY = 86400


@dataclass
class VisibleResult:
    """A unit's shown result of one wave, as one leader sees it: what actions may refer to."""

    respondents: int
    questions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]

    @property
    def question_ids(self) -> set[int]:
        return {q["id"] for q in self.questions}

    @property
    def indicator_keys(self) -> set[str]:
        return {i["key"] for i in self.indicators}


def _shown_entry(*, leader: User, wave: Wave, unit_id: int) -> tuple[dict | None, dict]:
    try:
        data = survey_results(survey=wave.survey, viewer=leader, wave_id=wave.pk, unit_id=unit_id)
    except (NotFoundError, PermissionDeniedError):
        return None, {}  # no longer a leader of the unit, or the unit was not in the wave
    if data["results_withheld"]:
        return None, data
    entry = next((u for u in data["units"] if u["unit"]["id"] == unit_id), None)
    if entry is None or not entry["shown"]:
        return None, data
    return entry, data


def visible_result(*, leader: User, wave: Wave, unit_id: int) -> VisibleResult | None:
    """The unit's result of the wave as the leader may see it, or None when it is suppressed.

    Only questions with numbers shown for the unit count (free text is the leader's to read,
    not to quote); an indicator counts when one of those questions carries it.
    """
    entry, data = _shown_entry(leader=leader, wave=wave, unit_id=unit_id)
    if entry is None:
        return None
    refs = {q["id"]: q for q in data["questions"]}
    strategy = strategy_active()
    questions, indicators = [], {}
    for numbers in entry["questions"]:
        ref = refs[numbers["question"]]
        if ref["kind"] == QuestionKind.FREE_TEXT or not numbers.get("answers"):
            continue
        questions.append(
            {
                "id": ref["id"],
                "text": ref["text"],
                "kind": ref["kind"],
                "indicator": ref["indicator"],
                "answers": numbers["answers"],
                "mean": numbers.get("mean"),
                "favourable_share": numbers.get("favourable_share"),
                "enps": numbers.get("enps"),
                "share_correct": numbers.get("share_correct"),
            }
        )
        if ref["indicator"]:
            indicators.setdefault(
                ref["indicator"],
                {
                    "key": ref["indicator"],
                    "label": indicator_label(ref["indicator"], strategy=strategy),
                },
            )
    return VisibleResult(
        respondents=entry["respondents"], questions=questions, indicators=list(indicators.values())
    )


def followup_question_result(*, followup: FollowUp) -> dict[str, Any] | None:
    """The standard follow-up question in the survey's next wave, for the follow-up's unit, as
    its leader may see it; None when the next wave does not ask it (or has not opened)."""
    wave = followup.wave
    following = (
        Wave.objects.filter(survey_id=wave.survey_id, number__gt=wave.number)
        .select_related("survey")
        .order_by("number")
        .first()
    )
    if following is None:
        return None
    entry, data = _shown_entry(leader=followup.leader, wave=following, unit_id=followup.unit_id)
    question = next(
        (q for q in data.get("questions", []) if q["indicator"] == FOLLOWUP_INDICATOR_KEY), None
    )
    if question is None:
        return None
    result: dict[str, Any] = {
        "wave": {"id": following.pk, "number": following.number, "status": following.status},
        "question": question["id"],
        "text": question["text"],
        "withheld": bool(data.get("results_withheld")),
        "shown": False,
        "answers": None,
        "mean": None,
        "favourable_share": None,
    }
    numbers = {}
    if entry is not None:
        numbers = next((q for q in entry["questions"] if q["question"] == question["id"]), {})
    if numbers.get("answers"):
        result.update(
            shown=True,
            answers=numbers["answers"],
            mean=numbers["mean"],
            favourable_share=numbers["favourable_share"],
        )
    return result


def my_followups(*, user: User) -> QuerySet[FollowUp]:
    """The follow-ups assigned to me, newest wave first, with their action counts."""
    return (
        FollowUp.objects.filter(leader=user)
        .select_related("wave__survey", "unit")
        .annotate(
            action_count=Count("actions"),
            published_count=Count("actions", filter=Q(actions__published_at__isnull=False)),
        )
        .order_by("-closed_at", "unit__path", "pk")
    )


def followup_get(*, actor: User, followup_id: int) -> FollowUp:
    """A follow-up assigned to me, else 404."""
    followup = my_followups(user=actor).filter(pk=followup_id).first()
    if followup is None:
        raise NotFoundError(_("Opfølgningen findes ikke."))
    return followup


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related(
        "followup__unit", "followup__wave__survey", "question", "author"
    )


def actions_of(*, followup: FollowUp) -> QuerySet[Action]:
    return _actions().filter(followup=followup).order_by("due_on", "pk")


def _own_unit_ids(user: User) -> list[int]:
    """The person's unit and the units above it: the follow-ups addressed to them."""
    if user.unit_id is None:
        return []
    return [int(pk) for pk in user.unit.path.strip("/").split("/") if pk]


def actions_for_member(*, user: User) -> QuerySet[Action]:
    """The published actions of my own unit (and the units above it), newest first."""
    return (
        _actions()
        .filter(published_at__isnull=False, followup__unit_id__in=_own_unit_ids(user))
        .order_by("-published_at", "due_on", "pk")
    )


def action_for_member(*, user: User, action_id: int) -> Action:
    action = actions_for_member(user=user).filter(pk=action_id).first()
    if action is None:
        raise NotFoundError(_("Handlingen findes ikke."))
    return action


def action_for_leader(*, actor: User, action_id: int) -> Action:
    """An action of one of my follow-ups, else 404."""
    action = _actions().filter(followup__leader=actor, pk=action_id).first()
    if action is None:
        raise NotFoundError(_("Handlingen findes ikke."))
    return action


def topic_label(action: Action, *, strategy=None) -> str:
    """What an action is about: its question's text, or its indicator's name."""
    if action.question_id is not None:
        return action.question.text
    return indicator_label(action.indicator, strategy=strategy or strategy_active())


# --- Communications' overview ---------------------------------------------------------------


def waves_with_followups() -> QuerySet[Wave]:
    """The closed waves leaders were asked to follow up on, newest first."""
    return (
        Wave.objects.filter(pk__in=FollowUp.objects.values("wave_id"))
        .select_related("survey")
        .order_by("-closes_at", "-pk")
    )


@dataclass
class AreaFollowUp:
    """How the leaders of one area followed up on a wave."""

    area_id: int | None
    name: str
    leaders: int = 0
    followed_up: int = 0
    median_days: float | None = None
    days: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(self.followed_up / self.leaders, 3) if self.leaders else None


def _area_of(path: str, areas: dict[int, OrgUnit]) -> int | None:
    return next((int(pk) for pk in path.strip("/").split("/") if pk and int(pk) in areas), None)


def followup_by_area(*, wave: Wave) -> list[AreaFollowUp]:
    """Per area (område/center): leaders asked to follow up on the wave, how many published at
    least one action, and the median days from the wave closing to their first publish.

    A leader is counted once per area however many of its units they lead; their first
    publish there is their earliest. Units above every area count under the top. Two queries.
    """
    followups = list(
        FollowUp.objects.filter(wave=wave)
        .select_related("unit")
        .only("leader_id", "closed_at", "first_published_at", "unit__path")
        .order_by("pk")
    )
    areas = {u.pk: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.OMRAADE).only("pk", "name")}
    first: dict[tuple[int | None, int], datetime | None] = {}
    closed: dict[tuple[int | None, int], datetime] = {}
    for f in followups:
        key = (_area_of(f.unit.path, areas), f.leader_id)
        closed[key] = min(closed.get(key, f.closed_at), f.closed_at)
        earlier = first.get(key)
        if f.first_published_at is not None and (earlier is None or f.first_published_at < earlier):
            first[key] = f.first_published_at
        else:
            first.setdefault(key, None)
    rows: dict[int | None, AreaFollowUp] = {}
    for (area_id, _leader), published in first.items():
        name = areas[area_id].name if area_id is not None else _("Uden for områderne")
        row = rows.setdefault(area_id, AreaFollowUp(area_id=area_id, name=name))
        row.leaders += 1
        if published is not None:
            row.followed_up += 1
            seconds = (published - closed[(area_id, _leader)]).total_seconds()
            row.days.append(seconds / SECONDS_PER_DAY)
    for row in rows.values():
        row.median_days = round(median(row.days), 1) if row.days else None
    return sorted(rows.values(), key=lambda r: (r.area_id is None, r.name, r.area_id or 0))
