"""HR moving a person's start date through the people API re-dates their running journey."""

from onboarding.models import JourneyStep, StepStatus
from onboarding.schedule import COPENHAGEN

from .conftest import NEXT_MONDAY, days


def test_moving_the_start_date_in_org_re_dates_open_steps(
    org, api, journey, clock, django_capture_on_commit_callbacks
):
    # Given a journey starting next Monday
    before = {s.pk: s.due_at for s in JourneyStep.objects.filter(journey=journey)}
    assert before
    # When HR moves the person's start date a week later through the people API
    with django_capture_on_commit_callbacks(execute=True):
        response = api(org.hr).patch(
            f"/api/v1/org/people/{journey.user_id}/",
            {"start_date": (NEXT_MONDAY + days(7)).isoformat()},
            format="json",
        )
    assert response.status_code == 200, response.content
    # Then every open step is due a week later at the same local time (summer time ends in
    # between, so the UTC difference is 7 days and 1 hour for some)
    journey.refresh_from_db()
    assert journey.anchor_date == NEXT_MONDAY + days(7)
    for step in JourneyStep.objects.filter(journey=journey, status=StepStatus.OPEN):
        old, new = before[step.pk].astimezone(COPENHAGEN), step.due_at.astimezone(COPENHAGEN)
        assert new.date() - old.date() == days(7)
        assert new.time() == old.time()


def test_changing_only_the_job_title_leaves_the_journey_alone(
    org, api, journey, clock, django_capture_on_commit_callbacks
):
    before = list(JourneyStep.objects.filter(journey=journey).values_list("pk", "due_at"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(org.hr).patch(
            f"/api/v1/org/people/{journey.user_id}/", {"job_title": "Afløser"}, format="json"
        )
    assert response.status_code == 200
    assert len(callbacks) == 0
    assert list(JourneyStep.objects.filter(journey=journey).values_list("pk", "due_at")) == before
