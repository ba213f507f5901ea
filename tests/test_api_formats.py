"""ClaimReview and W3C Web Annotation: what Google and the W3C model require, checked offline.

The JSON-LD is expanded with PyLD through a loader that serves our local copies of
the schema.org and anno.jsonld contexts (annotations/jsonld/) and refuses any other
URL, so these tests never touch the network and notice any term expansion drops.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader

from annotations.claims import claim_create
from annotations.jsonld import CONTEXTS
from annotations.models import Article, Claim, Verdict
from annotations.publishing import claimreview as cr
from annotations.publishing import webannotation as wa
from annotations.publishing.dates import iso
from annotations.publishing.rows import ClaimBuilder, claim_rows
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links
from annotations.workflow import claim_transition
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA = "http://schema.org/"
OA = "http://www.w3.org/ns/oa#"
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
SOURCES = [
    {
        "url": "https://stats.example.org/report",
        "title": "Annual report",
        "publisher": "Statistics Office",
        "stance": "refutes",
        "excerpt": "Output fell.",
        "accessed_on": date(2025, 1, 30),
        "archived_url": "https://archive.example.org/report",
    },
    {"url": "https://example.org/bare"},
]


@pytest.fixture
def dated_article(article) -> Article:
    """The seed article with everything an appearance can say: byline and date."""
    article.byline = "Qi Qian"
    article.published_at = datetime.fromisoformat("2024-12-02T08:30:00+00:00")
    article.save()
    return article


@pytest.fixture
def checked(dated_article, reviewer, editor) -> Claim:
    claim = claim_create(
        article=dated_article,
        user=reviewer,
        start=0,
        end=40,
        text="Chinese firms are speeding up high-end chip production",
        verdict=Verdict.objects.get(slug="mostly-false"),
        rationale="The **report** shows output fell.",
        sources=SOURCES,
    )
    claim = claim_transition(claim=claim, user=reviewer, action="submit")
    return claim_transition(claim=claim, user=editor, action="approve")


LINKS = Links("http://testserver")


def built(claim: Claim) -> dict[str, Any]:
    """Our JSON for ``claim``, through the one builder every format starts from."""
    row = claim_rows(Claim.objects.filter(pk=claim.pk)).get()
    builder = ClaimBuilder(verdict_scale()[1], LINKS)
    return builder.build_one(row) if row["status"] == "approved" else builder.tombstone(row)


def claimreview(claim: Claim) -> dict[str, Any]:
    return cr.claimreview(built(claim))


def webannotation(claim: Claim) -> dict[str, Any]:
    return wa.webannotation(built(claim), LINKS)


def loader() -> FrozenDocumentLoader:
    return FrozenDocumentLoader(documents=dict(CONTEXTS))


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Expand offline; fail on any key the context does not define."""
    dropped: list[str | None] = []
    expanded = jsonld.expand(
        json.loads(json.dumps(document)),
        options={"documentLoader": loader()},
        on_property_dropped=dropped.append,
    )
    assert dropped == [], f"expansion dropped {dropped}"
    return expanded


def compact_leaves(value: Any) -> list[Any]:
    """Every scalar of a compact document except its contexts."""
    if isinstance(value, dict):
        return [
            leaf
            for key, item in value.items()
            if key != "@context"
            for leaf in compact_leaves(item)
        ]
    if isinstance(value, list):
        return [leaf for item in value for leaf in compact_leaves(item)]
    return [value]


def expanded_leaves(value: Any) -> list[Any]:
    """Every scalar of an expanded document: values, node and type IRIs."""
    if isinstance(value, dict):
        leaves = []
        for key, item in value.items():
            if key in ("@value", "@id"):
                leaves.append(item)
            elif key == "@type" and "@value" not in value:
                leaves += item
            elif key != "@type":
                leaves += expanded_leaves(item)
        return leaves
    if isinstance(value, list):
        return [leaf for item in value for leaf in expanded_leaves(item)]
    return []


def iris(value: Any) -> list[str]:
    """Every property, type and node IRI in an expanded document."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                found.append(key)
            if key == "@id":
                found.append(item)
            elif key == "@type" and isinstance(item, list):
                found += item
            found += iris(item)
    elif isinstance(value, list):
        for item in value:
            found += iris(item)
    return found


def terms(context_url: str) -> set[str]:
    return set(json.loads(CONTEXTS[context_url].read_text())["@context"])


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if not k.startswith("@")} | {
            k for item in value.values() for k in keys(item)
        }
    if isinstance(value, list):
        return {k for item in value for k in keys(item)}
    return set()


def resolve(term: str, context_url: str) -> str:
    """The IRI a term or compact IRI stands for in one of our contexts."""
    context = json.loads(CONTEXTS[context_url].read_text())["@context"]
    definition = context.get(term, term)
    iri = definition["@id"] if isinstance(definition, dict) else definition
    prefix, _, rest = iri.partition(":")
    if isinstance(context.get(prefix), str) and not rest.startswith("//"):
        return context[prefix] + rest
    return iri if ":" in iri else context.get("@vocab", "") + iri


def same_leaf(compact: Any, expanded: Any, context_url: str) -> bool:
    """A compact value and its expansion: equal, or a term and the IRI it stands for."""
    if compact == expanded:
        return True
    return isinstance(compact, str) and resolve(compact, context_url) == expanded


def assert_expands_cleanly(document: dict[str, Any], context_url: str) -> list[dict[str, Any]]:
    """Nothing dropped, every value kept, every IRI absolute, every key a defined term."""
    expanded = expand(document)
    mine, theirs = compact_leaves(document), expanded_leaves(expanded)
    assert len(theirs) == len(mine), "expansion lost or gained values"
    for leaf in mine:
        assert any(same_leaf(leaf, other, context_url) for other in theirs), (
            f"{leaf!r} lost in expansion"
        )
    for iri in iris(expanded):
        assert re.match(r"https?://", iri), f"not an absolute IRI: {iri!r}"
    undefined = keys(document) - terms(context_url)
    assert not undefined, f"keys the context does not define (typos?): {undefined}"
    return expanded


# The offline loader -------------------------------------------------------------------------


def test_the_loader_serves_our_context_copies_and_refuses_every_other_url():
    load = loader()
    assert "@context" in load("https://schema.org", {})["document"]
    assert "@context" in load("http://www.w3.org/ns/anno.jsonld", {})["document"]
    with pytest.raises(jsonld.JsonLdError):
        load("https://example.org/context.jsonld", {})
    with pytest.raises(jsonld.JsonLdError):
        expand({"@context": "https://example.org/context.jsonld", "name": "x"})


def test_the_clean_expansion_check_catches_a_misspelt_term(checked):
    review = claimreview(checked)
    review["claimReviwed"] = review.pop("claimReviewed")
    with pytest.raises(AssertionError, match="claimReviwed"):
        assert_expands_cleanly(review, "https://schema.org")
    annotation = webannotation(checked)
    annotation["bodi"] = annotation.pop("body")
    with pytest.raises(AssertionError, match="dropped"):
        assert_expands_cleanly(annotation, "http://www.w3.org/ns/anno.jsonld")


def test_the_context_copies_are_the_ones_the_readme_describes():
    anno = json.loads(CONTEXTS["http://www.w3.org/ns/anno.jsonld"].read_text())["@context"]
    assert anno["TextQuoteSelector"] == "oa:TextQuoteSelector"
    assert anno["items"] == {"@type": "@id", "@id": "as:items", "@container": "@list"}
    schema = json.loads(CONTEXTS["https://schema.org"].read_text())["@context"]
    assert schema["@vocab"] == SCHEMA
    assert schema["url"] == {"@id": "schema:url", "@type": "@id"}
    assert anno["assessing"] == "oa:assessing"
    assert schema["datePublished"] == {"@id": "schema:datePublished", "@type": "Date"}


# ClaimReview --------------------------------------------------------------------------------


def test_claimreview_has_every_field_google_requires_and_recommends(checked, settings):
    review = claimreview(checked)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    # required
    assert review["url"] == f"http://testserver/checks/{checked.pk}/"
    assert review["claimReviewed"] == "Chinese firms are speeding up high-end chip production"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    # recommended
    assert review["author"] == {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORG_NAME,
        "url": settings.FACTCHECK_ORG_URL,
        "logo": settings.FACTCHECK_ORG_LOGO,
    }
    assert ISO_INSTANT.fullmatch(review["datePublished"])
    assert ISO_INSTANT.fullmatch(review["dateModified"])
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["datePublished"] == "2024-12-02T08:30:00Z"  # no claim date: the article's
    assert item["author"] == {"@type": "Person", "name": "Qi Qian"}  # no claimant: the byline
    (appearance,) = item["appearance"]
    assert item["firstAppearance"] == appearance
    assert appearance["@type"] == "CreativeWork"
    assert appearance["url"] == checked.article.source_url
    assert appearance["headline"] == checked.article.title
    assert appearance["datePublished"] == "2024-12-02T08:30:00Z"
    assert appearance["publisher"] == {"@type": "Organization", "name": checked.article.publisher}
    assert review["reviewBody"] == "The report shows output fell."
    assert review["citation"] == [
        {
            "@type": "CreativeWork",
            "url": "https://stats.example.org/report",
            "name": "Annual report",
            "publisher": {"@type": "Organization", "name": "Statistics Office"},
            "archivedAt": "https://archive.example.org/report",
        },
        {"@type": "CreativeWork", "url": "https://example.org/bare"},
    ]


def test_claim_reviewed_is_the_claim_and_never_the_rating(checked):
    review = claimreview(checked)
    assert review["claimReviewed"] != review["reviewRating"]["alternateName"]
    assert "false" not in review["claimReviewed"].lower()


def test_a_verdict_off_the_numeric_scale_has_only_its_name(checked, editor, editor2):
    checked = factories.corrected(
        checked, editor2, editor, verdict=Verdict.objects.get(slug="unproven")
    )
    review = claimreview(checked)
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_an_article_without_byline_or_date_leaves_those_out_rather_than_null(
    article, reviewer, editor
):
    claim = factories.approved(article, reviewer, editor)
    item = claimreview(claim)["itemReviewed"]
    assert "author" not in item and "datePublished" not in item
    assert None not in compact_leaves(claimreview(claim))


def test_claimreview_expands_cleanly_as_json_ld(checked):
    (node,) = assert_expands_cleanly(claimreview(checked), "https://schema.org")
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert node[SCHEMA + "url"] == [{"@id": f"http://testserver/checks/{checked.pk}/"}]
    (rating,) = node[SCHEMA + "reviewRating"]
    assert rating[SCHEMA + "alternateName"] == [{"@value": "Mostly false"}]
    (published,) = node[SCHEMA + "datePublished"]
    assert published["@type"] == SCHEMA + "Date"


def test_a_datafeed_of_claimreviews_and_tombstones_expands_cleanly(
    checked, article, reviewer, editor
):
    withdrawn = factories.in_state("retracted", article, reviewer, editor)
    feed = cr.claimreview_feed(
        [claimreview(checked), cr.claimreview_tombstone(built(withdrawn))],
        date_modified=iso(checked.updated_at),
    )
    (node,) = assert_expands_cleanly(feed, "https://schema.org")
    assert node["@type"] == [SCHEMA + "DataFeed"]
    review, deleted = node[SCHEMA + "dataFeedElement"]
    assert review["@type"] == [SCHEMA + "ClaimReview"]
    assert deleted["@type"] == [SCHEMA + "DataFeedItem"]
    assert deleted[SCHEMA + "dateDeleted"][0]["@type"] == SCHEMA + "DateTime"


def test_the_public_page_and_the_api_get_the_same_claimreview(api_client_for, checked):
    """claimreview(claim) alone (as the public page calls it) equals the API's item."""
    response = api_client_for().get(f"/api/v1/claims/{checked.pk}/", {"format": "claimreview"})
    assert response.json() == json.loads(json.dumps(claimreview(checked)))


@pytest.fixture
def api_client_for(outsider):
    from rest_framework.test import APIClient

    def make() -> APIClient:
        client = APIClient()
        client.force_authenticate(outsider)
        return client

    return make


# W3C Web Annotation -------------------------------------------------------------------------


def annotation_problems(annotation: dict[str, Any], *, embedded: bool = False) -> list[str]:
    """The MUSTs (and the SHOULDs we promise) of the Web Annotation Data Model, §3-4."""
    problems = []
    context = annotation.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not embedded and wa.ANNO_CONTEXT not in contexts:
        problems.append("@context must include http://www.w3.org/ns/anno.jsonld")
    if not isinstance(annotation.get("id"), str) or not re.match(r"https?://", annotation["id"]):
        problems.append("id must be exactly one IRI")
    types = annotation.get("type")
    if "Annotation" not in (types if isinstance(types, list) else [types]):
        problems.append("type must include Annotation")
    targets = annotation.get("target")
    targets = targets if isinstance(targets, list) else [targets]
    if not targets or targets == [None]:
        problems.append("an annotation must have at least one target")
    for target in targets:
        if isinstance(target, dict):
            if not isinstance(target.get("source"), str):
                problems.append("a specific target must have exactly one source IRI")
            for selector in target.get("selector", []):
                problems += selector_problems(selector)
    bodies = annotation.get("body", [])
    for body in bodies if isinstance(bodies, list) else [bodies]:
        kind = body.get("type")
        if kind == "TextualBody" and not isinstance(body.get("value"), str):
            problems.append("a TextualBody must have a value")
        if kind == "SpecificResource" and not body.get("source"):
            problems.append("a SpecificResource must have a source")
    for key in ("created", "modified"):
        if key in annotation and not ISO_INSTANT.fullmatch(annotation[key]):
            problems.append(f"{key} must be an xsd:dateTime with a timezone")
    creator = annotation.get("creator")
    if isinstance(creator, dict) and creator.get("type") not in (
        "Person",
        "Organization",
        "Software",
    ):
        problems.append("a creator must be a Person, Organization or Software")
    return problems


def selector_problems(selector: dict[str, Any]) -> list[str]:
    if selector.get("type") == "TextQuoteSelector":
        return [] if isinstance(selector.get("exact"), str) else ["TextQuoteSelector needs exact"]
    if selector.get("type") == "TextPositionSelector":
        start, end = selector.get("start"), selector.get("end")
        valid = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
        return [] if valid else ["TextPositionSelector needs 0 <= start <= end"]
    return [f"unexpected selector {selector.get('type')!r}"]


def test_the_model_check_can_fail():
    broken = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "not an iri",
        "type": "Note",
        "body": [{"type": "TextualBody"}],
        "target": {"selector": [{"type": "TextPositionSelector", "start": 5, "end": 2}]},
    }
    assert len(annotation_problems(broken)) == 5


def test_a_web_annotation_meets_the_w3c_model(checked):
    annotation = webannotation(checked)
    assert annotation_problems(annotation) == []
    assert annotation["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotation["id"] == f"http://testserver/checks/{checked.pk}/"
    assert annotation["motivation"] == "assessing"
    assert annotation["creator"] == {"type": "Person", "name": "reviewer"}
    verdict, statement, rationale, check, *sources = annotation["body"]
    assert check == {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": {
            "id": f"http://testserver/checks/{checked.pk}/{checked.slug}/",
            "type": "Text",
            "format": "text/html",
        },
    }
    assert verdict == {
        "type": "TextualBody",
        "purpose": "assessing",
        "value": "Mostly false",
        "format": "text/plain",
    }
    assert statement["value"] == "Chinese firms are speeding up high-end chip production"
    assert rationale["format"] == "text/html" and rationale["purpose"] == "commenting"
    assert sources[0] == {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": {
            "id": "https://stats.example.org/report",
            "type": "Text",
            "label": "Annual report",
        },
        "state": {
            "type": "TimeState",
            "sourceDate": "2025-01-30T00:00:00Z",
            "cached": "https://archive.example.org/report",
        },
    }
    assert sources[1]["source"] == {"id": "https://example.org/bare", "type": "Text"}
    target = annotation["target"]
    # The selectors index our cleaned text: that is the source; the original page is the scope.
    assert target["source"] == f"http://testserver/checks/articles/{checked.article_id}/text"
    assert target["scope"] == checked.article.source_url
    quote, position = target["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": checked.exact,
        "suffix": checked.suffix,
    }  # no prefix: the quote starts the article
    assert position == {"type": "TextPositionSelector", "start": 0, "end": 40}


def test_a_web_annotation_expands_cleanly_as_json_ld(checked):
    (node,) = assert_expands_cleanly(webannotation(checked), "http://www.w3.org/ns/anno.jsonld")
    assert node["@type"] == [OA + "Annotation"]
    assert node[OA + "motivatedBy"] == [{"@id": OA + "assessing"}]
    (target,) = node[OA + "hasTarget"]
    quote, position = target[OA + "hasSelector"]
    assert quote["@type"] == [OA + "TextQuoteSelector"]
    assert (
        position[OA + "start"][0]["@type"] == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"
    )


def test_text_positions_count_code_points_like_the_model_says(reviewer, editor):
    body = "Tweet 𝐀𝐁 said 🎉 chips are back.\nSecond paragraph."
    article = Article.objects.create(
        title="Astral text",
        body=body,
        raw_text=body,
        content_hash="f" * 64,
        origin="astral.txt",
        source_url="https://news.example.org/astral",
    )
    start = body.index("🎉 chips")
    claim = factories.approved(article, reviewer, editor, "🎉 chips are back")
    annotation = webannotation(claim)
    quote, position = annotation["target"]["selector"]
    assert (position["start"], position["end"]) == (start, start + len("🎉 chips are back"))
    assert body[position["start"] : position["end"]] == quote["exact"] == "🎉 chips are back"
    assert quote["prefix"].endswith("said ")


def test_collections_and_pages_meet_the_model_and_expand_cleanly(
    checked, article, reviewer, editor
):
    withdrawn = factories.in_state("retracted", article, reviewer, editor)
    items = [webannotation(checked), wa.webannotation_tombstone(built(withdrawn))]
    here = "https://desk.example.org/api/v1/claims/?format=webannotation"
    first = wa.annotation_page(
        items, page_id=f"{here}&cursor=first", collection_id=here, total=3, start_index=0,
        next_id=f"{here}&cursor=abc", embedded=True,
    )  # fmt: skip
    collection = wa.annotation_collection(
        first, collection_id=here, label="Fact-checked claims", total=3,
        last_id=f"{here}&cursor=last",
    )  # fmt: skip
    assert collection["type"] == "AnnotationCollection" and collection["label"]
    assert collection["total"] == 3 and collection["last"] == f"{here}&cursor=last"
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    assert page["partOf"] == {"id": collection["id"], "total": 3}
    assert page["startIndex"] == 0
    assert annotation_problems(page["items"][0], embedded=True) == []
    assert "@context" not in page["items"][0]
    # Two nodes, not one: the collection and its first page have their own ids.
    expanded = assert_expands_cleanly(collection, "http://www.w3.org/ns/anno.jsonld")
    flat = jsonld.flatten(expanded, options={"documentLoader": loader()})
    nodes = {node["@id"]: node for node in flat if "@id" in node}
    assert {here, f"{here}&cursor=first"} <= set(nodes)
    (node,) = expanded
    assert node["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    assert node["http://www.w3.org/ns/activitystreams#totalItems"][0]["@value"] == 3
    (first_node,) = node["http://www.w3.org/ns/activitystreams#first"]
    assert first_node["@id"] != node["@id"]
    (listed,) = first_node["http://www.w3.org/ns/activitystreams#items"]
    annotation, tombstone = listed["@list"]
    assert annotation["@type"] == [OA + "Annotation"]
    assert tombstone["@type"] == ["http://www.w3.org/ns/activitystreams#Tombstone"]
    later = wa.annotation_page(
        items[:1], page_id=page["next"], collection_id=collection["id"], total=3, start_index=2,
        prev_id=page["id"],
    )  # fmt: skip
    assert later["@context"] == wa.ANNO_CONTEXT
    assert later["startIndex"] == 2 and later["prev"] == page["id"]
    assert_expands_cleanly(later, "http://www.w3.org/ns/anno.jsonld")


def test_dates_are_iso_8601_in_utc_with_a_z(checked):
    assert iso(datetime.fromisoformat("2025-01-31T12:00:00+00:00")) == "2025-01-31T12:00:00Z"
    assert iso(date(2025, 1, 31)) == "2025-01-31T00:00:00Z"
    assert iso(None) is None
    assert webannotation(checked)["modified"].endswith("Z")
