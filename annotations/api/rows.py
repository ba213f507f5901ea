"""The export's claims in our JSON, built from ``.values()`` rows for the long lists.

``ClaimSerializer`` defines the shape (and the OpenAPI schema); building it
through DRF costs a model instance, a serializer walk and a field object per value,
which held the JSON Lines stream to a tenth of what the database and the JSON
encoder can do. Here a page or stream chunk is one query for the claims (joined
with article, verdict and people) plus one each for their sources and corrections,
and each claim a few dict literals. ``tests/test_api_rows.py`` holds the two
builders to the same output, byte for byte, over claims of every shape.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from annotations.api.serializers import SOURCE_FIELDS, public_base
from annotations.models import Claim, ClaimEvent, Source
from annotations.sanitize import html_to_text

APPROVED = Claim.Status.APPROVED.value
RETRACTED = Claim.Status.RETRACTED.value
PEOPLE = ("author", "approved_by")

# Everything a claim's representation and its validators read, in one row.
ROW_FIELDS = (
    "id", "claim", "rationale", "exact", "prefix", "suffix", "start", "end", "status",
    "approved_at", "updated_at",
    "verdict_id", "verdict__label", "verdict__slug", "verdict__rating_value", "verdict__colour",
    "article_id", "article__title", "article__source_url", "article__publisher",
    "article__byline", "article__published_at", "article__updated_at",
    *(f"{who}{part}" for who in PEOPLE
      for part in ("_id", "__first_name", "__last_name", "__username")),
)  # fmt: skip


def claim_rows(queryset: QuerySet[Claim]) -> QuerySet[dict[str, Any]]:
    """``queryset`` as rows of ``ROW_FIELDS`` (slice and order it as usual)."""
    return queryset.values(*ROW_FIELDS)


def person_of(row: dict[str, Any], who: str) -> str | None:
    """``serializers.person`` from a row's columns: full name, else username."""
    if row[f"{who}_id"] is None:
        return None
    full_name = f"{row[f'{who}__first_name']} {row[f'{who}__last_name']}".strip()
    return full_name or row[f"{who}__username"]


def row_fingerprint(row: dict[str, Any]) -> list[Any]:
    """``export.fingerprint`` of a row: what the representation depends on beyond
    sources and corrections (which change only through writes that move updated_at)."""
    verdict = (
        [row["verdict__label"], row["verdict__slug"], row["verdict__rating_value"],
         row["verdict__colour"]]
        if row["verdict_id"] is not None else None
    )  # fmt: skip
    return [
        row["id"],
        row["updated_at"],
        row["status"],
        row["article_id"],
        row["article__updated_at"],
        verdict,
        person_of(row, "author"),
        person_of(row, "approved_by"),
    ]


def is_tombstone_row(row: dict[str, Any]) -> bool:
    return row["status"] != APPROVED


class ClaimBuilder:
    """Turns rows into the export's dicts; one per request or stream (it holds the scale)."""

    def __init__(self, scale_bounds: tuple[int | None, int | None]) -> None:
        self.worst, self.best = scale_bounds
        self.base = public_base()
        self.tz: tzinfo | None = timezone.get_current_timezone()

    def when(self, value: datetime | None) -> str | None:
        """DRF's DateTimeField: in the current time zone, ISO 8601, "Z" for UTC."""
        if value is None:
            return None
        text = value.astimezone(self.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def build(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each row as a claim, or as a tombstone when it is no longer approved."""
        live = [row["id"] for row in rows if not is_tombstone_row(row)]
        sources, corrections = self.related(live)
        return [
            self.tombstone(row)
            if is_tombstone_row(row)
            else self.claim(row, sources.get(row["id"], []), corrections.get(row["id"], []))
            for row in rows
        ]

    def related(self, ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
        """Sources and corrections of these claims, grouped by claim (two queries)."""
        sources: dict[int, list] = defaultdict(list)
        corrections: dict[int, list] = defaultdict(list)
        if not ids:
            return sources, corrections
        source_rows = (
            Source.objects.filter(claim_id__in=ids)
            .order_by("order", "id")
            .values_list("claim_id", *SOURCE_FIELDS)
        )
        for claim_id, *values in source_rows:
            source = dict(zip(SOURCE_FIELDS, values, strict=True))
            accessed_on: date | None = source["accessed_on"]
            source["accessed_on"] = accessed_on.isoformat() if accessed_on else None
            sources[claim_id].append(source)
        event_rows = (
            ClaimEvent.objects.filter(claim_id__in=ids, is_correction=True)
            .order_by("at", "id")
            .values_list("claim_id", "previous_verdict", "at", "comment")
        )
        for claim_id, previous_verdict, at, comment in event_rows:
            corrections[claim_id].append(
                {"previous_verdict": previous_verdict, "date": self.when(at), "note": comment}
            )
        return sources, corrections

    def claim(self, row: dict[str, Any], sources: list, corrections: list) -> dict[str, Any]:
        if row["verdict_id"] is None:
            verdict = None
        else:
            rated = row["verdict__rating_value"] is not None
            verdict = {
                "label": row["verdict__label"],
                "slug": row["verdict__slug"],
                "rating_value": row["verdict__rating_value"],
                "best_rating": self.best if rated else None,
                "worst_rating": self.worst if rated else None,
                "colour": row["verdict__colour"],
            }
        article_id = row["article_id"]
        return {
            "id": row["id"],
            "uri": f"{self.base}/checks/{row['id']}/",
            "claim": row["claim"],
            "verdict": verdict,
            "rationale_html": row["rationale"],
            "rationale_text": html_to_text(row["rationale"]),
            "quote": {
                "exact": row["exact"],
                "prefix": row["prefix"],
                "suffix": row["suffix"],
                "start": row["start"],
                "end": row["end"],
            },
            "article": {
                "id": article_id,
                "title": row["article__title"],
                "url": row["article__source_url"] or f"{self.base}/checks/articles/{article_id}/",
                "publisher": row["article__publisher"],
                "byline": row["article__byline"],
                "published_at": self.when(row["article__published_at"]),
            },
            "sources": sources,
            "author": person_of(row, "author"),
            "approved_by": person_of(row, "approved_by"),
            "approved_at": self.when(row["approved_at"]),
            "updated_at": self.when(row["updated_at"]),
            "corrections": corrections,
        }

    def tombstone(self, row: dict[str, Any]) -> dict[str, Any]:
        """``TombstoneSerializer``: retracted or reopened, for a consumer both mean withdrawn."""
        return {
            "id": row["id"],
            "uri": f"{self.base}/checks/{row['id']}/",
            "status": RETRACTED,
            "updated_at": self.when(row["updated_at"]),
        }
