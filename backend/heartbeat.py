"""Heartbeats of Celery beat and the workers, kept in the shared cache for /health/.

Beat writes its own heartbeat from its scheduler loop (`Scheduler.tick`), so a beat process
that died or hangs goes silent even while workers are busy; a worker writes its heartbeat
when it runs the `backend.heartbeat.beat` task that beat sends every HEARTBEAT_SECONDS, so a
silent worker heartbeat means no worker is taking tasks (or beat sends none). /health/
answers 503 when either has been silent for more than two periods.
"""

import time

from celery import shared_task
from celery.beat import PersistentScheduler
from django.core.cache import cache

HEARTBEAT_SECONDS = 60.0
BEAT_KEY = "bro:heartbeat:beat"
WORKER_KEY = "bro:heartbeat:worker"
_TTL = 24 * 3600


def record(key: str) -> None:
    cache.set(key, time.time(), _TTL)


def age(key: str) -> float | None:
    """Seconds since the last heartbeat, None when there never was one (or the cache lost it)."""
    at = cache.get(key)
    return None if at is None else max(0.0, time.time() - float(at))


class Scheduler(PersistentScheduler):
    """Celery's default scheduler, writing beat's heartbeat at most once per period."""

    _last = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last >= HEARTBEAT_SECONDS / 2:
            record(BEAT_KEY)
            self._last = now
        return min(super().tick(*args, **kwargs), HEARTBEAT_SECONDS / 2)


@shared_task(name="backend.heartbeat.beat", soft_time_limit=10, time_limit=20, ignore_result=True)
def worker_heartbeat() -> None:
    """Beat: a worker ran this, so some worker is taking tasks."""
    record(WORKER_KEY)
