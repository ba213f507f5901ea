"""What the export may show, and the filters a consumer can narrow it with.

The export never shows a claim that is not approved. With ``updated_since`` it
also lists claims that were published once and no longer are, as tombstones, so
a consumer that syncs incrementally knows what to delete.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework import serializers

from annotations.models import Article, Claim, Verdict

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
UNKNOWN_VERDICT = "Unknown verdict {value!r}: choose one of {choices}."
DATE_HELP = (
    "An ISO 8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z (UTC if no offset)."
)
DATE_FORMAT_ERROR = (
    "Enter a date or date-time in ISO 8601 format, e.g. 2025-01-31 or 2025-01-31T12:00:00Z."
)

APPROVED = Q(status=Claim.Status.APPROVED)
# Published once: approval sets approved_at, and nothing clears it.
WAS_PUBLISHED = APPROVED | Q(approved_at__isnull=False)


def exportable(
    queryset: QuerySet[Claim] | None = None, *, tombstones: bool = False
) -> QuerySet[Claim]:
    """Approved claims; with ``tombstones``, also those withdrawn after publication."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.filter(WAS_PUBLISHED if tombstones else APPROVED)


def is_tombstone(claim: Claim) -> bool:
    return claim.status != Claim.Status.APPROVED


def _datetime(help_text: str) -> serializers.DateTimeField:
    return serializers.DateTimeField(
        required=False,
        help_text=f"{help_text} {DATE_HELP}",
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )


class ClaimFilterSerializer(serializers.Serializer):
    """The query parameters of the claims export; bad values answer 400 with field errors."""

    article = serializers.IntegerField(
        required=False, min_value=1, help_text="Only claims on this article (its id)."
    )
    verdict = serializers.SlugField(
        required=False,
        help_text="Only claims with this verdict (its slug, e.g. false).",
    )
    publisher = serializers.CharField(
        required=False,
        help_text="Only claims on articles from this publisher (exact, case-insensitive).",
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Text search (case-insensitive) over the claim, the quote and the rationale.",
    )
    approved_after = _datetime("Only claims approved at or after this moment.")
    approved_before = _datetime("Only claims approved before this moment.")
    updated_since = _datetime(
        "Incremental sync: only claims changed at or after this moment, including "
        "tombstones for claims withdrawn since (status retracted). Pass the largest "
        "updated_at you have seen."
    )

    def validate_verdict(self, value: str) -> str:
        slugs = self.context.get("verdict_slugs")
        if slugs is not None and value not in slugs:
            raise serializers.ValidationError(
                UNKNOWN_VERDICT.format(value=value, choices=", ".join(slugs))
            )
        return value


class PageQuerySerializer(serializers.Serializer):
    """The paging parameters every export list takes."""

    cursor = serializers.CharField(
        required=False, help_text="The opaque cursor from the previous page's next link."
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Items per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    )


class ClaimListQuerySerializer(ClaimFilterSerializer, PageQuerySerializer):
    pass


class ArticleListQuerySerializer(PageQuerySerializer):
    publisher = serializers.CharField(
        required=False,
        help_text="Only articles from this publisher (exact, case-insensitive).",
    )


def filter_claims(queryset: QuerySet[Claim], params: dict[str, Any]) -> QuerySet[Claim]:
    """Apply validated filters (``ClaimFilterSerializer.validated_data``)."""
    if "article" in params:
        queryset = queryset.filter(article_id=params["article"])
    if params.get("verdict"):
        queryset = queryset.filter(verdict__slug=params["verdict"])
    if params.get("publisher"):
        queryset = queryset.filter(article__publisher__iexact=params["publisher"])
    if params.get("q"):
        text = params["q"]
        queryset = queryset.filter(
            Q(claim__icontains=text) | Q(exact__icontains=text) | Q(rationale__icontains=text)
        )
    if "approved_after" in params:
        queryset = queryset.filter(approved_at__gte=params["approved_after"])
    if "approved_before" in params:
        queryset = queryset.filter(approved_at__lt=params["approved_before"])
    if "updated_since" in params:
        queryset = queryset.filter(updated_at__gte=params["updated_since"])
    return queryset


def export_claims(
    params: dict[str, Any], queryset: QuerySet[Claim] | None = None
) -> QuerySet[Claim]:
    """The claims an export request may see: approved, plus tombstones when syncing."""
    tombstones = "updated_since" in params
    return filter_claims(exportable(queryset, tombstones=tombstones), params)


def watched_claims(params: dict[str, Any]) -> QuerySet[Claim]:
    """Every published-once claim whose change could change this export's answer.

    Filters on a claim's own content (verdict, text, approval date) are left out on
    purpose: a claim that leaves such a filter was changed, so its updated_at moved,
    and the broader set still holds it. Its max(updated_at) is a safe Last-Modified.
    """
    queryset = exportable(tombstones=True)
    if "article" in params:
        queryset = queryset.filter(article_id=params["article"])
    if params.get("publisher"):
        queryset = queryset.filter(article__publisher__iexact=params["publisher"])
    return queryset


def export_articles(params: dict[str, Any]) -> QuerySet[Article]:
    """Articles with at least one claim published now or before.

    An article whose claims were all withdrawn stays listed with no claims, so a
    consumer sees the withdrawal rather than a silent disappearance.
    """
    queryset = Article.objects.filter(pk__in=exportable(tombstones=True).values("article_id"))
    if params.get("publisher"):
        queryset = queryset.filter(publisher__iexact=params["publisher"])
    return queryset


def verdict_scale() -> tuple[list[str], tuple[int | None, int | None]]:
    """Slugs (to validate the verdict filter) and (worst, best) rating, in one query."""
    rows = list(Verdict.objects.order_by("order", "id").values_list("slug", "rating_value"))
    ratings = [rating for _, rating in rows if rating is not None]
    bounds = (min(ratings), max(ratings)) if ratings else (None, None)
    return [slug for slug, _ in rows], bounds
