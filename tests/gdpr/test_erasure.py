"""Erasure: the person's identity is gone from every table; statistics and anonymous answers stay."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from content.models import Rsvp
from onboarding.models import Journey
from org import erasure, services
from org.models import AccessLog, User, UserRole
from push.models import Device, Preference, Recipient
from surveys.models import Invitation, Participation
from surveys.results import survey_results
from tests.factories import UserFactory


def _rows_mentioning(value: str) -> dict[str, int]:
    """Every model's text columns (char, text, e-mail, JSON) that contain `value`, with counts."""
    needles = {value, json.dumps(value)[1:-1]}
    found = {}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                query = models.Q()
                for needle in needles:
                    query |= models.Q(**{f"{field.attname}__icontains": needle})
                rows = model._base_manager.filter(query)
            elif isinstance(field, models.JSONField):
                query = models.Q()
                for needle in needles:
                    query |= models.Q(as_text__icontains=needle)
                rows = model._base_manager.annotate(
                    as_text=Cast(field.attname, TextField())
                ).filter(query)
            else:
                continue
            if count := rows.count():
                found[f"{model._meta.label}.{field.name}"] = count
    return found


def _table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def test_erasure_removes_identity_everywhere_and_keeps_the_statistics(org, api, person, history):
    # Given a person who is logged in, in the admin's history and quoted in a leader's inbox
    token_client = api(person)
    assert token_client.get("/api/v1/me/").status_code == 200
    LogEntry.objects.log_actions(
        user_id=org.hr.pk, queryset=[person], action_flag=CHANGE, change_message="Ny enhed"
    )
    identity = {
        "name": "Zacharias Quistgaard",
        "email": "zacharias.quistgaard@example.dk",
        "phone": "+4561234567",
        "employee_number": "ZQ-4711",
        "device": "zq-fcm-token-0000",
    }
    assert {key: bool(_rows_mentioning(value)) for key, value in identity.items()} == {
        key: True for key in identity
    }
    results_before = survey_results(survey=history.survey, viewer=org.comms)
    participation_before = Participation.objects.filter(user=person).count()
    invitations_before = Invitation.objects.filter(user=person).count()

    # When HR erases the person
    response = api(org.hr).post(
        f"/api/v1/org/people/{person.pk}/erase/", {"confirm": True}, format="json"
    )

    # Then the answer is the anonymised record
    assert response.status_code == 200, response.content
    record = response.json()
    assert {k: record[k] for k in ("name", "email", "phone", "employee_number", "job_title")} == {
        "name": "Tidligere medarbejder",
        "email": None,
        "phone": None,
        "employee_number": None,
        "job_title": "",
    }
    assert record["is_active"] is False and record["erased_at"] is not None
    assert record["roles"] == []
    # ... name, e-mail, phone, employee number and device token are in no table at all
    assert {key: _rows_mentioning(value) for key, value in identity.items()} == {
        key: {} for key in identity
    }
    # ... the session token no longer works, devices, inbox and preferences are gone
    assert token_client.get("/api/v1/me/").status_code == 401
    assert Device.objects.filter(user=person).count() == 0
    assert Recipient.objects.filter(user=person).count() == 0
    assert Preference.objects.filter(user=person).count() == 0
    assert UserRole.objects.filter(user=person).count() == 0
    # ... the RSVP to the coming event is withdrawn; the journey stays, cancelled, as statistics
    assert Rsvp.objects.filter(user=person).count() == 0
    assert Journey.objects.get(pk=history.journey.pk).status == "cancelled"
    # ... anonymous answers still count: the results are exactly what they were
    assert survey_results(survey=history.survey, viewer=org.comms) == results_before
    assert Participation.objects.filter(user=person).count() == participation_before
    assert Invitation.objects.filter(user=person).count() == invitations_before
    # ... and the erasure itself is logged
    assert list(AccessLog.objects.filter(what="erasure").values_list("actor", "subject")) == [
        (org.hr.pk, person.pk)
    ]

    # When the retention task runs twice, Then the second run changes nothing
    erasure.retention_enforce()
    counts_after_first = _table_counts()
    second = erasure.retention_enforce()
    assert set(second.values()) == {0}
    assert _table_counts() == counts_after_first


def test_erasing_twice_changes_nothing_the_second_time(org, person):
    first = erasure.user_erase(actor=org.hr, user=person)
    counts = _table_counts()
    again = erasure.user_erase(actor=org.hr, user=person)
    assert again.erased_at == first.erased_at
    assert _table_counts() == counts


def test_an_erased_person_cannot_be_changed_or_reactivated(org, person):
    person = erasure.user_erase(actor=org.hr, user=person)
    with pytest.raises(services.ConflictError):
        services.user_reactivate(user=person)
    with pytest.raises(services.ConflictError):
        services.user_update(actor=org.hr, user=person, name="Zacharias Quistgaard")
    person.refresh_from_db()
    assert (person.name, person.is_active) == ("Tidligere medarbejder", False)


def test_the_waiting_list_moves_up_when_an_erased_person_had_a_place(org, person, history):
    from content import services as content_services
    from content.models import Post

    event = history.events[0]
    Post.objects.filter(pk=event.pk).update(capacity=1)
    waiting = UserFactory(name="Ventende", unit=org.team_a)
    content_services.event_rsvp(post=event, user=waiting, answer="yes")
    assert Rsvp.objects.get(post=event, user=waiting).waitlisted is True

    erasure.user_erase(actor=org.hr, user=person)

    assert Rsvp.objects.get(post=event, user=waiting).waitlisted is False


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("hr", "admin", 403),  # HR may not hand out admin, so may not erase an admin
        ("hr", "hr", 403),  # nobody erases themselves here
        ("employee", "other_employee", 403),
        ("leader", "employee", 403),
    ],
)
def test_erasure_refused_leaves_everything_as_it_was(org, api, actor, target, status):
    victim = getattr(org, target)
    client = api(getattr(org, actor))
    counts = _table_counts()
    response = client.post(
        f"/api/v1/org/people/{victim.pk}/erase/", {"confirm": True}, format="json"
    )
    assert response.status_code == status
    victim.refresh_from_db()
    assert victim.erased_at is None and victim.is_active is True
    assert _table_counts() == counts


def test_erasure_must_be_confirmed(org, api, person):
    response = api(org.hr).post(
        f"/api/v1/org/people/{person.pk}/erase/", {"confirm": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["confirm"]
    person.refresh_from_db()
    assert person.erased_at is None


def test_an_archive_hold_refuses_erasure(org, api, person, settings):
    settings.RETENTION_ARCHIVE_HOLD = True
    response = api(org.hr).post(
        f"/api/v1/org/people/{person.pk}/erase/", {"confirm": True}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "archive_hold"
    person.refresh_from_db()
    assert (person.name, person.erased_at) == ("Zacharias Quistgaard", None)
    assert User.objects.filter(erased_at__isnull=False).count() == 0


def test_hr_erases_from_the_admin(org, person):
    from django.test import Client

    client = Client()
    client.force_login(org.hr)

    response = client.post(
        "/admin/org/user/",
        {"action": "erase_selected", "_selected_action": [person.pk]},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.email, person.is_active) == ("Tidligere medarbejder", None, False)
    assert list(AccessLog.objects.values_list("actor", "subject", "what")) == [
        (org.hr.pk, person.pk, "erasure")
    ]


def test_erasure_clears_the_pointers_and_dates_that_single_the_person_out(org, person):
    # Given the person named in an audience beside a colleague, the maker of another audience,
    # with a start and an end date, an invitation time and a last login
    from datetime import timedelta

    from django.utils import timezone

    from org.models import Audience

    named = services.audience_create(created_by=org.hr, name="Nattevagt", people=[person])
    named.people.add(org.employee)
    made = services.audience_create(created_by=person, name="Mit team", everyone=True)
    User.objects.filter(pk=person.pk).update(
        end_date=timezone.localdate() + timedelta(days=30),
        invited_at=timezone.now(),
        last_login=timezone.now(),
    )

    # When HR erases the person
    erasure.user_erase(actor=org.hr, user=User.objects.get(pk=person.pk))

    # Then they are out of the audience (the colleague stays) and off the one they made
    assert list(named.people.values_list("pk", flat=True)) == [org.employee.pk]
    assert Audience.objects.get(pk=made.pk).created_by_id is None
    # And the row keeps no dates about them
    erased = User.objects.get(pk=person.pk)
    dates = (erased.start_date, erased.end_date, erased.invited_at, erased.last_login)
    assert dates == (None, None, None, None)
    # And the only rows that still point at the anonymised row are the kept statistics and
    # records README → Security lists (none here but their own, anonymised, history)
    pointing = {
        f"{rel.related_model._meta.label}.{rel.field.name}"
        for rel in User._meta.get_fields(include_hidden=True)
        if rel.is_relation
        and rel.auto_created
        and not rel.concrete
        and rel.related_model._base_manager.filter(**{rel.field.name: person.pk}).exists()
    }
    assert pointing == {"org.AccessLog.subject"}
