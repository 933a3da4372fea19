"""Views that belong to no domain app: the health check."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as BrokerError

from backend import heartbeat
from backend.celery import app as celery_app

logger = logging.getLogger("bro.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("health: database unreachable")
        return False


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in_process"
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except (BrokerError, OSError):
        logger.exception("health: broker unreachable")
        return "unreachable"
    return "ok"


def _heartbeat(key: str) -> dict:
    """{"status": ok | silent | in_process, "age_seconds": …}; silent after two periods."""
    if not settings.CELERY_BROKER_URL:
        return {"status": "in_process", "age_seconds": None}
    seconds = heartbeat.age(key)
    silent = seconds is None or seconds > 2 * heartbeat.HEARTBEAT_SECONDS
    return {
        "status": "silent" if silent else "ok",
        "age_seconds": None if seconds is None else round(seconds),
    }


@require_GET
def health(request):
    """200 when the database and the broker answer and beat and a worker have been heard from
    within two heartbeat periods (when there is a broker); 503 otherwise."""
    database = "ok" if _database_ok() else "unreachable"
    broker = _broker_status()
    beat = _heartbeat(heartbeat.BEAT_KEY)
    worker = _heartbeat(heartbeat.WORKER_KEY)
    healthy = (
        database == "ok"
        and broker in {"ok", "in_process"}
        and beat["status"] != "silent"
        and worker["status"] != "silent"
    )
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "broker": broker,
            "beat": beat,
            "worker": worker,
        },
        status=200 if healthy else 503,
    )
