"""Dates of steps: offsets from an anchor date at a time of day, on Danish wall-clock time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def due_at(*, anchor: date, offset_days: int, time_of_day: time) -> datetime:
    """The instant a step falls due: `offset_days` calendar days from `anchor`, at Danish time.

    Calendar days, not 24-hour blocks: a step at 09:00 stays at 09:00 across a DST change.
    """
    return datetime.combine(anchor + timedelta(days=offset_days), time_of_day, tzinfo=COPENHAGEN)


def local_today(now: datetime | None = None) -> date:
    """Today's date in Denmark."""
    return (now or timezone.now()).astimezone(COPENHAGEN).date()


def day_number(*, anchor: date, when: datetime) -> int:
    """Which day of the journey `when` falls on: 0 is the start date, -1 the day before."""
    return (when.astimezone(COPENHAGEN).date() - anchor).days
