"""Serializer building blocks shared by the apps' APIs: strict input, ids, dates and times.

Every id, date and date-time that comes in — body, query string or path — goes through the
fields here, so the bounds are the same everywhere and the schema states them:

- ids are 1 … 2^63 − 1, the range of the BigAutoField keys (and of SQLite's INTEGER), so a
  larger number is a 400 (or a 404 in a path), never an OverflowError or DataError;
- dates and date-times are never before 1900-01-01: before 1894 Europe/Copenhagen ran on
  local mean time (UTC+00:50:20), which RFC 3339 cannot write, and years outside 1–9999
  cannot be written at all. Domain times (publishing, events, waves, deadlines) must lie
  within NEAR_YEARS (10) years of today.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest BigAutoField key (PostgreSQL bigint, SQLite INTEGER)
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(9998, 12, 31)  # a day short of 9999-12-31: any UTC offset still writes
NEAR_YEARS = 10  # domain times (publish, events, waves, deadlines): within this of today

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
        return super().to_internal_value(data)


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
                IdRelatedField.default_error_messages["does_not_exist"].format(pk_value=missing[0])
            )
        return [found[pk] for pk in ids]


# --- dates and times ----------------------------------------------------------------------------


def _near_bounds() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return (
        max(EARLIEST_DATE, today.replace(year=today.year - NEAR_YEARS, day=min(today.day, 28))),
        today.replace(year=today.year + NEAR_YEARS, day=min(today.day, 28)),
    )


class DateField(serializers.DateField):
    """A date from 1900-01-01 on; `near=True`: within NEAR_YEARS years of today."""

    def __init__(self, *, near: bool = False, **kwargs):
        self.near = near
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        _check_range(self, date)
        return date


class DateTimeField(serializers.DateTimeField):
    """A date-time from 1900-01-01 on, with a time zone; `near=True`: within NEAR_YEARS years of
    today. Written back always as RFC 3339."""

    def __init__(self, *, near: bool = False, **kwargs):
        self.near = near
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        _check_range(self, moment.date())  # the bounds leave a day's slack for any offset
        return moment


def _check_range(field, date: dt.date) -> None:
    low, high = _near_bounds() if field.near else (EARLIEST_DATE, LATEST_DATE)
    if not low <= date <= high:
        raise serializers.ValidationError(
            _("Datoen skal ligge mellem %(low)s og %(high)s.")
            % {"low": low.isoformat(), "high": high.isoformat()},
            code="date_out_of_range",
        )
