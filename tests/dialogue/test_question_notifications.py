"""A new question tells its recipients (in-app inbox and push), never naming the asker; the push
goes out after the question's transaction commits, and a refused question tells no one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dialogue import selectors, services
from dialogue.models import Question
from org import services as org_services
from org.models import Role, User
from push import services as push_services
from push.models import Delivery, Notification, Recipient
from tests.factories import UserFactory

QUESTIONS = "/api/v1/questions/"


def _told(question) -> set[int]:
    note = Notification.objects.get(data__type="question_new", data__question_id=str(question.pk))
    return set(Recipient.objects.filter(notification=note).values_list("user_id", flat=True))


def _assert_nameless(note, *names: str) -> None:
    text = f"{note.title} {note.body} {note.params} {note.data}"
    for name in names:
        for part in name.split():
            assert part not in text, (part, text)


@pytest.mark.parametrize(
    ("recipient", "title"),
    [
        ("hr", "Nyt spørgsmål til HR"),
        ("leader", "Nyt spørgsmål til dig som leder"),
        ("communications", "Nyt spørgsmål til Kommunikation"),
    ],
)
def test_a_new_question_tells_its_recipients_and_no_one_else(org, client_for, recipient, title):
    # Given a second HR person, a deactivated one, and a leader above unit A's (the area)
    hr_too = UserFactory(name="Helle HR", unit=org.root, roles=[Role.HR])
    gone = UserFactory(name="Gammel HR", unit=org.root, roles=[Role.HR])
    User.objects.filter(pk=gone.pk).update(is_active=False)
    area_leader = UserFactory(name="Ole Område", unit=org.area)
    org_services.leader_scope_set(leader=area_leader, units=[org.area])
    # When an employee of team A asks through the API
    response = client_for(org.employee).post(
        QUESTIONS, {"recipient": recipient, "text": "Kan jeg bytte vagt i uge 7?"}, format="json"
    )
    assert response.status_code == 201, response.content
    question = Question.objects.get()
    # Then exactly the people whose inbox (question_is_for) holds it are told
    expected = {
        "hr": {org.hr.pk, hr_too.pk},
        "leader": {org.leader.pk, area_leader.pk},
        "communications": {org.comms.pk},
    }[recipient]
    assert _told(question) == expected
    # Which is whom the inbox selects: everyone told may answer, and unit B's leader, admins
    # and the asker are not told
    for user in (org.hr, hr_too, org.leader, area_leader, org.comms, org.other_leader, org.admin):
        assert selectors.question_is_for(user=user, question=question) == (user.pk in expected)
    assert org.employee.pk not in _told(question)
    # And the notification names the role, not the asker (nor their unit)
    note = Notification.objects.get(data__type="question_new")
    assert (note.category, note.title, note.params) == ("news", title, {})
    assert note.data == {"type": "question_new", "question_id": str(question.pk)}
    _assert_nameless(note, org.employee.name, org.team_a.name)


def test_a_leader_asking_their_own_leader_question_is_not_told_of_it(org, client_for):
    # Given a leader in unit A who is also in their own scope
    asked = services.question_ask(asker=org.leader, recipient="leader", text="Ferie?")
    # Then the question is for them, but they are not told of their own question
    assert org.leader.pk not in _told(asked)


def test_the_push_goes_out_after_commit_on_the_recipients_devices(
    org, django_capture_on_commit_callbacks
):
    push_services.device_register(user=org.comms, identifier="tok-comms", platform="android")
    push_services.device_register(user=org.employee, identifier="tok-asker", platform="android")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        question = services.question_ask(
            asker=org.employee, recipient="communications", text="Hvornår kommer bladet?"
        )
    # Then one push delivery is queued for communications' device (none for the asker's), and
    # handing it to the broker waits for the commit
    deliveries = Delivery.objects.filter(notification__data__question_id=str(question.pk))
    assert list(deliveries.values_list("user_id", "channel", "status")) == [
        (org.comms.pk, "push", "queued")
    ]
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("asker", "body", "status"),
    [
        ("preboarder", {"recipient": "leader", "text": "Hej"}, 403),
        ("preboarder", {"recipient": "communications", "text": "Hej"}, 403),
        ("loner", {"recipient": "leader", "text": "Hvem er min leder?"}, 409),
        ("employee", {"recipient": "hr", "text": ""}, 400),
        ("employee", {"recipient": "direktionen", "text": "Hej"}, 400),
    ],
)
def test_a_refused_question_tells_no_one(org, client_for, asker, body, status):
    people = {
        "preboarder": lambda: UserFactory(
            unit=org.team_a, start_date=timezone.localdate() + timedelta(days=7)
        ),
        "loner": lambda: UserFactory(unit=org.root),
        "employee": lambda: org.employee,
    }
    response = client_for(people[asker]()).post(QUESTIONS, body, format="json")
    assert response.status_code == status
    assert not Question.objects.exists()
    assert not Notification.objects.exists()


def test_a_preboarders_question_to_hr_tells_hr(org, client_for):
    hire = UserFactory(
        name="Sofie Holm", unit=org.team_a, start_date=timezone.localdate() + timedelta(days=7)
    )
    response = client_for(hire).post(
        QUESTIONS, {"recipient": "hr", "text": "Hvad skal jeg have på?"}, format="json"
    )
    assert response.status_code == 201
    question = Question.objects.get()
    assert _told(question) == {org.hr.pk}
    _assert_nameless(Notification.objects.get(), "Sofie Holm", org.team_a.name)
