"""Surveys' personal data: invitations and participation; registered in org.personal_data.

An anonymous answer is not personal data here: it was stored with no link to the person
(surveys.models), so it is neither exported nor erased, and it keeps counting in results.
Answers to a non-anonymous wave are the person's and are exported; erasure unlinks them.
Invitations and participation rows stay on erasure (the person is anonymised), so response
rates of past waves do not change.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch

from org.models import User
from org.personal_data import eraser, exporter

from .models import Answer, AnswerChoice, Invitation, Participation, Response


@exporter("survey_participation")
def _export_participation(user: User) -> list[dict[str, Any]]:
    """Which waves I was invited to and whether I answered — never what."""
    answered = Exists(Participation.objects.filter(wave=OuterRef("wave_id"), user=user))
    return [
        {
            "survey": row["wave__survey__title"],
            "wave": row["wave__number"],
            "opens_at": row["wave__opens_at"],
            "closes_at": row["wave__closes_at"],
            "anonymous": row["wave__anonymous"],
            "answered": row["answered"],
        }
        for row in Invitation.objects.filter(user=user)
        .annotate(answered=answered)
        .order_by("wave__opens_at", "wave_id")
        .values(
            "wave__survey__title",
            "wave__number",
            "wave__opens_at",
            "wave__closes_at",
            "wave__anonymous",
            "answered",
        )
    ]


@exporter("survey_identified_answers")
def _export_identified_answers(user: User) -> list[dict[str, Any]]:
    """My answers to waves that were not anonymous (anonymous answers are not linked to me)."""
    answers = (
        Answer.objects.filter(response__respondent=user, response__wave__anonymous=False)
        .select_related("question", "response__wave__survey")
        .prefetch_related(
            Prefetch("choices", queryset=AnswerChoice.objects.select_related("option"))
        )
        .order_by("response__submitted_on", "question__position", "id")
    )
    return [
        {
            "survey": answer.response.wave.survey.title,
            "wave": answer.response.wave.number,
            "submitted_on": answer.response.submitted_on,
            "question": answer.question.text,
            "value": answer.value,
            "text": answer.text,
            "options": [choice.option.text for choice in answer.choices.all()],
        }
        for answer in answers
    ]


@eraser
def _erase(*, user: User) -> None:
    Response.objects.filter(respondent=user).update(respondent=None)
