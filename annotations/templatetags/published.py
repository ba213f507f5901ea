from django import template
from django.utils.safestring import SafeString, mark_safe

from annotations.sanitize import html_to_text, sanitize_html

register = template.Library()


@register.filter
def sanitized(value: str) -> SafeString:
    """Stored rich text is sanitised on the way in; cleaning it again on the way out is cheap."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - bleach output is safe in HTML body


@register.filter
def plain_text(value: str) -> str:
    return html_to_text(value)
