"""The demo content: Danish, built through the services, idempotent."""

import io

from content import demo
from content.models import Decision, Post, PostKind, PostStatus, ReadReceipt, Rsvp
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
