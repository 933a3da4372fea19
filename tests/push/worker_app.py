"""The Celery app for a test's real worker process: Bro's app on the test's own queue.

`celery -A tests.push.worker_app worker -Q $BRO_TEST_QUEUE`; the queue is also the default,
so the tasks the worker queues itself (retries, re-queues) stay on it.
"""

import os

import django

django.setup()

from backend.celery import app  # noqa: E402

app.conf.task_default_queue = os.environ["BRO_TEST_QUEUE"]

__all__ = ["app"]
