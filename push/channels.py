"""The channels besides push: SMS through the gateway adapter, e-mail through Django's mailer.

Each channel offers the same `Sending` as push (fcm.py): submit messages, collect outcomes as
they arrive, cancel the rest, at most `limit` on the wire. So SMS and e-mail go through the
one claim → send → record → retry → reconcile path of delivery.py, with the same promises: a
worker killed at any moment leaves at most `limit` messages per channel of unknown fate.
"""

import logging
import os
import queue
import smtplib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from org.sms import get_sms_sender

from . import fcm
from .models import Channel

logger = logging.getLogger("bro.push")


@dataclass(frozen=True, slots=True)
class AddressedMessage:
    """One SMS or e-mail: the address, the rendered text, our reference (the delivery id)."""

    address: str
    subject: str
    text: str
    reference: str


def send_sms(message: AddressedMessage) -> fcm.Outcome:
    result = get_sms_sender().send(
        to=message.address, body=message.text, reference=message.reference
    )
    if result.ok:
        return fcm.SENT
    return fcm.Outcome(
        ok=False,
        code=result.code,
        action=fcm.TRANSIENT if result.transient else fcm.FINAL,
        retry_after=result.retry_after,
    )


def send_email(message: AddressedMessage) -> fcm.Outcome:
    """One message over SMTP; a 4xx reply or a lost connection is tried again, a 5xx is final."""
    email = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={"X-Bro-Reference": message.reference},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        return _smtp_outcome(codes[0] if codes else 550)
    except smtplib.SMTPResponseException as error:
        return _smtp_outcome(error.smtp_code)
    except OSError:  # a refused or dropped connection, a timeout (SMTPServerDisconnected too)
        return fcm.Outcome(ok=False, code="SMTP_CONNECTION", action=fcm.TRANSIENT)
    return fcm.SENT


def _smtp_outcome(code: int) -> fcm.Outcome:
    transient = 400 <= code < 500
    return fcm.Outcome(
        ok=False, code=f"SMTP_{code}", action=fcm.TRANSIENT if transient else fcm.FINAL
    )


_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()


def _pool(name: str, size: int) -> ThreadPoolExecutor:
    """This process's threads for one channel, made on first use (never one inherited by fork)."""
    key = (os.getpid(), size)
    state = _pools.get(name)
    if state is None or state[0] != key:
        with _pools_lock:
            state = _pools.get(name)
            if state is None or state[0] != key:
                pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"bro-{name}")
                _pools[name] = state = (key, pool)
    return state[1]


class ThreadedSending:
    """Messages on the wire through a pool; outcomes queue up as each send returns."""

    def __init__(self, *, pool: ThreadPoolExecutor, send: Callable, limit: int):
        self.limit = limit
        self._pool = pool
        self._send = send
        self._arrived: queue.SimpleQueue[tuple[Any, Future]] = queue.SimpleQueue()
        self._futures: list[Future] = []
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, key: Any, message: Any) -> None:
        future = self._pool.submit(self._send, message)
        future.add_done_callback(lambda done, key=key: self._arrived.put((key, done)))
        self._futures.append(future)
        self._pending += 1

    def collect(self, timeout: float | None = None) -> list[tuple[Any, fcm.Outcome]]:
        if not self._pending:
            return []
        try:
            arrived = [self._arrived.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                arrived.append(self._arrived.get_nowait())
            except queue.Empty:
                break
        self._pending -= len(arrived)
        return [(key, future.result()) for key, future in arrived]

    def cancel(self) -> None:
        for future in self._futures:
            future.cancel()


def open_sending(channel: str) -> fcm.Sending:
    if channel == Channel.SMS:
        size = settings.SMS_SEND_CONCURRENCY
        return ThreadedSending(pool=_pool("sms", size), send=send_sms, limit=size)
    if channel == Channel.EMAIL:
        size = settings.EMAIL_SEND_CONCURRENCY
        # One SMTP connection per message: Django's backend is not shared between threads.
        return ThreadedSending(pool=_pool("email", size), send=send_email, limit=size)
    return fcm.get_backend().open()
