"""The demo builds on the organisation demo, through the services, and is idempotent."""

import io

from onboarding import demo, selectors
from onboarding.models import Journey, JourneyStep, StepStatus, Track
from onboarding.schedule import local_today
from org import demo as org_demo
from org.models import User


def _counts():
    return (
        Track.objects.count(),
        Journey.objects.count(),
        JourneyStep.objects.filter(status=StepStatus.DONE).count(),
    )


def test_the_demo_builds_danish_tracks_and_journeys_at_every_stage_once(db):
    org_demo.build_demo(stdout=io.StringIO())

    demo.build_demo(stdout=io.StringIO())
    first = _counts()
    demo.build_demo(stdout=io.StringIO())

    assert _counts() == first
    assert set(Track.objects.values_list("name", flat=True)) >= {
        "Ny i Slagelse Kommune",
        "Social- og sundhedshjælper i hjemmeplejen",
        "Pædagog i dagtilbud",
    }
    base = Track.objects.get(name="Ny i Slagelse Kommune")
    titles = set(base.steps.values_list("title", flat=True))
    assert {"Velkomst fra direktøren", "Tavshedspligt", "IT og sikkerhed", "Mød din makker",
            "Quiz om Kernefortællingen", "Læs om MED-systemet"} <= titles  # fmt: skip
    assert first[1] >= 12
    statuses = set(Journey.objects.values_list("status", flat=True))
    assert statuses == {"active", "completed"}
    # Some pre-boarding, some on track, some behind (overdue steps), some done
    hr = User.objects.filter(roles__role="hr").first()
    progress = list(selectors.journey_progress_list(viewer=hr))
    today = local_today()
    assert any(j.anchor_date > today for j in progress)
    assert any(j.steps_overdue > 0 for j in progress)
    assert any(j.anchor_date <= today and j.steps_overdue == 0 and j.status == "active"
               for j in progress)  # fmt: skip
    assert any(j.status == "completed" for j in progress)
