"""OpenAPI: the error responses every endpoint can give, strict inputs, and id bounds.

The schema must promise exactly what the server does (a generated client and schemathesis
hold it to that): unknown fields refused → `additionalProperties: false`; ids 1 … 2^63 − 1;
every write that can conflict with an object's state documents 409; every date and date-time
that comes in carries its year bound as a pattern.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import force_instance
from rest_framework.serializers import ListSerializer

from .serializers import ID_SCHEMA, year_pattern

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable error code."},
        "message": {"type": "string", "description": "Human message in the caller's language."},
        "fields": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per-field messages, where fields were wrong.",
        },
        "retry_after": {"type": "integer", "nullable": True},
    },
    "required": ["code", "message"],
}

_DESCRIPTIONS = {
    "400": "Invalid input. `validation_error`: the request breaks this schema (`fields` says"
    " where); `malformed_request`: the body is not JSON; `unknown_id`: an id in the body names"
    " no object you can use; any other code: a rule of the domain the schema cannot state"
    " (e.g. `identity_required`, `date_required`, `invalid`), `message` says which.",
    "401": "No valid X-Session-Token (not_authenticated).",
    "403": "Signed in, but the role does not allow this (permission_denied).",
    "404": "No such object, or outside the caller's scope (not_found).",
    "405": "Method not allowed here.",
    "409": "Conflicts with the object's current state (e.g. already_published, wave_closed,"
    " already_answered, draft_not_archivable); `code` says which.",
    "413": "Body too large (request_too_large).",
    "415": "Unsupported content type.",
    "429": "Rate limited (rate_limited); see Retry-After.",
}
_ALWAYS = ("400", "404", "405", "429")
_WITH_BODY = ("413", "415")
# Every ConflictError is raised by a service that a write calls (test_schema_truth checks the
# source for any raised elsewhere), so each write documents 409 and no read does.
_WRITES = ("post", "put", "patch", "delete")
# Query parameters that carry an object's id (api.serializers.IdField on the server).
_ID_PARAMETERS = {"unit", "wave", "track", "id", "pk"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation documents the JSON error shape per status."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            statuses = list(_ALWAYS)
            if operation.get("security", result.get("security")) != [{}] and not any(
                s == {} for s in operation.get("security", [])
            ):
                statuses += ["401", "403"]
            if method in {"post", "put", "patch"}:
                statuses += list(_WITH_BODY)
            if method in _WRITES:
                statuses.append("409")
            _bound_id_parameters(operation)
            _bound_date_parameters(operation)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    _wall_times(result)
    for name, component in components.items():
        if name.endswith("Request"):
            _no_nul(component)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    _no_nul(parameter.get("schema", {}))
    return result


# DRF refuses U+0000 in every string (PostgreSQL text cannot hold it), so every free-text
# string that comes in says so. Strings with a format, a pattern or an enum exclude it already.
NO_NUL_PATTERN = "^[^\\u0000]*$"
# DRF also strips a string before it checks it is not blank: one that must not be blank
# needs a character outside Python's whitespace (str.isspace, spelled out: ECMAScript's \s
# is another set).
_PY_SPACE = (
    "\\t-\\r\\u001c- \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK_PATTERN = f"^[^\\u0000]*[^\\u0000{_PY_SPACE}][^\\u0000]*$"


def _no_nul(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"format", "pattern", "enum"} & set(node):
            blank_refused = node.get("minLength", 0) >= 1
            node["pattern"] = NOT_BLANK_PATTERN if blank_refused else NO_NUL_PATTERN
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


# A wall-clock time as the server reads and writes it ("09:00", "09:00:00"): OpenAPI's
# `format: time` is RFC 3339's full-time, which demands a UTC offset our times do not have.
WALL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"


def _wall_times(node) -> None:
    """Replace `format: time` everywhere with the wall-clock pattern."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = WALL_TIME_PATTERN
        for value in node.values():
            _wall_times(value)
    elif isinstance(node, list):
        for value in node:
            _wall_times(value)


def _bound_id_parameters(operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        name, schema = parameter.get("name", ""), parameter.get("schema", {})
        is_id = name in _ID_PARAMETERS or name.endswith("_id")
        if is_id and schema.get("type") == "integer":
            parameter["schema"] = {**schema, **ID_SCHEMA}


def _bound_date_parameters(operation: dict) -> None:
    """Query dates and date-times: the server reads them with api.serializers' fields (1900 …
    9998), so the schema's pattern says so."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.get("format") in {"date", "date-time"} and "pattern" not in schema:
            parameter["schema"] = {**schema, "pattern": year_pattern(near=False)}


class DateFieldExtension(OpenApiSerializerFieldExtension):
    """api.serializers.DateField / DateTimeField: the year bound as a pattern, on input.

    Output keeps the bare format: what was stored may since have left the near window.
    """

    target_class = "api.serializers.DateField"
    format = "date"

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "format": self.format}
        if direction == "request":
            schema["pattern"] = year_pattern(near=self.target.near)
        return schema


class DateTimeFieldExtension(DateFieldExtension):
    target_class = "api.serializers.DateTimeField"
    format = "date-time"


class BooleanFieldExtension(OpenApiSerializerFieldExtension):
    """api.serializers.BooleanField: `true_only` is a boolean that must be true."""

    target_class = "api.serializers.BooleanField"

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "boolean"}
        if self.target.true_only and direction == "request":
            schema["enum"] = [True]
        return schema


class LinkFieldExtension(OpenApiSerializerFieldExtension):
    """api.serializers.LinkField: the pattern the server checks, no looser `format: uri`."""

    target_class = "api.serializers.LinkField"

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "pattern": self.target.schema_pattern()}
        if self.target.max_length is not None:
            schema["maxLength"] = self.target.max_length
        return schema


class StrictInputSerializerExtension(OpenApiSerializerExtension):
    """api.serializers.StrictInputSerializer refuses unknown fields: say so in the schema."""

    target_class = "api.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        # A nested list (`Child(many=True, min_length=1)`): drf-spectacular states no bounds.
        for name, field in force_instance(self.target).fields.items():
            prop = schema.get("properties", {}).get(name)
            if isinstance(field, ListSerializer) and prop and prop.get("type") == "array":
                if field.min_length is not None or not field.allow_empty:
                    prop["minItems"] = max(field.min_length or 0, 1 if not field.allow_empty else 0)
                if field.max_length is not None:
                    prop["maxItems"] = field.max_length
        return schema
