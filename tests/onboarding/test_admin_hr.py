"""HR runs onboarding from the admin: assign a track, see the journey, move, skip, add a step."""

from datetime import timedelta

from django.test import Client

from onboarding.models import Journey, JourneyStep, StepStatus

from .conftest import NEXT_MONDAY


def _hr_client(org) -> Client:
    client = Client()
    client.force_login(org.hr)
    return client


def test_hr_assigns_a_track_from_the_people_list_and_lands_on_the_journey(org, hire, track, clock):
    client = _hr_client(org)
    # Given HR picks the new hire in the people list and runs the action
    chosen = client.post(
        "/admin/org/user/",
        {"action": "assign_track", "_selected_action": [hire.pk]},
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/admin/onboarding/track/tildel/?people={hire.pk}"
    form = client.get(chosen["Location"])
    assert form.status_code == 200
    assert form.context["form"].initial["people"] == [str(hire.pk)]

    # When it chooses the track and confirms
    done = client.post(chosen["Location"], {"track": track.pk, "people": [hire.pk]})

    # Then the hire has one journey from its start date, and HR sees it with its steps
    journey = Journey.objects.get(user=hire)
    assert (journey.track_id, journey.anchor_date, journey.assigned_by_id) == (
        track.pk,
        NEXT_MONDAY,
        org.hr.pk,
    )
    assert done["Location"] == f"/admin/onboarding/journey/{journey.pk}/change/"
    page = client.get(done["Location"]).content.decode()
    assert "0 af 3 trin gennemført" in page
    assert all(title in page for title in ["Velkommen", "Mød din leder", "Opret i vagtplan"])
    assert "Flyt startdato" in page and "Spring et trin over" in page


def test_the_track_page_links_to_assigning_it(org, track):
    page = _hr_client(org).get(f"/admin/onboarding/track/{track.pk}/change/").content.decode()
    assert f'href="/admin/onboarding/track/tildel/?track={track.pk}"' in page


def test_a_refused_assignment_is_a_message_and_writes_nothing(org, hire, track, clock):
    # Given an inactive track (journey_assign refuses it)
    track.is_active = False
    track.save(update_fields=["is_active"])
    client = _hr_client(org)
    # When HR posts it anyway
    response = client.post(
        "/admin/onboarding/track/tildel/", {"track": track.pk, "people": [hire.pk]}
    )
    # Then the form says the choice is not valid, and no journey exists
    assert response.status_code == 200
    assert "track" in response.context["form"].errors
    assert Journey.objects.count() == 0


def test_hr_moves_the_start_date_skips_a_step_and_adds_one(org, journey, clock):
    client = _hr_client(org)
    base = f"/admin/onboarding/journey/{journey.pk}"
    welcome = journey.steps.get(title="Velkommen")
    due_before = welcome.due_at

    moved = client.post(f"{base}/flyt-start/", {"start_date": "2026-10-26"})
    skipped = client.post(f"{base}/spring-over/", {"step": welcome.pk, "reason": "Kendt"})
    added = client.post(
        f"{base}/nyt-trin/",
        {"title": "Mød tillidsrepræsentanten", "kind": "task", "offset_days": 3, "body": ""},
    )

    assert [moved.status_code, skipped.status_code, added.status_code] == [302] * 3
    journey.refresh_from_db()
    welcome.refresh_from_db()
    assert journey.anchor_date == NEXT_MONDAY + timedelta(days=7)
    assert (welcome.status, welcome.skip_reason, welcome.skipped_by_id) == (
        StepStatus.SKIPPED,
        "Kendt",
        org.hr.pk,
    )
    assert welcome.due_at == due_before + timedelta(days=7)  # open when the date moved
    new_step = JourneyStep.objects.get(journey=journey, title="Mød tillidsrepræsentanten")
    assert (new_step.added_by_id, new_step.status) == (org.hr.pk, StepStatus.OPEN)
    page = client.get(f"{base}/change/").content.decode()
    assert "0 af 3 trin gennemført" in page  # four steps, one skipped


def test_skipping_a_closed_step_is_refused_with_a_message(org, journey, clock):
    client = _hr_client(org)
    step = journey.steps.get(title="Velkommen")
    client.post(f"/admin/onboarding/journey/{journey.pk}/spring-over/", {"step": step.pk})
    # The step is no longer open: the form offers only open steps, so a second skip is refused
    again = client.post(f"/admin/onboarding/journey/{journey.pk}/spring-over/", {"step": step.pk})
    assert again.status_code == 200
    assert "step" in again.context["form"].errors
    assert journey.steps.filter(status=StepStatus.SKIPPED).count() == 1


def test_the_hr_pages_are_closed_to_employees_and_leaders(org, journey, track):
    pages = [
        "/admin/onboarding/track/tildel/",
        f"/admin/onboarding/journey/{journey.pk}/flyt-start/",
        f"/admin/onboarding/journey/{journey.pk}/nyt-trin/",
        f"/admin/onboarding/journey/{journey.pk}/spring-over/",
    ]
    for person in (org.employee, org.leader):
        client = Client()
        client.force_login(person)
        answers = [client.post(page, {"start_date": "2026-10-26"}).status_code for page in pages]
        assert answers == [302] * 4  # to the admin's login: not staff
    journey.refresh_from_db()
    assert journey.anchor_date == NEXT_MONDAY
