"""Links that work without the app: signed, expiring, bound to one person and one object.

A link names a kind ("post", "wave"), an object id and a person; the signature (Django's
signing with SECRET_KEY and a salt of its own) makes it unforgeable, the timestamp makes it
expire after NOTIFY_LINK_MAX_AGE_DAYS. Whoever holds the link acts as that person for that one
object until it expires: a forwarded link works for the one it was forwarded to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Notification

_SALT = "bro.notifications.link"
KINDS = ("post", "wave")

# The apps above register the page of each kind: handler(request, user=, object_id=) returns
# the response, or None when the object is not (or no longer) the person's to see.
_pages: dict[str, Callable] = {}


def register_link_page(kind: str, handler: Callable) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown link kind {kind!r}")
    _pages[kind] = handler


def link_page_for(kind: str) -> Callable | None:
    return _pages.get(kind)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    kind: str
    object_id: int
    user_id: int


def link_token(*, kind: str, object_id: int, user_id: int) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown link kind {kind!r}")
    return signing.dumps([kind, object_id, user_id], salt=_SALT, compress=True)


def link_read(token: str) -> LinkTarget | None:
    """The target of a valid, unexpired token; None for anything else."""
    try:
        kind, object_id, user_id = signing.loads(
            token, salt=_SALT, max_age=settings.NOTIFY_LINK_MAX_AGE_DAYS * 24 * 3600
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in KINDS or not isinstance(object_id, int) or not isinstance(user_id, int):
        return None
    return LinkTarget(kind=kind, object_id=object_id, user_id=user_id)


def link_url(*, kind: str, object_id: int, user_id: int) -> str:
    path = reverse(
        "notification-link", args=[link_token(kind=kind, object_id=object_id, user_id=user_id)]
    )
    return settings.BRO_PUBLIC_URL.rstrip("/") + path


def link_for_notification(*, notification: Notification, user_id: int) -> str:
    """The person's own link to what the notification is about, or "" when it has none."""
    data = notification.data or {}
    for kind, key in (("post", "post_id"), ("wave", "wave_id")):
        if data.get("link") == kind and data.get(key, "").isdigit() and kind in _pages:
            return link_url(kind=kind, object_id=int(data[key]), user_id=user_id)
    return ""
