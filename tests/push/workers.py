"""Helpers for tests that need a real Celery worker process on Redis."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from backend.celery import app as celery_app

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database of its own, so the test neither sees nor disturbs anyone else's queues.
REDIS_DB = 13
ROOT = Path(__file__).resolve().parents[2]


def require_redis_and_postgresql() -> redis.Redis:
    # A worker process cannot see SQLite's in-memory test database: the tests that call this
    # carry the postgresql marker and are deselected on SQLite.
    assert settings.USING_POSTGRESQL
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")
    return client


def broker_url() -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


@contextmanager
def celery_via(url: str, queue: str):
    """Make this process publish to `url` on `queue` instead of running tasks eagerly."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    _forget_connections_and_routes()
    conf.task_always_eager = False
    conf.broker_url = url
    conf.task_default_queue = queue
    try:
        yield
    finally:
        _forget_connections_and_routes()
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved


def _forget_connections_and_routes() -> None:
    # Celery caches the connection pool and, on first publish, the default queue and router
    # (cached properties of app.amqp): drop them so they are rebuilt from the conf just set.
    celery_app.close()
    for name in ("default_queue", "queues", "router"):
        celery_app.amqp.__dict__.pop(name, None)
    celery_app.amqp._producer_pool = None


def new_queue() -> str:
    return f"bro-test-{uuid.uuid4().hex[:12]}"


class Worker:
    """A real `celery worker` process (prefork), in its own process group."""

    # The `-A` module; the push benchmark's (bench.push_probe) adds timers to the same app.
    app_module = "tests.push.worker_app"

    def __init__(self, *, queue: str, fcm_url: str, concurrency: int = 2, **env: str):
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
                f"/{database['NAME']}"
            ),
            "CELERY_BROKER_URL": broker_url(),
            "FCM_ENDPOINT_URL": fcm_url,
            "FCM_HTTP_TIMEOUT_SECONDS": "10",
            "BRO_TEST_QUEUE": queue,
            **env,
        }
        self.queue = queue
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        # A file, not a pipe: a full pipe would block the worker mid-test.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def start(self) -> "Worker":
        command = [sys.executable, "-m", "celery", "-A", self.app_module, "worker"]
        command += ["-P", "prefork", "-c", str(self.concurrency), "-Q", self.queue, "-l", "WARNING"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool children: a crash, no warm shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def wait_for(
    condition, *, timeout: float, interval: float = 0.05, on_tick=None, worker=None
) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            log = worker.output() if worker else ""
            raise AssertionError(f"condition not met within {timeout} s\n{log}")
        if on_tick:
            on_tick()
        time.sleep(interval)


def crash_and_recover(*, worker: Worker, replacement: Worker, progressed, finished, statuses):
    """Kill `worker` once `progressed()`, start `replacement`, run the reconciler as beat does
    until `finished()`; return the `statuses()` seen right after the kill."""
    from push import outbox

    wait_for(progressed, timeout=60, worker=worker)
    worker.kill()
    at_kill = statuses()
    assert at_kill["sent"] < sum(at_kill.values()), "the worker finished before it was killed"
    replacement.start()
    wait_for(finished, timeout=90, interval=0.5, on_tick=outbox.deliveries_reconcile)
    return at_kill
