"""The benchmark generator at a tiny scale: it builds the rows the services build."""

import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from rest_framework.test import APIClient

from bench.auth import session_tokens
from bench.generate import BURST_SURVEY_TITLE, TINY, generate
from content.models import Post, PostKind, PostStatus, ReadReceipt
from content.rendering import render_markdown
from onboarding.models import Journey
from org.models import STAFF_ROLES, LeaderScope, OrgUnit, Role, User
from org.selectors import audience_members
from push.models import Device
from surveys import demo as survey_demo
from surveys import services as survey_services
from surveys.models import (
    Answer,
    AnswerChoice,
    Invitation,
    Participation,
    QuestionKind,
    Response,
    Survey,
    Wave,
)

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def built(db):
    return generate(seed=1, size=TINY, now=NOW, stdout=io.StringIO())


def test_builds_the_asked_size(built):
    # Given the tiny size / When generated / Then every table has what was asked for
    assert OrgUnit.objects.count() == TINY.units
    assert OrgUnit.objects.order_by("-depth").first().depth == 4
    assert User.objects.count() == TINY.employees
    assert Post.objects.count() == TINY.posts
    assert Device.objects.count() == TINY.devices
    assert Journey.objects.count() == TINY.journeys
    assert Wave.objects.count() == 2 * TINY.waves + 1
    assert ReadReceipt.objects.count() == built.counts["read_receipts"]
    assert abs(built.counts["read_receipts"] - TINY.receipts) <= TINY.receipts * 0.05
    assert Answer.objects.count() == built.counts["answers"]
    assert AnswerChoice.objects.count() == built.counts["answer_choices"]


def test_unit_paths_are_the_services_paths(built):
    for unit in OrgUnit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert (unit.path, unit.depth) == (expected, unit.parent.depth + 1 if unit.parent else 0)


def test_people_are_as_user_invite_makes_them(built):
    for person in User.objects.prefetch_related("roles"):
        person.full_clean(exclude=["password"])
        assert Role.EMPLOYEE in person.role_set
        assert person.is_staff == bool(person.role_set & STAFF_ROLES)
        assert person.is_superuser == (Role.ADMIN in person.role_set)
        assert not person.has_usable_password()
    leaders = set(User.objects.filter(roles__role=Role.LEADER).values_list("pk", flat=True))
    assert leaders == set(LeaderScope.objects.values_list("leader_id", flat=True))
    assert len(leaders) == built.counts["leaders"] > 0


def test_posts_pass_the_models_checks_and_render_like_the_service(built):
    for post in Post.objects.all():
        post.full_clean(exclude=["author", "audience", "unit"])
        assert post.body_html == render_markdown(post.body)
        if post.status != PostStatus.DRAFT:
            assert post.publish_at == post.published_at == post.updated_at
        if post.kind == PostKind.ALERT:
            assert post.requires_acknowledgement
    kinds = {row["kind"] for row in Post.objects.values("kind")}
    assert kinds >= {PostKind.NEWS, PostKind.MINUTES, PostKind.EVENT, PostKind.PAGE}


def test_audiences_of_every_kind(built):
    audiences = Post.objects.values_list("audience", flat=True)
    from org.models import Audience

    rules = Audience.objects.filter(pk__in=audiences).aggregate(
        everyone=Count("pk", filter=F("everyone")),
        units=Count("unit_rules", distinct=True),
        roles=Count("role_rules", distinct=True),
        titles=Count("job_title_rules", distinct=True),
        people=Count("people", distinct=True),
    )
    assert all(count > 0 for count in rules.values()), rules


def test_receipts_belong_to_the_audience_and_acknowledge_after_reading(built):
    for post in Post.objects.annotate(n=Count("receipts")).filter(n__gt=0):
        members = set(audience_members(audience=post.audience).values_list("pk", flat=True))
        readers = set(post.receipts.values_list("user_id", flat=True))
        assert readers <= members
        assert post.status != PostStatus.DRAFT
    assert not ReadReceipt.objects.filter(acknowledged_at__lt=F("read_at")).exists()
    assert not ReadReceipt.objects.filter(
        acknowledged_at__isnull=False, post__requires_acknowledgement=False
    ).exists()


def test_survey_rows_are_stored_as_response_submit_stores_them(built):
    for wave in Wave.objects.exclude(survey__title=BURST_SURVEY_TITLE):
        invited = Counter(Invitation.objects.filter(wave=wave).values_list("unit_id", flat=True))
        answered = Counter(Response.objects.filter(wave=wave).values_list("unit_id", flat=True))
        assert all(answered[unit] <= invited[unit] for unit in answered)
        # Everyone who had started by the opening day: the new hires start around now, so a
        # wave that opened before a hire's first day does not invite them (pre-boarding).
        opening_day = timezone.localdate(wave.opens_at)
        started = User.objects.exclude(start_date__gt=opening_day).values_list("pk", flat=True)
        invitees = Invitation.objects.filter(wave=wave).values_list("user_id", flat=True)
        assert set(invitees) == set(started)
        assert wave.invited_count == sum(invited.values()) == len(started) > 0
        assert Participation.objects.filter(wave=wave).count() == sum(answered.values()) > 0
        assert wave.status == Wave.Status.CLOSED
    burst = Wave.objects.get(survey__title=BURST_SURVEY_TITLE)
    preboarding = burst.invitations.filter(user__start_date__gt=timezone.localdate(burst.opens_at))
    assert burst.invitations.exists() and not preboarding.exists()
    assert not Answer.objects.exclude(wave=F("response__wave")).exists()
    assert not Answer.objects.exclude(unit=F("response__unit")).exists()
    assert not AnswerChoice.objects.exclude(unit=F("answer__unit")).exists()
    assert not AnswerChoice.objects.exclude(question=F("answer__question")).exists()
    assert not Response.objects.filter(respondent__isnull=False).exists()


def test_answer_rows_have_the_shape_of_a_submitted_response(built):
    # Given a response submitted through the service to the open burst wave
    wave = Wave.objects.get(survey__title=BURST_SURVEY_TITLE)
    survey = Survey.objects.prefetch_related("questions__options").get(pk=wave.survey_id)
    person = User.objects.filter(survey_invitations__wave=wave).order_by("pk").first()
    import random

    given = survey_demo._answers(survey, rng=random.Random(3), culture=0.0, progress=0.5)
    survey_services.response_submit(wave=wave, user=person, answers=given, now=NOW)

    # When the stored answers are compared per question kind with generated ones
    def shapes(answers):
        return {
            (a.question.kind, a.value is None, a.is_correct is None, a.text == "", a.n)
            for a in answers.select_related("question").annotate(n=Count("choices"))
            if a.question.kind != QuestionKind.FREE_TEXT
        }

    made = shapes(Answer.objects.filter(wave=wave))
    generated = shapes(Answer.objects.filter(wave__survey__title=survey.title.split(" (")[0]))
    generated |= shapes(Answer.objects.exclude(wave=wave))

    # Then every shape the service made is one the generator makes too
    assert made <= generated


def test_the_endpoints_work_over_the_generated_rows(built):
    # Given tokens made by the benchmark for a deep-unit employee, communications and a leader
    deep = User.objects.filter(unit__depth=4).order_by("pk").first()
    comms = User.objects.filter(roles__role=Role.COMMUNICATIONS).order_by("pk").first()
    leader = LeaderScope.objects.filter(unit__depth=2).order_by("pk").first().leader
    tokens = session_tokens([deep, comms, leader])

    def get(user, path):
        client = APIClient()
        client.credentials(HTTP_X_SESSION_TOKEN=tokens[user.pk])
        return client.get(path)

    # When the feed is read / Then it lists what the selectors say, with the read flags
    feed = get(deep, "/api/v1/feed/?page_size=100")
    assert feed.status_code == 200
    items = feed.json()["results"]
    read = set(ReadReceipt.objects.filter(user=deep).values_list("post_id", flat=True))
    assert [i["id"] for i in items if i["is_read"]] == [i["id"] for i in items if i["id"] in read]
    assert len(items) > 0

    # When results are read / Then the whole organisation counts every response of the wave
    survey = Survey.objects.exclude(title=BURST_SURVEY_TITLE).order_by("pk").first()
    results = get(comms, f"/api/v1/surveys/{survey.pk}/results/")
    assert results.status_code == 200
    body = results.json()
    latest = Wave.objects.filter(survey=survey).order_by("-number").first()
    root = next(u for u in body["units"] if u["unit"]["id"] == OrgUnit.objects.get(depth=0).pk)
    assert body["wave"]["id"] == latest.pk
    assert len(body["trend"]) == TINY.waves
    assert root["shown"] is True
    assert root["respondents"] == Response.objects.filter(wave=latest).count()
    assert get(leader, f"/api/v1/surveys/{survey.pk}/results/").status_code == 200


def _fingerprint() -> tuple:
    return (
        tuple(sorted(OrgUnit.objects.values_list("name", "depth", "parent__name"))),
        tuple(User.objects.order_by("employee_number").values_list("name", "unit__name")),
        tuple(Post.objects.order_by("published_at", "title").values_list("title", "kind")),
        tuple(
            ReadReceipt.objects.values("user__employee_number")
            .annotate(n=Count("pk"))
            .order_by("user__employee_number")
            .values_list("user__employee_number", "n")
        ),
        tuple(
            Answer.objects.values("value")
            .annotate(n=Count("pk"))
            .order_by("value")
            .values_list("value", "n")
        ),
    )


def test_the_same_seed_gives_the_same_rows(db):
    prints = []
    for _ in range(2):
        with transaction.atomic():
            generate(seed=7, size=TINY, now=NOW, stdout=io.StringIO())
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
