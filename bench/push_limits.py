"""Push beyond one machine: what limits scaling out, per message (used by bench/push_fanout.py).

Per run, from the worker processes' own timers (bench/push_probe.py), /proc, and a sampler of
pg_stat_activity + pg_locks every SAMPLE_INTERVAL, each per message sent:

* cpu_ms: CPU of the worker processes (all threads, /proc);
* runq_ms: time their task threads were ready to run but had no core (/proc/<pid>/schedstat)
  — what a worker with a core of its own does not pay;
* db_ms: wall time of the task thread inside database calls and explicit commits
  (commit_ms; an autocommit UPDATE's commit is inside its statement). Of it, as sampled
  (each backend seen counts one sample interval): db_server_ms, the time a backend of this
  database was active on the workers' statements — the rest of db_ms is the client's side,
  psycopg and getting the GIL back from the send threads; lock_wait_ms, backends waiting on a
  heavyweight lock (a row, tuple, transaction or relation); lwlock_wait_ms, on PostgreSQL's
  internal locks (WAL insertion and writing, buffer mapping);
* redis_ms: wall time inside redis-py calls in the worker's processes;
* fcm_http_ms: wall time of the HTTP request to the fake, per message (the mean latency; up
  to PUSH_SEND_CONCURRENCY overlap, so it is not part of the sum), and the mean in flight;
* other_ms: a worker's wall time per message (seconds x workers / messages) less cpu, runq,
  db and redis: waits on nothing measured (the GIL, the pipe to FCM empty) — negative when
  the send threads' CPU overlaps the task thread's database waits.

The model is Amdahl's law, which is the Universal Scalability Law without its coherency term:
X(N) = N X1 / (1 + s (N - 1)). X1 = 1000 / (cpu + db_server + redis) per ms is one worker's
rate with a core of its own (the client side of db_ms is CPU or a wait for it: counted once). The serial fraction s is the share of that per-message time spent waiting
on what every worker shares one of, measured at 2 workers: heavyweight and lightweight lock
waits in PostgreSQL, and all Redis time (one single-threaded server; an upper bound). Commits
count only through those waits: this path commits with synchronous_commit off, so a commit
does not wait for the disk, and WAL insertion contention shows as LWLock waits. With two
points the USL's contention and coherency terms cannot be told apart: the coherency term
would need three or more workers on separate machines; here all measured contention is s.
"""

import json
import math
import threading
import time
from pathlib import Path

import psycopg

SAMPLE_INTERVAL = 0.02
# bench/push_probe.py's DUMP_INTERVAL (not imported: that module is the worker's app).
PROBE_DUMP_INTERVAL = 0.1
TARGET_DEVICES = 45_000
TARGET_SECONDS = 60
# FCM HTTP v1's default quota: 600,000 messages per minute per project.
FCM_QUOTA_PER_S = 600_000 / 60

_ACTIVE = """
    SELECT a.pid, a.wait_event_type, a.wait_event, l.locktype, l.relation
    FROM pg_stat_activity a
    LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
    WHERE a.datname = %s AND a.state = 'active' AND a.backend_type = 'client backend'
      AND a.pid <> pg_backend_pid()
"""


class LockSampler:
    """Samples, from the maintenance database, what the benchmark database's backends wait on.

    Connected to `postgres` (not the benchmark's database), so its backend is not charged to
    the database CPU of the run. `exclude` is the benchmark process's own backend."""

    def __init__(self, url: str, *, database: str, exclude: set[int]):
        self._info = {**psycopg.conninfo.conninfo_to_dict(url), "dbname": "postgres"}
        self._database = database
        self._exclude = exclude
        self._stop = threading.Event()
        self.samples = 0
        self.seconds = 0.0
        self.waits: dict[str, int] = {}  # "Lock", "LWLock", "IO", ... -> backend-samples
        self.events: dict[tuple, int] = {}  # (type, event, locktype, relation oid) -> samples
        self.active = 0  # backend-samples active in a query
        self._thread = threading.Thread(target=self._run, name="bench-lock-sampler", daemon=True)

    def __enter__(self) -> "LockSampler":
        self._conn = psycopg.connect(**self._info, autocommit=True)
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.seconds = time.perf_counter() - self._started
        self._conn.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            rows = self._conn.execute(_ACTIVE, (self._database,)).fetchall()
            self.samples += 1
            seen = set()
            for pid, kind, event, locktype, relation in rows:
                if pid in self._exclude or pid in seen:
                    continue
                seen.add(pid)
                self.active += 1
                if kind:
                    self.waits[kind] = self.waits.get(kind, 0) + 1
                    key = (kind, event, locktype or "", relation or 0)
                    self.events[key] = self.events.get(key, 0) + 1
            self._stop.wait(SAMPLE_INTERVAL)

    @property
    def interval(self) -> float:
        """The mean time between samples (a query takes a little more than the sleep)."""
        return self.seconds / self.samples if self.samples else SAMPLE_INTERVAL

    def wait_seconds(self, kind: str) -> float:
        return self.waits.get(kind, 0) * self.interval

    def top_events(self, names: dict[int, str], limit: int = 6) -> list[dict]:
        ranked = sorted(self.events.items(), key=lambda item: -item[1])[:limit]
        return [
            {
                "type": kind,
                "event": event,
                "locktype": locktype,
                "relation": names.get(relation, str(relation) if relation else ""),
                "ms": round(count * self.interval * 1000, 1),
            }
            for (kind, event, locktype, relation), count in ranked
        ]

    def relations(self) -> list[int]:
        return sorted({key[3] for key in self.events if key[3]})


def probe_totals(directory: str | Path) -> dict[str, float]:
    """The sum of every worker process's totals written by bench/push_probe.py."""
    totals: dict[str, float] = {}
    for path in Path(directory).glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for key, value in data.items():
            if key.endswith(("_s", "_calls")):
                totals[key] = totals.get(key, 0) + value
    return totals


def runq_seconds(group: int) -> float:
    """Seconds the main threads of a process group's processes (a pool process's is the task
    thread: claim, submit, record) spent ready to run without a core. The send threads' are
    left out: 64 of them wait for the GIL and a core at once, and their sum says nothing."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:
                continue
            total += int((entry / "schedstat").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


def per_message(
    *,
    messages: int,
    seconds: float,
    processes: int,
    cpu: dict,
    probe: dict,
    runq: float,
    sampler: LockSampler,
    names: dict[int, str],
) -> dict:
    """The run's per-message figures (ms) and its serial share."""

    def ms(value: float) -> float:
        return round(value * 1000 / messages, 3)

    db = probe.get("db_s", 0.0) + probe.get("commit_s", 0.0)
    redis = probe.get("redis_s", 0.0)
    figures = {
        "wall_ms_per_worker": ms(seconds * processes),
        "cpu_ms": ms(cpu["side"]),
        "runq_ms": ms(runq),
        "db_ms": ms(db),
        # Active, less waiting for the client to send the rest of a statement (ClientRead).
        "db_server_ms": ms((sampler.active - sampler.waits.get("Client", 0)) * sampler.interval),
        "commit_ms": ms(probe.get("commit_s", 0.0)),
        "lock_wait_ms": ms(sampler.wait_seconds("Lock")),
        "lwlock_wait_ms": ms(sampler.wait_seconds("LWLock")),
        "io_wait_ms": ms(sampler.wait_seconds("IO")),
        "redis_ms": ms(redis),
        "fcm_http_ms": ms(probe.get("http_s", 0.0)),
        "fcm_in_flight_mean": round(probe.get("http_s", 0.0) / (seconds * processes), 1),
        "db_server_cpu_ms": ms(cpu["db"]),
        "db_statements_per_msg": round(probe.get("db_calls", 0) / messages, 4),
        "redis_calls_per_msg": round(probe.get("redis_calls", 0) / messages, 4),
        "lock_samples": sampler.samples,
        "sample_interval_ms": round(sampler.interval * 1000, 1),
        # One backend seen once, per message: a wait reported as 0 was shorter than this.
        "wait_resolution_ms": ms(sampler.interval),
        "waits_seen": sampler.top_events(names),
    }
    figures["other_ms"] = round(
        figures["wall_ms_per_worker"]
        - figures["cpu_ms"]
        - figures["runq_ms"]
        - figures["db_ms"]
        - figures["redis_ms"],
        3,
    )
    # A worker with a core of its own: its CPU, plus the time its task thread waits on the
    # database server (sampled) and Redis. The client side of a database call (psycopg, and
    # getting the GIL back from the send threads) is CPU or waiting for CPU, counted once.
    service = figures["cpu_ms"] + figures["db_server_ms"] + figures["redis_ms"]
    serial = figures["lock_wait_ms"] + figures["lwlock_wait_ms"] + figures["redis_ms"]
    figures["service_ms"] = round(service, 3)
    figures["serial_ms"] = round(serial, 3)
    figures["serial_fraction"] = round(serial / service, 4) if service else 0.0
    return figures


def projection(one: dict, two: dict, *, concurrency: int) -> dict:
    """Workers on machines of their own for TARGET_DEVICES in TARGET_SECONDS; who limits first."""
    target = TARGET_DEVICES / TARGET_SECONDS
    rate_one = 1000 / one["service_ms"]  # one worker with a core of its own
    serial = max(two["serial_fraction"], one["serial_fraction"])

    def rate(n: int) -> float:
        return n * rate_one / (1 + serial * (n - 1))

    ceiling = rate_one / serial if serial else math.inf
    needed = None
    if ceiling > target:
        needed = 1
        while rate(needed) < target:
            needed += 1
    # The one shared PostgreSQL: its CPU per message caps the rate per database core.
    db_per_core = 1000 / two["db_server_cpu_ms"] if two["db_server_cpu_ms"] else math.inf
    limits = {"Bro (serial fraction)": ceiling, "FCM quota": FCM_QUOTA_PER_S}
    first = min(limits, key=limits.get)
    return {
        "target_msgs_per_s": round(target, 1),
        "worker_msgs_per_s_own_core": round(rate_one, 1),
        "serial_fraction": serial,
        "serial_fraction_1_worker": one["serial_fraction"],
        "serial_fraction_2_workers": two["serial_fraction"],
        "serial_wait_growth_ms": round(two["serial_ms"] - one["serial_ms"], 3),
        "lock_wait_growth_ms": round(two["lock_wait_ms"] - one["lock_wait_ms"], 3),
        "workers_needed": needed,
        "rate_at_workers_needed": round(rate(needed), 1) if needed else None,
        "bro_ceiling_msgs_per_s": round(ceiling, 1) if serial else None,
        "fcm_quota_msgs_per_s": FCM_QUOTA_PER_S,
        # One worker keeps at most `concurrency` on the wire: at FCM's latency L it sends at
        # most concurrency / L (at the fake's latency as measured here, under load).
        "pipe_msgs_per_s_per_worker": round(concurrency * 1000 / one["fcm_http_ms"], 1)
        if one["fcm_http_ms"]
        else None,
        "database_msgs_per_s_per_core": round(db_per_core, 1),
        "database_cores_for_target": round(target / db_per_core, 2) if db_per_core else None,
        "limits_first": first,
        "model": "Amdahl: X(N) = N X1 / (1 + s (N - 1)), s measured at 2 workers",
    }


def relation_names(connection, oids: list[int]) -> dict[int, str]:
    if not oids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid, relname FROM pg_class WHERE oid = ANY(%s)", [oids])
        return {int(oid): name for oid, name in cursor.fetchall()}


def backend_pid(connection) -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def print_limits(rows: dict[str, dict], limits: dict) -> None:
    """Per message, side by side: where a worker's time goes at 1 and 2 workers."""
    columns = [
        ("wall_ms_per_worker", "wall"),
        ("cpu_ms", "cpu"),
        ("runq_ms", "runq"),
        ("db_ms", "db"),
        ("db_server_ms", "db_server"),
        ("lock_wait_ms", "lock"),
        ("lwlock_wait_ms", "lwlock"),
        ("commit_ms", "commit"),
        ("redis_ms", "redis"),
        ("fcm_http_ms", "fcm_http"),
        ("fcm_in_flight_mean", "in_flight"),
        ("other_ms", "other"),
        ("db_server_cpu_ms", "db_cpu"),
        ("serial_fraction", "serial"),
    ]
    print("\nper message, ms (lock, lwlock: of db; fcm_http overlaps, in_flight at once)")
    print(f"{'run':<16}" + "".join(f"{label:>10}" for _key, label in columns))
    for name, figures in rows.items():
        print(f"{name:<16}" + "".join(f"{figures[key]:>10}" for key, _label in columns))
    for name, figures in rows.items():
        for wait in figures["waits_seen"]:
            print(f"  {name}: waited {wait}")
    print(
        f"one worker with a core of its own: {limits['worker_msgs_per_s_own_core']} msgs/s; "
        f"serial fraction {limits['serial_fraction']} (1 worker "
        f"{limits['serial_fraction_1_worker']}, 2 workers {limits['serial_fraction_2_workers']})"
    )
    print(
        f"{TARGET_DEVICES} devices in < {TARGET_SECONDS} s ({limits['target_msgs_per_s']} "
        f"msgs/s): {limits['workers_needed']} workers on machines of their own "
        f"({limits['rate_at_workers_needed']} msgs/s); Bro's ceiling "
        f"{limits['bro_ceiling_msgs_per_s']} msgs/s, FCM's quota "
        f"{limits['fcm_quota_msgs_per_s']:.0f} msgs/s: {limits['limits_first']} limits first; "
        f"database {limits['database_msgs_per_s_per_core']} msgs/s per core "
        f"({limits['database_cores_for_target']} cores for the target); one worker's pipe "
        f"(concurrency / FCM latency) {limits['pipe_msgs_per_s_per_worker']} msgs/s"
    )
