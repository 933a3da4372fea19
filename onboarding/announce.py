"""The hand-off from onboarding to push: who is told what about a step.

Called inside the transaction that claims the reminder: push writes its notification in that
transaction and sends it after commit, holding it for people in their quiet hours and leaving
out people who switched the "onboarding" category off.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_noop

from org.models import User
from push.models import Category
from push.services import notification_send

logger = logging.getLogger("bro.onboarding")


def step_due(*, step_id: int, title: str, due_at: datetime, user_ids: list[int]) -> None:
    """Tell the doer that a step is due now."""
    _send(
        kind="step_due",
        step_id=step_id,
        due_at=due_at,
        user_ids=user_ids,
        title=gettext_noop("Nyt trin i dit forløb: %(title)s"),
        body=gettext_noop("Det er tid til at gøre det. Åbn appen for at se, hvad du skal."),
        params={"title": title},
        # Pre-boarders with no app yet get the due step by SMS, else e-mail.
        fallback=("sms", "email") if settings.NOTIFY_ONBOARDING_FALLBACK else (),
    )


def step_overdue(
    *, step_id: int, title: str, due_at: datetime, hire_name: str, user_ids: list[int]
) -> None:
    """Tell the doer and the new hire's leader that a step is overdue."""
    _send(
        kind="step_overdue",
        step_id=step_id,
        due_at=due_at,
        user_ids=user_ids,
        title=gettext_noop("Forsinket trin: %(title)s"),
        body=gettext_noop(
            "Trinnet i %(hire)ss forløb skulle have været gjort for nogle dage siden."
        ),
        params={"title": title, "hire": hire_name},
    )


def _send(
    *,
    kind: str,
    step_id: int,
    due_at: datetime,
    user_ids: list[int],
    title: str,
    body: str,
    params: dict,
    fallback: tuple[str, ...] = (),
) -> None:
    if not user_ids:
        return
    notification_send(
        category=Category.ONBOARDING,
        recipients=User.objects.filter(pk__in=user_ids),
        title=title,
        body=body,
        params=params,
        data={"type": f"onboarding_{kind}", "step_id": str(step_id)},
        collapse_key=f"onboarding-step-{step_id}",
        # Once per step and due time: a step re-dated by a moved start date is reminded again.
        dedup_key=f"onboarding:{kind}:{step_id}:{due_at.timestamp():.0f}",
        fallback=fallback,
    )
    logger.info("onboarding %s: step %s to %s people", kind, step_id, len(set(user_ids)))
