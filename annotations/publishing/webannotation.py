"""W3C Web Annotation (JSON-LD), made from our JSON (``rows.ClaimBuilder``), and the
collections and pages of the Web Annotation Protocol (sections 4 and 5).

An annotation's selectors index our cleaned article body, so its ``target.source`` is
that text (``Links.article_text``, served as text/plain); the original page, when
known, is the ``scope``: the resource the text was taken from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from annotations.publishing.dates import iso
from annotations.publishing.uris import Links

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'


def _source_body(source: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": source["url"], "type": "Text"}
    if source["title"]:
        resource["label"] = source["title"]
    body: dict[str, Any] = {"type": "SpecificResource", "purpose": "linking", "source": resource}
    if source["archived_url"] or source["accessed_on"]:
        # The model's TimeState: the source as it was when the reviewer read it.
        state: dict[str, Any] = {"type": "TimeState"}
        if source["accessed_on"]:
            state["sourceDate"] = iso(date.fromisoformat(source["accessed_on"]))
        if source["archived_url"]:
            state["cached"] = source["archived_url"]
        body["state"] = state
    return body


def _target(quote: dict[str, Any], article: dict[str, Any], links: Links) -> dict[str, Any]:
    selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": quote["exact"]}
    if quote["prefix"]:
        selector["prefix"] = quote["prefix"]
    if quote["suffix"]:
        selector["suffix"] = quote["suffix"]
    target: dict[str, Any] = {
        "source": links.article_text(article["id"]),
        "selector": [selector],
    }
    if quote["start"] is not None:  # an orphaned quote has words but no place on the text
        # Positions count Unicode code points, as the model specifies and as we store.
        target["selector"].append(
            {"type": "TextPositionSelector", "start": quote["start"], "end": quote["end"]}
        )
    if article["url"] != links.article(article["id"]):
        target["scope"] = article["url"]  # the original page the text was taken from
    return target


def _bodies(item: dict[str, Any], links: Links) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    if item["verdict"] is not None:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": item["verdict"]["label"],
                "format": "text/plain",
            }
        )
    body.append(
        {"type": "TextualBody", "purpose": "describing", "value": item["claim"],
         "format": "text/plain"}
    )  # fmt: skip
    if item["rationale_html"]:
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "value": item["rationale_html"],
             "format": "text/html"}
        )  # fmt: skip
    # The fact-check itself, where every appearance of the claim leads.
    body.append(
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": {"id": links.check_page(item["id"], item["claim"]), "type": "Text",
                       "format": "text/html"},
        }
    )  # fmt: skip
    body += [_source_body(source) for source in item["sources"]]
    return body


def webannotation(item: dict[str, Any], links: Links) -> dict[str, Any]:
    """The claim's first appearance as a W3C Web Annotation: the verdict assesses a quoted
    span of the article (``webannotations`` gives one per appearance)."""
    return webannotations_of(item, links)[0]


def webannotations_of(item: dict[str, Any], links: Links) -> list[dict[str, Any]]:
    """One annotation per confirmed appearance, each targeting its own article. The first
    keeps the claim's URI as its id (what consumers have stored); the others are named by
    their appearance under it."""
    appearances = item["appearances"] or [{"id": None, **{"article": item["article"]},
                                           "quote": item["quote"]}]  # fmt: skip
    body = _bodies(item, links)
    annotations = []
    for n, appearance in enumerate(appearances):
        annotation_id = item["uri"] if n == 0 else f"{item['uri']}#appearance-{appearance['id']}"
        annotations.append(
            {
                "@context": ANNO_CONTEXT,
                "id": annotation_id,
                "type": "Annotation",
                "motivation": "assessing",
                "created": item["created_at"],
                "modified": item["updated_at"],
                "creator": {"type": "Person", "name": item["author"]},
                "body": body,
                "target": _target(appearance["quote"], appearance["article"], links),
            }
        )
    return annotations


def webannotation_tombstone(item: dict[str, Any]) -> dict[str, Any]:
    """A withdrawn annotation as an ActivityStreams Tombstone (the as: prefix of the context)."""
    return {"id": item["uri"], "type": "as:Tombstone", "modified": item["updated_at"]}


def webannotations(items: Iterable[dict[str, Any]], links: Links) -> list[dict[str, Any]]:
    """Built items (claims and tombstones) as annotations and tombstones."""
    found: list[dict[str, Any]] = []
    for item in items:
        if "claim" in item:
            found += webannotations_of(item, links)
        else:
            found.append(webannotation_tombstone(item))
    return found


def annotation_page(
    items: Iterable[dict[str, Any]],
    *,
    page_id: str,
    collection_id: str,
    total: int,
    start_index: int,
    next_id: str | None = None,
    prev_id: str | None = None,
    embedded: bool = False,
) -> dict[str, Any]:
    """An AnnotationPage; with ``embedded`` it sits inside its collection (no own context)."""
    page: dict[str, Any] = {} if embedded else {"@context": ANNO_CONTEXT}
    page.update(
        {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": {"id": collection_id, "total": total},
            "startIndex": start_index,
        }
    )
    if next_id:
        page["next"] = next_id
    if prev_id:
        page["prev"] = prev_id
    page["items"] = [_without_context(item) for item in items]
    return page


def annotation_collection(
    first: dict[str, Any],
    *,
    collection_id: str,
    label: str,
    total: int,
    last_id: str,
) -> dict[str, Any]:
    """An AnnotationCollection with its first page (built ``embedded``) inside, as the
    protocol serves it.

    The collection's id is not the first page's: JSON-LD would merge them into one node.
    """
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
        "first": first,
        "last": last_id,
    }


def _without_context(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "@context"}
