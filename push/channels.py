"""The channels besides push: SMS through the gateway adapter, e-mail through Django's mailer.

Each channel sends through the same loop as push (sending.py's `ThreadedSending`): submit
messages, collect outcomes as they arrive, cancel the rest, at most `limit` on the wire. So SMS and e-mail go through the
one claim → send → record → retry → reconcile path of delivery.py, with the same promises: a
worker killed at any moment leaves at most `limit` messages per channel of unknown fate.
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from org.sms import get_sms_sender

from . import fcm
from .models import Channel
from .sending import FINAL, SENT, TRANSIENT, Outcome, Sending, ThreadedSending, thread_pool

logger = logging.getLogger("bro.push")


@dataclass(frozen=True, slots=True)
class AddressedMessage:
    """One SMS or e-mail: the address, the rendered text, our reference (the delivery id)."""

    address: str
    subject: str
    text: str
    reference: str


def send_sms(message: AddressedMessage) -> Outcome:
    result = get_sms_sender().send(
        to=message.address, body=message.text, reference=message.reference
    )
    if result.ok:
        return SENT
    return Outcome(
        ok=False,
        code=result.code,
        action=TRANSIENT if result.transient else FINAL,
        retry_after=result.retry_after,
    )


def send_email(message: AddressedMessage) -> Outcome:
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
        return Outcome(ok=False, code="SMTP_CONNECTION", action=TRANSIENT)
    return SENT


def _smtp_outcome(code: int) -> Outcome:
    transient = 400 <= code < 500
    return Outcome(ok=False, code=f"SMTP_{code}", action=TRANSIENT if transient else FINAL)


def open_sending(channel: str) -> Sending:
    if channel == Channel.SMS:
        size = settings.SMS_SEND_CONCURRENCY
        return ThreadedSending(pool=thread_pool("sms", size), send=send_sms, limit=size)
    if channel == Channel.EMAIL:
        size = settings.EMAIL_SEND_CONCURRENCY
        # One SMTP connection per message: Django's backend is not shared between threads.
        return ThreadedSending(pool=thread_pool("email", size), send=send_email, limit=size)
    return fcm.get_backend().open()
