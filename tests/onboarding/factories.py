"""factory_boy factories for onboarding: tracks are made through onboarding.services."""

import factory

from onboarding import services
from onboarding.models import Doer, StepKind, Track


def step(title: str, offset_days: int, kind: str = StepKind.TASK, **fields) -> dict:
    """One step description as the services take it."""
    return {"title": title, "offset_days": offset_days, "kind": kind, **fields}


def quiz_step(title: str, offset_days: int, questions: list[tuple[str, list[str], set[str]]], **kw):
    """A quiz step from (question, options, correct options) triples."""
    return step(
        title,
        offset_days,
        StepKind.QUIZ,
        questions=[
            {"text": text, "options": [{"text": o, "correct": o in right} for o in options]}
            for text, options, right in questions
        ],
        **kw,
    )


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    name = factory.Sequence(lambda n: f"Forløb {n}")
    description = "Et forløb til test."
    steps = factory.LazyFunction(
        lambda: [
            step("Velkommen", -7, StepKind.ACKNOWLEDGE),
            step("Mød din leder", 0, StepKind.MEETING, meet_with="leader"),
            step("Opret i vagtplan", -3, doer=Doer.LEADER),
        ]
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.track_create(actor=None, **kwargs)
