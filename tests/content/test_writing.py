"""Writing: who may write what for whom, drafts, publishing; refusals change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from content.models import Decision, Post, PostKind, PostStatus
from org import services as org_services
from org.models import Audience

from .factories import PostFactory


def _news(audience, **extra):
    return {"kind": "news", "title": "Nyt fra afdelingen", "body": "Hej *alle*", "audience": audience,
            **extra}  # fmt: skip


# (who, what they send, expected status, expected code)
CREATE_TABLE = [
    ("employee", lambda o: _news({"everyone": True}), 403, "permission_denied"),
    ("comms", lambda o: _news({"everyone": True}), 201, None),
    ("comms", lambda o: {**_news({"roles": ["leader"]}), "kind": "alert",
                         "title": "Strømsvigt"}, 201, None),
    ("hr", lambda o: {**_news({"everyone": True}), "kind": "page", "title": "Ferieregler"}, 201,
     None),
    ("hr", lambda o: _news({"everyone": True}), 403, "kind_not_allowed"),
    ("leader", lambda o: _news({"units": [{"id": o.unit_a.pk, "include_subtree": True}]}), 201,
     None),
    ("leader", lambda o: _news({"units": [{"id": o.team_a.pk}], "people": [o.employee.pk]}), 201,
     None),
    ("leader", lambda o: _news({"everyone": True}), 403, "audience_out_of_scope"),
    ("leader", lambda o: _news({"units": [{"id": o.unit_b.pk}]}), 403, "audience_out_of_scope"),
    ("leader", lambda o: _news({"people": [o.other_employee.pk]}), 403, "audience_out_of_scope"),
    ("leader", lambda o: _news({"roles": ["employee"]}), 403, "audience_out_of_scope"),
    ("leader", lambda o: _news({"job_titles": ["Kok"]}), 403, "audience_out_of_scope"),
    ("leader", lambda o: {**_news({"units": [{"id": o.unit_a.pk}]}), "kind": "page"}, 403,
     "kind_not_allowed"),
    ("other_leader", lambda o: {**_news({"units": [{"id": o.unit_b.pk}]}), "kind": "minutes",
     "unit": o.unit_a.pk, "meeting_name": "MED", "meeting_date": "2026-11-20"}, 403,
     "unit_out_of_scope"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "make_body", "status", "code"),
    CREATE_TABLE,
    ids=[f"{row[0]}-{i}" for i, row in enumerate(CREATE_TABLE)],
)
def test_who_may_write_what_for_whom(org, api, who, make_body, status, code):
    # Given a person with a role
    audiences_before = Audience.objects.count()

    # When they write a post
    response = api(getattr(org, who)).post("/api/v1/posts/", make_body(org), format="json")

    # Then it is created as a draft, or refused with nothing written
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["status"] == "draft"
        assert Post.objects.get(pk=response.json()["id"]).author == getattr(org, who)
    else:
        assert response.json()["code"] == code
        assert Post.objects.count() == 0
        assert Audience.objects.count() == audiences_before


def test_minutes_with_decisions_are_written_in_one_request(org, api):
    body = {
        "kind": "minutes",
        "title": "Referat af personalemøde",
        "body": "## Punkt 1\n\nVagtplan for december.",
        "unit": org.unit_a.pk,
        "meeting_name": "Personalemøde",
        "meeting_date": "2026-11-20",
        "audience": {"units": [{"id": org.unit_a.pk, "include_subtree": True}]},
        "decisions": [
            {
                "text": "Ny vagtplan fra 1. december",
                "owner": org.leader.pk,
                "deadline": "2026-12-01",
            },
            {"text": "Julefrokost planlægges"},
        ],
    }
    response = api(org.leader).post("/api/v1/posts/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["meeting"] == {"name": "Personalemøde", "date": "2026-11-20"}
    assert [(d["text"], d["owner"], d["deadline"]) for d in data["decisions"]] == [
        (
            "Ny vagtplan fra 1. december",
            {"id": org.leader.pk, "name": "Lone Jensen"},
            "2026-12-01",
        ),
        ("Julefrokost planlægges", None, None),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "minutes", "title": "Referat", "unit": None}, "unit"),
        ({"kind": "minutes", "title": "Referat", "meeting_name": "MED"}, "meeting_date"),
        ({"kind": "event", "title": "Fest"}, "starts_at"),
        ({"kind": "news", "title": "Nyt", "capacity": 10}, "capacity"),
        ({"kind": "news", "title": "Nyt", "decisions": [{"text": "x"}]}, "decisions"),
        ({"kind": "news", "title": "Nyt", "audience": {}}, "audience"),
        ({"kind": "news", "title": "Nyt", "audience": {"units": [{"id": 999999}]}}, "audience"),
        ({"kind": "news", "title": "Nyt", "colour": "red"}, "colour"),
        ({"kind": "gossip", "title": "Nyt"}, "kind"),
        ({"kind": "news", "title": ""}, "title"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_writes_nothing(org, api, body, field):
    response = api(org.comms).post("/api/v1/posts/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert Post.objects.count() == 0


def test_a_draft_can_be_changed_and_a_published_post_cannot(org, api):
    # Given a draft
    client = api(org.comms)
    post_id = client.post("/api/v1/posts/", _news({"everyone": True}), format="json").json()["id"]

    # When it is changed, then published, then changed again
    changed = client.patch(
        f"/api/v1/posts/{post_id}/", {"title": "Rettet titel", "body": "# Ny"}, format="json"
    )
    published = client.post(f"/api/v1/posts/{post_id}/publish/", {}, format="json")
    refused = client.patch(f"/api/v1/posts/{post_id}/", {"title": "Igen"}, format="json")

    # Then the draft took the change and the published post refused it
    assert changed.status_code == 200
    assert changed.json()["body_html"] == "<h1>Ny</h1>"
    assert published.json()["status"] == "published"
    assert refused.status_code == 409
    assert refused.json()["code"] == "post_not_draft"
    assert Post.objects.get(pk=post_id).title == "Rettet titel"


def test_someone_elses_post_is_not_found_for_a_writer_without_rights_to_it(org, api):
    post = PostFactory(author=org.leader, audience=None, publish=False)
    for person in (org.other_leader, org.hr, org.employee):
        client = api(person)
        assert client.patch(f"/api/v1/posts/{post.pk}/", {"title": "X"}).status_code == 404
        assert client.post(f"/api/v1/posts/{post.pk}/publish/", {}).status_code == 404
        assert client.get(f"/api/v1/posts/{post.pk}/").status_code == 404
    post.refresh_from_db()
    assert (post.title, post.status) == ("Nyhed " + post.title.split(" ")[-1], PostStatus.DRAFT)


def test_publishing_needs_an_audience(org, api):
    post = PostFactory(author=org.comms, audience=None, publish=False)
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/publish/", {})
    assert response.status_code == 400
    assert response.json()["code"] == "audience_required"
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def test_a_leader_who_lost_the_unit_cannot_publish_the_draft_for_it(org, api):
    # Given a leader's draft for its unit, then the leader is moved to lead another unit
    post = PostFactory(author=org.leader, audience=_spec_units(org.unit_a), publish=False)
    org_services.leader_scope_set(leader=org.leader, units=[org.unit_b])

    # When it publishes
    response = api(org.leader).post(f"/api/v1/posts/{post.pk}/publish/", {})

    # Then it is refused and the post stays a draft
    assert response.status_code == 403
    assert response.json()["code"] == "audience_out_of_scope"
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def _spec_units(unit):
    from content.services import AudienceSpec

    return AudienceSpec(units=[(unit, True)])


def test_an_expiry_before_publication_is_refused(org, api):
    post = PostFactory(
        author=org.comms, publish=False, expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    response = api(org.comms).post(
        f"/api/v1/posts/{post.pk}/publish/",
        {"publish_at": (timezone.now() + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["fields"]
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def test_alerts_always_require_acknowledgement(org):
    post = PostFactory(author=org.comms, kind=PostKind.ALERT, requires_acknowledgement=False)
    assert post.requires_acknowledgement is True


def test_writers_list_their_posts_with_a_constant_query_count(org, api, django_assert_num_queries):
    # Given a leader with 12 posts, and 3 by someone else
    for i in range(12):
        PostFactory(author=org.leader, audience=_spec_units(org.unit_a), publish=i % 2 == 0)
    for _ in range(3):
        PostFactory(author=org.comms)
    client = api(org.leader)

    # When it lists its posts with two page sizes
    with django_assert_num_queries(5):  # session, user with unit, its roles, count, page
        small = client.get("/api/v1/posts/?page_size=5")
    with django_assert_num_queries(5):
        large = client.get("/api/v1/posts/?page_size=50&status=draft")

    # Then it sees its own posts only
    assert small.json()["count"] == 12 and len(small.json()["results"]) == 5
    assert large.json()["count"] == 6
    assert api(org.employee).get("/api/v1/posts/").status_code == 403


def test_archiving_takes_a_post_out_of_the_feed(org, api):
    post = PostFactory(author=org.comms)
    assert api(org.comms).post(f"/api/v1/posts/{post.pk}/archive/").status_code == 200
    assert api(org.employee).get(f"/api/v1/posts/{post.pk}/").status_code == 404
    assert Decision.objects.count() == 0
