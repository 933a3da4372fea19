"""SMS and e-mail on a real Celery worker, against gateways that fail: nothing lost, exact counts.

The SMS gateway answers 500, 429 with Retry-After, hangs, or never sends its delivery report;
the SMTP server refuses and drops; a worker is killed mid fan-out. Each test counts what the
fake received and accepted per message, so "nothing lost, nothing sent twice" is exact, and the
duplicates after a crash are bounded by the in-flight window (delivery.py).

On PostgreSQL with Redis at 127.0.0.1:6379 (a Redis database and queue of their own), like
test_worker.py; deselected on SQLite (marker postgresql).
"""

from collections import Counter

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from org.models import OrgUnit, User
from push import outbox, services
from push.models import Delivery
from tests.factories import OrgUnitFactory
from tests.fakes.gatewayapi import FakeGatewayApi
from tests.fakes.smtp import FakeSmtp

from .workers import Worker, broker_url, celery_via, crash_and_recover, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

PEOPLE = 40
NO_FCM = "http://127.0.0.1:9"  # these tests send no push
# Short retries, so a retried message goes out within the test's deadline.
FAST_RETRIES = {"PUSH_RETRY_BASE_SECONDS": "0.2", "PUSH_RETRY_MAX_SECONDS": "2"}


@pytest.fixture
def gateway():
    with FakeGatewayApi(hang_seconds=5) as fake:
        yield fake


def _people(count: int, *, unit_name: str = "Hjemmeplejen") -> list[int]:
    """`count` people with a mobile number and an e-mail address, made in bulk."""
    unit = OrgUnitFactory(name=unit_name, kind=OrgUnit.Kind.AFDELING)
    people = User.objects.bulk_create(
        [
            User(
                name=f"Medarbejder {i}",
                phone=f"+45{20000000 + i}",
                email=f"medarbejder{i}@example.dk",
                unit=unit,
            )
            for i in range(count)
        ]
    )
    return [person.pk for person in people]


def _send(user_ids: list[int], channel: str):
    return services.notification_send(
        category="alerts",
        recipients=User.objects.filter(pk__in=user_ids),
        title="Krisebesked",
        body="Mød op ved hovedindgangen.",
        channels=(channel,),
    )


def _sms_worker(queue: str, gateway: FakeGatewayApi, concurrency: int = 2, **env) -> Worker:
    return Worker(
        queue=queue,
        fcm_url=NO_FCM,
        concurrency=concurrency,
        SMS_SENDER="org.sms.GatewayApiSmsSender",
        SMS_GATEWAYAPI_URL=gateway.base_url,
        SMS_GATEWAYAPI_TOKEN=gateway.token,
        SMS_HTTP_TIMEOUT_SECONDS="1",
        **FAST_RETRIES,
        **env,
    )


def _statuses(notification) -> Counter:
    return Counter(
        dict(
            Delivery.objects.filter(notification=notification)
            .values_list("status")
            .annotate(n=Count("id"))
        )
    )


def _attempts(notification) -> int:
    return Delivery.objects.filter(notification=notification).aggregate(n=Sum("attempts"))["n"]


def _each_once(notification) -> Counter:
    return Counter(
        {
            str(pk): 1
            for pk in Delivery.objects.filter(notification=notification).values_list(
                "pk", flat=True
            )
        }
    )


@pytest.mark.parametrize("answer", ["500", "429:1", "hang"])
def test_sms_gateway_failures_are_retried_until_each_message_is_accepted_once(
    queue, gateway, answer
):
    # given 40 people with a number, and a gateway whose next 10 answers are failures
    user_ids = _people(PEOPLE)
    failures = 10
    gateway.answer_next_calls(*[answer] * failures)
    worker = _sms_worker(queue, gateway).start()
    try:
        with celery_via(broker_url(), queue):
            # when a crisis SMS goes to all of them
            notification = _send(user_ids, "sms")
            wait_for(
                lambda: _statuses(notification) == Counter({"sent": PEOPLE}),
                timeout=60,
                interval=0.2,
                worker=worker,
            )
    finally:
        worker.stop()

    # then the gateway accepted each message exactly once, after exactly 10 failed calls
    assert gateway.accepted_by_userref() == _each_once(notification)
    assert Counter(sms.answer for sms in gateway.received) == Counter(
        {"ok": PEOPLE, answer: failures}
    )
    assert _attempts(notification) == PEOPLE + failures
    # and a 429's Retry-After (1 s) was honoured before the same message was sent again
    if answer.startswith("429"):
        calls: dict[str, list[float]] = {}
        for sms in gateway.received:
            calls.setdefault(sms.userref, []).append(sms.at)
        gaps = [later - first for first, later, *_ in (c for c in calls.values() if len(c) > 1)]
        assert len(gaps) == failures
        assert min(gaps) >= 1.0


def test_a_dropped_delivery_report_leaves_the_sms_sent_and_not_sent_again(
    settings, queue, gateway, live_server
):
    # given the gateway's delivery reports coming to the running server, five of them lost
    settings.SMS_CALLBACK_SECRET = gateway.callback_secret = (
        "gwapi-callback-secret-for-the-fault-tests"
    )
    callback_url = live_server.url + reverse("push-sms-report")
    user_ids = _people(PEOPLE)
    dropped = 5
    gateway.answer_next_calls(*["ok-nocallback"] * dropped)
    worker = _sms_worker(queue, gateway, SMS_CALLBACK_URL=callback_url).start()
    try:
        with celery_via(broker_url(), queue):
            # when a crisis SMS goes to all of them
            notification = _send(user_ids, "sms")
            rows = Delivery.objects.filter(notification=notification)
            wait_for(
                lambda: (
                    _statuses(notification) == Counter({"sent": PEOPLE})
                    and rows.filter(report_status="DELIVERED").count() == PEOPLE - dropped
                ),
                timeout=60,
                interval=0.2,
                worker=worker,
            )
            # and the reconciler runs (as beat does) with nothing counted as stale
            settings.PUSH_STALE_QUEUED_SECONDS = 0
            requeued = outbox.deliveries_reconcile()
    finally:
        worker.stop()

    # then the five without a report are sent, not delivered, and not sent again
    assert requeued == 0
    unreported = rows.filter(report_status="")
    assert unreported.count() == dropped
    assert set(unreported.values_list("status", "delivered_at")) == {("sent", None)}
    assert gateway.accepted_by_userref() == _each_once(notification)
    assert [status for status, _report in gateway.callbacks] == [204] * (PEOPLE - dropped)

    # when one lost report arrives late, it is recorded
    late = next(sms for sms in gateway.accepted if sms.userref == str(unreported.first().pk))
    gateway.send_report(callback_url, late)
    assert rows.filter(report_status="DELIVERED").count() == PEOPLE - dropped + 1


def test_smtp_refusals_and_a_dropped_connection_lose_nothing_and_send_nothing_twice(queue):
    # given 40 people with an e-mail address, and a mail server that refuses for a while
    user_ids = _people(PEOPLE)
    with FakeSmtp() as smtp:
        smtp.answer_next("refuse-451", "refuse-451", "drop", "refuse-550")
        # One connection at a time, so the server's answers meet the messages in order.
        worker = Worker(
            queue=queue,
            fcm_url=NO_FCM,
            concurrency=1,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            SMTP_USE_TLS="false",
            EMAIL_SEND_CONCURRENCY="1",
            **FAST_RETRIES,
        ).start()
        try:
            with celery_via(broker_url(), queue):
                # when a crisis e-mail goes to all of them
                notification = _send(user_ids, "email")
                wait_for(
                    lambda: _statuses(notification) == Counter({"sent": PEOPLE - 1, "failed": 1}),
                    timeout=60,
                    interval=0.2,
                    worker=worker,
                )
        finally:
            worker.stop()
        received = Counter(message["To"] for message in smtp.messages)

    # then the two temporary refusals and the drop were sent again, the 550 was final
    rows = Delivery.objects.filter(notification=notification)
    assert Counter(rows.values_list("status", "attempts", "error_code")) == Counter(
        {("sent", 1, ""): PEOPLE - 4, ("sent", 2, ""): 3, ("failed", 1, "SMTP_550"): 1}
    )
    # and the server has every other message exactly once
    refused = rows.get(status="failed").address
    assert received == Counter({row.address: 1 for row in rows if row.address != refused})


def test_worker_killed_mid_sms_fan_out_every_number_gets_it_with_bounded_duplicates(
    settings, queue
):
    # given 1,200 people with a number, and a gateway that takes 20 ms per message
    people = 1200
    user_ids = _people(people)
    settings.PUSH_CLAIM_LEASE_SECONDS = 8
    settings.PUSH_STALE_QUEUED_SECONDS = 2
    # At most this many SMS per worker process are accepted and not yet recorded.
    window = 8
    with FakeGatewayApi(hang_seconds=5, latency_seconds=0.02) as gateway:
        worker = _sms_worker(queue, gateway, SMS_SEND_CONCURRENCY=str(window))
        replacement = _sms_worker(queue, gateway, SMS_SEND_CONCURRENCY=str(window))
        worker.start()
        try:
            with celery_via(broker_url(), queue):
                # when the fan-out starts and the worker is killed part-way
                notification = _send(user_ids, "sms")
                # and a new worker starts, with the reconciler running as beat would
                at_kill = crash_and_recover(
                    worker=worker,
                    replacement=replacement,
                    progressed=lambda: len(gateway.accepted) >= people // 3,
                    finished=lambda: _statuses(notification)["sent"] == people,
                    statuses=lambda: _statuses(notification),
                )
        finally:
            worker.stop()
            replacement.stop()
        accepted = gateway.accepted_by_userref()

    # then every number got it, and only what was on the wire at the kill got it twice
    assert set(accepted) == set(_each_once(notification))
    resent = sum(count - 1 for count in accepted.values())
    print(f"\nat kill: {dict(at_kill)}; SMS accepted twice by the gateway: {resent}")
    assert resent <= 2 * window
    assert resent <= at_kill["sending"]
    assert _statuses(notification) == Counter({"sent": people})
