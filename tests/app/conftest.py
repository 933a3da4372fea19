"""The staff app (app/) in Debian's Chromium against a live server holding the demo data.

`seed_demo` takes minutes here, so it runs once per test session: into the (in-memory SQLite)
test database, copied out to a file shared by the xdist workers (one builds it under a lock,
the others reuse it), and the test database emptied again for the other tests.

Each browser test gets its own copy of that file and its own live server over it: the server's
request threads and the test thread each open their own connection to the file. (pytest-django's
`live_server` hands every thread the test's one in-memory SQLite connection, and a request the
app made in the background while the test read the database failed now and then with "bad
parameter or other API misuse".) On PostgreSQL these tests are deselected, visibly: the app
only speaks HTTP, and the API's PostgreSQL behaviour has its own tests.
"""

import datetime as dt
import fcntl
import io
import shutil
import sqlite3
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.testcases import LiveServerThread

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
                connection = connections[DEFAULT_DB_ALIAS]
                connection.ensure_connection()
                partial = path.with_suffix(".partial")
                target = sqlite3.connect(partial)
                connection.connection.backup(target)
                target.close()
                partial.rename(path)
                call_command("flush", interactive=False, verbosity=0)
    return path


@dataclass(frozen=True)
class LiveServer:
    url: str


@contextmanager
def live_server_on_file(database: Path):
    """A live server whose threads, and this test's thread, each connect to `database`.

    The in-memory test database stays open (its connection is only set aside), so the rest of
    the session finds it as it was.
    """
    shared = connections.settings[DEFAULT_DB_ALIAS]  # the dict every new connection copies
    saved = {"NAME": shared["NAME"], "OPTIONS": shared.get("OPTIONS", {})}
    in_memory = connections[DEFAULT_DB_ALIAS]
    # WAL lets the app's reads run while the test writes; IMMEDIATE takes the write lock at
    # BEGIN, so two writers wait for each other (timeout) instead of failing as deadlocked.
    with sqlite3.connect(database) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
    shared["NAME"] = str(database)
    shared["OPTIONS"] = {
        **saved["OPTIONS"],
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA synchronous=OFF",
    }
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=None)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield LiveServer(url=f"http://127.0.0.1:{server.port}")
    finally:
        server.terminate()
        connections[DEFAULT_DB_ALIAS].close()
        shared.update(saved)
        connections[DEFAULT_DB_ALIAS] = in_memory


@pytest.fixture
def demo(demo_snapshot, transactional_db, tmp_path):
    """The demo municipality on a live server over a copy of the snapshot, fresh for this test."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    database = tmp_path / "live.sqlite3"
    shutil.copyfile(demo_snapshot, database)
    with live_server_on_file(database) as server:
        yield server
