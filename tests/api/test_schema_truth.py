"""The schema promises what the server does: strict inputs, id and page bounds, 409s, binary
downloads, typed quiet hours, and the login API's own specification linked."""

import ast
import pathlib

import pytest

APPS = ("org", "push", "content", "onboarding", "surveys", "api", "dashboard")
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(db, client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_input_that_refuses_unknown_fields_says_so(schema):
    components = schema["components"]["schemas"]
    for name in (
        "PatchedMeUpdateRequest",
        "AlertCreateRequest",
        "PostCreateInputRequest",
        "AudienceInputRequest",
        "QuietHoursRequest",
    ):
        assert components[name]["additionalProperties"] is False, name


def test_every_id_and_page_parameter_carries_the_servers_bounds(schema):
    wrong = []
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            name, bounds = parameter["name"], parameter["schema"]
            if parameter["in"] == "path" and name == "language":  # a post version's language
                if not bounds.get("enum"):
                    wrong.append(f"{method} {path} {name}: {bounds}")
                continue
            is_id = (parameter["in"] == "path" and name != "token") or name in {"unit", "wave"}
            if is_id and (bounds.get("minimum"), bounds.get("maximum")) != (1, 2**63 - 1):
                wrong.append(f"{method} {path} {name}: {bounds}")
            if name == "page_size" and not (bounds.get("minimum") == 1 and bounds.get("maximum")):
                wrong.append(f"{method} {path} {name}: {bounds}")
    assert wrong == []


def _response_schema(schema, operation):
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body


def test_every_paged_list_documents_how_to_page_it(schema):
    # A page with `next`/`results` is paged by `page` (page numbers) or `cursor`; a paged list
    # whose query parameters the schema leaves out is one a generated client cannot page.
    missing = []
    for path, method, operation in _operations(schema):
        properties = _response_schema(schema, operation).get("properties", {})
        if method != "get" or not {"next", "results"} <= properties.keys():
            continue
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        if not ({"page", "page_size"} <= names or {"cursor", "page_size"} <= names):
            missing.append(f"{path}: {sorted(names)}")
    assert missing == []


def test_every_write_documents_409_and_no_read_does(schema):
    for path, method, operation in _operations(schema):
        assert ("409" in operation["responses"]) == (method != "get"), (method, path)


def test_conflicts_are_raised_only_by_services_which_only_writes_call():
    # The 409 rule above holds while every ConflictError is raised in a services module.
    raisers = set()
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            tree = ast.parse(source.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    if getattr(call, "id", None) == "ConflictError":
                        raisers.add(source.relative_to(ROOT).as_posix())
    assert raisers and all(path.endswith("/services.py") for path in raisers), raisers


def test_quiet_hours_is_a_component_not_a_bare_object(schema):
    components = schema["components"]["schemas"]
    quiet = components["Preference"]["properties"]["quiet_hours"]
    refs = [quiet.get("$ref")] + [option.get("$ref") for option in quiet.get("allOf", [])]
    assert "#/components/schemas/QuietHoursOut" in refs, quiet
    assert set(components["QuietHoursOut"]["properties"]) == {"start", "end", "weekdays"}


def test_downloads_are_declared_as_bytes_and_the_calendar_as_text(schema):
    ics = schema["paths"]["/api/v1/posts/{id}/event.ics/"]["get"]["responses"]["200"]["content"]
    attachment = schema["paths"]["/api/v1/posts/{id}/attachments/{attachment_id}/"]["get"]
    # An iCalendar file is text: a generated client reads it as a string (test_generated_client).
    assert ics["text/calendar"]["schema"] == {"type": "string"}
    types = {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
    }
    assert set(attachment["responses"]["200"]["content"]) == types
    # A Range request (a player seeking in a recording) answers part of the same bytes.
    assert set(attachment["responses"]["206"]["content"]) == types
    assert "416" in attachment["responses"]


def test_the_login_api_has_its_own_specification_linked_from_the_docs(schema, client):
    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    assert "/_allauth/app/v1/auth/code/request" in spec.json()["paths"]
    assert "/_allauth/openapi.json" in schema["info"]["description"]


def test_the_schema_builds_without_a_warning():
    # A warning here (an enum named twice, a field it cannot type) fails `check --deploy` in
    # production, so it fails here first.
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
