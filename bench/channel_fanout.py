"""SMS and e-mail fan-out benchmark: the notification pipeline vs. the raw send loop, beside push.

    .venv/bin/python -m bench.channel_fanout [--messages 7000]

Needs PostgreSQL and Redis on loopback. It makes its own database (BENCH_CHANNEL_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/bro_channel_bench — dropped and made fresh), a Redis
database (13) and queue of its own, and runs the three fakes (FCM, GatewayAPI, SMTP) each in a
process of its own, so their CPU is not charged to the side measured. Over the same people (one
number, one address and one device each), per channel:

* raw: this process sending the same messages with the same per-message function and as many
  threads as the pipeline keeps on the wire (SMS_SEND_CONCURRENCY, EMAIL_SEND_CONCURRENCY;
  push: firebase-admin's send_each, 500 at a time) — no database, no queue;
* Bro with one Celery worker process: notification_send (outbox + a delivery row each),
  chunks through Redis, rows claimed, sent and recorded; timed from the call until the
  database says every delivery is sent.

Lost and duplicated are counted at the fakes. CPU seconds come from /proc as in
bench/push_fanout.py. Prints a table; writes bench/results/<date>-<host>-channels.json. No
goals are asserted: the figures are for reading beside the push benchmark's.
"""

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import push_fanout
from bench.push_fanout import (
    _cpu_of,
    _cpu_snapshot,
    _cpu_used,
    print_table,
    write_results,
)

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 13


DATABASE_URL = os.environ.get(
    "BENCH_CHANNEL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bro_channel_bench"
)


def _start(module: str) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", module, *(["--port", "0"] if module != "tests.fakes.smtp" else [])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().split()


def _make_people(count: int) -> None:
    from django.utils import timezone

    from org.models import OrgUnit, User
    from org.services import unit_create
    from push.models import Device

    unit = unit_create(name="Benchmark", kind=OrgUnit.Kind.AFDELING)
    # Volume data in bulk; the services are exercised by the tests and the demo.
    people = User.objects.bulk_create(
        [
            User(
                name=f"Person {i}",
                email=f"p{i}@bench.invalid",
                phone=f"+45{30000000 + i}",
                unit=unit,
                password="!",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Device.objects.bulk_create(
        [
            Device(user=person, identifier=f"bench-{i:06d}", platform="android", last_seen_at=now)
            for i, person in enumerate(people)
        ],
        batch_size=2000,
    )


# Per fake, the stats key that counts accepted messages per message.
_ACCEPTED_KEY = {"push": "accepted", "sms": "accepted_by_userref", "email": "accepted_by_recipient"}


def _result(channel: str, count: int, seconds: float, cpu: dict, fakes: dict) -> dict:
    return push_fanout._outcome(
        fakes[channel]["stats"], count, seconds, cpu, key=_ACCEPTED_KEY[channel]
    )


def _raw_sends(channel: str) -> tuple[list, object, int]:
    """The messages and the one-message send function the pipeline uses, and its thread count."""
    from django.conf import settings

    from org.models import User
    from push import channels

    people = list(User.objects.order_by("id").values_list("phone", "email", flat=False))
    if channel == "sms":
        messages = [
            channels.AddressedMessage(address=phone, subject="Hej", text="Hej", reference=str(i))
            for i, (phone, _email) in enumerate(people)
        ]
        return messages, channels.send_sms, settings.SMS_SEND_CONCURRENCY
    if channel == "email":
        messages = [
            channels.AddressedMessage(address=email, subject="Hej", text="Hej", reference=str(i))
            for i, (_phone, email) in enumerate(people)
        ]
        return messages, channels.send_email, settings.EMAIL_SEND_CONCURRENCY
    raise ValueError(channel)


def _run_raw(channel: str, count: int, fakes: dict, database: str) -> dict:
    fake_pid = fakes[channel]["pid"]
    if channel == "push":
        return push_fanout._run_raw(fakes["push"]["stats"], count, fake_pid)
    before = _cpu_snapshot(fake=fake_pid, database=database)
    before["side"] = {"self": _cpu_of(os.getpid())[1]}
    messages, send, threads = _raw_sends(channel)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(send, messages))
    if failed := [o for o in outcomes if not o.ok]:
        print(f"raw {channel}: {len(failed)} not accepted, first {failed[0]}")
    seconds = time.perf_counter() - started
    after = _cpu_snapshot(fake=fake_pid, database=database)
    after["side"] = {"self": _cpu_of(os.getpid())[1]}
    return _result(channel, count, seconds, _cpu_used(before, after), fakes)


def _run_bro(channel: str, count: int, fakes: dict, env: dict, database: str) -> dict:
    from django.db import connection

    from backend.celery import app as celery_app
    from org.models import User
    from push import services
    from push.models import Delivery
    from tests.push.workers import Worker, celery_via, new_queue, wait_for

    broker = f"redis://127.0.0.1:6379/{REDIS_DB}"
    queue = new_queue()
    worker = Worker(queue=queue, fcm_url=env["FCM_ENDPOINT_URL"], concurrency=1, **env)
    worker.env["CELERY_BROKER_URL"] = broker
    worker.start()
    fake_pid = fakes[channel]["pid"]
    try:
        with celery_via(broker, queue):
            # Ready when it answers a ping, so its start-up is not timed.
            wait_for(lambda: celery_app.control.ping(timeout=0.5), timeout=60, interval=0.2)
            group = worker.process.pid
            before = _cpu_snapshot(group=group, fake=fake_pid, database=database)
            started = time.perf_counter()
            # Push as a news post; SMS and e-mail as a crisis alert (no SMS budget applies).
            notification = services.notification_send(
                category="news" if channel == "push" else "alerts",
                recipients=User.objects.all(),
                title="Hej",
                channels=(channel,),
            )
            sent = Delivery.objects.filter(notification=notification, status="sent")
            wait_for(lambda: sent.count() == count, timeout=900, interval=0.2)
            seconds = time.perf_counter() - started
            after = _cpu_snapshot(group=group, fake=fake_pid, database=database)
    finally:
        worker.stop()
        connection.close()
    return _result(channel, count, seconds, _cpu_used(before, after), fakes)


def main() -> None:
    parser = argparse.ArgumentParser(description="SMS and e-mail fan-out benchmark")
    parser.add_argument("--messages", type=int, default=7_000)
    parser.add_argument("--channels", default="push,sms,email")
    args = parser.parse_args()
    wanted = args.channels.split(",")

    started = {
        "push": _start("tests.fakes.fcm"),
        "sms": _start("tests.fakes.gatewayapi"),
        "email": _start("tests.fakes.smtp"),
    }
    fcm_url, gateway_url = started["push"][1][0], started["sms"][1][0]
    smtp_port, smtp_stats = started["email"][1]
    fakes = {
        "push": {"pid": started["push"][0].pid, "stats": fcm_url},
        "sms": {"pid": started["sms"][0].pid, "stats": gateway_url},
        "email": {"pid": started["email"][0].pid, "stats": smtp_stats},
    }
    from tests.fakes.gatewayapi import TOKEN

    env = {
        "DJANGO_DEBUG": "false",
        "FCM_ENDPOINT_URL": fcm_url,
        "FCM_HTTP_TIMEOUT_SECONDS": "30",
        "SMS_SENDER": "org.sms.GatewayApiSmsSender",
        "SMS_GATEWAYAPI_URL": gateway_url,
        "SMS_GATEWAYAPI_TOKEN": TOKEN,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "SMTP_USE_TLS": "false",
        "LOG_LEVEL": "WARNING",
    }
    try:
        from bench.database import recreate

        recreate(DATABASE_URL)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="backend.settings", DATABASE_URL=DATABASE_URL, **env
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        _make_people(args.messages)
        database = connection.settings_dict["NAME"]
        results = {}
        for channel in wanted:
            results[f"{channel}_raw"] = _run_raw(channel, args.messages, fakes, database)
            results[f"{channel}_bro_1_worker"] = _run_bro(
                channel, args.messages, fakes, env, database
            )
    finally:
        for process, _out in started.values():
            process.terminate()
            process.wait(timeout=10)

    ratios = {
        f"{channel}_bro_vs_raw": round(
            results[f"{channel}_bro_1_worker"]["msgs_per_s"]
            / results[f"{channel}_raw"]["msgs_per_s"],
            2,
        )
        for channel in wanted
    }
    print_table(results)
    for name, value in ratios.items():
        print(f"{name}: {value}")

    from django.conf import settings

    write_results(
        "channels",
        {
            "benchmark": "channel_fanout",
            "messages": args.messages,
            "sms_send_concurrency": settings.SMS_SEND_CONCURRENCY,
            "email_send_concurrency": settings.EMAIL_SEND_CONCURRENCY,
            "push_send_concurrency": settings.PUSH_SEND_CONCURRENCY,
            "results": results,
            "ratios": ratios,
        },
    )


if __name__ == "__main__":
    main()
