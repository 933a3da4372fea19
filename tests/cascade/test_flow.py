"""Issue 15, first "must show": a cascade over four levels, counted at every step."""

from datetime import timedelta

from cascade import services
from cascade.models import Task
from push.models import Recipient

from .conftest import NOW


def _start(client, org, days=(1, 2, 3, 5)):
    return client.post(
        "/api/v1/cascades/",
        {
            "title": "Ny vagtplan",
            "message": "Fra 1. maj bruger alle den nye vagtplan.",
            "talking_points": "Fortæl det på tavlemødet.",
            "root_unit": org.root.pk,
            "deadlines": [(NOW + timedelta(days=d)).isoformat() for d in days],
        },
        format="json",
    )


def _counts(client, cascade_id):
    """Per level: (units, received, passed_on, overdue, told, read, acknowledged)."""
    response = client.get(f"/api/v1/cascades/{cascade_id}/progress/")
    assert response.status_code == 200, response.content
    keys = ("units", "received", "passed_on", "overdue", "told", "read", "acknowledged")
    return [tuple(level[k] for k in keys) for level in response.json()["levels"]]


def _units(client, cascade_id):
    """Per unit name: (received, passed on, overdue)."""
    levels = client.get(f"/api/v1/cascades/{cascade_id}/progress/").json()["levels"]
    return {
        row["unit_name"]: (
            row["received_at"] is not None,
            row["passed_on_at"] is not None,
            row["overdue"],
        )
        for level in levels
        for row in level["unit_rows"]
    }


def _task(cascade_id, unit):
    return Task.objects.get(cascade_id=cascade_id, unit=unit).pk


def _notified(user, key):
    return Recipient.objects.filter(user=user, notification__dedup_key__endswith=key).count()


def test_a_cascade_runs_down_four_levels_and_a_silent_leader_is_chased(tree, clock, client_for):
    o = tree
    comms = client_for(o.comms)
    # Given communications starts a cascade from the direktion, one deadline per level
    started = _start(comms, o)
    assert started.status_code == 201, started.content
    cid = started.json()["id"]
    # Then only the director has received it, and only the director is notified
    assert _counts(comms, cid) == [
        (1, 1, 0, 0, 0, 0, 0),
        (1, 0, 0, 0, 0, 0, 0),
        (2, 0, 0, 0, 0, 0, 0),
        (2, 0, 0, 0, 0, 0, 0),
    ]
    assert _notified(o.director, "received") == 1
    assert _notified(o.chief, "received") == 0
    mine = client_for(o.director).get("/api/v1/cascades/tasks/").json()["results"]
    assert [(t["unit_name"], t["cascade"]["talking_points"]) for t in mine] == [
        ("Direktionen", "Fortæl det på tavlemødet.")
    ]

    # When the director and the chief each pass it on with a local note, an hour apart
    clock.shift(timedelta(hours=1))
    note = {"local_note": "Det betyder nye vagter for os."}
    response = client_for(o.director).post(
        f"/api/v1/cascades/tasks/{_task(cid, o.root)}/pass-on/", note, format="json"
    )
    assert (response.status_code, response.json()["local_note"]) == (200, note["local_note"])
    clock.shift(timedelta(hours=2))
    assert (
        client_for(o.chief)
        .post(f"/api/v1/cascades/tasks/{_task(cid, o.area)}/pass-on/", note, format="json")
        .status_code
        == 200
    )
    # Then both afdelinger have received it and their leaders are notified
    assert _counts(comms, cid) == [
        (1, 1, 1, 0, 0, 0, 0),
        (1, 1, 1, 0, 0, 0, 0),
        (2, 2, 0, 0, 0, 0, 0),
        (2, 0, 0, 0, 0, 0, 0),
    ]
    assert (_notified(o.leader, "received"), _notified(o.other_leader, "received")) == (1, 1)

    # When the leader of afdeling A passes it on, and the leader of afdeling B does nothing
    clock.shift(timedelta(hours=3))
    assert (
        client_for(o.leader)
        .post(f"/api/v1/cascades/tasks/{_task(cid, o.unit_a)}/pass-on/", note, format="json")
        .status_code
        == 200
    )
    # And team A's leader tells it at the morning meeting and publishes it as a must-read
    clock.shift(timedelta(hours=18))
    told = client_for(o.team_leader_a).post(
        f"/api/v1/cascades/tasks/{_task(cid, o.team_a)}/meeting/",
        {
            "local_note": "Vi starter mandag.",
            "told_on": "2026-03-03",
            "attendance": 7,
            "publish": True,
        },
        format="json",
    )
    assert told.status_code == 200, told.content
    post_id = told.json()["post"]
    # And an employee of team A reads and acknowledges it
    employee = client_for(o.employee)
    assert employee.get(f"/api/v1/posts/{post_id}/").status_code == 200
    assert employee.post(f"/api/v1/posts/{post_id}/acknowledge/").status_code == 200
    # Then the counts show team A told, read and acknowledged; team B never received it
    assert _counts(comms, cid) == [
        (1, 1, 1, 0, 0, 0, 0),
        (1, 1, 1, 0, 0, 0, 0),
        (2, 2, 1, 0, 0, 0, 0),
        (2, 1, 1, 0, 1, 1, 1),
    ]
    levels = comms.get(f"/api/v1/cascades/{cid}/progress/").json()["levels"]
    assert [level["seconds"] for level in levels] == [3600, 7200, None, None]
    assert levels[3]["attendance"] == 7

    # When the afdelinger's deadline (day 3) has passed and the reminder beat runs twice
    clock.move_to(NOW + timedelta(days=3, minutes=1))
    assert services.reminders_send() == {"reminded": 1, "escalated": 0}
    assert services.reminders_send() == {"reminded": 0, "escalated": 0}
    # Then afdeling B shows overdue and its leader is reminded, once
    assert _units(comms, cid)["Madservice"] == (True, False, True)
    assert _counts(comms, cid)[2] == (2, 2, 1, 1, 0, 0, 0)
    assert _notified(o.other_leader, "reminded") == 1

    # When a day more has passed without a pass-on
    clock.move_to(NOW + timedelta(days=4, minutes=2))
    assert services.reminders_send() == {"reminded": 0, "escalated": 1}
    assert services.reminders_send() == {"reminded": 0, "escalated": 0}
    # Then their own leader, the area chief, is told (and nobody else)
    assert _notified(o.chief, "escalated") == 1
    assert Recipient.objects.filter(notification__dedup_key__endswith="escalated").count() == 1
    # And after team A's deadline, team B (never reached) is overdue too, reminded once
    clock.move_to(NOW + timedelta(days=5, minutes=1))
    assert services.reminders_send() == {"reminded": 0, "escalated": 0}
    assert _units(comms, cid) == {
        "Direktionen": (True, True, False),
        "Social og Sundhed": (True, True, False),
        "Hjemmeplejen Vest": (True, True, False),
        "Madservice": (True, False, True),
        "Team Korsør": (True, True, False),
        "Køkkenet": (False, False, True),
    }


def test_a_leader_sees_only_their_own_subtree(tree, clock, client_for):
    o = tree
    cid = _start(client_for(o.comms), o).json()["id"]
    # When the leader of afdeling A reads the progress
    levels = client_for(o.leader).get(f"/api/v1/cascades/{cid}/progress/").json()["levels"]
    # Then only afdeling A and its team are there
    assert [(lv["number"], [r["unit_name"] for r in lv["unit_rows"]]) for lv in levels] == [
        (2, ["Hjemmeplejen Vest"]),
        (3, ["Team Korsør"]),
    ]
    # And an employee may not read it at all
    assert client_for(o.employee).get(f"/api/v1/cascades/{cid}/progress/").status_code == 403
    # And my tasks hold only the steps that reached me: none for an employee, the
    # director's one for the director
    assert client_for(o.employee).get("/api/v1/cascades/tasks/").json()["count"] == 0
    assert client_for(o.leader).get("/api/v1/cascades/tasks/").json()["count"] == 0
    assert client_for(o.director).get("/api/v1/cascades/tasks/").json()["count"] == 1
    # And another leader's step answers 404 to this leader
    other = _task(cid, o.unit_b)
    refused = client_for(o.leader).post(
        f"/api/v1/cascades/tasks/{other}/pass-on/", {}, format="json"
    )
    assert refused.status_code == 404


def test_a_deputy_passes_on_for_the_leader(tree, clock, client_for):
    o = tree
    cid = _start(client_for(o.comms), o).json()["id"]
    task = _task(cid, o.root)
    # When the director names a deputy in their scope, who passes it on
    response = client_for(o.director).post(
        f"/api/v1/cascades/tasks/{task}/delegate/", {"deputy": o.chief.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _notified(o.chief, f"deputy-{o.chief.pk}") == 1
    done = client_for(o.chief).post(f"/api/v1/cascades/tasks/{task}/pass-on/", {}, format="json")
    # Then the step is done by the deputy
    assert done.status_code == 200, done.content
    assert Task.objects.get(pk=task).passed_on_by_id == o.chief.pk
    # And passing on twice is a conflict that changes nothing
    again = client_for(o.director).post(
        f"/api/v1/cascades/tasks/{task}/pass-on/", {}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_passed_on")


def test_a_deputy_outside_the_leaders_scope_is_refused(tree, clock, client_for):
    o = tree
    cid = _start(client_for(o.comms), o).json()["id"]
    # When the chief's task is not theirs yet and the director names someone outside scope
    Task.objects.filter(cascade_id=cid, unit=o.area).update(received_at=NOW)
    response = client_for(o.chief).post(
        f"/api/v1/cascades/tasks/{_task(cid, o.area)}/delegate/",
        {"deputy": o.comms.pk},
        format="json",
    )
    # Then 400 and no deputy is set
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["deputy"]
    assert Task.objects.get(cascade_id=cid, unit=o.area).deputy_id is None


def test_only_the_last_level_tells_and_only_communications_or_a_director_starts(
    tree, clock, client_for
):
    o = tree
    # A leader of an afdeling may not start a cascade, nor from a unit outside their scope
    refused = _start(client_for(o.leader), o)
    assert (refused.status_code, refused.json()["code"]) == (403, "cascade_not_allowed")
    # A director may, from their own unit
    cid = _start(client_for(o.director), o).json()["id"]
    # At the first level, "told at a meeting" is refused: it is for the last level
    response = client_for(o.director).post(
        f"/api/v1/cascades/tasks/{_task(cid, o.root)}/meeting/",
        {"told_on": "2026-03-02", "attendance": 4},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "not_last_level")
    assert Task.objects.get(cascade_id=cid, unit=o.root).passed_on_at is None


def test_bad_deadlines_are_refused_and_nothing_is_written(tree, clock, client_for):
    from cascade.models import Cascade

    o = tree
    comms = client_for(o.comms)
    for days in ((-1, 2), (3, 2), (1, 2, 3, 4, 5)):
        response = _start(comms, o, days=days)
        assert response.status_code == 400, (days, response.content)
        assert "deadlines" in response.json()["fields"]
    assert Cascade.objects.count() == 0


def test_erasure_takes_the_person_off_the_steps_and_keeps_the_counts(tree, clock, client_for):
    from org import erasure

    o = tree
    cid = _start(client_for(o.comms), o).json()["id"]
    task = _task(cid, o.root)
    client_for(o.director).post(
        f"/api/v1/cascades/tasks/{task}/pass-on/", {"local_note": "Vi er klar."}, format="json"
    )
    # Given their export lists the step they led
    from org import selectors as org_selectors

    exported = org_selectors.personal_data_export(user=o.director)["categories"]["cascade_tasks"]
    assert [(row["unit"], row["local_note"]) for row in exported] == [
        ("Direktionen", "Vi er klar.")
    ]
    # When the director's identity is erased
    erasure.user_erase(actor=o.hr, user=o.director)
    # Then no step points at them, and the first level still counts as passed on
    assert Task.objects.filter(leader=o.director).count() == 0
    assert Task.objects.filter(passed_on_by=o.director).count() == 0
    assert _counts(client_for(o.comms), cid)[0] == (1, 1, 1, 0, 0, 0, 0)


def test_the_reminder_beat_task_is_scheduled_and_runs_the_service(tree, clock, settings):
    from cascade import tasks

    # Given the beat schedule, and a step past its deadline
    entry = settings.CELERY_BEAT_SCHEDULE["cascade-send-reminders"]
    services.cascade_start(
        actor=tree.comms,
        title="Ny vagtplan",
        message="Fra 1. maj bruger alle den nye vagtplan.",
        root_unit=tree.root,
        deadlines=[NOW + timedelta(hours=1)],
    )
    clock.shift(timedelta(hours=2))
    # When beat's task runs
    result = tasks.send_reminders.delay().get()
    # Then it is the scheduled one, and the director is reminded
    assert (entry["task"], entry["schedule"]) == ("cascade.tasks.send_reminders", 900.0)
    assert result == {"reminded": 1, "escalated": 0}
    assert _notified(tree.director, "reminded") == 1
