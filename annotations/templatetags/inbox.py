"""``{% inbox_counts as inbox %}``: the numbers in the reviewer pages' header."""

from __future__ import annotations

from django import template

from annotations import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context) -> desk.InboxCounts | None:
    """The counts a page already has (My work computes them), else one query of capped counts."""
    if context.get("inbox") is not None:
        return context["inbox"]
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return desk.inbox_counts(user)
