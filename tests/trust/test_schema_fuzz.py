"""schemathesis against the OpenAPI schema, as employee, leader and HR: no 5xx, responses as
documented, documented status codes only.

Bounded for CI: FUZZ_EXAMPLES examples per operation and role, generation only (no shrinking,
no example database), each call's writes rolled back so every example meets the same world and
a destructive call (erase, deactivate, delete) cannot spoil the next. The test prints one line,
`schemathesis: N operations, M examples, F failures`, which .ci/run shows in the log.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from backend.wsgi import application

from .conftest import token_for

# 3 examples x 3 roles x ~70 operations is ~620 calls, ~60 s on a busy 2-core machine;
# BRO_FUZZ_EXAMPLES=50 fuzzes deeper locally.
FUZZ_EXAMPLES = int(os.environ.get("BRO_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def api_schema(db):
    """The schema, loaded through the WSGI app that the examples are then sent to.

    The WSGI handler closes "old" connections when a request starts and finishes; inside the
    test's transaction that would close PostgreSQL's connection. Django's test client unhooks
    the same signals for the same reason.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _fuzz(operation, token: str, failures: list[str]) -> int:
    """Run one operation with a token; return how many examples ran, collect failures."""
    ran = 0

    @hypothesis_settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal ran
        ran += 1
        with transaction.atomic():
            try:
                case.call_and_validate(headers={"X-Session-Token": token}, checks=CHECKS)
            except (Failure, FailureGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
            transaction.set_rollback(True)

    run()
    return ran


def test_the_api_keeps_its_schema_under_fuzzing(world, api_schema, capsys):
    # Given the schema and employee, leader and HR sessions
    o = world.org
    tokens = {
        role: token_for(user)
        for role, user in {"employee": o.employee, "leader": o.leader, "hr": o.hr}.items()
    }
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures: list[str] = []
    examples = 0
    # When each role fuzzes every operation
    for operation in operations:
        for role, token in tokens.items():
            before = len(failures)
            examples += _fuzz(operation, token, failures)
            failures[before:] = [f"[{role}] {f}" for f in failures[before:]]
    summary = (
        f"schemathesis: {len(operations)} operations, {examples} examples, {len(failures)} failures"
    )
    with capsys.disabled():
        print(summary)
    # Then nothing failed
    assert failures == [], summary + "\n" + "\n\n".join(failures[:20])
