"""The verdict scale: its slugs and its numeric bounds (the worst and best rating)."""

from __future__ import annotations

from collections.abc import Iterable

from annotations.models import Verdict

Bounds = tuple[int | None, int | None]


def bounds_of(ratings: Iterable[int | None]) -> Bounds:
    """(worst, best) of the ratings on the scale; verdicts off the scale have none."""
    rated = [rating for rating in ratings if rating is not None]
    return (min(rated), max(rated)) if rated else (None, None)


def verdict_scale() -> tuple[list[str], Bounds]:
    """Slugs in scale order (they validate filters) and the bounds, in one query."""
    rows = list(Verdict.objects.order_by("order", "id").values_list("slug", "rating_value"))
    return [slug for slug, _ in rows], bounds_of(rating for _, rating in rows)
