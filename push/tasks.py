"""Celery beat tasks of the notifications app: thin, idempotent, taking ids; the work is in the
services. The chunk task that sends deliveries is outbox.send_deliveries (re-exported here)."""

from celery import shared_task

from . import alerts, outbox, services
from .outbox import SEND_HARD_LIMIT, SEND_SOFT_LIMIT, send_deliveries

__all__ = ["SEND_HARD_LIMIT", "SEND_SOFT_LIMIT", "send_deliveries"]


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def reconcile_deliveries() -> None:
    """Beat: queue again deliveries whose task was lost or whose worker died."""
    outbox.deliveries_reconcile()


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def release_held_notifications() -> None:
    """Beat: send what was held for quiet hours that have ended."""
    outbox.deliveries_release_held()


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def escalate_alerts() -> None:
    """Beat: take the next step of the ladder for people who have not answered an alert."""
    alerts.alerts_escalate()


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def warn_sms_budget() -> None:
    """Beat: tell communications once a month's SMS budget of a category passes 80 %."""
    services.sms_budget_warn()
