"""Extension point where apps above `surveys` react to a wave closing, without surveys
importing them.

Apps register in their AppConfig.ready(). `surveys.services` calls the hooks after the
transaction that closes and counts the wave commits, so a hook never sees a wave whose close
was rolled back, and a failing hook cannot undo the close.
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
