"""The staff app (app/) in Debian's Chromium against a live server holding the demo data.

`seed_demo` takes minutes here, so it runs once per test session: into the (in-memory SQLite)
test database, copied out to a file shared by the xdist workers (one builds it under a lock,
the others reuse it), and the test database emptied again for the other tests. Each browser
test copies the file back in with SQLite's backup API (milliseconds) and the transactional
teardown empties it afterwards. On PostgreSQL these tests are deselected, visibly: the app
only speaks HTTP, and the API's PostgreSQL behaviour has its own tests.
"""

import datetime as dt
import fcntl
import io
import shutil
import sqlite3
from contextlib import nullcontext

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    if not settings.USING_POSTGRESQL:
        return
    here = str(config.rootpath / "tests" / "app")
    dropped = [item for item in items if str(item.fspath).startswith(here)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def demo_snapshot(request, django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    """A file holding the test database right after `seed_demo` (clock shift included)."""
    days = request.config.getoption("--clock-ahead-days")
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # shared by this run's xdist workers
    path = root / f"app-demo-{days}.sqlite3"
    with open(root / f"app-demo-{days}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            shifted = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
            clock = time_machine.travel(shifted, tick=True) if days else nullcontext()
            with django_db_blocker.unblock(), clock:
                call_command("seed_demo", stdout=io.StringIO())
                connection.ensure_connection()
                partial = path.with_suffix(".partial")
                target = sqlite3.connect(partial)
                connection.connection.backup(target)
                target.close()
                partial.rename(path)
                call_command("flush", interactive=False, verbosity=0)
    return path


@pytest.fixture
def demo(demo_snapshot, transactional_db, live_server):
    """The demo municipality in the live server's database, fresh for this test."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    connection.ensure_connection()
    source = sqlite3.connect(demo_snapshot)
    source.backup(connection.connection)
    source.close()
    return live_server
