"""How hard a post is to read, against its audience's LIX target; the must-read rule."""

from django.conf import settings
from django.utils.translation import gettext as _

from backend.errors import ApplicationError

from . import lix
from .models import Post, PostKind

# Below this many words (title and body) the must-read rule does not apply: LIX swings by ten
# or more with a single long word in a text this short ("Ny hygiejneinstruks" alone is 52),
# and a text of two or three sentences is as short as a "kort fortalt" itself.
MIN_WORDS_FOR_RULE = 40


def target_for(*, everyone: bool | None) -> int:
    """The LIX target of an audience; a draft without one is held to the all-staff target."""
    if everyone is False:
        return settings.CONTENT_LIX_TARGET_GROUPS
    return settings.CONTENT_LIX_TARGET_EVERYONE


def _audience_everyone(post: Post) -> bool | None:
    if hasattr(post, "audience_everyone"):  # annotated by content.selectors, no query
        return post.audience_everyone
    if post.audience_id is None:
        return None
    return post.audience.everyone


def measure(*, title: str, body: str, summary: str) -> tuple[int | None, int | None]:
    """(LIX of title+body, LIX of the summary)."""
    return lix.post_lix(title=title, body=body), (lix.lix(summary) if summary.strip() else None)


def _needs_plain_summary(*, post: Post, target: int) -> bool:
    # Crisis alerts are exempt: an evacuation must never wait for a reworded summary.
    if not post.requires_acknowledgement or post.kind == PostKind.ALERT:
        return False
    if post.lix is None or post.lix <= target:
        return False
    if post.summary_lix is not None and post.summary_lix <= target:
        return False
    return lix.count(f"{post.title}\n\n{post.body}").words >= MIN_WORDS_FOR_RULE


def readability(post: Post) -> dict:
    """The post's LIX figures for its writers: values, bands, target, and the must-read rule."""
    target = target_for(everyone=_audience_everyone(post))
    body_band = lix.band(post.lix)
    summary_band = lix.band(post.summary_lix)
    return {
        "lix": post.lix,
        "band": body_band[0] if body_band else None,
        "band_label": body_band[1] if body_band else None,
        "summary_lix": post.summary_lix,
        "summary_band": summary_band[0] if summary_band else None,
        "summary_band_label": summary_band[1] if summary_band else None,
        "target": target,
        "needs_plain_summary": _needs_plain_summary(post=post, target=target),
    }


def check_publishable(post: Post) -> None:
    """Refuse a must-read above its target without a "kort fortalt" at or under it.

    Only a text of at least MIN_WORDS_FOR_RULE words is held to it.
    """
    target = target_for(everyone=_audience_everyone(post))
    if not _needs_plain_summary(post=post, target=target):
        return
    if post.summary_lix is None:
        problem = _("Skriv et kort fortalt med LIX højst %(target)s.") % {"target": target}
    else:
        problem = _("Kort fortalt har LIX %(lix)s; det skal være højst %(target)s.") % {
            "lix": post.summary_lix,
            "target": target,
        }
    raise ApplicationError(
        _(
            "Opslaget skal læses og bekræftes, og teksten har LIX %(lix)s over målet "
            "%(target)s. Tilføj et kort fortalt i et enkelt sprog, før du udgiver."
        )
        % {"lix": post.lix, "target": target},
        code="plain_summary_required",
        fields={"summary": [problem]},
        extra={"lix": post.lix, "summary_lix": post.summary_lix, "target": target},
    )
