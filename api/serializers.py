"""Serializer building blocks shared by the apps' APIs: strict input, ids, booleans, dates.

Every id, boolean, date and date-time that comes in — body, query string or path — goes
through the fields here, so the bounds are the same everywhere and the schema states them:

- ids are 1 … 2^63 − 1, the range of the BigAutoField keys (and of SQLite's INTEGER), so a
  larger number is a 400 (or a 404 in a path), never an OverflowError or DataError;
- dates and date-times are never before 1900-01-01: before 1894 Europe/Copenhagen ran on
  local mean time (UTC+00:50:20), which RFC 3339 cannot write, and years outside 1–9999
  cannot be written at all. Domain times (publishing, events, waves, deadlines) must lie
  within NEAR_YEARS (10) calendar years of this one. Both bounds are whole years, read from
  the value as written (before any time zone is applied), so the schema states them exactly
  as a pattern on the year (`year_pattern`);
- a boolean is JSON true or false, nothing else (DRF also takes 0, 1, "yes", "on" …); in a
  query string it is `true` or `false`;
- a body field takes only the JSON type its schema names: a string field refuses 0, an
  integer field refuses "0" (DRF coerces both).
"""

import datetime as dt
import re

from django.core.validators import URLValidator
from django.utils import dateparse, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

MAX_ID = 2**63 - 1  # the largest BigAutoField key (PostgreSQL bigint, SQLite INTEGER)
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(9998, 12, 31)  # a day short of 9999-12-31: any UTC offset still writes
NEAR_YEARS = 10  # domain times (publish, events, waves, deadlines): within this many years

ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know, instead of dropping them.

    A misspelt field silently ignored is a change the caller believes happened and did not.
    The schema says so: its components carry `additionalProperties: false`.
    """

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Forventede et JSON-objekt.")]}
            )
        unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError({name: [_("Ukendt felt.")] for name in unknown})
        wrong = {
            name: [_("Forkert type: forventede %(type)s.") % {"type": expected}]
            for name, field in self.fields.items()
            if name in data and (expected := json_type_mismatch(field, data[name]))
        }
        if not wrong:
            return super().to_internal_value(data)
        try:  # the other fields' errors too, so one answer names every wrong field
            super().to_internal_value({k: v for k, v in data.items() if k not in wrong})
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                wrong = {**exc.detail, **wrong}
        raise serializers.ValidationError(wrong)


# The JSON type each field class reads, as the schema states it. DRF coerces across types
# (CharField takes 0, IntegerField takes "0" and 1.0): the schema says no, so the server does.
_STRING_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.UUIDField,
)
_INTEGER_FIELDS = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)


def json_type_mismatch(field, value) -> str | None:
    """The JSON type `field` expects if `value` is not of it, else None (null is the field's)."""
    if value is None:
        return None
    child = getattr(field, "child_relation", None) or getattr(field, "child", None)
    if isinstance(field, (serializers.ManyRelatedField, serializers.ListField)):
        if not isinstance(value, list):
            return "array"
        return next((t for item in value if (t := json_type_mismatch(child, item))), None)
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "boolean"
    if isinstance(field, serializers.ChoiceField) and not all(
        isinstance(choice, str) for choice in field.choices
    ):
        return None
    if isinstance(field, _STRING_FIELDS):
        return None if isinstance(value, str) else "string"
    if isinstance(field, _INTEGER_FIELDS):
        return None if isinstance(value, int) and not isinstance(value, bool) else "integer"
    return None


class QuerySerializer(serializers.Serializer):
    """Query-string parameters: an empty value (`?kind=`) is refused, not taken as absent.

    DRF treats `?x=` like no `x` at all; the schema says a date-time, an id or a choice, and
    an empty string is none of those, so the server refuses it as the schema does.
    """

    def to_internal_value(self, data):
        empty = {
            name: [_("Må ikke være tom.")]
            for name, field in self.fields.items()
            if hasattr(data, "getlist")
            and name in data
            and "" in data.getlist(name)
            and not getattr(field, "allow_blank", False)
        }
        if empty:
            raise serializers.ValidationError(empty)
        booleans = [
            name
            for name, field in self.fields.items()
            if isinstance(field, BooleanField) and hasattr(data, "getlist") and name in data
        ]
        if booleans:
            data = data.copy()
            for name in booleans:
                data.setlist(name, [QUERY_BOOLEANS.get(v, v) for v in data.getlist(name)])
        return super().to_internal_value(data)


# --- links ------------------------------------------------------------------------------------

# An http(s) link as both the schema and the server read it: dotted host names of labels up to
# 63 characters and 253 in all, an optional port, then printable ASCII. Django's URLValidator
# alone also takes what JSON Schema's `format: uri` does not (and refuses some of what it
# does, such as a 300-character host), so the schema carries this pattern and the server checks
# the same pattern first. Same meaning in Python's and ECMAScript's regular expressions.
LINK_CORE = (
    r"https?://(?=[^/?#:@\s]{1,253}(?:[:/?#]|$))"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?"
    r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?"
)


class LinkField(serializers.CharField):
    """An http(s) link; the schema states LINK_CORE as its pattern."""

    default_error_messages = {"invalid": gettext_lazy("Indtast en gyldig URL.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)  # the schema's pattern trims nothing
        super().__init__(**kwargs)
        self.validators.append(self._check)

    def _check(self, value: str) -> None:
        if not re.fullmatch(LINK_CORE, value, flags=re.ASCII):
            self.fail("invalid")
        URLValidator(schemes=["http", "https"])(value)

    def schema_pattern(self) -> str:
        return f"^(?:{LINK_CORE})?$" if self.allow_blank else f"^(?:{LINK_CORE})$"


# --- booleans ---------------------------------------------------------------------------------

QUERY_BOOLEANS = {"true": True, "false": False}  # how OpenAPI clients write a boolean query


class BooleanField(serializers.BooleanField):
    """JSON true or false, nothing else: DRF's own also reads 0, 1, "yes", "on", "null" ….

    In a query string QuerySerializer turns `true` / `false` into the booleans first.

    `true_only=True`: a confirmation that only `true` answers (the schema says `enum: [true]`).
    """

    # DRF reads an absent boolean in a query string or form as false (an unticked checkbox);
    # here absent is absent.
    default_empty_html = empty
    default_error_messages = {
        "invalid": gettext_lazy("Skal være true eller false."),
        "not_true": gettext_lazy("Skal være true."),
    }

    def __init__(self, *, true_only: bool = False, **kwargs):
        self.true_only = true_only
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        if self.true_only and data is not True:
            self.fail("not_true")
        return data


class FormBooleanField(BooleanField):
    """A boolean in a multipart form, which has no JSON types: the text true or false only."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data in ("true", "false"):
            data = data == "true"
        return super().to_internal_value(data)


# --- ids --------------------------------------------------------------------------------------


def parse_id(value) -> int | None:
    """`value` as an id in 1 … MAX_ID, or None if it is not one (bools and floats included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


@extend_schema_field(ID_SCHEMA)
class IdField(serializers.IntegerField):
    """An object's id: an integer in 1 … 2^63 − 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # bool is an int in Python, and int("٣") == 3: neither is an id a client meant.
        if isinstance(data, bool) or (isinstance(data, str) and not data.isascii()):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(ID_SCHEMA)
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField that refuses an id out of the key range before any query."""

    def to_internal_value(self, data):
        if parse_id(data) is None:
            if isinstance(data, bool) or not isinstance(data, (int, str)):
                self.fail("incorrect_type", data_type=type(data).__name__)
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(parse_id(data))


class IdListField(serializers.ListField):
    """A list of ids (each 1 … 2^63 − 1)."""

    child = IdField()


class IdsRelatedField(IdListField):
    """A list of ids turned into the objects of `queryset` in one query; an unknown id is a 400.

    The many-valued `IdRelatedField`: `IdRelatedField(many=True)` makes a query per id.
    """

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        found = self.queryset.in_bulk(ids)
        if missing := [pk for pk in ids if pk not in found]:
            raise serializers.ValidationError(
                IdRelatedField.default_error_messages["does_not_exist"].format(pk_value=missing[0]),
                code="does_not_exist",
            )
        return [found[pk] for pk in ids]


# --- dates and times ----------------------------------------------------------------------------


def year_bounds(*, near: bool) -> tuple[int, int]:
    """The years a date may carry: 1900 … 9998, or NEAR_YEARS either side of this year."""
    if not near:
        return EARLIEST_DATE.year, LATEST_DATE.year
    this_year = timezone.localdate().year
    return max(EARLIEST_DATE.year, this_year - NEAR_YEARS), this_year + NEAR_YEARS


def year_pattern(*, near: bool) -> str:
    """A regular expression for a date or date-time string whose year lies in year_bounds().

    JSON Schema has no minimum for `format: date`; a pattern on the four year digits states
    the same bound. For the near window it is computed when the schema is built, and the
    schema view keys its cache by the year, so a process that runs across New Year serves
    the new window too.
    """
    low, high = year_bounds(near=near)
    return "^(" + "|".join(_year_range_patterns(low, high)) + ")-"


def _year_range_patterns(low: int, high: int) -> list[str]:
    """Alternatives matching exactly the four-digit years low … high (as few as it takes)."""
    if low > high:
        return []
    # The widest aligned block (10, 100, 1000 years) that starts at `low` and fits.
    for size in (1000, 100, 10):
        if low % size == 0 and low + size - 1 <= high:
            digits = len(str(size)) - 1
            prefix = f"{low:04d}"[: 4 - digits]
            blocks = min((high + 1 - low) // size, 10 - (low // size) % 10)
            end = f"{low // size % 10 + blocks - 1}"
            first = prefix[-1]
            head = prefix[:-1] + (first if end == first else f"[{first}-{end}]")
            return [head + "[0-9]" * digits, *_year_range_patterns(low + blocks * size, high)]
    end = min(high, low // 10 * 10 + 9)  # the rest of low's decade, as far as high
    last = f"{low % 10}" if end == low else f"[{low % 10}-{end % 10}]"
    return [f"{low // 10:03d}{last}", *_year_range_patterns(end + 1, high)]


def _check_year(field, year: int) -> None:
    low, high = year_bounds(near=field.near)
    if not low <= year <= high:
        raise serializers.ValidationError(
            _("Året skal ligge mellem %(low)s og %(high)s.") % {"low": low, "high": high},
            code="date_out_of_range",
        )


class DateField(serializers.DateField):
    """A date in 1900 … 9998; `near=True`: within NEAR_YEARS years of this year."""

    def __init__(self, *, near: bool = False, **kwargs):
        self.near = near
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        _check_year(self, date.year)
        return date


class DateTimeField(serializers.DateTimeField):
    """A date-time in 1900 … 9998 with a time zone; `near=True`: within NEAR_YEARS years of this
    year. The year is read as written, before the time zone is applied, as the schema's
    pattern reads it; written back always as RFC 3339."""

    def __init__(self, *, near: bool = False, **kwargs):
        self.near = near
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        written = dateparse.parse_datetime(value) if isinstance(value, str) else None
        # 1900 and 9998 leave a day's slack either way, so any UTC offset still writes.
        _check_year(self, (written or moment).year)
        return moment
