"""What the machine is and what it spent: versions, CPU seconds per process, load, gunicorn."""

import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.db import connection

from .database import ROOT, bench_env

_TICK = os.sysconf("SC_CLK_TCK")


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
    }


def versions() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "python": sys.version.split()[0],
        "django": version("django"),
        "djangorestframework": version("djangorestframework"),
        "django-allauth": version("django-allauth"),
        "psycopg": version("psycopg"),
        "gunicorn": version("gunicorn"),
        "postgresql": postgres,
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
    }


def code_state() -> dict:
    """The commit measured, and the files that differed from it (work in progress)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    return {
        "commit": git("rev-parse", "HEAD").strip(),
        "uncommitted": [line[3:] for line in git("status", "--porcelain").splitlines()],
    }


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Usage:
    app: float
    database: float
    machine_busy: float
    machine_total: float
    wall: float


class CpuSampler:
    """CPU seconds of the gunicorn processes and of this database's PostgreSQL backends."""

    def __init__(self, gunicorn_pid: int) -> None:
        self.gunicorn_pid = gunicorn_pid

    def _database_pids(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> tuple:
        app_pids = [self.gunicorn_pid, *_children(self.gunicorn_pid)]
        db_pids = self._database_pids()
        return (
            {pid: _cpu_seconds(pid) for pid in app_pids},
            {pid: _cpu_seconds(pid) for pid in db_pids},
            _machine_ticks(),
            time.perf_counter(),
        )

    def since(self, before: tuple) -> Usage:
        after = self.snapshot()

        def spent(b: dict, a: dict) -> float:
            return sum(a[pid] - b.get(pid, 0.0) for pid in a)

        busy = (after[2][0] - before[2][0]) / _TICK
        total = (after[2][1] - before[2][1]) / _TICK
        return Usage(
            app=spent(before[0], after[0]),
            database=spent(before[1], after[1]),
            machine_busy=busy,
            machine_total=total,
            wall=after[3] - before[3],
        )


class Gunicorn:
    """The app under gunicorn on loopback, with the benchmark settings."""

    def __init__(
        self, *, port: int, workers: int, log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.port, self.workers, self.log_path = port, workers, log_path
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "backend.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--worker-class", "sync",
                "--backlog", "2048",
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=bench_env(**self.env),
            stdout=log,
            stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/bench/ready/", timeout=2) as response:
                    if response.status == 200 and len(_children(self.process.pid)) >= self.workers:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
