"""The crisis ladder with a failing SMS gateway: nothing rolled back, later steps still taken,
other alerts unaffected."""

from datetime import UTC, datetime, timedelta

import time_machine

from push import alerts
from push.models import AlertRecipient, Delivery, Notification
from tests.factories import UserFactory

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_failing_gateway_rolls_nothing_back_and_stops_no_step_nor_other_alert(
    org, settings, fake_gateway, mailoutbox, django_capture_on_commit_callbacks
):
    # given three people of Team Korsør and one of Køkkenet with a phone and no app
    settings.SMS_SEND_CONCURRENCY = (
        1  # one call at a time: the gateway's answers meet them in order
    )
    people = [org.employee]
    people += [UserFactory(unit=org.team_a, name=f"Medarbejder {i}") for i in (1, 2)]
    for i, person in enumerate([*people, org.other_employee]):
        person.phone = f"+451234567{i}"
        person.save(update_fields=["phone"])
    ladder = {
        "repush_after_minutes": None,
        "sms_after_minutes": 10,
        "email_after_minutes": 15,
        "call_list_after_minutes": 20,
    }
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            alert = alerts.alert_send(
                sender=org.comms, title="Brand", body="Ud.", units=[org.team_a], **ladder
            )
            other = alerts.alert_send(
                sender=org.comms, title="Vand", body="Luk.", units=[org.team_b], **ladder
            )

        def run(minutes):
            clock.move_to(T0 + timedelta(minutes=minutes))
            with django_capture_on_commit_callbacks(execute=True):
                alerts.alerts_escalate()

        # when, at the SMS step, the gateway takes the first, fails the second with a 500 and
        # refuses the third's number, and takes the other alert's
        fake_gateway.answer_next_calls("ok", "500", "400")
        run(10)
        sms = Delivery.objects.filter(notification__dedup_key=f"alert:{alert.pk}:sms")
        outcomes = list(sms.order_by("pk").values_list("status", "error_code"))
        sms_to = set(sms.values_list("user_id", flat=True))
        # and the e-mail and call-list steps come due
        run(15)
        run(20)

    # then the first SMS stays sent, the 500 waits for its retry, the bad number failed
    assert outcomes == [("sent", ""), ("retrying", "HTTP_500"), ("failed", "0x0217")]
    assert sms_to == {p.pk for p in people}
    # and every one of them is marked as having had the SMS step, and the later steps
    lines = AlertRecipient.objects.filter(alert=alert, user__in=people)
    assert set(lines.values_list("sms_at", "emailed_at", "call_listed_at")) == {
        (T0 + timedelta(minutes=10), T0 + timedelta(minutes=15), T0 + timedelta(minutes=20))
    }
    assert sorted(m.to[0] for m in mailoutbox if "Brand" in m.subject) == sorted(
        p.email for p in people
    )
    call_list = Notification.objects.get(dedup_key=f"alert:{alert.pk}:call_list")
    assert list(call_list.recipients.values_list("user_id", flat=True)) == [org.leader.pk]
    # and the other alert went its whole way
    other_sms = Delivery.objects.get(notification__dedup_key=f"alert:{other.pk}:sms")
    assert (other_sms.user_id, other_sms.status) == (org.other_employee.pk, "sent")
    assert Notification.objects.filter(dedup_key=f"alert:{other.pk}:call_list").exists()
    assert [s.answer for s in fake_gateway.received] == ["ok", "500", "400", "ok"]
