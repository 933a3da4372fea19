"""The two ready surveys, worded from the active communication strategy (surveys.strategy).

The core-narrative pulse asks the narrative's title and its strengths, one knowledge question
per pillar that has one, and the strategy's own statements about the narrative. The internal
communication survey turns each goal's statement into a Likert statement, in the strategy's
order, and adds the questions every municipality asks: timely information, eNPS, free text.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import ApplicationError

from .models import CUSTOM, ENPS, QuestionKind, Recurrence, lines
from .strategy import ActiveStrategy

KERNEFORTAELLING = "kernefortaelling"
INTERN_KOMMUNIKATION = "intern_kommunikation"

TEMPLATES = {
    KERNEFORTAELLING: {
        "title": gettext_lazy("Puls på Kernefortællingen"),
        "recurrence": Recurrence.MONTHLY,
        "open_days": 10,
    },
    INTERN_KOMMUNIKATION: {
        "title": gettext_lazy("Intern kommunikation"),
        "recurrence": Recurrence.QUARTERLY,
        "open_days": 14,
    },
}

# "Which three strengths …": the count in words, as Danish writes small numbers.
_COUNT_WORDS = {2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks"}


def _options(correct: list[str], wrong: list[str]) -> list[dict]:
    return [{"text": t, "is_correct": True} for t in correct] + [
        {"text": t, "is_correct": False} for t in wrong
    ]


def _narrative_questions(strategy: ActiveStrategy) -> list[dict[str, Any]]:
    s = strategy.strategy
    goal = strategy.narrative_goal
    indicator = goal.key if goal is not None else ""
    questions = []
    if lines(s.narrative_wrong_titles):
        questions.append(
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvad er overskriften på Kernefortællingen?"),
                "indicator": indicator,
                "options": _options([s.narrative_title], lines(s.narrative_wrong_titles)),
            }
        )
    if strategy.pillars and lines(s.wrong_pillars):
        count = len(strategy.pillars)
        questions.append(
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvilke %(count)s styrkepositioner fokuserer Kernefortællingen på?")
                % {"count": _COUNT_WORDS.get(count, str(count))},
                "indicator": indicator,
                "options": _options([p.name for p in strategy.pillars], lines(s.wrong_pillars)),
            }
        )
    for pillar in strategy.pillars:
        if pillar.question and lines(pillar.wrong_answers):
            questions.append(
                {
                    "kind": QuestionKind.KNOWLEDGE,
                    "text": pillar.question,
                    "indicator": indicator,
                    "pillar": pillar.key,
                    "options": _options([pillar.answer], lines(pillar.wrong_answers)),
                }
            )
    for statement in lines(s.narrative_statements):
        questions.append({"kind": QuestionKind.LIKERT, "text": statement, "indicator": indicator})
    return questions


def _narrative_intro(strategy: ActiveStrategy) -> str:
    s = strategy.strategy
    return _(
        "Kernefortællingen – %(title)s – er vores fælles fortælling om %(municipality)s. Det "
        "er målet, at så mange som muligt i organisationen kender den. Det tager to minutter, "
        "og dine svar er anonyme. Efter hvert videnspørgsmål kan du se det rigtige svar."
    ) % {"title": s.narrative_title, "municipality": s.municipality}


def _internal_questions(strategy: ActiveStrategy) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = [
        {"kind": QuestionKind.LIKERT, "text": goal.statement, "indicator": goal.key}
        for goal in strategy.goals
        if goal.statement
    ]
    questions += [
        {
            "kind": QuestionKind.LIKERT,
            "text": _(
                "Jeg får rettidig og relevant information om det, der har betydning for mit "
                "arbejde."
            ),
            "indicator": CUSTOM,
            "custom_indicator": "rettidig_information",
        },
        {
            "kind": QuestionKind.SCALE,
            "text": _(
                "Hvor sandsynligt er det, at du vil anbefale %(municipality)s som arbejdsplads "
                "til en ven eller bekendt?"
            )
            % {"municipality": strategy.strategy.municipality},
            "indicator": ENPS,
        },
        {
            "kind": QuestionKind.FREE_TEXT,
            "text": _("Hvad kan gøre den interne kommunikation bedre, hvor du arbejder?"),
        },
    ]
    return questions


def _internal_intro(strategy: ActiveStrategy) -> str:
    return _(
        "God intern kommunikation understøtter det gode arbejdsliv. Hvert kvartal spørger vi "
        "til målene for den interne kommunikation. Dine svar er anonyme."
    )


# The standard question asked in the wave after leaders have followed up on the last one
# ("I sagde – vi gjorde"): its own indicator, so followup finds it in any survey.
FOLLOWUP_INDICATOR = "fulgt_op"


def followup_question() -> dict[str, Any]:
    """The standard follow-up question, as survey_create takes a question."""
    return {
        "kind": QuestionKind.LIKERT,
        "text": _("Har du oplevet, at der er fulgt op på sidste måling?"),
        "indicator": CUSTOM,
        "custom_indicator": FOLLOWUP_INDICATOR,
    }


_BUILDERS = {
    KERNEFORTAELLING: (_narrative_intro, _narrative_questions),
    INTERN_KOMMUNIKATION: (_internal_intro, _internal_questions),
}


def template_build(*, key: str, strategy: ActiveStrategy) -> dict[str, Any]:
    """One ready survey (title, schedule, intro, questions), worded from the strategy."""
    if strategy.strategy is None:
        raise ApplicationError(
            _("Der er ingen aktiv kommunikationsstrategi. Opret den først."),
            code="no_active_strategy",
        )
    intro, questions = _BUILDERS[key]
    return {**TEMPLATES[key], "intro": intro(strategy), "questions": questions(strategy)}
