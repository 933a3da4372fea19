"""The tie to the core narrative: a cascade's pillar, measured before and after it started.

Every number is read off `surveys.results.indicator_scorecard` — its closed waves only, its
suppression, its scope — for one unit at a time; nothing is counted again here.
"""

from typing import Any

from django.db.models import QuerySet

from surveys.results import caller_scope, indicator_scorecard
from surveys.strategy import strategy_active

from .models import Cascade, Task

SHOWN, SUPPRESSED, NOT_MEASURED = "shown", "suppressed", "not_measured"


def _units(*, cascade: Cascade, scope: frozenset[int] | None) -> QuerySet[Task]:
    tasks = Task.objects.filter(cascade=cascade).select_related("unit", "level")
    if scope is not None:
        tasks = tasks.filter(unit_id__in=scope)
    return tasks.order_by("level__number", "unit__path")


def _cell(point: dict[str, Any] | None, pillar: str) -> tuple[float | None, str]:
    if point is None:
        return None, NOT_MEASURED
    if not point["shown"]:
        return None, SUPPRESSED
    value = (point.get("pillars") or {}).get(pillar)
    return value, SHOWN if value is not None else NOT_MEASURED


def pillar_knowledge(*, viewer, cascade: Cascade) -> dict[str, Any] | None:
    """Per unit of the cascade in the viewer's results scope: the knowledge index of the
    cascade's pillar in the last closed wave before it started and every closed wave since.

    None when the cascade has no pillar. Costs one scorecard (a handful of queries) per unit.
    """
    if not cascade.pillar:
        return None
    strategy = strategy_active()
    pillar = next((p for p in strategy.pillars if p.key == cascade.pillar), None)
    narrative = strategy.narrative_goal
    scope = caller_scope(user=viewer)  # 403 for anyone who does not read survey results
    rows = []
    waves: dict[int, dict[str, Any]] = {}
    for task in _units(cascade=cascade, scope=scope):
        points: list[dict[str, Any]] = []
        if narrative is not None:
            card = indicator_scorecard(viewer=viewer, unit_id=task.unit_id, strategy=strategy)
            points = next(
                (i["waves"] for i in card["indicators"] if i["indicator"] == narrative.key), []
            )
        by_wave = {p["wave"]["id"]: p for p in points}
        for point in points:
            waves.setdefault(point["wave"]["id"], point["wave"])
        rows.append((task, by_wave))
    ordered = sorted(waves.values(), key=lambda w: (w["opens_at"], w["id"]))
    before = [w for w in ordered if w["opens_at"] < cascade.started_at][-1:]
    after = [w for w in ordered if w["opens_at"] >= cascade.started_at]
    chosen = [(w, "before") for w in before] + [(w, "after") for w in after]
    units = []
    for task, by_wave in rows:
        cells = [_cell(by_wave.get(w["id"]), cascade.pillar) for w, _phase in chosen]
        units.append(
            {
                "unit": task.unit_id,
                "unit_name": task.unit.name,
                "level": task.level.number,
                "values": [value for value, _state in cells],
                "states": [state for _value, state in cells],
            }
        )
    return {
        "pillar": cascade.pillar,
        "label": pillar.name if pillar is not None else cascade.pillar,
        "waves": [{**w, "phase": phase} for w, phase in chosen],
        "units": units,
    }
