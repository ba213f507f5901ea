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


def _work(article: dict[str, Any]) -> dict[str, Any]:
    """An article the claim appeared in, as the CreativeWork ClaimReview names."""
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": article["url"],
        "headline": article["title"],
    }
    if article["published_at"]:
        work["datePublished"] = article["published_at"]
    if article["publisher"]:
        work["publisher"] = {"@type": "Organization", "name": article["publisher"]}
    return work


def _speaker(claimant: dict[str, Any]) -> dict[str, Any]:
    kind = "Organization" if claimant["kind"] == "organisation" else "Person"
    author: dict[str, Any] = {"@type": kind, "name": claimant["name"]}
    if claimant["same_as"]:
        same = claimant["same_as"]
        author["sameAs"] = same[0] if len(same) == 1 else same
    return author


def _item_reviewed(item: dict[str, Any]) -> dict[str, Any]:
    """The claim as the world has it: who said it and when, and every place it appeared,
    the first of them as ``firstAppearance``."""
    works = [_work(appearance["article"]) for appearance in item["appearances"]]
    if not works:  # always one in practice: the claim's own span
        works = [_work({**item["article"]})]
    first = item["article"]
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if item["claimant"] is not None:
        reviewed["author"] = _speaker(item["claimant"])
    elif first["byline"]:
        reviewed["author"] = {"@type": "Person", "name": first["byline"]}
    said = item["claim_date"] or first["published_at"]
    if said:
        reviewed["datePublished"] = said
    reviewed["appearance"] = works
    reviewed["firstAppearance"] = works[0]
    return reviewed


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
            "itemReviewed": _item_reviewed(item),
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
