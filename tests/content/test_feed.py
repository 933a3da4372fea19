"""The feed: what is addressed to me, in order, with my read/acknowledged flags, in one query."""

import datetime as dt

import pytest
from django.utils import timezone

from content import services
from content.models import PostKind
from content.services import AudienceSpec
from org.models import OrgUnit, Role
from tests.factories import OrgUnitFactory, UserFactory

from .factories import PostFactory

# The session, the user with their unit (its ancestors feed the audience test), the ETag's
# state (content.selectors.feed_state) and the one
# feed query.
FEED_QUERIES = 4


@pytest.fixture
def deep_person(org):
    """A person five levels down: Direktionen → område → afdeling → team → gruppe → hold."""
    group = OrgUnitFactory(name="Gruppe Nord", kind=OrgUnit.Kind.TEAM, parent=org.team_a)
    squad = OrgUnitFactory(name="Aftenholdet", kind=OrgUnit.Kind.TEAM, parent=group)
    person = UserFactory(name="Dorte Dyb", unit=squad, job_title="Social- og sundhedsassistent")
    return person


def _mixed_posts(org, person, count=100):
    """`count` posts of every kind and targeting, about two in three addressed to `person`."""
    specs = [
        AudienceSpec(everyone=True),
        AudienceSpec(units=[(org.unit_a, True)]),  # an ancestor with its subtree: in
        AudienceSpec(units=[(org.unit_a, False)]),  # the ancestor alone: out
        AudienceSpec(roles=[Role.EMPLOYEE]),
        AudienceSpec(job_titles=["social- og sundhedsassistent"]),
        AudienceSpec(people=[person]),
        AudienceSpec(units=[(org.unit_b, True)]),  # another branch: out
    ]
    kinds = [PostKind.NEWS, PostKind.MINUTES, PostKind.EVENT, PostKind.PAGE, PostKind.ALERT]
    start = timezone.now() + dt.timedelta(days=30)
    posts = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        extra = {}
        if kind == PostKind.MINUTES:
            extra = {"unit": org.unit_a, "meeting_name": "Personalemøde",
                     "meeting_date": dt.date(2026, 11, 1 + i % 20)}  # fmt: skip
        if kind == PostKind.EVENT:
            extra = {"starts_at": start + dt.timedelta(hours=i), "place": "Kantinen"}
        posts.append(
            PostFactory(
                author=org.comms,
                kind=kind,
                title=f"Opslag {i}",
                audience=specs[i % len(specs)],
                pinned=i % 17 == 0,
                requires_acknowledgement=kind == PostKind.ALERT or i % 9 == 0,
                **extra,
            )
        )
    return posts


def test_feed_query_count_is_the_same_for_page_sizes_10_and_50(
    org, deep_person, api, django_assert_num_queries
):
    # Given 100 mixed posts, some read and some acknowledged by a person in a deep unit
    posts = _mixed_posts(org, deep_person)
    for post in posts[::3]:
        services.post_read_record(post=post, user=deep_person)
    for post in posts[::4]:
        if post.requires_acknowledgement:
            services.post_acknowledge(post=post, user=deep_person)
    client = api(deep_person)

    # When the feed is read with page sizes 10 and 50
    with django_assert_num_queries(FEED_QUERIES):
        small = client.get("/api/v1/feed/?page_size=10")
    with django_assert_num_queries(FEED_QUERIES):
        large = client.get("/api/v1/feed/?page_size=50")

    # Then both answer with full pages from the same small, fixed number of queries
    assert small.status_code == 200 and large.status_code == 200
    assert len(small.json()["results"]) == 10
    assert len(large.json()["results"]) == 50
    assert [i["id"] for i in large.json()["results"][:10]] == [
        i["id"] for i in small.json()["results"]
    ]


def test_feed_pages_through_exactly_the_addressed_posts_pinned_first_then_newest(
    org, deep_person, api
):
    # Given mixed posts, of which those targeted at unit_a alone and unit_b are not for me
    posts = _mixed_posts(org, deep_person, count=35)
    addressed = [p for i, p in enumerate(posts) if i % 7 not in (2, 6)]
    client = api(deep_person)

    # When I follow the cursor to the end, 8 at a time
    seen, url = [], "/api/v1/feed/?page_size=8"
    while url:
        body = client.get(url).json()
        seen += body["results"]
        url = body["next"]

    # Then every addressed post comes exactly once: pinned first, then newest first
    expected = sorted(addressed, key=lambda p: (not p.pinned, -p.published_at.timestamp(), -p.pk))
    assert [item["id"] for item in seen] == [p.pk for p in expected]
    assert seen[0]["pinned"] is True


def test_feed_items_carry_my_read_and_acknowledged_flags(org, api):
    # Given a read news post, an unread must-read and an acknowledged must-read
    news = PostFactory(author=org.comms, title="Læst nyhed")
    must_read = PostFactory(author=org.comms, title="Ny instruks", requires_acknowledgement=True)
    done = PostFactory(author=org.comms, title="Gammel instruks", requires_acknowledgement=True)
    services.post_read_record(post=news, user=org.employee)
    services.post_acknowledge(post=done, user=org.employee)

    # When the employee reads the feed
    items = {i["id"]: i for i in api(org.employee).get("/api/v1/feed/").json()["results"]}

    # Then each item says what I have done with it, and only the open must-read is flagged
    assert (items[news.pk]["is_read"], items[news.pk]["is_acknowledged"]) == (True, False)
    assert items[news.pk]["must_read"] is False
    assert (items[must_read.pk]["is_read"], items[must_read.pk]["must_read"]) == (False, True)
    assert items[done.pk]["is_acknowledged"] is True
    assert items[done.pk]["must_read"] is False
    assert items[done.pk]["read_at"] == items[done.pk]["acknowledged_at"]


def test_feed_leaves_out_drafts_scheduled_expired_and_archived_posts(org, api):
    # Given one visible post and one of each kind that must not show
    visible = PostFactory(author=org.comms, title="Synlig")
    PostFactory(author=org.comms, title="Kladde", publish=False)
    scheduled = PostFactory(author=org.comms, title="Planlagt", publish=False)
    services.post_publish(
        actor=org.comms, post=scheduled, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    expiring = PostFactory(
        author=org.comms, title="Udløbet", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    archived = PostFactory(author=org.comms, title="Arkiveret")
    services.post_archive(post=archived)

    # When the feed is read after the expiry time
    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        ids = [i["id"] for i in api(org.employee).get("/api/v1/feed/").json()["results"]]

    # Then only the visible post is there
    assert ids == [visible.pk]
    assert expiring.pk not in ids


def test_feed_filters_by_kind_unit_search_and_updated_since(org, api):
    # Given news, an event and minutes from two units
    news = PostFactory(author=org.comms, title="Ny kantineordning", body="Frokost fra kl. 11")
    event = PostFactory(
        author=org.comms,
        kind=PostKind.EVENT,
        title="Julefrokost",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )
    minutes_a = PostFactory(
        author=org.comms, kind=PostKind.MINUTES, title="Referat Vest", unit=org.team_a,
        meeting_name="Personalemøde", meeting_date=dt.date(2026, 11, 20),
    )  # fmt: skip
    minutes_b = PostFactory(
        author=org.comms, kind=PostKind.MINUTES, title="Referat Madservice", unit=org.unit_b,
        meeting_name="MED-udvalg", meeting_date=dt.date(2026, 11, 21),
    )  # fmt: skip
    client = api(org.employee)

    def ids(query):
        response = client.get(f"/api/v1/feed/?{query}")
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["results"]]

    # Then each filter narrows as documented
    assert ids("kind=event") == [event.pk]
    assert ids(f"unit={org.unit_a.pk}") == [minutes_a.pk]  # unit_a and its subtree
    assert ids(f"unit={org.area.pk}") == [minutes_b.pk, minutes_a.pk]
    assert ids("q=kantineordning") == [news.pk]
    later = timezone.now()
    PostFactory(author=org.comms, title="Efter")
    assert len(ids(f"updated_since={later.isoformat().replace('+00:00', 'Z')}")) == 1


@pytest.mark.parametrize(
    "query,code",
    [
        ("kind=gossip", "validation_error"),
        ("unit=abc", "validation_error"),
        ("updated_since=igår", "validation_error"),
        ("page_size=0", "validation_error"),
        ("cursor=%%%", "invalid_cursor"),  # any string is a cursor to the schema
        ("cursor=WzFd", "invalid_cursor"),
    ],
)
def test_feed_refuses_bad_parameters_with_a_400(org, api, query, code):
    response = api(org.employee).get(f"/api/v1/feed/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_feed_needs_a_login(db, api):
    assert api().get("/api/v1/feed/").status_code == 401


def test_the_feed_follows_a_change_of_unit_job_title_and_roles_at_once(org, api):
    # Given posts for unit_b, for cooks and for HR, and an employee in team_a who read the feed
    for_unit_b = PostFactory(author=org.comms, audience=AudienceSpec(units=[(org.unit_b, True)]))
    for_cooks = PostFactory(author=org.comms, audience=AudienceSpec(job_titles=["Kok"]))
    for_hr = PostFactory(author=org.comms, audience=AudienceSpec(roles=[Role.HR]))
    client = api(org.employee)

    def feed_ids():
        return {i["id"] for i in client.get("/api/v1/feed/").json()["results"]}

    assert feed_ids() == set()

    # When the person moves to unit_b, becomes a cook, then gets the HR role
    from org import services as org_services

    org_services.user_update(actor=org.hr, user=org.employee, unit=org.team_b)
    after_move = feed_ids()
    org_services.user_update(actor=org.hr, user=org.employee, job_title="Kok")
    after_title = feed_ids()
    org_services.user_roles_set(actor=None, user=org.employee, roles=[Role.EMPLOYEE, Role.HR])
    after_role = feed_ids()

    # Then each change shows in the very next feed
    assert after_move == {for_unit_b.pk}
    assert after_title == {for_unit_b.pk, for_cooks.pk}
    assert after_role == {for_unit_b.pk, for_cooks.pk, for_hr.pk}


def test_a_syncing_phone_learns_which_posts_left_its_feed(org, api):
    # Given posts for the employee's unit and one for another unit, one archived long ago
    mine = AudienceSpec(units=[(org.unit_a, True)])
    theirs = AudienceSpec(units=[(org.unit_b, True)])
    archived_before = PostFactory(author=org.comms, title="Gammel", audience=mine)
    services.post_archive(post=archived_before)
    to_archive = PostFactory(author=org.comms, title="Aflyst", audience=mine)
    to_expire = PostFactory(author=org.comms, title="Tilbud udløber", audience=mine)
    stays = PostFactory(author=org.comms, title="Bliver", audience=mine)
    PostFactory(author=org.comms, title="Bliver også", audience=mine)
    not_mine = PostFactory(author=org.comms, title="Madservice", audience=theirs)
    since = timezone.now()

    # When, after the phone's last sync, two of its posts leave the feed and another unit's too
    services.post_archive(post=to_archive)
    services.post_archive(post=not_mine)
    type(to_expire).objects.filter(pk=to_expire.pk).update(expires_at=timezone.now())
    client = api(org.employee)
    synced = client.get(
        "/api/v1/feed/", {"updated_since": since.isoformat(), "page_size": 1}
    ).json()

    # Then the first page names exactly those two, and nothing else is said about others
    assert synced["removed"] == sorted([to_archive.pk, to_expire.pk])
    assert stays.pk not in synced["removed"]
    # and a full read or a later page carries no removals
    assert client.get("/api/v1/feed/").json()["removed"] == []
    assert client.get("/api/v1/feed/?page_size=1").json()["next"] is not None
    second = client.get(client.get("/api/v1/feed/?page_size=1").json()["next"]).json()
    assert second["removed"] == []
