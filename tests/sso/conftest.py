"""SSO fixtures: the test OpenID Connect provider, and Bro people who match its accounts."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from org import services
from org.models import Role
from tests.factories import UserFactory
from tests.oidc_provider.client import authorize, signed_in_session
from tests.oidc_provider.fixtures import PEOPLE, oidc_provider, sso  # noqa: F401


@pytest.fixture
def people(org):
    """The shared org with the provider's e-mails: Lone leads, Hanne is HR, Mette works, and
    "lukket" was deactivated. "ukendt" has a work account but no Bro person."""
    for person, username in ((org.leader, "lone"), (org.hr, "hanne"), (org.employee, "mette")):
        type(person).objects.filter(pk=person.pk).update(
            email=PEOPLE[username]["email"], employee_number=PEOPLE[username]["employee_number"]
        )
        person.refresh_from_db()
    org.closed = UserFactory(
        name="Lukket Konto", email=PEOPLE["lukket"]["email"], unit=org.team_a, roles=[Role.LEADER]
    )
    services.user_deactivate(user=org.closed)
    return org


def sign_in_via(client: Client, provider, username: str, *, start: str, next_url: str):
    """Press the SSO button at `start`, sign in at the provider, come back: the last answer."""
    response = client.post(start, {"next": next_url})
    assert response.status_code == 302, response.content
    back = authorize(signed_in_session(provider, username), response["Location"])
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
