"""The SCIM resources Bro serves: only the attributes Bro keeps, described with scim2-models.

The schemas at /scim/v2/Schemas are generated from these models, so a client (and
scim2-tester) sees exactly what Bro stores: no addresses, photos, ims or entitlements, which
Bro has no use for (data minimisation). Users carry the enterprise extension's
employeeNumber, department and manager.
"""

from typing import Annotated, Any

from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models.resources.user import Email, PhoneNumber

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200


class Name(ComplexAttribute):
    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class BroEmail(ComplexAttribute):
    value: Annotated[EmailStr | None, Required.true] = None
    type: Email.Type | None = None
    primary: bool | None = None


class BroPhoneNumber(ComplexAttribute):
    value: str | None = None
    type: PhoneNumber.Type | None = None
    primary: bool | None = None


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Required.true] = Field(  # type: ignore[type-arg]
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class BroEnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    department: str | None = None
    manager: Manager | None = None


class User(Resource[Any]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    title: str | None = None
    preferred_language: str | None = None
    active: bool | None = None
    # Required: Bro logs people in by a code sent to their e-mail (or their mobile, which
    # Entra ID rarely holds), and refuses a person it cannot reach.
    emails: Annotated[list[BroEmail] | None, Required.true] = None
    phone_numbers: list[BroPhoneNumber] | None = None


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Mutability.immutable] = Field(  # type: ignore[type-arg]
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class Group(Resource[Any]):
    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None


EnterpriseUser = User[BroEnterpriseUser]

RESOURCE_TYPES = [
    ResourceType.from_resource(EnterpriseUser),
    ResourceType.from_resource(Group),
]
SCHEMAS = [User.to_schema(), BroEnterpriseUser.to_schema(), Group.to_schema()]
for _schema in SCHEMAS:
    _schema.description = {
        USER_SCHEMA: "Bro person",
        ENTERPRISE_SCHEMA: "Bro person: HR data",
        GROUP_SCHEMA: "Bro unit (enhed)",
    }[_schema.id]

SERVICE_PROVIDER_CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Bearer token",
            description="A token per provisioning client, made in Bro's admin.",
            primary=True,
        )
    ],
)
