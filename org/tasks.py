"""Celery tasks of the organisation: thin and idempotent; the work is in org.erasure."""

from celery import shared_task

from . import erasure


@shared_task(soft_time_limit=240, time_limit=300, ignore_result=True)
def offboard_ended_people() -> dict[str, int]:
    """Beat: deactivate people whose end date has passed; erase them after the retention time."""
    return erasure.people_offboard_ended()


@shared_task(soft_time_limit=1500, time_limit=1800, ignore_result=True)
def enforce_retention(dry_run: bool = False) -> dict[str, int]:
    """Beat: delete personal data older than the retention table allows (daily)."""
    return erasure.retention_enforce(dry_run=dry_run)
