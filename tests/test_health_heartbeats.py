"""/health/ reports beat's and the workers' heartbeats; beat silent for two periods is a 503."""

import time

import pytest
import time_machine
from django.test import Client

from backend import heartbeat


@pytest.fixture
def broker(settings, monkeypatch):
    # A broker configured and answering; only the heartbeats vary.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/11"
    from api import views

    monkeypatch.setattr(views, "_broker_status", lambda: "ok")


@pytest.mark.parametrize(
    ("beat_age", "worker_age", "status", "beat", "worker"),
    [
        (30, 30, 200, "ok", "ok"),
        (119, 100, 200, "ok", "ok"),
        (121, 30, 503, "silent", "ok"),
        (30, 121, 503, "ok", "silent"),
        (None, 30, 503, "silent", "ok"),
    ],
)
def test_health_follows_the_heartbeats(db, broker, beat_age, worker_age, status, beat, worker):
    now = time.time()
    with time_machine.travel(now, tick=False):
        if beat_age is not None:
            with time_machine.travel(now - beat_age, tick=False):
                heartbeat.record(heartbeat.BEAT_KEY)
        with time_machine.travel(now - worker_age, tick=False):
            heartbeat.worker_heartbeat()
        response = Client().get("/health/")

    assert response.status_code == status
    body = response.json()
    assert (body["beat"]["status"], body["worker"]["status"]) == (beat, worker)
    assert body["worker"]["age_seconds"] == worker_age


def test_beats_scheduler_writes_its_heartbeat(db, tmp_path):
    from backend.celery import app

    scheduler = heartbeat.Scheduler(app, schedule_filename=str(tmp_path / "beat"))
    scheduler.tick()
    assert heartbeat.age(heartbeat.BEAT_KEY) < 5
