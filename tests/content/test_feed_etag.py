"""The quiet poll: the feed's ETag follows what the person can see and has read, and 304s."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from content import services
from content.models import Post
from content.services import AudienceSpec
from org import services as org_services
from org.models import Role

from .factories import PostFactory

# The session, the person with their unit, and the one feed_state query: no page is built.
NOT_MODIFIED_QUERIES = 3


@pytest.fixture
def poll(org, api):
    """poll(): the employee's feed ETag now, from a full GET of the first page."""
    client = api(org.employee)

    def etag(url="/api/v1/feed/"):
        response = client.get(url)
        assert response.status_code == 200, response.content
        return response["ETag"]

    etag.client = client
    return etag


def test_the_same_state_gives_the_same_strong_etag_and_a_304_with_no_body(
    org, poll, django_assert_num_queries
):
    # Given two posts for everyone, one of them read
    read = PostFactory(author=org.comms, title="Læst")
    PostFactory(author=org.comms, title="Ulæst")
    services.post_read_record(post=read, user=org.employee)

    # When the feed is fetched twice, then polled with the ETag it gave
    first, second = poll(), poll()
    with django_assert_num_queries(NOT_MODIFIED_QUERIES):
        quiet = poll.client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH=first)

    # Then the ETag is strong and stable, and the poll is a 304 with the ETag and no body
    assert first == second
    assert first.startswith('"') and first.endswith('"') and not first.startswith("W/")
    assert quiet.status_code == 304
    assert quiet.content == b""
    assert quiet["ETag"] == first
    assert quiet["Cache-Control"] == "private, no-cache"


def test_a_stale_or_foreign_etag_gets_the_full_page(org, poll):
    # Given a post and the ETag of the feed before it
    before = poll()
    post = PostFactory(author=org.comms, title="Ny")

    # When polled with the old ETag, with a list holding an unknown one, and with a weak copy
    stale = poll.client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH=before)
    current = stale["ETag"]
    listed = poll.client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH=f'"abc", {current}')
    weak = poll.client.get("/api/v1/feed/", HTTP_IF_NONE_MATCH=f"W/{current}")

    # Then the stale one gets the page with the post; a list holding the current one is a
    # 304, and so is its weak form (If-None-Match compares weakly, RFC 9110 13.1.2)
    assert stale.status_code == 200
    assert [i["id"] for i in stale.json()["results"]] == [post.pk]
    assert current != before
    assert listed.status_code == 304
    assert weak.status_code == 304


def test_reading_and_acknowledging_change_the_etag(org, poll):
    # Given a must-read
    post = PostFactory(author=org.comms, requires_acknowledgement=True)
    unread = poll()

    # When the person reads it, then acknowledges it
    services.post_read_record(post=post, user=org.employee)
    read = poll()
    services.post_acknowledge(post=post, user=org.employee)
    acknowledged = poll()

    # Then each step gives a new ETag
    assert len({unread, read, acknowledged}) == 3


def test_someone_elses_reading_does_not_change_my_etag(org, poll):
    # Given a post for everyone
    post = PostFactory(author=org.comms)
    before = poll()

    # When another person reads it
    services.post_read_record(post=post, user=org.other_employee)

    # Then my feed is the same, and so is its ETag
    assert poll() == before


def test_a_new_post_in_my_audience_changes_the_etag(org, poll):
    # Given the ETag of a feed with one post
    PostFactory(author=org.comms, audience=AudienceSpec(units=[(org.unit_a, True)]))
    before = poll()

    # When a post for my unit is published
    PostFactory(author=org.comms, audience=AudienceSpec(units=[(org.unit_a, True)]))

    # Then the ETag is new, and stays the same while nothing else happens
    after = poll()
    assert after != before
    assert poll() == after


def test_the_etag_follows_all_posts_not_only_mine_so_it_stays_one_cheap_query(org, poll):
    # Given the ETag of a feed
    before = poll()

    # When a post for another unit is published (the feed itself does not change)
    PostFactory(author=org.comms, audience=AudienceSpec(units=[(org.unit_b, True)]))

    # Then the ETag changes anyway: it follows watermarks over all posts, not the audience
    # test on each (content.selectors.feed_state), and the page it stands for is the same
    after = poll.client.get("/api/v1/feed/")
    assert after["ETag"] != before
    assert after.json()["results"] == []


def test_a_post_leaving_my_feed_changes_the_etag(org, poll):
    # Given three posts for me: one to archive, one named to me, one that expires in an hour
    to_archive = PostFactory(author=org.comms, title="Aflyst")
    named = PostFactory(author=org.comms, audience=AudienceSpec(people=[org.employee]))
    expiring = PostFactory(author=org.comms, title="Tilbud")
    Post.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    start = poll()

    # When one is archived, I am taken out of the other's audience, and the third expires
    services.post_archive(post=to_archive)
    after_archive = poll()
    named.audience.people.remove(org.employee)
    after_audience = poll()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        after_expiry = poll()

    # Then each departure gives a new ETag
    assert len({start, after_archive, after_audience, after_expiry}) == 4


def test_an_approved_translation_and_an_edit_change_the_etag(org, poll):
    # Given an English reader and a post with an English draft version
    org_services.user_profile_update(user=org.employee, reading_language="en")
    post = PostFactory(author=org.comms, title="Nyt om vagtplanen")
    version = services.post_version_save(
        actor=org.comms, post=post, language="en", title="Rota news", summary="", body="News."
    )
    before = poll()

    # When the version is approved
    services.post_version_approve(actor=org.comms, version=version)

    # Then the feed shows the English title under a new ETag
    after = poll()
    assert after != before
    assert poll.client.get("/api/v1/feed/").json()["results"][0]["title"] == "Rota news"


def test_a_change_of_unit_job_title_or_role_changes_the_etag(org, poll):
    # Given the employee's feed with nothing in it
    start = poll()

    # When they move unit, change job title, and get a role, one at a time
    org_services.user_update(actor=org.hr, user=org.employee, unit=org.team_b)
    moved = poll()
    org_services.user_update(actor=org.hr, user=org.employee, job_title="Kok")
    retitled = poll()
    org_services.user_roles_set(actor=None, user=org.employee, roles=[Role.EMPLOYEE, Role.HR])
    promoted = poll()

    # Then every change gives a new ETag, though no post entered or left the feed
    assert len({start, moved, retitled, promoted}) == 4


def test_the_etag_differs_by_page_filter_and_language(org, poll):
    # Given three posts
    for _ in range(3):
        PostFactory(author=org.comms)

    # When different pages, filters and languages of the same feed are fetched
    etags = {
        poll("/api/v1/feed/"),
        poll("/api/v1/feed/?page_size=2"),
        poll("/api/v1/feed/?kind=news"),
        poll("/api/v1/feed/?original=true"),
    }
    with_language = poll.client.get("/api/v1/feed/", HTTP_ACCEPT_LANGUAGE="uk")["ETag"]

    # Then no two share an ETag: a 304 for one never stands in for another
    assert len(etags | {with_language}) == 5


def test_updated_since_with_nothing_new_is_an_empty_page_or_a_304(org, poll):
    # Given a post and a sync after it
    PostFactory(author=org.comms)
    since = timezone.now().isoformat().replace("+00:00", "Z")
    url = f"/api/v1/feed/?updated_since={since}"

    # When the phone syncs, then syncs again with the ETag it got
    first = poll.client.get(url)
    again = poll.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    # Then the first is an empty page, the second a 304
    assert first.json() == {"next": None, "results": [], "removed": []}
    assert again.status_code == 304
