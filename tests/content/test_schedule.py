"""Scheduled publishing through the beat task, with a frozen clock; the publish hook."""

import datetime as dt
import logging

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from content import services, tasks
from content.models import Post, PostStatus

from .factories import PostFactory

PUBLISH_AT = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)
BEAT_SECONDS = settings.CELERY_BEAT_SCHEDULE["content-publish-due-posts"]["schedule"]


def _beat_ticks(start: dt.datetime, end: dt.datetime):
    moment = start
    while moment <= end:
        yield moment
        moment += dt.timedelta(seconds=BEAT_SECONDS)


def test_scheduled_post_is_published_by_the_beat_task_within_a_minute_of_its_time(
    org, api, caplog, django_capture_on_commit_callbacks
):
    # Given a post scheduled for 08:00 Copenhagen time, written a day before
    with time_machine.travel(PUBLISH_AT - dt.timedelta(days=1), tick=False):
        post = PostFactory(author=org.comms, title="Nyt fra direktionen", publish=False)
        response = api(org.comms).post(
            f"/api/v1/posts/{post.pk}/publish/",
            {"publish_at": "2026-12-01T08:00:00+01:00"},
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "scheduled"

    # When beat runs the task every 30 s from 10 minutes before until the post is out
    caplog.set_level(logging.INFO, logger="bro.content.announce")
    published_at_tick = None
    for tick in _beat_ticks(
        PUBLISH_AT - dt.timedelta(minutes=10), PUBLISH_AT + dt.timedelta(minutes=2)
    ):
        with (
            time_machine.travel(tick, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.publish_due_posts.delay()
        post.refresh_from_db()
        if post.status == PostStatus.PUBLISHED:
            published_at_tick = tick
            break
        assert tick < PUBLISH_AT, "still not published after its time"

    # Then it went out at the first tick at or after its time, within a minute, announced once
    assert published_at_tick is not None
    assert dt.timedelta(0) <= post.published_at - PUBLISH_AT < dt.timedelta(minutes=1)
    assert post.published_at == published_at_tick
    announced = [
        r for r in caplog.records if r.getMessage() == f"post published: post_id={post.pk}"
    ]
    assert len(announced) == 1


def test_running_the_beat_task_again_publishes_nothing_twice(
    org, caplog, django_capture_on_commit_callbacks
):
    # Given a scheduled post that the task has already published
    with time_machine.travel(PUBLISH_AT - dt.timedelta(days=1), tick=False):
        post = PostFactory(author=org.comms, publish=False)
        services.post_publish(actor=org.comms, post=post, publish_at=PUBLISH_AT)
    caplog.set_level(logging.INFO, logger="bro.content.announce")
    with time_machine.travel(PUBLISH_AT + dt.timedelta(seconds=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.posts_publish_due()
        published_at = Post.objects.get(pk=post.pk).published_at

    # When the task runs again (beat firing twice, a redelivered message)
    with (
        time_machine.travel(PUBLISH_AT + dt.timedelta(seconds=35), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = services.posts_publish_due()
        third = services.post_publish_scheduled(post_id=post.pk)

    # Then nothing changes and the hook ran once
    assert (first, second, third) == ([post.pk], [], False)
    assert Post.objects.get(pk=post.pk).published_at == published_at
    assert sum("post published" in r.getMessage() for r in caplog.records) == 1


def test_publishing_writes_the_notification_in_the_same_transaction(org, api, caplog):
    from push.models import Notification

    # Given a draft
    post = PostFactory(author=org.comms, publish=False)
    caplog.set_level(logging.INFO, logger="bro.content.announce")

    # When it is published now through the API
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/publish/", {})

    # Then it is published and its notification exists with it, announced exactly once
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert Notification.objects.filter(dedup_key=f"post:{post.pk}:published").count() == 1
    assert [r.getMessage() for r in caplog.records if "post published" in r.getMessage()] == [
        f"post published: post_id={post.pk}"
    ]


def test_a_publish_that_rolls_back_leaves_no_notification(org):
    from django.db import transaction

    from push.models import Notification

    post = PostFactory(author=org.comms, publish=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_publish(actor=org.comms, post=post)
        raise RuntimeError("the request failed after publishing")
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT
    assert not Notification.objects.filter(dedup_key=f"post:{post.pk}:published").exists()


def test_unscheduling_takes_a_post_back_to_draft_and_the_task_leaves_it(org, api):
    post = PostFactory(author=org.comms, publish=False)
    services.post_publish(
        actor=org.comms, post=post, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/unschedule/")
    assert response.status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        assert services.posts_publish_due() == []
    post.refresh_from_db()
    assert (post.status, post.publish_at, post.published_at) == (PostStatus.DRAFT, None, None)
