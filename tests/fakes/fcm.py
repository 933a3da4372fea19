"""A fake FCM HTTP v1 server on loopback, for the real firebase-admin SDK to talk to.

Serves `POST /v1/projects/{project}/messages:send`. Behaviour is chosen per token (a script of
answers, the last one repeating) or per call (a queue the next requests take from), else the
default. Answers: "success", "unregistered", "invalid_argument", "quota:<seconds>" (429 with
Retry-After), "unavailable" (503), "hang" (no answer until the client gives up or the fake
stops). Every request is recorded; `GET /_fake/stats` gives the counts to another process.

Run alone (for the benchmark): `python -m tests.fakes.fcm --port 0` prints its URL.
"""

import json
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass

from .loopback import JsonHandler, LoopbackFake, serve_alone

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


class _Handler(JsonHandler):
    def handle_post(self):
        fake = self.fake
        raw = self.read_body()
        try:
            message = json.loads(raw)["message"]
        except (ValueError, KeyError, TypeError):
            self.reply(400, _error_body(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))
            return
        target = message.get("token") or message.get("fid") or ""
        if not target:
            self.reply(400, _error_body(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))
            return
        answer = fake._answer_for(target)
        fake._record(Received(target=target, message=message, at=time.time(), answer=answer))
        if answer == "hang":
            self.hang()
            return
        if answer == "success":
            fake._accept(target, message)
            number = fake._next_id()
            self.reply(200, {"name": f"projects/{self.path.split('/')[3]}/messages/{number}"})
            return
        if answer.startswith("quota:"):
            retry_after = answer.split(":", 1)[1]
            self.reply(
                429,
                _error_body(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
                {"Retry-After": retry_after},
            )
            return
        status, grpc_status, fcm_code = _ERRORS[answer]
        self.reply(status, _error_body(status, grpc_status, fcm_code))


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


class FakeFCM(LoopbackFake):
    """Start with `with FakeFCM() as fake:`; point FCM_ENDPOINT_URL at `fake.base_url`."""

    handler = _Handler
    not_found = {"error": {"code": 404, "status": "NOT_FOUND", "message": "no"}}

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, hang_seconds: float = 30.0):
        self.default = "success"
        self._per_token: dict[str, list[str]] = {}
        self._per_call: deque[str] = deque()
        self._received: list[Received] = []
        self._accepted: Counter[str] = Counter()
        self._shown: dict[str, set[str]] = defaultdict(set)
        self._ids = 0
        super().__init__(host=host, port=port, hang_seconds=hang_seconds)

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


if __name__ == "__main__":
    serve_alone(FakeFCM, __doc__.splitlines()[0])
