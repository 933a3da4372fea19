"""Celery tasks of the push app: thin, idempotent, taking ids; the work is in the services."""

from celery import shared_task
from django.db import transaction

from . import alerts, delivery

# A chunk of 500 costs ~1 s of SDK CPU; a hung FCM costs at most 2 x FCM_HTTP_TIMEOUT_SECONDS.
# The hard limit stays below PUSH_CLAIM_LEASE_SECONDS so no claim outlives its task.
SEND_SOFT_LIMIT = 90
SEND_HARD_LIMIT = 100


@shared_task(soft_time_limit=SEND_SOFT_LIMIT, time_limit=SEND_HARD_LIMIT, ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> None:
    """Send one chunk (at most 500); schedule the transient failures again with backoff."""
    schedule = delivery.deliveries_send(delivery_ids=delivery_ids)
    for seconds, ids in schedule.items():
        transaction.on_commit(
            lambda ids=ids, seconds=seconds: delivery.publish(ids, countdown=seconds)
        )


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def reconcile_deliveries() -> None:
    """Beat: queue again deliveries whose task was lost or whose worker died."""
    delivery.deliveries_reconcile()


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def release_held_notifications() -> None:
    """Beat: send what was held for quiet hours that have ended."""
    delivery.deliveries_release_held()


@shared_task(soft_time_limit=50, time_limit=60, ignore_result=True)
def escalate_alerts() -> None:
    """Beat: take the next step of the ladder for people who have not answered an alert."""
    alerts.alerts_escalate()
