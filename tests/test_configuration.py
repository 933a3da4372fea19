"""The operator's documentation stays true: every setting read from the environment is in the
README and .env.example; production refuses to boot without its secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "backend" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_every_environment_variable_is_documented():
    variables = _variables_read_by_settings()
    assert "DATABASE_URL" in variables and "CELERY_BROKER_URL" in variables
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    undocumented_in_readme = {v for v in variables if f"`{v}`" not in readme}
    missing_in_example = {v for v in variables if not re.search(rf"^{v}=", example, re.M)}
    assert undocumented_in_readme == set()
    assert missing_in_example == set()


def _boot(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    # Nothing production needs may leak in from the test run's own environment (CI sets
    # REDIS_URL, DATABASE_URL …): each case names exactly what it gives.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_")) and k not in PRODUCTION
    }
    env.update({"BRO_PRODUCTION": "true", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 64,
    "DJANGO_ALLOWED_HOSTS": "bro.example.dk",
    "DATABASE_URL": "postgres://bro@127.0.0.1:5432/bro",
    "SMTP_HOST": "smtp.example.dk",
    "SMS_SENDER": "org.sms.GatewayApiSmsSender",
    "SMS_GATEWAYAPI_TOKEN": "token",
    "SMS_CALLBACK_SECRET": "s" * 32,
    "FCM_CREDENTIALS_FILE": "/etc/bro/fcm.json",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
    "REDIS_URL": "redis://127.0.0.1:6379/11",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_refuses_to_boot_without(missing):
    result = _boot({k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_sqlite():
    result = _boot(PRODUCTION | {"DATABASE_URL": "sqlite:///prod.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_boots_with_every_real_part():
    result = _boot(PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("toy", "reason"),
    [
        ({"SMS_SENDER": "org.sms.LogSmsSender"}, "SMS_SENDER is the log sender"),
        ({"SMS_GATEWAYAPI_TOKEN": ""}, "SMS_GATEWAYAPI_TOKEN is empty"),
        ({"SMS_CALLBACK_SECRET": ""}, "SMS_CALLBACK_SECRET is empty"),
        ({"FCM_CREDENTIALS_FILE": ""}, "push goes to the log"),
        ({"CELERY_BROKER_URL": ""}, "Celery runs tasks in the web process"),
        ({"REDIS_URL": ""}, "no REDIS_URL"),
    ],
)
def test_production_refuses_toys(toy, reason):
    result = _boot(PRODUCTION | toy)
    assert result.returncode != 0
    assert f"Production refuses: {reason}" in result.stderr
