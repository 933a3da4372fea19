"""OpenAPI post-processing: document the error responses every endpoint can give."""

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
    "400": "Invalid input (validation_error, malformed_request).",
    "401": "No valid X-Session-Token (not_authenticated).",
    "403": "Signed in, but the role does not allow this (permission_denied).",
    "404": "No such object, or outside the caller's scope (not_found).",
    "405": "Method not allowed here.",
    "413": "Body too large (request_too_large).",
    "415": "Unsupported content type.",
    "429": "Rate limited (rate_limited); see Retry-After.",
}
_ALWAYS = ("400", "404", "405", "429")
_WITH_BODY = ("413", "415")


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
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
