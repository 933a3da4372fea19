"""'I sagde – vi gjorde': a wave closes, leaders with a shown result get a task, write actions
from what they could see, share them with the unit, and the next wave asks if it showed."""

from datetime import date, timedelta

import pytest

from content.models import Post
from followup import services
from followup.models import Action, FollowUp
from push.models import Recipient
from surveys import services as survey_services
from surveys.models import Question
from tests.followup.factories import close_and_follow_up as close
from tests.surveys.factories import answers_for, open_wave, respond


def _question(survey, text) -> Question:
    return survey.questions.get(text=text)


def _got_assigned(user) -> int:
    return Recipient.objects.filter(
        user=user, notification__dedup_key__endswith="-assigned"
    ).count()


def test_a_wave_closes_a_leader_shares_two_actions_and_the_next_wave_scores_it(
    setting, clock, client_for
):
    org = setting
    # Given six people of team A answered the first wave, and nobody in unit B
    respond(org.wave, org.answerers)
    # When the wave closes
    close(org.wave)
    # Then unit A's leader and team A's leader each get a task and a notification; unit B's
    # leader, whose unit has no shown result, gets none
    tasks = FollowUp.objects.filter(wave=org.wave)
    assert sorted(tasks.values_list("leader__name", "unit__name")) == [
        ("Lone Jensen", "Hjemmeplejen Vest"),
        ("Tina Teamleder", "Team Korsør"),
    ]
    assert [_got_assigned(u) for u in (org.leader, org.team_leader_a, org.other_leader)] == [
        1,
        1,
        0,
    ]
    lone = client_for(org.leader)
    task = tasks.get(leader=org.leader)
    # And the task shows the unit's result as Lone may see it: the numbered questions
    detail = lone.get(f"/api/v1/followup/tasks/{task.pk}/").json()
    assert detail["result"]["respondents"] == 6
    assert [q["text"] for q in detail["result"]["questions"]] == [
        "Vi deler viden.",
        "Vil du anbefale os?",
    ]
    assert {i["key"] for i in detail["result"]["indicators"]} == {"videndeling", "enps"}
    assert detail["followup_question"] is None

    # When, two days later, Lone writes two actions and shares them
    clock.shift(timedelta(days=2))
    sharing = _question(org.survey, "Vi deler viden.")
    first = lone.post(
        f"/api/v1/followup/tasks/{task.pk}/actions/",
        {
            "question": sharing.pk,
            "what": "Fem minutters videndeling på hvert personalemøde.",
            "who": "Lone og teamlederne",
            "due_on": "2026-04-01",
        },
        format="json",
    )
    second = lone.post(
        f"/api/v1/followup/tasks/{task.pk}/actions/",
        {
            "indicator": "enps",
            "what": "Ny vagtplan med faste weekender.",
            "who": "Planlæggeren",
            "due_on": "2026-05-01",
        },
        format="json",
    )
    assert (first.status_code, second.status_code) == (201, 201), (first.json(), second.json())
    shared = lone.post(f"/api/v1/followup/tasks/{task.pk}/publish/")
    assert shared.status_code == 200, shared.json()
    # Then the unit's people get the post in their feed, with a push
    post = Post.objects.get(title=f"I sagde – vi gjorde: {org.survey.title}")
    assert post.author == org.leader
    employee = client_for(org.employee)
    feed = employee.get("/api/v1/feed/").json()["results"]
    assert post.pk in [item["id"] for item in feed]
    assert "Fem minutters videndeling" in post.body
    announced = Recipient.objects.filter(notification__data__post_id=str(post.pk))
    assert set(announced.values_list("user_id", flat=True)) >= {u.pk for u in org.answerers}
    assert not announced.filter(user=org.other_employee).exists()
    # And they see their unit's actions with their status; unit B sees none
    lone.patch(
        f"/api/v1/followup/actions/{first.json()['id']}/", {"status": "in_progress"}, format="json"
    )
    mine = employee.get("/api/v1/followup/actions/").json()["results"]
    assert [(a["topic"], a["status"]) for a in mine] == [
        ("Vi deler viden.", "in_progress"),
        ("eNPS", "planned"),
    ]
    assert client_for(org.other_employee).get("/api/v1/followup/actions/").json()["count"] == 0

    # When communications asks the follow-up question in the next wave, which opens and closes
    comms = client_for(org.comms)
    included = comms.post(f"/api/v1/followup/surveys/{org.survey.pk}/question/")
    assert included.status_code == 200, included.json()
    assert included.json()["text"] == "Har du oplevet, at der er fulgt op på sidste måling?"
    clock.shift(timedelta(days=8))
    wave2 = open_wave(org.survey, number=2)
    asked = included.json()["id"]
    for person, value in zip(org.answerers, (5, 5, 4, 2, 1, 2), strict=True):
        answers = [
            {**a, "value": value} if a["question"] == asked else a for a in answers_for(org.survey)
        ]
        survey_services.response_submit(wave=wave2, user=person, answers=answers)
    close(wave2)
    # Then its result for unit A is shown beside Lone's actions: 3 of 6 answered 4 or 5
    detail = lone.get(f"/api/v1/followup/tasks/{task.pk}/").json()
    assert detail["followup_question"] == {
        "wave": {"id": wave2.pk, "number": 2, "status": "closed"},
        "question": asked,
        "text": "Har du oplevet, at der er fulgt op på sidste måling?",
        "withheld": False,
        "shown": True,
        "answers": 6,
        "mean": 3.17,
        "favourable_share": 0.5,
    }
    assert [a["status"] for a in detail["actions"]] == ["in_progress", "planned"]

    # And communications sees the area's follow-up rate for the first wave exactly: one of its
    # two leaders shared, two days after the wave closed
    overview = comms.get(f"/api/v1/followup/overview/?wave={org.wave.pk}").json()
    assert overview["areas"] == [
        {
            "area": org.area.pk,
            "name": "Social og Sundhed",
            "leaders": 2,
            "followed_up": 1,
            "rate": 0.5,
            "median_days": 2.0,
        }
    ]


def test_an_action_on_a_result_not_shown_is_refused_and_nothing_is_written(
    setting, clock, client_for
):
    org = setting
    respond(org.wave, org.answerers)
    close(org.wave)
    task = FollowUp.objects.get(wave=org.wave, leader=org.leader)
    lone = client_for(org.leader)
    body = {"what": "Noget", "who": "Lone", "due_on": "2026-04-01"}
    # Given a question no number is shown for (free text), an indicator the survey does not
    # carry, and a unit whose result was suppressed (unit B: nobody answered)
    free_text = _question(org.survey, "Hvad kan blive bedre?")
    refused = [
        lone.post(
            f"/api/v1/followup/tasks/{task.pk}/actions/",
            {**body, "question": free_text.pk},
            format="json",
        ),
        lone.post(
            f"/api/v1/followup/tasks/{task.pk}/actions/",
            {**body, "indicator": "tvaerfagligt_samarbejde"},
            format="json",
        ),
    ]
    # Then each is refused with the domain code
    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (400, "result_not_shown"),
        (400, "result_not_shown"),
    ]
    suppressed = FollowUp.objects.create(
        wave=org.wave, unit=org.unit_b, leader=org.other_leader, closed_at=task.closed_at
    )
    with pytest.raises(services.ApplicationError) as refusal:
        services.action_create(
            actor=org.other_leader,
            followup=suppressed,
            question=_question(org.survey, "Vi deler viden.").pk,
            what="Noget",
            who="Per",
            due_on=date(2026, 4, 1),
        )
    assert refusal.value.code == "result_not_shown"
    # And nothing was written
    assert Action.objects.count() == 0


def test_bad_input_is_refused_and_another_units_actions_answer_404(setting, clock, client_for):
    org = setting
    respond(org.wave, org.answerers)
    close(org.wave)
    task = FollowUp.objects.get(wave=org.wave, leader=org.leader)
    lone = client_for(org.leader)
    sharing = _question(org.survey, "Vi deler viden.").pk
    url = f"/api/v1/followup/tasks/{task.pk}/actions/"
    good = {"question": sharing, "what": "Mere", "who": "Lone", "due_on": "2026-04-01"}
    # Given inputs that are wrong in one way each
    bad = [
        {**good, "colour": "blå"},
        {**good, "indicator": "enps"},
        {**good, "due_on": "2026-03-01"},
        {**good, "what": "  "},
        {k: v for k, v in good.items() if k != "question"},
    ]
    # Then each is a 400 and nothing is written
    assert [lone.post(url, b, format="json").status_code for b in bad] == [400] * 5
    assert Action.objects.count() == 0
    # Given Lone's action, shared
    action = lone.post(url, good, format="json").json()
    lone.post(f"/api/v1/followup/tasks/{task.pk}/publish/")
    # Then unit B's leader and employee get 404 on it and on Lone's task
    other = client_for(org.other_leader)
    assert (
        other.patch(
            f"/api/v1/followup/actions/{action['id']}/", {"status": "done"}, format="json"
        ).status_code
        == 404
    )
    assert other.get(f"/api/v1/followup/tasks/{task.pk}/").status_code == 404
    assert other.post(url, good, format="json").status_code == 404
    assert (
        client_for(org.other_employee).get(f"/api/v1/followup/actions/{action['id']}/").status_code
        == 404
    )
    assert Action.objects.get().status == "planned"
    # And sharing again with nothing new is a conflict
    again = lone.post(f"/api/v1/followup/tasks/{task.pk}/publish/")
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_publish")


def test_closing_twice_and_a_suppressed_wave_give_no_tasks(setting, clock):
    org = setting
    # Given only four answered: under the minimum of five everywhere
    respond(org.wave, org.answerers[:4])
    # When the wave closes, and the hook runs again
    close(org.wave)
    services.followups_create(wave_id=org.wave.pk)
    # Then no leader gets a task
    assert FollowUp.objects.count() == 0


def test_the_question_is_not_added_while_a_wave_is_open(setting, client_for):
    org = setting
    # Given the first wave is open
    response = client_for(org.comms).post(f"/api/v1/followup/surveys/{org.survey.pk}/question/")
    # Then adding the question is a conflict, and the survey keeps its questions
    assert (response.status_code, response.json()["code"]) == (409, "wave_open")
    assert org.survey.questions.count() == 3


def test_erasing_a_leader_keeps_their_actions_by_a_former_employee(setting, clock, client_for):
    from org.erasure import user_erase

    org = setting
    respond(org.wave, org.answerers)
    close(org.wave)
    task = FollowUp.objects.get(wave=org.wave, leader=org.leader)
    lone = client_for(org.leader)
    lone.post(
        f"/api/v1/followup/tasks/{task.pk}/actions/",
        {"indicator": "enps", "what": "Mere", "who": "Lone Jensen og Tina", "due_on": "2026-04-01"},
        format="json",
    )
    lone.post(f"/api/v1/followup/tasks/{task.pk}/publish/")
    # Given the leader's export holds the action they wrote
    export = lone.get("/api/v1/me/export/").json()
    assert [a["what"] for a in export["categories"]["followup_actions"]] == ["Mere"]
    # When the leader is erased
    user_erase(actor=org.hr, user=org.leader)
    # Then the action stays, by "Tidligere medarbejder", and the unit still sees it
    mine = client_for(org.employee).get("/api/v1/followup/actions/").json()["results"]
    assert [(a["what"], a["who"], a["author_name"]) for a in mine] == [
        ("Mere", "Tidligere medarbejder og Tina", "Tidligere medarbejder")
    ]
