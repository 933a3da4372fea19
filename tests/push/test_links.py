"""Links that work without the app: a must-read reaches a person with no device by SMS with
their own link, which opens the staff app on that post to read and take "Læst og forstået"."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from content import announce
from content.models import ReadReceipt
from content.services import AudienceSpec
from org.sms import LogSmsSender
from push import links
from push.models import Delivery
from tests.content.factories import PostFactory


def _must_read_sms_link(org, django_capture_on_commit_callbacks) -> tuple:
    org.employee.phone = "+4512345678"
    org.employee.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=org.comms, requires_acknowledgement=True, title="Ny vagtplan")
    with django_capture_on_commit_callbacks(execute=True):
        announce.remind_unacknowledged_readers(post_id=post.pk, user_ids=[org.employee.pk])
    [sms] = LogSmsSender.outbox
    url = re.search(r"(http://\S+)$", sms["body"]).group(1)
    return post, sms, url


def test_a_must_read_reminder_reaches_a_person_without_a_device_by_sms_link(
    org, django_capture_on_commit_callbacks
):
    post, sms, url = _must_read_sms_link(org, django_capture_on_commit_callbacks)

    assert sms["to"] == "+4512345678"
    assert sms["body"].startswith("Husk at læse: Ny vagtplan\n")
    row = Delivery.objects.get(channel="sms")
    assert (row.user_id, row.status, row.notification.data["post_id"]) == (
        org.employee.pk,
        "sent",
        str(post.pk),
    )
    target = links.link_read(url.rstrip("/").rsplit("/", 1)[1])
    assert target == links.LinkTarget(kind="post", object_id=post.pk, user_id=org.employee.pk)


def _app_with(url: str) -> APIClient:
    """The staff app as the link opens it: the token of /l/<token>/ as X-Link-Token."""
    client = APIClient()
    client.credentials(HTTP_X_LINK_TOKEN=url.rstrip("/").rsplit("/", 1)[1])
    return client


def test_the_link_opens_the_app_which_records_the_read_and_the_acknowledgement(
    org, client, django_capture_on_commit_callbacks
):
    post, _sms, url = _must_read_sms_link(org, django_capture_on_commit_callbacks)
    path = url.removeprefix("http://127.0.0.1:8000")
    token = path.rstrip("/").rsplit("/", 1)[1]

    page = client.get(path)
    assert (page.status_code, page["Location"]) == (302, f"/app/#/l/{token}")
    assert (page["Cache-Control"], page["Referrer-Policy"]) == ("no-store", "same-origin")

    app = _app_with(url)
    assert app.get(f"/api/v1/posts/{post.pk}/").json()["title"] == "Ny vagtplan"
    receipt = ReadReceipt.objects.get(post=post, user=org.employee)
    assert receipt.acknowledged_at is None
    assert app.post(f"/api/v1/posts/{post.pk}/acknowledge/").status_code == 200
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None


@pytest.mark.parametrize("damage", ["forged", "expired", "other_kind"])
def test_a_forged_or_expired_link_shows_nothing(
    org, client, settings, django_capture_on_commit_callbacks, damage
):
    post, _sms, url = _must_read_sms_link(org, django_capture_on_commit_callbacks)
    token = url.rstrip("/").rsplit("/", 1)[1]
    if damage == "forged":
        token = (
            links.link_token(kind="post", object_id=post.pk, user_id=org.employee.pk)[:-2] + "xx"
        )
    elif damage == "other_kind":
        token = links.link_token(kind="wave", object_id=post.pk, user_id=org.employee.pk)
    later = timezone.now() + timedelta(days=settings.NOTIFY_LINK_MAX_AGE_DAYS + 1)
    with time_machine.travel(later if damage == "expired" else timezone.now(), tick=False):
        page = client.get(f"/l/{token}/")

    assert page.status_code == 404
    assert "Ny vagtplan" not in page.content.decode()
    assert not ReadReceipt.objects.filter(post=post).exists()


def test_a_link_for_a_post_not_addressed_to_the_person_shows_nothing(org, client, db):
    post = PostFactory(
        author=org.comms,
        title="Kun for Madservice",
        audience=AudienceSpec(units=[(org.unit_b, True)]),
    )
    token = links.link_token(kind="post", object_id=post.pk, user_id=org.employee.pk)
    assert client.get(f"/l/{token}/").status_code == 404


def test_the_link_page_is_rate_limited_per_address(org, client, django_capture_on_commit_callbacks):
    _post, _sms, url = _must_read_sms_link(org, django_capture_on_commit_callbacks)
    path = url.removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(timezone.now().replace(second=0), tick=False):
        statuses = [client.get(path).status_code for _ in range(31)]
    assert statuses == [302] * 30 + [429]


def test_reach_shows_the_sms_reader_under_sms(org, api, client, django_capture_on_commit_callbacks):
    post, _sms, url = _must_read_sms_link(org, django_capture_on_commit_callbacks)
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 302
    app = _app_with(url)
    app.get(f"/api/v1/posts/{post.pk}/")
    app.post(f"/api/v1/posts/{post.pk}/acknowledge/")

    body = api(org.comms).get(f"/api/v1/posts/{post.pk}/reach/").json()
    [team_a] = [row for row in body["per_unit"] if row["unit_id"] == org.team_a.pk]
    assert {k: team_a[k] for k in ("notified_push", "notified_sms", "read", "acknowledged")} == {
        "notified_push": 0,
        "notified_sms": 1,
        "read": 1,
        "acknowledged": 1,
    }
    # the log sender gets no delivery report: sent, not (yet) delivered to the phone
    assert team_a["delivered"] == 0
