"""Push beyond one machine (bench/push_limits.py): the arithmetic, without workers or timing."""

import json

from bench import push_limits


def _sampler(*, samples=100, seconds=2.0, active=0, waits=None):
    sampler = object.__new__(push_limits.LockSampler)
    sampler.samples, sampler.seconds, sampler.active = samples, seconds, active
    sampler.waits = waits or {}
    sampler.events = {("Lock", "tuple", "tuple", 42): (waits or {}).get("Lock", 0)}
    return sampler


def _figures(*, lock=0, lwlock=0, redis_s=0.01, active=50):
    # 1,000 messages, 2 s, one worker; a sample every 20 ms.
    return push_limits.per_message(
        messages=1000,
        seconds=2.0,
        processes=1,
        cpu={"side": 1.5, "db": 0.1, "fake": 0.3},
        probe={"db_s": 0.4, "commit_s": 0.1, "db_calls": 30, "redis_s": redis_s, "http_s": 20.0},
        runq=0.2,
        sampler=_sampler(active=active, waits={"Lock": lock, "LWLock": lwlock, "Client": 5}),
        names={42: "push_delivery"},
    )


def test_per_message_figures_split_a_workers_time_and_name_the_serialising_waits():
    figures = _figures(lock=10, lwlock=5)

    assert figures["wall_ms_per_worker"] == 2.0
    assert figures["cpu_ms"] == 1.5
    assert figures["runq_ms"] == 0.2
    assert figures["db_ms"] == 0.5  # statements and explicit commits
    assert figures["commit_ms"] == 0.1
    # Sampled: each backend seen counts one 20 ms interval; waiting for the client is not the
    # server's time.
    assert figures["db_server_ms"] == 0.9  # (50 - 5) x 20 ms / 1,000
    assert figures["lock_wait_ms"] == 0.2
    assert figures["lwlock_wait_ms"] == 0.1
    assert figures["redis_ms"] == 0.01
    assert figures["fcm_http_ms"] == 20.0
    assert figures["fcm_in_flight_mean"] == 10.0
    assert figures["other_ms"] == round(2.0 - 1.5 - 0.2 - 0.5 - 0.01, 3)
    # Serial: lock and LWLock waits and Redis, over CPU + the database server's time + Redis.
    assert figures["serial_ms"] == 0.31
    assert figures["serial_fraction"] == round(0.31 / 2.41, 4)
    assert figures["waits_seen"][0]["relation"] == "push_delivery"


def test_projection_counts_workers_for_the_target_and_says_who_limits_first():
    # Given a worker at 1000 / 2.41 = 415 msgs/s with a core of its own, little contention
    one, two = _figures(lock=0), _figures(lock=1)

    limits = push_limits.projection(one, two, concurrency=64)

    # Then two workers reach 750 msgs/s, and FCM's quota binds before Bro's serial fraction
    assert limits["target_msgs_per_s"] == 750.0
    assert limits["worker_msgs_per_s_own_core"] == 414.9
    assert limits["serial_fraction"] == two["serial_fraction"]
    assert limits["workers_needed"] == 2
    assert limits["rate_at_workers_needed"] >= 750
    assert limits["fcm_quota_msgs_per_s"] == 10_000
    assert limits["limits_first"] == "FCM quota"
    assert limits["pipe_msgs_per_s_per_worker"] == 3200.0  # 64 on the wire at 20 ms
    assert limits["lock_wait_growth_ms"] == 0.02


def test_a_serial_fraction_whose_ceiling_is_below_the_target_needs_no_number_of_workers():
    # Given contention: two thirds of every message's time waits on a lock all workers share
    one, two = _figures(lock=0), _figures(lock=80)

    limits = push_limits.projection(one, two, concurrency=64)

    # Then no number of workers reaches 750 msgs/s, and Bro limits first
    assert limits["bro_ceiling_msgs_per_s"] < 750
    assert limits["workers_needed"] is None
    assert limits["limits_first"] == "Bro (serial fraction)"


def test_probe_totals_add_up_every_worker_process(tmp_path):
    (tmp_path / "1.json").write_text(json.dumps({"pid": 1, "role": "main", "redis_s": 0.5}))
    (tmp_path / "2.json").write_text(json.dumps({"pid": 2, "db_s": 1.0, "db_calls": 3}))
    (tmp_path / "3.tmp").write_text("half written")

    assert push_limits.probe_totals(tmp_path) == {"redis_s": 0.5, "db_s": 1.0, "db_calls": 3}
