"""Trust fixtures: API clients holding a session token made directly, without the login flow.

The matrix and the fuzzer call hundreds of endpoints as ten people; logging each in through
allauth's code flow would cost more than the calls. bench.auth.session_tokens writes the same
session row allauth's login writes, so the token is one the API accepts like any other.
"""

import pytest
from rest_framework.test import APIClient

from bench.auth import session_tokens


def token_for(user) -> str:
    return session_tokens([user])[user.pk]


@pytest.fixture
def client_for(db):
    """client_for(user) is an APIClient with a fresh session token for `user`; () is anonymous."""

    def make(user=None, **headers) -> APIClient:
        client = APIClient(**headers)
        if user is not None:
            client.credentials(HTTP_X_SESSION_TOKEN=token_for(user))
        return client

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    """The org fixture plus one of each object the API serves, in unit A and in unit B."""


@pytest.fixture
def world(org):
    """Objects every route needs: `*_a` belong to unit A (the leader's), `*_b` to unit B."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from content import services as content_services
    from content.models import PostKind
    from onboarding import services as onboarding_services
    from onboarding.models import Doer, StepKind
    from org import services as org_services
    from org.models import User
    from push import alerts
    from push import services as push_services
    from push.models import Category
    from tests.content.conftest import PNG_BYTES
    from tests.factories import UserFactory
    from tests.onboarding.factories import TrackFactory, step
    from tests.push.factories import DeviceFactory
    from tests.surveys.factories import make_survey, open_wave

    w = World()
    w.org = org
    w.buddy = UserFactory(name="Bente Makker", unit=org.team_a)
    # A colleague of unit A who has started: pre-boarders (hire_a) are not invited to surveys.
    w.colleague_a = UserFactory(name="Karl Berg", unit=org.team_a)
    w.deactivated = org_services.user_deactivate(
        user=UserFactory(name="Tidligere Ansat", unit=org.team_a)
    )
    soon = timezone.localdate() + timedelta(days=7)
    w.hire_a = UserFactory(name="Sofie Holm", unit=org.team_a, start_date=soon)
    w.hire_b = UserFactory(name="Ali Khan", unit=org.team_b, start_date=soon)
    w.track = TrackFactory(
        name="Social- og sundhedshjælper",
        steps=[
            step("Velkommen", -7, StepKind.ACKNOWLEDGE),
            step("Mød din leder", 0, StepKind.MEETING, meet_with="leader"),
            step("Opret i vagtplan", -3, doer=Doer.LEADER),
            step("Vis rundt på arbejdspladsen", 0, doer=Doer.BUDDY),
        ],
    )
    w.journey_a = onboarding_services.journey_assign(
        actor=org.hr, user=w.hire_a, track=w.track, buddy=w.buddy
    )
    w.journey_b = onboarding_services.journey_assign(actor=org.hr, user=w.hire_b, track=w.track)
    w.step_a = w.journey_a.steps.order_by("pk").first()
    w.step_b = w.journey_b.steps.order_by("pk").first()
    w.buddy_step_a = w.journey_a.steps.get(doer=Doer.BUDDY)

    def event(author, unit):
        post = content_services.post_create(
            author=author,
            kind=PostKind.EVENT,
            title=f"Personalemøde {unit.name}",
            body="Vi mødes.",
            place="Mødelokalet",
            starts_at=timezone.now() + timedelta(days=14),
            audience=content_services.AudienceSpec(units=[(unit, True)]),
        )
        post = content_services.post_publish(actor=author, post=post)
        upload = SimpleUploadedFile("plan.png", PNG_BYTES, content_type="image/png")
        attachment = content_services.attachment_add(actor=author, post=post, upload=upload)
        content_services.post_version_save(
            actor=author, post=post, language="en", title=f"Staff meeting {unit.name}"
        )
        return post, attachment

    w.post_a, w.attachment_a = event(org.leader, org.unit_a)
    w.post_b, w.attachment_b = event(org.other_leader, org.unit_b)
    from dialogue import services as dialogue_services

    w.comment_a = dialogue_services.comment_create(
        author=org.employee, post=w.post_a, text="Jeg kommer gerne."
    )
    w.comment_b = dialogue_services.comment_create(
        author=org.other_employee, post=w.post_b, text="Jeg tager kage med."
    )
    w.question_a = dialogue_services.question_ask(
        asker=org.employee, recipient="leader", text="Kan jeg bytte vagt?"
    )
    w.question_b = dialogue_services.question_ask(
        asker=org.other_employee, recipient="leader", text="Hvornår er der MUS?"
    )
    w.survey = make_survey(
        audience=org_services.audience_create(created_by=None, name="Alle", everyone=True),
        created_by=org.comms,
    )
    w.wave = open_wave(w.survey)
    w.alert_a = alerts.alert_send(
        sender=org.leader, title="Vandskade", body="Mød ikke ind.", units=[org.unit_a]
    )
    w.alert_b = alerts.alert_send(
        sender=org.other_leader, title="Strømsvigt", body="Mød ikke ind.", units=[org.unit_b]
    )
    push_services.notification_send(
        category=Category.NEWS, recipients=User.objects.filter(pk=org.employee.pk), title="Hej"
    )
    push_services.notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(pk=org.other_employee.pk),
        title="Hej",
    )
    from push.models import Recipient

    w.notification_a = Recipient.objects.filter(user=org.employee).latest("pk").notification_id
    w.notification_b = (
        Recipient.objects.filter(user=org.other_employee).latest("pk").notification_id
    )
    from cascade import services as cascade_services

    w.cascade = cascade_services.cascade_start(
        actor=org.comms,
        title="Ny vagtplan",
        message="Fra 1. maj bruger alle den nye vagtplan.",
        root_unit=org.root,
        deadlines=[timezone.now() + timedelta(days=n) for n in (1, 2, 3, 4)],
    )
    w.cascade_task_a = w.cascade.tasks.get(unit=org.unit_a)
    w.cascade_task_b = w.cascade.tasks.get(unit=org.unit_b)
    from cascade import questions as cascade_questions

    # A named question from each side: each lands with its own afdeling's leader.
    w.cascade_question_a = cascade_questions.question_ask(
        actor=org.employee, cascade=w.cascade, text="Hvornår starter det?", anonymous=False
    )
    w.cascade_question_b = cascade_questions.question_ask(
        actor=org.other_employee, cascade=w.cascade, text="Gælder det køkkenet?", anonymous=False
    )
    w.cascade_file = cascade_services.attachment_add(
        actor=org.comms,
        cascade=w.cascade,
        upload=SimpleUploadedFile("plan.png", PNG_BYTES, content_type="image/png"),
    )
    from followup.models import Action, FollowUp

    def followup(leader, unit):
        task = FollowUp.objects.create(
            wave=w.wave, unit=unit, leader=leader, closed_at=timezone.now()
        )
        action = Action.objects.create(
            followup=task,
            indicator="enps",
            what="Faste weekender i vagtplanen.",
            who=leader.name,
            due_on=timezone.localdate() + timedelta(days=30),
            author=leader,
            published_at=timezone.now(),
        )
        return task, action

    w.followup_a, w.action_a = followup(org.leader, org.unit_a)
    w.followup_b, w.action_b = followup(org.other_leader, org.unit_b)
    w.device_a = DeviceFactory(user=org.employee, identifier="fcm-token-employee")
    w.device_b = DeviceFactory(user=org.other_employee, identifier="fcm-token-other")
    return w
