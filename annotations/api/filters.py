"""The export's query parameters: validated here, turned into a ``publishing.ExportQuery``.

Bad values answer 400 with field errors, each saying what to send.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.publishing.dates import DATE_FORMAT_ERROR, parse_moment
from annotations.publishing.representation import INCLUDABLE, VERSIONS, Representation

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
UNKNOWN_VERDICT = "Unknown verdict {value!r}: choose one of {choices}."
DATE_HELP = (
    "An ISO 8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z (UTC if no offset)."
)


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(serializers.Field):
    """A date or date-time in ISO 8601, read by the same function as ``export_claims``."""

    default_error_messages = {"invalid": DATE_FORMAT_ERROR}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return parse_moment(data)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return value.isoformat()


def _moment(help_text: str) -> MomentField:
    return MomentField(required=False, help_text=f"{help_text} {DATE_HELP}")


class ClaimFilterSerializer(serializers.Serializer):
    """The query parameters of the claims export."""

    article = serializers.IntegerField(
        required=False, min_value=1, help_text="Only claims on this article (its id)."
    )
    verdict = serializers.SlugField(
        required=False,
        help_text="Only claims with this verdict (its slug, e.g. false).",
    )
    publisher = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Only claims on articles from this publisher (whole name, case-insensitive).",
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Text search (case-insensitive) over the claim, the quote and the rationale.",
    )
    approved_after = _moment("Only claims approved at or after this moment.")
    approved_before = _moment("Only claims approved before this moment.")
    updated_since = _moment(
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
        required=False,
        help_text="The opaque cursor from a page's next, prev, first or last link.",
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Items per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    )


class RepresentationSerializer(serializers.Serializer):
    """Which version of our JSON (``publishing.representation``)."""

    version = serializers.ChoiceField(
        choices=VERSIONS,
        required=False,
        default=1,
        help_text="Version of our JSON. 2 names each article by id (article_id) and gives "
        "the rationale as HTML only: a third fewer bytes a claim. Default 1.",
    )
    include = serializers.CharField(
        required=False,
        max_length=100,
        help_text=f"With version=2, what to put back, comma-separated: {', '.join(INCLUDABLE)}.",
    )

    def validate(self, attrs):
        try:
            attrs["representation"] = Representation.of(attrs["version"], attrs.get("include"))
        except ValueError as exc:
            raise serializers.ValidationError({"include": [str(exc)]}) from None
        return attrs


class ClaimListQuerySerializer(
    ClaimFilterSerializer, PageQuerySerializer, RepresentationSerializer
):
    pass


class ClaimStreamQuerySerializer(ClaimFilterSerializer, RepresentationSerializer):
    pass


ARTICLE_EXPANDABLE = ("body",)


class ArticleExpandSerializer(serializers.Serializer):
    """What an article answer adds on request: its text is left out unless asked for."""

    expand = serializers.CharField(
        required=False,
        help_text="body: add each article's cleaned text (what quote offsets index). "
        "Left out by default: a page of 100 articles would carry 100 bodies.",
    )

    def validate_expand(self, value: str) -> list[str]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts or any(part not in ARTICLE_EXPANDABLE for part in parts):
            raise serializers.ValidationError(
                f"Expand {', '.join(ARTICLE_EXPANDABLE)} (the only part an article adds), "
                f"not {value!r}."
            )
        return parts


class ArticleListQuerySerializer(ArticleExpandSerializer, PageQuerySerializer):
    publisher = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Only articles from this publisher (whole name, case-insensitive).",
    )
