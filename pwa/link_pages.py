"""A survey wave's SMS or e-mail link (push.links) opens the app: the app is the wave's page.

The notifications app serves /l/<token>/ and asks the page registered for the link's kind; for
a wave that page is the staff app opened with the same token (/app/#/l/<token>), which shows
the wave's questions and sends the answers with X-Link-Token (pwa.authentication). A wave the
person can no longer answer (closed, answered, not invited) shows the invalid-link page.
"""

from django.http import HttpResponseRedirect
from django.utils import timezone

from surveys import selectors


def wave_link_page(request, *, user, object_id: int):
    if not selectors.open_waves_for(user=user, now=timezone.now()).filter(pk=object_id).exists():
        return None
    return HttpResponseRedirect(f"/app/#/l/{request.resolver_match.kwargs['token']}")
