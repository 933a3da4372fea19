"""The development server's in-process periodic jobs (`./bro run`): time moves in the demo."""

import datetime as dt

import time_machine

from backend import devbeat
from backend.devbeat import DevBeat
from content import services
from content.models import Post, PostStatus
from tests.content.factories import PostFactory

T0 = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


def test_each_job_runs_at_start_and_again_when_its_period_has_passed(org):
    # Given a post scheduled a minute ahead, and the beat with the publish job every 30 s
    with time_machine.travel(T0, tick=False) as clock:
        post = PostFactory(author=org.comms, publish=False)
        services.post_publish(actor=org.comms, post=post, publish_at=T0 + dt.timedelta(minutes=1))
        beat = DevBeat(schedule={"publish": {"task": "content.tasks.publish_due_posts",
                                             "schedule": 30.0}})  # fmt: skip

        # When the beat ticks at start, 10 s, 30 s and (after the post's time) 61 s
        ran = []
        for seconds in (0, 10, 30, 61):
            clock.move_to(T0 + dt.timedelta(seconds=seconds))
            ran.append(beat.tick(float(seconds)))
            if seconds == 30:
                assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED

    # Then the job ran at 0, 30 and 61, and the post is out
    assert ran == [["publish"], [], ["publish"], ["publish"]]
    assert beat.runs == {"publish": 3}
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_one_failing_job_does_not_stop_the_others(org):
    beat = DevBeat(schedule={
        "broken": {"task": "no.such.task", "schedule": 60.0},
        "publish": {"task": "content.tasks.publish_due_posts", "schedule": 60.0},
    })  # fmt: skip
    assert beat.tick(0.0) == ["broken", "publish"]
    assert beat.runs == {"broken": 0, "publish": 1}
    assert beat.failures == {"broken": 1, "publish": 0}


def test_the_thread_stops_when_asked(db):
    beat = DevBeat(schedule={}, tick_seconds=0.01)
    beat.start()
    beat.stop()
    beat.join(timeout=10)
    assert not beat.is_alive()


def test_with_a_broker_the_dev_server_leaves_periodic_jobs_to_celery_beat(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert devbeat.start() is None
