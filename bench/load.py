"""Load on loopback: wrk (closed loop, as fast as the server answers) and an open-loop sender
at a fixed rate, each returning the same figures.

wrk gets its requests from a file (one per line: method, path, token, body — tab-separated)
through bench/wrk/requests.lua, which also prints the summary as JSON. With `once`, each line
is sent at most once and a thread stops when its share runs out (the submission burst); wrk
itself sleeps out its whole window, so `until` (polled) ends it early with SIGINT, after which
wrk still prints its summary over the time it really ran.
"""

import http.client
import json
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "requests.lua"


@dataclass
class Request:
    method: str
    path: str
    token: str
    body: str = ""
    if_none_match: str = ""

    def line(self) -> str:
        return "\t".join((self.method, self.path, self.token, self.body, self.if_none_match))


@dataclass
class Figures:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    client_cpu_seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "req_per_s": round(self.rps, 1),
            "errors": self.errors,
            "latency_ms": {
                "p50": round(self.p50_ms, 2),
                "p90": round(self.p90_ms, 2),
                "p99": round(self.p99_ms, 2),
                "mean": round(self.mean_ms, 2),
                "max": round(self.max_ms, 2),
            },
            "statuses": self.statuses,
            "client_cpu_seconds": round(self.client_cpu_seconds, 3),
        }


def _requests_file(requests: list[Request]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as handle:
        for request in requests:
            handle.write(request.line() + "\n")
    return handle.name


def wrk(
    *,
    base_url: str,
    requests: list[Request],
    duration: float,
    connections: int,
    threads: int = 1,
    once: bool = False,
    until=None,
    poll_seconds: float = 0.25,
) -> Figures:
    """Run wrk for `duration` seconds over `requests` (round robin, or each once).

    `until`: a function polled every `poll_seconds` while wrk runs; when it returns true,
    wrk is stopped (SIGINT) and reports over the time it ran.
    """
    path = _requests_file(requests)
    try:
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base_url,
            "--",
            path,
            "once" if once else "cycle",
            str(threads),
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stopped = False
        while True:
            pid, status, usage = os.wait4(process.pid, 0 if until is None else os.WNOHANG)
            if pid:
                break
            if not stopped and until():
                process.send_signal(signal.SIGINT)
                stopped = True
            time.sleep(poll_seconds)
        out = process.stdout.read().decode()
        err = process.stderr.read().decode()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.unlink(path)
    line = next((x for x in out.splitlines() if x.startswith("{")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {out}\n{err}")
    data = json.loads(line)
    errors = data["status"] + data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Figures(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p99_ms=data["p99"] / 1000,
        mean_ms=data["mean"] / 1000,
        max_ms=data["max"] / 1000,
        statuses={
            k: data[k]
            for k in ("status", "connect", "read", "write", "timeout", "not_modified")
            if data.get(k)
        },
        client_cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def open_loop(
    *, host: str, port: int, requests: list[Request], rate: float, workers: int = 32
) -> Figures:
    """Send each request once at a fixed rate, whatever the answers take (no coordinated
    omission: latency counts from when the request was due, not from when it went out)."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    cpu_before = time.process_time()

    def send(request: Request, due: float) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        headers = {"X-Session-Token": request.token, "Content-Type": "application/json"}
        try:
            connection.request(
                request.method, request.path, body=request.body or None, headers=headers
            )
            response = connection.getresponse()
            response.read()
            outcome = str(response.status)
        except OSError as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        elapsed = time.perf_counter() - due
        with lock:
            latencies.append(elapsed * 1000)
            statuses[outcome] = statuses.get(outcome, 0) + 1

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, request in enumerate(requests):
            due = started + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, request, due)
    seconds = time.perf_counter() - started
    errors = sum(n for status, n in statuses.items() if not status.startswith("2"))
    return Figures(
        requests=len(latencies),
        seconds=seconds,
        errors=errors,
        p50_ms=_percentile(latencies, 50),
        p90_ms=_percentile(latencies, 90),
        p99_ms=_percentile(latencies, 99),
        mean_ms=statistics.fmean(latencies) if latencies else 0.0,
        max_ms=max(latencies, default=0.0),
        statuses=statuses,
        client_cpu_seconds=time.process_time() - cpu_before,
    )
