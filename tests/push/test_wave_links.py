"""The survey-wave link: a person with no app answers a wave from an SMS link, anonymously.

The link opens the staff app with the link's token (pwa.link_pages); the answers go through
the same API and service as the app's, so participation and response stay apart.
"""

import re

import pytest
from rest_framework.test import APIClient

from org.sms import LogSmsSender
from push import links
from surveys import services as survey_services
from surveys.models import Answer, AnswerChoice, Participation, Response
from tests.surveys.factories import answers_for, everyone, make_survey, open_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(org, django_capture_on_commit_callbacks):
    """An open wave of a survey of every kind; the employee has a phone and no device."""
    org.employee.phone = "+4512345678"
    org.employee.save(update_fields=["phone"])
    survey = make_survey(audience=everyone(), created_by=org.comms)
    with django_capture_on_commit_callbacks(execute=True):
        return open_wave(survey)


def _link_path(wave) -> str:
    [sms] = [sms for sms in LogSmsSender.outbox if sms["to"] == "+4512345678"]
    url = re.search(r"(http://\S+)$", sms["body"]).group(1)
    return url.removeprefix("http://127.0.0.1:8000")


def _app_with(path: str) -> APIClient:
    """The app as the link opens it: the token of /l/<token>/ as X-Link-Token."""
    client = APIClient()
    client.credentials(HTTP_X_LINK_TOKEN=path.rstrip("/").rsplit("/", 1)[1])
    return client


def test_an_invitation_reaches_a_person_without_a_device_by_sms_with_their_own_link(org, wave):
    path = _link_path(wave)

    token = path.rstrip("/").rsplit("/", 1)[1]
    assert links.link_read(token) == links.LinkTarget(
        kind="wave", object_id=wave.pk, user_id=org.employee.pk
    )
    assert path.startswith("/l/")


def test_the_person_answers_from_the_link_and_the_answer_is_not_linked_to_them(org, wave, client):
    path = _link_path(wave)
    token = path.rstrip("/").rsplit("/", 1)[1]

    # when they open the link, the app opens with it
    opened = client.get(path)
    assert (opened.status_code, opened["Location"]) == (302, f"/app/#/l/{token}")

    # and they send their answers from it
    app = _app_with(path)
    answers = answers_for(wave.survey, value=4, text="Mere tid til overlap")
    sent = app.post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers}, format="json"
    )
    assert sent.status_code == 201

    # then their participation is recorded apart from the response, which names no one
    assert Participation.objects.filter(wave=wave, user=org.employee).count() == 1
    response = Response.objects.get(wave=wave)
    assert (response.respondent_id, response.unit_id) == (None, org.employee.unit_id)
    assert Answer.objects.filter(response=response).count() == len(answers)
    assert AnswerChoice.objects.filter(answer__response=response).exists()
    # and a second send changes nothing, and the link no longer opens the wave
    again = app.post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": answers}, format="json"
    )
    assert again.status_code == 409
    assert Response.objects.filter(wave=wave).count() == 1
    assert Participation.objects.filter(wave=wave).count() == 1
    assert client.get(path).status_code == 404


def test_a_missing_answer_is_refused_and_nothing_is_written(org, wave):
    app = _app_with(_link_path(wave))
    incomplete = answers_for(wave.survey)[1:]

    sent = app.post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/", {"answers": incomplete}, format="json"
    )

    assert sent.status_code == 400
    assert not Participation.objects.filter(wave=wave).exists()
    assert not Response.objects.filter(wave=wave).exists()


def test_a_closed_wave_opens_nothing_and_takes_no_answer(org, wave, client):
    path = _link_path(wave)
    survey_services.wave_close(wave=wave)

    assert client.get(path).status_code == 404
    sent = _app_with(path).post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/",
        {"answers": answers_for(wave.survey)},
        format="json",
    )
    assert sent.status_code == 409
    assert not Participation.objects.filter(wave=wave).exists()
    assert not Response.objects.filter(wave=wave).exists()


def test_a_link_to_a_wave_the_person_was_not_invited_to_shows_nothing(org, wave, client):
    token = links.link_token(kind="wave", object_id=wave.pk + 1000, user_id=org.employee.pk)

    assert client.get(f"/l/{token}/").status_code == 404
