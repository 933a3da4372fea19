"""The hand-off from onboarding to push: who is told what about a step.

Called inside the transaction that claims the reminder, so the notification is written with
the claim (push sends it after commit). Until `push.services.notification_send` exists this
only logs.
"""

import logging

logger = logging.getLogger("bro.onboarding")

CATEGORY = "onboarding"


def step_due(*, step_id: int, title: str, user_ids: list[int]) -> None:
    """Tell the doer that a step is due today."""
    _send(kind="step_due", step_id=step_id, title=title, user_ids=user_ids)


def step_overdue(*, step_id: int, title: str, hire_name: str, user_ids: list[int]) -> None:
    """Tell the doer and the new hire's leader that a step is overdue."""
    _send(kind="step_overdue", step_id=step_id, title=title, user_ids=user_ids, hire=hire_name)


def _send(*, kind: str, step_id: int, title: str, user_ids: list[int], hire: str = "") -> None:
    if not user_ids:
        return
    logger.info(
        "onboarding %s: step %s (%s) to users %s", kind, step_id, title, sorted(set(user_ids))
    )
