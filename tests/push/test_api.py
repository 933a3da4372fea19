"""The push API: devices, logout, preferences, the inbox."""

from datetime import time

import pytest
from django.utils.translation import gettext_noop

from org.models import User
from push import services
from push.models import Device, Preference, Recipient

# --- devices -------------------------------------------------------------------------------


def test_register_device_is_idempotent(org, api):
    client = api(org.employee)
    body = {"token": "tok-1", "platform": "android", "app_version": "2.1.0"}

    first = client.post("/api/v1/push/devices/", body)
    second = client.post("/api/v1/push/devices/", body)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {
        "token": "tok-1",
        "kind": "token",
        "platform": "android",
        "app_version": "2.1.0",
        "last_seen_at": second.json()["last_seen_at"],
    }
    assert Device.objects.filter(identifier="tok-1", user=org.employee).count() == 1


def test_register_with_fid(org, api):
    response = api(org.employee).post("/api/v1/push/devices/", {"fid": "fid-1", "platform": "ios"})

    assert response.status_code == 201
    assert Device.objects.get(identifier="fid-1").kind == "fid"


def test_register_moves_token_to_the_current_user(org, api, device):
    device(org.employee, identifier="shared-phone")

    response = api(org.other_employee).post(
        "/api/v1/push/devices/", {"token": "shared-phone", "platform": "android"}
    )

    assert response.status_code == 200
    assert Device.objects.get(identifier="shared-phone").user == org.other_employee


@pytest.mark.parametrize(
    "body,code",
    [
        ({"platform": "android"}, "token_or_fid"),
        ({"token": "a", "fid": "b", "platform": "android"}, "token_or_fid"),
        ({"token": "a", "platform": "windows-phone"}, "validation_error"),
        ({"token": "a", "platform": "android", "colour": "blue"}, "validation_error"),
        ({"token": 1, "platform": "android"}, "validation_error"),
        (["not", "an", "object"], "validation_error"),
    ],
)
def test_register_refuses_bad_input(org, api, body, code):
    response = api(org.employee).post("/api/v1/push/devices/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Device.objects.count() == 0


def test_anonymous_cannot_register(api):
    response = api().post("/api/v1/push/devices/", {"token": "a", "platform": "android"})

    assert response.status_code == 401


def test_delete_retires_own_device_idempotently(org, api, device):
    device(org.employee, identifier="tok-del")
    client = api(org.employee)

    first = client.delete("/api/v1/push/devices/tok-del/")
    second = client.delete("/api/v1/push/devices/tok-del/")

    assert (first.status_code, second.status_code) == (204, 204)
    assert Device.objects.get(identifier="tok-del").retired_reason == "user"


def test_delete_someone_elses_device_is_404_and_changes_nothing(org, api, device):
    device(org.other_employee, identifier="not-mine")

    response = api(org.employee).delete("/api/v1/push/devices/not-mine/")

    assert response.status_code == 404
    assert Device.objects.get(identifier="not-mine").retired_at is None


def test_logout_retires_the_device_of_that_session_only(org, api):
    phone, tablet = api(org.employee), api(org.employee)
    phone.post("/api/v1/push/devices/", {"token": "tok-phone", "platform": "android"})
    tablet.post("/api/v1/push/devices/", {"token": "tok-tablet", "platform": "android"})

    response = phone.delete("/_allauth/app/v1/auth/session")

    assert response.status_code == 401  # allauth: logged out
    assert Device.objects.get(identifier="tok-phone").retired_reason == "logout"
    assert Device.objects.get(identifier="tok-tablet").retired_at is None


# --- preferences ---------------------------------------------------------------------------


def test_preferences_default(org, api):
    response = api(org.employee).get("/api/v1/push/preferences/")

    assert response.status_code == 200
    assert response.json() == {
        "categories": {
            "news": True,
            "minutes": True,
            "events": True,
            "onboarding": True,
            "surveys": True,
            "alerts": True,
        },
        "quiet_hours": None,
        "timezone": "Europe/Copenhagen",
    }


def test_patch_preferences(org, api):
    response = api(org.employee).patch(
        "/api/v1/push/preferences/",
        {
            "categories": {"news": False},
            "quiet_hours": {"start": "22:00", "end": "07:00", "weekdays": [1, 2, 3, 4, 5]},
        },
    )

    assert response.status_code == 200
    assert response.json()["categories"]["news"] is False
    assert response.json()["quiet_hours"] == {
        "start": "22:00",
        "end": "07:00",
        "weekdays": [1, 2, 3, 4, 5],
    }
    preference = Preference.objects.get(user=org.employee)
    assert (preference.news, preference.quiet_start, preference.quiet_weekdays) == (
        False,
        time(22),
        0b0011111,
    )


def test_quiet_hours_null_switches_them_off(org, api):
    services.preference_update(user=org.employee, quiet_start=time(22), quiet_end=time(7))

    response = api(org.employee).patch("/api/v1/push/preferences/", {"quiet_hours": None})

    assert response.status_code == 200
    assert response.json()["quiet_hours"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"categories": {"alerts": False}},
        {"categories": {"weather": True}},
        {"quiet_hours": {"start": "22:00", "end": "22:00"}},
        {"quiet_hours": {"start": "22:00", "end": None}},
        {"quiet_hours": {"start": "25:00", "end": "07:00"}},
        {"quiet_hours": {"start": "22:00", "end": "07:00", "weekdays": [0]}},
    ],
)
def test_patch_preferences_refuses_and_changes_nothing(org, api, body):
    response = api(org.employee).patch("/api/v1/push/preferences/", body)

    assert response.status_code == 400
    assert not Preference.objects.filter(user=org.employee).exists()


# --- inbox ---------------------------------------------------------------------------------


def _notify(users, title, **params):
    return services.notification_send(
        category="news",
        recipients=User.objects.filter(pk__in=[u.pk for u in users]),
        title=title,
        params=params,
        data={"post_id": "1"},
    )


def test_inbox_lists_my_notifications_newest_first_in_my_language(org, api):
    older = _notify([org.employee], title="Første")
    newer = _notify([org.employee, org.other_employee], title="Anden")
    _notify([org.other_employee], title="Ikke til mig")

    response = api(org.employee).get("/api/v1/push/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["title"] == "Anden"
    assert body["results"][0]["data"] == {"post_id": "1"}
    assert body["results"][0]["opened_at"] is None


def test_inbox_renders_params_into_the_msgid(org, api):
    services.notification_send(
        category="news",
        recipients=User.objects.filter(pk=org.employee.pk),
        title=gettext_noop("Krisebesked: %(title)s"),
        params={"title": "Strømsvigt"},
    )

    response = api(org.employee).get("/api/v1/push/notifications/")

    assert response.json()["results"][0]["title"] == "Krisebesked: Strømsvigt"


def test_inbox_query_count_does_not_grow_with_page_size(org, api, django_assert_num_queries):
    for n in range(12):
        _notify([org.employee], title=f"Nyhed {n}")
    client = api(org.employee)

    # auth (session + user) + count + page
    with django_assert_num_queries(4):
        small = client.get("/api/v1/push/notifications/?page_size=2")
    with django_assert_num_queries(4):
        large = client.get("/api/v1/push/notifications/?page_size=12")

    assert (len(small.json()["results"]), len(large.json()["results"])) == (2, 12)


def test_open_marks_once_and_someone_elses_is_404(org, api):
    mine = _notify([org.employee], title="Min")
    theirs = _notify([org.other_employee], title="Deres")
    client = api(org.employee)

    first = client.post(f"/api/v1/push/notifications/{mine.pk}/opened/")
    opened_at = Recipient.objects.get(notification=mine).opened_at
    second = client.post(f"/api/v1/push/notifications/{mine.pk}/opened/")
    other = client.post(f"/api/v1/push/notifications/{theirs.pk}/opened/")

    assert (first.status_code, second.status_code, other.status_code) == (204, 204, 404)
    assert Recipient.objects.get(notification=mine).opened_at == opened_at
    assert Recipient.objects.get(notification=theirs).opened_at is None
