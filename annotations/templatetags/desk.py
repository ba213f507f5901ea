"""``{% desk_at_a_glance user as desk %}`` for the admin index.

A template tag rather than a custom AdminSite, so the index stays Django's own
page with one block added.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from annotations import desk, desk_charts, svg_charts

register = template.Library()


def sees_the_desk(user) -> bool:
    """Staff who may see claims: the index's numbers and charts are for them only."""
    return user.is_active and user.is_staff and user.has_perm("annotations.view_claim")


@register.simple_tag
def desk_at_a_glance(user) -> list[desk.DeskItem]:
    """The numbers for staff who may see claims; nothing for anyone else."""
    if not sees_the_desk(user):
        return []
    return desk.desk_at_a_glance(user)


@register.simple_tag
def desk_pictures(user) -> list[dict]:
    """Each chart with its picture, legend and CSV address (``desk_charts``, ``svg_charts``)."""
    if not sees_the_desk(user):
        return []
    return [
        {
            "chart": chart,
            "svg": svg_charts.render(chart),
            "legend": svg_charts.legend(chart),
            "csv_url": reverse("admin:annotations_claim_chart_csv", args=[chart.slug]),
        }
        for chart in desk_charts.all_charts()
    ]


@register.filter
def chart_cell(value) -> str:
    """A number in a chart's table: "–" where there is none (a week without decisions)."""
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)
