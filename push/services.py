"""Writes of the notifications app: devices, preferences, and notification_send — the one
entry point other apps call to notify people, on whichever channels reach them.
"""

import hashlib
import logging
from collections.abc import Sequence
from datetime import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, NotFoundError, validate_model
from org.models import Role, User
from org.sms import sms_cost, sms_encoding

from . import delivery, outbox, sms_budget
from .models import (
    SWITCHABLE_CATEGORIES,
    Category,
    Channel,
    Delivery,
    Device,
    Notification,
    Preference,
    Priority,
    Recipient,
)
from .quiet_hours import quiet_until, weekdays_to_mask

logger = logging.getLogger("bro.push")


def session_hash(session_key: str | None) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


# --- Devices -------------------------------------------------------------------------------


def device_register(**fields: Any) -> Device:
    """`device_upsert` for callers that need only the device (the demo, the tests)."""
    device, _created = device_upsert(**fields)
    return device


@transaction.atomic
def device_upsert(
    *,
    user: User,
    identifier: str,
    platform: str,
    kind: str = Device.Kind.TOKEN,
    app_version: str = "",
    session_key: str | None = None,
) -> tuple[Device, bool]:
    """Register a device for `user`; the same identifier again updates it, moving it if needed.

    A token is one app install: when another person logs in on a shared phone, the token
    follows them, and the previous person stops getting push on that phone. Also says whether
    the identifier was new (the API answers 201 then, 200 otherwise).
    """
    now = timezone.now()
    device = Device.objects.select_for_update().filter(identifier=identifier).first()
    created = device is None
    if device is None:
        device = Device(identifier=identifier)
    device.user = user
    device.kind = kind
    device.platform = platform
    device.app_version = app_version
    device.session_hash = session_hash(session_key)
    device.last_seen_at = now
    device.retired_at = None
    device.retired_reason = ""
    validate_model(device, validate_unique=False)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        # Registered by a concurrent request a moment ago: take that row over.
        device.pk = Device.objects.get(identifier=identifier).pk
        device.save(force_update=True)
        created = False
    return device, created


@transaction.atomic
def device_retire(*, user: User, identifier: str) -> None:
    """Retire one of the user's devices; retiring an already retired one is a no-op."""
    device = Device.objects.filter(identifier=identifier, user=user).first()
    if device is None:
        raise NotFoundError(_("Enheden findes ikke."))
    if device.retired_at is None:
        device.retired_at = timezone.now()
        device.retired_reason = Device.RetiredReason.USER
        device.save(update_fields=["retired_at", "retired_reason"])


def devices_retire_for_session(*, session_key: str | None) -> int:
    """Retire the devices registered under a session that has ended (logout)."""
    digest = session_hash(session_key)
    if not digest:
        return 0
    return Device.objects.filter(session_hash=digest, retired_at__isnull=True).update(
        retired_at=timezone.now(), retired_reason=Device.RetiredReason.LOGOUT
    )


# --- Preferences ---------------------------------------------------------------------------


_UNSET = object()


@transaction.atomic
def preference_update(
    *,
    user: User,
    categories: dict[str, bool] | None = None,
    channels: dict[str, bool] | None = None,
    quiet_start: time | Any | None = _UNSET,
    quiet_end: time | Any | None = _UNSET,
    quiet_weekdays: list[int] | None = None,
) -> Preference:
    """Change categories (alerts cannot be switched off) and quiet hours."""
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    for name, enabled in (categories or {}).items():
        if name not in SWITCHABLE_CATEGORIES:
            raise ApplicationError(
                _("Krisebeskeder kan ikke slås fra."),
                fields={"categories": [_("Ukendt eller låst kategori: %(c)s") % {"c": name}]},
            )
        setattr(preference, name, enabled)
    for name, enabled in (channels or {}).items():
        if name not in (Channel.SMS, Channel.EMAIL):
            raise ApplicationError(
                _("Push kan ikke slås fra her; afmeld enheden i stedet."),
                fields={"channels": [_("Ukendt eller låst kanal: %(c)s") % {"c": name}]},
            )
        setattr(preference, name, enabled)
    if quiet_start is not _UNSET:
        preference.quiet_start = quiet_start
    if quiet_end is not _UNSET:
        preference.quiet_end = quiet_end
    if quiet_weekdays is not None:
        preference.quiet_weekdays = weekdays_to_mask(quiet_weekdays)
    if (preference.quiet_start is None) != (preference.quiet_end is None):
        raise ApplicationError(
            _("Stille timer skal have både start og slut."),
            fields={"quiet_hours": [_("Angiv både start og slut, eller ingen af dem.")]},
        )
    if preference.quiet_start is not None and preference.quiet_start == preference.quiet_end:
        raise ApplicationError(
            _("Stille timer skal starte og slutte på forskellige tidspunkter."),
            fields={"quiet_hours": [_("Start og slut er ens.")]},
        )
    validate_model(preference, validate_unique=False)
    preference.save()
    return preference


# --- Notifications -------------------------------------------------------------------------


def _string_data(data: dict | None) -> dict[str, str]:
    """FCM's data payload takes string values only; refuse anything else at the caller."""
    data = data or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError("notification data must map strings to strings")
    return dict(data)


@transaction.atomic
def notification_send(
    *,
    category: str,
    recipients: QuerySet[User],
    title: str,
    body: str = "",
    params: dict[str, Any] | None = None,
    data: dict[str, str] | None = None,
    priority: str = Priority.NORMAL,
    collapse_key: str = "",
    dedup_key: str | None = None,
    channels: Sequence[str] = (Channel.PUSH,),
    fallback: Sequence[str] = (),
) -> Notification:
    """Notify people: an inbox entry each, and a delivery per device and channel, sent after
    commit.

    Call it inside the transaction that writes what it announces. `title` and `body` are
    Danish msgids (mark them with gettext_noop) formatted with `params` in each recipient's
    language. `channels` reach everyone who has an address on them; `fallback` reaches only
    people with no active device, on the first of its channels they have an address for.
    A channel the category's policy (NOTIFY_CHANNEL_POLICY) does not allow is dropped, and so
    is one the person switched off. People who switched the category off are left out, except
    for alerts; people in their quiet hours get it when those end, on every channel, except
    for alerts. SMS beyond the month's budget of the category is skipped (alerts exempt).
    With `dedup_key`, a second call with the same key returns the first notification and
    sends nothing.
    """
    if category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    allowed = set(settings.NOTIFY_CHANNEL_POLICY.get(category, (Channel.PUSH,)))
    channels = [c for c in channels if c in allowed]
    fallback = [c for c in fallback if c in allowed and c != Channel.PUSH]
    if dedup_key and (existing := Notification.objects.filter(dedup_key=dedup_key).first()):
        return existing
    notification = Notification(
        category=category,
        title=title,
        body=body,
        params=params or {},
        data=_string_data(data),
        priority=Priority.HIGH if category == Category.ALERTS else priority,
        collapse_key=collapse_key,
        dedup_key=dedup_key or None,
    )
    validate_model(notification, validate_unique=False)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # A concurrent call with the same dedup_key won the race.
        return Notification.objects.get(dedup_key=dedup_key)
    now = timezone.now()
    people = recipients.filter(is_active=True)
    if category in SWITCHABLE_CATEGORIES:
        # No preference row means every category on.
        people = people.exclude(**{f"push_preference__{category}": False})
    rows = list(
        people.values_list(
            "id",
            "push_preference__quiet_start",
            "push_preference__quiet_end",
            "push_preference__quiet_weekdays",
        ).distinct()
    )
    Recipient.objects.bulk_create(
        [Recipient(notification=notification, user_id=row[0], created_at=now) for row in rows],
        batch_size=1000,
    )
    held_until = {}
    if category != Category.ALERTS:
        for user_id, start, end, weekdays in rows:
            if start is not None and (
                until := quiet_until(start=start, end=end, weekdays=weekdays, now=now)
            ):
                held_until[user_id] = until
    user_ids = [row[0] for row in rows]
    queued = []
    if Channel.PUSH in channels:
        queued += _deliveries_create(
            notification=notification, user_ids=user_ids, held_until=held_until, now=now
        )
    if user_ids and (set(channels) - {Channel.PUSH} or fallback):
        queued += _addressed_deliveries_create(
            notification=notification,
            user_ids=user_ids,
            channels=[c for c in channels if c != Channel.PUSH],
            fallback=fallback,
            held_until=held_until,
            now=now,
        )
    outbox.enqueue_on_commit(queued)
    return notification


def _addressed_deliveries_create(
    *,
    notification: Notification,
    user_ids: list[int],
    channels: list[str],
    fallback: list[str],
    held_until: dict[int, Any],
    now: Any,
) -> list[int]:
    """SMS and e-mail deliveries for these people; return the ids of the queued ones."""
    alert = notification.category == Category.ALERTS
    with_device = (
        set(
            Device.objects.filter(user_id__in=user_ids, retired_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        if fallback
        else set()
    )
    people = User.objects.filter(pk__in=user_ids).values_list(
        "id", "phone", "email", "language", "push_preference__sms", "push_preference__email"
    )
    wanted: list[tuple[int, str, str, str]] = []  # user, channel, address, language
    for user_id, phone, email, language, sms_on, email_on in people:
        address = {Channel.SMS: phone or "", Channel.EMAIL: email or ""}
        # No preference row: both on. Alerts reach every channel whatever the person chose.
        switched_on = {
            Channel.SMS: alert or sms_on is not False,
            Channel.EMAIL: alert or email_on is not False,
        }
        for channel in channels:
            if address[channel] and switched_on[channel]:
                wanted.append((user_id, channel, address[channel], language))
        if fallback and user_id not in with_device:
            for channel in fallback:
                if channel in channels:
                    break
                if address[channel] and switched_on[channel]:
                    wanted.append((user_id, channel, address[channel], language))
                    break
    remaining = None if alert else sms_budget.remaining(category=notification.category, now=now)
    deliveries = []
    for user_id, channel, address, language in wanted:
        row = Delivery(
            notification=notification,
            channel=channel,
            address=address,
            user_id=user_id,
            status=Delivery.Status.HELD if user_id in held_until else Delivery.Status.QUEUED,
            next_attempt_at=held_until.get(user_id),
            updated_at=now,
        )
        if channel == Channel.SMS:
            title, text_body = delivery.render(notification, language)
            text = delivery.message_text(
                notification=notification, title=title, body=text_body, user_id=user_id
            )
            row.segments = sms_encoding(text).segments
            row.cost = sms_cost(row.segments)
            if remaining is not None:
                if row.segments > remaining:
                    row.status, row.error_code, row.next_attempt_at = (
                        Delivery.Status.SKIPPED,
                        "SMS_BUDGET",
                        None,
                    )
                else:
                    remaining -= row.segments
        deliveries.append(row)
    created = Delivery.objects.bulk_create(deliveries, batch_size=1000)
    skipped = sum(1 for d in created if d.error_code == "SMS_BUDGET")
    if skipped:
        logger.warning(
            "notifications: SMS budget of %s spent, %d SMS not sent", notification.category, skipped
        )
    return [d.pk for d in created if d.status == Delivery.Status.QUEUED]


def sms_budget_warn(*, now: Any = None) -> list[str]:
    """Tell communications (push and e-mail) once a month when a category passes the warning."""
    now = now or timezone.now()
    warned = []
    for category, used, budget in sms_budget.over_warning(now=now):
        month = timezone.localtime(now).strftime("%Y-%m")
        notification_send(
            category=Category.SYSTEM,
            recipients=User.objects.filter(roles__role=Role.COMMUNICATIONS),
            title=gettext_noop("SMS-budgettet for %(category)s er næsten brugt"),
            body=gettext_noop("%(used)s af %(budget)s SMS-dele er brugt i denne måned."),
            params={"category": category, "used": used, "budget": budget},
            data={"type": "sms_budget", "category": category},
            channels=(Channel.PUSH, Channel.EMAIL),
            dedup_key=f"sms-budget:{category}:{month}",
        )
        warned.append(category)
    return warned


# One INSERT … SELECT on PostgreSQL: 10,000 deliveries without building a model instance each
# (bulk_create spent 0.75 s of Python on them, half the time of a fan-out's write; bench,
# 2026-11-28). People in their quiet hours get `held` until the time computed for them.
_DELIVERIES_INSERT = """
INSERT INTO {delivery} (
    notification_id, channel, device_id, address, user_id, status, attempts, error_code,
    next_attempt_at, report_status, updated_at
)
SELECT %(notification)s, 'push', device.id, '', device.user_id,
       CASE WHEN held.until IS NULL THEN %(queued)s ELSE %(held)s END, 0, '', held.until,
       '', %(now)s
FROM {device} AS device
LEFT JOIN unnest(%(held_users)s::bigint[], %(held_until)s::timestamptz[])
    AS held (user_id, until) ON held.user_id = device.user_id
WHERE device.user_id = ANY(%(users)s::bigint[]) AND device.retired_at IS NULL
RETURNING id, status
"""


def _deliveries_create(
    *, notification: Notification, user_ids: list[int], held_until: dict[int, Any], now: Any
) -> list[int]:
    """A delivery per active device of these people; return the ids of the queued ones."""
    queued, held = Delivery.Status.QUEUED, Delivery.Status.HELD
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = _DELIVERIES_INSERT.format(
            delivery=quote(Delivery._meta.db_table), device=quote(Device._meta.db_table)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "notification": notification.pk,
                    "queued": queued.value,
                    "held": held.value,
                    "now": now,
                    "held_users": list(held_until),
                    "held_until": list(held_until.values()),
                    "users": user_ids,
                },
            )
            return [id_ for id_, status in cursor.fetchall() if status == queued]
    devices = Device.objects.filter(user_id__in=user_ids, retired_at__isnull=True).values_list(
        "id", "user_id"
    )
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                notification=notification,
                device_id=device_id,
                user_id=user_id,
                status=held if user_id in held_until else queued,
                next_attempt_at=held_until.get(user_id),
                updated_at=now,
            )
            for device_id, user_id in devices
        ],
        batch_size=1000,
    )
    return [d.pk for d in deliveries if d.status == queued]


@transaction.atomic
def notification_open(*, user: User, notification_id: int) -> Recipient:
    """Mark a notification in the user's inbox as opened (the first time counts)."""
    recipient = (
        Recipient.objects.select_for_update()
        .filter(user=user, notification_id=notification_id)
        .first()
    )
    if recipient is None:
        raise NotFoundError(_("Notifikationen findes ikke."))
    if recipient.opened_at is None:
        recipient.opened_at = timezone.now()
        recipient.save(update_fields=["opened_at"])
    return recipient


# --- SMS delivery reports ------------------------------------------------------------------

# GatewayAPI's final states; anything else (BUFFERED, ENROUTE, SCHEDULED) is on its way.
_REPORT_DELIVERED = {"DELIVERED", "ACCEPTED"}
_REPORT_FAILED = {"UNDELIVERABLE", "REJECTED", "EXPIRED", "DELETED", "SKIPPED"}


@transaction.atomic
def sms_report_record(*, delivery_id: int, status: str, reported_at: Any) -> Delivery | None:
    """Record the gateway's delivery report on an SMS delivery; None when there is no such row.

    Reports may come out of order or twice: once a final state is recorded, later ones change
    nothing. A failure report fails the row (the gateway accepted it, the phone never got it).
    """
    row = (
        Delivery.objects.select_for_update()
        .filter(pk=delivery_id, channel=Channel.SMS)
        .exclude(status__in=[Delivery.Status.HELD, Delivery.Status.SKIPPED])
        .first()
    )
    if row is None:
        return None
    status = status.upper()[:20]
    final = _REPORT_DELIVERED | _REPORT_FAILED
    if row.report_status in final or status not in final | {"BUFFERED", "ENROUTE", "SCHEDULED"}:
        return row
    row.report_status = status
    if status in _REPORT_DELIVERED:
        row.delivered_at = reported_at
        if row.status != Delivery.Status.SENT:
            # The report beat the worker's own record (a worker killed after the gateway took it).
            row.status, row.sent_at, row.claim = Delivery.Status.SENT, reported_at, None
    elif status in _REPORT_FAILED:
        row.status, row.error_code, row.claim = Delivery.Status.FAILED, f"DSN_{status}", None
    row.updated_at = timezone.now()
    validate_model(row, validate_unique=False)
    row.save()
    return row
