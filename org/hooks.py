"""Extension points where apps above `org` react to its events without `org` importing them.

Apps register in their AppConfig.ready(); org calls the hooks after its transaction commits,
so a hook never sees a half-written person and a failing hook cannot undo the invitation.
"""

from collections.abc import Callable

_on_invite: list[Callable[..., object]] = []
_on_dates_changed: list[Callable[..., object]] = []
_on_invite_many: dict[Callable[..., object], Callable[..., object]] = {}


def on_person_invited(hook: Callable[..., object]) -> Callable[..., object]:
    """Register `hook(user=...)` to run after a person is invited (e.g. assign onboarding)."""
    if hook not in _on_invite:
        _on_invite.append(hook)
    return hook


def on_people_invited(hook: Callable[..., object], *, instead_of: Callable[..., object]) -> None:
    """Register `hook(users=[...])`: for many people at once what `instead_of` does for one.

    Used when many people are invited at once (an HR import); a hook without a set-based
    version is run once per person there, so every registered hook still runs for everyone.
    """
    _on_invite_many[instead_of] = hook


def people_invited(*, user_ids: list[int]) -> None:
    """Run every on-invite hook for these people (the active ones), in the order given."""
    from .models import User

    found = User.objects.filter(pk__in=user_ids, is_active=True).select_related("unit").in_bulk()
    users = [found[pk] for pk in user_ids if pk in found]
    if not users:
        return
    for hook in _on_invite:
        many = _on_invite_many.get(hook)
        if many is not None:
            many(users=users)
            continue
        for user in users:
            hook(user=user)


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
