"""From `git clone` to a stored survey answer: the newcomer's first start, timed end to end.

    python3 bench/first_start.py            # clone this checkout's HEAD, ./bro run, answer
    python3 bench/first_start.py --cold     # with empty download caches (a truly fresh machine)
    python3 bench/first_start.py --moments  # then wait for the scheduled demo post in the feed

Standard library only (it runs before any virtual environment exists). It clones the current
commit into a temporary folder, starts `./bro run` there on a free port and reads its output;
once /health/ answers it logs in as the demo employee with the one-time code from the server
log, lists `GET /api/v1/surveys/open/`, answers the open wave through the API, checks that a
second answer is refused with 409 and that the answer is in the database, and prints the
seconds of each phase, the CPU seconds and the load average. Exit status 1 when a step fails
or the server answered later than --budget seconds (120: the README's promise).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The phases ./bro run prints, in order: (label, the start of the line that ends the phase).
MARKERS = [
    ("virtual environment", "==> Installing "),
    ("install", "==> Installed"),
    ("migrate and demo data", "Demodata er klar"),
]
CODE = re.compile(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`./bro run` in its own process group, its output collected line by line with times."""

    def __init__(self, folder: Path, port: int, env: dict[str, str]):
        self.lines: list[tuple[float, str]] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["./bro", "run", f"127.0.0.1:{port}"],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def seen(self, prefix: str) -> float | None:
        return next((t for t, line in self.lines if line.lstrip().startswith(prefix)), None)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of the live processes in the group and their reaped children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group (the 5th field)
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return total / tick


def _request(base: str, method: str, path: str, body=None, token: str = "") -> tuple[int, dict]:
    headers = {"Accept": "application/json", "Accept-Language": "da"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["X-Session-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, (json.loads(payload) if payload else {})
    except ValueError:  # an HTML error page
        return status, {"body": payload[:500].decode(errors="replace")}


def _wait(what: str, seconds: float, check):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise SystemExit(f"FAILED: {what} within {seconds:.0f} s")


def _answers(wave: dict) -> list[dict]:
    answers = []
    for question in wave["questions"]:
        if question["kind"] == "likert":
            answers.append({"question": question["id"], "value": 4})
        elif question["kind"] == "scale":
            answers.append({"question": question["id"], "value": 8})
        elif question["kind"] == "free_text":
            answers.append({"question": question["id"], "text": "Godt at blive spurgt."})
        else:
            answers.append({"question": question["id"], "options": [question["options"][0]["id"]]})
    return answers


def _login(server: Server, base: str, email: str) -> str:
    mark = len(server.lines)
    status, body = _request(base, "POST", "/_allauth/app/v1/auth/code/request", {"email": email})
    if status != 401:
        raise SystemExit(f"FAILED: code request answered {status}: {body}")
    pending = body["meta"]["session_token"]

    def code():
        return next((m.group(1) for _, line in server.lines[mark:] if (m := CODE.match(line))), "")

    found = _wait("the one-time code in the server log", 30, code)
    status, body = _request(
        base, "POST", "/_allauth/app/v1/auth/code/confirm", {"code": found}, token=pending
    )
    if status != 200:
        raise SystemExit(f"FAILED: code confirm answered {status}: {body}")
    return body["meta"]["session_token"]


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="bro-first-start-"))
    folder = work / "bro"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRO_", "DATABASE_URL"))}
    if args.cold:
        env["PIP_CACHE_DIR"] = str(work / "pip-cache")
        env["UV_CACHE_DIR"] = str(work / "uv-cache")
    load_before = os.getloadavg()
    t0 = time.monotonic()
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(args.source), str(folder)], check=True
    )
    if args.source == ROOT:  # this checkout's commit, whatever branch the clone checked out
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", head], check=True)
    commit = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    cloned = time.monotonic() - t0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(folder, port, env)
    try:

        def health():
            if server.process.poll() is not None:
                tail = "\n".join(line for _, line in server.lines[-30:])
                raise SystemExit(f"FAILED: ./bro run stopped:\n{tail}")
            try:
                with urllib.request.urlopen(base + "/health/", timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        _wait("the server answering", args.timeout, health)
        answered = time.monotonic() - t0
        cpu = _cpu_seconds(server.process.pid)
        load_after = os.getloadavg()
        print(
            f"First start of {commit[:10] or args.source} ({'cold' if args.cold else 'warm'} "
            "download caches)"
        )
        print(f"  {'git clone':<28} {cloned:6.1f} s")
        previous = cloned
        for label, prefix in MARKERS:
            at = server.seen(prefix)
            if at is not None:
                print(f"  {label:<28} {cloned + at - previous:6.1f} s")
                previous = cloned + at
        print(f"  {'server start':<28} {answered - previous:6.1f} s")
        print(f"  {'clone to server answering':<28} {answered:6.1f} s  (budget {args.budget} s)")
        print(f"  {'CPU of ./bro run until then':<28} {cpu:6.1f} s")
        print(
            f"  load average before / at answer: {load_before[0]:.1f} / {load_after[0]:.1f} "
            f"({os.cpu_count()} cores)"
        )
        sys.stdout.flush()

        logins = [line for _, line in server.lines if line.lstrip().startswith("medarbejder ")]
        email = json.loads(re.search(r"(\{.*\})\s*$", logins[0]).group(1))["email"]
        token = _login(server, base, email)

        def open_waves():  # the weekly pulse opens at the periodic jobs' first tick
            status, body = _request(base, "GET", "/api/v1/surveys/open/", token=token)
            return status == 200 and body["results"]

        waves = _wait("an open wave for the demo employee", 60, open_waves)
        wave = waves[0]
        path = f"/api/v1/surveys/waves/{wave['id']}/responses/"
        status, body = _request(base, "POST", path, {"answers": _answers(wave)}, token=token)
        if status != 201:
            raise SystemExit(f"FAILED: the answer was refused with {status}: {body}")
        again, body = _request(base, "POST", path, {"answers": _answers(wave)}, token=token)
        if again != 409:
            raise SystemExit(f"FAILED: a second answer gave {again}, not 409: {body}")
        stored = subprocess.run(
            [
                *(".venv/bin/python", "manage.py", "shell", "-v", "0", "-c"),
                "from surveys.models import Participation; "
                f"print(Participation.objects.filter(wave_id={wave['id']}, "
                f"user__email={email!r}).count())",
            ],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if stored != "1":
            raise SystemExit(f"FAILED: the answer is not in the database ({stored!r})")
        done = time.monotonic() - t0

        print(
            f"  {'login, open wave, answer':<28} {done - answered:6.1f} s  "
            f"(wave {wave['id']} «{wave['survey']['title']}» answered, stored, 409 again)"
        )
        if args.moments:

            def scheduled_post():
                status, body = _request(base, "GET", "/api/v1/feed/", token=token)
                titles = [item.get("title", "") for item in body.get("results", [])]
                return status == 200 and "Sådan bruger du Bro – kort fortalt" in titles

            _wait("the scheduled demo post in the employee's feed", 300, scheduled_post)
            print(
                f"  scheduled post in the feed  {time.monotonic() - t0 - answered:6.1f} s "
                "after the server answered"
            )
        return 0 if answered <= args.budget else 1
    finally:
        server.stop()
        log = "\n".join(f"{t:8.2f} {line}" for t, line in server.lines)
        (work / "bro-run.log").write_text(log + "\n", encoding="utf-8")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="repository to clone")
    parser.add_argument("--cold", action="store_true", help="empty pip and uv download caches")
    parser.add_argument("--moments", action="store_true", help="wait for the scheduled post")
    parser.add_argument("--budget", type=int, default=120, help="seconds allowed (120)")
    parser.add_argument("--timeout", type=int, default=900, help="give up after (900 s)")
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
