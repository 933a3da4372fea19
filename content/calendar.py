"""An event as an iCalendar file, so a phone can put it in the calendar."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Post

# An event without an end is shown as lasting an hour.
_DEFAULT_DURATION = timedelta(hours=1)


def event_ics(*, post: Post) -> bytes:
    """One VEVENT with a stable UID, so re-importing updates the entry instead of copying it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Bro//Arrangementer//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    host = (settings.ALLOWED_HOSTS or ["bro"])[0].lstrip(".") or "bro"
    entry.add("uid", f"post-{post.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", post.starts_at)
    entry.add("dtend", post.ends_at or post.starts_at + _DEFAULT_DURATION)
    entry.add("summary", post.title)
    if post.place:
        entry.add("location", post.place)
    description = post.summary or post.body
    if description:
        entry.add("description", description)
    entry.add("last-modified", post.updated_at)
    calendar.add_component(entry)
    return calendar.to_ical()
