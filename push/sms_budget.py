"""The SMS budget: segments per calendar month (Europe/Copenhagen) and category.

Counted from the delivery rows themselves (segments written when a row is made), so there is
no counter to drift: what was skipped for the budget or refused for good does not count.
Crisis alerts have no budget.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .models import Channel, Delivery


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def segments_used(*, category: str, now: datetime) -> int:
    return (
        Delivery.objects.filter(
            channel=Channel.SMS,
            notification__category=category,
            notification__created_at__gte=_month_start(now),
        )
        .exclude(status__in=[Delivery.Status.SKIPPED, Delivery.Status.FAILED])
        .aggregate(total=Sum("segments"))["total"]
        or 0
    )


def remaining(*, category: str, now: datetime) -> int | None:
    """Segments this category may still send this month; None when it has no limit."""
    budget = settings.SMS_BUDGET_SEGMENTS.get(category, 0)
    if not budget:
        return None
    return max(0, budget - segments_used(category=category, now=now))


def over_warning(*, now: datetime) -> list[tuple[str, int, int]]:
    """(category, used, budget) for every category at or past the warning share this month."""
    over = []
    for category, budget in settings.SMS_BUDGET_SEGMENTS.items():
        if budget:
            used = segments_used(category=category, now=now)
            if used * 100 >= budget * settings.SMS_BUDGET_WARNING_PERCENT:
                over.append((category, used, budget))
    return over
