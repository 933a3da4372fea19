"""Follow-up's personal data: the actions a leader wrote, and the follow-ups assigned to them.

Actions are the leader's work product for their unit: on erasure they stay, and so does the
follow-up (a unit's, counted in the follow-up rate). The person's row is renamed "Tidligere
medarbejder" by org.erasure, and that is the author every action shows from then on; their
name is taken out of the "who" of the actions in their units too.
"""

from typing import Any

from django.db.models import Q, Value
from django.db.models.functions import Replace

from org.erasure import ERASED_NAME
from org.models import User
from org.personal_data import eraser, exporter

from .models import Action, FollowUp


@exporter("followup_actions")
def _export_actions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": row["id"],
            "survey": row["followup__wave__survey__title"],
            "wave": row["followup__wave__number"],
            "unit": row["followup__unit__name"],
            "question": row["question__text"],
            "indicator": row["indicator"],
            "what": row["what"],
            "who": row["who"],
            "due_on": row["due_on"],
            "status": row["status"],
            "published_at": row["published_at"],
            "written_at": row["created_at"],
        }
        for row in Action.objects.filter(author=user)
        .order_by("created_at", "id")
        .values(
            "id",
            "followup__wave__survey__title",
            "followup__wave__number",
            "followup__unit__name",
            "question__text",
            "indicator",
            "what",
            "who",
            "due_on",
            "status",
            "published_at",
            "created_at",
        )
    ]


@exporter("followup_tasks")
def _export_followups(user: User) -> list[dict[str, Any]]:
    return [
        {
            "survey": row["wave__survey__title"],
            "wave": row["wave__number"],
            "unit": row["unit__name"],
            "closed_at": row["closed_at"],
            "first_published_at": row["first_published_at"],
        }
        for row in FollowUp.objects.filter(leader=user)
        .order_by("closed_at", "id")
        .values(
            "wave__survey__title", "wave__number", "unit__name", "closed_at", "first_published_at"
        )
    ]


@eraser
def _erase(*, user: User) -> None:
    name = (user.name or "").strip()
    if not name or name == ERASED_NAME:
        return
    mine = Q(author=user) | Q(followup__leader=user)
    Action.objects.filter(mine, who__contains=name).update(
        who=Replace("who", Value(name), Value(ERASED_NAME))
    )
