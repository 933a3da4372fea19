"""The page behind a link sent by SMS or e-mail: check the signature, then the kind's page.

No login: the signed link is the credential, for one person and one object, until it expires.
Rate-limited per client address, so the links cannot be guessed at (they are unforgeable
anyway) nor the page hammered.
"""

import time

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from org.models import User

from . import links

# Page views per client address per minute: a person reads, acknowledges, maybe reloads.
LINK_PAGE_RATE_PER_MINUTE = 30


def _over_limit(request) -> bool:
    key = f"bro:link-page:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        return cache.incr(key) > LINK_PAGE_RATE_PER_MINUTE
    except ValueError:  # evicted between add and incr
        return False


@require_http_methods(["GET", "POST"])
def link_page(request, token: str):
    if _over_limit(request):
        return render(request, "push/link_invalid.html", {"too_many": True}, status=429)
    target = links.link_read(token)
    user = handler = None
    if target is not None:
        user = User.objects.filter(pk=target.user_id, is_active=True).first()
        handler = links.link_page_for(target.kind)
    response = None
    if user is not None and handler is not None:
        response = handler(request, user=user, object_id=target.object_id)
    if response is None:
        return render(request, "push/link_invalid.html", {"too_many": False}, status=404)
    response["Cache-Control"] = "no-store"
    # The token is in the URL: never send it to another site (same-origin keeps the form's
    # Origin header, which CSRF checks; no-referrer would make it "null").
    response["Referrer-Policy"] = "same-origin"
    return response
