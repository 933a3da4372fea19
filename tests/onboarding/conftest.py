"""Onboarding fixtures: a new hire starting next Monday, a buddy, a journey on a track."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from onboarding import services
from onboarding.schedule import COPENHAGEN
from tests.factories import UserFactory

from .factories import TrackFactory

# Wednesday 14 October 2026, 10:00 in Copenhagen: the clock most tests freeze at. Next Monday
# is the 19th, and summer time ends on Sunday the 25th, inside the first week.
NOW = datetime(2026, 10, 14, 10, 0, tzinfo=COPENHAGEN)
NEXT_MONDAY = date(2026, 10, 19)


@pytest.fixture
def clock():
    """A clock frozen at NOW that tests may move with clock.move_to(...)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hire(org):
    """A new hire in the leader's team, starting next Monday."""
    return UserFactory(name="Sofie Holm", unit=org.team_a, start_date=NEXT_MONDAY)


@pytest.fixture
def buddy(org):
    return UserFactory(name="Bente Makker", unit=org.team_a)


@pytest.fixture
def track(db):
    return TrackFactory(name="Social- og sundhedshjælper")


@pytest.fixture
def journey(org, hire, buddy, track, clock):
    return services.journey_assign(actor=org.hr, user=hire, track=track, buddy=buddy)


def days(n: int) -> timedelta:
    return timedelta(days=n)
