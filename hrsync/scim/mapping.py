"""Bro ⇄ SCIM: a person as a SCIM User, a unit as a SCIM Group, and back to Bro's fields.

A person provisioned over SCIM reads back exactly as the client wrote them (the attributes are
kept on hrsync.ScimUser); where Bro's own field has changed since (HR's file import moved a
phone number, the offboarding task deactivated them) Bro's value is shown instead, so the
client always sees the truth. People Bro has from elsewhere are shown from Bro's fields.
"""

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from org.models import Language, OrgUnit, User

from ..models import ScimUser
from ..planning import parse_phone
from .resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA


def location(request, kind: str, pk) -> str:
    return request.build_absolute_uri(reverse(f"scim-{kind}-detail", kwargs={"pk": str(pk)}))


def _primary(values: list[dict] | None, preferred_type: str) -> str | None:
    values = [v for v in values or [] if v.get("value")]
    for wanted in (lambda v: v.get("primary"), lambda v: v.get("type") == preferred_type):
        for value in values:
            if wanted(value):
                return value["value"]
    return values[0]["value"] if values else None


def derived_email(data: dict) -> str | None:
    email = _primary(data.get("emails"), "work")
    if not email:
        user_name = data.get("userName") or ""
        email = user_name if "@" in user_name else None
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email.strip().lower()


def derived_phone(data: dict) -> str | None:
    try:
        return parse_phone(_primary(data.get("phoneNumbers"), "mobile") or "")
    except ValueError:
        return None  # kept as sent on the SCIM side; Bro cannot text it


def derived_name(data: dict) -> str:
    name = data.get("name") or {}
    given_family = " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p)
    return (data.get("displayName") or name.get("formatted") or given_family or data["userName"])[
        :200
    ]


def derived_language(data: dict) -> str:
    language = (data.get("preferredLanguage") or "").lower()
    return Language.EN if language.startswith("en") else Language.DA


def derived_fields(data: dict) -> dict[str, Any]:
    """Bro's fields from a SCIM User (in its JSON form)."""
    enterprise = data.get(ENTERPRISE_SCHEMA) or {}
    fields = {
        "name": derived_name(data),
        "email": derived_email(data),
        "phone": derived_phone(data),
        "job_title": (data.get("title") or "")[:120],
        "language": derived_language(data),
        "employee_number": (enterprise.get("employeeNumber") or "")[:32] or None,
    }
    department = enterprise.get("department")
    if department:
        # The department names a unit by its HR code or its name; anything else is kept on
        # the SCIM side only (Bro places people in units it knows).
        unit = (
            OrgUnit.objects.filter(code=department, closed_at__isnull=True).first()
            or OrgUnit.objects.filter(name=department, closed_at__isnull=True).first()
        )
        if unit is not None:
            fields["unit"] = unit
    return fields


def fallback_user_name(user: User) -> str:
    return user.email or user.phone or user.employee_number or f"bro-{user.pk}"


def user_resource(request, user: User, link: ScimUser | None) -> dict:
    """The person as a SCIM User (JSON form), before attribute selection."""
    if link is not None:
        data = copy.deepcopy(link.attributes)
    else:
        # A person no client has written yet (from the HR file): everything from Bro, the
        # e-mail too, so a client that looks them up by emails.value finds them.
        data = {"active": user.is_active}
        if user.email:
            data["emails"] = [{"value": user.email, "type": "work", "primary": True}]
    data["userName"] = link.user_name if link else fallback_user_name(user)
    if derived_name(data) != user.name:
        data.pop("name", None)
        data["displayName"] = user.name
    if derived_email(data) != user.email:
        data["emails"] = [{"value": user.email, "type": "work", "primary": True}]
        if not user.email:
            data.pop("emails")
    if derived_phone(data) != user.phone:
        data["phoneNumbers"] = [{"value": user.phone, "type": "mobile", "primary": True}]
        if not user.phone:
            data.pop("phoneNumbers")
    if (data.get("title") or "")[:120] != user.job_title:
        data["title"] = user.job_title or None
    if derived_language(data) != user.language:
        data["preferredLanguage"] = user.language
    enterprise = data.get(ENTERPRISE_SCHEMA) or {}
    if ((enterprise.get("employeeNumber") or "")[:32] or None) != user.employee_number:
        enterprise["employeeNumber"] = user.employee_number
    if user.unit_id and "department" not in enterprise:
        enterprise["department"] = user.unit.code or user.unit.name
    enterprise = {k: v for k, v in enterprise.items() if v is not None}
    data.pop(ENTERPRISE_SCHEMA, None)
    data = {k: v for k, v in data.items() if v is not None}
    data["schemas"] = [USER_SCHEMA, *([ENTERPRISE_SCHEMA] if enterprise else [])]
    if enterprise:
        data[ENTERPRISE_SCHEMA] = enterprise
    data["id"] = str(user.pk)
    if link and link.external_id:
        data["externalId"] = link.external_id
    # Bro always knows whether the person is active and says so, unless the client removed the
    # attribute (RFC 7644 §3.5.2.2: a removed attribute reads back empty). Removing it changes
    # nothing in Bro: an inactive person stays inactive.
    if "active" in data:
        data["active"] = user.is_active
    data["meta"] = {
        "resourceType": "User",
        "created": user.date_joined.isoformat(),
        "lastModified": max(user.updated_at, user.date_joined).isoformat(),
        "location": location(request, "user", user.pk),
    }
    return data


def group_resource(request, unit: OrgUnit, member_ids: list[int], external_id: str | None) -> dict:
    data = {
        "schemas": [GROUP_SCHEMA],
        "id": str(unit.pk),
        "displayName": unit.name,
        "members": [{"value": str(pk), "$ref": location(request, "user", pk)} for pk in member_ids],
        "meta": {
            "resourceType": "Group",
            "created": unit.created_at.isoformat(),
            "lastModified": unit.updated_at.isoformat(),
            "location": location(request, "group", unit.pk),
        },
    }
    if external_id:
        data["externalId"] = external_id
    return data
