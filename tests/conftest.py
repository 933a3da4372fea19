"""Shared fixtures: an organisation to test against, and API clients logged in by real tokens."""

import datetime as dt
import os

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from org import services
from org.models import OrgUnit, Role
from org.sms import LogSmsSender

from .factories import OrgUnitFactory, UserFactory


def pytest_addoption(parser):
    parser.addoption(
        "--clock-ahead-days",
        type=int,
        default=int(os.environ.get("BRO_TEST_CLOCK_AHEAD_DAYS", "0")),
        help="Run every test with the clock moved this many days ahead (CI uses 400), so a "
        "fixed date compared with the real clock fails today, not on the day it passes.",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_commit: org.messaging queues its tasks only after a real commit"
    )
    config.addinivalue_line(
        "markers", "postgresql: needs PostgreSQL (row locks, other processes); deselected on SQLite"
    )


def pytest_collection_modifyitems(config, items):
    """Deselect PostgreSQL-only tests on SQLite, visibly ("N deselected"), instead of skipping."""
    from django.conf import settings

    if settings.USING_POSTGRESQL:
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true nothing is skipped silently: a skip (a missing browser, tool or service)
    is a failure, with its reason."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (not allowed): {reason}"


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serving one request at a time on in-memory SQLite.

    See tests/live.py: on the shared in-memory connection, two requests at once broke each
    other. Same address rules as pytest-django's fixture (--liveserver, else localhost).
    """
    from pytest_django import live_server_helper

    from .live import SerialWSGIServer

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = live_server_helper.LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.server_class = SerialWSGIServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _clock_ahead(request):
    """Start every test N days in the future when --clock-ahead-days=N; tests that freeze the
    clock themselves (time_machine.travel) still see exactly the moment they chose."""
    days = request.config.getoption("--clock-ahead-days")
    if not days:
        yield
        return
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True):
        yield


@pytest.fixture(autouse=True)
def _account_messages_at_once(request, monkeypatch):
    """Login codes, invitations and org hooks are queued after commit (org.messaging); a test
    runs inside one transaction that never commits, so queue them at once instead. Tests about
    the after-commit path itself carry @pytest.mark.after_commit and keep it."""
    if request.node.get_closest_marker("after_commit") is None:
        from org import messaging

        monkeypatch.setattr(messaging, "after_commit", lambda callback: callback())


@pytest.fixture(autouse=True)
def _isolated_state(settings, worker_id):
    """Rate limits live in the cache and the SMS log is a list: clear both for every test.

    On a shared Redis cache (CI), each xdist worker gets its own key prefix and clears only
    its own keys: a FLUSHDB from one worker would reset another's rate-limit counters mid-test.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "django_redis" in settings.CACHES["default"]["BACKEND"]:
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "KEY_PREFIX": f"bro-test-{worker_id}"}
        }
    _clear_cache()
    LogSmsSender.outbox.clear()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _strategy(request):
    """The tests are written against the demo municipality's communication strategy (its goal
    and pillar keys): every test that uses the database starts with it active, stored as
    seed_demo stores it. A test about another municipality's strategy makes its own active."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", bool(marker.args and marker.args[0]))
    elif {"db", "transactional_db"} & names:
        transactional = "transactional_db" in names
    else:
        return
    # The database may otherwise be set up after this fixture: set it up first.
    request.getfixturevalue("transactional_db" if transactional else "db")
    from surveys.demo_strategy import load_demo_strategy

    load_demo_strategy()


def _clear_cache() -> None:
    if hasattr(cache, "delete_pattern"):  # django-redis: only this prefix's keys
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def org(db):
    """A small municipality: direktion → område → two afdelinger, each with a team under it.

    Returns a namespace of units and people: an employee and a leader in each afdeling's
    subtree, plus HR, communications and an admin.
    """

    class Org:
        pass

    o = Org()
    o.root = OrgUnitFactory(name="Direktionen", kind=OrgUnit.Kind.DIREKTION)
    o.area = OrgUnitFactory(name="Social og Sundhed", kind=OrgUnit.Kind.OMRAADE, parent=o.root)
    o.unit_a = OrgUnitFactory(name="Hjemmeplejen Vest", parent=o.area)
    o.team_a = OrgUnitFactory(name="Team Korsør", kind=OrgUnit.Kind.TEAM, parent=o.unit_a)
    o.unit_b = OrgUnitFactory(name="Madservice", parent=o.area)
    o.team_b = OrgUnitFactory(name="Køkkenet", kind=OrgUnit.Kind.TEAM, parent=o.unit_b)
    o.employee = UserFactory(name="Mette Hansen", unit=o.team_a)
    o.other_employee = UserFactory(name="Jens Nielsen", unit=o.team_b, job_title="Kok")
    o.leader = UserFactory(name="Lone Jensen", unit=o.unit_a, job_title="Leder")
    services.leader_scope_set(leader=o.leader, units=[o.unit_a])
    o.other_leader = UserFactory(name="Per Larsen", unit=o.unit_b, job_title="Køkkenleder")
    services.leader_scope_set(leader=o.other_leader, units=[o.unit_b])
    o.hr = UserFactory(name="Hanne HR", unit=o.root, job_title="HR-konsulent", roles=[Role.HR])
    o.comms = UserFactory(
        name="Karin Kommunikation",
        unit=o.root,
        job_title="Kommunikationsmedarbejder",
        roles=[Role.COMMUNICATIONS],
    )
    o.admin = UserFactory(name="Anders Admin", unit=o.root, job_title="IT", roles=[Role.ADMIN])
    return o


def login_token(user) -> str:
    """Log `user` in through allauth's headless code flow and return the app session token."""
    client = Client()
    response = client.post(
        "/_allauth/app/v1/auth/code/request",
        {"email": user.email} if user.email else {"phone": user.phone},
        content_type="application/json",
    )
    assert response.status_code == 401, response.content
    pending_token = response.json()["meta"]["session_token"]
    code = _last_code(user)
    response = client.post(
        "/_allauth/app/v1/auth/code/confirm",
        {"code": code},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=pending_token,
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def _last_code(user) -> str:
    import re

    from django.core import mail

    if user.email:
        return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    return re.search(r": (\S+)$", LogSmsSender.outbox[-1]["body"]).group(1)


@pytest.fixture
def api():
    """An API client factory: api(user) is logged in by a real session token, api() is not."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_X_SESSION_TOKEN=login_token(user))
        return client

    return make
