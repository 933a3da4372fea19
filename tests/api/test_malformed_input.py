"""Malformed input always gets the JSON error shape and a 4xx, and changes nothing."""

import pytest

from org.models import User


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_broken_json_is_a_400_with_the_error_shape(org, api):
    client = api(org.hr)
    before = User.objects.count()
    response = client.post(
        "/api/v1/org/people/", data='{"name": "Ole", "email": ', content_type="application/json"
    )
    _assert_error(response, 400, "malformed_request")
    assert User.objects.count() == before


def test_wrong_types_name_the_fields(org, api):
    client = api(org.hr)
    before = User.objects.count()
    response = client.post(
        "/api/v1/org/people/",
        {"name": ["not", "a", "string"], "email": 42, "unit": "abc", "start_date": "i morgen"},
        format="json",
    )
    body = _assert_error(response, 400, "validation_error")
    assert set(body["fields"]) == {"name", "email", "unit", "start_date"}
    assert User.objects.count() == before


def test_unknown_fields_are_refused_not_ignored(org, api):
    client = api(org.employee)
    response = client.patch("/api/v1/me/", {"language": "en", "is_staff": True}, format="json")
    body = _assert_error(response, 400, "validation_error")
    assert body["fields"] == {"is_staff": ["Ukendt felt."]}
    org.employee.refresh_from_db()
    assert org.employee.language == "da"
    assert org.employee.is_staff is False


def test_a_json_array_instead_of_an_object_is_a_400(org, api):
    response = api(org.employee).patch("/api/v1/me/", [1, 2, 3], format="json")
    _assert_error(response, 400, "validation_error")


def test_a_5_mb_body_is_refused_with_413_before_it_is_read(org, api):
    client = api(org.hr)
    before = User.objects.count()
    huge = '{"name": "' + "x" * (5 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/org/people/", data=huge, content_type="application/json")
    _assert_error(response, 413, "request_too_large")
    assert User.objects.count() == before


@pytest.mark.parametrize("page", ["999999999999", "-1", "abc", "0"])
def test_huge_or_nonsense_page_numbers_are_a_404(org, api, page):
    response = api(org.employee).get("/api/v1/org/people/", {"page": page})
    _assert_error(response, 404, "not_found")


@pytest.mark.parametrize("size", ["100000000", "201", "0", "-1", "abc", "1.5", "٣"])
def test_a_page_size_outside_1_to_200_or_not_an_integer_is_a_400(org, api, size):
    response = api(org.employee).get("/api/v1/org/people/", {"page_size": size})
    body = _assert_error(response, 400, "validation_error")
    assert list(body["fields"]) == ["page_size"]


def test_the_largest_page_size_is_served(org, api):
    response = api(org.employee).get("/api/v1/org/people/", {"page_size": "200"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == User.objects.filter(is_active=True).count()


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE org_user; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "%00%27",
        "\u0000",
    ],
)
def test_sql_and_html_in_strings_are_just_text(org, api, text):
    client = api(org.employee)
    response = client.get("/api/v1/org/people/", {"q": text})
    if "\u0000" in text:
        # PostgreSQL cannot store NUL; the query validator refuses it as input, not a 500.
        assert response.status_code in {200, 400}
    else:
        assert response.status_code == 200
        assert response.json()["results"] == []
    assert User.objects.filter(name="Mette Hansen").exists()


def test_html_in_an_invited_name_is_stored_as_text_and_returned_as_json(org, api):
    client = api(org.hr)
    response = client.post(
        "/api/v1/org/people/",
        {"name": "<b>Bo</b> '; DROP TABLE org_user; --", "email": "bo@example.dk"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["name"] == "<b>Bo</b> '; DROP TABLE org_user; --"


def test_wrong_content_type_is_a_415(org, api):
    response = api(org.employee).patch(
        "/api/v1/me/", data="language=en", content_type="application/x-www-form-urlencoded"
    )
    _assert_error(response, 415, "unsupported_media_type")


def test_wrong_method_is_a_405(org, api):
    response = api(org.employee).delete("/api/v1/me/")
    _assert_error(response, 405, "method_not_allowed")


def test_unknown_url_is_a_json_404(org, api):
    response = api(org.employee).get("/api/v1/nothing-here/")
    _assert_error(response, 404, "not_found")


def test_missing_token_is_a_401_and_bad_token_is_a_401(org, api):
    anonymous = api()
    _assert_error(anonymous.get("/api/v1/me/"), 401, "not_authenticated")
    anonymous.credentials(HTTP_X_SESSION_TOKEN="not-a-token")
    _assert_error(anonymous.get("/api/v1/me/"), 401, "not_authenticated")


def test_bad_updated_since_is_a_400(org, api):
    response = api(org.employee).get("/api/v1/org/units/", {"updated_since": "yesterday"})
    body = _assert_error(response, 400, "validation_error")
    assert "updated_since" in body["fields"]


def test_invite_without_email_or_phone_is_refused(org, api):
    before = User.objects.count()
    response = api(org.hr).post("/api/v1/org/people/", {"name": "Ingen Kontakt"}, format="json")
    body = _assert_error(response, 400, "identity_required")
    assert set(body["fields"]) == {"email", "phone"}
    assert User.objects.count() == before


def test_invite_with_a_taken_email_is_a_409_naming_the_field(org, api):
    before = User.objects.count()
    response = api(org.hr).post(
        "/api/v1/org/people/", {"name": "Dobbelt", "email": org.employee.email}, format="json"
    )
    body = _assert_error(response, 409, "already_exists")
    assert set(body["fields"]) == {"email"}
    assert User.objects.count() == before


def test_invite_with_a_nonsense_phone_is_a_400(org, api):
    response = api(org.hr).post(
        "/api/v1/org/people/", {"name": "Tlf", "phone": "ring til mig"}, format="json"
    )
    body = _assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"phone"}
