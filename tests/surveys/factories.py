"""Test data for surveys, made through the services like the app makes it."""

from datetime import timedelta

from django.utils import timezone

from org import services as org_services
from surveys import services
from surveys.demo_strategy import Indicator, Pillar
from surveys.models import QuestionKind, Survey, Wave

# One question of each kind; knowledge has two correct options out of three.
ALL_KINDS = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": Indicator.VIDENDELING},
    {"kind": QuestionKind.SCALE, "text": "Vil du anbefale os?", "indicator": Indicator.ENPS},
    {
        "kind": QuestionKind.SINGLE,
        "text": "Hvor arbejder du mest?",
        "options": [{"text": "Ude"}, {"text": "Inde"}],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": "Hvor får du nyheder?",
        "options": [{"text": "Appen"}, {"text": "Opslagstavlen"}, {"text": "Kolleger"}],
    },
    {
        "kind": QuestionKind.KNOWLEDGE,
        "text": "Hvilke er styrkepositioner?",
        "indicator": Indicator.KERNEFORTAELLING,
        "pillar": Pillar.BELIGGENHED,
        "options": [
            {"text": "Beliggenhed", "is_correct": True},
            {"text": "Det gode liv", "is_correct": True},
            {"text": "Turisme"},
        ],
    },
    {"kind": QuestionKind.FREE_TEXT, "text": "Hvad kan blive bedre?"},
]


def make_survey(*, audience, questions=None, created_by=None, **fields) -> Survey:
    return services.survey_create(
        created_by=created_by,
        title=fields.pop("title", "Pulsmåling"),
        audience=audience,
        questions=ALL_KINDS if questions is None else questions,
        **fields,
    )


def everyone(name: str = "Alle") -> object:
    return org_services.audience_create(created_by=None, name=name, everyone=True)


def open_wave(survey: Survey, *, number: int = 1, opens_at=None) -> Wave:
    opens_at = opens_at or timezone.now() - timedelta(hours=1)
    return services.wave_open(survey=survey, number=number, opens_at=opens_at)


def answers_for(survey: Survey, *, value: int = 4, text: str = "", correct: bool = True) -> list:
    """A complete, valid set of answers: `value` on Likert (and scale), options chosen simply."""
    answers = []
    for question in survey.questions.prefetch_related("options").order_by("position"):
        options = list(question.options.all())
        match question.kind:
            case QuestionKind.LIKERT:
                answers.append({"question": question.pk, "value": value})
            case QuestionKind.SCALE:
                answers.append({"question": question.pk, "value": min(10, value * 2)})
            case QuestionKind.SINGLE:
                answers.append({"question": question.pk, "options": [options[0].pk]})
            case QuestionKind.MULTIPLE:
                answers.append({"question": question.pk, "options": [o.pk for o in options[:2]]})
            case QuestionKind.KNOWLEDGE:
                chosen = [o.pk for o in options if o.is_correct == correct]
                answers.append({"question": question.pk, "options": chosen})
            case QuestionKind.FREE_TEXT:
                if text:
                    answers.append({"question": question.pk, "text": text})
    return answers


def people_in(unit, count: int, *, prefix: str = "Svarer") -> list:
    from tests.factories import UserFactory

    return [UserFactory(name=f"{prefix} {unit.name} {i}", unit=unit) for i in range(count)]


def close(wave: Wave) -> Wave:
    """Close the wave (counting it), as beat does when its window ends: only then are its
    results shown (surveys.disclosure)."""
    return services.wave_close(wave=wave)


def respond(wave: Wave, users, *, value: int = 4, text: str = "", correct: bool = True) -> None:
    """Each of `users` answers the wave through the service."""
    answers = answers_for(wave.survey, value=value, text=text, correct=correct)
    for user in users:
        services.response_submit(wave=wave, user=user, answers=answers)
