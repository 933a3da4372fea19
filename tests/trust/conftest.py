"""Trust fixtures: API clients holding a session token made directly, without the login flow.

The matrix and the fuzzer call hundreds of endpoints as ten people; logging each in through
allauth's code flow would cost more than the calls. bench.auth.session_tokens writes the same
session row allauth's login writes, so the token is one the API accepts like any other.
"""

import pytest
from rest_framework.test import APIClient

from bench.auth import session_tokens


def token_for(user) -> str:
    return session_tokens([user])[user.pk]


@pytest.fixture
def client_for(db):
    """client_for(user) is an APIClient with a fresh session token for `user`; () is anonymous."""

    def make(user=None, **headers) -> APIClient:
        client = APIClient(**headers)
        if user is not None:
            client.credentials(HTTP_X_SESSION_TOKEN=token_for(user))
        return client

    return make
