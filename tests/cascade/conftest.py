"""Cascade fixtures: a frozen clock, the four-level organisation with a leader on every unit."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from bench.auth import session_tokens
from org import services as org_services
from tests.factories import UserFactory

# Monday 2 March 2026, 08:00 in Copenhagen: the clock the cascade tests start at.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tree(org):
    """The org fixture (direktion → område → 2 afdelinger → a team each) with a leader per unit."""
    org.director = UserFactory(name="Dorte Direktør", unit=org.root, job_title="Direktør")
    org_services.leader_scope_set(leader=org.director, units=[org.root])
    org.chief = UserFactory(name="Claus Chef", unit=org.area, job_title="Områdechef")
    org_services.leader_scope_set(leader=org.chief, units=[org.area])
    org.team_leader_a = UserFactory(name="Tina Teamleder", unit=org.team_a)
    org_services.leader_scope_set(leader=org.team_leader_a, units=[org.team_a])
    org.team_leader_b = UserFactory(name="Bo Teamleder", unit=org.team_b)
    org_services.leader_scope_set(leader=org.team_leader_b, units=[org.team_b])
    return org


@pytest.fixture
def client_for(db):
    """client_for(user): an API client with a fresh session token for `user`."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_SESSION_TOKEN=session_tokens([user])[user.pk])
        return client

    return make
