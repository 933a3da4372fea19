"""Periodic jobs inside the development server, for the embedded default (no broker, no beat).

Production runs Celery beat with a worker. The demo (`./bro run`) has neither, so without this
no survey wave would open, no scheduled post publish, no reminder go out. This thread reads the
same CELERY_BEAT_SCHEDULE and runs each task in process (tasks are eager without a broker) at
start and then every period. Every task is idempotent and claims its work, so a tick that
overlaps another does nothing twice.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection

from backend.celery import app as celery_app

logger = logging.getLogger("bro.devbeat")


class DevBeat(threading.Thread):
    """Run every beat entry at start, then each again when its period has passed."""

    def __init__(self, *, schedule: dict | None = None, tick_seconds: float = 1.0) -> None:
        super().__init__(name="bro-devbeat", daemon=True)
        self.schedule = schedule if schedule is not None else settings.CELERY_BEAT_SCHEDULE
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()
        self.runs: dict[str, int] = dict.fromkeys(self.schedule, 0)
        self.failures: dict[str, int] = dict.fromkeys(self.schedule, 0)
        self.next_run: dict[str, float] = dict.fromkeys(self.schedule, 0.0)
        # Each app's tasks module, as a worker imports them at start (autodiscovery is lazy).
        celery_app.loader.import_default_modules()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick(time.monotonic())
            self.stopped.wait(self.tick_seconds)

    def tick(self, now: float) -> list[str]:
        """Run the entries whose time has come (`now` on the monotonic clock); return them."""
        ran = []
        for name, entry in self.schedule.items():
            if now >= self.next_run[name]:
                self._run_one(name, entry["task"])
                self.next_run[name] = now + float(entry["schedule"])
                ran.append(name)
        return ran

    def stop(self) -> None:
        self.stopped.set()

    def _run_one(self, name: str, task_name: str) -> None:
        self._close_old_connections()
        try:
            celery_app.tasks[task_name].apply(throw=True)
        # One failing job must not stop the others, nor the thread: beat in production keeps
        # going too. The traceback goes to the log.
        except Exception:
            logger.exception("periodic job failed: %s", name)
            self.failures[name] += 1
        else:
            self.runs[name] += 1
        finally:
            self._close_old_connections()

    @staticmethod
    def _close_old_connections() -> None:
        # As a worker does between tasks; never a connection inside a transaction (a caller's
        # atomic block, as in the tests), which Django would otherwise close as unusable.
        if not connection.in_atomic_block:
            close_old_connections()


def start() -> DevBeat | None:
    """Start the in-process beat unless a broker is configured (then Celery beat does it)."""
    if settings.CELERY_BROKER_URL:
        logger.info("CELERY_BROKER_URL is set: periodic jobs are Celery beat's, not started here")
        return None
    beat = DevBeat()
    beat.start()
    logger.info("periodic jobs run in process (%d jobs)", len(beat.schedule))
    return beat
