"""The schema describes the results and the scorecard as they are, open wave or closed.

Real component schemas, not bare objects: each body the server gives, for a closed and for an
open wave, validates against the component the schema names; the exports are bytes.
"""

import jsonschema
import pytest
from django.test import Client

from .factories import close, make_survey, open_wave, people_in, respond

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, refs point into $defs."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _validator(schema: dict, component: str):
    defs = _as_json_schema(schema["components"]["schemas"])
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{component}", "$defs": defs})


def _operation(schema, path):
    return schema["paths"][path]["get"]["responses"]["200"]["content"]


def test_results_and_scorecard_have_component_schemas_and_exports_are_bytes(org, audience, api):
    # Given the schema
    schema = _schema()

    # Then the results answer is a named component for JSON, and bytes for CSV and XLSX
    results = _operation(schema, "/api/v1/surveys/{id}/results/")
    assert results["application/json"]["schema"] == {"$ref": "#/components/schemas/SurveyResults"}
    binary = {"type": "string", "format": "binary"}
    assert results["text/csv"]["schema"] == binary
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert results[xlsx]["schema"] == binary
    # And the scorecard is one too
    scorecard = _operation(schema, "/api/v1/surveys/indicators/")
    assert scorecard["application/json"]["schema"] == {"$ref": "#/components/schemas/Scorecard"}
    components = schema["components"]["schemas"]
    assert components["SurveyResults"]["properties"]["results_withheld"]["type"] == "boolean"
    assert set(components["UnitResult"]["required"]) == {"unit", "shown"}


def test_every_results_body_is_what_the_schema_says(org, audience, api):
    # Given a survey of every kind of question: a closed wave (free texts shown, one unit
    # suppressed) and an open wave after it
    survey = make_survey(audience=audience, created_by=org.comms)
    west, kitchen = people_in(org.team_a, 10), people_in(org.team_b, 2)
    first = open_wave(survey, number=1)
    respond(first, west, value=4, text="Mere tid")
    respond(first, kitchen, value=2)
    close(first)
    second = open_wave(survey, number=2)
    respond(second, west[:6], value=5, text="Flere møder")
    results = _validator(_schema(), "SurveyResults")
    scorecard = _validator(_schema(), "Scorecard")
    client = api(org.comms)
    leader = api(org.leader)

    # When communications and a leader read both waves, per unit, and the scorecards
    bodies = [
        reader.get(f"/api/v1/surveys/{survey.pk}/results/?wave={wave.pk}{unit}").json()
        for reader in (client, leader)
        for wave in (first, second)
        for unit in ("", f"&unit={org.team_a.pk}")
    ]
    cards = [
        client.get("/api/v1/surveys/indicators/").json(),
        leader.get("/api/v1/surveys/indicators/").json(),
        leader.get("/api/v1/surveys/indicators/?scope=organisation").json(),
    ]

    # Then each validates against its component, closed (with numbers) and open (without)
    assert [b["results_withheld"] for b in bodies] == [False, False, True, True] * 2
    assert any("texts" in q for b in bodies for u in b["units"] for q in u.get("questions", []))
    for body in bodies:
        results.validate(body)
    for card in cards:
        assert card["indicators"]
        scorecard.validate(card)
