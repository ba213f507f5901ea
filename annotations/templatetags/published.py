from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Source
from annotations.sanitize import html_to_text, sanitize_html

register = template.Library()


@register.filter
def sanitized(value: str) -> SafeString:
    """Stored rich text is sanitised on the way in; cleaning it again on the way out is cheap."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - bleach output is safe in HTML body


@register.filter
def plain_text(value: str) -> str:
    return html_to_text(value)


@register.filter
def moment(value: str | datetime | None) -> datetime | None:
    """An ISO 8601 string from a built representation as a datetime, for ``|date``."""
    if value is None or isinstance(value, datetime):
        return value
    return parse_datetime(value)


@register.filter
def machine_time(value: str | datetime | None) -> str:
    """A ``<time datetime>`` value: HTML allows no microseconds, so whole seconds."""
    value = moment(value)
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


@register.filter
def stance_label(value: str) -> str:
    return Source.Stance(value).label if value in Source.Stance.values else value
