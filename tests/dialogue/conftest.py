"""Dialogue fixtures: API clients with real session tokens, and a news post for everyone."""

import pytest
from rest_framework.test import APIClient

from bench.auth import session_tokens
from tests.content.factories import PostFactory


@pytest.fixture
def client_for(db):
    """client_for(user): an APIClient holding a fresh session token for `user`."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_SESSION_TOKEN=session_tokens([user])[user.pk])
        return client

    return make


@pytest.fixture
def news(org):
    """News for everyone, written by the leader of unit A."""
    return PostFactory(author=org.comms, title="Ny kantine")


def comments_url(post) -> str:
    return f"/api/v1/posts/{post.pk}/comments/"
