"""Quiet hours: is an instant inside a person's quiet window, and when does that window end?

Windows are wall-clock times in Europe/Copenhagen. They are turned into real instants per
calendar day and compared in UTC: comparing aware datetimes that share a tzinfo compares wall
times and ignores DST, which would misplace the repeated hour in October.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
ALL_WEEKDAYS = 0b1111111


def weekdays_to_mask(weekdays: list[int]) -> int:
    """ISO weekdays (1 = Monday ... 7 = Sunday) to the stored bit mask."""
    mask = 0
    for day in weekdays:
        mask |= 1 << (day - 1)
    return mask


def mask_to_weekdays(mask: int) -> list[int]:
    return [day for day in range(1, 8) if mask & (1 << (day - 1))]


def _local_instant(day: date, at: time) -> datetime:
    # A wall time skipped by the spring change (02:30 on the last Sunday of March) resolves
    # with the offset before the change, i.e. to 03:30 summer time: the window still starts.
    return datetime.combine(day, at, tzinfo=COPENHAGEN).astimezone(UTC)


def quiet_until(
    *, start: time | None, end: time | None, weekdays: int, now: datetime
) -> datetime | None:
    """The UTC instant the quiet window holding `now` ends, or None when `now` is not quiet."""
    if start is None or end is None or start == end:
        return None
    today = now.astimezone(COPENHAGEN).date()
    now_utc = now.astimezone(UTC)
    # Only a window starting today or (across midnight) yesterday can hold `now`.
    for start_day in (today, today - timedelta(days=1)):
        if not weekdays & (1 << start_day.weekday()):
            continue
        end_day = start_day if end > start else start_day + timedelta(days=1)
        window_start = _local_instant(start_day, start)
        window_end = _local_instant(end_day, end)
        if window_start <= now_utc < window_end:
            return window_end
    return None
