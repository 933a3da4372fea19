"""Sending SMS: the gateway interface, GatewayAPI over HTTP, and the log sender of the demo.

A sender is a class with `send(to=, body=, reference=)` returning an `SmsResult`, named in the
SMS_SENDER setting. It never raises for what the gateway answers: the result says whether the
message was accepted, refused for good (a bad number: 4xx) or worth trying again (429, 5xx,
a timeout or a dropped connection), so every caller — the notification pipeline, the login-code
task — decides about retries in one way. `sms_encoding` tells GSM-7 from UCS-2 and counts
segments, which is what a gateway bills.
"""

import logging
import math
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("bro.sms")

# GSM 03.38: the basic character set (1 septet each) and its extension table (2 septets:
# escape + character). Danish æøåÆØÅ are in the basic set; emoji and most accents are not.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class SmsText:
    encoding: str  # "GSM7" or "UCS2"
    segments: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def sms_encoding(text: str) -> SmsText:
    """GSM-7 when every character fits, else UCS-2; segments as a phone splits them.

    One GSM-7 SMS holds 160 septets, a part of a longer one 153; UCS-2 holds 70 code units,
    a part 67 (the rest of each part is the concatenation header).
    """
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS2"
    segments = 1 if units <= single else math.ceil(units / part)
    return SmsText(encoding=encoding, segments=segments, units=units)


def sms_cost(segments: int) -> Decimal:
    """The estimated price of this many segments (SMS_COST_PER_SEGMENT, in the account currency)."""
    return settings.SMS_COST_PER_SEGMENT * segments


@dataclass(frozen=True, slots=True)
class SmsResult:
    ok: bool
    code: str = ""
    transient: bool = False
    retry_after: float = 0.0
    provider_id: str = ""


SMS_SENT = SmsResult(ok=True)


class SmsSender(Protocol):
    def send(self, *, to: str, body: str, reference: str = "") -> SmsResult: ...


class LogSmsSender:
    """Writes each message to the log (and keeps it in `outbox` for tests and the demo)."""

    outbox: list[dict[str, str]] = []

    def send(self, *, to: str, body: str, reference: str = "") -> SmsResult:
        self.outbox.append({"to": to, "body": body, "reference": reference})
        logger.info("SMS to %s: %s", to, body)
        return SMS_SENT


_local = threading.local()


def _session() -> requests.Session:
    # One keep-alive session per sending thread: requests' Session is not documented thread-safe.
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


class GatewayApiSmsSender:
    """GatewayAPI's REST API: POST /rest/mtsms with the API token as the basic-auth user.

    `userref` carries our reference (the delivery id), which the gateway returns in its
    delivery-status callback; UCS-2 is asked for only when the text needs it.
    """

    def send(self, *, to: str, body: str, reference: str = "") -> SmsResult:
        text = sms_encoding(body)
        payload: dict = {
            "sender": settings.SMS_SENDER_NAME,
            "message": body,
            "recipients": [{"msisdn": int(to.lstrip("+"))}],
        }
        if text.encoding == "UCS2":
            payload["encoding"] = "UCS2"
        if reference:
            payload["userref"] = reference
        if settings.SMS_CALLBACK_URL:
            payload["callback_url"] = settings.SMS_CALLBACK_URL
        url = settings.SMS_GATEWAYAPI_URL.rstrip("/") + "/rest/mtsms"
        try:
            response = _session().post(
                url,
                json=payload,
                auth=(settings.SMS_GATEWAYAPI_TOKEN, ""),
                timeout=settings.SMS_HTTP_TIMEOUT_SECONDS,
            )
        except requests.Timeout:
            return SmsResult(ok=False, code="TIMEOUT", transient=True)
        except requests.ConnectionError:
            return SmsResult(ok=False, code="CONNECTION", transient=True)
        if response.status_code == 200:
            ids = _json(response).get("ids") or [""]
            return SmsResult(ok=True, provider_id=str(ids[0]))
        if response.status_code == 429:
            return SmsResult(
                ok=False,
                code="HTTP_429",
                transient=True,
                retry_after=_retry_after(response.headers.get("Retry-After", "")),
            )
        if response.status_code >= 500:
            return SmsResult(ok=False, code=f"HTTP_{response.status_code}", transient=True)
        # 400 (a bad number), 401/403 (our key or IP), 422: sending again would not help.
        code = str(_json(response).get("code") or f"HTTP_{response.status_code}")[:40]
        logger.warning("sms: gateway refused a message (%s, %s)", response.status_code, code)
        return SmsResult(ok=False, code=code)


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0


def get_sms_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()


def send_sms(*, to: str, body: str, reference: str = "") -> SmsResult:
    return get_sms_sender().send(to=to, body=body, reference=reference)
