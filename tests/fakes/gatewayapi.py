"""A fake of GatewayAPI's REST API on loopback, written from its public description.

`POST /rest/mtsms` with the API token as the basic-auth user and a JSON body
`{"sender", "message", "recipients": [{"msisdn": 45...}], "encoding"?, "userref"?,
"callback_url"?}` answers 200 `{"ids": [n], "usage": {...}}`; a wrong token 401; an msisdn that
is not a whole number 400 with GatewayAPI's error body `{"code", "message"}`.

Behaviour per call: a queue of answers the next requests take from ("ok", "500", "429:<s>"
with Retry-After, "400", "hang" until the client gives up), else "ok". When `callback_url` and
a secret are set, each accepted message gets a delivery report POSTed to that URL, signed as
GatewayAPI signs them (a JWT, HS256, in X-Gwapi-Signature), unless callbacks are dropped.
`GET /_fake/stats` gives the counts to another process (the benchmark, worker tests).

Run alone: `python -m tests.fakes.gatewayapi --port 0` prints its URL.
"""

import argparse
import base64
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import requests

TOKEN = "fake-gatewayapi-token"


@dataclass(frozen=True)
class Sms:
    msisdn: int
    message: str
    sender: str
    encoding: str
    userref: str
    answer: str


class _Server(ThreadingHTTPServer):
    request_queue_size = 512
    daemon_threads = True
    fake: "FakeGatewayApi"

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request resets its connection: expected


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
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/_fake/stats":
            self._reply(200, self.server.fake.stats())
        else:
            self._reply(404, {"message": "not found"})

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if self.path.split("?")[0] != "/rest/mtsms":
            self._reply(404, {"message": "not found"})
            return
        auth = self.headers.get("Authorization", "")
        user = ""
        if auth.startswith("Basic "):
            user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        if user != fake.token:
            self._reply(401, {"code": "0x0154", "message": "Unauthorized"})
            return
        try:
            body = json.loads(raw)
            recipients = body["recipients"]
            msisdn = int(recipients[0]["msisdn"])
            message = body["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            self._reply(400, {"code": "0x0217", "message": "Invalid recipient or body"})
            return
        answer = fake._next_answer()
        if answer == "hang":
            fake._record(Sms(msisdn, message, body.get("sender", ""), "", "", answer))
            fake._released.wait(fake.hang_seconds)
            return
        sms = Sms(
            msisdn=msisdn,
            message=message,
            sender=body.get("sender", ""),
            encoding=body.get("encoding", "GSM7"),
            userref=str(body.get("userref", "")),
            answer=answer,
        )
        fake._record(sms)
        if answer == "500":
            self._reply(500, {"code": "0x0000", "message": "Internal error"})
        elif answer.startswith("429"):
            seconds = answer.partition(":")[2] or "1"
            self._reply(429, {"message": "Too many requests"}, {"Retry-After": seconds})
        elif answer == "400":
            self._reply(400, {"code": "0x0217", "message": "Invalid recipient"})
        else:
            message_id = fake._accept(sms)
            self._reply(200, {"ids": [message_id], "usage": {"countries": {"DK": 1}}})
            callback = body.get("callback_url") or fake.callback_url
            if callback and fake.callback_secret and not fake.drop_callbacks:
                threading.Thread(
                    target=fake._call_back, args=(callback, message_id, sms), daemon=True
                ).start()


class FakeGatewayApi:
    """The fake, in a thread of this process."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, hang_seconds: float = 30.0):
        self.token = TOKEN
        self.hang_seconds = hang_seconds
        self.callback_url = ""
        self.callback_secret = ""
        self.drop_callbacks = False
        self._lock = threading.Lock()
        self._answers: deque[str] = deque()
        self._released = threading.Event()
        self._next = 1000
        self.received: list[Sms] = []
        self.accepted: list[Sms] = []
        self.callbacks: list[tuple[int, dict]] = []
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeGatewayApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeGatewayApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

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

    def stats(self) -> dict:
        with self._lock:
            return {
                "received": len(self.received),
                "accepted": len(self.accepted),
                "accepted_by_userref": dict(Counter(s.userref for s in self.accepted)),
            }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = FakeGatewayApi(port=args.port).start()
    print(fake.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
