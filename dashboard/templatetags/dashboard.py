"""Danish number formats for the dashboard: shares as per cent, eNPS with its sign."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.http import QueryDict

register = template.Library()

NO_VALUE = "–"


@register.filter
def pct(share) -> str:
    """0.725 → "72,5 %": a share as per cent with one decimal, decimal comma (Danish)."""
    if share is None or share == "":
        return NO_VALUE
    percent = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{percent} %".replace(".", ",")


@register.filter
def pct_floor(share) -> str:
    """0.6 → "60 %": an open wave's rate, already rounded down to whole tens (no decimals)."""
    if share is None or share == "":
        return NO_VALUE
    return f"{int(Decimal(str(share)) * 100)} %"


@register.filter
def bar_width(share) -> str:
    """A share as a CSS width in per cent, 0–100."""
    if share is None or share == "":
        return "0%"
    return f"{max(0.0, min(1.0, float(share))) * 100:.1f}%"


@register.filter
def signed(number) -> str:
    """eNPS as people write it: +12, 0, −5."""
    if number is None or number == "":
        return NO_VALUE
    number = int(number)
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "0"


@register.simple_tag(takes_context=True)
def with_query(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def duration(seconds) -> str:
    """Seconds as people say a span: "45 min", "3 t 20 min", "2 d 4 t" (no value: "–")."""
    if seconds is None or seconds == "":
        return NO_VALUE
    minutes = int(seconds) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} t"
    if hours:
        return f"{hours} t {minutes} min"
    return f"{minutes} min"


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if mapping else None


LEVEL_MEASURES = (
    "units",
    "received",
    "passed_on",
    "overdue",
    "told",
    "attendance",
    "read",
    "acknowledged",
)


@register.filter
def level_measures(level) -> list[tuple[str, int]]:
    """A cascade level's counts, in the order of the page's columns (the API's names)."""
    return [(measure, getattr(level, measure)) for measure in LEVEL_MEASURES]
