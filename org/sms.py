"""Sending SMS: an interface, and the default sender that writes the message to the log.

A real provider is a class with `send(to, body)` named in the SMS_SENDER setting.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("bro.sms")


class SmsSender(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class LogSmsSender:
    """Writes each message to the log (and keeps it in `outbox` for tests and the demo)."""

    outbox: list[dict[str, str]] = []

    def send(self, *, to: str, body: str) -> None:
        self.outbox.append({"to": to, "body": body})
        logger.info("SMS to %s: %s", to, body)


def get_sms_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()


def send_sms(*, to: str, body: str) -> None:
    get_sms_sender().send(to=to, body=body)
