"""Authentication backends: Django's and allauth's, loading the person with their unit.

Every authenticated request loads the person from the session. Nearly every endpoint then
reads `user.unit` (audiences, scopes, the feed), so the unit comes in the same query instead
of a second one per request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .models import User


class _WithUnit:
    def get_user(self, user_id):
        try:
            user = User.objects.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_WithUnit, DjangoModelBackend):
    """Password login for the Django admin (staff only)."""


class AuthenticationBackend(_WithUnit, AllauthBackend):
    """Code login by e-mail or SMS through allauth headless."""
