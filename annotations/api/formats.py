"""Standard representations of approved claims: schema.org ClaimReview and W3C Web Annotation.

Pure functions from claims to dicts: the API, the JSON Lines export and the public
fact-check pages all call them, so a claim reads the same wherever it is published.
Give them claims from ``serializers.claim_queryset()`` so that lists cost a fixed
number of queries, and pass ``scale`` (``(worst, best)`` from ``scale_bounds``) when
formatting many claims so the scale is read once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone

from annotations.api.serializers import article_url, claim_uri, person, scale_bounds
from annotations.models import Article, Claim, Source
from annotations.sanitize import html_to_text

SCHEMA_ORG_CONTEXT = "https://schema.org"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'

Scale = tuple[int | None, int | None]


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 as DRF writes it (UTC as "Z"), so every format shows the same instant."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=timezone.get_current_timezone())
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def organisation() -> dict[str, Any]:
    """The publishing organisation (ClaimReview ``author``), from settings."""
    org: dict[str, Any] = {"@type": "Organization", "name": settings.FACTCHECK_ORG_NAME}
    if settings.FACTCHECK_ORG_URL:
        org["url"] = settings.FACTCHECK_ORG_URL
    if settings.FACTCHECK_ORG_LOGO:
        org["logo"] = settings.FACTCHECK_ORG_LOGO
    return org


def _scale(scale: Scale | None) -> Scale:
    return scale if scale is not None else scale_bounds({})


# schema.org ClaimReview ---------------------------------------------------------------------


def _rating(claim: Claim, scale: Scale | None) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    verdict = claim.verdict
    if verdict is None:  # approval requires a verdict; kept total for other callers
        return rating
    rating["alternateName"] = verdict.label
    if verdict.rating_value is not None:
        worst, best = _scale(scale)
        rating["ratingValue"] = verdict.rating_value
        if best is not None:
            rating["bestRating"] = best
        if worst is not None:
            rating["worstRating"] = worst
    return rating


def _appearance(article: Article) -> dict[str, Any]:
    appearance: dict[str, Any] = {
        "@type": "NewsArticle",
        "url": article_url(article),
        "headline": article.title,
    }
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.published_at:
        appearance["datePublished"] = iso(article.published_at)
    if article.byline:
        appearance["author"] = {"@type": "Person", "name": article.byline}
    return appearance


def _item_reviewed(article: Article) -> dict[str, Any]:
    """The claim as it appeared: first in this article, said by its byline when known."""
    item: dict[str, Any] = {"@type": "Claim", "appearance": _appearance(article)}
    if article.published_at:
        item["datePublished"] = iso(article.published_at)
    if article.byline:
        item["author"] = {"@type": "Person", "name": article.byline}
    return item


def _citation(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        work["name"] = source.title
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.archived_url:
        work["archivedAt"] = source.archived_url
    return work


def claimreview(claim: Claim, *, scale: Scale | None = None) -> dict[str, Any]:
    """One ClaimReview (schema.org JSON-LD) with every field Google requires or recommends.

    ``claimReviewed`` is the claim as stated, never the rating (Google's guidance).
    """
    review: dict[str, Any] = {
        "@context": SCHEMA_ORG_CONTEXT,
        "@type": "ClaimReview",
        "url": claim_uri(claim),
        "claimReviewed": claim.claim,
        "datePublished": iso(claim.approved_at),
        "dateModified": iso(claim.updated_at),
        "author": organisation(),
        "reviewRating": _rating(claim, scale),
        "itemReviewed": _item_reviewed(claim.article),
    }
    if review["datePublished"] is None:
        del review["datePublished"]
    rationale = html_to_text(claim.rationale)
    if rationale:
        review["reviewBody"] = rationale
    citations = [_citation(source) for source in claim.sources.all()]
    if citations:
        review["citation"] = citations
    return review


def claimreview_tombstone(claim: Claim) -> dict[str, Any]:
    """A claim withdrawn from the feed, as a schema.org DataFeedItem with ``dateDeleted``."""
    return {
        "@type": "DataFeedItem",
        "dateDeleted": iso(claim.updated_at),
        "item": {"@type": "ClaimReview", "url": claim_uri(claim)},
    }


def claimreview_feed(
    elements: Iterable[dict[str, Any]], *, date_modified: datetime | None = None
) -> dict[str, Any]:
    """A collection of ClaimReviews (and tombstones) as a schema.org DataFeed."""
    feed: dict[str, Any] = {"@context": SCHEMA_ORG_CONTEXT, "@type": "DataFeed"}
    if settings.FACTCHECK_ORG_NAME:
        feed["publisher"] = organisation()
    if date_modified is not None:
        feed["dateModified"] = iso(date_modified)
    feed["dataFeedElement"] = list(elements)
    return feed


# W3C Web Annotation -------------------------------------------------------------------------


def _source_body(source: Source) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": source.url, "type": "Text"}
    if source.title:
        resource["label"] = source.title
    body: dict[str, Any] = {"type": "SpecificResource", "purpose": "linking", "source": resource}
    if source.archived_url or source.accessed_on:
        # The model's TimeState: the source as it was when the reviewer read it.
        state: dict[str, Any] = {"type": "TimeState"}
        if source.accessed_on:
            state["sourceDate"] = iso(source.accessed_on)
        if source.archived_url:
            state["cached"] = source.archived_url
        body["state"] = state
    return body


def webannotation(claim: Claim) -> dict[str, Any]:
    """One W3C Web Annotation: the verdict assesses a quoted span of the article."""
    body: list[dict[str, Any]] = []
    if claim.verdict is not None:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": claim.verdict.label,
                "format": "text/plain",
            }
        )
    body.append(
        {
            "type": "TextualBody",
            "purpose": "describing",
            "value": claim.claim,
            "format": "text/plain",
        }
    )
    if claim.rationale:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": claim.rationale,
                "format": "text/html",
            }
        )
    body += [_source_body(source) for source in claim.sources.all()]
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": claim.exact}
    if claim.prefix:
        quote["prefix"] = claim.prefix
    if claim.suffix:
        quote["suffix"] = claim.suffix
    return {
        "@context": ANNO_CONTEXT,
        "id": claim_uri(claim),
        "type": "Annotation",
        "motivation": "assessing",
        "created": iso(claim.created_at),
        "modified": iso(claim.updated_at),
        "creator": {"type": "Person", "name": person(claim.author)},
        "body": body,
        "target": {
            "source": article_url(claim.article),
            "selector": [
                quote,
                # Positions count Unicode code points, as the model specifies and as we store.
                {"type": "TextPositionSelector", "start": claim.start, "end": claim.end},
            ],
        },
    }


def webannotation_tombstone(claim: Claim) -> dict[str, Any]:
    """A withdrawn annotation as an ActivityStreams Tombstone (the as: prefix of the context)."""
    return {"id": claim_uri(claim), "type": "as:Tombstone", "modified": iso(claim.updated_at)}


def annotation_page(
    items: Iterable[dict[str, Any]],
    *,
    page_id: str,
    collection_id: str,
    next_id: str | None = None,
    embedded: bool = False,
) -> dict[str, Any]:
    """An AnnotationPage; with ``embedded`` it sits inside its collection (no own context)."""
    page: dict[str, Any] = {} if embedded else {"@context": ANNO_CONTEXT}
    page.update({"id": page_id, "type": "AnnotationPage", "partOf": collection_id})
    if next_id:
        page["next"] = next_id
    page["items"] = [_without_context(item) for item in items]
    return page


def annotation_collection(
    items: Iterable[dict[str, Any]],
    *,
    collection_id: str,
    label: str,
    page_id: str,
    next_id: str | None = None,
) -> dict[str, Any]:
    """An AnnotationCollection with its first page embedded, as the W3C protocol serves it."""
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "first": annotation_page(
            items, page_id=page_id, collection_id=collection_id, next_id=next_id, embedded=True
        ),
    }


def _without_context(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "@context"}


__all__ = [
    "ANNO_CONTEXT",
    "ANNO_MEDIA_TYPE",
    "SCHEMA_ORG_CONTEXT",
    "annotation_collection",
    "annotation_page",
    "claimreview",
    "claimreview_feed",
    "claimreview_tombstone",
    "iso",
    "organisation",
    "webannotation",
    "webannotation_tombstone",
]
