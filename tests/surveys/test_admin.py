"""Django admin: communications builds surveys there; saves go through the services."""

import pytest
from django.test import Client

from surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_communications_adds_a_survey_in_the_admin(org, audience):
    client = Client()
    client.force_login(org.comms)

    assert client.get("/admin/surveys/survey/").status_code == 200
    response = client.post(
        "/admin/surveys/survey/add/",
        {
            "title": "Puls i køkkenet",
            "intro": "Kort om hverdagen.",
            "anonymous": "on",
            "audience": audience.pk,
            "min_group_size": 5,
            "min_free_text_group_size": 10,
            "recurrence": "once",
            "open_days": 7,
            "is_active": "on",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-position": "1",
            "questions-0-kind": "likert",
            "questions-0-text": "Jeg får den information, jeg har brug for.",
            "questions-0-indicator": "videndeling",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get()
    assert (survey.title, survey.created_by) == ("Puls i køkkenet", org.comms)
    assert list(survey.questions.values_list("kind", "text")) == [
        ("likert", "Jeg får den information, jeg har brug for.")
    ]


def test_an_employee_has_no_survey_admin(org):
    client = Client()
    client.force_login(org.employee)

    assert client.get("/admin/surveys/survey/").status_code == 302
