"""The export API: what downstream tools read, how they page and sync, and what they never see."""

from __future__ import annotations

import gc
import json
import os
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import http_date
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.api.filters import MAX_PAGE_SIZE
from annotations.models import Article, Claim, Verdict
from annotations.publishing import jsonlines
from annotations.publishing.query import ExportQuery
from annotations.publishing.uris import Links
from annotations.publishing.webannotation import ANNO_MEDIA_TYPE
from annotations.workflow import claim_transition
from factcheck.wsgi import application
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
STREAM = "/api/v1/claims/export.jsonl"
ARTICLES = "/api/v1/articles/"
FORMATS = ["json", "claimreview", "webannotation"]
NEVER_PUBLISHED = ["draft", "submitted", "rejected", "changes_requested"]
WITHDRAWN = ["retracted", "reopened"]


@pytest.fixture
def consumer(db):
    """A downstream tool: an account in no group, with a token made in the admin."""
    return make_user("newsroom-cms")


@pytest.fixture
def api(consumer) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=consumer).key}")
    return client


@pytest.fixture
def approved(article, reviewer, editor) -> Claim:
    return factories.approved(
        article, reviewer, editor, claim="Huawei is building a chip line", sources=2
    )


def approve_many(article, reviewer, editor, count: int) -> list[Claim]:
    return [
        factories.approved(article, reviewer, editor, claim=f"Claim number {i}")
        for i in range(count)
    ]


def in_state(state, article, reviewer, editor, marker: str) -> Claim:
    """A claim in ``state`` whose text is ``marker``, so a response can be searched for it."""
    claim = factories.in_state(state, article, reviewer, editor)
    Claim.objects.filter(pk=claim.pk).update(claim=marker)
    claim.refresh_from_db()
    return claim


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in body_text(response).splitlines()]


def walk(api, url: str, **params) -> list[list[int]]:
    """Follow next links from ``url``; the ids on each page."""
    pages = []
    response = api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        pages.append(ids(response))
        if not response.json()["next"]:
            return pages
        response = api.get(response.json()["next"])


def age(claim: Claim, days: int) -> None:
    """Move a claim's (and its article's) last change into the past.

    Last-Modified has one-second resolution: a change in the same second as the
    last one cannot show in it (the ETag catches those).
    """
    past = timezone.now() - timedelta(days=days, seconds=claim.pk)
    Claim.objects.filter(pk=claim.pk).update(updated_at=past)
    Article.objects.filter(pk=claim.article_id).update(updated_at=past)


# The shape ----------------------------------------------------------------------------------


def test_an_approved_claim_is_exported_with_every_documented_field(api, approved):
    response = api.get(CLAIMS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    page = response.json()
    assert page["next"] is None
    (item,) = page["results"]
    assert list(item) == [
        "id",
        "uri",
        "claim",
        "claimant",
        "claim_date",
        "verdict",
        "rationale_html",
        "rationale_text",
        "quote",
        "text_changed",
        "article",
        "appearances",
        "sources",
        "author",
        "approved_by",
        "created_at",
        "approved_at",
        "updated_at",
        "corrections",
    ]
    assert item["id"] == approved.pk
    assert item["uri"] == f"http://testserver/checks/{approved.pk}/"
    assert item["claim"] == "Huawei is building a chip line"
    assert item["verdict"] == {
        "label": "False",
        "slug": "false",
        "rating_value": 1,
        "best_rating": 5,
        "worst_rating": 1,
        "colour": "#b3261e",
    }
    assert item["rationale_html"] == "<p>Because the <em>record</em> says so.</p>"
    assert item["rationale_text"] == "Because the record says so."
    assert item["quote"] == {
        "exact": approved.exact,
        "prefix": approved.prefix,
        "suffix": approved.suffix,
        "start": approved.start,
        "end": approved.end,
    }
    article = approved.article
    assert item["article"] == {
        "id": article.pk,
        "title": article.title,
        "url": article.source_url,
        "publisher": article.publisher,
        "byline": article.byline,
        "published_at": None,
    }
    assert [s["url"] for s in item["sources"]] == [
        "https://example.org/source-0",
        "https://example.org/source-1",
    ]
    assert set(item["sources"][0]) == {
        "id",
        "url",
        "title",
        "publisher",
        "stance",
        "excerpt",
        "accessed_on",
        "archived_url",
    }
    assert item["sources"][0]["stance"] == "refutes"
    assert (item["author"], item["approved_by"]) == ("reviewer", "editor")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", item["approved_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", item["updated_at"])
    assert item["corrections"] == []


def test_a_verdict_changed_after_approval_is_listed_as_a_correction(
    api, approved, editor, editor2
):
    factories.corrected(approved, editor2, editor, verdict=Verdict.objects.get(slug="misleading"))
    (item,) = api.get(CLAIMS).json()["results"]
    assert item["verdict"]["label"] == "Misleading"
    # Off the numeric scale: no rating value, so no bounds either.
    assert item["verdict"]["rating_value"] is None
    assert item["verdict"]["best_rating"] is None
    (correction,) = item["corrections"]
    assert correction["previous_verdict"] == "False"
    assert correction["note"] == "Correcting"  # the retraction's reason
    assert correction["date"].endswith("Z")


def test_one_approved_claim_is_served_at_its_detail_url_in_the_export_shape(api, approved):
    response = api.get(f"{CLAIMS}{approved.pk}/")
    assert response.status_code == 200
    assert response.json() == api.get(CLAIMS).json()["results"][0]
    assert "status" not in response.json()  # the workspace's fields stay in the workspace


# Version 2: the article by id, the rationale once ------------------------------------------


def test_version_2_names_the_article_by_id_and_gives_the_rationale_once(api, approved):
    one = api.get(CLAIMS).json()["results"][0]
    response = api.get(CLAIMS, {"version": "2"})
    assert response.status_code == 200
    two = response.json()["results"][0]
    assert two["article_id"] == one["article"]["id"] == approved.article_id
    assert "article" not in two and "rationale_text" not in two
    assert [a["article_id"] for a in two["appearances"]] == [
        a["article"]["id"] for a in one["appearances"]
    ]
    assert [a["quote"] for a in two["appearances"]] == [a["quote"] for a in one["appearances"]]
    # Everything else is version 1's, in version 1's order.
    rest = [k for k in one if k not in ("article", "rationale_text", "appearances")]
    assert [k for k in two if k not in ("article_id", "appearances")] == rest
    assert all(two[k] == one[k] for k in rest)
    assert len(json.dumps(two)) < 0.8 * len(json.dumps(one))


def test_version_2_puts_back_what_include_names(api, approved):
    one = api.get(CLAIMS).json()["results"][0]
    both = api.get(CLAIMS, {"version": "2", "include": "article,rationale_text"}).json()
    assert both["results"][0] == one
    text_only = api.get(CLAIMS, {"version": "2", "include": "rationale_text"}).json()
    assert text_only["results"][0]["rationale_text"] == one["rationale_text"]
    assert "article" not in text_only["results"][0]


def test_the_detail_and_the_stream_speak_version_2_too(api, approved):
    listed = api.get(CLAIMS, {"version": "2"}).json()["results"][0]
    assert api.get(f"{CLAIMS}{approved.pk}/", {"version": "2"}).json() == listed
    assert jsonl(api.get(STREAM, {"version": "2"})) == [listed]
    one = api.get(f"{CLAIMS}{approved.pk}/")
    two = api.get(f"{CLAIMS}{approved.pk}/", {"version": "2"})
    assert one["ETag"] != two["ETag"]  # two representations, two validators
    again = api.get(f"{CLAIMS}{approved.pk}/", {"version": "2"}, HTTP_IF_NONE_MATCH=two["ETag"])
    assert again.status_code == 304


def test_the_next_link_keeps_the_version(api, article, reviewer, editor):
    approve_many(article, reviewer, editor, 3)
    first = api.get(CLAIMS, {"version": "2", "page_size": 2}).json()
    assert "version=2" in first["next"]
    assert "article_id" in api.get(first["next"]).json()["results"][0]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"version": "3"}, "version"),
        ({"version": "2", "include": "article,body"}, "include"),
        ({"version": "2", "format": "claimreview"}, "version"),
        ({"version": "2", "format": "webannotation"}, "version"),
    ],
)
def test_a_version_or_include_we_do_not_have_is_a_400_that_says_so(api, approved, params, field):
    for url in (CLAIMS, f"{CLAIMS}{approved.pk}/"):
        response = api.get(url, params)
        assert response.status_code == 400, (url, params)
        assert field in response.json(), response.json()
    if "format" not in params:
        assert api.get(STREAM, params).status_code == 400


def test_an_editors_token_reads_the_export_and_never_a_draft(article, reviewer, editor):
    """Defect: the export detail answered a reviewer's or editor's token with the workspace
    representation, drafts included. It is the export for everyone."""
    token = Token.objects.create(user=editor).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    draft = factories.draft(article, reviewer)
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 404
    published = factories.approved(article, reviewer, editor, "Huawei")
    response = client.get(f"{CLAIMS}{published.pk}/")
    assert response.status_code == 200
    assert "status" not in response.json() and "permissions" not in response.json()


def test_people_with_a_session_read_the_same_export_detail(client, reviewer, approved, api):
    client.force_login(reviewer)
    response = client.get(f"{CLAIMS}{approved.pk}/")
    assert response.status_code == 200
    assert response.json() == api.get(f"{CLAIMS}{approved.pk}/").json()


def test_the_export_detail_is_read_only_and_says_where_claims_are_changed(
    client, reviewer, approved
):
    client.force_login(reviewer)
    response = client.patch(
        f"{CLAIMS}{approved.pk}/", {"claim": "x"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert f"/api/v1/workspace/claims/{approved.pk}/" in response.json()["detail"]


def test_the_export_route_is_not_mistaken_for_a_claim_id(api, approved):
    assert api.get(STREAM).status_code == 200
    assert api.get(f"{CLAIMS}export.json").status_code == 404


# Never a draft ------------------------------------------------------------------------------


def every_export_response(api, claim: Claim, updated_since: str | None):
    """Every endpoint in every format, as an export reader sees it."""
    since = {"updated_since": updated_since} if updated_since else {}
    for fmt in FORMATS:
        yield f"list {fmt}", api.get(CLAIMS, {"format": fmt, **since})
        yield f"detail {fmt}", api.get(f"{CLAIMS}{claim.pk}/", {"format": fmt})
        yield f"articles {fmt}", api.get(ARTICLES, {"format": fmt})
        yield f"article {fmt}", api.get(f"{ARTICLES}{claim.article_id}/", {"format": fmt})
    yield "detail ld+json", api.get(f"{CLAIMS}{claim.pk}/", HTTP_ACCEPT="application/ld+json")
    yield "stream", api.get(STREAM, since)


@pytest.mark.parametrize("state", NEVER_PUBLISHED + WITHDRAWN)
@pytest.mark.parametrize("updated_since", [None, "2000-01-01"])
def test_claims_that_are_not_approved_are_never_exported(
    api, article, reviewer, editor, state, updated_since
):
    factories.approved(article, reviewer, editor, claim="The one approved claim")
    marker = f"Unpublished text ({state})"
    claim = in_state(state, article, reviewer, editor, marker)
    # a reviewer's session or a token: the export shows the same to both
    for what, response in every_export_response(api, claim, updated_since):
        if what.startswith("detail"):
            # withdrawn after publication: 410 with its tombstone; never published: 404
            assert response.status_code == (410 if state in WITHDRAWN else 404), what
            assert marker not in body_text(response), what
            continue
        assert response.status_code == 200, what
        text = body_text(response)
        assert marker not in text, what
        assert "The one approved claim" in text, what


@pytest.mark.parametrize("state", NEVER_PUBLISHED)
def test_a_claim_never_approved_leaves_no_tombstone_either(api, article, reviewer, editor, state):
    claim = in_state(state, article, reviewer, editor, "Never published")
    assert ids(api.get(CLAIMS, {"updated_since": "2000-01-01"})) == []
    assert jsonl(api.get(STREAM, {"updated_since": "2000-01-01"})) == []
    assert api.get(f"{CLAIMS}{claim.pk}/").status_code == 404


def test_a_workspace_user_reads_only_approved_claims_from_the_export_in_every_format(
    client, reviewer, article, editor
):
    draft = factories.draft(article, reviewer)
    client.force_login(reviewer)
    assert client.get(f"/api/v1/workspace/claims/{draft.pk}/").status_code == 200
    for fmt in FORMATS:
        assert client.get(f"{CLAIMS}{draft.pk}/", {"format": fmt}).status_code == 404


# Tombstones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", WITHDRAWN)
def test_a_claim_withdrawn_after_approval_is_a_tombstone_in_an_incremental_sync(
    api, article, reviewer, editor, state
):
    claim = in_state(state, article, reviewer, editor, "Withdrawn claim")
    assert ids(api.get(CLAIMS)) == []  # a full export simply leaves it out
    (tombstone,) = api.get(CLAIMS, {"updated_since": "2000-01-01"}).json()["results"]
    assert tombstone == {
        "id": claim.pk,
        "uri": f"http://testserver/checks/{claim.pk}/",
        "status": "retracted",
        "updated_at": tombstone["updated_at"],
    }
    assert tombstone["updated_at"].endswith("Z")
    assert jsonl(api.get(STREAM, {"updated_since": "2000-01-01"})) == [tombstone]
    assert jsonl(api.get(STREAM)) == []


def test_tombstones_in_the_standard_formats(api, article, reviewer, editor):
    claim = in_state("retracted", article, reviewer, editor, "Withdrawn claim")
    since = {"updated_since": "2000-01-01"}
    feed = api.get(CLAIMS, {"format": "claimreview", **since}).json()
    (deleted,) = feed["dataFeedElement"]
    assert deleted["@type"] == "DataFeedItem"
    assert deleted["item"] == {
        "@type": "ClaimReview",
        "url": f"http://testserver/checks/{claim.pk}/",
    }
    assert deleted["dateDeleted"].endswith("Z")
    collection = api.get(CLAIMS, {"format": "webannotation", **since}).json()
    (gone,) = collection["first"]["items"]
    assert gone["type"] == "as:Tombstone"
    assert gone["id"] == f"http://testserver/checks/{claim.pk}/"


def test_an_incremental_sync_returns_only_what_changed_since(
    api, article, reviewer, editor, editor2
):
    old, changed = approve_many(article, reviewer, editor, 2)
    age(old, days=3)
    age(changed, days=3)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(api.get(CLAIMS, {"updated_since": since})) == []
    factories.corrected(changed, editor2, editor, text="Restated claim")
    assert ids(api.get(CLAIMS, {"updated_since": since})) == [changed.pk]


# Filters ------------------------------------------------------------------------------------


def test_claims_can_be_filtered_by_article_verdict_and_publisher(
    api, seed_articles, reviewer, editor
):
    first = factories.approved(seed_articles["000"], reviewer, editor, verdict="false")
    second = factories.approved(seed_articles["001"], reviewer, editor, verdict="true")
    assert ids(api.get(CLAIMS, {"article": seed_articles["001"].pk})) == [second.pk]
    assert ids(api.get(CLAIMS, {"verdict": "false"})) == [first.pk]
    assert ids(api.get(CLAIMS, {"verdict": "true"})) == [second.pk]
    publisher = seed_articles["000"].publisher
    seed_articles["001"].publisher = "another.example"
    seed_articles["001"].save()
    assert ids(api.get(CLAIMS, {"publisher": publisher.upper()})) == [first.pk]
    assert ids(api.get(CLAIMS, {"publisher": "nobody.example"})) == []


def test_q_searches_the_claim_the_quote_and_the_rationale(api, article, reviewer, editor):
    by_claim = factories.approved(article, reviewer, editor, claim="Chips from Shenzhen")
    by_rationale = factories.approved(
        article, reviewer, editor, claim="Other", rationale="<p>The <b>ledger</b> shows it.</p>"
    )
    by_quote = factories.approved(article, reviewer, editor, article.body[40:80], claim="Third")
    assert ids(api.get(CLAIMS, {"q": "shenzhen"})) == [by_claim.pk]
    assert ids(api.get(CLAIMS, {"q": "LEDGER"})) == [by_rationale.pk]
    assert by_quote.pk in ids(api.get(CLAIMS, {"q": article.body[45:70]}))
    assert by_quote.pk not in ids(api.get(CLAIMS, {"q": "shenzhen"}))


def test_claims_can_be_filtered_by_approval_date(api, article, reviewer, editor):
    early, late = approve_many(article, reviewer, editor, 2)
    Claim.objects.filter(pk=early.pk).update(approved_at="2025-01-10T12:00:00Z")
    Claim.objects.filter(pk=late.pk).update(approved_at="2025-03-10T12:00:00Z")
    assert ids(api.get(CLAIMS, {"approved_after": "2025-02-01"})) == [late.pk]
    assert ids(api.get(CLAIMS, {"approved_before": "2025-02-01"})) == [early.pk]
    assert ids(api.get(CLAIMS, {"approved_after": "2025-03-10T12:00:00Z"})) == [late.pk]
    window = {"approved_after": "2025-01-01", "approved_before": "2025-01-10T12:00:00Z"}
    assert ids(api.get(CLAIMS, window)) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"approved_after": "yesterday"}, "approved_after", "ISO 8601"),
        ({"approved_before": "31/01/2025"}, "approved_before", "ISO 8601"),
        ({"updated_since": "2025-13-45"}, "updated_since", "ISO 8601"),
        ({"article": "first"}, "article", "valid integer"),
        ({"verdict": "pants-on-fire"}, "verdict", "choose one of true, mostly-true"),
        ({"page_size": "0"}, "page_size", "greater than or equal to 1"),
        (
            {"page_size": str(MAX_PAGE_SIZE + 1)},
            "page_size",
            f"less than or equal to {MAX_PAGE_SIZE}",
        ),
        ({"cursor": "not-a-cursor"}, "cursor", "start again from the first page"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it_and_says_what_to_send(
    api, approved, params, field, message
):
    response = api.get(CLAIMS, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in " ".join(response.json()[field])


def test_a_moment_with_an_offset_postgresql_refuses_is_read_in_utc(api, approved):
    """Found by schemathesis on PostgreSQL: "-18:20" is a valid ISO offset, not a valid
    PostgreSQL one, and was a 500."""
    response = api.get(CLAIMS, {"updated_since": "2000-01-01T07:30:13-18:20"})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [approved.pk]
    assert api.get(CLAIMS, {"updated_since": "5075-10-13T07:30:13-18:20"}).json()["results"] == []
    response = api.get(CLAIMS, {"approved_before": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["approved_before"][0]


def test_bad_filters_are_refused_by_the_stream_too(api, approved):
    response = api.get(STREAM, {"updated_since": "last week"})
    assert response.status_code == 400
    assert "ISO 8601" in json.loads(response.content)["updated_since"][0]


def test_a_blank_parameter_is_refused_rather_than_ignored(api, approved):
    response = api.get(CLAIMS, {"verdict": "", "updated_since": ""})
    assert response.status_code == 400
    assert response.json()["verdict"] == ["This field may not be blank."]
    assert "ISO 8601" in response.json()["updated_since"][0]


# Pagination ---------------------------------------------------------------------------------


def test_pages_follow_updated_at_then_id_and_end_with_no_next(api, article, reviewer, editor):
    claims = approve_many(article, reviewer, editor, 5)
    pages = walk(api, CLAIMS, page_size=2)
    assert pages == [[c.pk for c in claims[0:2]], [c.pk for c in claims[2:4]], [claims[4].pk]]


def test_the_cursor_is_opaque_and_the_next_link_keeps_the_filters(api, article, reviewer, editor):
    approve_many(article, reviewer, editor, 3)
    response = api.get(CLAIMS, {"page_size": 2, "verdict": "false", "format": "json"})
    next_url = response.json()["next"]
    query = parse_qs(urlsplit(next_url).query)
    assert query["verdict"] == ["false"] and query["page_size"] == ["2"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", query["cursor"][0])
    assert response["Link"] == f'<{next_url}>; rel="next"'


def test_paging_is_stable_while_claims_are_approved_and_changed_between_pages(
    api, article, reviewer, editor, editor2
):
    claims = approve_many(article, reviewer, editor, 5)
    first = api.get(CLAIMS, {"page_size": 2}).json()
    seen = [item["id"] for item in first["results"]]
    # Between pages: two new approvals, and a change to a claim not yet seen.
    newcomers = approve_many(article, reviewer, editor, 2)
    factories.corrected(claims[2], editor2, editor, text="Restated while paging")
    response = api.get(first["next"])
    while True:
        seen += ids(response)
        if not response.json()["next"]:
            break
        response = api.get(response.json()["next"])
    assert len(seen) == len(set(seen)), "no claim is served twice"
    assert set(seen) == {c.pk for c in claims + newcomers}, "none is skipped"
    assert seen[-1] == claims[2].pk  # the changed claim comes after everything older


def test_a_consumer_that_pages_with_updated_since_sees_every_change_exactly_once(
    api, article, reviewer, editor, editor2
):
    claims = approve_many(article, reviewer, editor, 4)
    since = api.get(CLAIMS).json()["results"][-1]["updated_at"]
    claim_transition(claim=claims[0], user=editor, action="retract", comment="Misread.")
    factories.corrected(claims[1], editor2, editor, text="Restated")
    pages = walk(api, CLAIMS, page_size=1, updated_since=since)
    assert [pk for page in pages for pk in page] == [claims[3].pk, claims[0].pk, claims[1].pk]


def test_page_size_defaults_to_100(api, article, reviewer, editor):
    claims = approve_many(article, reviewer, editor, 3)
    assert ids(api.get(CLAIMS)) == [c.pk for c in claims]
    assert api.get(CLAIMS, {"page_size": MAX_PAGE_SIZE}).status_code == 200


def test_articles_are_paged_by_id_with_their_approved_claims(api, seed_articles, reviewer, editor):
    a, b, c = (seed_articles[key] for key in ["000", "001", "002"])
    on_a = factories.approved(a, reviewer, editor, claim="On A")
    factories.draft(a, reviewer, claim="A draft on A")
    on_c = factories.approved(c, reviewer, editor, claim="On C")
    factories.submitted(b, reviewer, claim="Submitted on B")
    first = api.get(ARTICLES, {"page_size": 1}).json()
    assert [article["id"] for article in first["results"]] == [a.pk]
    assert [claim["id"] for claim in first["results"][0]["claims"]] == [on_a.pk]
    second = api.get(first["next"]).json()
    assert [article["id"] for article in second["results"]] == [c.pk]  # B has nothing published
    assert second["next"] is None
    detail = api.get(f"{ARTICLES}{c.pk}/").json()
    assert list(detail) == [
        "id",
        "uri",
        "title",
        "subtitle",
        "url",
        "publisher",
        "byline",
        "published_at",
        "claims",
    ]
    assert detail["uri"] == f"http://testserver/checks/articles/{c.pk}/"
    assert [claim["claim"] for claim in detail["claims"]] == ["On C"]
    assert "article" not in detail["claims"][0]
    assert detail["claims"][0]["id"] == on_c.pk
    assert api.get(f"{ARTICLES}{b.pk}/").status_code == 404


def test_a_moment_with_an_offset_postgresql_would_refuse_is_read_in_utc(api, approved):
    """Python reads offsets up to ±23:59, PostgreSQL stores up to ±15:59: a fuzzed
    ``approved_after=5075-10-13T07:30:13-18:20`` was a server error there."""
    assert api.get(CLAIMS, {"approved_after": "5075-10-13T07:30:13-18:20"}).status_code == 200
    assert ids(api.get(CLAIMS, {"approved_after": "2000-01-01T00:00:00-18:20"})) == [approved.pk]
    refused = api.get(CLAIMS, {"approved_before": "9999-12-31T23:00:00-18:00"})
    assert refused.status_code == 400 and "approved_before" in refused.json()


def test_articles_leave_their_text_out_unless_asked_for_it(api, article, reviewer, editor):
    factories.approved(article, reviewer, editor)
    lean = api.get(ARTICLES)
    (listed,) = lean.json()["results"]
    assert "body" not in listed and "body" not in api.get(f"{ARTICLES}{article.pk}/").json()
    assert article.body[:200] not in lean.content.decode()
    full = api.get(ARTICLES, {"expand": "body"})
    assert full.json()["results"][0]["body"] == article.body
    assert full["ETag"] != lean["ETag"]
    detail = api.get(f"{ARTICLES}{article.pk}/", {"expand": "body"}).json()
    assert detail["body"] == article.body
    assert list(detail)[-2:] == ["body", "claims"]
    for url in (ARTICLES, f"{ARTICLES}{article.pk}/"):
        refused = api.get(url, {"expand": "sources"})
        assert refused.status_code == 400
        assert refused.json()["expand"] == [
            "Expand body (the only part an article adds), not 'sources'."
        ]


def test_an_article_whose_claims_were_all_withdrawn_is_listed_with_none(
    api, article, reviewer, editor
):
    claim = factories.approved(article, reviewer, editor)
    claim_transition(claim=claim, user=editor, action="retract", comment="Misread.")
    (listed,) = api.get(ARTICLES).json()["results"]
    assert listed["claims"] == []
    assert api.get(f"{ARTICLES}{article.pk}/").json()["claims"] == []


# Formats through the API --------------------------------------------------------------------


def test_format_claimreview_gives_a_datafeed_of_claimreviews(api, approved):
    response = api.get(CLAIMS, {"format": "claimreview"})
    assert response["Content-Type"] == "application/ld+json"
    feed = response.json()
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    (review,) = feed["dataFeedElement"]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Huawei is building a chip line"
    assert api.get(f"{CLAIMS}{approved.pk}/", {"format": "claimreview"}).json() == review


def test_accept_ld_json_gives_claimreview_and_the_anno_profile_gives_web_annotation(api, approved):
    review = api.get(CLAIMS, HTTP_ACCEPT="application/ld+json")
    assert review["Content-Type"] == "application/ld+json"
    assert review.json()["@type"] == "DataFeed"
    annotation = api.get(f"{CLAIMS}{approved.pk}/", HTTP_ACCEPT=ANNO_MEDIA_TYPE)
    assert annotation["Content-Type"] == ANNO_MEDIA_TYPE
    assert annotation.json()["type"] == "Annotation"
    # ?format wins over Accept
    both = api.get(CLAIMS, {"format": "webannotation"}, HTTP_ACCEPT="application/json")
    assert both.json()["type"] == "AnnotationCollection"


def test_an_unknown_format_is_a_400_that_lists_the_formats(api, approved):
    for url in [CLAIMS, f"{CLAIMS}{approved.pk}/", ARTICLES]:
        response = api.get(url, {"format": "rss"})
        assert response.status_code == 400, url
        assert response.json() == {
            "format": ["Unknown format 'rss': choose one of json, webannotation, claimreview."]
        }
    assert json.loads(api.get(STREAM, {"format": "rss"}).content) == {
        "format": ["Unknown format 'rss': choose one of jsonl."]
    }


def test_web_annotation_lists_are_a_collection_whose_pages_link_onwards(
    api, article, reviewer, editor
):
    claims = approve_many(article, reviewer, editor, 3)
    uris = [f"http://testserver/checks/{c.pk}/" for c in claims]
    collection = api.get(CLAIMS, {"format": "webannotation", "page_size": 2}).json()
    assert collection["type"] == "AnnotationCollection"
    assert "cursor" not in collection["id"]
    assert collection["total"] == 3
    first = collection["first"]
    assert first["type"] == "AnnotationPage"
    # The collection and its first page are two resources: two addresses.
    assert first["id"] != collection["id"] and "cursor=" in first["id"]
    assert first["partOf"] == {"id": collection["id"], "total": 3}
    assert first["startIndex"] == 0 and "prev" not in first
    assert [item["id"] for item in first["items"]] == uris[:2]
    # The first page's own address serves that page alone.
    alone = api.get(first["id"]).json()
    assert alone["type"] == "AnnotationPage" and alone["@context"]
    assert [item["id"] for item in alone["items"]] == uris[:2]
    page = api.get(first["next"]).json()
    assert page["type"] == "AnnotationPage"
    assert page["partOf"] == {"id": collection["id"], "total": 3}
    assert page["startIndex"] == 2
    assert "next" not in page
    assert [item["id"] for item in page["items"]] == uris[2:]
    back = api.get(page["prev"]).json()
    assert [item["id"] for item in back["items"]] == uris[:2]
    assert back["startIndex"] == 0 and "prev" not in back
    last = api.get(collection["last"]).json()
    assert [item["id"] for item in last["items"]] == uris[1:]
    assert last["startIndex"] == 1 and "next" not in last
    assert [i["id"] for i in api.get(last["prev"]).json()["items"]] == uris[:1]


def test_json_pages_link_back_as_well_as_on(api, article, reviewer, editor):
    claims = approve_many(article, reviewer, editor, 5)
    first = api.get(CLAIMS, {"page_size": 2})
    assert first.json()["previous"] is None
    second = api.get(first.json()["next"])
    assert ids(second) == [c.pk for c in claims[2:4]]
    assert 'rel="next"' in second["Link"] and 'rel="prev"' in second["Link"]
    assert ids(api.get(second.json()["previous"])) == [c.pk for c in claims[:2]]


def test_the_paging_cursors_of_an_empty_collection(api):
    collection = api.get(CLAIMS, {"format": "webannotation"}).json()
    assert collection["total"] == 0
    assert collection["first"]["items"] == [] and collection["first"]["startIndex"] == 0


def test_articles_in_the_standard_formats_hold_their_approved_claims(api, approved):
    feed = api.get(ARTICLES, {"format": "claimreview"}).json()
    assert [r["url"] for r in feed["dataFeedElement"]] == [
        f"http://testserver/checks/{approved.pk}/"
    ]
    collection = api.get(f"{ARTICLES}{approved.article_id}/", {"format": "webannotation"}).json()
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 1 and collection["first"]["id"] != collection["id"]
    assert len(collection["first"]["items"]) == 1
    assert api.get(collection["first"]["id"]).json()["type"] == "AnnotationPage"


# JSON Lines ---------------------------------------------------------------------------------


def test_the_stream_has_every_approved_claim_one_json_object_per_line(
    api, article, reviewer, editor
):
    claims = approve_many(article, reviewer, editor, 3)
    response = api.get(STREAM)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    text = body_text(response)
    assert text.endswith("\n") and text.count("\n") == 3
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["id"] for line in lines] == [c.pk for c in claims]
    assert lines == api.get(CLAIMS).json()["results"]


def test_the_stream_walks_keyset_chunks_not_offsets(
    article, reviewer, editor, django_assert_num_queries
):
    claims = approve_many(article, reviewer, editor, 25)
    # the verdict scale, then per chunk of 10: claims after the last key, sources,
    # corrections, appearances
    with django_assert_num_queries(1 + 3 * 4) as captured:
        chunks = list(
            jsonlines.jsonl_chunks(ExportQuery(), Links("http://testserver"), chunk_size=10)
        )
    assert [chunk.claims for chunk in chunks] == [10, 10, 5]
    sql = " ".join(query["sql"] for query in captured.captured_queries).upper()
    assert "OFFSET" not in sql
    lines = b"".join(chunk.data for chunk in chunks).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c.pk for c in claims]


def resident_memory() -> int:
    """This process's resident set size in bytes (Linux), read without tracing overhead."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_the_stream_keeps_memory_flat_from_1k_to_20k_claims(api, article, reviewer, editor):
    """Loose on purpose (the benchmark measures it properly): 20x the claims, not 20x the memory.

    Resident memory is sampled after every chunk: tracemalloc would multiply the
    run time several times over on two cores. Keeping all 20k claims would take
    hundreds of megabytes; a flat stream adds nothing once the first chunks warmed up.
    """
    template = factories.approved(article, reviewer, editor)
    now = timezone.now()

    def add(count: int, offset: int) -> None:
        Claim.objects.bulk_create(
            [
                Claim(
                    article=article,
                    start=template.start,
                    end=template.end,
                    exact=template.exact,
                    prefix=template.prefix,
                    suffix=template.suffix,
                    claim=f"Bulk claim {offset + i}",
                    verdict=template.verdict,
                    # plain text: converting HTML to text costs time per claim, not memory
                    rationale="",
                    author=reviewer,
                    status=Claim.Status.APPROVED,
                    approved_by=editor,
                    approved_at=now,
                    updated_at=now + timedelta(microseconds=offset + i),
                )
                for i in range(count)
            ],
            batch_size=2000,
        )

    def growth_while_streaming() -> tuple[int, int]:
        """(lines, largest growth of resident memory over the start) while consuming."""
        gc.collect()
        response = api.get(STREAM)
        before = resident_memory()
        lines, peak = 0, before
        for block in response.streaming_content:
            lines += block.count(b"\n")
            peak = max(peak, resident_memory())
        return lines, peak - before

    add(999, 0)
    lines_1k, growth_1k = growth_while_streaming()
    add(19_000, 1000)
    lines_20k, growth_20k = growth_while_streaming()
    assert (lines_1k, lines_20k) == (1000, 20_000)
    mib = 1024 * 1024
    assert growth_20k < growth_1k + 20 * mib, (growth_1k / mib, growth_20k / mib)


# Conditional requests -----------------------------------------------------------------------


def test_a_list_answers_304_to_its_own_etag_until_something_changes(
    api, approved, editor, editor2
):
    response = api.get(CLAIMS)
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    again = api.get(CLAIMS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(CLAIMS, HTTP_IF_NONE_MATCH=f'"stale", W/{etag}').status_code == 304
    factories.corrected(approved, editor2, editor, text="Restated")
    changed = api.get(CLAIMS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_etag_differs_between_formats_and_pages(api, article, reviewer, editor):
    approve_many(article, reviewer, editor, 3)
    tags = {
        api.get(CLAIMS, params)["ETag"]
        for params in [{}, {"format": "claimreview"}, {"format": "webannotation"}, {"page_size": 1}]
    }
    assert len(tags) == 4


def test_a_list_answers_304_to_if_modified_since(api, article, reviewer, editor):
    claims = approve_many(article, reviewer, editor, 3)
    for claim in claims:
        age(claim, days=2)
    response = api.get(CLAIMS)
    last_modified = response["Last-Modified"]
    assert api.get(CLAIMS, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date((timezone.now() - timedelta(days=3)).timestamp())
    assert api.get(CLAIMS, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    # Withdrawing a claim that was not the newest still moves Last-Modified.
    claim_transition(claim=claims[0], user=editor, action="retract", comment="Misread.")
    assert api.get(CLAIMS, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_an_article_edit_changes_the_validators_of_lists_that_show_it(api, approved, editor):
    age(approved, days=2)
    response = api.get(CLAIMS)
    article = approved.article
    article.title = "A corrected headline"
    article.save()
    changed = api.get(CLAIMS, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert changed.json()["results"][0]["article"]["title"] == "A corrected headline"
    assert api.get(CLAIMS, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 200


def test_details_and_articles_answer_304_too(api, approved):
    for url in [f"{CLAIMS}{approved.pk}/", ARTICLES, f"{ARTICLES}{approved.article_id}/"]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Last-Modified"], url
        assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url
        since = response["Last-Modified"]
        assert api.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304, url


def test_an_article_loses_its_304_when_one_of_its_claims_is_withdrawn(
    api, article, reviewer, editor
):
    keep, withdraw = approve_many(article, reviewer, editor, 2)
    for claim in (keep, withdraw):
        age(claim, days=2)
    url = f"{ARTICLES}{article.pk}/"
    response = api.get(url)
    claim_transition(claim=withdraw, user=editor, action="retract", comment="Misread.")
    assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 200


# Access -------------------------------------------------------------------------------------


def export_urls(claim: Claim) -> list[str]:
    return [CLAIMS, f"{CLAIMS}{claim.pk}/", ARTICLES, f"{ARTICLES}{claim.article_id}/", STREAM]


def test_anonymous_readers_are_asked_for_a_token_by_default(client, approved):
    for url in export_urls(approved):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url
        assert "Authorization: Token" in body_text(response), url


def test_a_setting_opens_the_export_to_anonymous_readers(client, approved, settings):
    settings.FACTCHECK_EXPORT_ANONYMOUS = True
    for url in export_urls(approved):
        assert client.get(url).status_code == 200, url
    # …the export only: the workspace API still needs an account
    assert (
        client.get(f"/api/v1/workspace/articles/{approved.article_id}/claims/").status_code == 401
    )
    draft = factories.draft(approved.article, approved.author)
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 404


def test_people_read_the_export_with_their_session(client, outsider, reviewer, approved):
    for person in (outsider, reviewer):
        client.force_login(person)
        assert ids(client.get(CLAIMS)) == [approved.pk]


def test_a_wrong_token_is_refused(approved):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(CLAIMS).status_code == 401


def test_the_workspace_api_still_refuses_export_readers(api, approved):
    url = f"/api/v1/workspace/claims/{approved.pk}/"
    assert api.get(url).status_code == 403
    assert api.patch(url, {"claim": "x", "version": approved.version}).status_code == 403
    assert api.delete(url, HTTP_IF_MATCH=f'"claim-{approved.pk}-v1"').status_code == 403


def test_each_token_has_its_own_export_rate(api, approved, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100/minute",
            "user": "100/minute",
            "export": "2/minute",
        },
    }
    assert api.get(CLAIMS).status_code == 200
    assert api.get(f"{CLAIMS}{approved.pk}/").status_code == 200
    refused = api.get(STREAM)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    other = APIClient()
    other.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user('search-index')).key}"
    )
    assert other.get(CLAIMS).status_code == 200


def test_anonymous_readers_are_throttled_by_address(client, approved, settings):
    settings.FACTCHECK_EXPORT_ANONYMOUS = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1/minute",
            "user": "100/minute",
            "export": "100/minute",
        },
    }
    assert client.get(CLAIMS).status_code == 200
    assert client.get(CLAIMS).status_code == 429


# Cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_a_page_of_claims_costs_the_same_queries_whatever_its_size(
    api, article, reviewer, editor, count, django_assert_num_queries
):
    approve_many(article, reviewer, editor, count)
    # token, verdict scale, Last-Modified aggregate, the page's rows (with article, verdict,
    # author, approver, claimant joined), sources, corrections, appearances; every format
    # is built from those
    # rows. Web Annotation pages also count the collection and the rows before the page
    # (one query, two counts).
    for fmt, queries in {"json": 7, "claimreview": 7, "webannotation": 8}.items():
        with django_assert_num_queries(queries):
            response = api.get(CLAIMS, {"format": fmt, "page_size": 100})
        assert response.status_code == 200
        if fmt == "json":
            assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_a_304_costs_three_queries_and_no_prefetch(
    api, article, reviewer, editor, count, django_assert_num_queries
):
    approve_many(article, reviewer, editor, count)
    etag = api.get(CLAIMS)["ETag"]
    # token, verdict scale, Last-Modified aggregate, the page's keys and joins
    with django_assert_num_queries(4):
        assert api.get(CLAIMS, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("count", [5, 50])
def test_articles_cost_the_same_queries_whatever_their_claims(
    api, seed_articles, reviewer, editor, count, django_assert_num_queries
):
    for i in range(count):
        factories.approved(seed_articles[f"00{i % 5}"], reviewer, editor)
    # token, verdict scale, articles, their published claims, sources, corrections,
    # appearances
    with django_assert_num_queries(7):
        assert api.get(ARTICLES).status_code == 200


def test_a_claim_detail_costs_a_fixed_number_of_queries(api, approved, django_assert_num_queries):
    # token, verdict scale, the claim with its joins, sources, corrections, appearances
    with django_assert_num_queries(6):
        assert api.get(f"{CLAIMS}{approved.pk}/").status_code == 200


# Documentation ------------------------------------------------------------------------------


def test_the_schema_documents_the_export_parameters_and_formats(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/claims/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {
        "article",
        "verdict",
        "publisher",
        "q",
        "approved_after",
        "approved_before",
        "updated_since",
        "cursor",
        "page_size",
        "format",
        "If-None-Match",
    } <= names
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json",
        "application/ld+json",
        ANNO_MEDIA_TYPE,
    }
    assert "304" in operation["responses"]
    assert "/api/v1/claims/export.jsonl" in schema["paths"]
    assert "/api/v1/articles/{id}/" in schema["paths"]


def test_the_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_docs_page_loads_everything_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses
    assert all(address.startswith("/") for address in addresses), addresses
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", html)


def test_the_docs_page_runs_under_our_content_security_policy(client):
    """script-src 'self' blocks inline scripts: every script must be a file from this site.

    Needs the docs route to use drf-spectacular's SpectacularSwaggerSplitView (its
    initialiser is served at /api/docs/?script=), not SpectacularSwaggerView.
    """
    response = client.get("/api/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts
    sources = [re.search(r'src="([^"]+)"', attrs) for attrs in scripts]
    assert all(sources), f"inline <script> blocked by the CSP: {scripts}"
    for source in sources:
        address = source.group(1).replace("&amp;", "&")
        assert address.startswith("/"), address
        if address.startswith("/static/"):  # shipped by drf-spectacular-sidecar
            assert finders.find(address.removeprefix("/static/")), address
        else:
            script = client.get(address)
            assert script.status_code == 200, address
            assert script["Content-Type"].startswith("application/javascript"), address


# The contract, fuzzed ------------------------------------------------------------------------


# Loaded once, in-process, from our own OpenAPI schema (no database needed for it).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(
    tag="export", method="GET"
)


@schema.parametrize()
@hypothesis_settings(
    max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_the_export_keeps_its_documented_contract(case, in_process_calls, consumer, approved):
    token = Token.objects.get_or_create(user=consumer)[0].key
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        # A schema cannot tell a cursor we issued from any other string, nor a verdict
        # slug on today's scale from one that is not: those are 400s by design.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


def test_editing_an_article_or_a_verdict_sends_its_claims_again_in_sync(article, reviewer, editor):
    from tests import factories

    claim = factories.approved(article, reviewer, editor, "Chinese enterprises are stepping up")
    client = APIClient()
    client.force_authenticate(editor)
    since = timezone.now()
    assert (
        client.get("/api/v1/claims/", {"updated_since": since.isoformat()}).json()["results"] == []
    )
    article.title = "A corrected headline"
    article.save()
    results = client.get("/api/v1/claims/", {"updated_since": since.isoformat()}).json()["results"]
    assert [(r["id"], r["article"]["title"]) for r in results] == [
        (claim.pk, "A corrected headline")
    ]
    since = timezone.now()
    verdict = claim.verdict
    verdict.label = "Wrong"
    verdict.save()
    results = client.get("/api/v1/claims/", {"updated_since": since.isoformat()}).json()["results"]
    assert [(r["id"], r["verdict"]["label"]) for r in results] == [(claim.pk, "Wrong")]
