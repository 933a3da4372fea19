"""Delivery bookkeeping: claim, send, record, retry, release held, reconcile.

The database is the truth about what has been sent, not the broker (a Redis without AOF
loses its queue on a crash; an unacked task comes back only after the visibility timeout):

* a chunk task claims its rows in one UPDATE whose WHERE names the claimable states, so a
  task delivered twice (acks_late, or the reconciler) finds nothing left to claim;
* the claim commits before the HTTP calls, and each result is written right after them;
* the reconciler re-queues rows whose task was lost: queued or due for retry too long, or
  claimed by a worker that died before recording a result (after PUSH_CLAIM_LEASE_SECONDS).

A worker killed between FCM accepting a message and the result being written leaves rows
whose fate is unknown; they are sent again (a crisis alert must not be lost). The message
carries the notification as Android tag / APNs collapse id, so the phone shows it once.
"""

import logging
import random
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerError

from . import fcm
from .models import Delivery, Device, Notification

logger = logging.getLogger("bro.push")

CHUNK = fcm.MAX_BATCH


def chunks(ids: list[int], size: int = CHUNK) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def publish(delivery_ids: list[int], *, countdown: float | None = None) -> None:
    """Queue chunk tasks now; if the broker is down, log it and leave it to the reconciler."""
    from .tasks import send_deliveries

    for chunk in chunks(sorted(delivery_ids)):
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


def render(notification: Notification, language: str) -> tuple[str, str]:
    """Title and body in `language`: the stored Danish msgids translated, then formatted."""
    with translation.override(language):
        title, body = (
            gettext(notification.title),
            gettext(notification.body) if notification.body else "",
        )
    params = notification.params
    if params:
        try:
            return title % params, body % params
        except (KeyError, ValueError, TypeError):
            logger.warning(
                "push: notification %s has params its text does not fit", notification.pk
            )
    return title, body


def _backoff(*, attempts: int, retry_after: float, jitter: float) -> float:
    """Exponential from PUSH_RETRY_BASE_SECONDS, capped, jittered, and never before Retry-After."""
    exponential = min(
        settings.PUSH_RETRY_MAX_SECONDS, settings.PUSH_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    )
    return max(retry_after, exponential * jitter)


def deliveries_send(*, delivery_ids: list[int]) -> dict[float, list[int]]:
    """Send the claimable ones of these deliveries; return {seconds: ids} to try again later.

    Not one transaction: each claim must be committed before its HTTP calls, and no lock may
    be held while they run. A chunk goes out in batches of PUSH_SEND_BATCH_SIZE, each claimed,
    sent and recorded before the next, so a crash leaves at most one batch per worker process
    whose fate is unknown.
    """
    schedule: dict[float, list[int]] = defaultdict(list)
    for batch in chunks(sorted(delivery_ids), settings.PUSH_SEND_BATCH_SIZE):
        for seconds, ids in _send_batch(batch).items():
            schedule[seconds].extend(ids)
    return dict(schedule)


def _send_batch(delivery_ids: list[int]) -> dict[float, list[int]]:
    now = timezone.now()
    claim = uuid.uuid4()
    Delivery.objects.filter(
        id__in=delivery_ids,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING],
        device__retired_at__isnull=False,
    ).update(status=Delivery.Status.SKIPPED, updated_at=now)
    # The state test is on this table's own columns, so PostgreSQL re-checks it on a row a
    # concurrent claimer just changed: of two tasks, exactly one claims each row.
    claimed = Delivery.objects.filter(
        Q(status=Delivery.Status.QUEUED)
        | Q(status=Delivery.Status.RETRYING, next_attempt_at__lte=now),
        id__in=delivery_ids,
    ).update(
        status=Delivery.Status.SENDING,
        claim=claim,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return {}
    rows = list(
        Delivery.objects.filter(claim=claim)
        .order_by("id")
        .values_list(
            "id",
            "notification_id",
            "device_id",
            "device__identifier",
            "device__kind",
            "user__language",
            "attempts",
        )
    )
    notifications = Notification.objects.in_bulk({row[1] for row in rows})
    rendered: dict[tuple[int, str], tuple[str, str]] = {}
    messages = []
    for _id, notification_id, _device, identifier, kind, language, _attempts in rows:
        key = (notification_id, language)
        if key not in rendered:
            rendered[key] = render(notifications[notification_id], language)
        notification = notifications[notification_id]
        title, body = rendered[key]
        messages.append(
            fcm.OutgoingMessage(
                identifier=identifier,
                kind=kind,
                title=title,
                body=body,
                data=notification.data,
                priority=notification.priority,
                collapse_key=notification.collapse_key,
                notification_id=notification_id,
            )
        )
    outcomes = fcm.get_backend().send(messages)
    return _record(claim=claim, rows=rows, outcomes=outcomes)


@transaction.atomic
def _record(*, claim: uuid.UUID, rows: list[tuple], outcomes: list[fcm.Outcome]) -> dict:
    """Write one chunk's results with a handful of UPDATEs (grouped by outcome)."""
    now = timezone.now()
    sent: list[int] = []
    retire: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    final: dict[str, list[int]] = defaultdict(list)
    later: dict[tuple[str, float], list[int]] = defaultdict(list)
    # One jitter draw per chunk: it spreads chunks (the thundering herd), not rows of one chunk.
    jitter = random.uniform(0.5, 1.0)
    for (delivery_id, _n, device_id, *_rest, attempts), outcome in zip(rows, outcomes, strict=True):
        if outcome.ok:
            sent.append(delivery_id)
        elif outcome.action == fcm.RETIRE:
            retire[outcome.code][0].append(delivery_id)
            retire[outcome.code][1].append(device_id)
        elif outcome.action == fcm.TRANSIENT and attempts < settings.PUSH_MAX_ATTEMPTS:
            delay = _backoff(attempts=attempts, retry_after=outcome.retry_after, jitter=jitter)
            later[(outcome.code, round(delay, 3))].append(delivery_id)
        else:
            final[outcome.code].append(delivery_id)
    mine = Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING)
    if sent:
        mine.filter(id__in=sent).update(
            status=Delivery.Status.SENT, sent_at=now, error_code="", claim=None, updated_at=now
        )
    for code, (delivery_ids, device_ids) in retire.items():
        mine.filter(id__in=delivery_ids).update(
            status=Delivery.Status.FAILED, error_code=code, claim=None, updated_at=now
        )
        reason = (
            Device.RetiredReason.UNREGISTERED
            if code == "UNREGISTERED"
            else Device.RetiredReason.INVALID
        )
        Device.objects.filter(id__in=device_ids, retired_at__isnull=True).update(
            retired_at=now, retired_reason=reason
        )
    for code, delivery_ids in final.items():
        mine.filter(id__in=delivery_ids).update(
            status=Delivery.Status.FAILED, error_code=code, claim=None, updated_at=now
        )
    schedule: dict[float, list[int]] = defaultdict(list)
    for (code, delay), delivery_ids in later.items():
        mine.filter(id__in=delivery_ids).update(
            status=Delivery.Status.RETRYING,
            error_code=code,
            next_attempt_at=now + timedelta(seconds=delay),
            claim=None,
            updated_at=now,
        )
        schedule[delay].extend(delivery_ids)
    if later or retire or final:
        logger.info(
            "push: %d sent, %d retired, %d failed, %d to retry",
            len(sent),
            sum(len(v[0]) for v in retire.values()),
            sum(len(v) for v in final.values()),
            sum(len(v) for v in later.values()),
        )
    return dict(schedule)


def deliveries_release_held(*, now: Any = None) -> int:
    """Queue deliveries held for quiet hours that have now ended."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.HELD, next_attempt_at__lte=now).values_list(
            "id", flat=True
        )
    )
    released = 0
    for chunk in chunks(ids):
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
        for chunk in chunks(orphaned):
            Delivery.objects.filter(
                id__in=chunk, status=Delivery.Status.SENDING, claimed_at__lt=lease_expired
            ).update(status=Delivery.Status.QUEUED, claim=None, updated_at=now)
        lost = list(
            Delivery.objects.filter(
                Q(status=Delivery.Status.QUEUED, updated_at__lt=stale)
                | Q(status=Delivery.Status.RETRYING, next_attempt_at__lt=stale)
            ).values_list("id", flat=True)
        )
        for chunk in chunks(lost):
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
