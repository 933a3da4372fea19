"""A fake FCM HTTP v1 server on loopback, for the real firebase-admin SDK to talk to.

Serves `POST /v1/projects/{project}/messages:send`. Behaviour is chosen per token (a script of
answers, the last one repeating) or per call (a queue the next requests take from), else the
default. Answers: "success", "unregistered", "invalid_argument", "quota:<seconds>" (429 with
Retry-After), "unavailable" (503), "hang" (no answer until the client gives up or the fake
stops). Every request is recorded; `GET /_fake/stats` gives the counts to another process.

Run alone (for the benchmark): `python -m tests.fakes.fcm --port 0` prints its URL.
"""

import argparse
import json
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ERRORS = {
    "unregistered": (404, "NOT_FOUND", "UNREGISTERED"),
    "invalid_argument": (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"),
    "unavailable": (503, "UNAVAILABLE", "UNAVAILABLE"),
}


@dataclass(frozen=True)
class Received:
    target: str
    message: dict
    at: float
    answer: str


class _Server(ThreadingHTTPServer):
    # firebase-admin opens up to 500 connections at once (one thread per message).
    request_queue_size = 1024
    daemon_threads = True
    fake: "FakeFCM"

    def handle_error(self, request, client_address):
        # A client killed mid-request (the worker-crash test) resets its connections: expected.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        head = [f"HTTP/1.1 {status} X", "Content-Type: application/json"]
        head.append(f"Content-Length: {len(payload)}")
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        # Headers and body in one send: separate writes meet Nagle + delayed ACK (~40 ms each).
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/_fake/stats":
            self._reply(200, self.server.fake.stats())
        else:
            self._reply(404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "no"}})

    def do_POST(self):
        fake = self.server.fake
        if self.path == "/_fake/reset":
            fake.reset()
            self._reply(200, {})
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            message = json.loads(raw)["message"]
        except (ValueError, KeyError, TypeError):
            self._reply(400, _error_body(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))
            return
        target = message.get("token") or message.get("fid") or ""
        if not target:
            self._reply(400, _error_body(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))
            return
        answer = fake._answer_for(target)
        fake._record(Received(target=target, message=message, at=time.time(), answer=answer))
        if answer == "hang":
            fake._released.wait(fake.hang_seconds)
            self.close_connection = True
            return
        if answer == "success":
            fake._accept(target, message)
            number = fake._next_id()
            self._reply(200, {"name": f"projects/{self.path.split('/')[3]}/messages/{number}"})
            return
        if answer.startswith("quota:"):
            retry_after = answer.split(":", 1)[1]
            self._reply(
                429,
                _error_body(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
                {"Retry-After": retry_after},
            )
            return
        status, grpc_status, fcm_code = _ERRORS[answer]
        self._reply(status, _error_body(status, grpc_status, fcm_code))


def _error_body(status: int, grpc_status: str, fcm_code: str) -> dict:
    return {
        "error": {
            "code": status,
            "status": grpc_status,
            "message": f"fake: {fcm_code}",
            "details": [
                {
                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode": fcm_code,
                }
            ],
        }
    }


class FakeFCM:
    """Start with `with FakeFCM() as fake:`; point FCM_ENDPOINT_URL at `fake.base_url`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, hang_seconds: float = 30.0):
        self.hang_seconds = hang_seconds
        self.default = "success"
        self._lock = threading.Lock()
        self._per_token: dict[str, list[str]] = {}
        self._per_call: deque[str] = deque()
        self._received: list[Received] = []
        self._accepted: Counter[str] = Counter()
        self._shown: dict[str, set[str]] = defaultdict(set)
        self._ids = 0
        self._released = threading.Event()
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeFCM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeFCM":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- behaviour ---------------------------------------------------------------------------

    def answer_token(self, token: str, *answers: str) -> None:
        """Answer requests for `token` with these, in order; the last one repeats."""
        with self._lock:
            self._per_token[token] = list(answers)

    def answer_next_calls(self, *answers: str) -> None:
        """The next requests, whatever their token, get these answers in order."""
        with self._lock:
            self._per_call.extend(answers)

    def _answer_for(self, target: str) -> str:
        with self._lock:
            if self._per_call:
                return self._per_call.popleft()
            script = self._per_token.get(target)
            if script:
                return script.pop(0) if len(script) > 1 else script[0]
            return self.default

    def _record(self, received: Received) -> None:
        with self._lock:
            self._received.append(received)

    def _accept(self, target: str, message: dict) -> None:
        tag = (message.get("android") or {}).get("notification", {}).get("tag", "")
        with self._lock:
            self._accepted[target] += 1
            self._shown[target].add(tag)

    def _next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def reset(self) -> None:
        """Forget what was received (between benchmark runs)."""
        with self._lock:
            self._received.clear()
            self._accepted.clear()
            self._shown.clear()

    # --- what was received -------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def received_for(self, target: str) -> list[Received]:
        return [r for r in self.received if r.target == target]

    def accepted(self) -> Counter[str]:
        """Messages answered with success, per token."""
        with self._lock:
            return Counter(self._accepted)

    def stats(self) -> dict:
        with self._lock:
            return {
                "requests": len(self._received),
                "accepted": dict(self._accepted),
                "shown": {target: len(tags) for target, tags in self._shown.items()},
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = FakeFCM(port=args.port).start()
    print(fake.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
