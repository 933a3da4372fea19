"""Crisis alerts: who may send, answers, the roll-call, and the escalation ladder."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from org.sms import LogSmsSender
from push import alerts
from push.models import Alert, AlertRecipient, Delivery, Notification

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _send(api, sender, **body):
    payload = {"title": "Strømsvigt", "body": "Gå til mødestedet.", **body}
    return api(sender).post("/api/v1/push/alerts/", payload, format="json")


@pytest.mark.parametrize(
    ("who", "units", "status"),
    [
        ("comms", ["unit_a", "unit_b"], 201),
        ("leader", ["unit_a"], 201),
        ("leader", ["unit_b"], 400),  # not the leader's unit
        ("employee", ["unit_a"], 403),
        ("hr", ["unit_a"], 403),
    ],
)
def test_who_may_send_an_alert(org, api, who, units, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(api, getattr(org, who), units=[getattr(org, u).pk for u in units])

    assert response.status_code == status, response.content
    assert Alert.objects.count() == (1 if status == 201 else 0)


def test_anonymous_cannot_send(org, api):
    assert _send(api, None, units=[org.unit_a.pk]).status_code == 401


def test_alert_reaches_the_units_subtree_with_high_priority(
    org, api, device, django_capture_on_commit_callbacks
):
    device(org.employee, identifier="tok-e")
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(api, org.leader, units=[org.unit_a.pk])

    alert = Alert.objects.get(pk=response.json()["id"])
    assert set(alert.recipients.values_list("user_id", flat=True)) == {
        org.employee.pk,
        org.leader.pk,
    }
    assert alert.notification.priority == "high"
    assert alert.notification.category == "alerts"
    assert Delivery.objects.get(notification=alert.notification).status == "sent"


def test_answer_and_roll_call_per_unit(org, api, django_capture_on_commit_callbacks):
    # given an alert to both afdelinger
    with django_capture_on_commit_callbacks(execute=True):
        alert_id = _send(api, org.comms, units=[org.unit_a.pk, org.unit_b.pk]).json()["id"]

    # when the employee answers OK and the other employee needs help
    assert (
        api(org.employee)
        .post(f"/api/v1/push/alerts/{alert_id}/answer/", {"answer": "ok"})
        .status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        help_response = api(org.other_employee).post(
            f"/api/v1/push/alerts/{alert_id}/answer/", {"answer": "need_help"}
        )
    assert help_response.status_code == 200

    # then communications sees every unit
    units = api(org.comms).get(f"/api/v1/push/alerts/{alert_id}/roll-call/").json()["units"]
    assert units == [  # by unit name
        _line(org.unit_a, total=1, not_answered=1),  # the leader
        _line(org.team_b, total=1, need_help=1),
        _line(org.unit_b, total=1, not_answered=1),  # the other leader
        _line(org.team_a, total=1, ok=1),
    ]
    # and a leader only their own people
    leader_units = api(org.leader).get(f"/api/v1/push/alerts/{alert_id}/roll-call/").json()
    assert sorted(u["unit_id"] for u in leader_units["units"]) == sorted(
        [org.unit_a.pk, org.team_a.pk]
    )
    # and the other leader got a "needs help" push
    help_note = Notification.objects.get(dedup_key=f"alert:{alert_id}:help:{org.other_employee.pk}")
    assert set(help_note.recipients.values_list("user_id", flat=True)) == {
        org.comms.pk,
        org.other_leader.pk,
    }


def _line(unit, *, total, ok=0, need_help=0, acknowledged=0, not_answered=0):
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "total": total,
        "ok": ok,
        "need_help": need_help,
        "acknowledged": acknowledged,
        "not_answered": not_answered,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("comms", 200), ("leader", 200), ("other_leader", 404), ("employee", 404), ("hr", 404)],
)
def test_who_sees_the_roll_call(org, api, who, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert_id = _send(api, org.leader, units=[org.unit_a.pk]).json()["id"]

    response = api(getattr(org, who)).get(f"/api/v1/push/alerts/{alert_id}/roll-call/")

    assert response.status_code == status


def test_answer_by_non_recipient_is_404_and_changes_nothing(
    org, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert_id = _send(api, org.leader, units=[org.unit_a.pk]).json()["id"]

    response = api(org.other_employee).post(
        f"/api/v1/push/alerts/{alert_id}/answer/", {"answer": "ok"}
    )

    assert response.status_code == 404
    assert not AlertRecipient.objects.filter(alert_id=alert_id).exclude(answer="").exists()


def test_people_list_query_count_does_not_grow(
    org, api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert_id = _send(api, org.comms, units=[org.root.pk]).json()["id"]
    client = api(org.comms)

    # auth (2) + alert + roles + count + page
    with django_assert_num_queries(5):
        small = client.get(f"/api/v1/push/alerts/{alert_id}/people/?page_size=1")
    with django_assert_num_queries(5):
        large = client.get(f"/api/v1/push/alerts/{alert_id}/people/?page_size=50")

    assert (len(small.json()["results"]), len(large.json()["results"])) == (1, 7)


# --- the ladder, with a frozen clock --------------------------------------------------------


def test_escalation_ladder_steps_in_time_and_stops_on_answer(
    org, device, mailoutbox, django_capture_on_commit_callbacks
):
    # given an alert to afdeling A (employee with phone + e-mail, and the leader)
    org.employee.phone = "+4512345678"
    org.employee.save(update_fields=["phone"])
    device(org.employee, identifier="tok-e")
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            alert = alerts.alert_send(
                sender=org.comms,
                title="Brand",
                body="Forlad bygningen.",
                units=[org.unit_a],
                repush_after_minutes=5,
                sms_after_minutes=10,
                email_after_minutes=15,
                call_list_after_minutes=20,
            )

        def run(minutes):
            clock.move_to(T0 + timedelta(minutes=minutes))
            with django_capture_on_commit_callbacks(execute=True):
                alerts.alerts_escalate()

        # at 4 minutes nothing happens
        run(4)
        assert not Notification.objects.filter(dedup_key=f"alert:{alert.pk}:repush").exists()

        # at 5 minutes both get the push again
        run(5)
        repush = Notification.objects.get(dedup_key=f"alert:{alert.pk}:repush")
        assert set(repush.recipients.values_list("user_id", flat=True)) == {
            org.employee.pk,
            org.leader.pk,
        }
        assert Delivery.objects.get(notification=repush).status == "sent"

        # the leader answers; at 10 minutes only the employee gets an SMS
        alerts.alert_answer(user=org.leader, alert_id=alert.pk, answer="acknowledged")
        run(10)
        sms = Delivery.objects.get(notification__dedup_key=f"alert:{alert.pk}:sms")
        assert LogSmsSender.outbox == [
            {
                "to": "+4512345678",
                "body": "Krisebesked: Brand.\nSvar venligst i appen Bro, om du er OK.",
                "reference": str(sms.pk),
            }
        ]
        assert (sms.channel, sms.status, sms.segments) == ("sms", "sent", 1)

        # a second beat at the same minute repeats nothing
        run(10)
        assert len(LogSmsSender.outbox) == 1

        # at 15 minutes an e-mail to the employee only
        run(15)
        assert [m.to for m in mailoutbox] == [[org.employee.email]]

        # at 20 minutes the unit leader gets the call list
        run(20)
        call_list = Notification.objects.get(dedup_key=f"alert:{alert.pk}:call_list")
        assert list(call_list.recipients.values_list("user_id", flat=True)) == [org.leader.pk]

    line = AlertRecipient.objects.get(alert=alert, user=org.employee)
    assert (line.repushed_at, line.sms_at, line.emailed_at, line.call_listed_at) == (
        T0 + timedelta(minutes=5),
        T0 + timedelta(minutes=10),
        T0 + timedelta(minutes=15),
        T0 + timedelta(minutes=20),
    )
    leader_line = AlertRecipient.objects.get(alert=alert, user=org.leader)
    assert (leader_line.sms_at, leader_line.emailed_at, leader_line.call_listed_at) == (
        None,
        None,
        None,
    )
    alert.refresh_from_db()
    assert alert.escalation_done_at == T0 + timedelta(minutes=20)


def test_escalation_stops_for_everyone_once_all_answered(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            alert = alerts.alert_send(
                sender=org.leader, title="Brand", body="Ud.", units=[org.team_a]
            )
        alerts.alert_answer(user=org.employee, alert_id=alert.pk, answer="ok")
        clock.move_to(T0 + timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            alerts.alerts_escalate()

    alert.refresh_from_db()
    assert alert.escalation_done_at == T0 + timedelta(hours=2)
    assert not Notification.objects.filter(dedup_key__startswith=f"alert:{alert.pk}:").exists()
    assert (LogSmsSender.outbox, mailoutbox) == ([], [])


def test_switched_off_steps_are_skipped(org, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            alert = alerts.alert_send(
                sender=org.comms,
                title="Brand",
                body="Ud.",
                units=[org.team_a],
                repush_after_minutes=None,
                sms_after_minutes=None,
                email_after_minutes=1,
                call_list_after_minutes=None,
            )
        clock.move_to(T0 + timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            alerts.alerts_escalate()

    assert [m.to for m in mailoutbox] == [[org.employee.email]]
    steps = Notification.objects.filter(dedup_key__startswith=f"alert:{alert.pk}:")
    assert list(steps.values_list("dedup_key", flat=True)) == [f"alert:{alert.pk}:email"]


def test_the_alert_list_tells_me_my_own_answer(org, api, django_capture_on_commit_callbacks):
    # Given an alert to the employee's unit, not yet answered
    employee, comms = api(org.employee), api(org.comms)
    with django_capture_on_commit_callbacks(execute=True):
        alert_id = _send(lambda _user: comms, org.comms, units=[org.unit_a.pk]).json()["id"]
    before = employee.get("/api/v1/push/alerts/").json()["results"]

    # When the employee answers that they need help
    with django_capture_on_commit_callbacks(execute=True):
        employee.post(f"/api/v1/push/alerts/{alert_id}/answer/", {"answer": "need_help"})

    # Then the list (and the detail) say so, for them only; the sender has no answer of their own
    after = employee.get("/api/v1/push/alerts/").json()["results"]
    answered_at = AlertRecipient.objects.get(alert_id=alert_id, user=org.employee).answered_at
    assert [(a["id"], a["my_answer"], a["my_answered_at"]) for a in before] == [
        (alert_id, "", None)
    ]
    assert [(a["id"], a["my_answer"]) for a in after] == [(alert_id, "need_help")]
    assert datetime.fromisoformat(after[0]["my_answered_at"]) == answered_at
    detail = employee.get(f"/api/v1/push/alerts/{alert_id}/").json()
    assert detail["my_answer"] == "need_help"
    sender_view = comms.get(f"/api/v1/push/alerts/{alert_id}/").json()
    assert (sender_view["my_answer"], sender_view["my_answered_at"]) == (None, None)
