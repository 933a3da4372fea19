"""Input that once raised a 500: archiving a draft with no audience, and dates the server
could store but not write back out (years like 0664, local mean time offsets)."""

import datetime as dt

import pytest
from django.utils import timezone

from content import services
from content.models import Post, PostKind, PostStatus
from org.models import User


def test_archiving_a_draft_without_audience_is_a_409_and_changes_nothing(org, client_for):
    # Given a draft with no audience yet
    draft = services.post_create(author=org.comms, kind=PostKind.NEWS, title="Kladde")
    before = Post.objects.filter(pk=draft.pk).values().get()
    # When its author archives it
    response = client_for(org.comms).post(f"/api/v1/posts/{draft.pk}/archive/")
    # Then 409 draft_not_archivable, and the draft is as it was
    assert response.status_code == 409
    assert response.json()["code"] == "draft_not_archivable"
    assert Post.objects.filter(pk=draft.pk).values().get() == before


def test_archiving_a_draft_with_an_audience_is_refused_too(org, client_for):
    draft = services.post_create(
        author=org.comms,
        kind=PostKind.NEWS,
        title="Kladde",
        audience=services.AudienceSpec(everyone=True),
    )
    response = client_for(org.comms).post(f"/api/v1/posts/{draft.pk}/archive/")
    assert response.status_code == 409
    assert Post.objects.get(pk=draft.pk).status == PostStatus.DRAFT
    assert Post.objects.get(pk=draft.pk).published_at is None


def test_a_draft_whose_audience_was_replaced_still_reads_publishes_and_archives(org, client_for):
    # Given a draft whose audience is replaced twice, the second time by the author
    client = client_for(org.comms)
    created = client.post(
        "/api/v1/posts/",
        {"kind": "news", "title": "Nyhed", "audience": {"units": [{"id": org.unit_a.pk}]}},
        format="json",
    )
    post_id = created.json()["id"]
    for unit in (org.unit_b, org.unit_a):
        patched = client.patch(
            f"/api/v1/posts/{post_id}/",
            {"audience": {"units": [{"id": unit.pk}]}},
            format="json",
        )
        assert patched.status_code == 200, patched.content
    # When it is read, published, read by an addressee, archived
    statuses = [
        client.get(f"/api/v1/posts/{post_id}/").status_code,
        client.post(f"/api/v1/posts/{post_id}/publish/", {}, format="json").status_code,
        client_for(org.employee).get(f"/api/v1/posts/{post_id}/").status_code,
        client.get(f"/api/v1/posts/{post_id}/reach/").status_code,
        client.post(f"/api/v1/posts/{post_id}/archive/").status_code,
    ]
    # Then every step answers as it should
    assert statuses == [200, 200, 200, 200, 200]


def _draft_id(client, org) -> int:
    response = client.post(
        "/api/v1/posts/",
        {
            "kind": "event",
            "title": "Møde",
            "starts_at": (timezone.now() + dt.timedelta(days=7)).isoformat(),
            "audience": {"units": [{"id": org.unit_a.pk}]},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("starts_at", "0664-09-01T01:13:37.8+01:00"),
        ("starts_at", "0001-01-01T00:00:00+01:00"),
        ("starts_at", "9999-12-31T23:59:59-01:00"),
        ("expires_at", "1850-06-01T12:00:00Z"),
        ("meeting_date", "0664-09-01"),
    ],
)
def test_dates_the_server_cannot_write_back_are_refused(org, client_for, field, value):
    # Given a draft
    client = client_for(org.comms)
    post_id = _draft_id(client, org)
    before = Post.objects.filter(pk=post_id).values().get()
    # When a date far outside the domain's range is set
    response = client.patch(f"/api/v1/posts/{post_id}/", {field: value}, format="json")
    # Then 400 naming the field, and the post is unchanged
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert Post.objects.filter(pk=post_id).values().get() == before


def test_event_times_must_be_near_today_and_come_back_as_rfc_3339(org, client_for):
    client = client_for(org.comms)
    post_id = _draft_id(client, org)
    now = timezone.now()
    too_far = (now + dt.timedelta(days=365 * 11)).isoformat()
    near = (now + dt.timedelta(days=30)).replace(microsecond=0)
    refused = client.patch(f"/api/v1/posts/{post_id}/", {"starts_at": too_far}, format="json")
    accepted = client.patch(
        f"/api/v1/posts/{post_id}/", {"starts_at": near.isoformat()}, format="json"
    )
    assert refused.status_code == 400
    assert accepted.status_code == 200
    written = accepted.json()["event"]["starts_at"]
    assert dt.datetime.fromisoformat(written) == near
    assert written[-6:] in ("+01:00", "+02:00")  # Europe/Copenhagen, whole-minute offset


def test_employment_dates_reach_back_to_1900_but_not_before(org, client_for):
    client = client_for(org.hr)
    path = f"/api/v1/org/people/{org.employee.pk}/"
    ok = client.patch(path, {"start_date": "1962-08-01"}, format="json")
    refused = client.patch(path, {"start_date": "1899-12-31"}, format="json")
    assert ok.status_code == 200
    assert refused.status_code == 400
    assert User.objects.get(pk=org.employee.pk).start_date == dt.date(1962, 8, 1)


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "0664-01-01", "i går"])
def test_an_updated_since_outside_the_range_or_not_a_date_is_a_400(org, client_for, since):
    client = client_for(org.employee)
    for path in ("/api/v1/feed/", "/api/v1/org/units/", "/api/v1/push/notifications/"):
        response = client.get(path, {"updated_since": since})
        assert response.status_code == 400, (path, response.content)
