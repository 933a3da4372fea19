"""Tracks through the API and the Django admin: ordered steps, quizzes, validation, versions."""

import pytest
from django.test import Client

from onboarding.models import QuizOption, Step, Track

from .factories import TrackFactory

QUIZ = {
    "title": "Quiz om Kernefortællingen",
    "kind": "quiz",
    "offset_days": 21,
    "requires": 0,
    "questions": [
        {
            "text": "Hvilke styrkepositioner nævner Kernefortællingen?",
            "options": [
                {"text": "Beliggenhed", "correct": True},
                {"text": "Det gode liv", "correct": True},
                {"text": "Uddannelse", "correct": True},
                {"text": "Turisme"},
            ],
        }
    ],
}
READ_FIRST = {
    "title": "Velkomst",
    "kind": "task",
    "offset_days": -14,
    "body": "**Hej** <script>x</script>",
}


def test_hr_creates_a_track_with_ordered_steps_and_a_quiz(api, org):
    response = api(org.hr).post(
        "/api/v1/onboarding/tracks/",
        {"name": "Ny i Slagelse Kommune", "steps": [READ_FIRST, QUIZ]},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["step_count"]) == (1, 2)
    first, quiz = body["steps"]
    assert first["body_html"] == "<p><strong>Hej</strong> </p>"
    assert (first["position"], first["time_of_day"], first["doer"]) == (0, "09:00:00", "new_hire")
    assert quiz["requires"] == 0
    assert quiz["pass_mark"] == 80
    assert [(o["text"], o["correct"]) for o in quiz["questions"][0]["options"]] == [
        ("Beliggenhed", True),
        ("Det gode liv", True),
        ("Uddannelse", True),
        ("Turisme", False),
    ]


def test_replacing_the_steps_keeps_ids_reorders_and_bumps_the_version(api, org):
    track = TrackFactory(name="Basis")
    steps = list(track.steps.order_by("position"))
    client = api(org.hr)

    response = client.put(
        f"/api/v1/onboarding/tracks/{track.pk}/steps/",
        {
            "steps": [
                {"id": steps[2].pk, "title": "Vagtplan", "kind": "task", "offset_days": -3},
                {"id": steps[0].pk, "title": "Velkommen", "kind": "acknowledge", "offset_days": -7},
            ]
        },
    )

    assert response.status_code == 200, response.content
    assert [(s["id"], s["position"], s["title"]) for s in response.json()["steps"]] == [
        (steps[2].pk, 0, "Vagtplan"),
        (steps[0].pk, 1, "Velkommen"),
    ]
    assert response.json()["version"] == 2
    assert not Step.objects.filter(pk=steps[1].pk).exists()


@pytest.mark.parametrize(
    "steps, field",
    [
        ([{"title": "Læs", "kind": "read", "offset_days": 0}], "post_id"),
        ([{"title": "Se", "kind": "video", "offset_days": 0}], "url"),
        ([{"title": "Mød", "kind": "meeting", "offset_days": 0}], "meet_with"),
        ([{**QUIZ, "requires": None, "questions": []}], "questions"),
        ([{**QUIZ, "requires": 0}], "requires"),
        ([{"title": "Langt ude", "kind": "task", "offset_days": 400}], "offset_days"),
        ([{"title": "Ukendt", "kind": "dance", "offset_days": 0}], "kind"),
        ([{"title": "Felt", "kind": "task", "offset_days": 0, "colour": "blå"}], "colour"),
        ([{"title": "Læs", "kind": "read", "offset_days": 0, "post_id": 999999}], "post_id"),
    ],
)
def test_bad_steps_are_refused_and_nothing_is_written(api, org, steps, field):
    track = TrackFactory(name="Basis")
    before = list(Step.objects.values_list("id", "title", "position"))

    response = api(org.hr).put(f"/api/v1/onboarding/tracks/{track.pk}/steps/", {"steps": steps})

    assert response.status_code == 400, response.content
    assert field in str(response.json()["fields"])
    assert list(Step.objects.values_list("id", "title", "position")) == before
    assert Track.objects.get(pk=track.pk).version == 1


def test_a_track_name_is_unique(api, org):
    TrackFactory(name="Basis")

    response = api(org.hr).post("/api/v1/onboarding/tracks/", {"name": "Basis"})

    assert response.status_code == 409
    assert Track.objects.count() == 1


def test_malformed_bodies_get_a_json_error(api, org):
    client = api(org.hr)

    not_object = client.post("/api/v1/onboarding/tracks/", [1, 2], format="json")
    not_json = client.generic(
        "POST", "/api/v1/onboarding/tracks/", "{oops", content_type="application/json"
    )

    assert (not_object.status_code, not_json.status_code) == (400, 400)
    assert not_json.json()["code"] == "malformed_request"
    assert Track.objects.count() == 0


def test_the_admin_shows_the_timeline_and_saves_inline_steps_through_the_services(org):
    # Given HR in the Django admin
    track = TrackFactory(name="Basis")
    client = Client()
    client.force_login(org.hr)

    page = client.get(f"/admin/onboarding/track/{track.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Med start mandag" in html
    assert "dag -7" in html and "Velkommen" in html

    # When HR adds a quiz step inline, written as text
    steps = list(track.steps.order_by("position"))
    form = {
        "name": "Basis",
        "description": "",
        "kind": "onboarding",
        "audience": "",
        "is_active": "on",
        "steps-TOTAL_FORMS": str(len(steps) + 1),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(steps):
        form.update(
            {
                f"steps-{i}-id": str(s.pk),
                f"steps-{i}-track": str(track.pk),
                f"steps-{i}-position": str(s.position),
                f"steps-{i}-offset_days": str(s.offset_days),
                f"steps-{i}-time_of_day": "09:00",
                f"steps-{i}-title": s.title,
                f"steps-{i}-kind": s.kind,
                f"steps-{i}-doer": s.doer,
                f"steps-{i}-meet_with": s.meet_with,
                f"steps-{i}-pass_mark": "80",
            }
        )
    n = len(steps)
    form.update(
        {
            f"steps-{n}-track": str(track.pk),
            f"steps-{n}-position": "9",
            f"steps-{n}-offset_days": "21",
            f"steps-{n}-time_of_day": "10:00",
            f"steps-{n}-title": "Quiz om Kernefortællingen",
            f"steps-{n}-kind": "quiz",
            f"steps-{n}-doer": "new_hire",
            f"steps-{n}-pass_mark": "80",
            f"steps-{n}-quiz_text": "Hvad hedder kommunen?\n* Slagelse\n- Sorø",
        }
    )
    response = client.post(f"/admin/onboarding/track/{track.pk}/change/", form)

    # Then the step and its quiz are saved and the track has a new version
    assert response.status_code == 302, response.content.decode()[:2000]
    track.refresh_from_db()
    assert track.version == 3
    assert list(track.steps.order_by("position").values_list("title", flat=True)) == [
        "Velkommen",
        "Mød din leder",
        "Opret i vagtplan",
        "Quiz om Kernefortællingen",
    ]
    assert list(QuizOption.objects.values_list("text", "is_correct")) == [
        ("Slagelse", True),
        ("Sorø", False),
    ]


def test_the_admin_is_closed_to_employees(org):
    client = Client()
    client.force_login(org.employee)

    response = client.get("/admin/onboarding/track/")

    assert response.status_code == 302
