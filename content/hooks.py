"""Extension point for apps above content: narrowing what a reader may open.

Onboarding registers one so that a new hire before day 1 sees only the posts their journey
links to (whatever those posts' audiences), without content importing onboarding.
"""

from collections.abc import Callable

from django.db.models import QuerySet

_reader_restrictions: list[Callable[..., QuerySet | None]] = []


def restrict_readers(hook: Callable[..., QuerySet | None]) -> Callable[..., QuerySet | None]:
    """Register `hook(user=...)`: None, or a queryset of the only post ids the person may read."""
    if hook not in _reader_restrictions:
        _reader_restrictions.append(hook)
    return hook


def restricted_post_ids(*, user) -> QuerySet | None:
    for hook in _reader_restrictions:
        post_ids = hook(user=user)
        if post_ids is not None:
            return post_ids
    return None
