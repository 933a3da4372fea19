"""App session tokens for benchmark users, without the login flow and its rate limits.

allauth headless (app client, session strategy) hands out the Django session key as the token
and authenticates a request by loading that session and the user in it
(allauth.headless.internal.sessionkit). A session row holding the three keys Django's login
writes — user id, backend and the session auth hash — is therefore a token the API accepts,
exactly like one from `/_allauth/app/v1/auth/code/confirm`.
"""

from collections.abc import Iterable
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string

from org.models import User

from . import bulk

BACKEND = "org.backends.ModelBackend"


def session_tokens(users: Iterable[User]) -> dict[int, str]:
    """A fresh session token for each user: {user id: token}."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    tokens: dict[int, str] = {}
    rows = []
    for user in users:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: BACKEND,
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        tokens[user.pk] = key
        rows.append((key, data, expires))
    bulk.write(Session, ["session_key", "session_data", "expire_date"], rows)
    return tokens
