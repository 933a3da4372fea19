"""scim2-tester (through scim2-cli) against the live /scim/v2/: every resource and operation
Bro declares in its ServiceProviderConfig must pass, with status codes and content types
checked. A failure prints the tool's report."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hrsync.services import scim_client_create
from org.services import unit_create


def _scim2_cli() -> str:
    beside = Path(sys.executable).with_name("scim2")
    return str(beside) if beside.exists() else shutil.which("scim2") or "scim2"


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_reports_no_failure_against_the_live_server(live_server, tmp_path):
    # Given a running server with a top unit and a provisioning client
    unit_create(name="Kommunen", kind="direktion", code="1")
    _client, token = scim_client_create(name="scim2-tester", created_by=None)
    # When scim2-tester checks every declared resource and operation
    result = subprocess.run(
        [
            _scim2_cli(),
            "--url",
            f"{live_server.url}/scim/v2",
            "--header",
            f"Authorization: Bearer {token}",
            "test",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )
    # Then it exits 0: every check succeeded (it fails on any error or skip)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "ERROR" not in report
    assert report.count("SUCCESS") >= 80, report
