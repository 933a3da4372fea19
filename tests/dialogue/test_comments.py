"""Comments, replies, editing, deleting, open/closed by kind, reactions, limits, notifications."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from content.models import PostKind
from dialogue import services
from dialogue.models import Comment, PostDialogue, Reaction
from push.models import Notification, Recipient
from tests.content.factories import PostFactory
from tests.factories import UserFactory

from .conftest import comments_url

NOON = datetime(2026, 11, 30, 11, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_window():
    # One batch window (an hour) and one rate-limit window for the whole test; clock running.
    with time_machine.travel(NOON):
        yield


def test_a_comment_and_a_reply_are_listed_as_one_thread(org, news, client_for):
    # Given a comment by the employee
    employee = client_for(org.employee)
    first = employee.post(comments_url(news), {"text": "Godt nyt!"}, format="json")
    assert first.status_code == 201
    # When the other employee replies to it
    reply = client_for(org.other_employee).post(
        comments_url(news), {"text": "Enig.", "parent": first.json()["id"]}, format="json"
    )
    assert reply.status_code == 201
    # Then the list has one thread with the reply inside, mine marked
    body = employee.get(comments_url(news)).json()
    assert body["comments_open"] is True
    assert body["count"] == 1
    [thread] = body["results"]
    assert thread["text"] == "Godt nyt!"
    assert thread["html"] == "Godt nyt!"
    assert thread["author"] == {"id": org.employee.pk, "name": "Mette Hansen"}
    assert thread["mine"] is True
    assert thread["can_moderate"] is False
    assert [(r["text"], r["author"]["name"], r["mine"]) for r in thread["replies"]] == [
        ("Enig.", "Jens Nielsen", False)
    ]


def test_a_reply_to_a_reply_is_refused(org, news, client_for):
    top = services.comment_create(author=org.employee, post=news, text="Et")
    reply = services.comment_create(author=org.other_employee, post=news, text="To", parent=top)
    response = client_for(org.employee).post(
        comments_url(news), {"text": "Tre", "parent": reply.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "too_deep"
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "extra", "open_"),
    [
        (PostKind.NEWS, {}, True),
        (PostKind.PAGE, {}, False),
        (PostKind.ALERT, {"requires_acknowledgement": True}, False),
        (PostKind.MINUTES, {"meeting_date": date(2026, 11, 28), "meeting_name": "MED"}, False),
    ],
)
def test_comments_are_open_by_default_on_news_only_not_on_alerts_or_minutes(
    org, client_for, kind, extra, open_
):
    post = PostFactory(author=org.comms, kind=kind, unit=org.unit_a, **extra)
    response = client_for(org.employee).post(comments_url(post), {"text": "Hej"}, format="json")
    assert response.status_code == (201 if open_ else 409)
    assert Comment.objects.count() == (1 if open_ else 0)


def test_the_writer_closes_and_opens_comments(org, news, client_for):
    url = f"/api/v1/posts/{news.pk}/comment-settings/"
    comms = client_for(org.comms)
    assert comms.patch(url, {"comments_open": False}, format="json").json() == {
        "comments_open": False
    }
    employee = client_for(org.employee)
    closed = employee.post(comments_url(news), {"text": "Hej"}, format="json")
    assert (closed.status_code, closed.json()["code"]) == (409, "closed")
    assert employee.get(comments_url(news)).json()["comments_open"] is False
    # An addressee who does not manage the post cannot change it
    assert employee.patch(url, {"comments_open": True}, format="json").status_code == 404
    assert PostDialogue.objects.get(post=news).comments_open is False


def test_a_comment_can_be_edited_for_15_minutes_then_not(org, news, client_for):
    client = client_for(org.employee)
    comment_id = client.post(comments_url(news), {"text": "Førsd"}, format="json").json()["id"]
    url = f"/api/v1/comments/{comment_id}/"
    with time_machine.travel(NOON + timedelta(minutes=14, seconds=50)):
        edited = client.patch(url, {"text": "Først"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["text"] == "Først"
    assert edited.json()["edited_at"] is not None
    with time_machine.travel(NOON + timedelta(minutes=15, seconds=10)):
        late = client.patch(url, {"text": "Senere"}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "edit_window_passed")
    assert Comment.objects.get(pk=comment_id).text == "Først"


def test_only_the_author_deletes_and_the_deleted_comment_keeps_its_place(org, news, client_for):
    top = services.comment_create(author=org.employee, post=news, text="Hemmeligt")
    services.comment_create(author=org.other_employee, post=news, text="Svar", parent=top)
    other = client_for(org.other_employee)
    assert other.delete(f"/api/v1/comments/{top.pk}/").status_code == 403
    assert Comment.objects.get(pk=top.pk).text == "Hemmeligt"
    assert client_for(org.employee).delete(f"/api/v1/comments/{top.pk}/").status_code == 204
    [thread] = other.get(comments_url(news)).json()["results"]
    assert (thread["deleted"], thread["text"], thread["html"]) == (True, "", "")
    assert [r["text"] for r in thread["replies"]] == ["Svar"]
    assert Comment.objects.get(pk=top.pk).text == ""


def test_pre_boarders_cannot_comment_or_react(org, news, client_for):
    hire = UserFactory(name="Sofie Holm", unit=org.team_a, start_date=date(2026, 12, 14))
    client = client_for(hire)
    response = client.post(comments_url(news), {"text": "Hej"}, format="json")
    assert response.status_code == 403
    reaction = client.put(f"/api/v1/posts/{news.pk}/reactions/", {"kind": "heart"}, format="json")
    assert reaction.status_code == 403
    assert (Comment.objects.count(), Reaction.objects.count()) == (0, 0)
    # And the service refuses them too, whoever calls it
    with pytest.raises(services.PermissionDeniedError):
        services.comment_create(author=hire, post=news, text="Hej")


def test_reactions_count_per_kind_and_one_per_person(org, news, client_for):
    url = f"/api/v1/posts/{news.pk}/reactions/"
    employee = client_for(org.employee)
    employee.put(url, {"kind": "heart"}, format="json")
    client_for(org.leader).put(url, {"kind": "heart"}, format="json")
    # The employee changes their mind: still one reaction each
    body = employee.put(url, {"kind": "clap"}, format="json").json()
    assert body == {"counts": {"thumbs_up": 0, "heart": 1, "clap": 1, "smile": 0}, "mine": "clap"}
    bad = employee.put(url, {"kind": "angry"}, format="json")
    assert bad.status_code == 400
    assert employee.delete(url).json() == {
        "counts": {"thumbs_up": 0, "heart": 1, "clap": 0, "smile": 0},
        "mine": None,
    }


def test_the_writer_is_notified_once_per_window_and_the_commenter_of_a_reply(org, news):
    # Given two comments within the hour and a third the next hour
    first = services.comment_create(author=org.employee, post=news, text="Et")
    services.comment_create(author=org.other_employee, post=news, text="To")
    with time_machine.travel(NOON + timedelta(hours=1)):
        services.comment_create(author=org.leader, post=news, text="Tre")
    # Then the writer got two notifications, not three
    to_writer = Recipient.objects.filter(user=org.comms, notification__data__type="comments")
    assert to_writer.count() == 2
    assert set(to_writer.values_list("notification__title", flat=True)) == {
        "Nye kommentarer til dit opslag"
    }
    # When the leader replies to the employee's comment (and the employee answers themself)
    services.comment_create(author=org.leader, post=news, text="Tak", parent=first)
    services.comment_create(author=org.employee, post=news, text="Selv tak", parent=first)
    # Then the employee was told once, with the replier's name
    [note] = Notification.objects.filter(recipients__user=org.employee, data__type="comment_reply")
    assert note.title == "Nyt svar på din kommentar"
    assert note.params == {"name": "Lone Jensen", "title": "Ny kantine"}
    assert note.data == {
        "type": "comment_reply",
        "post_id": str(news.pk),
        "comment_id": str(Comment.objects.get(text="Tak").pk),
    }


def test_comments_are_limited_per_person(org, news, client_for, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict(api_settings.DEFAULT_THROTTLE_RATES) | {"comment": "2/min"},
    }
    client = client_for(org.employee)
    statuses = [
        client.post(comments_url(news), {"text": f"Nr. {n}"}, format="json").status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Comment.objects.count() == 2
    # Another person is not held back by the first one's limit
    other = client_for(org.other_employee).post(comments_url(news), {"text": "Hej"}, format="json")
    assert other.status_code == 201
