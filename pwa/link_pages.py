"""The page behind an SMS or e-mail link (push.links) is the staff app, opened with the token.

The notifications app serves /l/<token>/ and asks the page registered for the link's kind; for
a post and a survey wave that page is the app at /app/#/l/<token>, which shows the one object
and sends the person's read, acknowledgement or answers with X-Link-Token
(pwa.authentication): one front end, not a second set of pages. A link to something the person
can no longer open (a post not addressed to them, a wave closed, answered or not theirs) shows
the invalid-link page instead.
"""

from django.http import HttpResponseRedirect
from django.utils import timezone

from content import selectors as content_selectors
from surveys import selectors as survey_selectors


def _open_in_app(request) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/app/#/l/{request.resolver_match.kwargs['token']}")


def post_link_page(request, *, user, object_id: int):
    if content_selectors.post_for_reader(user=user, post_id=object_id) is None:
        return None
    return _open_in_app(request)


def wave_link_page(request, *, user, object_id: int):
    open_waves = survey_selectors.open_waves_for(user=user, now=timezone.now())
    if not open_waves.filter(pk=object_id).exists():
        return None
    return _open_in_app(request)
