"""The survey-wave link: a person with no app answers a wave from an SMS link, anonymously."""

import re

import pytest

from org.sms import LogSmsSender
from push import links
from surveys import services as survey_services
from surveys.models import Answer, AnswerChoice, Participation, QuestionKind, Response
from tests.surveys.factories import everyone, make_survey, open_wave

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


def _form(wave, *, likert: str | None = "4") -> dict[str, list[str]]:
    """The page's form filled in: a field `q<id>` per question, repeated for several options."""
    form = {}
    for question in wave.survey.questions.prefetch_related("options").order_by("position"):
        options = [str(o.pk) for o in question.options.order_by("position")]
        match question.kind:
            case QuestionKind.LIKERT if likert is not None:
                form[f"q{question.pk}"] = [likert]
            case QuestionKind.SCALE:
                form[f"q{question.pk}"] = ["9"]
            case QuestionKind.SINGLE:
                form[f"q{question.pk}"] = options[:1]
            case QuestionKind.MULTIPLE | QuestionKind.KNOWLEDGE:
                form[f"q{question.pk}"] = options[:2]
            case QuestionKind.FREE_TEXT:
                form[f"q{question.pk}"] = ["Mere tid til overlap"]
    return form


def test_an_invitation_reaches_a_person_without_a_device_by_sms_with_their_own_link(org, wave):
    path = _link_path(wave)

    token = path.rstrip("/").rsplit("/", 1)[1]
    assert links.link_read(token) == links.LinkTarget(
        kind="wave", object_id=wave.pk, user_id=org.employee.pk
    )
    assert path.startswith("/l/")


def test_the_person_answers_on_the_link_page_and_the_answer_is_not_linked_to_them(
    org, wave, client
):
    path = _link_path(wave)

    # when they open the link, every question is on the page
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 6
    assert "Vi deler viden." in html and "Send svar" in html

    # and they send their answers
    sent = client.post(path, _form(wave))
    assert (sent.status_code, sent["Location"]) == (302, path)

    # then their participation is recorded apart from the response, which names no one
    assert Participation.objects.filter(wave=wave, user=org.employee).count() == 1
    response = Response.objects.get(wave=wave)
    assert (response.respondent_id, response.unit_id) == (None, org.employee.unit_id)
    assert Answer.objects.filter(response=response).count() == 6
    assert AnswerChoice.objects.filter(answer__response=response).count() == 5
    assert sorted(Answer.objects.exclude(value=None).values_list("value", flat=True)) == [4, 9]
    # and the page now thanks them, and a second send changes nothing
    assert "Tak. Dit svar er modtaget." in client.get(path).content.decode()
    again = client.post(path, _form(wave, likert="1"))
    assert (again.status_code, "Tak. Dit svar er modtaget." in again.content.decode()) == (
        200,
        True,
    )
    assert Response.objects.filter(wave=wave).count() == 1
    assert Participation.objects.filter(wave=wave).count() == 1


def test_a_missing_answer_is_shown_on_the_page_and_nothing_is_written(org, wave, client):
    path = _link_path(wave)

    page = client.post(path, _form(wave, likert=None))

    assert page.status_code == 400
    assert "Besvar spørgsmålet." in page.content.decode()
    # what they had chosen is still chosen
    assert page.content.decode().count("checked") == 1 + 2 + 2 + 1
    assert not Participation.objects.filter(wave=wave).exists()
    assert not Response.objects.filter(wave=wave).exists()


def test_a_closed_wave_says_so_and_takes_no_answer(org, wave, client):
    path = _link_path(wave)
    survey_services.wave_close(wave=wave)

    assert "Undersøgelsen er lukket for svar." in client.get(path).content.decode()
    assert client.post(path, _form(wave)).status_code == 200
    assert not Participation.objects.filter(wave=wave).exists()
    assert not Response.objects.filter(wave=wave).exists()


def test_a_link_to_a_wave_the_person_was_not_invited_to_shows_nothing(org, wave, client):
    token = links.link_token(kind="wave", object_id=wave.pk + 1000, user_id=org.employee.pk)

    assert client.get(f"/l/{token}/").status_code == 404
