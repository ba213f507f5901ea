"""``{% desk_at_a_glance user as desk %}`` for the admin index.

A template tag rather than a custom AdminSite, so the index stays Django's own
page with one block added.
"""

from __future__ import annotations

from django import template

from annotations import desk

register = template.Library()


@register.simple_tag
def desk_at_a_glance(user) -> list[desk.DeskItem]:
    """The numbers for staff who may see claims; nothing for anyone else."""
    if not (user.is_active and user.is_staff and user.has_perm("annotations.view_claim")):
        return []
    return desk.desk_at_a_glance(user)
