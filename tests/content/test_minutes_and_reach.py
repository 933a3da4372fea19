"""Decisions across a unit's meetings; reach per unit; must-read reminders."""

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import timezone

from content import services, tasks
from content.models import AckReminder, PostKind
from content.services import AudienceSpec, DecisionSpec
from tests.factories import UserFactory

from .factories import PostFactory


def _minutes(org, unit, day, decisions, audience=None):
    return PostFactory(
        author=org.comms, kind=PostKind.MINUTES, title=f"Referat {day}", unit=unit,
        meeting_name="Personalemøde", meeting_date=dt.date(2026, 11, day),
        audience=audience or AudienceSpec(units=[(unit, True)]), decisions=decisions,
    )  # fmt: skip


def test_decisions_are_listed_across_meetings_for_a_unit(org, api, django_assert_num_queries):
    # Given three meetings in unit_a and its team, and one in unit_b
    _minutes(org, org.unit_a, 3, [DecisionSpec("Ny vagtplan", org.leader, dt.date(2026, 12, 1))])
    _minutes(
        org, org.unit_a, 17, [DecisionSpec("Indkøb af lift"), DecisionSpec("Kursus i forflytning")]
    )
    _minutes(org, org.team_a, 10, [DecisionSpec("Teammøde flyttes")])
    _minutes(org, org.unit_b, 5, [DecisionSpec("Ny menu")])
    client = api(org.employee)

    # When the employee lists the decisions of unit_a, alone and with its subtree
    with django_assert_num_queries(4):  # session, user with unit, count, page
        alone = client.get(f"/api/v1/decisions/?unit={org.unit_a.pk}")
    with django_assert_num_queries(4):
        subtree = client.get(
            f"/api/v1/decisions/?unit={org.unit_a.pk}&include_subtree=true&page_size=2"
        )

    # Then they come newest meeting first, with owner and deadline
    assert [d["text"] for d in alone.json()["results"]] == [
        "Indkøb af lift", "Kursus i forflytning", "Ny vagtplan",
    ]  # fmt: skip
    assert alone.json()["results"][2]["owner"] == {"id": org.leader.pk, "name": "Lone Jensen"}
    assert alone.json()["results"][2]["deadline"] == "2026-12-01"
    assert subtree.json()["count"] == 4
    # And the employee of unit_b's subtree sees none of unit_a's
    other = api(org.other_employee).get(f"/api/v1/decisions/?unit={org.unit_a.pk}")
    assert other.json()["count"] == 0


def test_decisions_need_a_unit(org, api):
    assert api(org.employee).get("/api/v1/decisions/").status_code == 400


@pytest.fixture
def must_read(org):
    """A must-read for the whole area: employee, other_employee, leader, other_leader."""
    post = PostFactory(
        author=org.comms, title="Ny hygiejneinstruks", requires_acknowledgement=True,
        audience=AudienceSpec(units=[(org.area, True)]),
    )  # fmt: skip
    services.post_acknowledge(post=post, user=org.employee)
    services.post_read_record(post=post, user=org.other_employee)
    return post


def test_reach_counts_per_unit_and_lists_who_has_not_acknowledged(org, api, must_read):
    body = api(org.comms).get(f"/api/v1/posts/{must_read.pk}/reach/").json()
    assert (body["audience"], body["read"], body["acknowledged"]) == (4, 2, 1)
    # nobody has a device, phone or inbox entry here: notified on no channel, nothing delivered
    silent = {
        "notified_push": 0,
        "notified_sms": 0,
        "notified_email": 0,
        "delivered": 0,
        "opened": 0,
    }
    assert body["per_unit"] == [
        {"unit_id": org.unit_a.pk, "unit_name": "Hjemmeplejen Vest", "audience": 1, "read": 0,
         "acknowledged": 0, **silent},
        {"unit_id": org.team_b.pk, "unit_name": "Køkkenet", "audience": 1, "read": 1,
         "acknowledged": 0, **silent},
        {"unit_id": org.unit_b.pk, "unit_name": "Madservice", "audience": 1, "read": 0,
         "acknowledged": 0, **silent},
        {"unit_id": org.team_a.pk, "unit_name": "Team Korsør", "audience": 1, "read": 1,
         "acknowledged": 1, **silent},
    ]  # fmt: skip
    assert [(p["name"], p["has_read"]) for p in body["not_acknowledged"]] == [
        ("Lone Jensen", False), ("Jens Nielsen", True), ("Per Larsen", False),
    ]  # fmt: skip


def test_a_leader_sees_reach_for_its_own_people_only_and_an_employee_sees_none(org, api, must_read):
    body = api(org.leader).get(f"/api/v1/posts/{must_read.pk}/reach/").json()
    assert (body["audience"], body["read"], body["acknowledged"]) == (2, 1, 1)
    assert [p["name"] for p in body["not_acknowledged"]] == ["Lone Jensen"]
    assert api(org.employee).get(f"/api/v1/posts/{must_read.pk}/reach/").status_code == 404


def test_reading_twice_keeps_the_first_read_time(org, api, must_read):
    client = api(org.other_leader)
    first = client.get(f"/api/v1/posts/{must_read.pk}/").json()["read_at"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        second = client.get(f"/api/v1/posts/{must_read.pk}/").json()["read_at"]
    assert first == second is not None


def test_acknowledging_a_post_that_needs_none_is_refused(org, api):
    post = PostFactory(author=org.comms)
    response = api(org.employee).post(f"/api/v1/posts/{post.pk}/acknowledge/")
    assert (response.status_code, response.json()["code"]) == (
        400, "acknowledgement_not_required",
    )  # fmt: skip


def test_reminders_go_to_non_acknowledgers_at_24_and_72_hours_once_each(
    org, must_read, caplog, django_capture_on_commit_callbacks, settings
):
    settings.CONTENT_ACK_REMINDER_HOURS = [24, 72]
    caplog.set_level(logging.INFO, logger="bro.content.announce")
    published = must_read.published_at

    def run_at(hours):
        with (
            time_machine.travel(published + dt.timedelta(hours=hours), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.remind_unacknowledged.delay()

    # When the task runs at 23 h, 24 h, 25 h, then the person acknowledges, then 73 h and 80 h
    run_at(23)
    run_at(24)
    run_at(25)
    services.post_acknowledge(post=must_read, user=org.leader)
    run_at(73)
    run_at(80)

    # Then two reminders went out: 3 people at 24 h, 2 at 72 h
    reminders = [r.getMessage() for r in caplog.records if "must-read reminder" in r.getMessage()]
    assert reminders == [
        f"must-read reminder: post_id={must_read.pk} recipients=3",
        f"must-read reminder: post_id={must_read.pk} recipients=2",
    ]
    assert list(AckReminder.objects.order_by("after_hours").values_list(
        "after_hours", "recipients")) == [(24, 3), (72, 2)]  # fmt: skip


def test_inactive_people_are_not_counted_or_reminded(org, must_read):
    gone = UserFactory(unit=org.team_a)
    from org import services as org_services

    org_services.user_deactivate(user=gone)
    assert gone.pk not in services.selectors.unacknowledged_user_ids(post=must_read)
