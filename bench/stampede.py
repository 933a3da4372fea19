"""The crisis stampede, end to end: one alert to everyone, the phones answering, the roll-call.

    .venv/bin/python -m bench stampede [--compress 20] [--workers 1]

On the benchmark database (`python -m bench build`; at 1/10 scale: `build --scale 0.1`):
communications sends a crisis alert to the whole municipality through the API (gunicorn), the
notification rows go through Redis to a real Celery worker, which hands them to firebase-admin
and on to the FCM fake on loopback (its own process). As the fake accepts each person's first
message, a simulated phone answers the roll-call after a seeded delay — lognormal with a
median of 25 s (most within a minute) and a tail of 8 % answering after 10 to 15 minutes —
divided by `--compress` (time runs that many times faster; the report says so). Meanwhile
communications reloads the roll-call page every `--reload` seconds (wall clock).

Measured: the time from the API call to the last message accepted by the fake (polled every
0.2 s); p50/p99 of the answers (from when each was due: open loop) and of the roll-call page,
both while the fan-out runs and overall; errors; messages lost or duplicated (the fake's
counts against the active devices of the people addressed) and answers lost or duplicated (the
answers the API confirmed against the answers the database holds). Writes
bench/results/<date>-<host>-stampede.json.
"""

import heapq
import http.client
import json
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import database, system

REDIS_URL = "redis://127.0.0.1:6379/14"
SEED = 20261203
TAIL_SHARE = 0.08


def answer_delays(count: int, *, seed: int = SEED) -> list[float]:
    """Seconds from receiving the alert to answering, per person (uncompressed).

    Most answer within a minute (lognormal, median 25 s); a tail of 8 % after 10–15 minutes
    (on a break, phone in a locker).
    """
    rng = random.Random(seed)
    delays = []
    for _ in range(count):
        if rng.random() < TAIL_SHARE:
            delays.append(rng.uniform(600, 900))
        else:
            delays.append(min(600.0, rng.lognormvariate(3.2, 0.6)))  # e^3.2 ≈ 25 s
    return delays


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]

    return {
        "count": len(ordered),
        "p50_ms": round(at(50), 2),
        "p99_ms": round(at(99), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


class Http:
    """One keep-alive connection per thread to the app."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def call(self, method: str, path: str, token: str, body: dict | None = None):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.local.connection = connection
        headers = {"X-Session-Token": token, "Content-Type": "application/json"}
        payload = json.dumps(body) if body is not None else None
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, data
        except OSError as exc:
            connection.close()
            self.local.connection = None
            return type(exc).__name__, b""


def _fake_accepted(fake_url: str) -> dict[str, int]:
    import requests

    return requests.get(fake_url + "/_fake/stats", timeout=30).json()["accepted"]


def run(args) -> dict:
    import os
    import subprocess
    import sys

    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.fcm", "--port", "0"],
        cwd=database.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    fake_url = fake.stdout.readline().strip()
    queue = f"bro-stampede-{os.getpid()}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        CELERY_BROKER_URL=REDIS_URL,
        BENCH_CELERY_QUEUE=queue,
        FCM_ENDPOINT_URL=fake_url,
        FCM_HTTP_TIMEOUT_SECONDS="30",
    )
    import django

    django.setup()
    try:
        return _run(args, fake_url=fake_url, queue=queue)
    finally:
        fake.terminate()
        fake.wait(timeout=10)


def _run(args, *, fake_url: str, queue: str) -> dict:
    from django.db import connection
    from django.db.models import Count, Max, Q

    from org.models import OrgUnit, Role, User
    from push.models import AlertRecipient, Delivery, Notification
    from tests.push.workers import Worker

    from .auth import session_tokens

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    comms = (
        User.objects.filter(roles__role=Role.COMMUNICATIONS, is_active=True).order_by("pk").first()
    )
    people = list(User.objects.filter(is_active=True).order_by("pk"))
    tokens = session_tokens(people)
    log = Path(args.log_dir) / "bro-stampede-gunicorn.log"
    worker = Worker(queue=queue, fcm_url=fake_url, concurrency=args.workers, DJANGO_DEBUG="false")
    worker.env.update(
        CELERY_BROKER_URL=REDIS_URL,
        DATABASE_URL=database.database_url(),
        FCM_HTTP_TIMEOUT_SECONDS="30",
    )
    worker.start()
    last_notification = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    delays = answer_delays(len(people))
    delay_of = {person.pk: delays[i] / args.compress for i, person in enumerate(people)}
    answers = {person.pk: _answer_for(i) for i, person in enumerate(people)}
    result: dict = {
        "benchmark": "crisis stampede",
        "people": len(people),
        "compress": args.compress,
        "note": (
            f"answer delays divided by {args.compress:g}: a minute of the real scenario is "
            f"{60 / args.compress:.1f} s here; the roll-call is reloaded every {args.reload:g} s "
            "of wall clock"
        ),
        "workers": args.workers,
        "gunicorn_workers": args.gunicorn_workers,
        "loadavg_before": system.loadavg(),
    }
    try:
        with system.Gunicorn(
            port=args.port,
            workers=args.gunicorn_workers,
            log_path=log,
            env={"CELERY_BROKER_URL": REDIS_URL, "BENCH_CELERY_QUEUE": queue},
        ) as gunicorn:
            time.sleep(2)  # the worker connects to the broker
            result.update(
                _stampede(
                    args,
                    port=gunicorn.port,
                    fake_url=fake_url,
                    comms=comms,
                    root=root,
                    tokens=tokens,
                    delay_of=delay_of,
                    answers=answers,
                )
            )
        alert_id = result["alert_id"]
        devices = set(_devices_of_alert(alert_id).values_list("identifier", flat=True))
        accepted = _fake_accepted(fake_url)
        # What the pipeline meant to send: one push delivery row per device and notification
        # (the alert, and the notices to the leaders of the people it reached).
        expected = dict(
            Delivery.objects.filter(
                notification_id__gt=last_notification, channel="push", device__isnull=False
            )
            .values("device__identifier")
            .annotate(n=Count("id"))
            .values_list("device__identifier", "n")
        )
        stored = AlertRecipient.objects.filter(alert_id=alert_id).exclude(
            Q(answer="") | Q(answer__isnull=True)
        )
        result["messages"] = {
            "devices_addressed": len(devices),
            "deliveries_meant": sum(expected.values()),
            "accepted_by_fake": sum(accepted.values()),
            "devices_never_reached": len(devices - set(accepted)),
            "lost": sum(max(0, n - accepted.get(d, 0)) for d, n in expected.items()),
            "duplicated": sum(max(0, n - expected.get(d, 0)) for d, n in accepted.items()),
        }
        confirmed = result.pop("_confirmed")
        in_db = set(stored.values_list("user_id", flat=True))
        result["answers"]["confirmed_by_api"] = len(confirmed)
        result["answers"]["stored"] = len(in_db)
        result["answers"]["lost"] = len(set(confirmed) - in_db)
        result["answers"]["duplicated"] = len(confirmed) - len(set(confirmed))
    finally:
        worker.stop()
        connection.close()
    result["loadavg_after"] = system.loadavg()
    result["goals"] = goals(result)
    return result


def _answer_for(index: int) -> str:
    # Most are fine; a few need help; some only acknowledge.
    return "need_help" if index % 50 == 0 else "acknowledged" if index % 10 == 0 else "ok"


def _stampede(args, *, port, fake_url, comms, root, tokens, delay_of, answers) -> dict:
    from push.models import Device

    http = Http(port)  # one connection per pool thread
    identifier_to_user = dict(
        Device.objects.filter(retired_at__isnull=True).values_list("identifier", "user_id")
    )
    answer_latencies: list[tuple[float, float]] = []  # (due, latency ms)
    page_latencies: list[tuple[float, float]] = []
    errors: dict[str, int] = {}
    confirmed: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def count_error(what: str, status) -> None:
        with lock:
            key = f"{what} {status}"
            errors[key] = errors.get(key, 0) + 1

    started = time.perf_counter()
    status, body = http.call(
        "POST",
        "/api/v1/push/alerts/",
        tokens[comms.pk],
        {"title": "Krisebesked: vandforsyning", "body": "Svar venligst, om du er OK.",
         "units": [root.pk]},
    )  # fmt: skip
    api_seconds = time.perf_counter() - started
    if status != 201:
        raise RuntimeError(f"alert not sent: {status} {body[:500]!r}")
    alert_id = json.loads(body)["id"]
    roll_call = f"/api/v1/push/alerts/{alert_id}/roll-call/"

    def reload_roll_call() -> None:
        page_http = Http(port)
        while not stop.is_set():
            began = time.perf_counter()
            status, _ = page_http.call("GET", roll_call, tokens[comms.pk])
            took = (time.perf_counter() - began) * 1000
            with lock:
                page_latencies.append((began - started, took))
            if status != 200:
                count_error("roll-call", status)
            stop.wait(args.reload)

    def answer(user_id: int, due: float) -> None:
        status, _ = http.call(
            "POST", f"/api/v1/push/alerts/{alert_id}/answer/", tokens[user_id],
            {"answer": answers[user_id]},
        )  # fmt: skip
        took = (time.perf_counter() - due) * 1000
        with lock:
            answer_latencies.append((due - started, took))
            if status == 200:
                confirmed.append(user_id)
        if status != 200:
            count_error("answer", status)

    reloader = threading.Thread(target=reload_roll_call, daemon=True)
    reloader.start()
    reached: set[int] = set()
    seen: set[str] = set()
    last_accepted_at = None
    expected = _devices_of_alert(alert_id).count()
    pending: list[tuple[float, int]] = []  # (due, user id), a heap
    deadline = started + args.timeout
    fanout_running = True
    next_poll = 0.0
    # Answers go to the pool only when due, so no answer waits behind another's delay: the
    # latency counts from when it was due (open loop), scheduling slop (≤ 20 ms) included.
    with ThreadPoolExecutor(max_workers=args.phones) as pool:
        while time.perf_counter() < deadline and (fanout_running or pending):
            now = time.perf_counter()
            if fanout_running and now >= next_poll:
                next_poll = now + 0.2
                new = [d for d in _fake_accepted(fake_url) if d not in seen]
                if new:
                    last_accepted_at = now
                for identifier in new:
                    seen.add(identifier)
                    user_id = identifier_to_user.get(identifier)
                    if user_id is None or user_id in reached or user_id not in tokens:
                        continue
                    reached.add(user_id)
                    heapq.heappush(pending, (now + delay_of[user_id], user_id))
                fanout_running = len(seen) < expected
            while pending and pending[0][0] <= time.perf_counter():
                due, user_id = heapq.heappop(pending)
                pool.submit(answer, user_id, due)
            time.sleep(0.02)
    fanout_seconds = (last_accepted_at - started) if last_accepted_at else None
    stop.set()
    reloader.join(timeout=30)
    during = fanout_seconds or 0.0
    return {
        "alert_id": alert_id,
        "api_call_seconds": round(api_seconds, 3),
        "devices_reached_at_fake": len(seen),
        "last_message_to_fcm_seconds": round(fanout_seconds, 2) if fanout_seconds else None,
        "answers": {
            "during_fanout": _percentiles([ms for at, ms in answer_latencies if at <= during]),
            "overall": _percentiles([ms for _, ms in answer_latencies]),
        },
        "roll_call_page": {
            "during_fanout": _percentiles([ms for at, ms in page_latencies if at <= during]),
            "overall": _percentiles([ms for _, ms in page_latencies]),
        },
        "errors": errors,
        "_confirmed": confirmed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _devices_of_alert(alert_id: int):
    """The active devices of the people the alert addresses."""
    from push.models import AlertRecipient, Device

    people = AlertRecipient.objects.filter(alert_id=alert_id).values("user_id")
    return Device.objects.filter(user_id__in=people, retired_at__isnull=True)


def goals(result: dict) -> list[dict]:
    answers, page = result["answers"], result["roll_call_page"]
    messages = result["messages"]
    last = result.get("last_message_to_fcm_seconds")
    return [
        {
            "goal": f"last device reached within 15 s with {result['workers']} worker(s)",
            "measured": last,
            "met": last is not None and last <= 15,
        },
        {
            "goal": "answer p99 < 300 ms throughout",
            "measured": answers["overall"].get("p99_ms"),
            "met": answers["overall"].get("p99_ms", 1e9) < 300,
        },
        {
            "goal": "roll-call page p99 < 500 ms throughout",
            "measured": page["overall"].get("p99_ms"),
            "met": page["overall"].get("p99_ms", 1e9) < 500,
        },
        {
            "goal": "0 errors, 0 lost, 0 duplicated",
            "measured": {
                "errors": result["errors"],
                "messages_lost": messages["lost"],
                "devices_never_reached": messages["devices_never_reached"],
                "messages_duplicated": messages["duplicated"],
                "answers_lost": answers["lost"],
                "answers_duplicated": answers["duplicated"],
            },
            "met": not result["errors"]
            and messages["lost"] == 0
            and messages["devices_never_reached"] == 0
            and messages["duplicated"] == 0
            and answers["lost"] == 0
            and answers["duplicated"] == 0,
        },
    ]


def table(result: dict) -> str:
    lines = [
        f"Crisis stampede — {result['people']} people, {result['messages']['devices_addressed']} "
        f"devices, {result['workers']} worker(s); {result['note']}",
        f"  API call {result['api_call_seconds']} s; last message to FCM after "
        f"{result['last_message_to_fcm_seconds']} s",
    ]
    for name in ("answers", "roll_call_page"):
        for phase in ("during_fanout", "overall"):
            figures = result[name][phase]
            lines.append(
                f"  {name} {phase}: n={figures.get('count')} p50 {figures.get('p50_ms')} ms "
                f"p99 {figures.get('p99_ms')} ms"
            )
    lines.append(f"  messages: {result['messages']}")
    lines.append(
        f"  answers: confirmed {result['answers']['confirmed_by_api']}, stored "
        f"{result['answers']['stored']}, lost {result['answers']['lost']}, duplicated "
        f"{result['answers']['duplicated']}; errors {result['errors']}"
    )
    lines += ["", "| goal | measured | met |", "|---|---|---|"]
    for goal in result["goals"]:
        lines.append(f"| {goal['goal']} | {goal['measured']} | {'yes' if goal['met'] else 'NO'} |")
    return "\n".join(lines)
