"""The server reads JSON types and date bounds exactly as the schema states them.

DRF coerces across types (a BooleanField takes 0, 1, "yes" and "null"; a CharField takes 0;
an IntegerField takes "7"), and a domain date window "within 10 years of today" cannot be
written in JSON Schema. schemathesis's negative_data_rejection and positive_data_acceptance
found both; these are the regression tests, each failing before the fix.
"""

import datetime as dt
import json
import re

import jsonschema_rs
import pytest
import time_machine
from django.utils import timezone

from api.serializers import DateField, DateTimeField, year_bounds, year_pattern
from org.models import User


def _schema(client) -> dict:
    return json.loads(client.get("/api/schema/?format=json").content)


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "on", "null", "1", [], {}])
def test_a_boolean_is_json_true_or_false_and_nothing_else(org, client_for, value):
    # Given a person whose e-mail is not shared
    client = client_for(org.employee)
    # When a client sends a boolean that is not JSON true or false
    response = client.patch("/api/v1/me/", {"share_email": value}, format="json")
    # Then 400 naming the field, and nothing changed
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["share_email"]
    assert User.objects.get(pk=org.employee.pk).share_email is False


def test_json_true_is_taken(org, client_for):
    response = client_for(org.employee).patch("/api/v1/me/", {"share_email": True}, format="json")
    assert response.status_code == 200
    assert User.objects.get(pk=org.employee.pk).share_email is True


@pytest.mark.parametrize(
    "query,status",
    [
        ("overdue=true", 200),
        ("overdue=false", 200),
        ("overdue=1", 400),
        ("overdue=yes", 400),
        ("overdue=null", 400),
        ("overdue=True", 400),
    ],
)
def test_a_boolean_in_a_query_string_is_true_or_false(org, client_for, query, status):
    response = client_for(org.hr).get(f"/api/v1/onboarding/journeys/?{query}")
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": 0}, "name"),
        ({"job_title": 12}, "job_title"),
        ({"language": 1}, "language"),
        ({"unit": "1"}, "unit"),
        ({"unit": 1.0}, "unit"),
        ({"unit": True}, "unit"),
        ({"start_date": 20260101}, "start_date"),
    ],
)
def test_a_body_field_takes_only_the_json_type_its_schema_names(org, client_for, body, field):
    # Given a person
    before = User.objects.filter(pk=org.employee.pk).values().get()
    # When HR sends a value of another JSON type than the schema's
    response = client_for(org.hr).patch(
        f"/api/v1/org/people/{org.employee.pk}/", body, format="json"
    )
    # Then 400 naming the field, and the person is unchanged
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {field: [response.json()["fields"][field][0]]}
    assert User.objects.filter(pk=org.employee.pk).values().get() == before


def test_an_erasure_must_be_confirmed_with_true_and_the_schema_says_so(org, client_for):
    client = client_for(org.hr)
    response = client.post(
        f"/api/v1/org/people/{org.employee.pk}/erase/", {"confirm": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"confirm": ["Bekræft sletningen med true."]}
    assert User.objects.get(pk=org.employee.pk).erased_at is None
    components = _schema(client)["components"]["schemas"]
    confirm = components["EraseInputRequest"]["properties"]["confirm"]
    assert confirm["allOf"] == [{"$ref": "#/components/schemas/TrueEnum"}]
    assert components["TrueEnum"] == {"enum": [True], "type": "boolean"}


def test_an_id_that_names_nothing_has_its_own_code(org, client_for):
    response = client_for(org.hr).patch(
        f"/api/v1/org/people/{org.employee.pk}/", {"unit": 2**62}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_id"
    assert list(response.json()["fields"]) == ["unit"]


def test_an_id_in_a_list_that_names_nothing_has_the_same_code(org, client_for):
    # Given communications, and a list of unit ids where one names no unit
    payload = {"title": "Test", "body": "Test", "units": [org.unit_a.pk, 2**62]}
    # When it sends an alert to them
    response = client_for(org.comms).post("/api/v1/push/alerts/", payload, format="json")
    # Then the refusal is the domain's (the schema cannot say which ids exist), not the shape's
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unknown_id"
    assert list(response.json()["fields"]) == ["units"]


@pytest.mark.parametrize("near", [True, False])
def test_the_year_pattern_and_the_validator_agree_on_every_year(near):
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC), tick=False):
        pattern = re.compile(year_pattern(near=near))
        field = DateField(near=near)
        for year in range(1, 10000):
            written = f"{year:04d}-02-28"
            try:
                field.run_validation(written)
                accepted = True
            except Exception:
                accepted = False
            assert accepted == bool(pattern.match(written)), written
        low, high = year_bounds(near=near)
        # 23:00 UTC on New Year's Eve is already 2027 in Copenhagen: the local year counts
        assert (low, high) == ((2017, 2037) if near else (1900, 9998))


def test_a_date_time_is_bounded_by_the_year_as_written_not_as_converted():
    # Given the last year of the near window and an offset that moves the instant past it
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        field = DateTimeField(near=True)
        late = field.run_validation("2036-12-31T23:30:00-12:00")  # 2037 in Copenhagen
        # Then the year as written (2036) decides, as the schema's pattern reads it
        assert late == dt.datetime(2037, 1, 1, 11, 30, tzinfo=dt.UTC)
        with pytest.raises(Exception, match="2016"):
            field.run_validation("2037-01-01T00:00:00+14:00")


def test_the_schema_states_the_year_bounds_of_input_dates(org, client_for):
    # Given the schema as built this year
    client = client_for(org.employee)
    components = _schema(client)["components"]["schemas"]
    journeys = _schema(client)["paths"]["/api/v1/onboarding/journeys/"]["get"]["parameters"]
    this_year = timezone.localdate().year
    # Then a near date in a request carries the near pattern, an employment date the wide one
    near = components["PostCreateInputRequest"]["properties"]["starts_at"]
    assert near["format"] == "date-time"
    assert near["pattern"] == year_pattern(near=True)
    assert re.match(near["pattern"], f"{this_year + 10}-01-01")
    assert not re.match(near["pattern"], f"{this_year + 11}-01-01")
    assert components["PatchedPersonUpdateRequest"]["properties"]["start_date"]["pattern"] == (
        year_pattern(near=False)
    )
    # And a query date says date and carries the wide pattern
    started = next(p for p in journeys if p["name"] == "started_from")["schema"]
    assert started == {"type": "string", "format": "date", "pattern": year_pattern(near=False)}


@pytest.mark.parametrize("people", [["1"], [True], "1", [1.5]])
def test_an_id_list_takes_only_integers(org, client_for, people):
    # Given communications writing a post
    from content.models import Post

    body = {"kind": "news", "title": "Nyt", "audience": {"people": people}}
    # When an id in a list is not a JSON integer
    response = client_for(org.comms).post("/api/v1/posts/", body, format="json")
    # Then 400 (it once was a 500), and no post
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]["audience"]) == ["people"]
    assert Post.objects.count() == 0


def test_the_schema_says_what_the_serializers_refuse_in_strings_and_lists(org, client_for):
    components = _schema(client_for(org.employee))["components"]["schemas"]
    question = components["TrackQuizQuestionInputRequest"]["properties"]
    # A quiz question needs an option, and no string that comes in may hold U+0000
    assert question["options"]["minItems"] == 1
    text = question["text"]
    assert jsonschema_rs.is_valid(text, "Hvad gør du?")
    assert not jsonschema_rs.is_valid(text, "Hvad\x00")
    # And one that must not be blank is not blank after DRF strips it (Python's whitespace)
    assert not jsonschema_rs.is_valid(text, " \x1f\u3000\n")
    assert jsonschema_rs.is_valid(text, " \ufeff ")  # not whitespace to Python: DRF keeps it


@pytest.mark.parametrize(
    "url,accepted",
    [
        ("https://intra.kommune.dk/vagtplan?uge=49", True),
        ("http://a.bc:8080/", True),
        ("", True),
        ("https://" + ".".join(["a" * 63] * 4) + ".dk", False),  # host over 253 characters
        ("https://localhost/", False),
        ("ftp://filer.kommune.dk/", False),
        ("https://kommune.dk/\n", False),
        ("HTTPS://kommune.dk/", False),
    ],
)
def test_a_link_is_what_the_schemas_pattern_says(url, accepted):
    from rest_framework.exceptions import ValidationError

    from api.serializers import LinkField

    field = LinkField(allow_blank=True, max_length=500)
    # The schema's verdict as schemathesis's validator reads the pattern (ECMAScript rules)
    schema = {"type": "string", "pattern": field.schema_pattern()}
    assert jsonschema_rs.is_valid(schema, url) is accepted
    try:
        field.run_validation(url)
        server = True
    except ValidationError:
        server = False
    assert server is accepted


def test_no_app_reads_a_boolean_with_drfs_lenient_field():
    # DRF's BooleanField takes 0, 1, "yes" and "null": every app uses api.serializers'.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    lenient = re.compile(r"serializers\.(Null)?BooleanField\(")
    found = [
        f"{path.relative_to(root)}:{number}"
        for app in (
            *("api", "org", "content", "push", "surveys", "onboarding", "hrsync", "dashboard"),
            *("cascade", "dialogue", "pwa"),
        )
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if lenient.search(line)
    ]
    assert found == []
