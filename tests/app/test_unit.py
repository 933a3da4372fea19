"""The app's own unit tests (Vitest: the offline queue and the feed's delta-sync merge), run by
`./bro test` like every other test. Needs app/node_modules (`cd app && npm ci`; .ci/run does)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.skipif(
    shutil.which("npx") is None or not (APP / "node_modules" / ".bin" / "vitest").exists(),
    reason="Node or app/node_modules is missing: cd app && npm ci (.ci/run does)",
)
def test_the_app_unit_tests_pass():
    # When Vitest runs the app's unit tests
    run = subprocess.run(
        ["npx", "--no-install", "vitest", "run", "--reporter=dot"],
        cwd=APP,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": os.environ["PATH"], "CI": "true", "NO_COLOR": "1"},
    )
    # Then every one passes
    assert run.returncode == 0, run.stdout + run.stderr
