"""Questions to HR, my leader or communications: who sees them, answering, closing, publishing
an answer as a staff info page, limits, the GDPR export and erasure."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Post, PostKind, PostStatus
from dialogue import services
from dialogue.models import Question, QuestionStatus
from org.erasure import user_erase
from org.selectors import personal_data_export
from push.models import Notification
from tests.factories import UserFactory

from .test_xss import CORPUS, _assert_inert

QUESTIONS = "/api/v1/questions/"
INBOX = "/api/v1/questions/inbox/"


def url(question, action: str = "") -> str:
    return f"{QUESTIONS}{question.pk}/{action + '/' if action else ''}"


@pytest.fixture
def preboarder(org):
    """A hire in team A who starts in a week."""
    return UserFactory(
        name="Sofie Holm", unit=org.team_a, start_date=timezone.localdate() + timedelta(days=7)
    )


def _inbox_ids(client, **query) -> list[int]:
    response = client.get(INBOX, query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_preboarder_asks_hr_and_hr_answers_and_publishes_it_as_a_staff_info_page(
    org, preboarder, client_for
):
    # Given a pre-boarder's question to HR about the first day
    asker = client_for(preboarder)
    created = asker.post(
        QUESTIONS,
        {"recipient": "hr", "text": "Hvad skal jeg have på den første dag?"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["recipient"], body["status"], body["answered_as"]) == ("hr", "new", None)
    assert body["asker"] == {"id": preboarder.pk, "name": "Sofie Holm", "unit": "Team Korsør"}
    question = Question.objects.get()
    # Then HR has it in its queue; communications and the asker's leader do not
    assert _inbox_ids(client_for(org.hr)) == [question.pk]
    assert _inbox_ids(client_for(org.comms)) == []
    assert _inbox_ids(client_for(org.leader)) == []
    # When HR answers
    hr = client_for(org.hr)
    answered = hr.post(
        url(question, "answer"), {"text": "Tøj udleveres på dagen. Mød kl. 8."}, format="json"
    )
    assert answered.status_code == 200, answered.content
    # Then the asker sees the answer from "HR", never the answerer's name, and is notified
    mine = asker.get(url(question)).json()
    assert (mine["status"], mine["answer"], mine["answered_as"]) == (
        "answered",
        "Tøj udleveres på dagen. Mød kl. 8.",
        "HR",
    )
    assert "Hanne HR" not in str(asker.get(QUESTIONS).json())
    [note] = Notification.objects.filter(recipients__user=preboarder)
    assert (note.title, note.body, note.data) == (
        "Du har fået svar på dit spørgsmål",
        "HR har svaret på dit spørgsmål.",
        {"type": "question_answer", "question_id": str(question.pk)},
    )
    # When HR publishes it, reworded, as a staff info page
    published = hr.post(
        url(question, "publish"),
        {
            "title": "Første dag: tøj og mødetid",
            "question": "Hvad har jeg på den første dag?",
            "answer": "Tøj udleveres på dagen. Mød kl. 8.",
        },
        format="json",
    )
    assert published.status_code == 200, published.content
    # Then it is a published staff info page for everyone, without the asker's name
    post = Post.objects.get(pk=published.json()["published_post"])
    assert (post.kind, post.status, post.author_id, post.audience.everyone) == (
        PostKind.PAGE,
        PostStatus.PUBLISHED,
        org.hr.pk,
        True,
    )
    assert post.title == "Første dag: tøj og mødetid"
    assert "Hvad har jeg på den første dag?" in post.body_html
    assert "Sofie" not in post.body + post.body_html
    # And a second publish is refused, nothing more written
    again = hr.post(
        url(question, "publish"), {"title": "x", "question": "x", "answer": "x"}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_published")
    assert Post.objects.filter(kind=PostKind.PAGE).count() == 1


def test_my_leader_is_the_leader_whose_scope_holds_my_unit(org, client_for):
    # Given an employee of team A asking "my leader"
    created = client_for(org.employee).post(
        QUESTIONS, {"recipient": "leader", "text": "Kan jeg bytte vagt?"}, format="json"
    )
    assert created.status_code == 201
    question = Question.objects.get()
    # Then unit A's leader has it; unit B's leader, HR and communications do not
    assert _inbox_ids(client_for(org.leader)) == [question.pk]
    for other in (org.other_leader, org.hr, org.comms):
        assert _inbox_ids(client_for(other)) == []
    # And to unit B's leader and employee the question does not exist
    for outsider in (org.other_leader, org.other_employee, org.admin):
        client = client_for(outsider)
        assert client.get(url(question)).status_code == 404
        answer = client.post(url(question, "answer"), {"text": "Nej"}, format="json")
        assert answer.status_code == 404
        assert client.post(url(question, "close")).status_code == 404
    # And the asker may read it but not answer it
    asker = client_for(org.employee)
    refused = asker.post(url(question, "answer"), {"text": "Ja"}, format="json")
    assert refused.status_code == 403
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.NEW, "")
    # When the leader answers, the asker sees it from "Min leder"
    assert (
        client_for(org.leader)
        .post(url(question, "answer"), {"text": "Ja, tal med Bo."}, format="json")
        .status_code
        == 200
    )
    assert asker.get(url(question)).json()["answered_as"] == "Min leder"
    # But a leader cannot publish it: staff info pages are HR's and communications'
    refused = client_for(org.leader).post(
        url(question, "publish"), {"title": "Vagtbytte", "question": "?", "answer": "!"}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "kind_not_allowed")
    assert Question.objects.get().published_post_id is None
    assert not Post.objects.filter(kind=PostKind.PAGE).exists()


def test_an_employee_sees_only_their_own_questions(org, client_for):
    # Given questions from two employees to HR
    mine = services.question_ask(asker=org.employee, recipient="hr", text="Løn?")
    theirs = services.question_ask(asker=org.other_employee, recipient="hr", text="Ferie?")
    client = client_for(org.employee)
    # Then each sees only their own, and the other's answers 404
    assert [q["id"] for q in client.get(QUESTIONS).json()["results"]] == [mine.pk]
    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs, "close")).status_code == 404
    # And an employee has no inbox
    assert client.get(INBOX).status_code == 403


def test_my_leader_without_a_leader_is_refused_and_nothing_is_written(org, client_for):
    # Given a person in a unit no leader's scope holds
    loner = UserFactory(name="Eva Enlig", unit=org.root)
    # When they ask "my leader"
    response = client_for(loner).post(
        QUESTIONS, {"recipient": "leader", "text": "Hvem er min leder?"}, format="json"
    )
    # Then it is refused with its code, and no question was made
    assert (response.status_code, response.json()["code"]) == (409, "no_leader")
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"recipient": "hr"},
        {"recipient": "hr", "text": ""},
        {"recipient": "hr", "text": "x" * 2001},
        {"recipient": "direktionen", "text": "Hej"},
        {"recipient": "hr", "text": "Hej", "asker": 1},
        {"recipient": "hr", "text": 7},
    ],
)
def test_bad_questions_are_refused_and_nothing_is_written(org, client_for, body):
    response = client_for(org.employee).post(QUESTIONS, body, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert not Question.objects.exists()


def test_a_question_is_answered_once_and_not_after_it_is_closed(org, client_for):
    # Given two questions to communications, one answered and one the asker closed
    answered = services.question_ask(asker=org.employee, recipient="communications", text="A")
    closed = services.question_ask(asker=org.employee, recipient="communications", text="B")
    services.question_answer(actor=org.comms, question=answered, text="Svar")
    assert client_for(org.employee).post(url(closed, "close")).json()["status"] == "closed"
    comms = client_for(org.comms)
    # When communications answers each (again)
    twice = comms.post(url(answered, "answer"), {"text": "Igen"}, format="json")
    late = comms.post(url(closed, "answer"), {"text": "Sent"}, format="json")
    # Then both are refused and nothing changed
    assert (twice.status_code, twice.json()["code"]) == (409, "already_answered")
    assert (late.status_code, late.json()["code"]) == (409, "closed")
    assert list(Question.objects.order_by("pk").values_list("answer", flat=True)) == ["Svar", ""]
    # And the queue can be filtered by status
    assert _inbox_ids(comms, status="new") == []
    assert _inbox_ids(comms, status="answered") == [answered.pk]
    assert _inbox_ids(comms, status="closed") == [closed.pk]
    assert comms.get(INBOX, {"status": "waiting"}).status_code == 400
    # And an unanswered question cannot be published
    refused = comms.post(url(closed, "publish"), {"title": "t", "question": "q", "answer": "a"})
    assert (refused.status_code, refused.json()["code"]) == (409, "not_answered")


@pytest.mark.parametrize("text", CORPUS)
def test_questions_and_answers_come_back_inert(org, client_for, text):
    created = client_for(org.employee).post(
        QUESTIONS, {"recipient": "hr", "text": text}, format="json"
    )
    assert created.status_code == 201
    question = Question.objects.get()
    client_for(org.hr).post(url(question, "answer"), {"text": text}, format="json")
    item = client_for(org.employee).get(url(question)).json()
    assert (item["text"], item["answer"]) == (text, text)
    _assert_inert(item["html"])
    _assert_inert(item["answer_html"])


# The token's session, the person and their roles (3), the page's count (1), the page with
# askers and units (1); a leader's scope is a subquery inside those two.
@pytest.mark.parametrize(("who", "queries"), [("hr", 5), ("leader", 5)])
def test_the_inbox_costs_the_same_for_2_and_20_questions(org, client_for, who, queries):
    client = client_for(getattr(org, who))
    recipient = "hr" if who == "hr" else "leader"
    counts = []
    for n in (2, 18):
        for i in range(n):
            asker = UserFactory(name=f"Kollega {i}", unit=org.team_a)
            services.question_ask(asker=asker, recipient=recipient, text=f"Spørgsmål {i}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(INBOX)
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.json()["count"] == 20
    assert counts == [queries, queries]


def test_questions_are_limited_per_person(org, client_for, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict(api_settings.DEFAULT_THROTTLE_RATES) | {"question": "2/min"},
    }
    client = client_for(org.employee)
    statuses = [
        client.post(QUESTIONS, {"recipient": "hr", "text": f"Nr. {n}"}, format="json").status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Question.objects.count() == 2
    other = client_for(org.other_employee).post(
        QUESTIONS, {"recipient": "hr", "text": "Hej"}, format="json"
    )
    assert other.status_code == 201


def test_questions_are_in_the_export_and_the_asker_is_anonymised_on_erasure(org, client_for):
    # Given an answered question and an open one
    answered = services.question_ask(asker=org.employee, recipient="hr", text="Løn i december?")
    services.question_answer(actor=org.hr, question=answered, text="Den 28.")
    services.question_ask(asker=org.employee, recipient="leader", text="Ferie i uge 7?")
    # Then both are in the person's export, with the answer and its role
    export = personal_data_export(user=org.employee)["categories"]["questions"]
    assert [(q["text"], q["to"], q["status"], q["answer"], q["answered_as"]) for q in export] == [
        ("Løn i december?", "hr", "answered", "Den 28.", "hr"),
        ("Ferie i uge 7?", "leader", "new", "", ""),
    ]
    # When the person is erased
    user_erase(actor=org.hr, user=org.employee)
    # Then HR's queue shows the question under "Tidligere medarbejder", and the open one is
    # closed (nobody is left to read an answer)
    [item] = client_for(org.hr).get(INBOX).json()["results"]
    assert item["asker"]["name"] == "Tidligere medarbejder"
    assert list(Question.objects.order_by("pk").values_list("status", flat=True)) == [
        "answered",
        "closed",
    ]


def test_before_the_start_date_a_person_may_ask_hr_only(org, preboarder, client_for):
    # When a pre-boarder asks their leader and communications
    client = client_for(preboarder)
    statuses = [
        client.post(QUESTIONS, {"recipient": to, "text": "Hej"}, format="json")
        for to in ("leader", "communications")
    ]
    # Then both are refused with the reason, and nothing was written
    assert [(r.status_code, r.json()["code"]) for r in statuses] == [(403, "before_start")] * 2
    assert not Question.objects.exists()
