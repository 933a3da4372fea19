"""Extension points where apps above `org` react to its events without `org` importing them.

Apps register in their AppConfig.ready(); org calls the hooks after its transaction commits,
so a hook never sees a half-written person and a failing hook cannot undo the invitation.
"""

from collections.abc import Callable

_on_invite: list[Callable[..., object]] = []
_on_dates_changed: list[Callable[..., object]] = []


def on_person_invited(hook: Callable[..., object]) -> Callable[..., object]:
    """Register `hook(user=...)` to run after a person is invited (e.g. assign onboarding)."""
    if hook not in _on_invite:
        _on_invite.append(hook)
    return hook


def person_invited(*, user_id: int) -> None:
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    for hook in _on_invite:
        hook(user=user)


def on_person_dates_changed(hook: Callable[..., object]) -> Callable[..., object]:
    """Register `hook(user=...)` to run after a person's start or end date changed."""
    if hook not in _on_dates_changed:
        _on_dates_changed.append(hook)
    return hook


def person_dates_changed(*, user_id: int) -> None:
    from .models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    for hook in _on_dates_changed:
        hook(user=user)
