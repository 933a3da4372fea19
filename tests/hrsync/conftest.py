"""HR sync fixtures: a small organisation whose units carry HR codes, and files to import."""

import datetime as dt

import pytest
import time_machine

from org import services
from org.models import OrgUnit
from tests.factories import UserFactory

TODAY = dt.date(2026, 12, 2)
HEADER = (
    "medarbejdernummer;navn;email;mobil;enhedskode;overordnet_enhedskode;stilling;leder_for;"
    "startdato;slutdato;sprog"
)
UNIT_ROWS = [
    ";Direktionen;;;100;;;;;;",
    ";Ældre og Sundhed;;;110;100;;;;;",
    ";Hjemmeplejen Nord;;;111;110;;;;;",
    ";Hjemmeplejen Syd;;;112;110;;;;;",
]
PEOPLE_ROWS = [
    "E1;Mette Hansen;mette@example.dk;+4521000001;111;;Social- og sundhedshjælper;;2020-01-01;;da",
    "E2;Jens Nielsen;;+4521000002;112;;Social- og sundhedshjælper;;2021-05-01;;da",
    "E3;Lone Jensen;lone@example.dk;;111;;Leder;111;2019-03-01;;da",
]


def csv_file(*rows: str, units=UNIT_ROWS, people=PEOPLE_ROWS) -> bytes:
    """The file as HR sends it: the header, the unit rows, the people rows, then `rows`."""
    return "\n".join([HEADER, *units, *people, *rows]).encode()


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hr_org(db, frozen):
    """Bro as the file above describes it: four coded units and three people."""

    class HrOrg:
        pass

    o = HrOrg()
    o.root = services.unit_create(name="Direktionen", kind="direktion", code="100")
    o.area = services.unit_create(
        name="Ældre og Sundhed", kind="omraade", parent=o.root, code="110"
    )
    o.nord = services.unit_create(
        name="Hjemmeplejen Nord", kind="afdeling", parent=o.area, code="111"
    )
    o.syd = services.unit_create(
        name="Hjemmeplejen Syd", kind="afdeling", parent=o.area, code="112"
    )
    common = {"job_title": "Social- og sundhedshjælper", "language": "da"}
    o.mette = UserFactory(
        name="Mette Hansen",
        email="mette@example.dk",
        phone="+4521000001",
        employee_number="E1",
        unit=o.nord,
        start_date=dt.date(2020, 1, 1),
        **common,
    )
    o.jens = UserFactory(
        name="Jens Nielsen",
        email=None,
        phone="+4521000002",
        employee_number="E2",
        unit=o.syd,
        start_date=dt.date(2021, 5, 1),
        **common,
    )
    o.lone = UserFactory(
        name="Lone Jensen",
        email="lone@example.dk",
        employee_number="E3",
        unit=o.nord,
        start_date=dt.date(2019, 3, 1),
        job_title="Leder",
        language="da",
    )
    services.leader_scope_set(leader=o.lone, units=[o.nord])
    return o


def snapshot():
    """Everything an import may change, to compare before and after."""
    from org.models import LeaderScope, User

    return (
        list(User.objects.order_by("pk").values()),
        list(OrgUnit.objects.order_by("pk").values()),
        sorted(LeaderScope.objects.values_list("leader_id", "unit_id")),
    )
