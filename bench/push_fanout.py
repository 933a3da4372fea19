"""Push fan-out benchmark: Bro's queue + bookkeeping vs. the raw firebase-admin send_each loop.

    .venv/bin/python -m bench.push_fanout [--devices 10000]

Needs PostgreSQL and Redis on loopback. It makes its own database (BENCH_PUSH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/bro_push_bench — dropped and made fresh), a Redis
database (14) and queue of its own, and runs the FCM fake in a separate process so the fake's
CPU is not charged to the side being measured. In one run, over the same devices:

* raw: one process building the same messages and calling messaging.send_each, 500 at a time;
* Bro with 1 and with 2 real Celery worker processes: notification_send (outbox + 10,000
  delivery rows), chunks through Redis, batches claimed, sent and recorded; timed from the
  call until the database says every delivery is sent.

Lost and duplicated are counted at the fake. CPU seconds are read from /proc for the side
measured (the raw process, or the worker processes), the fake and this database's PostgreSQL
backends: on a two-core machine the fake and the database take a share of the cores, so two
workers cannot reach twice one worker's rate once one worker keeps a core busy; the CPU per
message is the figure that does not depend on the core count.

Beyond one machine (bench/push_limits.py): the workers run with timers in their processes
(bench/push_probe.py) and a sampler reads pg_stat_activity every 20 ms, so each Bro run also
gives, per message, the workers' CPU, their wait for a core, the time in database calls (the
database server's part, lock waits), in Redis and in the HTTP call to FCM; from the 1- and
2-worker runs, the serial fraction and the workers needed for 45,000 devices in 60 s against
FCM's quota. Prints the tables; writes bench/results/<date>-<host>-push.json.
"""

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 14


def _database_url() -> str:
    return os.environ.get(
        "BENCH_PUSH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bro_push_bench"
    )


def _recreate_database() -> None:
    from bench.database import recreate

    recreate(_database_url())


def _start_fake() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.fcm", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().strip()


def _cpu_of(pid: int | str) -> tuple[int, float]:
    """(process group, CPU seconds) of a process from /proc; (0, 0.0) once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0, 0.0
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_snapshot(*, group: int | None = None, fake: int, database: str) -> dict:
    """CPU seconds so far of: the worker processes (`group`), the fake, the database backends."""
    snapshot = {"side": {}, "fake": {fake: _cpu_of(fake)[1]}, "db": {}}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pgrp, seconds = _cpu_of(entry.name)
        if group is not None and pgrp == group:
            snapshot["side"][entry.name] = seconds
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command.startswith("postgres: ") and f" {database} " in command:
            snapshot["db"][entry.name] = seconds
    return snapshot


def _cpu_used(before: dict, after: dict) -> dict:
    return {
        part: round(sum(v - before[part].get(pid, 0.0) for pid, v in after[part].items()), 2)
        for part in ("side", "fake", "db")
    }


def _fake_call(url: str, method: str, path: str) -> dict:
    import requests

    return requests.request(method, url + path, timeout=30).json()


def _make_devices(count: int) -> None:
    from django.utils import timezone

    from org.models import OrgUnit, User
    from org.services import unit_create
    from push.models import Device

    unit = unit_create(name="Benchmark", kind=OrgUnit.Kind.AFDELING)
    # Volume data in bulk; the services are exercised by the tests and the demo.
    people = User.objects.bulk_create(
        [
            User(name=f"Person {i}", email=f"p{i}@bench.invalid", unit=unit, password="!")
            for i in range(count // 10)
        ]
    )
    now = timezone.now()
    Device.objects.bulk_create(
        [
            Device(
                user=people[i % len(people)],
                identifier=f"bench-{i:06d}",
                platform=Device.Platform.ANDROID,
                last_seen_at=now,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def _outcome(
    fake_url: str, count: int, seconds: float, cpu: dict, *, key: str = "accepted"
) -> dict:
    """The run's figures; lost and duplicated from the fake's accepted counts (then reset)."""
    stats = _fake_call(fake_url, "GET", "/_fake/stats")
    accepted = stats[key]
    _fake_call(fake_url, "POST", "/_fake/reset")
    return {
        "messages": count,
        "seconds": round(seconds, 2),
        "msgs_per_s": round(count / seconds, 1),
        "lost": count - len(accepted),
        "duplicated": sum(n - 1 for n in accepted.values()),
        "cpu_seconds": cpu,
        "side_cpu_ms_per_msg": round(cpu["side"] * 1000 / count, 3),
    }


def _run_raw(fake_url: str, count: int, fake_pid: int) -> dict:
    from django.db import connection
    from firebase_admin import messaging

    from push import fcm
    from push.models import Device

    devices = list(Device.objects.order_by("id").values_list("identifier", flat=True))
    database = connection.settings_dict["NAME"]
    before = _cpu_snapshot(fake=fake_pid, database=database)
    before["side"] = {"self": _cpu_of(os.getpid())[1]}  # with send_each's threads
    started = time.perf_counter()
    app = fcm.firebase_app()
    for start in range(0, len(devices), fcm.MAX_BATCH):
        batch = [
            fcm.build_message(
                fcm.OutgoingMessage(
                    identifier=identifier,
                    kind="token",
                    title="Hej",
                    body="",
                    data={},
                    priority="normal",
                    collapse_key="",
                    notification_id=1,
                )
            )
            for identifier in devices[start : start + fcm.MAX_BATCH]
        ]
        messaging.send_each(batch, app=app)
    seconds = time.perf_counter() - started
    after = _cpu_snapshot(fake=fake_pid, database=database)
    after["side"] = {"self": _cpu_of(os.getpid())[1]}
    return _outcome(fake_url, count, seconds, _cpu_used(before, after))


def _run_bro(fake_url: str, count: int, processes: int, fake_pid: int) -> dict:
    from django.db import connection

    from backend.celery import app as celery_app
    from bench import push_limits
    from org.models import User
    from push import services
    from push.models import Delivery
    from tests.push.workers import Worker, celery_via, new_queue, wait_for

    broker = f"redis://127.0.0.1:6379/{REDIS_DB}"
    queue = new_queue()
    probe_dir = tempfile.mkdtemp(prefix="bro-push-probe-")
    worker = Worker(
        queue=queue,
        fcm_url=fake_url,
        concurrency=processes,
        DJANGO_DEBUG="false",
        BRO_PUSH_PROBE_DIR=probe_dir,
    )
    worker.env["CELERY_BROKER_URL"] = broker
    # The same Bro app with timers in its processes (bench/push_probe.py).
    worker.app_module = "bench.push_probe"
    worker.start()
    try:
        with celery_via(broker, queue):
            # Ready when it answers a ping, so its start-up is not timed.
            wait_for(lambda: celery_app.control.ping(timeout=0.5), timeout=60, interval=0.2)
            # Every pool process has written its (zero) totals once.
            wait_for(
                lambda: len(list(Path(probe_dir).glob("*.json"))) >= processes + 1,
                timeout=30,
                interval=0.1,
            )
            database = connection.settings_dict["NAME"]
            group = worker.process.pid
            sampler = push_limits.LockSampler(
                _database_url(), database=database, exclude={push_limits.backend_pid(connection)}
            )
            before = _cpu_snapshot(group=group, fake=fake_pid, database=database)
            probe_before = push_limits.probe_totals(probe_dir)
            runq_before = push_limits.runq_seconds(group)
            started = time.perf_counter()
            with sampler:
                notification = services.notification_send(
                    category="news", recipients=User.objects.all(), title="Hej"
                )
                sent = Delivery.objects.filter(notification=notification, status="sent")
                wait_for(lambda: sent.count() == count, timeout=600, interval=0.1)
                seconds = time.perf_counter() - started
            after = _cpu_snapshot(group=group, fake=fake_pid, database=database)
            runq = push_limits.runq_seconds(group) - runq_before
            time.sleep(3 * push_limits.PROBE_DUMP_INTERVAL)  # the last totals reach their files
            probe_after = push_limits.probe_totals(probe_dir)
            names = push_limits.relation_names(connection, sampler.relations())
    finally:
        worker.stop()
        connection.close()
        shutil.rmtree(probe_dir, ignore_errors=True)
    outcome = _outcome(fake_url, count, seconds, _cpu_used(before, after))
    probe = {k: v - probe_before.get(k, 0) for k, v in probe_after.items()}
    outcome["per_message_ms"] = push_limits.per_message(
        messages=count,
        seconds=seconds,
        processes=processes,
        cpu=outcome["cpu_seconds"],
        probe=probe,
        runq=runq,
        sampler=sampler,
        names=names,
    )
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description="Push fan-out benchmark")
    parser.add_argument("--devices", type=int, default=10_000)
    args = parser.parse_args()

    fake, fake_url = _start_fake()
    try:
        _recreate_database()
        os.environ.update(
            DJANGO_SETTINGS_MODULE="backend.settings",
            DATABASE_URL=_database_url(),
            DJANGO_DEBUG="false",
            FCM_ENDPOINT_URL=fake_url,
            FCM_HTTP_TIMEOUT_SECONDS="30",
            LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _make_devices(args.devices)

        results = {
            "raw_send_each": _run_raw(fake_url, args.devices, fake.pid),
            "bro_1_worker": _run_bro(fake_url, args.devices, 1, fake.pid),
            "bro_2_workers": _run_bro(fake_url, args.devices, 2, fake.pid),
        }
    finally:
        fake.terminate()
        fake.wait(timeout=10)

    raw = results["raw_send_each"]["msgs_per_s"]
    one = results["bro_1_worker"]["msgs_per_s"]
    two = results["bro_2_workers"]["msgs_per_s"]
    goals = {
        "bro_1_worker_vs_raw": round(one / raw, 2),
        "bro_2_workers_vs_1": round(two / one, 2),
        "bro_1_worker_cpu_per_msg_vs_raw": round(
            results["bro_1_worker"]["side_cpu_ms_per_msg"]
            / results["raw_send_each"]["side_cpu_ms_per_msg"],
            2,
        ),
        "goal_1_worker_at_least_0.8x_raw": one >= 0.8 * raw,
        "goal_2_workers_at_least_1.6x_one": two >= 1.6 * one,
        "goal_nothing_lost_or_duplicated": all(
            r["lost"] == 0 and r["duplicated"] == 0 for r in results.values()
        ),
    }
    from django.conf import settings

    from bench import push_limits

    limits = push_limits.projection(
        results["bro_1_worker"]["per_message_ms"],
        results["bro_2_workers"]["per_message_ms"],
        concurrency=settings.PUSH_SEND_CONCURRENCY,
    )
    print_table(results)
    for name, value in goals.items():
        print(f"{name}: {value}")
    push_limits.print_limits(
        {name: results[name]["per_message_ms"] for name in ("bro_1_worker", "bro_2_workers")},
        limits,
    )

    write_results(
        "push",
        {
            "benchmark": "push_fanout",
            "devices": args.devices,
            "send_batch_size": settings.PUSH_SEND_BATCH_SIZE,
            "send_concurrency": settings.PUSH_SEND_CONCURRENCY,
            "results": results,
            "goals": goals,
            "beyond_one_machine": limits,
        },
    )


def print_table(results: dict[str, dict]) -> None:
    """One line per run: messages, time, rate, lost, duplicated, CPU per message."""
    print(
        f"\n{'run':<20}{'msgs':>8}{'seconds':>10}{'msgs/s':>10}{'lost':>6}{'dup':>6}"
        f"{'CPU ms/msg':>12}{'fake CPU s':>12}{'db CPU s':>10}"
    )
    for name, r in results.items():
        cpu = r["cpu_seconds"]
        print(
            f"{name:<20}{r['messages']:>8}{r['seconds']:>10}{r['msgs_per_s']:>10}"
            f"{r['lost']:>6}{r['duplicated']:>6}{r['side_cpu_ms_per_msg']:>12}"
            f"{cpu['fake']:>12}{cpu['db']:>10}"
        )


def write_results(kind: str, payload: dict) -> Path:
    """bench/results/<date>-<host>-<kind>.json, with the machine's facts beside the figures."""
    host = socket.gethostname()
    out = ROOT / "bench" / "results" / f"{date.today().isoformat()}-{host}-{kind}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    facts = {
        "date": date.today().isoformat(),
        "host": host,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
    }
    out.write_text(json.dumps({**facts, **payload}, indent=2))
    print(f"written: {out.relative_to(ROOT)}")
    return out


if __name__ == "__main__":
    main()
