"""Follow-up work for Celery: thin, idempotent, calling the services."""

from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def create_followups(wave_id: int) -> int:
    """Give the leaders with a shown result of a closed wave their follow-up tasks."""
    return len(services.followups_create(wave_id=wave_id))


def wave_closed(*, wave_id: int) -> None:
    """surveys.hooks: a wave closed and its transaction committed; queue the follow-ups."""
    create_followups.delay(wave_id)
