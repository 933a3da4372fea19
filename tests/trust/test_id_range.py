"""An id beyond the database's integer range, anywhere an id comes in — path, query string,
body, id list — is a 4xx in the error shape, never an OverflowError (SQLite) or DataError
(PostgreSQL). Path ids come from the URL resolver, so a new route with an id is covered."""

import pytest
from django.urls import reverse

from api.serializers import MAX_ID
from content.models import Post
from org.models import User
from push.models import Alert

from .matrix import api_routes, call, route_params
from .test_authorization_matrix import _objects

HUGE = 99999999999999999999999  # 23 digits: beyond 2^63 − 1
SENTINEL = 7_777_777


def test_every_route_with_an_id_in_its_path_answers_404_for_a_huge_id(world, client_for):
    # Given HR (who may reach most routes) and every route with an id in its path
    client = client_for(world.org.hr)
    objects = _objects(world, "a")
    routes = sorted(
        (name, method)
        for name, method in api_routes()
        if any(p == "pk" or p.endswith("_id") for p in route_params(name))
    )
    assert len(routes) >= 30  # the table is not empty by accident
    wrong = []
    for name, method in routes:
        kwargs = {
            p: SENTINEL if p == "pk" or p.endswith("_id") else objects[p]
            for p in route_params(name)
        }
        for bad in (HUGE, MAX_ID + 1, 0):
            path = reverse(name, kwargs=kwargs).replace(str(SENTINEL), str(bad))
            # When it calls the route with an id out of range
            response = call(client, method, path)
            # Then 404 in the error shape
            if response.status_code != 404 or response.json().get("code") != "not_found":
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_the_largest_id_the_database_holds_is_a_plain_404(world, client_for):
    response = client_for(world.org.employee).get(f"/api/v1/posts/{MAX_ID}/")
    assert response.status_code == 404


# (route, method, who, query, body, the field that must be named): each carries a huge id.
def _rows(world):
    o = world.org
    unit = o.unit_a.pk
    return [
        ("/api/v1/push/alerts/", "post", o.comms, "", {"title": "T", "body": "B", "units": [HUGE]}, "units"),
        ("/api/v1/push/alerts/", "post", o.comms, "", {"title": "T", "body": "B", "audience": HUGE}, "audience"),
        ("/api/v1/push/alerts/", "post", o.comms, "", {"title": "T", "body": "B", "units": [unit], "post_id": HUGE}, "post_id"),
        ("/api/v1/posts/", "post", o.comms, "", {"kind": "news", "title": "T", "unit": HUGE}, "unit"),
        ("/api/v1/posts/", "post", o.comms, "", {"kind": "news", "title": "T", "audience": {"units": [{"id": HUGE}]}}, "audience"),
        ("/api/v1/posts/", "post", o.comms, "", {"kind": "news", "title": "T", "audience": {"people": [HUGE]}}, "audience"),
        ("/api/v1/posts/", "post", o.comms, "", {"kind": "minutes", "title": "T", "decisions": [{"text": "x", "owner": HUGE}]}, "decisions"),
        ("/api/v1/feed/", "get", o.employee, f"?unit={HUGE}", None, "unit"),
        ("/api/v1/decisions/", "get", o.employee, f"?unit={HUGE}", None, "unit"),
        ("/api/v1/org/people/", "get", o.employee, f"?unit={HUGE}", None, "unit"),
        ("/api/v1/org/people/", "post", o.hr, "", {"name": "Ny", "email": "ny@example.dk", "unit": HUGE}, "unit"),
        (f"/api/v1/org/people/{o.employee.pk}/", "patch", o.hr, "", {"unit": HUGE}, "unit"),
        ("/api/v1/onboarding/tracks/", "post", o.hr, "", {"name": "T", "audience": HUGE}, "audience"),
        (f"/api/v1/onboarding/tracks/{world.track.pk}/", "patch", o.hr, "", {"audience": HUGE}, "audience"),
        ("/api/v1/onboarding/tracks/", "post", o.hr, "", {"name": "T", "steps": [{"title": "S", "kind": "task", "offset_days": 0, "post_id": HUGE}]}, "steps"),
        ("/api/v1/onboarding/tracks/", "post", o.hr, "", {"name": "T", "steps": [{"title": "S", "kind": "meeting", "offset_days": 0, "meet_person": HUGE}]}, "steps"),
        ("/api/v1/onboarding/journeys/", "post", o.hr, "", {"user": HUGE, "track": world.track.pk}, "user"),
        ("/api/v1/onboarding/journeys/", "post", o.hr, "", {"user": world.hire_b.pk, "track": HUGE}, "track"),
        ("/api/v1/onboarding/journeys/", "get", o.hr, f"?unit={HUGE}", None, "unit"),
        ("/api/v1/onboarding/journeys/", "get", o.hr, f"?track={HUGE}", None, "track"),
        (f"/api/v1/onboarding/journeys/{world.journey_a.pk}/", "patch", o.hr, "", {"buddy": HUGE}, "buddy"),
        (f"/api/v1/onboarding/steps/{world.step_a.pk}/complete/", "post", world.hire_a, "", {"answers": {"1": [HUGE]}}, "answers"),
        ("/api/v1/surveys/", "post", o.comms, "", {"title": "T", "audience": HUGE}, "audience"),
        (f"/api/v1/surveys/{world.survey.pk}/results/", "get", o.comms, f"?wave={HUGE}", None, "wave"),
        (f"/api/v1/surveys/{world.survey.pk}/results/", "get", o.comms, f"?unit={HUGE}", None, "unit"),
        ("/api/v1/surveys/indicators/", "get", o.comms, f"?unit={HUGE}", None, "unit"),
        (f"/api/v1/surveys/waves/{world.wave.pk}/responses/", "post", o.employee, "", {"answers": [{"question": HUGE, "value": 3}]}, "answers"),
        (f"/api/v1/surveys/waves/{world.wave.pk}/responses/", "post", o.employee, "", {"answers": [{"question": 1, "options": [HUGE]}]}, "answers"),
    ]  # fmt: skip


def test_a_huge_id_in_a_body_or_query_is_a_400_naming_the_field(world, client_for):
    # Given every id a body or a query string takes
    before = (User.objects.count(), Post.objects.count(), Alert.objects.count())
    wrong = []
    for path, method, user, query, body, field in _rows(world):
        # When each carries an id beyond the key range
        response = call(client_for(user), method, path, query, body)
        # Then 400, naming the field, and nothing written
        content = response.json()
        if response.status_code != 400 or field not in content.get("fields", {}):
            wrong.append(f"{method.upper()} {path}{query} {body}: {response.status_code} {content}")
    assert wrong == [], "\n".join(wrong)
    assert (User.objects.count(), Post.objects.count(), Alert.objects.count()) == before


@pytest.mark.parametrize("value", [True, 1.5, "12abc", "", -1, 0, "٣"])
def test_ids_that_are_not_positive_integers_are_refused(org, client_for, value):
    response = client_for(org.comms).post(
        "/api/v1/push/alerts/", {"title": "T", "body": "B", "units": [value]}, format="json"
    )
    assert response.status_code == 400
    assert "units" in response.json()["fields"]
