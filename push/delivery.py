"""Delivery bookkeeping on every channel: claim, send, record, retry (outbox.py queues,
releases held rows and reconciles).

The database is the truth about what has been sent, not the broker (a Redis without AOF
loses its queue on a crash; an unacked task comes back only after the visibility timeout):

* a chunk task claims its rows in one UPDATE whose WHERE names the claimable states, so a
  task delivered twice (acks_late, or the reconciler) finds nothing left to claim;
* the claim commits before the HTTP calls, and each result is written right after them;
* the reconciler re-queues rows whose task was lost: queued or due for retry too long, or
  claimed by a worker that died before recording a result (after PUSH_CLAIM_LEASE_SECONDS).

A worker killed between FCM (or the SMS gateway, or the SMTP server) accepting a message and
the result being written leaves rows whose fate is unknown; they are sent again (a crisis
alert must not be lost). A push message carries the notification as Android tag / APNs
collapse id, so the phone shows it once; an SMS or e-mail resent is seen twice, which is why
their channels keep fewer on the wire (SMS_SEND_CONCURRENCY, EMAIL_SEND_CONCURRENCY).

Every channel takes the same path: a chunk task claims the rows of one channel at a time
and hands them to that channel's `Sending` (push: fcm.py; SMS and e-mail: channels.py).
"""

import logging
import random
import time
import uuid
from collections import defaultdict, deque
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import channels, fcm, links
from .models import Channel, Delivery, Device, Notification
from .sending import RETIRE, TRANSIENT, Outcome

logger = logging.getLogger("bro.push")

CHUNK = fcm.MAX_BATCH
# Outcomes that have arrived are written together, at most this far apart: one UPDATE per
# kind of outcome for every few dozen messages, instead of one per message.
RECORD_INTERVAL = 0.005
# A chunk task puts no message on the wire after this long and queues the rest as a task of
# its own: if FCM hangs, every PUSH_SEND_CONCURRENCY messages cost an HTTP timeout, and the
# task must end (budget + the timeouts of what is on the wire) before tasks.SEND_SOFT_LIMIT.
SEND_BUDGET_SECONDS = 30.0


def chunks(ids: list[int], size: int = CHUNK) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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
    """Send the claimable ones of these deliveries; return {seconds: ids} to queue again.

    Not one transaction: each claim commits before its messages go out, and no lock is held
    while they are on the wire. Outcomes are written as their responses arrive, together at
    most RECORD_INTERVAL apart, and a message goes on the wire only while fewer than the
    channel's limit are sent and not yet written: a worker killed at any moment leaves at most
    that many messages that were accepted without a record, which the reconciler sends again
    (the only duplicates). The channels of a chunk are sent one after the other.
    """
    Delivery.objects.filter(
        id__in=delivery_ids,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING],
        device__retired_at__isnull=False,
    ).update(status=Delivery.Status.SKIPPED, updated_at=timezone.now())
    by_channel: dict[str, list[int]] = defaultdict(list)
    for id_, channel in Delivery.objects.filter(id__in=delivery_ids).values_list("id", "channel"):
        by_channel[channel].append(id_)
    started = time.monotonic()
    schedule: dict[float, list[int]] = defaultdict(list)
    for channel in sorted(by_channel):
        for seconds, ids in _send_channel(
            channel=channel, delivery_ids=by_channel[channel], started=started
        ).items():
            schedule[seconds] += ids
    return dict(schedule)


def _send_channel(*, channel: str, delivery_ids: list[int], started: float) -> dict:
    claim = uuid.uuid4()
    batch_size = settings.PUSH_SEND_BATCH_SIZE
    batches = deque(chunks(sorted(delivery_ids), batch_size))
    sending = channels.open_sending(channel)
    waiting: deque[tuple[tuple, Any]] = deque()  # claimed, not yet sent
    on_the_wire: dict[int, tuple] = {}  # sent, outcome not yet written
    arrived: list[tuple[int, Outcome]] = []
    recorded_at = started
    cache: dict = {}
    schedule: dict[float, list[int]] = defaultdict(list)
    try:
        with _commits_unflushed():
            while batches or waiting or on_the_wire:
                if time.monotonic() - started > SEND_BUDGET_SECONDS and (batches or waiting):
                    schedule[0.0] += _hand_back(claim=claim, batches=batches, waiting=waiting)
                if batches and len(waiting) < batch_size:
                    waiting += _claim(
                        claim=claim, channel=channel, delivery_ids=batches.popleft(), cache=cache
                    )
                while waiting and len(on_the_wire) < sending.limit:
                    row, message = waiting.popleft()
                    on_the_wire[row[0]] = row
                    sending.submit(row[0], message)
                if sending.pending:
                    due = recorded_at + RECORD_INTERVAL - time.monotonic()
                    arrived += sending.collect(timeout=max(0.0, due) if arrived else None)
                now = time.monotonic()
                if arrived and (now - recorded_at >= RECORD_INTERVAL or not sending.pending):
                    outcomes = [(on_the_wire.pop(id_), outcome) for id_, outcome in arrived]
                    for seconds, ids in _record(claim=claim, outcomes=outcomes).items():
                        schedule[seconds] += ids
                    arrived, recorded_at = [], now
    finally:
        # Only when the task stops early (time limit, error): what is still claimed stays so,
        # and the reconciler queues it again once the lease has run out.
        sending.cancel()
    return dict(schedule)


def _hand_back(*, claim: uuid.UUID, batches: deque, waiting: deque) -> list[int]:
    """Give back what this task has not sent: unclaim the claimed rows, forget the rest."""
    unsent = [row[0] for row, _message in waiting]
    if unsent:
        Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING, id__in=unsent).update(
            status=Delivery.Status.QUEUED,
            claim=None,
            attempts=F("attempts") - 1,
            updated_at=timezone.now(),
        )
    unclaimed = [id_ for batch in batches for id_ in batch]
    batches.clear()
    waiting.clear()
    logger.warning("push: send budget spent, %d deliveries go back to the queue", len(unsent))
    return unsent + unclaimed


@contextmanager
def _commits_unflushed():
    """On PostgreSQL, let this bookkeeping's commits return before the WAL reaches the disk.

    A worker that dies loses nothing committed: the server has it. Only a crash of the
    database server can lose the last moments of commits (at most 3 x wal_writer_delay), and a
    lost claim or outcome means those messages are sent again, no worse than the messages on
    the wire when a worker dies. Waiting for the disk at every commit (6 ms on an idle test
    machine, tens of ms when busy) held up the writing of outcomes, and every outcome not yet
    written when a worker is killed is a message sent twice.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            # Never hand a connection with this setting to the next task.
            connection.close()


def _claim(*, claim: uuid.UUID, channel: str, delivery_ids: list[int], cache: dict) -> list:
    """Claim the claimable ones of these rows; return (row, message) for each claimed."""
    now = timezone.now()
    # The state test is on this table's own columns, so PostgreSQL re-checks it on a row a
    # concurrent claimer just changed: of two tasks, exactly one claims each row.
    claimed = Delivery.objects.filter(
        Q(status=Delivery.Status.QUEUED)
        | Q(status=Delivery.Status.RETRYING, next_attempt_at__lte=now),
        id__in=delivery_ids,
        channel=channel,
    ).update(
        status=Delivery.Status.SENDING,
        claim=claim,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return []
    rows = list(
        Delivery.objects.filter(claim=claim, id__in=delivery_ids, status=Delivery.Status.SENDING)
        .order_by("id")
        .values_list(
            "id",
            "notification_id",
            "device_id",
            "device__identifier",
            "device__kind",
            "user__language",
            "address",
            "user_id",
            "attempts",
        )
    )
    notifications = cache.setdefault("notifications", {})
    if missing := {row[1] for row in rows} - notifications.keys():
        notifications.update(Notification.objects.in_bulk(missing))
    rendered = cache.setdefault("rendered", {})
    claimed_messages = []
    for row in rows:
        id_, notification_id, _device, identifier, kind, language, address, user_id, _a = row
        notification = notifications[notification_id]
        key = (notification_id, language)
        if key not in rendered:
            rendered[key] = render(notification, language)
        title, body = rendered[key]
        if channel == Channel.PUSH:
            message = fcm.OutgoingMessage(
                identifier=identifier,
                kind=kind,
                title=title,
                body=body,
                data=notification.data,
                priority=notification.priority,
                collapse_key=notification.collapse_key,
                notification_id=notification_id,
            )
        else:
            message = channels.AddressedMessage(
                address=address,
                subject=title,
                text=message_text(
                    notification=notification, title=title, body=body, user_id=user_id
                ),
                reference=str(id_),
            )
        claimed_messages.append((row, message))
    return claimed_messages


def message_text(*, notification: Notification, title: str, body: str, user_id: int) -> str:
    """The text of an SMS or e-mail: title, body, and the person's own link when there is one."""
    text = f"{title}\n{body}" if body else title
    link = links.link_for_notification(notification=notification, user_id=user_id)
    return f"{text}\n{link}" if link else text


def _record(*, claim: uuid.UUID, outcomes: list[tuple[tuple, Outcome]]) -> dict:
    """Write these results with one UPDATE per kind of outcome (one commit when all were sent)."""
    now = timezone.now()
    sent: list[int] = []
    retire: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    final: dict[str, list[int]] = defaultdict(list)
    later: dict[tuple[str, float], list[int]] = defaultdict(list)
    # One jitter draw per write: it spreads chunks (the thundering herd), not rows of one chunk.
    jitter = random.uniform(0.5, 1.0)
    for (delivery_id, _n, device_id, *_rest, attempts), outcome in outcomes:
        if outcome.ok:
            sent.append(delivery_id)
        elif outcome.action == RETIRE:
            retire[outcome.code][0].append(delivery_id)
            retire[outcome.code][1].append(device_id)
        elif outcome.action == TRANSIENT and attempts < settings.PUSH_MAX_ATTEMPTS:
            delay = _backoff(attempts=attempts, retry_after=outcome.retry_after, jitter=jitter)
            later[(outcome.code, round(delay, 3))].append(delivery_id)
        else:
            final[outcome.code].append(delivery_id)
    # Atomic only when there is more than one statement: each commit waits for the disk.
    with transaction.atomic() if retire or final or later else nullcontext():
        return _write_outcomes(
            claim=claim, now=now, sent=sent, retire=retire, final=final, later=later
        )


def _write_outcomes(
    *,
    claim: uuid.UUID,
    now: Any,
    sent: list[int],
    retire: dict[str, tuple[list[int], list[int]]],
    final: dict[str, list[int]],
    later: dict[tuple[str, float], list[int]],
) -> dict[float, list[int]]:
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
