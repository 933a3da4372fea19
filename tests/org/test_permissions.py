"""Permission table: every organisation endpoint × every kind of caller, with the exact answer."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anonymous", "employee", "other_leader", "leader", "hr", "comms", "admin"]
EVERYONE_SIGNED_IN = {"anonymous": 401} | {role: 200 for role in ROLES[1:]}


def _hr_only(ok: int) -> dict:
    return {
        "anonymous": 401,
        "employee": 403,
        "other_leader": 403,
        "leader": 403,
        "hr": ok,
        "comms": 403,
        "admin": ok,
    }


# (url name, method, path template, body, expected status per role)
TABLE = [
    ("me", "get", "/api/v1/me/", None, EVERYONE_SIGNED_IN),
    ("me", "patch", "/api/v1/me/", {"share_phone": True}, EVERYONE_SIGNED_IN),
    ("me-export", "get", "/api/v1/me/export/", None, EVERYONE_SIGNED_IN),
    ("unit-list", "get", "/api/v1/org/units/", None, EVERYONE_SIGNED_IN),
    ("unit-detail", "get", "/api/v1/org/units/{unit}/", None, EVERYONE_SIGNED_IN),
    ("person-list", "get", "/api/v1/org/people/", None, EVERYONE_SIGNED_IN),
    (
        "person-list",
        "post",
        "/api/v1/org/people/",
        {"name": "Ny Medarbejder", "email": "ny@example.dk"},
        _hr_only(201),
    ),
    ("person-detail", "get", "/api/v1/org/people/{person}/", None, EVERYONE_SIGNED_IN),
    (
        "person-detail",
        "patch",
        "/api/v1/org/people/{person}/",
        {"job_title": "Social- og sundhedsassistent"},
        _hr_only(200),
    ),
    ("person-record", "get", "/api/v1/org/people/{person}/record/", None, _hr_only(200)),
    ("person-deactivate", "post", "/api/v1/org/people/{person}/deactivate/", None, _hr_only(200)),
    ("person-reactivate", "post", "/api/v1/org/people/{person}/reactivate/", None, _hr_only(200)),
    (
        "person-export",
        "get",
        "/api/v1/org/people/{person}/export/?purpose=Indsigtsanmodning",
        None,
        _hr_only(200),
    ),
    (
        "person-erase",
        "post",
        "/api/v1/org/people/{person}/erase/",
        {"confirm": True},
        _hr_only(200),
    ),
]


@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(org, api, role, name, method, path, body, expected):
    caller = None if role == "anonymous" else getattr(org, role)
    client = api(caller)
    url = path.format(unit=org.team_a.pk, person=org.employee.pk)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected[role], (role, method, url, response.content)


def _org_url_names() -> set[str]:
    import org.urls

    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(org.urls.urlpatterns)
    return names


def test_every_organisation_endpoint_has_a_row():
    get_resolver()  # the project's URLconf loads
    assert _org_url_names() == {row[0] for row in TABLE}


def test_object_outside_hr_scope_is_404_not_403_for_unknown_ids(org, api):
    response = api(org.hr).get("/api/v1/org/people/999999/record/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_deactivated_person_cannot_see_the_directory(org, api):
    client = api(org.employee)
    from org import services

    services.user_deactivate(user=org.employee)
    assert client.get("/api/v1/org/people/").status_code == 401


@pytest.mark.parametrize(
    ("viewer", "sees_contact"),
    [
        ("employee", False),
        ("other_employee", False),
        ("other_leader", False),
        ("leader", True),
        ("hr", True),
        ("admin", True),
        ("comms", False),
    ],
)
def test_contact_details_are_shown_only_to_those_allowed(org, api, viewer, sees_contact):
    # Given a colleague who shares nothing, in the leader's unit
    from tests.factories import UserFactory

    colleague = UserFactory(name="Bente Berg", unit=org.team_a, phone="+4520202020")
    response = api(getattr(org, viewer)).get(f"/api/v1/org/people/{colleague.pk}/")
    assert response.status_code == 200
    body = response.json()
    if sees_contact:
        assert (body["email"], body["phone"]) == (colleague.email, "+4520202020")
    else:
        assert (body["email"], body["phone"]) == (None, None)


def test_shared_contact_details_are_shown_to_every_colleague(org, api):
    from org import services

    services.user_profile_update(user=org.other_employee, share_phone=True)
    services.user_update(actor=org.hr, user=org.other_employee, phone="+4530303030")
    body = api(org.employee).get(f"/api/v1/org/people/{org.other_employee.pk}/").json()
    assert body["phone"] == "+4530303030"
    assert body["email"] is None


def test_hr_cannot_grant_hr_or_admin_roles(org, api):
    from org.models import User

    before = User.objects.count()
    response = api(org.hr).post(
        "/api/v1/org/people/",
        {"name": "Ny Chef", "email": "chef@example.dk", "roles": ["admin"]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["fields"] == {"roles": ["Ikke tilladt for dig."]}
    assert User.objects.count() == before


def test_admin_can_grant_hr(org, api):
    response = api(org.admin).post(
        "/api/v1/org/people/",
        {"name": "Ny HR", "email": "nyhr@example.dk", "roles": ["hr"]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["employee", "hr"]
