"""Microsoft Entra ID's provisioning sequence, request by request, with the exact responses.

The requests are those of Microsoft's "Tutorial: Develop and plan provisioning for a SCIM
endpoint" (learn.microsoft.com, entra/identity/app-provisioning/use-scim-to-provision-users-
and-groups): Test Connection, query by userName, create, get, update multi- and single-valued
attributes, set the manager, disable, delete; and for groups create, get without members,
query by displayName, rename, add and remove members, delete. Bro declares no ETags
(ServiceProviderConfig etag.supported = false), so `meta` carries no version.
"""

import datetime as dt
import json

import pytest
import time_machine

from hrsync.models import ScimUser
from hrsync.services import scim_client_create
from org.models import AccessLog, OrgUnit, User
from org.services import unit_create

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
STAMP = "2026-12-02T09:00:00Z"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
BASE = "http://testserver/scim/v2"


@pytest.fixture
def entra(db, client):
    """A client holding Entra ID's bearer token, speaking application/scim+json."""
    with time_machine.travel(NOW, tick=False):
        unit_create(name="Slagelse Kommune", kind="direktion", code="1000")
        scim_client, token = scim_client_create(name="Microsoft Entra ID", created_by=None)

        class Entra:
            def __init__(self):
                self.client_row = scim_client

            def __call__(self, method, path, body=None):
                kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
                if body is not None:
                    kwargs.update(data=json.dumps(body), content_type="application/scim+json")
                response = getattr(client, method)(f"/scim/v2{path}", **kwargs)
                if response.content:
                    assert response["Content-Type"] == "application/scim+json"
                return response

        yield Entra()


def _created_user(body_extra=None):
    return {
        "schemas": [USER, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
        "active": True,
        "emails": [
            {
                "primary": True,
                "type": "work",
                "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com",
            }
        ],
        "meta": {"resourceType": "User"},
        "name": {
            "formatted": "givenName familyName",
            "familyName": "familyName",
            "givenName": "givenName",
        },
        "roles": [],
        **(body_extra or {}),
    }


def _expected_user(pk, **changes):
    body = {
        "schemas": [USER],
        "id": str(pk),
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "meta": {
            "resourceType": "User",
            "created": STAMP,
            "lastModified": STAMP,
            "location": f"{BASE}/Users/{pk}",
        },
        "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
        "name": {
            "formatted": "givenName familyName",
            "familyName": "familyName",
            "givenName": "givenName",
        },
        "active": True,
        "emails": [
            {
                "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com",
                "type": "work",
                "primary": True,
            }
        ],
    }
    body.update(changes)
    return body


def test_entra_user_provisioning_sequence(entra):
    with time_machine.travel(NOW, tick=False):
        # Test Connection: a random GUID as the matching property → an empty ListResponse
        response = entra("get", '/Users?filter=userName eq "b8d1a0c8-2f1f-4c59-9a2d-1f0e5c1c2b3a"')
        assert (response.status_code, response.json()) == (
            200,
            {
                "schemas": [LIST],
                "totalResults": 0,
                "startIndex": 1,
                "itemsPerPage": 0,
                "Resources": [],
            },
        )
        # Create User
        response = entra("post", "/Users", _created_user())
        assert response.status_code == 201, response.content
        pk = User.objects.get(email__startswith="test_user_11bb").pk
        assert response["Location"] == f"{BASE}/Users/{pk}"
        assert response.json() == _expected_user(pk)
        # Get User, found and not found (404 in SCIM's error shape)
        assert entra("get", f"/Users/{pk}").json() == _expected_user(pk)
        missing = entra("get", "/Users/5171a35d82074e068ce2")
        assert (missing.status_code, missing.json()) == (
            404,
            {
                "schemas": [ERROR],
                "status": "404",
                "detail": "Resource 5171a35d82074e068ce2 not found.",
            },
        )
        # Get User by query (userName, and Entra's work-e-mail matching)
        by_name = entra(
            "get", '/Users?filter=userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"'
        )
        assert by_name.json() == {
            "schemas": [LIST],
            "totalResults": 1,
            "startIndex": 1,
            "itemsPerPage": 1,
            "Resources": [_expected_user(pk)],
        }
        by_mail = entra(
            "get",
            '/Users?filter=emails[type eq "work"].value eq "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"',
        )
        assert [r["id"] for r in by_mail.json()["Resources"]] == [str(pk)]
        by_external = entra(
            "get", '/Users?filter=externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'
        )
        assert [r["id"] for r in by_external.json()["Resources"]] == [str(pk)]
        # Update User [multi-valued properties]
        response = entra(
            "patch",
            f"/Users/{pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": 'emails[type eq "work"].value',
                        "value": "updatedEmail@microsoft.com",
                    },
                    {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
                ],
            },
        )
        emails = [{"value": "updatedEmail@microsoft.com", "type": "work", "primary": True}]
        name = {
            "formatted": "givenName familyName",
            "familyName": "updatedFamilyName",
            "givenName": "givenName",
        }
        assert (response.status_code, response.json()) == (
            200,
            _expected_user(pk, emails=emails, name=name),
        )
        assert User.objects.get(pk=pk).email == "updatedemail@microsoft.com"
        # Update User [single-valued properties]
        response = entra(
            "patch",
            f"/Users/{pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "userName",
                        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
                    }
                ],
            },
        )
        assert response.json()["userName"] == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
        # The manager, as Entra sends it: Add with a list of one reference
        boss = entra(
            "post",
            "/Users",
            {
                "schemas": [USER],
                "userName": "boss@testuser.com",
                "active": True,
                "emails": [{"type": "work", "value": "boss@testuser.com", "primary": True}],
                "displayName": "Chefen",
            },
        ).json()["id"]
        response = entra(
            "patch",
            f"/Users/{pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {
                        "op": "Add",
                        "path": "manager",
                        "value": [{"$ref": f"{BASE}/Users/{boss}", "value": boss}],
                    }
                ],
            },
        )
        assert (response.status_code, response.json()[ENTERPRISE]) == (
            200,
            {"manager": {"value": boss, "$ref": f"{BASE}/Users/{boss}"}},
        )
        # Disable User: Replace active false → offboarded as by HR
        response = entra(
            "patch",
            f"/Users/{pk}",
            {
                "Operations": [{"op": "Replace", "path": "active", "value": False}],
                "schemas": [PATCH],
            },
        )
        assert (response.status_code, response.json()["active"]) == (200, False)
        person = User.objects.get(pk=pk)
        assert person.is_active is False
        # Entra re-enables with the string "True" (its known quirk)
        response = entra(
            "patch",
            f"/Users/{pk}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "Replace", "path": "active", "value": "True"}],
            },
        )
        assert (response.status_code, response.json()["active"]) == (200, True)
        # Delete User → 204, and then 404
        assert entra("delete", f"/Users/{pk}").status_code == 204
        assert entra("get", f"/Users/{pk}").status_code == 404
        assert User.objects.get(pk=pk).is_active is False
    # Every change to the person is in the access log, naming the client
    assert list(
        AccessLog.objects.filter(subject_id=pk).order_by("pk").values_list("what", "purpose")
    ) == [
        ("provisioning", "SCIM Microsoft Entra ID: oprettet"),
        # (name.formatted still says "givenName familyName", so Bro's name stays)
        ("provisioning", "SCIM Microsoft Entra ID: ændret: email"),
        ("provisioning", "SCIM Microsoft Entra ID: deaktiveret"),
        ("provisioning", "SCIM Microsoft Entra ID: genaktiveret"),
        ("provisioning", "SCIM Microsoft Entra ID: slettet (deaktiveret)"),
    ]


def test_active_false_offboards_exactly_like_hr(entra):
    # Given a person provisioned over SCIM, with a registered phone and an open session
    from tests.push.factories import DeviceFactory
    from tests.trust.conftest import token_for

    with time_machine.travel(NOW, tick=False):
        pk = entra("post", "/Users", _created_user()).json()["id"]
    person = User.objects.get(pk=pk)
    device = DeviceFactory(user=person, identifier="fcm-token-entra")
    session_token = token_for(person)
    stamp = person.security_stamp
    # When Entra disables them
    entra(
        "patch",
        f"/Users/{pk}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": False}]},
    )
    # Then: inactive, every session ended (stamp rotated), the device retired
    person.refresh_from_db()
    device.refresh_from_db()
    assert (person.is_active, person.security_stamp != stamp) == (False, True)
    assert device.retired_at is not None
    from rest_framework.test import APIClient

    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=session_token)
    assert me.status_code == 401


def test_entra_group_sequence_maps_groups_to_units(entra):
    with time_machine.travel(NOW, tick=False):
        member = entra("post", "/Users", _created_user()).json()["id"]
        # Create Group: a unit under the organisation's top unit
        response = entra(
            "post",
            "/Groups",
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:Group",
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
                ],
                "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                "displayName": "Hjemmeplejen Øst",
                "meta": {"resourceType": "Group"},
            },
        )
        unit = OrgUnit.objects.get(name="Hjemmeplejen Øst")
        group = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "id": str(unit.pk),
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "meta": {
                "resourceType": "Group",
                "created": STAMP,
                "lastModified": STAMP,
                "location": f"{BASE}/Groups/{unit.pk}",
            },
            "displayName": "Hjemmeplejen Øst",
        }
        assert (response.status_code, response.json()) == (201, group)
        assert unit.parent.code == "1000"
        # Get Group without members, and by displayName
        got = entra("get", f"/Groups/{unit.pk}?excludedAttributes=members")
        assert got.json() == group
        found = entra(
            "get", '/Groups?excludedAttributes=members&filter=displayName eq "Hjemmeplejen Øst"'
        )
        assert found.json()["Resources"] == [group]
        # Update Group [non-member attributes] → 204
        renamed = entra(
            "patch",
            f"/Groups/{unit.pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "Replace", "path": "displayName", "value": "Hjemmeplejen Øst og Nord"}
                ],
            },
        )
        assert (renamed.status_code, renamed.content) == (204, b"")
        # Update Group [add members] → the person is placed in the unit
        added = entra(
            "patch",
            f"/Groups/{unit.pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "Add", "path": "members", "value": [{"$ref": None, "value": member}]}
                ],
            },
        )
        assert added.status_code == 204
        assert User.objects.get(pk=member).unit_id == unit.pk
        members = entra("get", f"/Groups/{unit.pk}").json()["members"]
        assert members == [{"value": member, "$ref": f"{BASE}/Users/{member}"}]
        # Update Group [remove members] → the person is no longer in the unit
        removed = entra(
            "patch",
            f"/Groups/{unit.pk}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": member}]}
                ],
            },
        )
        assert removed.status_code == 204
        assert User.objects.get(pk=member).unit_id is None
        # Delete Group → the unit is closed, and gone for the client
        assert entra("delete", f"/Groups/{unit.pk}").status_code == 204
        assert entra("get", f"/Groups/{unit.pk}").status_code == 404
        unit.refresh_from_db()
        assert (unit.name, unit.closed_at is not None) == ("Hjemmeplejen Øst og Nord", True)


def test_schema_discovery_lists_the_three_schemas(entra):
    response = entra("get", "/Schemas")
    assert [s["id"] for s in response.json()["Resources"]] == [
        USER,
        ENTERPRISE,
        "urn:ietf:params:scim:schemas:core:2.0:Group",
    ]
    enterprise = entra("get", f"/Schemas/{ENTERPRISE}").json()
    assert [a["name"] for a in enterprise["attributes"]] == [
        "employeeNumber",
        "department",
        "manager",
    ]


def test_a_bad_request_gets_scims_error_shape_and_writes_nothing(entra):
    before = (User.objects.count(), ScimUser.objects.count())
    # A body that is not JSON, a user without userName, an unknown filter attribute
    not_json = entra("post", "/Users", None)
    no_name = entra("post", "/Users", {"schemas": [USER], "emails": [{"value": "a@b.dk"}]})
    bad_filter = entra("get", '/Users?filter=userName ex "x" and')
    assert [r.status_code for r in (not_json, no_name, bad_filter)] == [400, 400, 400]
    assert [r.json()["schemas"] for r in (not_json, no_name, bad_filter)] == [[ERROR]] * 3
    assert bad_filter.json()["scimType"] == "invalidFilter"
    assert (User.objects.count(), ScimUser.objects.count()) == before
