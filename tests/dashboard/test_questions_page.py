"""The questions page: recipients see the questions addressed to them and answer, close and
publish them by form; another unit's question does not exist for a leader."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import Post, PostKind
from dialogue import services
from dialogue.models import Question
from push.models import Notification
from tests.dialogue.test_xss import CORPUS
from tests.factories import UserFactory

from .test_moderation import _tags

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/spoergsmaal/"


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-question="(\d+)"', html)]


def test_each_recipient_sees_the_questions_addressed_to_them(org, web):
    # Given a question to HR, one to unit A's leader and one to unit B's leader
    to_hr = services.question_ask(asker=org.employee, recipient="hr", text="Løn?")
    to_a = services.question_ask(asker=org.employee, recipient="leader", text="Vagt?")
    to_b = services.question_ask(asker=org.other_employee, recipient="leader", text="Ferie?")
    # Then each recipient's page lists theirs, and communications has none
    assert _ids(web(org.hr).get(PAGE).content.decode()) == [to_hr.pk]
    assert _ids(web(org.leader).get(PAGE).content.decode()) == [to_a.pk]
    assert _ids(web(org.other_leader).get(PAGE).content.decode()) == [to_b.pk]
    assert _ids(web(org.comms).get(PAGE).content.decode()) == []
    # And an admin (no recipient role) is refused the page
    assert web(org.admin).get(PAGE).status_code == 403


def test_a_leader_answers_by_form_and_another_units_leader_gets_404(org, web):
    question = services.question_ask(asker=org.employee, recipient="leader", text="Vagt?")
    # When unit B's leader posts an answer to unit A's question
    other = web(org.other_leader).post(f"{PAGE}{question.pk}/svar/", {"text": "Nej"})
    # Then it does not exist for them, and nothing changed
    assert other.status_code == 404
    assert Question.objects.get().answer == ""
    # When unit A's leader answers
    done = web(org.leader).post(f"{PAGE}{question.pk}/svar/", {"text": "Ja, tal med Bo."})
    # Then it is answered as "leader", and the asker is notified
    assert done.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_as) == (
        "answered",
        "Ja, tal med Bo.",
        "leader",
    )
    assert Notification.objects.filter(
        recipients__user=org.employee, data__type="question_answer"
    ).exists()
    # And it is under "answered" on the page, with the leader unable to publish it
    html = web(org.leader).get(PAGE + "?status=answered").content.decode()
    assert _ids(html) == [question.pk]
    assert "question-publish" not in html and "/udgiv/" not in html


def test_hr_publishes_an_answer_as_a_staff_info_page(org, web):
    question = services.question_ask(asker=org.employee, recipient="hr", text="Uniform?")
    services.question_answer(actor=org.hr, question=question, text="Udleveres dag 1.")
    client = web(org.hr)
    assert f"{PAGE}{question.pk}/udgiv/" in client.get(PAGE + "?status=answered").content.decode()
    # When HR publishes it
    client.post(
        f"{PAGE}{question.pk}/udgiv/",
        {"title": "Uniform", "question": "Hvornår får jeg uniform?", "answer": "Dag 1."},
    )
    # Then it is a published staff info page
    question.refresh_from_db()
    post = Post.objects.get(pk=question.published_post_id)
    assert (post.kind, post.title, post.author_id) == (PostKind.PAGE, "Uniform", org.hr.pk)


def test_closing_and_bad_input(org, web):
    question = services.question_ask(asker=org.employee, recipient="communications", text="?")
    client = web(org.comms)
    # An empty or too long answer changes nothing
    for text in ("", "x" * 4001):
        assert client.post(f"{PAGE}{question.pk}/svar/", {"text": text}).status_code == 302
    assert Question.objects.get().status == "new"
    # A GET does nothing; an unknown status is a page that does not exist
    assert client.get(f"{PAGE}{question.pk}/luk/").status_code == 405
    assert client.get(PAGE + "?status=waiting").status_code == 404
    # Closing moves it to "closed"
    client.post(f"{PAGE}{question.pk}/luk/")
    assert _ids(client.get(PAGE + "?status=closed").content.decode()) == [question.pk]


def test_the_xss_corpus_is_inert_on_the_page(org, web):
    for text in CORPUS:
        asked = services.question_ask(asker=org.employee, recipient="hr", text=text)
        services.question_answer(actor=org.hr, question=asked, text=text)
    html = web(org.hr).get(PAGE + "?status=answered").content.decode()
    assert len(_ids(html)) == len(CORPUS)
    names = [name for name, _attrs in _tags(html)]
    for name in ("script", "img", "svg", "iframe", "b"):
        assert name not in names, name
    assert names.count("style") == 1
    for name, attrs in _tags(html):
        assert not [a for a in attrs if a.startswith("on")], (name, attrs)
        assert not (attrs.get("href") or "").lower().startswith(("javascript:", "data:"))


def test_the_page_costs_the_same_for_2_and_20_questions(org, web):
    client = web(org.leader)
    counts = []
    for n in (2, 18):
        for i in range(n):
            asker = UserFactory(name=f"Kollega {i}", unit=org.team_a)
            services.question_ask(asker=asker, recipient="leader", text=f"Spørgsmål {i}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGE)
        assert response.status_code == 200
        counts.append(len(captured))
    assert len(_ids(response.content.decode())) == 20
    # The session and the person (2), their roles (1), the page's count and rows (2).
    assert counts == [5, 5]
