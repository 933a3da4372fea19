"""The access log: who read whose data, append-only, and in the person's own export."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from org import services
from org.models import AccessLog, AccessLogImmutableError


def test_a_leader_viewing_a_journey_writes_exactly_one_row_and_the_export_lists_it(
    org, api, person, history
):
    # Given a leader of the person's unit
    leader = api(org.leader)

    # When the leader opens the person's journey
    response = leader.get(f"/api/v1/onboarding/journeys/{history.journey.pk}/")

    # Then exactly one row says who read whose journey
    assert response.status_code == 200
    rows = list(
        AccessLog.objects.filter(what="journey").values_list("actor", "subject", "object_id")
    )
    assert rows == [(org.leader.pk, person.pk, history.journey.pk)]
    # ... and the person sees it in their export
    entries = api(person).get("/api/v1/me/export/").json()["categories"]["access_log"]
    assert [(e["what"], e["by"], e["by_id"]) for e in entries if e["what"] == "journey"] == [
        ("journey", "Lone Jensen", org.leader.pk)
    ]


def test_a_leader_of_another_unit_gets_404_and_no_row(org, api, person, history):
    response = api(org.other_leader).get(f"/api/v1/onboarding/journeys/{history.journey.pk}/")
    assert response.status_code == 404
    assert AccessLog.objects.filter(what="journey").count() == 0


def test_hr_reading_a_person_record_is_logged_with_its_purpose(org, api, person):
    response = api(org.hr).get(
        f"/api/v1/org/people/{person.pk}/record/", {"purpose": "Sygefraværssamtale"}
    )
    assert response.status_code == 200
    assert list(AccessLog.objects.values_list("actor", "subject", "what", "purpose")) == [
        (org.hr.pk, person.pk, "person_record", "Sygefraværssamtale")
    ]


def test_reading_your_own_data_writes_no_row(org):
    assert (
        services.access_log_record(actor=org.hr, subject_id=org.hr.pk, what="person_record") is None
    )
    assert AccessLog.objects.count() == 0


def test_a_row_cannot_be_changed_or_deleted(org, person):
    entry = services.access_log_record(
        actor=org.hr, subject_id=person.pk, what="person_record", purpose="Løn"
    )
    entry.purpose = "Noget andet"
    with pytest.raises(AccessLogImmutableError):
        entry.save()
    with pytest.raises(AccessLogImmutableError):
        entry.delete()
    assert list(AccessLog.objects.values_list("purpose", flat=True)) == ["Løn"]


def test_the_admin_shows_the_log_read_only(org):
    request = RequestFactory().get("/admin/org/accesslog/")
    request.user = org.hr
    admin = site._registry[AccessLog]
    assert admin.has_view_permission(request) is True
    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request) is False
    assert admin.has_delete_permission(request) is False
    assert "delete_selected" not in admin.get_actions(request)
