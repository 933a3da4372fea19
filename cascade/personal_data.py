"""Cascade's personal data: the steps a person led, was deputy on or passed on.

Erasure takes the person off the steps and off the cascades they started; the steps stay,
so the progress of old cascades keeps counting (a unit's step, not a person's).
"""

from typing import Any

from django.db.models import Q

from org.models import User
from org.personal_data import eraser, exporter

from .models import Cascade, Task


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


@eraser
def _erase(*, user: User) -> None:
    Task.objects.filter(leader=user).update(leader=None)
    Task.objects.filter(deputy=user).update(deputy=None)
    Task.objects.filter(passed_on_by=user).update(passed_on_by=None)
    Cascade.objects.filter(created_by=user).update(created_by=None)
