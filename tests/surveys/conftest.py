"""Fixtures for the surveys suite: an audience of everyone and a survey of every kind."""

import pytest

from .factories import everyone, make_survey


@pytest.fixture
def audience(org):
    return everyone()


@pytest.fixture
def survey(org, audience):
    return make_survey(audience=audience, created_by=org.comms)
