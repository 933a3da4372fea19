"""Cascade's personal data: the steps a person led, was deputy on or passed on, and the
questions they sent up under their name (anonymous ones hold nothing that leads to anyone).

Erasure takes the person off the steps and off the cascades they started; the steps stay,
so the progress of old cascades keeps counting (a unit's step, not a person's). Their named
questions become anonymous: the asker is taken off and the question stays with its answer.
"""

from typing import Any

from django.db.models import Q

from org.models import User
from org.personal_data import eraser, exporter

from .models import Cascade, CascadeAttachment, FaqItem, Question, QuestionHop, Task


@exporter("cascade_tasks")
def _export_tasks(user: User) -> list[dict[str, Any]]:
    return [
        {
            "cascade": row["cascade__title"],
            "unit": row["unit__name"],
            "received_at": row["received_at"],
            "passed_on_at": row["passed_on_at"],
            "local_note": row["local_note"],
        }
        for row in Task.objects.filter(Q(leader=user) | Q(deputy=user) | Q(passed_on_by=user))
        .order_by("received_at", "id")
        .values("cascade__title", "unit__name", "received_at", "passed_on_at", "local_note")
    ]


@exporter("cascade_questions")
def _export_questions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "cascade": row["cascade__title"],
            "kind": row["kind"],
            "text": row["text"],
            "asked_on": row["asked_on"],
            "answer": row["answer"],
            "answered_at": row["answered_at"],
        }
        for row in Question.objects.filter(asker=user)
        .order_by("asked_on", "id")
        .values("cascade__title", "kind", "text", "asked_on", "answer", "answered_at")
    ]


@eraser
def _erase(*, user: User) -> None:
    Question.objects.filter(asker=user).update(asker=None, anonymous=True)
    Question.objects.filter(answered_by=user).update(answered_by=None)
    QuestionHop.objects.filter(forwarded_by=user).update(forwarded_by=None)
    FaqItem.objects.filter(published_by=user).update(published_by=None)
    CascadeAttachment.objects.filter(uploaded_by=user).update(uploaded_by=None)
    Task.objects.filter(leader=user).update(leader=None)
    Task.objects.filter(deputy=user).update(deputy=None)
    Task.objects.filter(passed_on_by=user).update(passed_on_by=None)
    Cascade.objects.filter(created_by=user).update(created_by=None)
