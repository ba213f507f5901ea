"""The one builder of an exported claim: from a ``.values()`` row to our JSON.

Every representation of a published claim starts here: our JSON and JSON Lines are
what ``ClaimBuilder`` writes, ClaimReview and Web Annotation are made from that
(``claimreview.py``, ``webannotation.py``), and so are the public pages and their
JSON-LD. A page or stream chunk is one query for the claims (joined with article,
verdict and people) plus one each for their sources and corrections, and each claim
a few dict literals: no model instances, no serializer walk.
``api.serializers.ClaimSerializer`` documents the shape (the OpenAPI schema); a test
holds the two to the same field names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from annotations.lookups import any_of
from annotations.models import AnchorState, Appearance, Article, Claim, ClaimEvent, Source
from annotations.publishing.dates import iso
from annotations.publishing.people import person_of
from annotations.publishing.representation import V1, Representation
from annotations.publishing.scale import Bounds
from annotations.publishing.uris import Links
from annotations.sanitize import html_to_text

APPROVED = Claim.Status.APPROVED.value
CONFIRMED = Appearance.State.CONFIRMED.value
RETRACTED = Claim.Status.RETRACTED.value
ORPHANED = AnchorState.ORPHANED.value
PEOPLE = ("author", "approved_by")
SOURCE_FIELDS = (
    "id", "url", "title", "publisher", "stance", "excerpt", "accessed_on", "archived_url",
)  # fmt: skip
ARTICLE_FIELDS = ("id", "title", "url", "publisher", "byline", "published_at")
APPEARANCE_ARTICLE_FIELDS = ("id", "title", "url", "publisher", "published_at")
CLAIMANT_FIELDS = ("name", "kind", "same_as")

# Everything a claim's representation and its validators read, in one row.
ROW_FIELDS = (
    "id", "claim", "rationale", "exact", "prefix", "suffix", "start", "end", "status",
    "created_at", "approved_at", "updated_at", "retracted_at", "retraction_reason",
    "verdict_id", "verdict__label", "verdict__slug", "verdict__rating_value", "verdict__colour",
    "verdict__description",
    "article_id", "article__title", "article__source_url", "article__publisher",
    "article__byline", "article__published_at", "article__updated_at",
    "claimant_id", "claimant__name", "claimant__kind", "claimant__same_as", "claim_date",
    "anchor_state", "text_changed_at", "quote_as_checked",
    *(f"{who}{part}" for who in PEOPLE
      for part in ("_id", "__first_name", "__last_name", "__username")),
)  # fmt: skip


def claim_rows(queryset: QuerySet[Claim], *extra: str) -> QuerySet[Claim, dict[str, Any]]:
    """``queryset`` as rows of ``ROW_FIELDS`` (and ``extra``); slice and order it as usual."""
    return queryset.values(*ROW_FIELDS, *extra)


def row_fingerprint(row: dict[str, Any]) -> list[Any]:
    """What a row's representation depends on beyond its sources and corrections
    (which change only through writes that move updated_at): ETags hash it."""
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
        [row["claimant__name"], row["claimant__kind"], row["claimant__same_as"]],
    ]


def is_tombstone_row(row: dict[str, Any]) -> bool:
    """A row the export shows only as withdrawn: anything not approved now."""
    return row["status"] != APPROVED


@dataclass
class Related:
    """What a page of claims holds beyond their rows, grouped by claim id."""

    sources: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    corrections: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    appearances: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    # Proposed appearances, waiting for a second editor: the workspace shows them, the
    # export does not.
    pending: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    # Per appearance id: its review state, whether it is the primary one, its anchoring.
    review: dict[int, dict] = field(default_factory=dict)


class ClaimBuilder:
    """Turns rows into our JSON; one per request or stream (it holds the scale and links)."""

    def __init__(self, scale: Bounds, links: Links, representation: Representation = V1) -> None:
        self.worst, self.best = scale
        self.links = links
        self.tz = timezone.get_current_timezone()
        self.articles = representation.has("article")
        self.rationale_text = representation.has("rationale_text")

    def when(self, value) -> str | None:
        return iso(value, self.tz)

    def build(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each row as a claim, or as a tombstone when it is no longer approved."""
        live = [row["id"] for row in rows if not is_tombstone_row(row)]
        related = self.related(live)
        return [
            self.tombstone(row) if is_tombstone_row(row) else self.claim(row, related)
            for row in rows
        ]

    def build_one(self, row: dict[str, Any]) -> dict[str, Any]:
        """One claim in full whatever its state (a public page shows a withdrawn one)."""
        return self.claim(row, self.related([row["id"]]))

    def related(self, ids: Iterable[int]) -> Related:
        """Sources, corrections and confirmed appearances of these claims, grouped by
        claim (three queries)."""
        ids = list(ids)
        related = Related()
        if not ids:
            return related
        sources, corrections = related.sources, related.corrections
        source_rows = (
            Source.objects.filter(claim_id__among=ids)
            .order_by("order", "id")
            .values_list("claim_id", *SOURCE_FIELDS)
        )
        for claim_id, *values in source_rows:
            source = dict(zip(SOURCE_FIELDS, values, strict=True))
            accessed_on: date | None = source["accessed_on"]
            source["accessed_on"] = accessed_on.isoformat() if accessed_on else None
            sources[claim_id].append(source)
        event_rows = (
            ClaimEvent.objects.filter(claim_id__among=ids, is_correction=True)
            .order_by("at", "id")
            .values_list("claim_id", "previous_verdict", "at", "comment")
        )
        for claim_id, previous_verdict, at, comment in event_rows:
            corrections[claim_id].append(
                {"previous_verdict": previous_verdict, "date": self.when(at), "note": comment}
            )
        appearance_rows = (
            Appearance.objects.filter(claim_id__among=ids)
            .filter(their_articles(ids))
            .order_by("-primary", "id")
            .values(
                "claim_id", "id", "start", "end", "exact", "prefix", "suffix", "state",
                "primary", "anchor_state", "article_id", "article__title",
                "article__source_url", "article__publisher", "article__published_at",
            )
        )  # fmt: skip
        for row in appearance_rows:
            confirmed = row["state"] == CONFIRMED
            held = related.appearances if confirmed else related.pending
            held[row["claim_id"]].append(self.appearance(row))
            related.review[row["id"]] = {
                "state": row["state"],
                "primary": row["primary"],
                "anchor_state": row["anchor_state"],
            }
        return related

    def appearance(self, row: Mapping[str, Any]) -> dict[str, Any]:
        article_id = row["article_id"]
        if not self.articles:
            return {"id": row["id"], "article_id": article_id, "quote": self.quote(row)}
        return {
            "id": row["id"],
            "article": {
                "id": article_id,
                "title": row["article__title"],
                "url": self.links.article_url(row["article__source_url"], article_id),
                "publisher": row["article__publisher"],
                "published_at": self.when(row["article__published_at"]),
            },
            "quote": self.quote(row),
        }

    def verdict(self, row: dict[str, Any]) -> dict[str, Any] | None:
        if row["verdict_id"] is None:
            return None
        rated = row["verdict__rating_value"] is not None
        return {
            "label": row["verdict__label"],
            "slug": row["verdict__slug"],
            "rating_value": row["verdict__rating_value"],
            "best_rating": self.best if rated else None,
            "worst_rating": self.worst if rated else None,
            "colour": row["verdict__colour"],
        }

    def article(self, row: dict[str, Any]) -> dict[str, Any]:
        article_id = row["article_id"]
        return {
            "id": article_id,
            "title": row["article__title"],
            "url": self.links.article_url(row["article__source_url"], article_id),
            "publisher": row["article__publisher"],
            "byline": row["article__byline"],
            "published_at": self.when(row["article__published_at"]),
        }

    def claimant(self, row: dict[str, Any]) -> dict[str, Any] | None:
        if row["claimant_id"] is None:
            return None
        return {
            "name": row["claimant__name"],
            "kind": row["claimant__kind"],
            "same_as": list(row["claimant__same_as"] or []),
        }

    def claim(self, row: dict[str, Any], related: Related) -> dict[str, Any]:
        pk = row["id"]
        item = {
            "id": pk,
            "uri": self.links.claim(pk),
            "claim": row["claim"],
            "claimant": self.claimant(row),
            "claim_date": row["claim_date"].isoformat() if row["claim_date"] else None,
            "verdict": self.verdict(row),
            "rationale_html": row["rationale"],
        }
        if self.rationale_text:
            item["rationale_text"] = html_to_text(row["rationale"])
        item["quote"] = self.quote(row)
        item["text_changed"] = self.text_changed(row)
        if self.articles:
            item["article"] = self.article(row)
        else:
            item["article_id"] = row["article_id"]
        item.update(
            appearances=related.appearances.get(pk, []),
            sources=related.sources.get(pk, []),
            author=person_of(row, "author"),
            approved_by=person_of(row, "approved_by"),
            created_at=self.when(row["created_at"]),
            approved_at=self.when(row["approved_at"]),
            updated_at=self.when(row["updated_at"]),
            corrections=related.corrections.get(pk, []),
        )
        return item

    def quote(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The quote on the article's current text; an orphaned quote (not on it any more)
        keeps its words and context but has no offsets."""
        orphaned = row["anchor_state"] == ORPHANED
        return {
            "exact": row["exact"],
            "prefix": row["prefix"],
            "suffix": row["suffix"],
            "start": None if orphaned else row["start"],
            "end": None if orphaned else row["end"],
        }

    def text_changed(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """Whether the article was edited under the quoted words after the check: when,
        the words as checked, and what they now read (None when they are gone)."""
        if row["text_changed_at"] is None:
            return None
        return {
            "at": self.when(row["text_changed_at"]),
            "quote_as_checked": row["quote_as_checked"],
            "now_reads": None if row["anchor_state"] == ORPHANED else row["exact"],
        }

    def tombstone(self, row: dict[str, Any]) -> dict[str, Any]:
        """A claim withdrawn after publication: retracted or reopened, for a consumer
        both mean "delete your copy"."""
        return {
            "id": row["id"],
            "uri": self.links.claim(row["id"]),
            "status": RETRACTED,
            "updated_at": self.when(row["updated_at"]),
        }


def is_tombstone(item: dict[str, Any]) -> bool:
    """Whether a built item is a tombstone (it has a status; a claim has none)."""
    return "status" in item and "claim" not in item


def their_articles(claim_ids: list[int]) -> RawSQL:
    """The joined article, restricted to those the claims appear in (one more index probe):
    PostgreSQL does not carry ``claim_id IN (…)`` across the join, and would read every
    article into a hash to join a page's few hundred appearances to theirs."""
    quote = connection.ops.quote_name
    among, params = any_of(quote("claim_id"), claim_ids, connection.vendor)
    sql = (
        f"{quote(Article._meta.db_table)}.{quote('id')} IN (SELECT {quote('article_id')} "  # noqa: S608
        f"FROM {quote(Appearance._meta.db_table)} WHERE {among})"
    )
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - ids bound
