"""A client nobody here wrote: openapi-python-client generates one from the live /api/schema/.

The staff app's main flows then run through it against a live test server with the demo data:
feed and paging, read, acknowledge, RSVP, the event's .ics, register a device, preferences, my
journey, complete a step, take a quiz, answer a survey (and the 409 on a second answer), export
my data. Every answer is parsed by the generated models (an undocumented status raises), and
every documented error comes back as the documented `Error` model.
"""

import datetime as dt
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import time_machine
from django.core.management import call_command
from django.utils import timezone

from org.models import User
from surveys import services as surveys_services
from tests.conftest import login_token

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "bro_generated_client"
T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)  # a Wednesday morning


def _generate(schema_url: str, where: Path):
    """Fetch the live schema, generate the client into `where`, and import it."""
    schema = requests.get(schema_url, headers={"Accept": "application/json"}, timeout=30)
    assert schema.status_code == 200
    (where / "schema.json").write_text(json.dumps(schema.json()))
    bin_dir = str(GENERATOR.parent)  # the generator formats its output with this venv's ruff
    result = subprocess.run(
        [
            *(str(GENERATOR), "generate", "--meta", "none"),
            *("--path", str(where / "schema.json"), "--output-path", str(where / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(where)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(where))
    return importlib.import_module(PACKAGE)


def _answers_for(wave) -> list:
    from bro_generated_client.models import AnswerInputRequest, QuestionKindEnum

    answers = []
    for question in wave.questions:
        if question.kind == QuestionKindEnum.LIKERT:
            answers.append(AnswerInputRequest(question=question.id, value=4))
        elif question.kind == QuestionKindEnum.SCALE:
            answers.append(AnswerInputRequest(question=question.id, value=8))
        elif question.kind == QuestionKindEnum.FREE_TEXT:
            answers.append(AnswerInputRequest(question=question.id, text="Godt at blive spurgt."))
        else:
            answers.append(
                AnswerInputRequest(question=question.id, options=[question.options[0].id])
            )
    return answers


@pytest.fixture
def demo_clock():
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


def test_the_staff_flows_through_a_generated_client(live_server, tmp_path, demo_clock):
    # Given the demo municipality, and a client generated from the live schema
    call_command("seed_demo", stdout=io.StringIO())
    # The beat's first tick, as ./bro run's: the weekly pulse opens for everyone
    assert surveys_services.waves_open_due(now=timezone.now())
    employee = User.objects.get(pk=_demo_employee())
    new_hire = User.objects.get(employee_number="SK09999")
    client_module = _generate(f"{live_server.url}/api/schema/", tmp_path)
    from bro_generated_client import AuthenticatedClient
    from bro_generated_client.api.feed import feed_retrieve
    from bro_generated_client.api.me import me_export_retrieve
    from bro_generated_client.api.onboarding import (
        onboarding_my_journey_retrieve,
        onboarding_steps_complete_create,
    )
    from bro_generated_client.api.posts import (
        posts_acknowledge_create,
        posts_event_ics_retrieve,
        posts_retrieve,
        posts_rsvp_create,
    )
    from bro_generated_client.api.push import (
        push_devices_create,
        push_preferences_partial_update,
        push_preferences_retrieve,
    )
    from bro_generated_client.api.surveys import surveys_open_list, surveys_waves_responses_create
    from bro_generated_client.models import (
        Acknowledgement,
        Device,
        DeviceRegisterRequest,
        Error,
        FeedPage,
        MyJourneyResponse,
        PaginatedOpenWaveList,
        PatchedPreferenceUpdateRequest,
        PlatformEnum,
        PostDetail,
        PostKindEnum,
        Preference,
        ResponseInputRequest,
        ResponseReceipt,
        RsvpAnswerEnum,
        RsvpInputRequest,
        RsvpResult,
        StepCompleteInputRequest,
        StepCompleteInputRequestAnswersType0,
        StepCompleteResult,
        StepKindEnum,
        StepStatusEnum,
    )

    assert client_module.__name__ == PACKAGE

    def client_for(user) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url=live_server.url,
            token=login_token(user),
            prefix="",
            auth_header_name="X-Session-Token",
            raise_on_unexpected_status=True,
        )

    staff = client_for(employee)

    # Feed and paging: two pages of two, no post twice
    first = feed_retrieve.sync(client=staff, page_size=2)
    assert isinstance(first, FeedPage) and len(first.results) == 2 and first.next_
    cursor = first.next_.split("cursor=")[1].split("&")[0]
    second = feed_retrieve.sync(client=staff, page_size=2, cursor=requests.utils.unquote(cursor))
    assert isinstance(second, FeedPage)
    assert {p.id for p in first.results}.isdisjoint({p.id for p in second.results})

    # Read a post, and acknowledge a must-read
    everything = feed_retrieve.sync(client=staff, page_size=100)
    post = posts_retrieve.sync(id=everything.results[0].id, client=staff)
    assert isinstance(post, PostDetail) and post.id == everything.results[0].id
    must_read = next(p for p in everything.results if p.requires_acknowledgement)
    acknowledged = posts_acknowledge_create.sync(id=must_read.id, client=staff)
    assert isinstance(acknowledged, Acknowledgement) and acknowledged.post_id == must_read.id

    # RSVP to an event, and fetch its calendar file
    event = next(p for p in everything.results if p.kind == PostKindEnum.EVENT)
    rsvp = posts_rsvp_create.sync(
        id=event.id, client=staff, body=RsvpInputRequest(answer=RsvpAnswerEnum.YES)
    )
    assert isinstance(rsvp, RsvpResult) and rsvp.answer == RsvpAnswerEnum.YES
    ics = posts_event_ics_retrieve.sync(id=event.id, client=staff)
    assert isinstance(ics, str) and ics.startswith("BEGIN:VCALENDAR")

    # A post that does not exist is the documented 404, as the documented Error model
    missing = posts_retrieve.sync(id=10**9, client=staff)
    assert isinstance(missing, Error) and missing.code == "not_found"

    # Register a device, read and change the preferences
    device = push_devices_create.sync(
        client=staff,
        body=DeviceRegisterRequest(platform=PlatformEnum.ANDROID, token="generated-client-1"),
    )
    assert isinstance(device, Device)
    preferences = push_preferences_retrieve.sync(client=staff)
    assert isinstance(preferences, Preference)
    changed = push_preferences_partial_update.sync(
        client=staff, body=PatchedPreferenceUpdateRequest(quiet_hours=None)
    )
    assert isinstance(changed, Preference) and changed.quiet_hours is None

    # Answer the open survey; a second answer is the documented 409
    waves = surveys_open_list.sync(client=staff)
    assert isinstance(waves, PaginatedOpenWaveList) and waves.results
    wave = waves.results[0]
    body = ResponseInputRequest(answers=_answers_for(wave))
    receipt = surveys_waves_responses_create.sync(wave_id=wave.id, client=staff, body=body)
    assert isinstance(receipt, ResponseReceipt)
    again = surveys_waves_responses_create.sync(wave_id=wave.id, client=staff, body=body)
    assert isinstance(again, Error) and again.code == "already_answered"

    # Export my data
    export = me_export_retrieve.sync_detailed(client=staff)
    assert export.status_code == 200 and json.loads(export.content)

    # The new hire's journey: complete a task step, and take a quiz
    hire = client_for(new_hire)
    journey = onboarding_my_journey_retrieve.sync(client=hire)
    assert isinstance(journey, MyJourneyResponse) and journey.journeys
    steps = [s for j in journey.journeys for s in j.steps]
    open_steps = [s for s in steps if s.status == StepStatusEnum.OPEN and not s.locked]
    task = next(s for s in open_steps if s.kind != StepKindEnum.QUIZ)
    done = onboarding_steps_complete_create.sync(id=task.id, client=hire)
    assert isinstance(done, StepCompleteResult) and done.step.status == StepStatusEnum.DONE
    quiz = next(s for s in steps if s.kind == StepKindEnum.QUIZ)
    if quiz.requires not in (None, task.id):  # the quiz opens once the step before it is done
        required = onboarding_steps_complete_create.sync(id=quiz.requires, client=hire)
        assert isinstance(required, StepCompleteResult)
    answers = StepCompleteInputRequestAnswersType0()
    for question in quiz.quiz:
        answers[str(question.id)] = [question.options[0].id]
    taken = onboarding_steps_complete_create.sync(
        id=quiz.id, client=hire, body=StepCompleteInputRequest(answers=answers)
    )
    assert isinstance(taken, StepCompleteResult) and taken.quiz_result is not None
    assert taken.step.attempt_count == 1


def _demo_employee() -> int:
    """The demo's plain employee login: the first active person with only the employee role."""
    from org.models import UserRole

    others = UserRole.objects.exclude(role="employee").values("user_id")
    return (
        User.objects.filter(is_active=True, email__isnull=False, unit__isnull=False)
        .exclude(pk__in=others)
        .exclude(employee_number="SK09999")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
