"""The hand-off from content to notifications: called after commit, log-only by default.

The push app replaces these bodies to send notifications; content never imports push. Each
function takes ids only, is called once per event from `transaction.on_commit`, and must not
raise for a delivery problem (the post is already published when it runs).
"""

import logging

logger = logging.getLogger("bro.content.announce")


def announce_post_published(*, post_id: int) -> None:
    """A post has just been published (now, or by the scheduler at its time)."""
    logger.info("post published: post_id=%s", post_id)


def remind_unacknowledged_readers(*, post_id: int, user_ids: list[int]) -> None:
    """These people have not yet acknowledged a must-read post: remind them."""
    logger.info("must-read reminder: post_id=%s recipients=%s", post_id, len(user_ids))
