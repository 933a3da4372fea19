"""Periodic onboarding work: thin, idempotent (the service claims each reminder once)."""

from celery import shared_task

from . import services


@shared_task(soft_time_limit=240, time_limit=300, ignore_result=True)
def send_step_reminders() -> dict[str, int]:
    """Send the "due" and "overdue" step reminders not sent yet (beat, every 5 minutes)."""
    return services.step_reminders_send()
