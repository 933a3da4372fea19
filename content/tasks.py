"""Celery tasks for content: thin, idempotent, each calling one service."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50,
    time_limit=60,
)
def publish_due_posts() -> int:
    """Beat, every 30 s: publish scheduled posts whose time has come (each once)."""
    return len(services.posts_publish_due())


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def remind_unacknowledged() -> int:
    """Beat, every 15 min: hand off must-read reminders whose stage is due (each once)."""
    return len(services.post_ack_reminders_send())
