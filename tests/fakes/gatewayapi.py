"""A fake of GatewayAPI's REST API on loopback, written from its public description.

`POST /rest/mtsms` with the API token as the basic-auth user and a JSON body
`{"sender", "message", "recipients": [{"msisdn": 45...}], "encoding"?, "userref"?,
"callback_url"?}` answers 200 `{"ids": [n], "usage": {...}}`; a wrong token 401; an msisdn that
is not a whole number 400 with GatewayAPI's error body `{"code", "message"}`.

Behaviour per call: a queue of answers the next requests take from ("ok", "ok-nocallback"
(accepted, its delivery report never sent), "500", "429:<s>" with Retry-After, "400", "hang"
until the client gives up, the message not taken), else "ok"; `latency_seconds` delays each
answer as a real gateway's round trip does. When `callback_url` and
a secret are set, each accepted message gets a delivery report POSTed to that URL, signed as
GatewayAPI signs them (a JWT, HS256, in X-Gwapi-Signature), unless callbacks are dropped.
`GET /_fake/stats` gives the counts to another process (the benchmark, worker tests).

Run alone: `python -m tests.fakes.gatewayapi --port 0` prints its URL.
"""

import base64
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

import jwt
import requests

from .loopback import JsonHandler, LoopbackFake, serve_alone

TOKEN = "fake-gatewayapi-token"


@dataclass(frozen=True)
class Sms:
    msisdn: int
    message: str
    sender: str
    encoding: str
    userref: str
    answer: str
    at: float = 0.0


class _Handler(JsonHandler):
    def handle_post(self):
        fake = self.fake
        raw = self.read_body()
        if self.path.split("?")[0] != "/rest/mtsms":
            self.reply(404, {"message": "not found"})
            return
        auth = self.headers.get("Authorization", "")
        user = ""
        if auth.startswith("Basic "):
            user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        if user != fake.token:
            self.reply(401, {"code": "0x0154", "message": "Unauthorized"})
            return
        try:
            body = json.loads(raw)
            recipients = body["recipients"]
            msisdn = int(recipients[0]["msisdn"])
            message = body["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            self.reply(400, {"code": "0x0217", "message": "Invalid recipient or body"})
            return
        answer = fake._next_answer()
        sms = Sms(
            msisdn=msisdn,
            message=message,
            sender=body.get("sender", ""),
            encoding=body.get("encoding", "GSM7"),
            userref=str(body.get("userref", "")),
            answer=answer,
            at=time.monotonic(),
        )
        fake._record(sms)
        if answer == "hang":
            self.hang()
            return
        if fake.latency_seconds:
            time.sleep(fake.latency_seconds)  # a gateway's round trip; the fake's own thread
        if answer == "500":
            self.reply(500, {"code": "0x0000", "message": "Internal error"})
        elif answer.startswith("429"):
            seconds = answer.partition(":")[2] or "1"
            self.reply(429, {"message": "Too many requests"}, {"Retry-After": seconds})
        elif answer == "400":
            self.reply(400, {"code": "0x0217", "message": "Invalid recipient"})
        else:
            message_id = fake._accept(sms)
            self.reply(200, {"ids": [message_id], "usage": {"countries": {"DK": 1}}})
            callback = body.get("callback_url") or fake.callback_url
            call_back = answer != "ok-nocallback" and not fake.drop_callbacks
            if callback and fake.callback_secret and call_back:
                threading.Thread(
                    target=fake._call_back, args=(callback, message_id, sms), daemon=True
                ).start()


class FakeGatewayApi(LoopbackFake):
    """The fake, in a thread of this process."""

    handler = _Handler

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        hang_seconds: float = 30.0,
        latency_seconds: float = 0.0,
    ):
        self.token = TOKEN
        self.latency_seconds = latency_seconds
        self.callback_url = ""
        self.callback_secret = ""
        self.drop_callbacks = False
        self._answers: deque[str] = deque()
        self._next = 1000
        self.received: list[Sms] = []
        self.accepted: list[Sms] = []
        self.callbacks: list[tuple[int, dict]] = []
        super().__init__(host=host, port=port, hang_seconds=hang_seconds)

    def answer_next_calls(self, *answers: str) -> None:
        with self._lock:
            self._answers.extend(answers)

    def _next_answer(self) -> str:
        with self._lock:
            return self._answers.popleft() if self._answers else "ok"

    def _record(self, sms: Sms) -> None:
        with self._lock:
            self.received.append(sms)

    def _accept(self, sms: Sms) -> int:
        with self._lock:
            self._next += 1
            self.accepted.append(sms)
            return self._next

    def _call_back(self, url: str, message_id: int, sms: Sms) -> None:
        report = {
            "id": message_id,
            "msisdn": sms.msisdn,
            "time": int(time.time()),
            "status": "DELIVERED",
            "userref": sms.userref,
        }
        signature = jwt.encode(report, self.callback_secret, algorithm="HS256")
        try:
            response = requests.post(
                url, json=report, headers={"X-Gwapi-Signature": signature}, timeout=10
            )
            status = response.status_code
        except requests.RequestException:
            status = 0
        with self._lock:
            self.callbacks.append((status, report))

    def send_report(self, url: str, sms: Sms) -> None:
        """Send the delivery report of an accepted message (again, or late)."""
        self._call_back(url, 0, sms)

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()
            self.received.clear()
            self.accepted.clear()
            self.callbacks.clear()

    def accepted_by_userref(self) -> Counter[str]:
        with self._lock:
            return Counter(s.userref for s in self.accepted)

    def stats(self) -> dict:
        with self._lock:
            return {
                "received": len(self.received),
                "accepted": len(self.accepted),
                "accepted_by_userref": dict(Counter(s.userref for s in self.accepted)),
            }


if __name__ == "__main__":
    serve_alone(FakeGatewayApi, __doc__.splitlines()[0])
