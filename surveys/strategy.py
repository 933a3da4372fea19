"""The municipality's communication strategy: reading the active one, and writing one.

Everything that names a goal or a pillar reads it from here: the scorecard's labels and
targets, the dashboard's Kernefortællingen page, the ready-made surveys, and the check that a
question's indicator or pillar is one the strategy has.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, validate_model

from .models import CUSTOM, ENPS, Strategy, StrategyGoal, StrategyPillar


@dataclass(frozen=True)
class ActiveStrategy:
    """The active strategy's pillars and goals, in their order (empty when there is none)."""

    strategy: Strategy | None
    pillars: list[StrategyPillar]
    goals: list[StrategyGoal]

    @property
    def goal_keys(self) -> set[str]:
        return {g.key for g in self.goals}

    @property
    def pillar_keys(self) -> set[str]:
        return {p.key for p in self.pillars}

    @property
    def narrative_goal(self) -> StrategyGoal | None:
        return next((g for g in self.goals if g.is_narrative), None)

    def goal(self, key: str) -> StrategyGoal | None:
        return next((g for g in self.goals if g.key == key), None)


def strategy_active() -> ActiveStrategy:
    """The active strategy with its pillars and goals, in two queries."""
    pillars = list(
        StrategyPillar.objects.filter(strategy__is_active=True)
        .select_related("strategy")
        .order_by("position")
    )
    goals = list(
        StrategyGoal.objects.filter(strategy__is_active=True)
        .select_related("strategy")
        .order_by("position")
    )
    strategy = (pillars or goals or [None])[0]
    return ActiveStrategy(
        strategy=strategy.strategy if strategy is not None else None, pillars=pillars, goals=goals
    )


def indicator_label(key: str, *, strategy: ActiveStrategy) -> str:
    """What an indicator key is called: the goal's own wording, eNPS, or a custom name."""
    if key == ENPS:
        return _("eNPS")
    goal = strategy.goal(key)
    if goal is not None:
        return goal.name
    return key.removeprefix(f"{CUSTOM}:")


def target_of(goal: StrategyGoal | None) -> dict[str, Any] | None:
    """A goal's target as the API gives it: the value and the day it is due, or None."""
    if goal is None or goal.target_value is None:
        return None
    return {"value": float(goal.target_value), "due": goal.target_date}


def target_met(score: float | None, target: dict[str, Any] | None) -> bool | None:
    """Whether a measured score reaches the target (None: no target, or nothing measured)."""
    if score is None or target is None:
        return None
    return score >= target["value"]


# --- Writes ----------------------------------------------------------------------------------


def _clean_lines(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "\n".join(str(v) for v in value)
    return "\n".join(line.strip() for line in str(value or "").splitlines() if line.strip())


@transaction.atomic
def strategy_create(
    *,
    name: str,
    municipality: str,
    narrative_title: str,
    narrative_text: str = "",
    narrative_wrong_titles: list[str] | str = "",
    wrong_pillars: list[str] | str = "",
    narrative_statements: list[str] | str = "",
    pillars: list[dict[str, Any]],
    goals: list[dict[str, Any]],
    activate: bool = True,
) -> Strategy:
    """Store a strategy with its pillars and goals, in their order; make it the active one."""
    strategy = Strategy(
        name=name.strip(),
        municipality=municipality.strip(),
        narrative_title=narrative_title.strip(),
        narrative_text=narrative_text.strip(),
        narrative_wrong_titles=_clean_lines(narrative_wrong_titles),
        wrong_pillars=_clean_lines(wrong_pillars),
        narrative_statements=_clean_lines(narrative_statements),
    )
    validate_model(strategy)
    strategy.save()
    if len({p["key"] for p in pillars}) != len(pillars) or len({g["key"] for g in goals}) != len(
        goals
    ):
        raise ApplicationError(_("To søjler eller to mål har samme nøgle."))
    for position, spec in enumerate(pillars, start=1):
        pillar = StrategyPillar(
            strategy=strategy,
            position=position,
            key=spec["key"],
            name=spec["name"].strip(),
            question=(spec.get("question") or "").strip(),
            answer=(spec.get("answer") or "").strip(),
            wrong_answers=_clean_lines(spec.get("wrong_answers", "")),
        )
        validate_model(pillar)
        pillar.save()
    if sum(1 for g in goals if g.get("is_narrative")) > 1:
        raise ApplicationError(_("Kun ét mål kan måle kendskabet til kernefortællingen."))
    for position, spec in enumerate(goals, start=1):
        target = spec.get("target_value")
        goal = StrategyGoal(
            strategy=strategy,
            position=position,
            key=spec["key"],
            name=spec["name"].strip(),
            statement=(spec.get("statement") or "").strip(),
            is_narrative=bool(spec.get("is_narrative")),
            target_value=None if target is None else Decimal(str(target)),
            target_date=spec.get("target_date"),
        )
        validate_model(goal)
        goal.save()
    if activate:
        strategy_activate(strategy=strategy)
    return strategy


@transaction.atomic
def strategy_activate(*, strategy: Strategy) -> Strategy:
    """Make this strategy the active one; the one before it is kept, inactive."""
    Strategy.objects.filter(is_active=True).exclude(pk=strategy.pk).update(is_active=False)
    Strategy.objects.filter(pk=strategy.pk).update(is_active=True)
    strategy.is_active = True
    return strategy
