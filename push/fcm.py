"""Talking to FCM: the firebase-admin backend, the log backend, and per-message outcomes.

The backend is chosen from settings: FCM_CREDENTIALS_FILE (Google) or FCM_ENDPOINT_URL (an
FCM-compatible endpoint such as the test fake) selects firebase-admin; neither selects the log
backend, which records what would be sent. The firebase app and the sending threads are made
lazily, once per process, so a prefork worker's children each build their own after the fork.

Messages go out one request each through firebase-admin's `messaging.send`, from a pool of
PUSH_SEND_CONCURRENCY threads (sending.py's loop, shared with SMS and e-mail) that lives as long as the process, and each outcome is handed
back the moment its response arrives. That is what `messaging.send_each` does inside (one
`_client.body` POST per message from a thread pool), except that `send_each` starts one thread
per message on every call and returns only when the slowest of its batch has answered: the
caller could not write an outcome before then, so a crash lost the record of a whole batch
already accepted by FCM, and the pipe stood empty while the batch was recorded.
"""

import logging
import os
import threading
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import firebase_admin
import google.oauth2.credentials
import requests.adapters
from django.conf import settings
from firebase_admin import credentials, exceptions, messaging
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

# The outcomes and the send loop are every channel's (sending.py).
from .sending import (
    FINAL,
    RETIRE,
    SENT,
    TRANSIENT,
    Outcome,
    Sending,
    ThreadedSending,
    thread_pool,
)

logger = logging.getLogger("bro.push")

# The most messages one chunk task takes (FCM's own limit per send_each call).
MAX_BATCH = 500

# The SDK's own adapter retries 500/503 four times with backoff (~7 s inside one call) and
# sleeps out a 429's Retry-After up to four times, blocking the whole chunk. We retry per
# message ourselves (recorded, with jitter), so the SDK retries only a refused connection.
_FCM_RETRY = Retry(
    total=None,
    connect=1,
    read=0,
    status=0,
    other=0,
    allowed_methods=None,
    raise_on_status=False,
    respect_retry_after_header=False,
)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    identifier: str
    kind: str
    title: str
    body: str
    data: dict[str, str]
    priority: str
    collapse_key: str
    notification_id: int


class Backend(Protocol):
    def open(self) -> Sending: ...


class _Done:
    """The log backend's sending: every message is done when submitted."""

    limit = MAX_BATCH

    def __init__(self, deliver):
        self._deliver = deliver
        self._done: list[tuple[Any, Outcome]] = []

    @property
    def pending(self) -> int:
        return len(self._done)

    def submit(self, key: Any, message: OutgoingMessage) -> None:
        self._done.append((key, self._deliver(message)))

    def collect(self, timeout: float | None = None) -> list[tuple[Any, Outcome]]:
        done, self._done = self._done, []
        return done

    def cancel(self) -> None:
        self._done = []


class LogBackend:
    """Records what would be sent; the embedded default. `sent` keeps it for tests and demos."""

    sent: list[OutgoingMessage] = []

    def open(self) -> Sending:
        return _Done(self._deliver)

    def _deliver(self, message: OutgoingMessage) -> Outcome:
        logger.info(
            "push (log backend) to %s %s…: %s",
            message.kind,
            message.identifier[:12],
            message.title,
        )
        self.sent.append(message)
        return SENT


class _FixedTokenCredential(credentials.Base):
    """A credential for an FCM-compatible endpoint that needs no OAuth call (the fake)."""

    def get_credential(self):
        return google.oauth2.credentials.Credentials(token="bro-fixed-token")


_app_lock = threading.Lock()
_app_state: dict[str, object] = {}


def firebase_app() -> firebase_admin.App:
    """The firebase app of this process, made on first use (after any fork)."""
    pid = os.getpid()
    if _app_state.get("pid") == pid:
        return _app_state["app"]
    with _app_lock:
        if _app_state.get("pid") != pid:
            _app_state.update(app=_make_app(name=f"bro-{pid}"), pid=pid)
    return _app_state["app"]


def _make_app(*, name: str) -> firebase_admin.App:
    endpoint = settings.FCM_ENDPOINT_URL
    if settings.FCM_CREDENTIALS_FILE:
        credential = credentials.Certificate(settings.FCM_CREDENTIALS_FILE)
    else:
        credential = _FixedTokenCredential()
    options = {"httpTimeout": settings.FCM_HTTP_TIMEOUT_SECONDS}
    if settings.FCM_PROJECT_ID:
        options["projectId"] = settings.FCM_PROJECT_ID
    elif endpoint:
        options["projectId"] = "bro-local"
    app = firebase_admin.initialize_app(credential, options, name=name)
    service = messaging._get_messaging_service(app)
    # Private attributes of firebase-admin 7.7 (pinned in pyproject): fail loudly if they move.
    if not hasattr(service, "_fcm_url") or not hasattr(service, "_client"):
        raise RuntimeError("firebase-admin changed: _MessagingService._fcm_url/_client are gone")
    base = "https://fcm.googleapis.com"
    if endpoint:
        service._fcm_url = endpoint.rstrip("/") + f"/v1/projects/{app.project_id}/messages:send"
        base = endpoint.rstrip("/")
    # Same pool size the SDK gives Google's host, with our retry policy (see _FCM_RETRY).
    service._client.session.mount(
        base,
        requests.adapters.HTTPAdapter(
            pool_connections=100, pool_maxsize=100, max_retries=_FCM_RETRY
        ),
    )
    return app


def reset_firebase_app() -> None:
    """Forget this process's firebase app (tests point it at a new fake)."""
    with _app_lock:
        app = _app_state.pop("app", None)
        _app_state.pop("pid", None)
        if app is not None:
            firebase_admin.delete_app(app)


def build_message(message: OutgoingMessage) -> messaging.Message:
    """An FCM v1 message: notification + data, priority as Android priority and APNs headers."""
    high = message.priority == "high"
    tag = f"bro-{message.notification_id}"
    data = {**message.data, "notification_id": str(message.notification_id)}
    built = messaging.Message(
        notification=messaging.Notification(title=message.title, body=message.body),
        data=data,
        android=messaging.AndroidConfig(
            priority="high" if high else "normal",
            collapse_key=message.collapse_key or None,
            # The tag makes a device show a resent message once, replacing the first copy.
            notification=messaging.AndroidNotification(tag=tag),
        ),
        apns=messaging.APNSConfig(
            headers={
                "apns-priority": "10" if high else "5",
                "apns-push-type": "alert",
                "apns-collapse-id": message.collapse_key or tag,
            }
        ),
        webpush=messaging.WebpushConfig(headers={"Urgency": "high" if high else "normal"}),
        fid=message.identifier if message.kind == "fid" else None,
    )
    if message.kind != "fid":
        # firebase-admin 7.x warns on every Message(token=...) (deprecated for fid); a device
        # registered with a token still needs it, and the encoder reads the attribute.
        built.token = message.identifier
    return built


def outcome_of(error: exceptions.FirebaseError) -> Outcome:
    """Sort one message's error: retire the device, retry later, or record and stop."""
    if isinstance(error, messaging.UnregisteredError):
        return Outcome(ok=False, code="UNREGISTERED", action=RETIRE)
    if isinstance(error, exceptions.InvalidArgumentError):
        return Outcome(ok=False, code="INVALID_ARGUMENT", action=RETIRE)
    if isinstance(
        error,
        messaging.QuotaExceededError
        | exceptions.ResourceExhaustedError
        | exceptions.UnavailableError
        | exceptions.InternalError
        | exceptions.DeadlineExceededError,
    ):
        return Outcome(
            ok=False, code=_code_of(error), action=TRANSIENT, retry_after=_retry_after(error)
        )
    return Outcome(ok=False, code=_code_of(error), action=FINAL)


def _code_of(error: exceptions.FirebaseError) -> str:
    if isinstance(error, messaging.QuotaExceededError):
        return "QUOTA_EXCEEDED"
    if _timed_out(error):
        return "DEADLINE_EXCEEDED"
    return str(error.code).upper()[:40]


def _timed_out(error: exceptions.FirebaseError) -> bool:
    """A read timeout: requests reports it as a ConnectionError once urllib3 gave up."""
    cause = error.cause
    if isinstance(cause, requests.exceptions.Timeout):
        return True
    reason = getattr(cause.args[0], "reason", None) if cause is not None and cause.args else None
    return isinstance(reason, ReadTimeoutError)


def _retry_after(error: exceptions.FirebaseError) -> float:
    response = error.http_response
    if response is None:
        return 0.0
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0  # an HTTP-date form; FCM sends seconds, and backoff still applies


def _send_one(app: firebase_admin.App, message: OutgoingMessage) -> Outcome:
    """One FCM v1 request, as send_each makes it for each of its messages."""
    try:
        messaging.send(build_message(message), app=app)
    except exceptions.FirebaseError as error:
        return outcome_of(error)
    except ValueError as error:
        # The SDK refused to encode it (say, an over-long field): no request was made.
        logger.warning(
            "push: message for notification %s refused: %s", message.notification_id, error
        )
        return Outcome(ok=False, code="INVALID_MESSAGE", action=FINAL)
    return SENT


class FirebaseBackend:
    """Sends through firebase-admin, one request per message from this process's thread pool."""

    def open(self) -> Sending:
        size = settings.PUSH_SEND_CONCURRENCY
        return ThreadedSending(
            pool=thread_pool("fcm", size), send=partial(_send_one, firebase_app()), limit=size
        )


def get_backend() -> Backend:
    if settings.FCM_CREDENTIALS_FILE or settings.FCM_ENDPOINT_URL:
        return FirebaseBackend()
    return LogBackend()
