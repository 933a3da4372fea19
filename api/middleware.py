"""Request-level guards that run before any view: the client's IP, and body size limits."""

import contextlib
import ipaddress

from django.conf import settings
from django.http import JsonResponse

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
