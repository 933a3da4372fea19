"""The demo content: Danish, built through the services, idempotent."""

import io

from content import demo
from content.models import (
    Decision,
    Post,
    PostKind,
    PostStatus,
    PostVersion,
    ReadReceipt,
    Rsvp,
)
from org import demo as org_demo
from org import selectors as org_selectors


def test_demo_content_is_built_once_with_every_kind_the_demo_promises(db):
    # Given the demo organisation
    org_demo.build_demo(stdout=io.StringIO())

    # When the content demo runs twice
    demo.build_demo(stdout=io.StringIO())
    counts = (Post.objects.count(), Decision.objects.count(), Rsvp.objects.count(),
              ReadReceipt.objects.count())  # fmt: skip
    demo.build_demo(stdout=io.StringIO())

    # Then the second run added nothing
    assert counts == (Post.objects.count(), Decision.objects.count(), Rsvp.objects.count(),
                      ReadReceipt.objects.count())  # fmt: skip
    # And there is a month of published news, referater with decisions for several units,
    # upcoming events, personaleinfo pages and a partly acknowledged must-read
    news = Post.objects.filter(kind=PostKind.NEWS, status=PostStatus.PUBLISHED)
    days = {p.published_at.date() for p in news}
    assert news.count() >= 12 and (max(days) - min(days)).days >= 25
    minutes = Post.objects.filter(kind=PostKind.MINUTES)
    assert minutes.values("unit").distinct().count() >= 4
    assert Decision.objects.filter(owner__isnull=False, deadline__isnull=False).count() >= 8
    assert Post.objects.filter(kind=PostKind.EVENT, starts_at__gt=news.first().published_at,
                               status=PostStatus.PUBLISHED).count() == 3  # fmt: skip
    assert Rsvp.objects.count() == 60
    assert Post.objects.filter(kind=PostKind.PAGE, status=PostStatus.PUBLISHED).count() == 4
    must_read = Post.objects.get(title=demo.MUST_READ_TITLE)
    audience = org_selectors.audience_members(audience=must_read.audience).count()
    acknowledged = must_read.receipts.filter(acknowledged_at__isnull=False).count()
    assert 0 < acknowledged < audience


def test_demo_shows_plain_language_versions_and_a_snakmed_episode(db):
    org_demo.build_demo(stdout=io.StringIO())
    demo.build_demo(stdout=io.StringIO())
    demo.build_demo(stdout=io.StringIO())  # idempotent: no second version or episode

    languages = sorted(
        PostVersion.objects.filter(approved=True).values_list("post__title", "language")
    )
    episode = Post.objects.get(podcast="SnakMed")
    [audio] = episode.attachments.all()

    assert languages == sorted(
        (title, version[0]) for title, versions in demo.VERSIONS.items() for version in versions
    )
    assert {language for _title, language in languages} == {"en", "uk", "ar"}
    assert (episode.episode_number, episode.status) == (1, PostStatus.PUBLISHED)
    assert (audio.kind, audio.content_type, audio.duration_seconds) == ("audio", "audio/mpeg", 10)
    assert not Post.objects.filter(lix__isnull=True).exists()  # LIX shown in the admin
