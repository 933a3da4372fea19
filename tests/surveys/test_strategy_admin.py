"""The strategy in the admin: communications writes it, HR reads it, an action activates one."""

import pytest
from django.test import Client

from surveys import strategy as strategy_services
from surveys.models import Strategy

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "listing", "adding"),
    [("employee", 302, 302), ("hr", 200, 403), ("comms", 200, 200)],
)
def test_who_reads_and_who_writes_the_strategy(org, who, listing, adding):
    client = _client(getattr(org, who))

    assert client.get("/admin/surveys/strategy/").status_code == listing
    assert client.get("/admin/surveys/strategy/add/").status_code == adding


def test_communications_activates_another_strategy_and_only_one_is_active(org):
    other = strategy_services.strategy_create(
        name="Fjordby fortæller",
        municipality="Fjordby Kommune",
        narrative_title="Mellem fjord og skov",
        pillars=[{"key": "naturen", "name": "Naturen"}],
        goals=[{"key": "nyheder", "name": "Flere læser nyhederne"}],
        activate=False,
    )
    demo = Strategy.objects.get(is_active=True)

    response = _client(org.comms).post(
        "/admin/surveys/strategy/",
        {"action": "activate", "_selected_action": [other.pk]},
    )

    assert response.status_code == 302
    assert list(Strategy.objects.filter(is_active=True)) == [other]
    demo.refresh_from_db()
    assert demo.is_active is False
