"""The SCIM 2.0 endpoints (RFC 7643/7644) at /scim/v2/, for provisioning clients.

Plain Django views, not DRF: SCIM has its own media type (application/scim+json), its own
error shape ({"schemas": [...Error], "status": "404", "scimType": ..., "detail": ...}) and its
own bearer tokens, and none of the API's. scim2-models parses and writes the messages
(resources, PatchOp, filters, ListResponse, Error); hrsync.provisioning writes through org.
"""

import json
import logging

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    ResponseParameters,
    SCIMException,
    ScimFilter,
    UnauthorizedException,
)

from org.models import OrgUnit, User

from .. import provisioning
from ..models import ScimClient, ScimGroup, ScimUser
from ..services import token_hash
from . import mapping
from .resources import (
    ENTERPRISE_SCHEMA,
    GROUP_SCHEMA,
    MAX_RESULTS,
    RESOURCE_TYPES,
    SCHEMAS,
    SERVICE_PROVIDER_CONFIG,
    USER_SCHEMA,
    EnterpriseUser,
    Group,
)

logger = logging.getLogger("bro.hrsync")
OUR_SCHEMAS = {USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA}
ENTERPRISE_ATTRIBUTES = {
    "manager": "manager",
    "employeenumber": "employeeNumber",
    "department": "department",
}
SCIM_MEDIA_TYPE = "application/scim+json"


def scim_response(body: dict | None, status: int = 200, location: str | None = None):
    if body is None:
        return HttpResponse(status=status)
    response = HttpResponse(
        json.dumps(body, default=str), status=status, content_type=SCIM_MEDIA_TYPE
    )
    if location:
        response["Location"] = location
    return response


def error_response(exc: SCIMException) -> HttpResponse:
    error = exc.to_error()
    response = scim_response(error.model_dump(), status=int(error.status))
    if isinstance(exc, UnauthorizedException):
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _authenticate(request) -> ScimClient:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedException(detail="Bearer token required.")
    client = ScimClient.objects.filter(
        token_hash=token_hash(token.strip()), revoked_at__isnull=True
    ).first()
    if client is None:
        raise UnauthorizedException(detail="Invalid or revoked token.")
    ScimClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSyntaxException(detail="The body is not JSON.") from exc
    if not isinstance(body, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return body


def _known_attributes(model, body: dict) -> dict:
    """The body without attributes Bro's schema does not declare, and without nulls.

    RFC 7643 §2: a service provider may ignore attributes it does not support; Entra ID sends
    its whole mapping (`roles: []`, `addresses: null`, a top-level `department`), and Bro
    keeps no more personal data than it uses.
    """
    if model is None or not issubclass(model, (EnterpriseUser, Group)):
        return body
    names = {
        (field.serialization_alias or name).lower(): field.serialization_alias or name
        for name, field in model.model_fields.items()
    }
    known = {
        names[key.lower()]: value
        for key, value in body.items()
        if key.lower() in names and value is not None
    }
    if isinstance(known.get("schemas"), list):
        # Entra ID adds its own (".../ADSCIM/2.0/Group"): Bro's schemas are the ones it serves.
        known["schemas"] = [s for s in known["schemas"] if s in OUR_SCHEMAS]
    return known


def _validated(model, body: dict, context: Context):
    try:
        return model.model_validate(_known_attributes(model, body), scim_ctx=context)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidValueException(detail=problems) from exc


@method_decorator(csrf_exempt, name="dispatch")
class ScimView(View):
    """Authenticates the client, turns every SCIM refusal into SCIM's own error shape."""

    http_method_names = ["get", "post", "put", "patch", "delete"]

    def dispatch(self, request, *args, **kwargs):
        try:
            self.client = _authenticate(request)
            return super().dispatch(request, *args, **kwargs)
        except SCIMException as exc:
            return error_response(exc)

    def http_method_not_allowed(self, request, *args, **kwargs):
        error = Error(status=405, detail="Method not allowed.")
        return scim_response(error.model_dump(), status=405)

    def response_parameters(self, request, model, body: dict | None = None):
        source = body if body is not None else request.GET
        try:
            return ResponseParameters[model].model_validate(
                {
                    "attributes": source.get("attributes") or None,
                    "excludedAttributes": source.get("excludedAttributes") or None,
                }
            )
        except ValidationError as exc:
            raise InvalidValueException(detail="Unknown attribute.") from exc


def _dump(resource: dict, model, parameters, context=Context.RESOURCE_QUERY_RESPONSE) -> dict:
    obj = model.model_validate(resource)
    return obj.model_dump(scim_ctx=context, response_parameters=parameters)


def _page(request, body: dict | None = None) -> tuple[int, int]:
    source = body if body is not None else request.GET
    try:
        start = max(int(source.get("startIndex") or 1), 1)
        count = min(max(int(source.get("count") or MAX_RESULTS), 0), MAX_RESULTS)
    except (TypeError, ValueError) as exc:
        raise InvalidValueException(detail="startIndex and count must be numbers.") from exc
    return start, count


def _list(resources: list[dict], start: int, count: int, total: int | None = None) -> dict:
    """A ListResponse of `resources[start - 1:][:count]`; with `total`, `resources` is the page."""
    page = resources if total is not None else resources[start - 1 : start - 1 + count]
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources) if total is None else total,
        "startIndex": start,
        "itemsPerPage": len(page),
        "Resources": page,
    }


def _db_page(queryset, start: int, count: int) -> tuple[list, int]:
    """Without a filter the page is cut in the database: a count and the page's rows, so a
    list of 7,000 people does not build 7,000 resources to return 100."""
    return list(queryset[start - 1 : start - 1 + count]) if count else [], queryset.count()


def _filter(model, raw: str | None):
    if not raw:
        return None
    try:
        return ScimFilter[model](raw)
    except (SCIMException, ValueError) as exc:
        raise InvalidFilterException(detail=f"Cannot read the filter: {raw}") from exc


# --- discovery ------------------------------------------------------------------------------


def _with_location(request, data: dict, path: str) -> dict:
    data.setdefault("meta", {})["location"] = request.build_absolute_uri(path)
    return data


class ServiceProviderConfigView(ScimView):
    def get(self, request):
        data = SERVICE_PROVIDER_CONFIG.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        data["meta"] = {
            "resourceType": "ServiceProviderConfig",
            "location": request.build_absolute_uri(),
        }
        return scim_response(data)


class ResourceTypesView(ScimView):
    def get(self, request, pk=None):
        items = {
            rt.id: _with_location(
                request,
                {**rt.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)},
                f"/scim/v2/ResourceTypes/{rt.id}",
            )
            for rt in RESOURCE_TYPES
        }
        for item in items.values():
            item["meta"]["resourceType"] = "ResourceType"
        if pk is not None:
            if pk not in items:
                raise NotFoundException(detail=f"No resource type {pk}.")
            return scim_response(items[pk])
        return scim_response(_list(list(items.values()), 1, len(items)))


class SchemasView(ScimView):
    def get(self, request, pk=None):
        items = {
            s.id: _with_location(
                request,
                {**s.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)},
                f"/scim/v2/Schemas/{s.id}",
            )
            for s in SCHEMAS
        }
        for item in items.values():
            item["meta"]["resourceType"] = "Schema"
        if pk is not None:
            if pk not in items:
                raise NotFoundException(detail=f"No schema {pk}.")
            return scim_response(items[pk])
        return scim_response(_list(list(items.values()), 1, len(items)))


# --- Users ------------------------------------------------------------------------------------


def _visible_users():
    """Everyone Bro has, except erased people and people a client deleted."""
    return (
        User.objects.filter(erased_at__isnull=True)
        .exclude(scim__deleted_at__isnull=False)
        .select_related("unit", "scim")
        .order_by("pk")
    )


def _link(user: User) -> ScimUser | None:
    try:
        return user.scim
    except ScimUser.DoesNotExist:
        return None


def _user(pk) -> User:
    user = _visible_users().filter(pk=int(pk)).first() if str(pk).isdigit() else None
    if user is None:
        raise NotFoundException(detail=f"Resource {pk} not found.")
    return user


def _equality_narrowing(raw: str | None) -> Q:
    """A database pre-filter for the equality filters clients send (userName, externalId,
    emails.value), so matching one person of 7,000 does not build 7,000 resources; the
    filter itself is then applied exactly by scim2-models."""
    import re

    if not raw:
        return Q()
    match = re.fullmatch(
        r'\s*(userName|externalId|emails(?:\[type eq "work"\])?\.value|emails)\s+eq\s+"([^"]*)"\s*',
        raw,
        flags=re.IGNORECASE,
    )
    if not match:
        return Q()
    attribute, value = match.group(1).lower(), match.group(2)
    if attribute == "username":
        # A person without a SCIM link is known by mapping.fallback_user_name: their e-mail,
        # else mobile, else employee number, else bro-<id>. A superset of those is enough here.
        unlinked = (
            Q(email__iexact=value)
            | Q(phone=value)
            | Q(employee_number__iexact=value)
            | Q(email__isnull=True, phone__isnull=True, employee_number__isnull=True)
        )
        return Q(scim__user_name__iexact=value) | (Q(scim__isnull=True) & unlinked)
    if attribute == "externalid":
        return Q(scim__external_id=value)
    return Q(email__iexact=value) | Q(scim__isnull=False)


class UsersView(ScimView):
    def get(self, request):
        return self._search(request, request.GET.get("filter"), None)

    def post(self, request):
        body = _body(request)
        data = _validated(EnterpriseUser, body, Context.RESOURCE_CREATION_REQUEST)
        user = provisioning.scim_user_create(
            client=self.client, data=data.model_dump(scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        )
        user = _user(user.pk)
        resource = mapping.user_resource(request, user, _link(user))
        parameters = self.response_parameters(request, EnterpriseUser)
        return scim_response(
            _dump(resource, EnterpriseUser, parameters, Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=resource["meta"]["location"],
        )

    def _search(self, request, raw_filter, body):
        scim_filter = _filter(EnterpriseUser, raw_filter)
        parameters = self.response_parameters(request, EnterpriseUser, body)
        start, count = _page(request, body)
        people = _visible_users().filter(_equality_narrowing(raw_filter))
        if scim_filter is None:
            page, total = _db_page(people, start, count)
            resources = [mapping.user_resource(request, user, _link(user)) for user in page]
            listed = _list(resources, start, count, total=total)
        else:
            resources = []
            for user in people:
                resource = mapping.user_resource(request, user, _link(user))
                if scim_filter.match(EnterpriseUser.model_validate(resource)):
                    resources.append(resource)
            listed = _list(resources, start, count)
        listed["Resources"] = [
            _dump(r, EnterpriseUser, parameters, Context.SEARCH_RESPONSE)
            for r in listed["Resources"]
        ]
        return scim_response(listed)


class UsersSearchView(UsersView):
    http_method_names = ["post"]

    def post(self, request):
        body = _body(request)
        return self._search(request, body.get("filter"), body)


class UserView(ScimView):
    def get(self, request, pk):
        user = _user(pk)
        parameters = self.response_parameters(request, EnterpriseUser)
        resource = mapping.user_resource(request, user, _link(user))
        return scim_response(_dump(resource, EnterpriseUser, parameters))

    def put(self, request, pk):
        user = _user(pk)
        data = _validated(EnterpriseUser, _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        payload = data.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        return self._write(request, user, payload, Context.RESOURCE_REPLACEMENT_RESPONSE)

    def patch(self, request, pk):
        user = _user(pk)
        current = EnterpriseUser.model_validate(mapping.user_resource(request, user, _link(user)))
        patch = _validated(
            PatchOp[EnterpriseUser], _entra_patch(_body(request)), Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        payload = current.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        return self._write(request, user, payload, Context.RESOURCE_PATCH_RESPONSE)

    def _write(self, request, user, payload: dict, context):
        provisioning.scim_user_replace(client=self.client, user=user, data=payload)
        user = _user(user.pk)
        parameters = self.response_parameters(request, EnterpriseUser)
        resource = mapping.user_resource(request, user, _link(user))
        return scim_response(_dump(resource, EnterpriseUser, parameters, context))

    def delete(self, request, pk):
        provisioning.scim_user_delete(client=self.client, user=_user(pk))
        return scim_response(None, status=204)


def _entra_patch(body: dict) -> dict:
    """Microsoft Entra ID's PATCH forms, read as RFC 7644 means them.

    Entra sends the manager as a list of one reference (`[{"$ref": …, "value": …}]`) or as a
    bare id, and booleans as the strings "True"/"False"; the RFC wants one complex value and
    JSON booleans. (learn.microsoft.com: "Known issues … SCIM 2.0 protocol compliance".)
    """
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "")
        value = operation.get("value")
        if path.lower() in ENTERPRISE_ATTRIBUTES:
            # Entra ID names enterprise attributes without their schema: "manager".
            path = f"{ENTERPRISE_SCHEMA}:{ENTERPRISE_ATTRIBUTES[path.lower()]}"
            operation["path"] = path
        if path.lower().endswith("manager"):
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str):
                value = {"value": value}
            operation["value"] = value
        is_flag = isinstance(value, str) and value.lower() in {"true", "false"}
        if is_flag and path.lower() in {"active", ""}:
            operation["value"] = value.lower() == "true"
        if isinstance(value, dict) and isinstance(value.get("active"), str):
            value["active"] = value["active"].lower() == "true"
    return body


def _entra_members_patch(body: dict) -> dict:
    """Entra ID removes members with a value list (`{"op": "Remove", "path": "members",
    "value": [{"value": id}]}`); RFC 7644 §3.5.2.2 says it with a filter per member."""
    operations = []
    for operation in body.get("Operations") or []:
        is_remove = isinstance(operation, dict) and str(operation.get("op")).lower() == "remove"
        value = operation.get("value") if isinstance(operation, dict) else None
        if is_remove and str(operation.get("path")).lower() == "members" and value:
            for member in value if isinstance(value, list) else [value]:
                member_id = str(member.get("value") if isinstance(member, dict) else member)
                operations.append({"op": "remove", "path": f'members[value eq "{member_id}"]'})
            continue
        operations.append(operation)
    return {**body, "Operations": operations}


# --- Groups (units) -------------------------------------------------------------------------


def _visible_units():
    member_people = User.objects.filter(erased_at__isnull=True).exclude(
        scim__deleted_at__isnull=False
    )
    return (
        OrgUnit.objects.filter(closed_at__isnull=True)
        .select_related("scim")
        .prefetch_related(Prefetch("members", queryset=member_people.only("pk", "unit_id")))
        .order_by("pk")
    )


def _unit(pk) -> OrgUnit:
    unit = _visible_units().filter(pk=int(pk)).first() if str(pk).isdigit() else None
    if unit is None:
        raise NotFoundException(detail=f"Resource {pk} not found.")
    return unit


def _group_resource(request, unit: OrgUnit) -> dict:
    try:
        external_id = unit.scim.external_id
    except ScimGroup.DoesNotExist:
        external_id = None
    member_ids = sorted(m.pk for m in unit.members.all())
    return mapping.group_resource(request, unit, member_ids, external_id)


class GroupsView(ScimView):
    def get(self, request):
        return self._search(request, request.GET.get("filter"), None)

    def _search(self, request, raw_filter, body):
        scim_filter = _filter(Group, raw_filter)
        parameters = self.response_parameters(request, Group, body)
        start, count = _page(request, body)
        if scim_filter is None:
            page, total = _db_page(_visible_units(), start, count)
            resources = [_group_resource(request, unit) for unit in page]
            listed = _list(resources, start, count, total=total)
        else:
            resources = []
            for unit in _visible_units():
                resource = _group_resource(request, unit)
                if scim_filter.match(Group.model_validate(resource)):
                    resources.append(resource)
            listed = _list(resources, start, count)
        listed["Resources"] = [
            _dump(r, Group, parameters, Context.SEARCH_RESPONSE) for r in listed["Resources"]
        ]
        return scim_response(listed)

    def post(self, request):
        data = _validated(Group, _body(request), Context.RESOURCE_CREATION_REQUEST)
        unit = provisioning.scim_group_create(
            client=self.client, data=data.model_dump(scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        )
        resource = _group_resource(request, _unit(unit.pk))
        parameters = self.response_parameters(request, Group)
        return scim_response(
            _dump(resource, Group, parameters, Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=resource["meta"]["location"],
        )


class GroupsSearchView(GroupsView):
    http_method_names = ["post"]

    def post(self, request):
        body = _body(request)
        return self._search(request, body.get("filter"), body)


class GroupView(ScimView):
    def get(self, request, pk):
        parameters = self.response_parameters(request, Group)
        return scim_response(_dump(_group_resource(request, _unit(pk)), Group, parameters))

    def put(self, request, pk):
        unit = _unit(pk)
        data = _validated(Group, _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        payload = data.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        return self._write(request, unit, payload, Context.RESOURCE_REPLACEMENT_RESPONSE)

    def patch(self, request, pk):
        unit = _unit(pk)
        current = Group.model_validate(_group_resource(request, unit))
        patch = _validated(
            PatchOp[Group], _entra_members_patch(_body(request)), Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        payload = current.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        provisioning.scim_group_replace(client=self.client, unit=unit, data=payload)
        # Entra ID expects 204 to a group PATCH and no member list back (RFC 7644 §3.5.2
        # allows 204 when no attributes were asked for).
        if "attributes" in request.GET or "excludedAttributes" in request.GET:
            return self._read(request, unit.pk, Context.RESOURCE_PATCH_RESPONSE)
        return scim_response(None, status=204)

    def _write(self, request, unit, payload, context):
        provisioning.scim_group_replace(client=self.client, unit=unit, data=payload)
        return self._read(request, unit.pk, context)

    def _read(self, request, pk, context):
        parameters = self.response_parameters(request, Group)
        return scim_response(_dump(_group_resource(request, _unit(pk)), Group, parameters, context))

    def delete(self, request, pk):
        provisioning.scim_group_delete(client=self.client, unit=_unit(pk))
        return scim_response(None, status=204)


@method_decorator(csrf_exempt, name="dispatch")
class NotFoundView(View):
    """Any other path under /scim/v2/: SCIM's 404, not the API's."""

    def dispatch(self, request, *args, **kwargs):
        try:
            _authenticate(request)
        except SCIMException as exc:
            return error_response(exc)
        return error_response(NotFoundException(detail="No such SCIM endpoint."))


class RootSearchView(ScimView):
    """POST /.search: Users and Groups at once (RFC 7644 §3.4.3).

    An attribute or a filter that one resource type lacks does not fail the search: the
    attribute is ignored for that type and the filter matches none of its resources.
    """

    http_method_names = ["post"]

    def post(self, request):
        body = _body(request)
        start, count = _page(request, body)
        raw_filter = body.get("filter")
        resources: list[tuple[dict, object, object]] = []
        sources = (
            (EnterpriseUser, lambda: _user_resources(request, raw_filter)),
            (Group, lambda: [_group_resource(request, unit) for unit in _visible_units()]),
        )
        for model, build in sources:
            try:
                scim_filter = _filter(model, raw_filter)
            except SCIMException:
                continue
            parameters = _parameters_for(model, body)
            for resource in build():
                if scim_filter is None or scim_filter.match(model.model_validate(resource)):
                    resources.append((resource, model, parameters))
        listed = _list(resources, start, count)
        listed["Resources"] = [
            _dump(resource, model, parameters, Context.SEARCH_RESPONSE)
            for resource, model, parameters in listed["Resources"]
        ]
        return scim_response(listed)


def _split(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value or [])


def _parameters_for(model, body: dict):
    """The attributes the search names that this resource type has."""

    def known(names: list[str]) -> list[str] | None:
        kept = []
        for name in names:
            try:
                ResponseParameters[model].model_validate({"attributes": [name]})
            except ValidationError:
                continue
            kept.append(name)
        return kept or None

    return ResponseParameters[model].model_validate(
        {
            "attributes": known(_split(body.get("attributes"))),
            "excludedAttributes": known(_split(body.get("excludedAttributes"))),
        }
    )


def _user_resources(request, raw_filter) -> list[dict]:
    people = _visible_users().filter(_equality_narrowing(raw_filter))
    return [mapping.user_resource(request, user, _link(user)) for user in people]
