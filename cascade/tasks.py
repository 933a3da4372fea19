from celery import shared_task

from . import services


@shared_task(soft_time_limit=120, time_limit=150, ignore_result=True)
def send_reminders() -> dict[str, int]:
    """Remind leaders of overdue cascade steps, then their own leader (idempotent)."""
    return services.reminders_send()
