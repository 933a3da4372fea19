"""Content's personal data: read receipts, acknowledgements, RSVPs; registered in org.personal_data.

Erasure keeps read receipts and past RSVPs (they belong to the anonymised person from then on,
so reach and attendance keep counting) until the retention table removes them; RSVPs to
events still ahead are withdrawn, so the place goes to the first on the waiting list.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone

from org.models import User
from org.personal_data import delete_older, eraser, exporter, retention

from . import services
from .models import Decision, ReadReceipt, Rsvp, RsvpAnswer


@exporter("read_receipts")
def _export_read_receipts(user: User) -> list[dict[str, Any]]:
    return [
        {"post": row["post_id"], "title": row["post__title"], "read_at": row["read_at"]}
        for row in ReadReceipt.objects.filter(user=user)
        .order_by("read_at", "id")
        .values("post_id", "post__title", "read_at")
    ]


@exporter("acknowledgements")
def _export_acknowledgements(user: User) -> list[dict[str, Any]]:
    return [
        {
            "post": row["post_id"],
            "title": row["post__title"],
            "acknowledged_at": row["acknowledged_at"],
        }
        for row in ReadReceipt.objects.filter(user=user, acknowledged_at__isnull=False)
        .order_by("acknowledged_at", "id")
        .values("post_id", "post__title", "acknowledged_at")
    ]


@exporter("rsvps")
def _export_rsvps(user: User) -> list[dict[str, Any]]:
    return [
        {
            "post": row["post_id"],
            "title": row["post__title"],
            "starts_at": row["post__starts_at"],
            "answer": row["answer"],
            "waitlisted": row["waitlisted"],
            "answered_at": row["answered_at"],
        }
        for row in Rsvp.objects.filter(user=user)
        .order_by("answered_at", "id")
        .values("post_id", "post__title", "post__starts_at", "answer", "waitlisted", "answered_at")
    ]


@exporter("decisions_owned")
def _export_decisions(user: User) -> list[dict[str, Any]]:
    """Decisions in minutes that name the person as responsible."""
    return [
        {
            "post": row["post_id"],
            "meeting": row["post__meeting_name"],
            "meeting_date": row["post__meeting_date"],
            "decision": row["text"],
            "deadline": row["deadline"],
        }
        for row in Decision.objects.filter(owner=user)
        .order_by("post__meeting_date", "id")
        .values("post_id", "post__meeting_name", "post__meeting_date", "text", "deadline")
    ]


@eraser
def _erase(*, user: User) -> None:
    upcoming = Rsvp.objects.filter(user=user, post__starts_at__gt=timezone.now())
    for rsvp in upcoming.filter(answer=RsvpAnswer.YES, waitlisted=False).select_related("post"):
        # Through the service, so the first on the waiting list gets the place.
        services.event_rsvp(post=rsvp.post, user=user, answer=RsvpAnswer.NO)
    upcoming.delete()


@retention("read_receipts")
def _purge_read_receipts(*, cutoff: datetime, dry_run: bool) -> int:
    return delete_older(ReadReceipt.objects.filter(read_at__lt=cutoff), dry_run=dry_run)


@retention("rsvps")
def _purge_rsvps(*, cutoff: datetime, dry_run: bool) -> int:
    return delete_older(Rsvp.objects.filter(post__starts_at__lt=cutoff), dry_run=dry_run)
