"""A real SMTP server on loopback (aiosmtpd) that can accept, refuse or drop a message.

Modes, taken per message from a queue (then "accept"): "accept", "refuse-550" (permanent:
the recipient is refused), "refuse-451" (temporary), "drop" (the connection is closed in the
middle of DATA, as a crashed or overloaded server does).

Run alone (for the benchmark): `python -m tests.fakes.smtp` prints the SMTP port and the URL
of a loopback HTTP fake whose `GET /_fake/stats` counts the messages accepted per recipient.
"""

import contextlib
import socket
import threading
from collections import Counter, deque
from email import message_from_bytes

from aiosmtpd.controller import Controller

from .loopback import LoopbackFake


class _Handler:
    def __init__(self, server: "FakeSmtp"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.server._peek()
        if mode == "refuse-550":
            self.server._take()
            return "550 5.1.1 No such user"
        if mode == "refuse-451":
            self.server._take()
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server._take() == "drop":
            server.transport.close()
            return "421 closing"
        message = message_from_bytes(envelope.content)
        with self.server._lock:
            self.server.messages.append(message)
            self.server.accepted_by_recipient.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    # aiosmtpd's controller checks readiness by connecting to its port, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeSmtp:
    def __init__(self):
        self.messages: list = []
        self.accepted_by_recipient: Counter[str] = Counter()
        self._modes: deque[str] = deque()
        self._lock = threading.Lock()
        self._port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self._port)

    def _peek(self) -> str:
        with self._lock:
            return self._modes[0] if self._modes else "accept"

    def _take(self) -> str:
        with self._lock:
            return self._modes.popleft() if self._modes else "accept"

    def answer_next(self, *modes: str) -> None:
        with self._lock:
            self._modes.extend(modes)

    @property
    def port(self) -> int:
        return self._port

    def __enter__(self) -> "FakeSmtp":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def mailer(self) -> dict:
        """A MAILERS setting that sends to this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5},
            }
        }


class _Stats(LoopbackFake):
    """The SMTP fake's counts over HTTP, for a benchmark in another process."""

    def __init__(self, smtp: FakeSmtp, **kwargs):
        self.smtp = smtp
        super().__init__(**kwargs)

    def stats(self) -> dict:
        with self.smtp._lock:
            return {"accepted_by_recipient": dict(self.smtp.accepted_by_recipient)}

    def reset(self) -> None:
        with self.smtp._lock:
            self.smtp.messages.clear()
            self.smtp.accepted_by_recipient.clear()


if __name__ == "__main__":
    with FakeSmtp() as smtp, _Stats(smtp) as stats:
        print(smtp.port, stats.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
