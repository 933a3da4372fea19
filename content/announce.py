"""The hand-off from content to notifications, called once per event inside its transaction.

The notification and its delivery rows commit together with the post (or not at all); push
hands them to the broker only after the commit.

Owned by the push app: each function turns a content event into push.services.notification_send
(or, for an alert post, a push alert with its roll-call and ladder). A delivery problem never
raises here: the rows are written and the push reconciler sends them when FCM or the broker
is back.
"""

import logging

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from content.models import Post, PostStatus
from org.models import User
from org.selectors import audience_members
from push import alerts, services

logger = logging.getLogger("bro.content.announce")

# Post kind → push category (which switch in the person's preferences governs it).
_CATEGORY = {
    "news": "news",
    "minutes": "minutes",
    "event": "events",
    "page": "news",
    "alert": "alerts",
}
_PUBLISHED_TITLE = {
    "news": gettext_noop("Ny nyhed: %(title)s"),
    "minutes": gettext_noop("Nyt referat: %(title)s"),
    "event": gettext_noop("Nyt arrangement: %(title)s"),
    "page": gettext_noop("Ny personaleinformation: %(title)s"),
}


def _post(post_id: int):
    return (
        Post.objects.select_related("audience", "author")
        .filter(pk=post_id, status=PostStatus.PUBLISHED)
        .first()
    )


def _data(post) -> dict[str, str]:
    return {"type": "post", "post_id": str(post.pk), "kind": post.kind}


def announce_post_published(*, post_id: int) -> None:
    """A post has just been published: notify its audience (an alert post becomes an alert)."""
    logger.info("post published: post_id=%s", post_id)
    post = _post(post_id)
    if post is None or post.audience_id is None:
        return
    if post.kind == "alert":
        alerts.alert_send(
            sender=post.author,
            title=post.title,
            body=gettext_noop("Åbn krisebeskeden i appen og svar."),
            audience=post.audience,
            post_id=post.pk,
        )
        return
    recipients: QuerySet[User] = audience_members(audience=post.audience).exclude(pk=post.author_id)
    services.notification_send(
        category=_CATEGORY[post.kind],
        recipients=recipients,
        title=_PUBLISHED_TITLE[post.kind],
        body=gettext_noop("Læs mere i appen."),
        params={"title": post.title},
        data=_data(post),
        collapse_key=f"post-{post.pk}",
        dedup_key=f"post:{post.pk}:published",
    )


def remind_unacknowledged_readers(*, post_id: int, user_ids: list[int]) -> None:
    """These people have not yet acknowledged a must-read post: remind them.

    Content calls this once per reminder stage. Alert posts are left to the alert's own ladder.
    """
    logger.info("must-read reminder: post_id=%s recipients=%s", post_id, len(user_ids))
    post = _post(post_id)
    if post is None or not user_ids:
        return
    if post.kind == "alert":
        logger.info("must-read reminder for alert post %s left to the alert ladder", post_id)
        return
    # From the first reminder on, people with no active device get an SMS with their own link
    # to the post's page (push.links), where they read it and acknowledge it without the app.
    sms_fallback = settings.NOTIFY_MUST_READ_SMS_FALLBACK and post.requires_acknowledgement
    services.notification_send(
        category=_CATEGORY[post.kind],
        recipients=User.objects.filter(pk__in=user_ids),
        title=gettext_noop("Husk at læse: %(title)s"),
        body=gettext_noop("Bekræft med »Læst og forstået« i appen."),
        params={"title": post.title},
        data={**_data(post), "link": "post"},
        collapse_key=f"post-{post.pk}",
        fallback=("sms",) if sms_fallback else (),
    )
