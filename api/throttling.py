"""Per-route rate limits, per person and per client address, for the costly writes.

Survey responses and attachment uploads each get two limits on top of the global ones: one per
signed-in person (a runaway client or a script on one account) and one per client address (many
accounts driven from one machine). The address is REMOTE_ADDR only: api.middleware has already
taken it from X-Forwarded-For as far as TRUSTED_PROXY_COUNT proxies vouch for it, so a header
the client wrote itself cannot dodge the limit.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _RouteThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read at request time, not import time, so a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return request.META.get("REMOTE_ADDR", "")


class _PerUser(_RouteThrottle):
    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # the global anonymous limit applies
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class _PerAddress(_RouteThrottle):
    """A fixed-window counter: one cache INCR per request.

    A per-address limit is high (a whole workplace behind one NAT: 6,000 answers an hour), and
    DRF's sliding log would load, trim and store every timestamp of the window on each request —
    a list of thousands, growing the cost of each submission with the traffic (bench: the
    response burst fell to 23 req/s). The price of the counter: up to twice the limit can pass
    around a window's edge, which is fine for a limit this size.
    """

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.get_cache_key(request, view)}:{window}"
        timeout = self.duration + 60
        self.cache.add(key, 0, timeout)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, timeout)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)


class SubmitUserThrottle(_PerUser):
    scope = "submit"


class SubmitAddressThrottle(_PerAddress):
    scope = "submit_ip"


class UploadUserThrottle(_PerUser):
    scope = "upload"


class UploadAddressThrottle(_PerAddress):
    scope = "upload_ip"


class CommentUserThrottle(_PerUser):
    scope = "comment"


class QuestionUserThrottle(_PerUser):
    scope = "question"


def with_defaults(*extra: type) -> list[type]:
    """The global throttles plus `extra`: a view's throttle_classes replaces, not adds."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, *extra]


SUBMIT_THROTTLES = with_defaults(SubmitUserThrottle, SubmitAddressThrottle)
UPLOAD_THROTTLES = with_defaults(UploadUserThrottle, UploadAddressThrottle)
COMMENT_THROTTLES = with_defaults(CommentUserThrottle)
QUESTION_THROTTLES = with_defaults(QuestionUserThrottle)
