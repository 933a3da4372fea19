"""The demo's moments: what happens by itself a few minutes after `./bro run` starts."""

import datetime as dt
import io

import time_machine
from django.utils import timezone

from content import demo as content_demo
from content import services as content_services
from content.models import Post, PostStatus
from org.services import audience_create
from surveys import demo as surveys_demo
from surveys import services as surveys_services
from surveys.models import Survey, Wave

T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def test_a_scheduled_post_goes_out_three_minutes_after_the_demo_was_built(org):
    with time_machine.travel(T0, tick=False) as clock:
        # Given the demo's moments, built twice (seed_demo is run again and again)
        content_demo.build_moments(stdout=io.StringIO())
        content_demo.build_moments(stdout=io.StringIO())
        post = Post.objects.get(title=content_demo.SCHEDULED_TITLE)
        assert (post.status, post.publish_at) == (
            PostStatus.SCHEDULED,
            T0 + dt.timedelta(minutes=3),
        )

        # When the publish job runs before and at its time
        clock.move_to(T0 + dt.timedelta(minutes=2, seconds=59))
        before = content_services.posts_publish_due()
        clock.move_to(T0 + dt.timedelta(minutes=3))
        at = content_services.posts_publish_due()

    # Then it is published once, at its time
    assert (before, at) == ([], [post.pk])
    assert Post.objects.filter(title=content_demo.SCHEDULED_TITLE).count() == 1


def test_the_scheduled_post_reaches_the_employee_s_feed_once_published(org, api):
    def feed_titles():
        response = api(org.employee).get("/api/v1/feed/")
        assert response.status_code == 200
        return [item["title"] for item in response.json()["results"]]

    with time_machine.travel(T0, tick=False) as clock:
        # Given the demo's scheduled post
        content_demo.build_moments(stdout=io.StringIO())
        before = feed_titles()

        # When the periodic publish job runs at its time (./bro run's beat runs it every 30 s)
        clock.move_to(T0 + dt.timedelta(minutes=3))
        content_services.posts_publish_due()
        after = feed_titles()

    # Then the employee's feed shows it, and did not before
    assert content_demo.SCHEDULED_TITLE not in before
    assert content_demo.SCHEDULED_TITLE in after


def test_the_weekly_pulse_opens_at_the_first_tick_and_the_employee_can_answer(org, api):
    audience_create(created_by=org.comms, name=surveys_demo.AUDIENCE_NAME, everyone=True)
    with time_machine.travel(T0, tick=False):
        surveys_demo.build_moments(stdout=io.StringIO())
        surveys_demo.build_moments(stdout=io.StringIO())
        opened = surveys_services.waves_open_due(now=timezone.now())
        response = api(org.employee).get("/api/v1/surveys/open/")

    survey = Survey.objects.get(title=surveys_demo.WEEKLY_TITLE)
    wave = Wave.objects.get(survey=survey)
    assert opened == [wave.pk]
    assert [item["id"] for item in response.json()["results"]] == [wave.pk]
