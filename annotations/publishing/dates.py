"""Moments as we publish and accept them: ISO 8601, UTC written as "Z"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime

DATE_FORMAT_ERROR = (
    "Enter a date or date-time in ISO 8601 format, e.g. 2025-01-31 or 2025-01-31T12:00:00Z."
)


def iso(value: datetime | date | None, tz: tzinfo | None = None) -> str | None:
    """ISO 8601 in ``tz`` (default: the current time zone), "Z" for UTC; a date is its
    local midnight. Builders of long lists pass ``tz``, read once."""
    if value is None:
        return None
    tz = tz or timezone.get_current_timezone()
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=tz)
    elif value.tzinfo is not None and not (value.tzinfo is UTC and is_utc(tz)):
        value = value.astimezone(tz)  # (what the database reads is UTC already)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def is_utc(tz: tzinfo) -> bool:
    return tz is UTC or getattr(tz, "key", None) in ("UTC", "Etc/UTC")


def parse_moment(text: str) -> datetime:
    """A date or date-time a person typed (ISO 8601), aware; ValueError says what to send.

    A date means its midnight, and a moment without an offset the current time zone.
    """
    try:
        parsed = parse_datetime(text.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(DATE_FORMAT_ERROR)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    try:
        # The same moment in UTC: PostgreSQL refuses offsets beyond ±15:59 ("-18:20").
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 with an offset east of UTC, year 9999 west of it
        raise ValueError(DATE_FORMAT_ERROR) from None
