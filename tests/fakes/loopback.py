"""What every HTTP fake on loopback shares: a threaded server, JSON replies, start and stop.

A fake subclasses `LoopbackFake` and gives a handler class (a `JsonHandler`); the server runs in
a daemon thread of this process, `base_url` says where, `GET /_fake/stats` hands the fake's
counts to another process (the benchmark, a worker test) and `POST /_fake/reset` clears them.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    # firebase-admin opens up to 500 connections at once (one thread per message).
    request_queue_size = 1024
    daemon_threads = True
    fake: "LoopbackFake"

    def handle_error(self, request, client_address):
        # A client killed mid-request (the worker-crash tests) resets its connections: expected.
        pass


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):
        pass

    @property
    def fake(self):
        return self.server.fake

    def reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        head = [f"HTTP/1.1 {status} X", "Content-Type: application/json"]
        head.append(f"Content-Length: {len(payload)}")
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        # Headers and body in one send: separate writes meet Nagle + delayed ACK (~40 ms each).
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        self.wfile.flush()

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def hang(self) -> None:
        """Answer nothing until the client gives up or the fake stops."""
        self.fake._released.wait(self.fake.hang_seconds)
        self.close_connection = True

    def do_GET(self):
        if self.path == "/_fake/stats":
            self.reply(200, self.fake.stats())
        else:
            self.reply(404, self.fake.not_found)

    def do_POST(self):
        if self.path == "/_fake/reset":
            self.fake.reset()
            self.reply(200, {})
        else:
            self.handle_post()

    def handle_post(self) -> None:
        raise NotImplementedError


class LoopbackFake:
    """Start with `with Fake() as fake:`; point the client at `fake.base_url`."""

    handler: type[JsonHandler] = JsonHandler
    not_found: dict = {"message": "not found"}

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, hang_seconds: float = 30.0):
        self.hang_seconds = hang_seconds
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = _Server((host, port), self.handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stats(self) -> dict:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget what was received (between benchmark runs)."""
        raise NotImplementedError


def serve_alone(fake_class: type[LoopbackFake], description: str) -> None:
    """`python -m tests.fakes.<name> --port 0`: run the fake, print its URL, wait for ^C."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = fake_class(port=args.port).start()
    print(fake.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
