"""schema.org ClaimReview (JSON-LD), made from our JSON (``rows.ClaimBuilder``).

The API's ``?format=claimreview``, the article endpoints and the JSON-LD embedded in
every public fact-check page call these, so a check reads the same wherever it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

SCHEMA_ORG_CONTEXT = "https://schema.org"


def organisation() -> dict[str, Any]:
    """The publishing organisation (ClaimReview ``author``), from settings."""
    org: dict[str, Any] = {"@type": "Organization", "name": settings.FACTCHECK_ORG_NAME}
    if settings.FACTCHECK_ORG_URL:
        org["url"] = settings.FACTCHECK_ORG_URL
    if settings.FACTCHECK_ORG_LOGO:
        org["logo"] = settings.FACTCHECK_ORG_LOGO
    return org


def _rating(verdict: dict[str, Any] | None) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    if verdict is None:  # approval requires a verdict; kept total for other callers
        return rating
    rating["alternateName"] = verdict["label"]
    if verdict["rating_value"] is not None:
        rating["ratingValue"] = verdict["rating_value"]
        if verdict["best_rating"] is not None:
            rating["bestRating"] = verdict["best_rating"]
        if verdict["worst_rating"] is not None:
            rating["worstRating"] = verdict["worst_rating"]
    return rating


def _appearance(article: dict[str, Any]) -> dict[str, Any]:
    appearance: dict[str, Any] = {
        "@type": "NewsArticle",
        "url": article["url"],
        "headline": article["title"],
    }
    if article["publisher"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["publisher"]}
    if article["published_at"]:
        appearance["datePublished"] = article["published_at"]
    if article["byline"]:
        appearance["author"] = {"@type": "Person", "name": article["byline"]}
    return appearance


def _item_reviewed(article: dict[str, Any]) -> dict[str, Any]:
    """The claim as it appeared: first in this article, said by its byline when known."""
    item: dict[str, Any] = {"@type": "Claim", "appearance": _appearance(article)}
    if article["published_at"]:
        item["datePublished"] = article["published_at"]
    if article["byline"]:
        item["author"] = {"@type": "Person", "name": article["byline"]}
    return item


def _citation(source: dict[str, Any]) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": source["url"]}
    if source["title"]:
        work["name"] = source["title"]
    if source["publisher"]:
        work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if source["archived_url"]:
        work["archivedAt"] = source["archived_url"]
    return work


def claimreview(item: dict[str, Any], *, org: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ClaimReview with every field Google requires or recommends, from our JSON.

    ``claimReviewed`` is the claim as stated, never the rating (Google's guidance).
    Lists pass ``org`` (``organisation()``) once.
    """
    review: dict[str, Any] = {
        "@context": SCHEMA_ORG_CONTEXT,
        "@type": "ClaimReview",
        "url": item["uri"],
        "claimReviewed": item["claim"],
    }
    if item["approved_at"] is not None:
        review["datePublished"] = item["approved_at"]
    review.update(
        {
            "dateModified": item["updated_at"],
            "author": org or organisation(),
            "reviewRating": _rating(item["verdict"]),
            "itemReviewed": _item_reviewed(item["article"]),
        }
    )
    if item["rationale_text"]:
        review["reviewBody"] = item["rationale_text"]
    if item["sources"]:
        review["citation"] = [_citation(source) for source in item["sources"]]
    return review


def claimreview_tombstone(item: dict[str, Any]) -> dict[str, Any]:
    """A claim withdrawn from the feed, as a schema.org DataFeedItem with ``dateDeleted``."""
    return {
        "@type": "DataFeedItem",
        "dateDeleted": item["updated_at"],
        "item": {"@type": "ClaimReview", "url": item["uri"]},
    }


def claimreviews(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Built items (claims and tombstones) as ClaimReviews and DataFeedItems."""
    org = organisation()
    return [
        claimreview(item, org=org) if "claim" in item else claimreview_tombstone(item)
        for item in items
    ]


def claimreview_feed(
    elements: Iterable[dict[str, Any]], *, date_modified: str | None = None
) -> dict[str, Any]:
    """A collection of ClaimReviews (and tombstones) as a schema.org DataFeed."""
    feed: dict[str, Any] = {"@context": SCHEMA_ORG_CONTEXT, "@type": "DataFeed"}
    if settings.FACTCHECK_ORG_NAME:
        feed["publisher"] = organisation()
    if date_modified is not None:
        feed["dateModified"] = date_modified
    feed["dataFeedElement"] = list(elements)
    return feed
