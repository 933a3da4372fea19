"""The permission table: every onboarding endpoint × anonymous, HR, the hire's leader, a leader
elsewhere, the buddy, the hire, another employee and communications.

A role that may not use an endpoint gets 403; an object outside the caller's scope gets 404.
Every refused write leaves the data as it was.
"""

import pytest

from onboarding import services
from onboarding.models import Doer, Journey, JourneyStep, StepKind, Track
from tests.factories import UserFactory

from .conftest import NEXT_MONDAY
from .factories import TrackFactory, step

ACTORS = ["anonymous", "hr", "leader", "leader_elsewhere", "buddy", "hire", "employee", "comms"]

# endpoint → expected status per actor, in ACTORS order.
TABLE = {
    "tracks-list": (401, 200, 403, 403, 403, 403, 403, 403),
    "tracks-create": (401, 201, 403, 403, 403, 403, 403, 403),
    "tracks-detail": (401, 200, 403, 403, 403, 403, 403, 403),
    "tracks-update": (401, 200, 403, 403, 403, 403, 403, 403),
    "tracks-steps": (401, 200, 403, 403, 403, 403, 403, 403),
    "tracks-summary": (401, 200, 403, 403, 403, 403, 403, 403),
    "journeys-list": (401, 200, 200, 200, 403, 403, 403, 403),
    "journeys-assign": (401, 201, 201, 404, 403, 403, 403, 403),
    "journeys-detail": (401, 200, 200, 404, 403, 403, 403, 403),
    "journeys-move": (401, 200, 200, 404, 403, 403, 403, 403),
    "journeys-cancel": (401, 200, 200, 404, 403, 403, 403, 403),
    "journeys-add-step": (401, 201, 403, 403, 403, 403, 403, 403),
    "my-journey": (401, 200, 200, 200, 200, 200, 200, 200),
    "step-detail": (401, 200, 200, 404, 404, 200, 404, 404),
    "step-complete-hire": (401, 403, 403, 404, 404, 200, 404, 404),
    "step-complete-buddy": (401, 403, 403, 404, 200, 403, 404, 404),
    "step-complete-leader": (401, 403, 200, 404, 404, 403, 404, 404),
    "step-skip": (401, 200, 403, 403, 403, 403, 403, 403),
}

CASES = [
    pytest.param(endpoint, actor, expected, id=f"{endpoint}-{actor}")
    for endpoint, statuses in TABLE.items()
    for actor, expected in zip(ACTORS, statuses, strict=True)
]


class World:
    pass


@pytest.fixture
def world(org, hire, buddy, clock):
    w = World()
    w.org, w.hire, w.buddy = org, hire, buddy
    w.track = TrackFactory(
        name="Basis",
        steps=[
            step("Læs velkomstbrevet", -3),
            step("Mød din makker", 0, StepKind.MEETING, doer=Doer.BUDDY, meet_with="buddy"),
            step("Opret i vagtplan", -2, doer=Doer.LEADER),
        ],
    )
    w.journey = services.journey_assign(actor=org.hr, user=hire, track=w.track, buddy=buddy)
    steps = {s.doer: s for s in JourneyStep.objects.filter(journey=w.journey)}
    w.hire_step, w.buddy_step, w.leader_step = (
        steps[Doer.NEW_HIRE],
        steps[Doer.BUDDY],
        steps[Doer.LEADER],
    )
    # A second new hire in the leader's unit, not yet on any journey.
    w.newcomer = UserFactory(name="Ny Kollega", unit=org.team_a, start_date=NEXT_MONDAY)
    w.people = {
        "anonymous": None,
        "hr": org.hr,
        "leader": org.leader,
        "leader_elsewhere": org.other_leader,
        "buddy": buddy,
        "hire": hire,
        "employee": org.other_employee,
        "comms": org.comms,
    }
    return w


def _request(client, endpoint: str, w: World):
    track, journey = (
        f"/api/v1/onboarding/tracks/{w.track.pk}",
        f"/api/v1/onboarding/journeys/{w.journey.pk}",
    )
    steps = "/api/v1/onboarding/steps"
    new_step = {"title": "Underskriv kontrakt", "kind": "task", "offset_days": -5}
    return {
        "tracks-list": lambda: client.get("/api/v1/onboarding/tracks/"),
        "tracks-create": lambda: client.post(
            "/api/v1/onboarding/tracks/", {"name": "Nyt forløb", "steps": [new_step]}
        ),
        "tracks-detail": lambda: client.get(f"{track}/"),
        "tracks-update": lambda: client.patch(f"{track}/", {"description": "Ændret"}),
        "tracks-steps": lambda: client.put(f"{track}/steps/", {"steps": [new_step]}),
        "tracks-summary": lambda: client.get(f"{track}/summary/"),
        "journeys-list": lambda: client.get("/api/v1/onboarding/journeys/"),
        "journeys-assign": lambda: client.post(
            "/api/v1/onboarding/journeys/", {"user": w.newcomer.pk, "track": w.track.pk}
        ),
        "journeys-detail": lambda: client.get(f"{journey}/"),
        "journeys-move": lambda: client.patch(f"{journey}/", {"start_date": "2026-10-26"}),
        "journeys-cancel": lambda: client.post(f"{journey}/cancel/"),
        "journeys-add-step": lambda: client.post(f"{journey}/steps/", new_step),
        "my-journey": lambda: client.get("/api/v1/onboarding/my-journey/"),
        "step-detail": lambda: client.get(f"{steps}/{w.hire_step.pk}/"),
        "step-complete-hire": lambda: client.post(f"{steps}/{w.hire_step.pk}/complete/"),
        "step-complete-buddy": lambda: client.post(f"{steps}/{w.buddy_step.pk}/complete/"),
        "step-complete-leader": lambda: client.post(f"{steps}/{w.leader_step.pk}/complete/"),
        "step-skip": lambda: client.post(
            f"{steps}/{w.hire_step.pk}/skip/", {"reason": "Ikke relevant"}
        ),
    }[endpoint]()


def _state() -> tuple:
    return (
        sorted(Track.objects.values_list("id", "name", "description", "version")),
        sorted(Journey.objects.values_list("id", "user_id", "status", "anchor_date")),
        sorted(JourneyStep.objects.values_list("id", "status", "due_at", "title")),
    )


@pytest.mark.parametrize("endpoint, actor, expected", CASES)
def test_permission_table(api, world, endpoint, actor, expected):
    client = api(world.people[actor])
    before = _state()

    response = _request(client, endpoint, world)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) >= {"code", "message"}
        assert _state() == before


def test_a_leader_elsewhere_sees_no_journeys_and_the_hires_leader_sees_this_one(api, world):
    # (The list answers 200 to both leaders; what is in it differs.)
    elsewhere = api(world.org.other_leader).get("/api/v1/onboarding/journeys/").json()
    own = api(world.org.leader).get("/api/v1/onboarding/journeys/").json()

    assert elsewhere["count"] == 0
    assert [j["id"] for j in own["results"]] == [world.journey.pk]


def test_my_journey_lists_what_the_buddy_and_leader_owe(api, world):
    buddy = api(world.buddy).get("/api/v1/onboarding/my-journey/").json()
    leader = api(world.org.leader).get("/api/v1/onboarding/my-journey/").json()

    assert buddy["journeys"] == []
    assert [(s["title"], s["hire"]["name"]) for s in buddy["owed"]] == [
        ("Mød din makker", "Sofie Holm")
    ]
    assert [s["title"] for s in leader["owed"]] == ["Opret i vagtplan"]
