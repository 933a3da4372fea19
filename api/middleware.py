"""Request-level guards that run before any view: the client's IP, body size and nesting."""

import contextlib
import ipaddress
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .errors import error_body, too_large_body


class ClientIPMiddleware:
    """Set REMOTE_ADDR to the client's address, trusting X-Forwarded-For only from our proxies.

    With TRUSTED_PROXY_COUNT = N, each of our N proxies appended the address it saw, so the
    client is the N-th entry from the right; anything left of it was written by the client and
    is ignored. With N = 0 the header is ignored entirely. allauth's rate limits and DRF's
    throttles both read REMOTE_ADDR, so one spoofed header cannot dodge either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.trusted:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            if hops:
                candidate = hops[-self.trusted] if len(hops) >= self.trusted else hops[0]
                # A hop that is not an address (garbage from a client) leaves REMOTE_ADDR as is.
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them.

    JSON bodies may be API_JSON_MAX_BYTES (1 MB); multipart uploads UPLOAD_MAX_BYTES (20 MB).
    DRF's parsers read the stream directly, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
    so the limit is enforced here from Content-Length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw_length)
        except ValueError:
            return JsonResponse(error_body("bad_request", "Content-Length er ugyldig."), status=400)
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = (
            settings.UPLOAD_MAX_BYTES
            if content_type.startswith("multipart/form-data")
            else settings.API_JSON_MAX_BYTES
        )
        if length > limit:
            return JsonResponse(too_large_body(), status=413)
        return self.get_response(request)


# A JSON string (escapes honoured, so an escaped quote does not end it) or one bracket.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]', re.DOTALL)


# Real bodies nest at most 6 levels (a track's steps → quiz question → options); 32 is ample.
MAX_JSON_DEPTH = 32


def json_nests_deeper_than(body: bytes, limit: int) -> bool:
    """Whether [ and { nest deeper than `limit` in `body`, counting outside JSON strings.

    A linear scan of the raw bytes that stops at the first level past the limit: no parser
    runs, so 10,000 levels cost one pass, not a RecursionError. Not a validator: malformed
    JSON is the parser's business afterwards.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to nest that deep: the common case, at C speed
    depth = 0
    for match in _JSON_TOKEN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth = max(depth - 1, 0)
    return False


class JsonNestingLimitMiddleware:
    """Refuse a body nested deeper than MAX_JSON_DEPTH (32) levels before any parser reads it.

    Python's json module and DRF's serializers recurse once per level: ~10,000 levels (20 KB)
    raised RecursionError, a 500, on every JSON endpoint including allauth's anonymous login
    views. Every body but an upload's is scanned whatever its declared type, and allauth's
    always, because allauth parses any body as JSON. allauth's endpoints get allauth's error
    shape, the rest ours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        scan = not upload or request.path.startswith("/_allauth/")
        if scan and json_nests_deeper_than(request.body, MAX_JSON_DEPTH):
            return _too_deep(request, MAX_JSON_DEPTH)
        return self.get_response(request)


def _too_deep(request, limit: int) -> JsonResponse:
    message = _("JSON-data må højst være indlejret %(limit)d niveauer dybt.") % {"limit": limit}
    if request.path.startswith("/_allauth/"):
        body = {"status": 400, "errors": [{"message": message, "code": "too_deeply_nested"}]}
        return JsonResponse(body, status=400)
    return JsonResponse(error_body("too_deeply_nested", message), status=400)
