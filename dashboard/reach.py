"""Reach figures: the viewer's recent posts and one post's reach, from content's selectors."""

from typing import Any

from content.models import Post, PostStatus
from content.readability import readability
from content.selectors import manageable_list, post_for_reach, post_reach, posts_manageable_by
from org.models import User

RECENT_POSTS = 20
# The per-channel columns, in the order shown: notified by push, SMS, e-mail, and delivered.
CHANNEL_MEASURES = ("notified_push", "notified_sms", "notified_email", "delivered")


def recent_posts(*, viewer: User) -> list[Post]:
    """The published posts the viewer manages (for a leader: its own), newest first."""
    return list(
        manageable_list(user=viewer, status=PostStatus.PUBLISHED).order_by("-published_at", "-id")[
            :RECENT_POSTS
        ]
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def reach_of(*, viewer: User, post_id: int) -> dict[str, Any] | None:
    """One published post's reach as the API answers it, with read and acknowledged shares.

    Who may see it, and whom it counts, is content's `post_reach` — as in the API: the author
    and communications the whole audience, a leader its own people of any post that reaches
    them (None, so 404, for a post that reaches none of them).
    """
    post = post_for_reach(post_id=post_id, published_only=True)
    if post is None:
        return None
    reach = post_reach(post=post, viewer=viewer)
    if reach is None:
        return None
    for row in [reach, *reach["per_unit"]]:
        row["read_share"] = _share(row["read"], row["audience"])
        row["acknowledged_share"] = _share(row["acknowledged"], row["audience"])
        row["by_channel"] = [(measure, row[measure]) for measure in CHANNEL_MEASURES]
    whole_audience = (
        post.author_id == viewer.pk or posts_manageable_by(user=viewer).filter(pk=post.pk).exists()
    )
    return {
        "post": post,
        "reach": reach,
        "own_people_only": not whole_audience,
        # LIX is for those who manage the post, as in the API.
        "readability": readability(post) if whole_audience else None,
    }
