"""The personal-data registry: what each app exports, erases and deletes on schedule (GDPR).

Every app that stores personal data has a `personal_data.py` module that registers, at import:

- an exporter per category, `fn(user) -> JSON-able`, for the person's own export (Art. 15/20);
- an eraser, `fn(*, user)`, run inside `org.erasure.user_erase` *before* the profile is
  anonymised, so it can still read the old name, e-mail and phone it must scrub;
- a deactivator, `fn(*, user)`, run when a person is deactivated (offboarding): e.g. devices;
- retention handlers per data class, `fn(*, cutoff, dry_run) -> count`, removing rows older
  than `cutoff`; the class name is a key of `settings.RETENTION_DAYS`.

The modules are found with `autodiscover_modules("personal_data")` in OrgConfig.ready(), so
`org` never imports the apps above it. This module is the registry only and imports nothing of
org but its models: org's own data registers from `org.erasure`, which also runs the erasers
and the retention handlers.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from .models import User

Exporter = Callable[[User], Any]
Eraser = Callable[..., None]
RetentionHandler = Callable[..., int]

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []
_deactivators: list[Eraser] = []
_retention: dict[str, RetentionHandler] = {}


def exporter(category: str) -> Callable[[Exporter], Exporter]:
    """Register `fn(user)` as the exporter of one category of the person's export."""

    def register(fn: Exporter) -> Exporter:
        if _exporters.get(category, fn) is not fn:
            raise ValueError(f"export category {category!r} is registered twice")
        _exporters[category] = fn
        return fn

    return register


def eraser(fn: Eraser) -> Eraser:
    """Register `fn(*, user)` to run when the person's identity is erased."""
    if fn not in _erasers:
        _erasers.append(fn)
    return fn


def deactivator(fn: Eraser) -> Eraser:
    """Register `fn(*, user)` to run when the person is deactivated."""
    if fn not in _deactivators:
        _deactivators.append(fn)
    return fn


def retention(data_class: str) -> Callable[[RetentionHandler], RetentionHandler]:
    """Register `fn(*, cutoff, dry_run) -> count` for one data class of the retention table."""

    def register(fn: RetentionHandler) -> RetentionHandler:
        if _retention.get(data_class, fn) is not fn:
            raise ValueError(f"retention class {data_class!r} is registered twice")
        _retention[data_class] = fn
        return fn

    return register


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> list[Eraser]:
    return list(_erasers)


def deactivators() -> list[Eraser]:
    return list(_deactivators)


def retention_handlers() -> dict[str, RetentionHandler]:
    return dict(_retention)


# Deleting in slices keeps each DELETE ... WHERE id IN (...) and its cascades small, so a first
# run over years of rows neither holds long locks nor builds a huge IN list.
DELETE_BATCH_SIZE = 1000


def delete_older(queryset: QuerySet, *, dry_run: bool) -> int:
    """Delete the queryset's rows in batches (cascades included); return how many it held."""
    if dry_run:
        return queryset.count()
    deleted = 0
    model = queryset.model
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:DELETE_BATCH_SIZE])
        if not ids:
            return deleted
        with transaction.atomic():
            model._base_manager.filter(pk__in=ids).delete()
        deleted += len(ids)
