"""An optional machine-translation provider, for drafts a person then checks and approves.

None ships enabled: `CONTENT_TRANSLATION_PROVIDER` is empty, and Bro never sends a post to a
translation service unless the municipality names one (a data processing agreement first:
posts can name people). A provider is a class with a `translate` method; its instance is made
per call.
"""

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class TranslationProvider(Protocol):
    def translate(self, *, texts: list[str], source: str, target: str) -> list[str]:
        """The texts translated from `source` to `target`, in the same order."""
        ...


def configured_provider() -> TranslationProvider | None:
    path = settings.CONTENT_TRANSLATION_PROVIDER
    return import_string(path)() if path else None
