"""Where a push worker's time goes, per message: the benchmark's worker app (bench only).

    celery -A bench.push_probe worker ...   (bench/push_fanout.py starts it; BRO_PUSH_PROBE_DIR)

Bro's app on the test queue (tests.push.worker_app) plus timers installed in the worker
processes only, so production code pays nothing: wall time inside database calls (an
execute wrapper on the connection of each pool process) and inside explicit commits
(transaction.atomic exits), inside Redis calls (redis-py's send_packed_command and
read_response: kombu reads a blocking BRPOP's answer only once the socket is readable, so an
idle worker's wait is not counted), and inside the HTTP calls to FCM (requests' adapter, in
the send threads: these overlap, up to PUSH_SEND_CONCURRENCY at once). Each process writes
its running totals to BRO_PUSH_PROBE_DIR/<pid>.json every 0.1 s and at shutdown; the
benchmark reads them before and after a run and takes the difference.
"""

import json
import os
import threading
import time
from pathlib import Path

import requests.adapters
from celery import signals
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from redis.connection import AbstractConnection

from tests.push.worker_app import app

__all__ = ["app"]

DUMP_INTERVAL = 0.1
FIELDS = ("db", "commit", "redis", "http")

_lock = threading.Lock()
_totals: dict[str, float] = {}
_state: dict[str, object] = {}


def _reset() -> None:
    with _lock:
        for field in FIELDS:
            _totals[f"{field}_s"] = 0.0
            _totals[f"{field}_calls"] = 0


def _add(field: str, seconds: float) -> None:
    with _lock:
        _totals[f"{field}_s"] += seconds
        _totals[f"{field}_calls"] += 1


def _timed(field: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _add(field, time.perf_counter() - started)

    wrapper.__wrapped__ = function
    return wrapper


def _database_call(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _add("db", time.perf_counter() - started)


def _install_database_timer() -> None:
    connection = connections["default"]
    if _database_call not in connection.execute_wrappers:
        connection.execute_wrappers.append(_database_call)


def _dump(role: str) -> None:
    directory = os.environ.get("BRO_PUSH_PROBE_DIR")
    if not directory:
        return
    with _lock:
        payload = {"pid": os.getpid(), "role": role, **_totals}
    path = Path(directory) / f"{os.getpid()}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload))
    temporary.replace(path)


def _start_dumping(role: str) -> None:
    """A thread of this process that writes its totals every DUMP_INTERVAL (once per pid)."""
    if _state.get("pid") == os.getpid():
        return
    _state["pid"] = os.getpid()

    def loop() -> None:
        while True:
            _dump(role)
            time.sleep(DUMP_INTERVAL)

    threading.Thread(target=loop, name="bro-probe", daemon=True).start()


# Class-level timers, in the worker's processes only (this module is their app).
_reset()
AbstractConnection.send_packed_command = _timed("redis", AbstractConnection.send_packed_command)
AbstractConnection.read_response = _timed("redis", AbstractConnection.read_response)
requests.adapters.HTTPAdapter.send = _timed("http", requests.adapters.HTTPAdapter.send)
BaseDatabaseWrapper._commit = _timed("commit", BaseDatabaseWrapper._commit)


@signals.worker_ready.connect
def _main_ready(**_kwargs) -> None:
    _start_dumping("main")


@signals.worker_process_init.connect
def _child_init(**_kwargs) -> None:
    _reset()  # not what the parent counted before the fork
    _install_database_timer()
    _start_dumping("child")


@signals.task_prerun.connect
def _task_start(**_kwargs) -> None:
    _install_database_timer()  # the same connection object; a no-op after the first task


@signals.task_postrun.connect
def _task_end(**_kwargs) -> None:
    _dump("child")


@signals.worker_process_shutdown.connect
def _child_end(**_kwargs) -> None:
    _dump("child")


@signals.worker_shutdown.connect
def _main_end(**_kwargs) -> None:
    _dump("main")
