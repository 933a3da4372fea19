"""Fixtures for the GDPR suite: a person with something in every category of personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory

from .factories import give_history


@pytest.fixture
def person(org):
    """Zacharias Quistgaard: e-mail, phone and employee number, in the leader's team."""
    return UserFactory(
        name="Zacharias Quistgaard",
        email="zacharias.quistgaard@example.dk",
        phone="+4561234567",
        employee_number="ZQ-4711",
        job_title="Natsygeplejerske",
        unit=org.team_a,
        start_date=timezone.localdate() - timedelta(days=10),
    )


@pytest.fixture
def history(org, person):
    """One row of every category for `person` (see factories.give_history)."""
    return give_history(org, person, rows=1)
