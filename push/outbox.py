"""The queue side of delivery: hand rows to the broker after commit, release held rows,
reconcile what the broker lost. The sending itself is in delivery.py.

The chunk task lives here, beside `publish`, so that writing a notification (services.py)
needs neither the beat tasks nor the crisis ladder: nothing here imports tasks.py or alerts.py.
"""

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import delivery
from .models import Delivery

logger = logging.getLogger("bro.push")

# A chunk of 500 costs ~1 s of SDK CPU; a hung FCM costs at most 2 x FCM_HTTP_TIMEOUT_SECONDS.
# The hard limit stays below PUSH_CLAIM_LEASE_SECONDS so no claim outlives its task.
SEND_SOFT_LIMIT = 90
SEND_HARD_LIMIT = 100


@shared_task(
    name="push.tasks.send_deliveries",
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_HARD_LIMIT,
    ignore_result=True,
)
def send_deliveries(delivery_ids: list[int]) -> None:
    """Send one chunk (at most 500); schedule the transient failures again with backoff."""
    schedule = delivery.deliveries_send(delivery_ids=delivery_ids)
    for seconds, ids in schedule.items():
        transaction.on_commit(lambda ids=ids, seconds=seconds: publish(ids, countdown=seconds))


def publish(delivery_ids: list[int], *, countdown: float | None = None) -> None:
    """Queue chunk tasks now; if the broker is down, log it and leave it to the reconciler."""
    for chunk in delivery.chunks(sorted(delivery_ids)):
        try:
            # No publish retries: a request must not hang on a dead broker; the rows are safe.
            send_deliveries.apply_async((chunk,), countdown=countdown, retry=False)
        except (BrokerError, OSError):
            logger.warning(
                "push: broker unreachable, %d deliveries wait for the reconciler", len(chunk)
            )
            return


def enqueue_on_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(lambda: publish(delivery_ids))


def deliveries_release_held(*, now: Any = None) -> int:
    """Queue deliveries held for quiet hours that have now ended."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.HELD, next_attempt_at__lte=now).values_list(
            "id", flat=True
        )
    )
    released = 0
    for chunk in delivery.chunks(ids):
        with transaction.atomic():
            released += Delivery.objects.filter(id__in=chunk, status=Delivery.Status.HELD).update(
                status=Delivery.Status.QUEUED, next_attempt_at=None, updated_at=now
            )
            enqueue_on_commit(chunk)
    return released


def deliveries_reconcile(*, now: Any = None) -> int:
    """Queue again what no task will send: stale queued, overdue retries, expired claims."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PUSH_STALE_QUEUED_SECONDS)
    lease_expired = now - timedelta(seconds=settings.PUSH_CLAIM_LEASE_SECONDS)
    with transaction.atomic():
        orphaned = list(
            Delivery.objects.filter(
                status=Delivery.Status.SENDING, claimed_at__lt=lease_expired
            ).values_list("id", flat=True)
        )
        for chunk in delivery.chunks(orphaned):
            Delivery.objects.filter(
                id__in=chunk, status=Delivery.Status.SENDING, claimed_at__lt=lease_expired
            ).update(status=Delivery.Status.QUEUED, claim=None, updated_at=now)
        lost = list(
            Delivery.objects.filter(
                Q(status=Delivery.Status.QUEUED, updated_at__lt=stale)
                | Q(status=Delivery.Status.RETRYING, next_attempt_at__lt=stale)
            ).values_list("id", flat=True)
        )
        for chunk in delivery.chunks(lost):
            # Touch them, so the next run waits another PUSH_STALE_QUEUED_SECONDS for this task.
            Delivery.objects.filter(
                id__in=chunk, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING]
            ).update(status=Delivery.Status.QUEUED, updated_at=now)
        ids = sorted(set(orphaned) | set(lost))
        if ids:
            logger.warning(
                "push: reconciler re-queues %d deliveries (%d from dead workers)",
                len(ids),
                len(orphaned),
            )
        enqueue_on_commit(ids)
    return len(ids)
