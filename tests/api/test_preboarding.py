"""Before day 1 a new hire reaches only their profile, push, journey and linked posts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.authentication import PREBOARDING_OPEN_ROUTES
from tests.factories import UserFactory


@pytest.fixture
def new_hire(org):
    return UserFactory(
        name="Sara Nyborg",
        unit=org.team_a,
        start_date=timezone.localdate() + timedelta(days=14),
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/me/", 200),
        ("/api/v1/onboarding/my-journey/", 200),
        ("/api/v1/push/preferences/", 200),
        ("/api/v1/feed/", 200),
        ("/api/v1/org/people/", 403),
        ("/api/v1/org/units/", 403),
        ("/api/v1/surveys/open/", 403),
        ("/api/v1/decisions/", 403),
    ],
)
def test_a_new_hire_before_day_one_sees_only_the_pre_boarding_area(
    org, api, new_hire, path, status
):
    response = api(new_hire).get(path)
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["code"] == "permission_denied"


def test_on_the_start_date_everything_opens(org, api, new_hire):
    from org import services

    services.user_update(actor=org.hr, user=new_hire, start_date=timezone.localdate())
    assert api(new_hire).get("/api/v1/org/people/").status_code == 200


def test_colleagues_with_a_future_start_date_but_a_staff_role_are_not_fenced(org, api):
    from org.models import Role

    leader = UserFactory(
        unit=org.team_a,
        start_date=timezone.localdate() + timedelta(days=3),
        roles=[Role.EMPLOYEE, Role.HR],
    )
    assert api(leader).get("/api/v1/org/people/").status_code == 200


def test_the_open_routes_all_exist():
    from django.urls import NoReverseMatch, reverse

    for name in PREBOARDING_OPEN_ROUTES:
        for kwargs in (
            {},
            {"pk": 1},
            {"token": "x"},
            {"notification_id": 1},
            {"alert_id": 1},
            {"pk": 1, "attachment_id": 1},
            {"question_id": 1},
        ):
            try:
                reverse(name, kwargs=kwargs)
                break
            except NoReverseMatch:
                continue
        else:
            pytest.fail(f"no route named {name}")


def test_a_new_hire_reads_only_the_posts_their_journey_links_to(org, api, new_hire):
    from content.models import PostKind
    from content.services import AudienceSpec
    from onboarding import services as onboarding
    from onboarding.models import StepKind
    from tests.content.factories import PostFactory
    from tests.onboarding.factories import TrackFactory, step

    # Given a staff-info page for HR only, linked from the hire's journey, and news for all
    page = PostFactory(
        kind=PostKind.PAGE,
        title="Tavshedspligt",
        audience=AudienceSpec(roles=["hr"]),
    )
    news = PostFactory(title="Nyt fra direktionen")
    track = TrackFactory(steps=[step("Læs om tavshedspligt", -7, StepKind.READ, post_id=page.pk)])
    onboarding.journey_assign(actor=org.hr, user=new_hire, track=track)
    client = api(new_hire)
    # Then the feed holds just the linked page, which opens; the news does not
    feed = client.get("/api/v1/feed/").json()
    assert [item["id"] for item in feed["results"]] == [page.pk]
    assert client.get(f"/api/v1/posts/{page.pk}/").status_code == 200
    assert client.get(f"/api/v1/posts/{news.pk}/").status_code == 404
