"""The workspace page on the server: who may open it, what it embeds, what it costs."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from annotations import claims, workflow
from annotations.models import Article, Claim, Verdict
from annotations.publishing.workspace import LEAN_FIELDS

pytestmark = pytest.mark.django_db


def add_claims(article, user, count: int) -> None:
    """``count`` claims on consecutive words, each with a verdict and one source."""
    verdict = Verdict.objects.get(slug="false")
    words = [m.span() for m in re.finditer(r"\w+", article.body)]
    for n in range(count):
        start, end = words[n]
        claims.claim_create(
            article=article,
            user=user,
            start=start,
            end=end,
            verdict=verdict,
            rationale="Because.",
            sources=[{"url": f"https://example.org/{n}", "stance": "refutes"}],
        )


def embedded(response, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no #{element_id} data block on the page"
    return json.loads(match.group(1))


def test_people_outside_the_desk_get_403(client, outsider, article):
    client.force_login(outsider)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 403


def test_a_reviewer_gets_the_workspace_with_its_module_and_data(client, reviewer, article):
    client.force_login(reviewer)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="module"' in html and "annotations/workspace/workspace.js" in html
    assert "annotations/workspace.css" in html
    config = embedded(response, "workspace-config")
    assert config["claimsUrl"] == reverse("api:article-claims", args=[article.pk])
    assert config["claimsUrl"] == f"/api/v1/workspace/articles/{article.pk}/claims/"
    assert config["claimUrl"] == "/api/v1/workspace/claims/{id}/"
    assert config["transitionsUrl"] == "/api/v1/workspace/claims/{id}/transitions/"
    assert [v["slug"] for v in config["verdicts"]] == list(
        Verdict.objects.values_list("slug", flat=True)
    )
    assert config["transitions"]["request_changes"] == {
        "label": "Request changes",
        "needsComment": True,
    }
    assert embedded(response, "workspace-claims") == []


def test_the_page_has_no_inline_script_and_sends_a_strict_csp(client, reviewer, article):
    client.force_login(reviewer)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_embedded_claims_are_the_ones_the_reader_may_see_in_text_order(
    client, reviewer, reviewer2, editor, article
):
    add_claims(article, reviewer, 2)
    body = article.body
    start = body.index("NVIDIA")
    theirs = claims.claim_create(article=article, user=reviewer2, start=start, end=start + 6)
    client.force_login(reviewer)
    mine = embedded(client.get(article.get_absolute_url()), "workspace-claims")
    assert [c["start"] for c in mine] == sorted(c["start"] for c in mine)
    assert theirs.pk not in {c["id"] for c in mine}  # someone else's draft is private
    assert len(mine) == 2

    client.force_login(editor)
    seen_by_editor = embedded(client.get(article.get_absolute_url()), "workspace-claims")
    assert theirs.pk in {c["id"] for c in seen_by_editor}


def test_embedded_claims_carry_only_what_highlights_and_card_summaries_show(
    client, reviewer, article
):
    start = article.body.index("NVIDIA")
    claim = claims.claim_create(
        article=article,
        user=reviewer,
        start=start,
        end=start + 6,
        text="NVIDIA is worried.",
        verdict=Verdict.objects.get(slug="false"),
        rationale="<p>A rationale only the API sends.</p>",
        sources=[
            {"url": "https://example.org/only-in-the-api", "title": "A title only the API sends"},
            {"url": "https://example.org/second", "stance": "refutes"},
        ],
    )
    workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    reviewer.first_name, reviewer.last_name = "Rita", "Reviewer"
    reviewer.save()
    client.force_login(reviewer)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    [entry] = embedded(response, "workspace-claims")
    assert entry == {
        "id": claim.pk,
        "start": start,
        "end": start + 6,
        "status": "submitted",
        "claim": "NVIDIA is worried.",
        "verdict": "false",
        "author": "Rita Reviewer",
        "source_count": 2,
        "appearance": claim.appearances.get().pk,
        "appearance_state": "confirmed",
        "anchor_state": "anchored",
    }
    assert tuple(entry) == LEAN_FIELDS
    # Rationale, sources and history are the card's details: the API's, not the page's.
    for detail in ("only the API sends", "example.org/only-in-the-api", "example.org/second"):
        assert detail not in html
    api = client.get(
        reverse("api:workspace-claim", args=[claim.pk]), HTTP_ACCEPT="application/json"
    )
    assert api.status_code == 200
    assert api.json()["sources"][0]["title"] == "A title only the API sends"
    assert api.json()["events"][-1]["to_status"] == "submitted"


def test_user_text_in_the_embedded_claims_cannot_close_the_data_block(client, reviewer, article):
    start = article.body.index("NVIDIA")
    claims.claim_create(
        article=article,
        user=reviewer,
        start=start,
        end=start + 6,
        text="</script><script>alert(1)</script>",
        sources=[{"url": "https://example.org/x", "title": "<img src=x onerror=alert(1)>"}],
    )
    client.force_login(reviewer)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    data = embedded(response, "workspace-claims")
    assert data[0]["claim"] == "</script><script>alert(1)</script>"
    assert "sources" not in data[0]  # the title is the API's to send, as JSON


def test_the_assignee_opening_a_new_article_starts_work_on_it(client, reviewer, reviewer2, article):
    Article.objects.filter(pk=article.pk).update(assignee=reviewer)
    client.force_login(reviewer2)
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.NEW  # someone else looking changes nothing
    client.force_login(reviewer)
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.IN_PROGRESS


def test_the_editors_comment_reaches_the_author_through_page_and_api(
    client, reviewer, editor, article
):
    add_claims(article, reviewer, 1)
    claim = Claim.objects.get()
    workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    claim.refresh_from_db()
    workflow.claim_transition(
        claim=claim, user=editor, action="request_changes", comment="Name the report."
    )
    client.force_login(reviewer)
    data = embedded(client.get(article.get_absolute_url()), "workspace-claims")
    assert data[0]["status"] == "changes_requested"
    # The open card reads the comment and what the author may do from the claim's API.
    details = client.get(reverse("api:workspace-claim", args=[data[0]["id"]])).json()
    assert details["events"][-1]["comment"] == "Name the report."
    assert details["permissions"]["actions"] == ["submit"]


@pytest.mark.parametrize("count", [2, 200])
def test_the_page_costs_the_same_queries_for_2_or_200_claims(
    client, reviewer, article, count, django_assert_num_queries
):
    add_claims(article, reviewer, count)
    client.force_login(reviewer)
    # 1 session, 2 user, 3 the user's own and group permissions (may they use the
    # workspace?), 4 article (+ assignee), 5 verdicts, 6 the visible claims with their
    # authors' names and number of sources, 7 the header's counts (claims, articles,
    # unread notifications, in one query).
    with django_assert_num_queries(7):
        response = client.get(article.get_absolute_url())
    assert len(embedded(response, "workspace-claims")) == count
