"""Keyset (cursor) paging for the feed: no COUNT, no OFFSET, stable while posts arrive.

DRF's CursorPagination keys on the first ordering field only; the feed is ordered by
(pinned, published_at, id), so the cursor carries all three and the next page is the rows
strictly after that triple. The page fetches one row more than it shows to know if there is
a next page.
"""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.utils.urls import replace_query_param

from api.pagination import parse_page_size
from backend.errors import ApplicationError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _invalid_cursor() -> ApplicationError:
    # Any string is a cursor to the schema (it is opaque); one this server did not hand out
    # is a fact only the server knows, so it has a code of its own.
    message = _("Ugyldig cursor.")
    return ApplicationError(message, code="invalid_cursor", fields={"cursor": [message]})


def encode_cursor(row: dict) -> str:
    payload = [int(row["pinned"]), row["published_at"].isoformat(), row["id"]]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bool, datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pinned, published_at, post_id = json.loads(raw)
        published = datetime.fromisoformat(published_at)
        if not isinstance(post_id, int) or pinned not in (0, 1) or published.tzinfo is None:
            raise _invalid_cursor()
        return bool(pinned), published, post_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _invalid_cursor() from exc


def _after(pinned: bool, published_at: datetime, post_id: int) -> Q:
    """Rows after (pinned, published_at, id) in the order -pinned, -published_at, -id."""
    same_pin_later = Q(pinned=pinned) & (
        Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=post_id)
    )
    return same_pin_later | Q(pinned=False) if pinned else same_pin_later


def page_size_from(request) -> int:
    return parse_page_size(
        request.query_params.get("page_size"), default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE
    )


def feed_page(*, rows: QuerySet, request) -> tuple[list[dict], str | None]:
    """One page of feed rows and the link to the next (None at the end)."""
    size = page_size_from(request)
    cursor = request.query_params.get("cursor")
    if cursor:
        rows = rows.filter(_after(*decode_cursor(cursor)))
    page = list(rows[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    url = request.build_absolute_uri()
    return page, replace_query_param(url, "cursor", encode_cursor(page[-1]))
