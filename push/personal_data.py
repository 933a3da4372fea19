"""Push's personal data: devices, preferences, the inbox; registered in org.personal_data."""

import json
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from org.models import User
from org.personal_data import deactivator, delete_older, eraser, exporter, retention

from .delivery import render
from .models import AlertRecipient, Delivery, Device, Notification, Preference, Recipient

# Replaces the person's name where other people's notifications quote it ("X har brug for
# hjælp", "Trinnet i Xs forløb ..."), so the erased name is in no inbox.
_ERASED_NAME = "Tidligere medarbejder"


@exporter("devices")
def _export_devices(user: User) -> list[dict[str, Any]]:
    return list(
        Device.objects.filter(user=user)
        .order_by("created_at", "id")
        .values(
            "identifier",
            "kind",
            "platform",
            "app_version",
            "created_at",
            "last_seen_at",
            "retired_at",
            "retired_reason",
        )
    )


@exporter("push_preferences")
def _export_preferences(user: User) -> dict[str, Any] | None:
    return (
        Preference.objects.filter(user=user)
        .values(
            "news",
            "minutes",
            "events",
            "onboarding",
            "surveys",
            "quiet_start",
            "quiet_end",
            "quiet_weekdays",
            "updated_at",
        )
        .first()
    )


@exporter("notifications")
def _export_notifications(user: User) -> list[dict[str, Any]]:
    """The inbox, rendered in the person's language, and their answers to crisis alerts."""
    rows = Recipient.objects.filter(user=user).select_related("notification").order_by("-id")
    inbox = []
    for row in rows:
        title, body = render(row.notification, user.language)
        inbox.append(
            {
                "category": row.notification.category,
                "title": title,
                "body": body,
                "received_at": row.created_at,
                "opened_at": row.opened_at,
            }
        )
    return inbox


@exporter("alert_answers")
def _export_alert_answers(user: User) -> list[dict[str, Any]]:
    return [
        {
            "alert": row["alert__title"],
            "sent_at": row["alert__sent_at"],
            "answer": row["answer"] or None,
            "answered_at": row["answered_at"],
        }
        for row in AlertRecipient.objects.filter(user=user)
        .order_by("alert__sent_at", "id")
        .values("alert__title", "alert__sent_at", "answer", "answered_at")
    ]


@deactivator
def _retire_devices(*, user: User) -> None:
    """A deactivated person gets no more push on any of their phones."""
    Device.objects.filter(user=user, retired_at__isnull=True).update(
        retired_at=timezone.now(), retired_reason=Device.RetiredReason.LOGOUT
    )


def _scrub_name(*, name: str) -> None:
    """Replace `name` in the parameters of notifications that quote it (other people's inboxes).

    JSON is stored escaped on SQLite (ensure_ascii) and as is on PostgreSQL: look for both.
    """
    if not name:
        return
    needles = {name, json.dumps(name)[1:-1]}
    text = Cast("params", TextField())
    quoting = Q()
    for needle in needles:
        quoting |= Q(params_text__contains=needle)
    for notification in Notification.objects.annotate(params_text=text).filter(quoting):
        params = {
            key: value.replace(name, _ERASED_NAME) if isinstance(value, str) else value
            for key, value in notification.params.items()
        }
        Notification.objects.filter(pk=notification.pk).update(params=params)


@eraser
def _erase(*, user: User) -> None:
    # Deliveries to the devices go with them (CASCADE): no token remains.
    Delivery.objects.filter(user=user).delete()
    Device.objects.filter(user=user).delete()
    Recipient.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    _scrub_name(name=user.name)


@retention("notifications")
def _purge_notifications(*, cutoff: datetime, dry_run: bool) -> int:
    """Inbox rows and delivery records older than the cutoff; then the emptied notifications.

    A crisis alert keeps its notification row (the alert refers to it), but not its inboxes.
    """
    count = delete_older(Recipient.objects.filter(created_at__lt=cutoff), dry_run=dry_run)
    count += delete_older(
        Delivery.objects.filter(notification__created_at__lt=cutoff), dry_run=dry_run
    )
    emptied = Notification.objects.filter(created_at__lt=cutoff, alert__isnull=True).exclude(
        Exists(Recipient.objects.filter(notification=OuterRef("pk")))
    )
    delete_older(emptied, dry_run=dry_run)
    return count


@retention("retired_devices")
def _purge_retired_devices(*, cutoff: datetime, dry_run: bool) -> int:
    return delete_older(Device.objects.filter(retired_at__lt=cutoff), dry_run=dry_run)
