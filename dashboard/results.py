"""Survey figures for the dashboard, taken from the very functions the API answers with.

Every number here is read off `surveys.results.survey_results` or
`surveys.results.indicator_scorecard` — the same suppression, the same scope — and only
reshaped for a page: a unit's favourable share over all its Likert questions is summed from the
distributions the API returns, never counted again from the answers.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import OrgUnit, Role, User
from org.selectors import unit_list, units_in_scope
from surveys import selectors
from surveys.models import ENPS, QuestionKind, Survey, Wave
from surveys.results import indicator_scorecard, scorecard_with_organisation, survey_results
from surveys.strategy import strategy_active, target_met, target_of

# --- Which surveys and units ---------------------------------------------------------------


def surveys_with_waves() -> list[Survey]:
    """Surveys that have run at least once, the one whose latest wave opened last first."""
    return list(selectors.surveys_with_waves())


def pick_survey(surveys: list[Survey], survey_id: int | None) -> Survey | None:
    """The survey asked for (404 when it is not one of `surveys`), else the latest run."""
    if survey_id is None:
        return surveys[0] if surveys else None
    return next((s for s in surveys if s.pk == survey_id), None)


def scope_units(*, viewer: User) -> QuerySet[OrgUnit]:
    """The units whose results the viewer reads, in tree order: as surveys.results decides."""
    if viewer.has_role(Role.COMMUNICATIONS):
        return unit_list()
    return units_in_scope(leader=viewer).order_by("path")


# --- Mit område: one row per unit ----------------------------------------------------------


@dataclass
class UnitRow:
    """One unit's latest numbers; `shown` False means too few answers and carries no number."""

    unit_id: int | None
    name: str
    depth: int
    in_wave: bool
    shown: bool = False
    respondents: int | None = None
    response_rate: float | None = None
    favourable_share: float | None = None
    enps: int | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)


def _favourable_share(entry: dict, likert: list[int]) -> float | None:
    """Answers of 4 or 5 over all answers, across every Likert question of the unit."""
    favourable = answers = 0
    for question in entry["questions"]:
        if question["question"] in likert and question.get("answers"):
            favourable += question["distribution"]["4"] + question["distribution"]["5"]
            answers += question["answers"]
    return round(favourable / answers, 3) if answers else None


def _enps(entry: dict, scale: list[int]) -> int | None:
    """eNPS over the eNPS questions: promoters (9–10) minus detractors (0–6), per cent."""
    net = answers = 0
    for question in entry["questions"]:
        if question["question"] in scale and question.get("answers"):
            counts = question["distribution"]
            net += counts["9"] + counts["10"] - sum(counts[str(v)] for v in range(7))
            answers += question["answers"]
    return round(100 * net / answers) if answers else None


def _enps_questions(questions: list[dict]) -> list[int]:
    scale = [q for q in questions if q["kind"] == QuestionKind.SCALE]
    tagged = [q["id"] for q in scale if q["indicator"] == ENPS]
    return tagged or [q["id"] for q in scale]


def _ordered_entries(data: dict, units: list[OrgUnit]) -> list[tuple[dict | None, UnitRow]]:
    """The API's unit entries in tree order, indented; in-scope units the wave lacks as such."""
    entries = {entry["unit"]["id"]: entry for entry in data["units"]}
    listed: list[tuple[dict | None, UnitRow]] = []
    if None in entries:  # the whole organisation (communications)
        listed.append((entries.pop(None), UnitRow(None, _("Hele organisationen"), 0, True)))
    top = min((u.depth for u in units), default=0)
    for unit in units:
        entry = entries.pop(unit.pk, None)
        depth = unit.depth - top + (1 if listed and listed[0][1].unit_id is None else 0)
        listed.append((entry, UnitRow(unit.pk, unit.name, depth, entry is not None)))
    for entry in entries.values():  # in the wave's frozen tree but no longer in scope's tree
        listed.append((entry, UnitRow(entry["unit"]["id"], entry["unit"]["name"], 0, True)))
    return listed


def area_results(
    *, viewer: User, survey: Survey, wave_id: int | None = None, unit: OrgUnit | None = None
) -> dict[str, Any]:
    """Mit område: per unit of the viewer's tree, favourable share, eNPS and response rate."""
    data = survey_results(
        survey=survey, viewer=viewer, wave_id=wave_id, unit_id=unit.pk if unit else None
    )
    units = scope_units(viewer=viewer)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    likert = [q["id"] for q in data["questions"] if q["kind"] == QuestionKind.LIKERT]
    scale = _enps_questions(data["questions"])
    withheld = data["results_withheld"]
    rows = []
    for entry, row in _ordered_entries(data, list(units.only("id", "name", "depth", "path"))):
        if entry is not None and withheld:
            # An open wave: its rounded response rate is all there is (surveys.disclosure).
            row.response_rate = entry["response_rate"]
        elif entry is not None and entry["shown"]:
            row.shown = True
            row.respondents = entry["respondents"]
            row.response_rate = entry["response_rate"]
            row.favourable_share = _favourable_share(entry, likert)
            row.enps = _enps(entry, scale)
        rows.append(row)
    return {
        "data": data,
        "rows": rows,
        "withheld": withheld,
        "has_likert": bool(likert) and not withheld,
        "has_enps": bool(scale) and not withheld,
    }


# --- Heatmap: questions × units ------------------------------------------------------------

# The number each kind of question is coloured by, and the range it runs over.
HEAT_MEASURES = {
    QuestionKind.LIKERT: ("favourable_share", 0.0, 1.0),
    QuestionKind.KNOWLEDGE: ("share_correct", 0.0, 1.0),
    QuestionKind.SCALE: ("enps", -100.0, 100.0),
}


def heat_colour(value: float | None, low: float, high: float) -> str:
    """Red (low) through yellow to green (high), as an HSL colour; grey with no value."""
    if value is None:
        return "hsl(0, 0%, 88%)"
    fraction = min(1.0, max(0.0, (value - low) / (high - low)))
    return f"hsl({round(120 * fraction)}, 65%, 72%)"


def heatmap(
    *, viewer: User, survey: Survey, wave_id: int | None = None, unit: OrgUnit | None = None
) -> dict[str, Any]:
    """One wave's questions (rows) × the viewer's units (columns), suppressed units blank."""
    area = area_results(viewer=viewer, survey=survey, wave_id=wave_id, unit=unit)
    data = area["data"]
    columns = [row for row in area["rows"] if row.in_wave]
    entries = {entry["unit"]["id"]: entry for entry in data["units"]}
    rows = []
    for question in [] if area["withheld"] else data["questions"]:
        if question["kind"] not in HEAT_MEASURES:
            continue
        measure, low, high = HEAT_MEASURES[question["kind"]]
        cells = []
        for column in columns:
            entry = entries[column.unit_id]
            numbers = next(
                (q for q in entry.get("questions", []) if q["question"] == question["id"]), {}
            )
            value = numbers.get(measure) if entry["shown"] else None
            cells.append(
                {
                    "unit_id": column.unit_id,
                    "shown": entry["shown"],
                    "value": value,
                    "measure": measure,
                    "colour": heat_colour(value, low, high),
                }
            )
        rows.append({"question": question, "measure": measure, "cells": cells})
    return {"data": data, "columns": columns, "rows": rows, "withheld": area["withheld"]}


# --- Kernefortællingen: the knowledge index and the four goals ----------------------------


def _series(scorecard: dict) -> dict[str, list[dict]]:
    return {item["indicator"]: item["waves"] for item in scorecard["indicators"]}


def _lines_by_unit(points: list[dict]) -> dict[Any, list[dict]]:
    """Points of one indicator split per top unit of the reader (one line each)."""
    lines: dict[Any, list[dict]] = {}
    for point in points:
        lines.setdefault(point["unit"]["id"], []).append(point)
    return lines


# What a cell of the pillar table says: a number, too few answers, or nothing was measured.
SHOWN, SUPPRESSED, NOT_MEASURED = "shown", "suppressed", "not_measured"


def _pillar_lines(
    points: list[dict], *, pillars: list[str], waves: list[dict], asked: dict[int, set[str]]
) -> dict[str, list[dict]]:
    """Per pillar: one line per unit, a value and a state for every wave.

    The value is None unless the state is SHOWN. A suppressed point is SUPPRESSED where the
    wave asked about the pillar (some shown point of the wave has it, `asked`) or where no
    point of the wave is shown, so nobody can tell; else the pillar was NOT_MEASURED there.
    """
    result: dict[str, list[dict]] = {p: [] for p in pillars}
    for unit_points in _lines_by_unit(points).values():
        by_wave = {p["wave"]["id"]: p for p in unit_points}
        for pillar in pillars:
            values, states = [], []
            for wave in waves:
                point = by_wave.get(wave["id"])
                value, state = None, NOT_MEASURED
                if point is not None and point["shown"]:
                    value = point["pillars"].get(pillar)
                    state = SHOWN if value is not None else NOT_MEASURED
                elif point is not None:
                    wave_asked = asked.get(wave["id"])
                    state = SUPPRESSED if not wave_asked or pillar in wave_asked else NOT_MEASURED
                values.append(value)
                states.append(state)
            result[pillar].append(
                {"unit": unit_points[0]["unit"], "values": values, "states": states}
            )
    return result


def _asked_pillars(*series_points: list[dict]) -> dict[int, set[str]]:
    """Per wave with a shown point: the pillars some shown point of it has numbers for."""
    asked: dict[int, set[str]] = {}
    for points in series_points:
        for point in points:
            if point["shown"]:
                asked.setdefault(point["wave"]["id"], set()).update(point.get("pillars") or {})
    return asked


def _knowledge_waves(*series_points: list[dict]) -> list[dict]:
    """The waves that asked about the pillars, oldest first."""
    waves: dict[int, dict] = {}
    for points in series_points:
        for point in points:
            if point["shown"] and point.get("pillars"):
                waves.setdefault(point["wave"]["id"], point["wave"])
    return sorted(waves.values(), key=lambda w: (w["opens_at"], w["id"]))


def _trend(points: list[dict], target: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The latest shown score and how it moved since the survey's previous shown score."""
    shown = [p for p in points if p["shown"] and p.get("score") is not None]
    if not shown:
        return None
    latest = shown[-1]
    earlier = [p for p in shown[:-1] if p["wave"]["survey"] == latest["wave"]["survey"]]
    previous = earlier[-1] if earlier else None
    change = None if previous is None else latest["score"] - previous["score"]
    direction = (
        "none" if change is None else "up" if change > 0 else "down" if change < 0 else "flat"
    )
    return {
        "score": latest["score"],
        "is_enps": latest.get("knowledge_share_correct") is None and latest.get("enps") is not None,
        "survey_title": latest["survey_title"],
        "opens_at": latest["wave"]["opens_at"],
        "previous": previous["score"] if previous else None,
        "direction": direction,
        "target_met": target_met(latest["score"], target),
    }


def core_narrative(*, viewer: User) -> dict[str, Any]:
    """The knowledge index per pillar over time (organisation and my scope), and the goals.

    Pillars and goals, their names, order and targets, are the active strategy's.
    """
    strategy = strategy_active()
    whole_organisation = viewer.has_role(Role.COMMUNICATIONS)
    if whole_organisation:
        mine = organisation = indicator_scorecard(viewer=viewer, strategy=strategy)
    else:
        mine, organisation = scorecard_with_organisation(viewer=viewer, strategy=strategy)
    my_series, org_series = _series(mine), _series(organisation)
    narrative = strategy.narrative_goal
    key = narrative.key if narrative is not None else None
    pillar_keys = [p.key for p in strategy.pillars] if key else []
    waves = _knowledge_waves(my_series.get(key, []), org_series.get(key, []))
    asked = _asked_pillars(my_series.get(key, []), org_series.get(key, []))
    org_pillars = _pillar_lines(
        org_series.get(key, []), pillars=pillar_keys, waves=waves, asked=asked
    )
    my_pillars = (
        {}
        if whole_organisation
        else _pillar_lines(my_series.get(key, []), pillars=pillar_keys, waves=waves, asked=asked)
    )
    goals = []
    for goal in strategy.goals:
        target = target_of(goal)
        mine_by_unit = _lines_by_unit(my_series.get(goal.key, []))
        goals.append(
            {
                "indicator": goal.key,
                "label": goal.name,
                "target": target,
                "organisation": _trend(org_series.get(goal.key, []), target),
                "organisation_measured": bool(org_series.get(goal.key)),
                "mine": []
                if whole_organisation
                else [
                    {"unit": points[0]["unit"], "trend": _trend(points, target)}
                    for points in mine_by_unit.values()
                ],
            }
        )
    return {
        "strategy": strategy.strategy,
        "waves": waves,
        "pillars": [
            {
                "pillar": pillar.key,
                "label": pillar.name,
                "organisation": org_pillars[pillar.key],
                "mine": my_pillars.get(pillar.key, []),
            }
            for pillar in (strategy.pillars if key else [])
        ],
        "goals": goals,
        "whole_organisation": whole_organisation,
    }


def wave_label(wave: dict[str, Any] | Wave) -> str:
    """A wave as people name it: the day it opened, in Danish time."""
    opens_at: datetime = wave["opens_at"] if isinstance(wave, dict) else wave.opens_at
    return timezone.localtime(opens_at).strftime("%d.%m.%Y")
