"""Demo data: six months of both templates, built through the services, idempotently."""

import io

import pytest
from django.db.models import Avg

from org.models import OrgUnit, Role
from surveys.demo import build_demo
from surveys.models import Answer, Response, Survey, Wave
from surveys.results import indicator_scorecard
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org(db):
    root = OrgUnitFactory(name="Direktionen", kind=OrgUnit.Kind.DIREKTION)
    comms = UserFactory(name="Kommunikation", unit=root, roles=[Role.COMMUNICATIONS])
    for area_name in ("Social og Sundhed", "Børn og Unge"):
        area = OrgUnitFactory(name=area_name, kind=OrgUnit.Kind.OMRAADE, parent=root)
        for number in range(3):
            unit = OrgUnitFactory(name=f"{area_name} {number}", parent=area)
            for person in range(9):
                UserFactory(name=f"{unit.name} medarbejder {person}", unit=unit)
    return comms


def test_build_demo_makes_six_months_of_waves_with_rising_knowledge(demo_org):
    # When the demo is built, and built again
    build_demo(stdout=io.StringIO())
    counts = (Survey.objects.count(), Wave.objects.count(), Response.objects.count())
    build_demo(stdout=io.StringIO())

    # Then both templates exist with their waves (6 monthly, 2 quarterly), nothing doubled
    assert counts == (Survey.objects.count(), Wave.objects.count(), Response.objects.count())
    assert sorted(Survey.objects.values_list("title", flat=True)) == [
        "Intern kommunikation",
        "Puls på Kernefortællingen",
    ]
    pulse = Survey.objects.get(title="Puls på Kernefortællingen")
    assert list(pulse.waves.values_list("number", "status")) == [(n, "closed") for n in range(1, 7)]
    assert Wave.objects.filter(survey__title="Intern kommunikation").count() == 2
    # And knowledge of the core narrative rises visibly from the first month to the last
    body = indicator_scorecard(viewer=demo_org)
    knowledge = next(i for i in body["indicators"] if i["indicator"] == "kernefortaelling")
    monthly = [
        p["knowledge_share_correct"]
        for p in knowledge["waves"]
        if p["survey_title"] == "Puls på Kernefortællingen"
    ]
    assert len(monthly) == 6
    assert monthly[-1] - monthly[0] >= 0.2, monthly
    # And units answer differently from one another (mean of the Likert answers per unit)
    means = (
        Answer.objects.filter(wave__survey=pulse, value__isnull=False, unit__depth=2)
        .values("unit_id")
        .annotate(mean=Avg("value"))
    )
    spread = [row["mean"] for row in means]
    assert len(spread) == 6
    assert max(spread) - min(spread) >= 0.3, spread
