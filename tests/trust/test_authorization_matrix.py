"""Who may call what: every /api/v1/ route × method × role, with the status each must get.

The routes come from the URL resolver, so a new endpoint without a row fails
`test_every_route_has_a_row`. Each cell is one request with an empty body (writes answer 400
where the caller may write, 403/404 where it may not), its writes rolled back. Objects are the
world fixture's unit-A objects: the leader's unit, where `employee` and `buddy` work;
`employee_b` and `leader_b` are in unit B. HR, communications and admin sit at the top.
"""

import json

import pytest

from content.models import Post
from org.models import Role, User
from surveys.models import Response as SurveyResponse
from tests.surveys.factories import answers_for

from .matrix import ROLES, api_routes, call, path_for, unchecked

# Columns, in order: anonymous employee employee_b leader leader_b buddy hr comms admin deactivated
TABLE = {
    ("me", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("me", "patch"): "401 200 200 200 200 200 200 200 200 401",
    ("me-export", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("unit-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("unit-detail", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("person-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("person-list", "post"): "401 403 403 403 403 403 400 403 400 401",
    ("person-detail", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("person-detail", "patch"): "401 403 403 403 403 403 200 403 200 401",
    ("person-deactivate", "post"): "401 403 403 403 403 403 200 403 200 401",
    ("person-reactivate", "post"): "401 403 403 403 403 403 200 403 200 401",
    ("person-erase", "post"): "401 403 403 403 403 403 400 403 400 401",
    ("person-export", "get"): "401 403 403 403 403 403 200 403 200 401",
    ("person-record", "get"): "401 403 403 403 403 403 200 403 200 401",
    ("push-devices", "post"): "401 400 400 400 400 400 400 400 400 401",
    ("push-device", "delete"): "401 204 404 404 404 404 404 404 404 401",
    ("push-preferences", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("push-preferences", "patch"): "401 200 200 200 200 200 200 200 200 401",
    ("push-inbox", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("push-opened", "post"): "401 204 404 404 404 404 404 404 404 401",
    ("push-alerts", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("push-alerts", "post"): "401 403 403 400 400 403 403 400 400 401",
    ("push-alert", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("push-answer", "post"): "401 400 400 400 400 400 400 400 400 401",
    ("push-roll-call", "get"): "401 404 404 200 404 404 404 200 200 401",
    ("push-people", "get"): "401 404 404 200 404 404 404 200 200 401",
    ("push-sms-report", "post"): "401 401 401 401 401 401 401 401 401 401",
    ("feed", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("decisions", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("post-list", "get"): "401 403 403 200 200 403 200 200 200 401",
    ("post-list", "post"): "401 403 403 400 400 403 400 400 400 401",
    ("post-detail", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("post-detail", "patch"): "401 404 404 409 404 404 404 409 409 401",
    ("post-acknowledge", "post"): "401 400 404 400 404 400 404 404 404 401",
    ("post-archive", "post"): "401 404 404 200 404 404 404 200 200 401",
    ("post-attachment", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("post-attachment", "delete"): "401 404 404 409 404 404 404 409 409 401",
    ("post-attachments", "post"): "401 404 404 400 404 404 404 400 400 401",
    ("post-version", "put"): "401 404 404 400 404 404 404 400 400 401",
    ("post-version", "delete"): "401 404 404 204 404 404 404 204 204 401",
    ("post-version-approve", "post"): "401 404 404 200 404 404 404 200 200 401",
    ("post-version-machine-draft", "post"): "401 404 404 409 404 404 404 409 409 401",
    ("post-attendees", "get"): "401 404 404 200 404 404 404 200 200 401",
    ("post-ics", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("post-publish", "post"): "401 404 404 409 404 404 404 409 409 401",
    ("post-reach", "get"): "401 404 404 200 404 404 404 200 200 401",
    ("post-rsvp", "post"): "401 400 404 400 404 400 404 404 404 401",
    ("post-unschedule", "post"): "401 404 404 409 404 404 404 409 409 401",
    ("dialogue-post-comments", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("dialogue-post-comments", "post"): "401 400 404 400 404 400 404 400 400 401",
    ("dialogue-post-comment-settings", "patch"): "401 404 404 200 404 404 404 200 200 401",
    ("dialogue-post-reactions", "get"): "401 200 404 200 404 200 404 200 200 401",
    ("dialogue-post-reactions", "put"): "401 400 404 400 404 400 404 400 400 401",
    ("dialogue-post-reactions", "delete"): "401 200 404 200 404 200 404 200 200 401",
    # comment_a is the employee's: only they edit or delete it; they cannot report it (409).
    ("dialogue-comment", "patch"): "401 200 404 403 404 403 404 403 403 401",
    ("dialogue-comment", "delete"): "401 204 404 403 404 403 404 403 403 401",
    ("dialogue-comment-report", "post"): "401 409 404 200 404 200 404 200 200 401",
    # The post's writer (the leader, also in scope), communications and admins may hide.
    ("dialogue-comment-moderate", "post"): "401 403 404 400 404 403 404 400 400 401",
    ("dialogue-moderation", "get"): "401 403 403 403 403 403 403 200 200 401",
    # question_a is the employee's to "my leader" (unit A's leader): only they two see it; the
    # asker may close it but not answer or publish it.
    ("dialogue-questions", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("dialogue-questions", "post"): "401 400 400 400 400 400 400 400 400 401",
    ("dialogue-question-inbox", "get"): "401 403 403 200 200 403 200 200 403 401",
    ("dialogue-question", "get"): "401 200 404 200 404 404 404 404 404 401",
    ("dialogue-question-answer", "post"): "401 403 404 400 404 404 404 404 404 401",
    ("dialogue-question-close", "post"): "401 200 404 200 404 404 404 404 404 401",
    ("dialogue-question-publish", "post"): "401 403 404 400 404 404 404 404 404 401",
    ("onboarding-my-journey", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("onboarding-track-list", "get"): "401 403 403 403 403 403 200 403 200 401",
    ("onboarding-track-list", "post"): "401 403 403 403 403 403 400 403 400 401",
    ("onboarding-track-detail", "get"): "401 403 403 403 403 403 200 403 200 401",
    ("onboarding-track-detail", "patch"): "401 403 403 403 403 403 200 403 200 401",
    ("onboarding-track-steps", "put"): "401 403 403 403 403 403 400 403 400 401",
    ("onboarding-track-summary", "get"): "401 403 403 403 403 403 200 403 200 401",
    ("onboarding-journey-list", "get"): "401 403 403 200 200 403 200 403 200 401",
    ("onboarding-journey-list", "post"): "401 403 403 400 400 403 400 403 400 401",
    ("onboarding-journey-detail", "get"): "401 403 403 200 404 403 200 403 200 401",
    ("onboarding-journey-detail", "patch"): "401 403 403 200 404 403 200 403 200 401",
    ("onboarding-journey-add-step", "post"): "401 403 403 403 403 403 400 403 400 401",
    ("onboarding-journey-cancel", "post"): "401 403 403 200 404 403 200 403 200 401",
    ("onboarding-step-detail", "get"): "401 404 404 200 404 404 200 404 200 401",
    ("onboarding-step-complete", "post"): "401 404 404 403 404 404 403 404 403 401",
    ("onboarding-step-skip", "post"): "401 403 403 403 403 403 200 403 200 401",
    ("survey-list", "get"): "401 403 403 403 403 403 200 200 200 401",
    ("survey-list", "post"): "401 403 403 403 403 403 400 400 400 401",
    ("survey-from-template", "post"): "401 403 403 403 403 403 400 400 400 401",
    ("survey-detail", "get"): "401 403 403 403 403 403 200 200 200 401",
    ("survey-detail", "patch"): "401 403 403 403 403 403 200 200 200 401",
    ("survey-detail", "delete"): "401 403 403 403 403 403 409 409 409 401",
    ("survey-results", "get"): "401 403 403 200 200 403 403 200 403 401",
    ("survey-open", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("survey-indicators", "get"): "401 403 403 200 200 403 403 200 403 401",
    ("survey-wave-responses", "post"): "401 400 400 400 400 400 400 400 400 401",
    # A leader follows a cascade over their own subtree; comms sees all. The world's cascade
    # has not reached unit A yet (its area has no leader), so passing on is a 409 there.
    ("cascade-list", "get"): "401 403 403 200 200 403 403 200 200 401",
    ("cascade-list", "post"): "401 403 403 400 400 403 403 400 400 401",
    ("cascade-progress", "get"): "401 403 403 200 200 403 403 200 200 401",
    ("cascade-task-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("cascade-task-pass-on", "post"): "401 404 404 409 404 404 404 404 404 401",
    ("cascade-task-meeting", "post"): "401 404 404 400 404 404 404 404 404 401",
    ("cascade-task-delegate", "post"): "401 404 404 400 404 404 404 404 404 401",
    # The report over all cascades spans every area: communications (and admins) only.
    ("cascade-report", "get"): "401 403 403 403 403 403 403 200 200 401",
    # The way up: the world's cascade reaches everyone (it starts at the direktion). Unit A's
    # named question is the employee's and lies with unit A's leader; comms sees only what
    # reached the top. The pillar-less cascade has no knowledge block (204).
    ("cascade-knowledge", "get"): "401 403 403 204 204 403 403 204 403 401",
    ("cascade-ask", "post"): "401 400 400 400 400 400 400 400 400 401",
    ("cascade-faq", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("cascade-faq", "post"): "401 403 403 403 403 403 403 400 400 401",
    ("cascade-attachments", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("cascade-attachments", "post"): "401 403 403 403 403 403 403 400 400 401",
    ("cascade-attachment", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("cascade-question-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("cascade-question-detail", "get"): "401 200 404 200 404 404 404 404 404 401",
    ("cascade-question-answer", "post"): "401 403 404 400 404 404 404 404 404 401",
    ("cascade-question-forward", "post"): "401 403 404 200 404 404 404 404 404 401",
    ("cascade-question-topic", "post"): "401 403 404 403 404 404 404 404 404 401",
    # Follow-ups: the task and its actions are the leader's; a shared action is read by the
    # people of its unit (and below). The world's wave is open, so adding the question is a 409.
    ("followup-task-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("followup-task-detail", "get"): "401 404 404 200 404 404 404 404 404 401",
    ("followup-task-actions", "post"): "401 404 404 400 404 404 404 404 404 401",
    ("followup-task-publish", "post"): "401 404 404 409 404 404 404 404 404 401",
    ("followup-action-list", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("followup-action-detail", "get"): "401 200 404 200 404 200 404 404 404 401",
    ("followup-action-detail", "patch"): "401 404 404 200 404 404 404 404 404 401",
    ("followup-action-detail", "delete"): "401 404 404 409 404 404 404 404 404 401",
    ("followup-overview", "get"): "401 403 403 403 403 403 403 200 200 401",
    ("followup-survey-question", "post"): "401 403 403 403 403 403 409 409 409 401",
    ("app-push-config", "get"): "401 200 200 200 200 200 200 200 200 401",
    ("app-link", "get"): "401 404 404 404 404 404 404 404 404 401",
    # The SSO hand-off takes no session (the code is the credential): an empty body is a 400.
    ("app-sso-session", "post"): "400 400 400 400 400 400 400 400 400 400",
    # Logging out ends the caller's own session; nobody else's is reachable from here.
    ("app-logout", "post"): "401 200 200 200 200 200 200 200 200 401",
}

# Query strings a route needs before it looks at the caller's rights.
QUERY = {
    "person-export": "?purpose=Matrixkontrol",
    "person-record": "?purpose=Matrixkontrol",
    "decisions": "?unit={unit}",
}

# Bodies valid apart from the object, where a route validates the body before the lookup.
VALID_BODY = {"push-answer": {"answer": "ok"}}

# Routes whose object is shared by everyone signed in (the directory, the unit tree) or
# managed centrally (tracks, surveys for everyone): not scoped by unit, so no B twin.
UNSCOPED_KINDS = ("unit-", "person-", "onboarding-track-", "survey-")


def _people(world) -> dict[str, User | None]:
    o = world.org
    return {
        "anonymous": None,
        "employee": o.employee,
        "employee_b": o.other_employee,
        "leader": o.leader,
        "leader_b": o.other_leader,
        "buddy": world.buddy,
        "hr": o.hr,
        "comms": o.comms,
        "admin": o.admin,
        "deactivated": world.deactivated,
    }


def _objects(world, side: str) -> dict:
    o = world.org
    pick = lambda a, b: a if side == "a" else b  # noqa: E731
    return {
        "unit": pick(o.unit_a, o.unit_b).pk,
        "person": pick(o.employee, o.other_employee).pk,
        "post": pick(world.post_a, world.post_b).pk,
        "post_id": pick(world.post_a, world.post_b).pk,
        "comment_id": pick(world.comment_a, world.comment_b).pk,
        "question_id": pick(world.question_a, world.question_b).pk,
        "attachment_id": pick(world.attachment_a, world.attachment_b).pk,
        "track": world.track.pk,
        "journey": pick(world.journey_a, world.journey_b).pk,
        "step": pick(world.step_a, world.step_b).pk,
        "survey": world.survey.pk,
        "wave_id": world.wave.pk,
        "alert_id": pick(world.alert_a, world.alert_b).pk,
        "notification_id": pick(world.notification_a, world.notification_b),
        "token": pick(world.device_a, world.device_b).identifier,
        "language": "en",
        "cascade": world.cascade.pk,
        "cascade_task": pick(world.cascade_task_a, world.cascade_task_b).pk,
        "cascade_question": pick(world.cascade_question_a, world.cascade_question_b).pk,
        "file_id": world.cascade_file.pk,
        "followup_task": pick(world.followup_a, world.followup_b).pk,
        "followup_action": pick(world.action_a, world.action_b).pk,
    }


def _query(name: str, objects: dict) -> str:
    return QUERY.get(name, "").format(**objects)


def _expected(name: str, method: str) -> dict[str, int]:
    return dict(zip(ROLES, map(int, TABLE[(name, method)].split()), strict=True))


def test_every_route_has_a_row():
    assert unchecked(api_routes(), TABLE) == {"without_row": set(), "stale_rows": set()}


def test_the_checker_reports_a_new_route_without_a_row_and_a_stale_row():
    # Given the real routes plus a new endpoint, and the table plus a row for a removed one
    routes = api_routes() | {("payslip-detail", "get")}
    table = TABLE | {("fax-send", "post"): "401 " * 10}
    # When the checker compares them
    report = unchecked(routes, table)
    # Then both are reported, by name and method
    assert report == {
        "without_row": {("payslip-detail", "get")},
        "stale_rows": {("fax-send", "post")},
    }


def test_every_role_gets_exactly_its_status_on_every_route(world, client_for):
    # Given one client per role and unit A's objects
    clients = {role: client_for(user) for role, user in _people(world).items()}
    objects = _objects(world, "a")
    mismatches = []
    # When each role calls each route
    for name, method in sorted(TABLE):
        path = path_for(name, objects)
        for role, wanted in _expected(name, method).items():
            got = call(clients[role], method, path, _query(name, objects)).status_code
            if got != wanted:
                mismatches.append(
                    f"{method.upper()} {path} ({name}) as {role}: {got}, want {wanted}"
                )
    # Then every cell is as the table says
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_another_units_objects_answer_404(world, client_for, role):
    # Given a person of unit A, and unit B's twin of every scoped object
    client = client_for(_people(world)[role])
    theirs = _objects(world, "b")
    mismatches = []
    # When it calls every detail, action and export route with B's ids
    for name, method in sorted(TABLE):
        path = path_for(name, theirs)
        if path == path_for(name, _objects(world, "a")) or name.startswith(UNSCOPED_KINDS):
            continue  # no object in the path, or one not scoped by unit
        own = _expected(name, method)[role]
        body = VALID_BODY.get(name)
        got = call(client, method, path, _query(name, theirs), body).status_code
        # Then it is 404 — or the 403 the role gets on its own unit's object too, refused by
        # role before any object is looked up
        wanted = {403, 404} if own == 403 else {404}
        if got not in wanted:
            mismatches.append(f"{method.upper()} {path} ({name}): {got}, want {wanted}")
    assert mismatches == [], "\n".join(mismatches)


# --- field level ----------------------------------------------------------------------------


def test_directory_hides_contact_details_not_shared(org, client_for):
    # Given a colleague in another unit who shares the phone but not the e-mail
    User.objects.filter(pk=org.other_employee.pk).update(phone="+4520000001", share_phone=True)
    # When an employee and that colleague's leader look the colleague up
    as_employee = client_for(org.employee).get(f"/api/v1/org/people/{org.other_employee.pk}/")
    as_leader = client_for(org.other_leader).get(f"/api/v1/org/people/{org.other_employee.pk}/")
    # Then the employee sees the shared phone only; the leader sees both
    assert (as_employee.json()["email"], as_employee.json()["phone"]) == (None, "+4520000001")
    assert as_leader.json()["email"] == org.other_employee.email


def test_quiz_answers_are_not_revealed_before_completion(org, client_for):
    # Given a hire (started yesterday) with a quiz step on the journey
    from datetime import timedelta

    from django.utils import timezone

    from onboarding import services
    from tests.factories import UserFactory
    from tests.onboarding.factories import TrackFactory, quiz_step

    hire = UserFactory(unit=org.team_a, start_date=timezone.localdate() - timedelta(days=1))
    quiz = quiz_step(
        "Kender du kommunen?", 0, [("Hvor ligger rådhuset?", ["Slagelse", "Oslo"], {"Slagelse"})]
    )
    track = TrackFactory(steps=[quiz])
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)
    step = journey.steps.get()
    # When the hire reads the step and their journey before answering
    client = client_for(hire)
    texts = [
        client.get(f"/api/v1/onboarding/steps/{step.pk}/").content.decode(),
        client.get("/api/v1/onboarding/my-journey/").content.decode(),
    ]
    # Then the options are there, but nothing says which is correct
    for text in texts:
        assert "Slagelse" in text
        assert "correct" not in text


def test_the_buddy_sees_and_completes_the_steps_they_do_and_no_others(world, client_for):
    # Given the hire's journey in unit A with one step whose doer is the buddy. (The matrix's
    # step rows use the hire's own first step, which the buddy rightly cannot open: a buddy
    # sees the steps they must do, not the rest of the new hire's journey.)
    from onboarding.models import JourneyStep, StepStatus

    mine, hires = world.buddy_step_a, world.step_a
    buddy = client_for(world.buddy)
    # When the buddy reads their journey page, their step, and one of the hire's own steps
    owed = buddy.get("/api/v1/onboarding/my-journey/").json()["owed"]
    own_step = buddy.get(f"/api/v1/onboarding/steps/{mine.pk}/")
    hires_step = buddy.get(f"/api/v1/onboarding/steps/{hires.pk}/")
    # Then their step is listed as owed and opens; the hire's own step is 404
    assert [row["id"] for row in owed] == [mine.pk]
    assert (own_step.status_code, own_step.json()["id"]) == (200, mine.pk)
    assert hires_step.status_code == 404
    # And a colleague of the same unit who is not the buddy cannot open the buddy's step
    assert (
        client_for(world.org.employee).get(f"/api/v1/onboarding/steps/{mine.pk}/").status_code
        == 404
    )
    # When the buddy completes their step, and tries to complete the hire's
    done = buddy.post(f"/api/v1/onboarding/steps/{mine.pk}/complete/", {}, format="json")
    refused = buddy.post(f"/api/v1/onboarding/steps/{hires.pk}/complete/", {}, format="json")
    # Then theirs is done and the hire's is untouched
    assert done.status_code == 200, done.content
    assert refused.status_code == 404
    statuses = dict(
        JourneyStep.objects.filter(pk__in=[mine.pk, hires.pk]).values_list("pk", "status")
    )
    assert statuses == {mine.pk: StepStatus.DONE, hires.pk: StepStatus.OPEN}


def test_survey_results_carry_no_respondent_identity(world, client_for):
    # Given three people of unit A who have answered, with a free text
    from surveys import services

    wave, o = world.wave, world.org
    people = [o.employee, world.buddy, world.colleague_a]
    for person in people:
        services.response_submit(
            wave=wave, user=person, answers=answers_for(wave.survey, text="Mere kaffe")
        )
    assert SurveyResponse.objects.filter(wave=wave).count() == 3
    # When communications and the leader read the results
    bodies = [
        client_for(reader).get(f"/api/v1/surveys/{wave.survey.pk}/results/")
        for reader in (o.comms, o.leader)
    ]
    # Then no respondent's id, name or e-mail appears anywhere in them
    for response in bodies:
        assert response.status_code == 200
        text = json.dumps(response.json())
        for person in people:
            assert person.name not in text and person.email not in text
        assert "user" not in text and "respondent" not in text


@pytest.mark.parametrize(
    "body",
    [{"is_staff": True}, {"roles": ["hr"]}, {"unit": 1}, {"is_superuser": True}, {"name": "X"}],
)
def test_me_cannot_set_role_unit_or_staff(org, client_for, body):
    # Given an employee
    before = User.objects.filter(pk=org.employee.pk).values().get()
    # When it PATCHes its profile with a field it may not set
    response = client_for(org.employee).patch("/api/v1/me/", body, format="json")
    # Then 400 and nothing changed
    assert response.status_code == 400
    assert User.objects.filter(pk=org.employee.pk).values().get() == before
    assert not org.employee.has_role(Role.HR)


def test_leader_cannot_write_for_a_unit_outside_its_scope(org, client_for):
    # Given the leader of unit A
    client = client_for(org.leader)
    attempts = [
        {"kind": "news", "title": "Til B", "audience": {"units": [{"id": org.unit_b.pk}]}},
        {"kind": "news", "title": "Til alle", "audience": {"everyone": True}},
        {
            "kind": "news",
            "title": "Som B",
            "unit": org.unit_b.pk,
            "audience": {"units": [{"id": org.unit_a.pk}]},
        },
        {"kind": "news", "title": "Til HR", "audience": {"roles": ["hr"]}},
        {"kind": "news", "title": "Til Jens", "audience": {"people": [org.other_employee.pk]}},
        {
            "kind": "news",
            "title": "Forfatter",
            "author": org.comms.pk,
            "audience": {"units": [{"id": org.unit_a.pk}]},
        },
    ]
    # When it tries to write posts beyond its scope
    statuses = [client.post("/api/v1/posts/", body, format="json").status_code for body in attempts]
    # Then each is refused with a 4xx and no post is written
    assert [s for s in statuses if not 400 <= s < 500] == []
    assert Post.objects.count() == 0


def test_leader_cannot_alert_a_unit_outside_its_scope(org, client_for):
    from push.models import Alert

    # When the leader of unit A sends an alert to unit B
    response = client_for(org.leader).post(
        "/api/v1/push/alerts/",
        {"title": "Brand", "body": "Forlad bygningen.", "units": [org.unit_b.pk]},
        format="json",
    )
    # Then it is refused and nothing is sent
    assert 400 <= response.status_code < 500
    assert Alert.objects.count() == 0
