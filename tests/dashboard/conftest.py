"""Dashboard fixtures: the shared org plus a small team in the leader's scope, logged-in clients."""

import pytest
from django.test import Client

from content import services as content_services
from org.models import OrgUnit
from tests.factories import OrgUnitFactory
from tests.surveys.factories import everyone

from .factories import answered_survey, hires_with_journeys, must_read


@pytest.fixture
def dash_org(org):
    """The shared org with Team Slagelse, a second team under the leader's afdeling."""
    org.team_s = OrgUnitFactory(name="Team Slagelse", kind=OrgUnit.Kind.TEAM, parent=org.unit_a)
    return org


@pytest.fixture
def results(dash_org):
    survey, wave = answered_survey(dash_org, everyone())
    return survey, wave


@pytest.fixture
def journeys(dash_org):
    return hires_with_journeys(dash_org)


@pytest.fixture
def post(dash_org):
    """The leader's must-read for its afdeling: Mette has read and acknowledged it."""
    post = must_read(dash_org, author=dash_org.leader, units=[dash_org.unit_a])
    content_services.post_read_record(post=post, user=dash_org.employee)
    content_services.post_acknowledge(post=post, user=dash_org.employee)
    return post


@pytest.fixture
def web():
    """A browser-like client factory: web(user) has a dashboard session, web() has none."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="org.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def cascade_org(dash_org):
    """dash_org with a leader on every unit but Team Slagelse."""
    from .cascades import with_leaders

    return with_leaders(dash_org)
