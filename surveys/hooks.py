"""Extension point where apps above `surveys` react to a wave closing, without surveys
importing them.

Apps register in their AppConfig.ready(). `surveys.services` calls the hooks inside the
transaction that closes and counts the wave, so what a hook writes (a leader's follow-up task
and its notification) commits with the close or not at all, and a closed wave is never left
without it.
"""

from collections.abc import Callable

_on_wave_closed: list[Callable[..., object]] = []


def on_wave_closed(hook: Callable[..., object]) -> Callable[..., object]:
    """Register `hook(wave_id=...)` to run when a wave closes and its answers are counted."""
    if hook not in _on_wave_closed:
        _on_wave_closed.append(hook)
    return hook


def wave_closed(*, wave_id: int) -> None:
    for hook in _on_wave_closed:
        hook(wave_id=wave_id)
