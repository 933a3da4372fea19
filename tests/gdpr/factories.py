"""Personal data in every app for one person, written through each app's services."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from content import services as content_services
from content.models import Post, PostKind
from onboarding import announce as onboarding_announce
from onboarding import services as onboarding_services
from onboarding.models import Journey, JourneyStep, StepKind
from org import services as org_services
from org.models import AccessLog, User
from push import services as push_services
from push.models import Category, Device
from surveys.models import Survey, Wave
from tests.content.factories import PostFactory
from tests.onboarding.factories import TrackFactory, quiz_step, step
from tests.push.factories import DeviceFactory
from tests.surveys.factories import everyone, make_survey, open_wave, people_in, respond

# A free-text answer that must never appear in the person's export or leave the results.
ANONYMOUS_TEXT = "Vagtplanen kommer alt for sent ud"


@dataclass
class History:
    devices: list[Device] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    events: list[Post] = field(default_factory=list)
    journey: Journey | None = None
    survey: Survey | None = None
    waves: list[Wave] = field(default_factory=list)


def give_history(org, person: User, *, rows: int) -> History:
    """`rows` rows of every repeating category for `person`; one preference and one journey."""
    history = History()
    comms = org.comms
    for n in range(rows):
        history.devices.append(DeviceFactory(user=person, identifier=f"zq-fcm-token-{n:04d}"))
        post = PostFactory(author=comms, title=f"Ny vagtplan {n}", requires_acknowledgement=True)
        content_services.post_read_record(post=post, user=person)
        content_services.post_acknowledge(post=post, user=person)
        history.posts.append(post)
        event = PostFactory(
            author=comms,
            kind=PostKind.EVENT,
            title=f"Sommerfest {n}",
            starts_at=timezone.now() + timedelta(days=30 + n),
        )
        content_services.event_rsvp(post=event, user=person, answer="yes")
        history.events.append(event)
        push_services.notification_send(
            category=Category.NEWS,
            recipients=User.objects.filter(pk=person.pk),
            title=gettext_noop("Ny nyhed: %(title)s"),
            params={"title": post.title},
        )
        org_services.access_log_record(
            actor=org.hr, subject_id=person.pk, what=AccessLog.What.PERSON_RECORD, purpose="Løn"
        )
    push_services.preference_update(user=person, categories={"news": False})

    track = TrackFactory(
        name="Sygepleje",
        steps=[
            step("Velkommen", -1, StepKind.ACKNOWLEDGE),
            quiz_step(
                "Kernefortællingen",
                0,
                [("Hvad er en styrke?", ["Beliggenhed", "Regn"], {"Beliggenhed"})],
            ),
        ],
    )
    history.journey = onboarding_services.journey_assign(actor=org.hr, user=person, track=track)
    quiz = JourneyStep.objects.get(journey=history.journey, kind=StepKind.QUIZ)
    question = quiz.quiz[0]
    wrong = next(o["id"] for o in question["options"] if not o["correct"])
    for _ in range(rows):
        onboarding_services.journey_step_complete(
            actor=person, step=quiz, answers={str(question["id"]): [wrong]}
        )
    # The leader is told, by name, that the person's step is overdue.
    onboarding_announce.step_overdue(
        step_id=quiz.pk,
        title=quiz.title,
        due_at=quiz.due_at,
        hire_name=person.name,
        user_ids=[org.leader.pk],
    )

    # Anonymous pulse survey: the person and five colleagues in the team answer each wave.
    colleagues = people_in(org.team_a, 5, prefix="Kollega")
    history.survey = make_survey(audience=everyone(), created_by=comms)
    for n in range(rows):
        wave = open_wave(
            history.survey, number=n + 1, opens_at=timezone.now() - timedelta(hours=n + 1)
        )
        respond(wave, [person, *colleagues], value=4, text=ANONYMOUS_TEXT)
        history.waves.append(wave)
    return history
