"""Periodic survey work for Celery beat: thin, idempotent, calling the services."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(time_limit=240, soft_time_limit=200)
def open_and_close_waves() -> dict[str, int]:
    """Open the waves whose time has come and close those whose window has ended."""
    now = timezone.now()
    opened = services.waves_open_due(now=now)
    closed = services.waves_close_due(now=now)
    return {"opened": len(opened), "closed": closed}


@shared_task(time_limit=240, soft_time_limit=200)
def send_reminders() -> int:
    """Remind non-respondents once per wave, shortly before it closes."""
    return len(services.waves_remind_due(now=timezone.now()))
