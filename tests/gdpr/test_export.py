"""GET /api/v1/me/export/ and HR's export: every category, never anonymous answers, few queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content import services as content_services
from content.models import PostKind
from org import selectors
from org import services as org_services
from org.models import AccessLog
from tests.content.factories import PostFactory
from tests.push.factories import DeviceFactory

from .factories import ANONYMOUS_TEXT, give_history

# One query per category and a few for the person and their journey, whatever the row count.
EXPORT_QUERIES = 25

CATEGORIES = {
    "profile",
    "access_log",
    "devices",
    "push_preferences",
    "notifications",
    "alert_answers",
    "read_receipts",
    "acknowledgements",
    "rsvps",
    "decisions_owned",
    "onboarding",
    "survey_participation",
    "survey_identified_answers",
    "cascade_tasks",
    "cascade_questions",
    "comments",
    "reactions",
    "comment_reports",
    "questions",
    "followup_actions",
    "followup_tasks",
}


def test_my_export_contains_every_category_with_my_data(org, api, person, history):
    # Given a person with devices, preferences, inbox, receipts, RSVPs, a journey and surveys
    # When they ask for their export
    response = api(person).get("/api/v1/me/export/")

    # Then it is one JSON document with every category, filled with their rows
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="bro-persondata-{person.pk}.json"'
    )
    document = response.json()
    assert document["format"] == "bro-personal-data/1"
    assert document["person"] == person.pk
    data = document["categories"]
    assert set(data) == CATEGORIES
    assert data["profile"]["name"] == "Zacharias Quistgaard"
    assert data["profile"]["email"] == "zacharias.quistgaard@example.dk"
    assert data["profile"]["phone"] == "+4561234567"
    assert data["profile"]["employee_number"] == "ZQ-4711"
    assert data["profile"]["unit"] == "Team Korsør"
    assert data["profile"]["roles"] == ["employee"]
    assert [d["identifier"] for d in data["devices"]] == ["zq-fcm-token-0000"]
    assert data["push_preferences"]["news"] is False
    titles = {n["title"] for n in data["notifications"]}
    assert "Ny nyhed: Ny vagtplan 0" in titles
    assert [r["title"] for r in data["read_receipts"]] == ["Ny vagtplan 0"]
    assert [a["title"] for a in data["acknowledgements"]] == ["Ny vagtplan 0"]
    assert [(r["title"], r["answer"]) for r in data["rsvps"]] == [("Sommerfest 0", "yes")]
    journey = data["onboarding"]["journeys"][0]
    assert (journey["track"], journey["status"], len(journey["steps"])) == (
        "Sygepleje",
        "active",
        2,
    )
    assert [(a["score"], a["passed"]) for a in data["onboarding"]["quiz_attempts"]] == [(0, False)]
    assert [(s["survey"], s["anonymous"], s["answered"]) for s in data["survey_participation"]] == [
        ("Pulsmåling", True, True)
    ]
    assert data["survey_identified_answers"] == []
    assert data["cascade_tasks"] == []
    assert data["cascade_questions"] == []
    assert [(a["what"], a["purpose"], a["by"]) for a in data["access_log"]] == [
        ("person_record", "Løn", "Hanne HR")
    ]
    # ... and never what they answered in the anonymous survey
    assert ANONYMOUS_TEXT not in response.content.decode()


def test_export_queries_do_not_grow_with_the_rows(org, person, django_assert_num_queries):
    # Given the same person with one row per category, then with four
    give_history(org, person, rows=1)
    with CaptureQueriesContext(connection) as one_row:
        small = selectors.personal_data_export(user=person)
    _more_rows(org, person, rows=3)

    # When the export is made again, Then it takes exactly as many queries
    with django_assert_num_queries(len(one_row.captured_queries)):
        large = selectors.personal_data_export(user=person)
    assert len(large["categories"]["read_receipts"]) == 4
    assert len(small["categories"]["read_receipts"]) == 1
    assert len(one_row.captured_queries) == EXPORT_QUERIES


def _more_rows(org, person, *, rows: int) -> None:
    """`rows` more devices, receipts, acknowledgements, RSVPs and access-log rows."""
    for n in range(rows):
        DeviceFactory(user=person, identifier=f"zq-extra-token-{n}")
        post = PostFactory(author=org.comms, title=f"Ekstra {n}", requires_acknowledgement=True)
        content_services.post_read_record(post=post, user=person)
        content_services.post_acknowledge(post=post, user=person)
        event = PostFactory(
            author=org.comms,
            kind=PostKind.EVENT,
            title=f"Ekstra fest {n}",
            starts_at=timezone.now() + timedelta(days=60 + n),
        )
        content_services.event_rsvp(post=event, user=person, answer="maybe")
        org_services.access_log_record(
            actor=org.hr, subject_id=person.pk, what=AccessLog.What.PERSON_RECORD
        )


def test_hr_export_needs_a_purpose_and_logs_it(org, api, person, history):
    hr = api(org.hr)
    before = AccessLog.objects.count()

    # When HR asks without a purpose, Then it is refused and nothing is logged
    refused = hr.get(f"/api/v1/org/people/{person.pk}/export/")
    assert refused.status_code == 400
    assert refused.json()["fields"]["purpose"]
    assert AccessLog.objects.count() == before

    # When HR gives a purpose, Then the export comes and exactly one row says who and why
    response = hr.get(f"/api/v1/org/people/{person.pk}/export/", {"purpose": "Indsigtsanmodning"})
    assert response.status_code == 200
    assert response.json()["categories"]["profile"]["email"] == "zacharias.quistgaard@example.dk"
    rows = list(AccessLog.objects.filter(what="export").values_list("actor", "subject", "purpose"))
    assert rows == [(org.hr.pk, person.pk, "Indsigtsanmodning")]
    assert AccessLog.objects.count() == before + 1


def test_hr_export_of_an_unknown_person_is_404(org, api):
    response = api(org.hr).get("/api/v1/org/people/999999/export/", {"purpose": "Indsigt"})
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_reading_my_own_export_is_not_logged(org, api, person):
    assert api(person).get("/api/v1/me/export/").status_code == 200
    assert AccessLog.objects.count() == 0
