"""Pre-boarding: before the start date an invited person sees only their journey.

Other apps put `NotPreboarding` on every endpoint a pre-boarder must not use (the feed's
general listing, the directory, surveys), and let the posts from
`onboarding.selectors.preboarding_post_ids(user=)` through where posts are read.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .selectors import user_is_preboarding


class NotPreboarding(BasePermission):
    """Refuse people who have not started yet (403): the rest of the app opens on day 1."""

    message = _("Du får adgang til resten af appen på din første arbejdsdag.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return not (user and user.is_authenticated and user_is_preboarding(user=user))
