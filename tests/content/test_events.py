"""Events: RSVP with capacity and a waiting list, the .ics file, counts for the organiser."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from content import services
from content.models import PostKind, Rsvp
from tests.factories import UserFactory

from .factories import PostFactory


@pytest.fixture
def event(org):
    return PostFactory(
        author=org.comms, kind=PostKind.EVENT, title="Julefrokost", place="Kantinen, Rådhuset",
        starts_at=timezone.now() + dt.timedelta(days=14),
        ends_at=timezone.now() + dt.timedelta(days=14, hours=4), capacity=2,
    )  # fmt: skip


def test_yes_beyond_capacity_waits_and_moves_up_when_a_place_is_given_up(org, api, event):
    # Given an event with two places
    first, second, third = org.employee, org.other_employee, org.leader

    # When three say yes, then the first changes its mind
    answers = [api(p).post(f"/api/v1/posts/{event.pk}/rsvp/", {"answer": "yes"}) for p in
               (first, second, third)]  # fmt: skip
    changed = api(first).post(f"/api/v1/posts/{event.pk}/rsvp/", {"answer": "no"})

    # Then the third waited, and took the freed place
    assert [a.json()["waitlisted"] for a in answers] == [False, False, True]
    assert answers[2].json()["counts"] == {"yes": 2, "waitlisted": 1, "maybe": 0, "no": 0}
    assert changed.json()["counts"] == {"yes": 2, "waitlisted": 0, "maybe": 0, "no": 1}
    assert Rsvp.objects.get(post=event, user=third).waitlisted is False


def test_the_same_answer_again_keeps_the_place_in_line(org, event):
    services.event_rsvp(post=event, user=org.employee, answer="yes")
    services.event_rsvp(post=event, user=org.other_employee, answer="yes")
    waiting = services.event_rsvp(post=event, user=org.leader, answer="yes")
    again = services.event_rsvp(post=event, user=org.leader, answer="yes")
    assert (again.pk, again.answered_at, again.waitlisted) == (
        waiting.pk, waiting.answered_at, True,
    )  # fmt: skip


def test_rsvp_is_refused_for_non_events_and_started_events(org, api):
    news = PostFactory(author=org.comms)
    started = PostFactory(author=org.comms, kind=PostKind.EVENT,
                          starts_at=timezone.now() + dt.timedelta(seconds=1))  # fmt: skip
    import time_machine

    client = api(org.employee)
    assert client.post(f"/api/v1/posts/{news.pk}/rsvp/", {"answer": "yes"}).json()["code"] == (
        "not_an_event"
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        response = client.post(f"/api/v1/posts/{started.pk}/rsvp/", {"answer": "yes"})
    assert (response.status_code, response.json()["code"]) == (409, "event_started")
    bad = client.post(f"/api/v1/posts/{news.pk}/rsvp/", {"answer": "ja"})
    assert bad.status_code == 400
    assert Rsvp.objects.count() == 0


def test_the_event_downloads_as_an_ics_file(org, api, event):
    response = api(org.employee).get(f"/api/v1/posts/{event.pk}/event.ics/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Julefrokost"
    assert str(entry["location"]) == "Kantinen, Rådhuset"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(entry["uid"]).startswith(f"post-{event.pk}@")


def test_detail_shows_counts_and_my_answer(org, api, event):
    services.event_rsvp(post=event, user=org.other_employee, answer="maybe")
    client = api(org.employee)
    client.post(f"/api/v1/posts/{event.pk}/rsvp/", {"answer": "yes"})
    body = client.get(f"/api/v1/posts/{event.pk}/").json()["event"]
    assert body["counts"] == {"yes": 1, "waitlisted": 0, "maybe": 1, "no": 0}
    assert (body["my_rsvp"]["answer"], body["my_rsvp"]["waitlisted"]) == ("yes", False)
    assert (body["place"], body["capacity"]) == ("Kantinen, Rådhuset", 2)


def test_the_organiser_lists_attendees_with_a_constant_query_count(
    org, api, event, django_assert_num_queries
):
    # Given 12 answers
    for i in range(12):
        services.event_rsvp(post=event, user=UserFactory(unit=org.team_a),
                            answer=["yes", "maybe", "no"][i % 3])  # fmt: skip
    client = api(org.comms)

    # When the organiser lists them with two page sizes
    with django_assert_num_queries(6):  # session, user with unit, its roles, post, count, page
        small = client.get(f"/api/v1/posts/{event.pk}/attendees/?page_size=3")
    with django_assert_num_queries(6):
        large = client.get(f"/api/v1/posts/{event.pk}/attendees/?page_size=50")

    # Then confirmed come first, then the waiting list, and an employee may not look
    assert small.json()["count"] == 12 and len(large.json()["results"]) == 12
    assert [r["answer"] for r in large.json()["results"]][:2] == ["yes", "yes"]
    assert sum(r["waitlisted"] for r in large.json()["results"]) == 2
    assert api(org.employee).get(f"/api/v1/posts/{event.pk}/attendees/").status_code == 404
