"""Journeys: assignment (by hand and on invite), per-person changes, completion, progress and
the per-track summary, pre-boarding, and the cost of the lists."""

from datetime import date, datetime, timedelta

import pytest
from django.test.client import RequestFactory

from content.models import ReadReceipt
from content.services import AudienceSpec, post_create, post_publish
from onboarding import selectors, services
from onboarding.models import (
    Doer,
    Journey,
    JourneyStatus,
    JourneyStep,
    StepKind,
    StepStatus,
    TrackKind,
)
from onboarding.permissions import NotPreboarding
from onboarding.schedule import COPENHAGEN
from org import services as org_services
from tests.factories import UserFactory

from .conftest import NEXT_MONDAY
from .factories import TrackFactory, quiz_step, step


def _journey_state():
    return (
        sorted(Journey.objects.values_list("id", "status", "anchor_date", "buddy_id")),
        sorted(JourneyStep.objects.values_list("id", "status", "due_at")),
    )


# --- Assignment ---------------------------------------------------------------------------


def test_a_leader_assigns_a_track_to_a_person_it_leads(api, org, hire, buddy, track, clock):
    response = api(org.leader).post(
        "/api/v1/onboarding/journeys/",
        {"user": hire.pk, "track": track.pk, "buddy": buddy.pk},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["name"] == "Sofie Holm"
    assert body["start_date"] == "2026-10-19"
    assert body["leader"] == {"id": org.leader.pk, "name": "Lone Jensen"}
    assert body["buddy"] == {"id": buddy.pk, "name": "Bente Makker"}
    assert body["track_version"] == 1
    assert [(s["title"], s["due_at"], s["doer_person"]["name"]) for s in body["steps"]] == [
        ("Velkommen", "2026-10-12T09:00:00+02:00", "Sofie Holm"),
        ("Opret i vagtplan", "2026-10-16T09:00:00+02:00", "Lone Jensen"),
        ("Mød din leder", "2026-10-19T09:00:00+02:00", "Sofie Holm"),
    ]


def test_assigning_the_same_track_twice_is_refused(api, org, journey):
    before = _journey_state()

    response = api(org.hr).post(
        "/api/v1/onboarding/journeys/", {"user": journey.user_id, "track": journey.track_id}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "already_assigned"
    assert _journey_state() == before


@pytest.mark.parametrize(
    "payload, status, field",
    [
        ({"track": 999999}, 400, "track"),
        ({"buddy": "self"}, 400, "buddy"),
        ({"start_date": "19-10-2026"}, 400, "start_date"),
        ({"colour": "blå"}, 400, "colour"),
        ({"user": 999999}, 404, None),
    ],
)
def test_bad_assignments_are_refused_without_a_write(api, org, hire, track, payload, status, field):
    data = {"user": hire.pk, "track": track.pk, **payload}
    if data.get("buddy") == "self":
        data["buddy"] = hire.pk

    response = api(org.hr).post("/api/v1/onboarding/journeys/", data)

    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["fields"]
    assert Journey.objects.count() == 0


def test_a_person_without_a_start_date_needs_one_given(org, track):
    person = UserFactory(unit=org.team_a)

    with pytest.raises(services.ApplicationError) as refused:
        services.journey_assign(actor=org.hr, user=person, track=track)

    assert refused.value.code == "date_required"
    assert Journey.objects.count() == 0


def test_on_invite_every_matching_auto_track_is_assigned_once(org, clock):
    # Given a base track for everyone, a job track for home carers, one for cooks, and an
    # offboarding track: all auto-assigned
    everyone = org_services.audience_create(created_by=None, everyone=True)
    carers = org_services.audience_create(
        created_by=None, job_titles=["Social- og sundhedshjælper"]
    )
    cooks = org_services.audience_create(created_by=None, job_titles=["Kok"])
    base = TrackFactory(name="Ny i kommunen", audience=everyone, auto_assign=True)
    job = TrackFactory(name="Hjemmepleje", audience=carers, auto_assign=True)
    TrackFactory(name="Køkken", audience=cooks, auto_assign=True)
    TrackFactory(name="Manuel", audience=everyone, auto_assign=False)
    TrackFactory(name="Farvel", audience=everyone, auto_assign=True, kind=TrackKind.OFFBOARDING)

    # When a home carer with a start date (and no end date) is invited, and it runs twice
    person = UserFactory(unit=org.team_a, start_date=NEXT_MONDAY)
    services.journey_assign_matching(user=person)
    services.journey_assign_matching(user=person)

    # Then the two matching onboarding tracks are assigned, once each, with the leader found
    journeys = Journey.objects.filter(user=person).order_by("track__name")
    assert [(j.track_id, j.leader_id, j.assigned_by_id) for j in journeys] == [
        (job.pk, org.leader.pk, None),
        (base.pk, org.leader.pk, None),
    ]


def test_offboarding_is_dated_from_the_end_date(org, clock):
    track = TrackFactory(
        name="Farvel", kind=TrackKind.OFFBOARDING, steps=[step("Aflever nøglebrik", -1)]
    )
    leaving = UserFactory(unit=org.team_a, start_date=date(2020, 1, 1))
    org_services.user_update(actor=org.hr, user=leaving, end_date=date(2026, 10, 30))

    journey = services.journey_assign(actor=org.hr, user=leaving, track=track)

    assert journey.anchor_date == date(2026, 10, 30)
    assert JourneyStep.objects.get(journey=journey).due_at == datetime(
        2026, 10, 29, 9, 0, tzinfo=COPENHAGEN
    )


# --- One person's journey -----------------------------------------------------------------


def test_hr_adds_and_skips_a_step_for_one_person_only(api, org, hire, track, journey):
    other = UserFactory(unit=org.team_a, start_date=NEXT_MONDAY)
    other_journey = services.journey_assign(actor=org.hr, user=other, track=track)
    client = api(org.hr)

    added = client.post(
        f"/api/v1/onboarding/journeys/{journey.pk}/steps/",
        {"title": "Kørekort til el-bil", "kind": "task", "offset_days": 3, "doer": "leader"},
    )
    first = JourneyStep.objects.filter(journey=journey).order_by("due_at").first()
    skipped = client.post(f"/api/v1/onboarding/steps/{first.pk}/skip/", {"reason": "Har det"})

    assert added.status_code == 201, added.content
    assert added.json()["added_for_person"] is True
    assert added.json()["doer_person"]["name"] == "Lone Jensen"
    assert added.json()["due_at"] == "2026-10-22T09:00:00+02:00"
    assert skipped.json()["status"] == "skipped"
    assert JourneyStep.objects.filter(journey=journey).count() == 4
    assert JourneyStep.objects.filter(journey=other_journey).count() == 3
    assert track.steps.count() == 3


def test_buddy_change_hands_the_open_buddy_steps_over(org, hire, buddy, clock):
    track = TrackFactory(
        name="Makker",
        steps=[step("Mød din makker", 1, StepKind.MEETING, doer=Doer.BUDDY, meet_with="buddy")],
    )
    journey = services.journey_assign(actor=org.hr, user=hire, track=track, buddy=buddy)
    new_buddy = UserFactory(unit=org.team_a)

    services.journey_update(actor=org.leader, journey=journey, buddy=new_buddy)

    assert JourneyStep.objects.get(journey=journey).doer_user_id == new_buddy.pk


def test_doing_every_step_completes_the_journey(org, hire, clock):
    track = TrackFactory(name="Kort", steps=[step("A", 0), step("B", 1, doer=Doer.HR)])
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)
    a, b = JourneyStep.objects.filter(journey=journey).order_by("due_at")

    services.journey_step_complete(actor=hire, step=a)
    assert Journey.objects.get(pk=journey.pk).status == JourneyStatus.ACTIVE
    services.journey_step_complete(actor=org.hr, step=b)

    journey.refresh_from_db()
    assert journey.status == JourneyStatus.COMPLETED
    assert journey.completed_at is not None
    assert list(
        JourneyStep.objects.filter(journey=journey).values_list("completed_day", flat=True)
    ) == [-5, -5]


def test_a_step_waiting_for_an_earlier_one_cannot_be_completed(org, hire, clock):
    track = TrackFactory(
        name="Betinget",
        steps=[step("Læs", 0), step("Bekræft", 0, StepKind.ACKNOWLEDGE, requires=0)],
    )
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)
    second = JourneyStep.objects.get(journey=journey, title="Bekræft")

    with pytest.raises(services.ConflictError) as refused:
        services.journey_step_complete(actor=hire, step=second)

    assert refused.value.code == "step_locked"
    second.refresh_from_db()
    assert second.status == StepStatus.OPEN


def test_completing_a_read_step_counts_as_reading_the_post(org, hire, clock):
    page = post_create(
        author=org.hr, kind="page", title="Kernefortællingen", audience=AudienceSpec(everyone=True)
    )
    post_publish(actor=org.hr, post=page)
    track = TrackFactory(
        name="Læs", steps=[step("Læs om Kernefortællingen", -7, "read", post_id=page.pk)]
    )
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)

    services.journey_step_complete(actor=hire, step=JourneyStep.objects.get(journey=journey))

    assert list(ReadReceipt.objects.values_list("post_id", "user_id")) == [(page.pk, hire.pk)]
    assert list(selectors.preboarding_post_ids(user=hire).values_list("post_id", flat=True)) == [
        page.pk
    ]


# --- Progress -----------------------------------------------------------------------------


@pytest.fixture
def progress_world(org, hire, clock):
    """Two journeys in the leader's unit, one in the other leader's; the clock on day 3."""
    track = TrackFactory(
        name="Fremdrift",
        steps=[
            step("Før start", -2),
            quiz_step("Quiz", -1, [("Ja?", ["Ja", "Nej"], {"Ja"})]),
            step("Dag 1", 0),
            step("Dag 10", 10),
        ],
    )
    ahead = services.journey_assign(actor=org.hr, user=hire, track=track)
    late_person = UserFactory(name="Bo Bagud", unit=org.team_a, start_date=NEXT_MONDAY)
    late = services.journey_assign(actor=org.hr, user=late_person, track=track)
    cook = UserFactory(name="Kim Kok", unit=org.team_b, start_date=date(2026, 11, 2))
    elsewhere = services.journey_assign(actor=org.hr, user=cook, track=track)
    clock.move_to(datetime(2026, 10, 22, 12, 0, tzinfo=COPENHAGEN))
    steps = {s.title: s for s in JourneyStep.objects.filter(journey=ahead)}
    services.journey_step_complete(actor=hire, step=steps["Før start"])
    services.journey_step_complete(
        actor=hire,
        step=steps["Quiz"],
        answers={str(steps["Quiz"].quiz[0]["id"]): [steps["Quiz"].quiz[0]["options"][0]["id"]]},
    )
    services.journey_step_complete(actor=hire, step=steps["Dag 1"])
    return {"ahead": ahead, "late": late, "elsewhere": elsewhere, "track": track}


def test_progress_per_journey_for_the_leader(api, org, progress_world):
    body = api(org.leader).get("/api/v1/onboarding/journeys/").json()

    rows = {
        r["user"]["name"]: (
            r["percent_done"],
            r["steps_done"],
            r["steps_total"],
            r["overdue_steps"],
            r["days_since_start"],
            r["quiz_score_avg"],
        )
        for r in body["results"]
    }
    assert rows == {
        "Sofie Holm": (75, 3, 4, 0, 3, 100.0),
        "Bo Bagud": (0, 0, 4, 3, 3, None),
    }


@pytest.mark.parametrize(
    "query, names",
    [
        ("", ["Bo Bagud", "Kim Kok", "Sofie Holm"]),
        ("?overdue=true", ["Bo Bagud"]),
        ("?overdue=false", ["Kim Kok", "Sofie Holm"]),
        ("?started_from=2026-10-20", ["Kim Kok"]),
        ("?started_to=2026-10-19", ["Bo Bagud", "Sofie Holm"]),
        ("?status=completed", []),
    ],
)
def test_hr_filters_progress(api, org, progress_world, query, names):
    body = api(org.hr).get(f"/api/v1/onboarding/journeys/{query}").json()

    assert sorted(r["user"]["name"] for r in body["results"]) == names


def test_hr_filters_progress_by_unit_and_track(api, org, progress_world):
    client = api(org.hr)

    by_unit = client.get(f"/api/v1/onboarding/journeys/?unit={org.unit_b.pk}").json()
    by_track = client.get(f"/api/v1/onboarding/journeys/?track={progress_world['track'].pk}").json()
    bad = client.get("/api/v1/onboarding/journeys/?started_from=igår")

    assert [r["user"]["name"] for r in by_unit["results"]] == ["Kim Kok"]
    assert by_track["count"] == 3
    assert bad.status_code == 400
    assert "started_from" in bad.json()["fields"]


def test_track_summary_shows_typical_progress_and_the_most_overdue_steps(
    api, org, progress_world, clock
):
    # Given the clock at day 10 of the two journeys that started 19 October
    clock.move_to(datetime(2026, 10, 29, 12, 0, tzinfo=COPENHAGEN))

    body = (
        api(org.hr).get(f"/api/v1/onboarding/tracks/{progress_world['track'].pk}/summary/").json()
    )

    assert body["journeys"] == 3
    assert body["checkpoints"] == [
        {"day": 7, "journeys": 2, "percent_done": 38},
        {"day": 30, "journeys": 0, "percent_done": None},
        {"day": 90, "journeys": 0, "percent_done": None},
    ]
    assert [(s["title"], s["overdue_count"]) for s in body["most_overdue_steps"]] == [
        ("Før start", 2),
        ("Quiz", 2),
        ("Dag 1", 2),
    ]


# --- Query counts -------------------------------------------------------------------------


def _many_journeys(org, track, n: int):
    for i in range(n):
        person = UserFactory(unit=org.team_a, start_date=NEXT_MONDAY + timedelta(days=i))
        services.journey_assign(actor=org.hr, user=person, track=track)


def test_the_progress_list_costs_the_same_for_any_page_size(
    api, org, track, clock, django_assert_num_queries
):
    _many_journeys(org, track, 6)
    client = api(org.leader)
    client.get("/api/v1/onboarding/journeys/?page_size=1")  # warm the session

    # Session (2), user, roles (permission), count, the page with its counts in one query.
    with django_assert_num_queries(5) as small:
        client.get("/api/v1/onboarding/journeys/?page_size=1")
    with django_assert_num_queries(5) as large:
        response = client.get("/api/v1/onboarding/journeys/?page_size=6")

    assert len(response.json()["results"]) == 6
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_track_list_costs_the_same_for_any_page_size(
    api, org, clock, django_assert_num_queries
):
    for i in range(5):
        TrackFactory(name=f"Forløb {i}")
    client = api(org.hr)
    client.get("/api/v1/onboarding/tracks/")

    with django_assert_num_queries(5):
        client.get("/api/v1/onboarding/tracks/?page_size=1")
    with django_assert_num_queries(5):
        response = client.get("/api/v1/onboarding/tracks/?page_size=5")

    assert len(response.json()["results"]) == 5


def test_my_journey_costs_the_same_however_many_steps_and_journeys(
    api, org, hire, track, clock, django_assert_num_queries
):
    services.journey_assign(actor=org.hr, user=hire, track=track)
    client = api(hire)
    client.get("/api/v1/onboarding/my-journey/")
    # Session (2), user, journeys, their steps, steps owed to others, roles (pre-boarding).
    with django_assert_num_queries(6) as one:
        client.get("/api/v1/onboarding/my-journey/")

    big = TrackFactory(name="Stort", steps=[step(f"Trin {i}", i) for i in range(12)])
    services.journey_assign(actor=org.hr, user=hire, track=big)
    with django_assert_num_queries(6) as two:
        response = client.get("/api/v1/onboarding/my-journey/")

    assert [len(j["steps"]) for j in response.json()["journeys"]] == [3, 12]
    assert len(one.captured_queries) == len(two.captured_queries)


# --- Pre-boarding -------------------------------------------------------------------------


def test_a_new_hire_is_preboarding_until_the_start_date(api, org, hire, journey, clock):
    request = RequestFactory().get("/")
    request.user = hire

    before = api(hire).get("/api/v1/onboarding/my-journey/").json()
    refused_before = NotPreboarding().has_permission(request, None)
    clock.move_to(datetime(2026, 10, 19, 6, 0, tzinfo=COPENHAGEN))
    hire.refresh_from_db()
    request.user = hire
    allowed_on_day_one = NotPreboarding().has_permission(request, None)

    assert before["preboarding"] is True
    assert before["next"]["title"] == "Velkommen"
    assert refused_before is False
    assert allowed_on_day_one is True
    assert selectors.user_is_preboarding(user=org.employee) is False


def test_inviting_a_person_assigns_the_matching_tracks_after_commit(
    org, clock, django_capture_on_commit_callbacks
):
    # Given an auto-assigned track for everyone
    everyone = org_services.audience_create(created_by=None, everyone=True)
    track = TrackFactory(name="Ny i kommunen", audience=everyone, auto_assign=True)

    # When HR invites a new hire and one long-standing employee, and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        new = org_services.user_invite(
            invited_by=org.hr, name="Ny", email="ny@example.dk", unit=org.team_a,
            start_date=NEXT_MONDAY, send_invitation=False,
        )  # fmt: skip
        old = org_services.user_invite(
            invited_by=org.hr, name="Gammel", email="gammel@example.dk", unit=org.team_a,
            start_date=date(2015, 3, 1), send_invitation=False,
        )  # fmt: skip

    # Then only the new hire is on the track
    assert list(Journey.objects.values_list("user_id", "track_id")) == [(new.pk, track.pk)]
    assert not Journey.objects.filter(user=old).exists()
