"""The workspace API: create, edit and delete claims with their sources."""

import pytest
from rest_framework.test import APIClient

from annotations.claims import claim_create
from annotations.importers import import_bytes
from annotations.models import Article, Claim, ClaimEvent, Source, Verdict
from annotations.workflow import claim_transition

pytestmark = pytest.mark.django_db

SENTENCE = "China's telecommunications giant is building an advanced chip production line"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def span(article, text: str) -> dict:
    start = article.body.index(text)
    return {"start": start, "end": start + len(text), "exact": text}


def payload(article, text=SENTENCE, **extra) -> dict:
    return {
        **span(article, text),
        "verdict": "mostly-false",
        "rationale": "<p>The plant is <strong>not</strong> in Shenzhen.</p>",
        "sources": [
            {"url": "https://example.org/ft", "title": "FT report", "stance": "supports"},
            {
                "url": "https://example.org/denial",
                "title": "Denial",
                "stance": "refutes",
                "excerpt": "We have no such plant.",
                "accessed_on": "2026-11-20",
            },
        ],
        **extra,
    }


def create(user, article, **extra) -> dict:
    response = api(user).post(
        f"/api/v1/workspace/articles/{article.pk}/claims/", payload(article, **extra), format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def submitted_and_approved(author, approver, article) -> Claim:
    claim = Claim.objects.get(pk=create(author, article)["id"])
    claim = claim_transition(claim=claim, user=author, action="submit")
    return claim_transition(claim=claim, user=approver, action="approve")


# Creating


def test_a_reviewer_creates_a_claim_with_two_sources(reviewer, article):
    data = create(reviewer, article)
    claim = Claim.objects.get(pk=data["id"])
    assert claim.exact == SENTENCE == data["quote"]["exact"]
    assert article.body[claim.start : claim.end] == SENTENCE
    assert data["quote"]["prefix"] == article.body[max(0, claim.start - 32) : claim.start]
    assert data["quote"]["suffix"] == article.body[claim.end : claim.end + 32]
    assert claim.claim == SENTENCE  # defaults to the quote
    assert data["verdict"]["slug"] == "mostly-false"
    assert [s["title"] for s in data["sources"]] == ["FT report", "Denial"]
    assert data["sources"][1]["accessed_on"] == "2026-11-20"
    assert data["status"] == "draft" and data["version"] == 1
    assert data["permissions"] == {
        "edit": True,
        "delete": True,
        "actions": ["submit"],
        "blocked": [],
        "anchor": False,
    }
    assert claim.author == reviewer


def test_prefer_return_minimal_answers_the_lean_claim_the_list_gives(reviewer, article):
    url = f"/api/v1/workspace/articles/{article.pk}/claims/"
    response = api(reviewer).post(
        url, payload(article), format="json", HTTP_PREFER="handling=strict, return=minimal"
    )
    assert response.status_code == 201, response.json()
    assert response["Preference-Applied"] == "return=minimal"
    item = response.json()
    assert item == next(c for c in api(reviewer).get(url).json() if c["id"] == item["id"])
    assert item["source_count"] == 2 and item["verdict"] == "mostly-false"
    assert response["Location"] == f"http://testserver/api/v1/workspace/claims/{item['id']}/"
    full = api(reviewer).post(url, payload(article), format="json")
    assert "Preference-Applied" not in full and "permissions" in full.json()
    assert full["Location"].endswith(f"/api/v1/workspace/claims/{full.json()['id']}/")


def test_creating_a_claim_costs_a_fixed_number_of_queries(
    reviewer, article, django_assert_num_queries
):
    client = api(reviewer)
    url = f"/api/v1/workspace/articles/{article.pk}/claims/"
    body = {**span(article, SENTENCE), "verdict": "false"}
    client.post(url, body, format="json", HTTP_PREFER="return=minimal")  # permissions cached
    # the article's text, the verdict named by its slug, the claim and its first
    # appearance (between the transaction's savepoint and its release); the lean answer
    # is made from what was written; no source read or removed, no constraint or row
    # asked of the database before the insert that enforces it
    with django_assert_num_queries(6):
        response = client.post(url, body, format="json", HTTP_PREFER="return=minimal")
    assert response.status_code == 201


def test_the_claim_text_can_differ_from_the_quote(reviewer, article):
    data = create(reviewer, article, claim="Huawei builds a fab in Shenzhen")
    assert data["claim"] == "Huawei builds a fab in Shenzhen"
    assert data["quote"]["exact"] == SENTENCE


def test_white_space_around_a_selection_is_trimmed_by_the_server(reviewer, article):
    start = article.body.index(SENTENCE) - 1  # the newline before the paragraph…
    end = start + 1 + len(SENTENCE) + 1  # …and the space after the selection
    assert article.body[start:end] == f"\n{SENTENCE} "
    body = {"start": start, "end": end, "verdict": None}
    data = (
        api(reviewer)
        .post(f"/api/v1/workspace/articles/{article.pk}/claims/", body, format="json")
        .json()
    )
    assert data["quote"]["exact"] == SENTENCE
    assert (data["quote"]["start"], data["quote"]["end"]) == (start + 1, end - 1)


def test_offsets_are_code_points_beyond_the_basic_plane(reviewer):
    article = import_bytes(
        "Emoji test\n😀 Nvidia 𝐀 claims 🇨🇳 chips are 100% local.\nEnd.".encode(),
        origin="emoji.txt",
    ).article
    text = "𝐀 claims 🇨🇳 chips"
    data = create(reviewer, article, text=text, sources=[], verdict=None, rationale="")
    assert data["quote"]["exact"] == text
    assert data["quote"]["start"] == article.body.index(text)
    # 𝐀 is one code point (two UTF-16 units), the flag two code points (four units)
    assert data["quote"]["end"] - data["quote"]["start"] == len(text) == 17


def test_the_rationale_is_markdown_rendered_and_sanitised_on_the_way_in(reviewer, article):
    source = (
        '<p onclick="x()">Raw</p> *Fine* text<script>alert(1)</script>'
        "<img src=x onerror=alert(1)> [link](javascript:alert(1)) [ok](https://example.org)"
    )
    data = create(reviewer, article, rationale=source)
    html = data["rationale_html"]
    assert "<em>Fine</em>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>' in html
    for bad in ["<script", "<img", "<p onclick", 'href="javascript:']:
        assert bad not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as text
    assert data["rationale_markdown"] == source
    assert data["rationale_text"].startswith('<p onclick="x()">Raw</p> Fine text<script>')


# Bad input


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": None}, "start", "This field may not be null."),
        ({"start": 5, "end": 5, "exact": None}, "start", "0 ≤ start < end ≤"),
        ({"start": 0, "end": 10**7, "exact": None}, "start", "0 ≤ start < end ≤"),
        ({"exact": "Something else entirely"}, "exact", "reload the page"),
        ({"verdict": "pants-on-fire"}, "verdict", "does not exist"),
        ({"sources": [{"url": "javascript:alert(1)"}]}, "sources", "http:// or https://"),
        (
            {"sources": [{"url": "https://x.org", "archived_url": "ftp://x.org"}]},
            "sources",
            "http:// or https://",
        ),
        ({"sources": [{"url": "https://x.org", "stance": "maybe"}]}, "sources", "not a valid"),
        ({"sources": [{"url": "https://x.org"}] * 31}, "sources", "no more than 30"),
    ],
)
def test_bad_input_gets_a_readable_400_and_writes_nothing(
    reviewer, article, change, field, message
):
    body = payload(article)
    body.update({k: v for k, v in change.items() if v is not None or k == "start"})
    for key in [k for k, v in change.items() if v is None and k != "start"]:
        body.pop(key)
    response = api(reviewer).post(
        f"/api/v1/workspace/articles/{article.pk}/claims/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert message in str(response.json()[field])
    assert not Claim.objects.exists() and not Source.objects.exists()


def test_a_span_of_only_white_space_is_refused(reviewer, article):
    newline = article.body.index("\n")
    body = {"start": newline, "end": newline + 1}
    response = api(reviewer).post(
        f"/api/v1/workspace/articles/{article.pk}/claims/", body, format="json"
    )
    assert response.status_code == 400
    assert "only white space" in response.json()["start"][0]


def test_a_missing_article_is_404(reviewer):
    response = api(reviewer).post("/api/v1/workspace/articles/999/claims/", {"start": 0, "end": 3})
    assert response.status_code == 404


# Editing


def test_the_author_edits_text_verdict_span_and_sources_in_one_request(reviewer, article):
    data = create(reviewer, article)
    first, second = data["sources"]
    new_span = span(article, "advanced chip production line")
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/",
        {
            **new_span,
            "claim": "The line is advanced",
            "verdict": "unproven",
            "version": data["version"],
            # reorder, change one, drop none, add a third
            "sources": [
                {
                    "id": second["id"],
                    "url": second["url"],
                    "title": "Denial (updated)",
                    "stance": "refutes",
                },
                {
                    "id": first["id"],
                    "url": first["url"],
                    "title": first["title"],
                    "stance": "supports",
                },
                {"url": "https://example.org/third", "stance": "context"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    updated = response.json()
    assert updated["version"] == 2
    assert updated["quote"]["exact"] == "advanced chip production line"
    assert updated["verdict"]["slug"] == "unproven"
    assert [s["title"] for s in updated["sources"]] == ["Denial (updated)", "FT report", ""]
    assert [s["id"] for s in updated["sources"]][:2] == [second["id"], first["id"]]
    assert response["ETag"].startswith(f'"claim-{data["id"]}-v2-')


def test_sources_not_named_are_removed(reviewer, article):
    data = create(reviewer, article)
    keep = data["sources"][0]
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/",
        {"version": 1, "sources": [{"id": keep["id"], "url": keep["url"]}]},
        format="json",
    )
    assert [s["id"] for s in response.json()["sources"]] == [keep["id"]]
    assert Source.objects.count() == 1


def test_one_bad_source_leaves_everything_as_it_was(reviewer, article):
    data = create(reviewer, article)
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/",
        {
            "version": 1,
            "claim": "changed",
            "sources": [
                {"id": data["sources"][0]["id"], "url": "https://ok.example"},
                {"id": 987654, "url": "https://not-mine.example"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Source 2: Source 987654 does not belong to this claim." in response.json()["sources"]
    claim = Claim.objects.get(pk=data["id"])
    assert claim.claim == SENTENCE and claim.version == 1
    assert list(claim.sources.values_list("title", flat=True)) == ["FT report", "Denial"]


def test_a_stale_version_field_gets_409_with_the_current_claim(reviewer, article):
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    assert (
        api(reviewer).patch(url, {"claim": "first", "version": 1}, format="json").status_code == 200
    )
    response = api(reviewer).patch(url, {"claim": "second", "version": 1}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "changed since you loaded it" in body["detail"]
    assert body["current"]["claim"] == "first" and body["current"]["version"] == 2
    assert Claim.objects.get(pk=data["id"]).claim == "first"


def test_a_stale_if_match_gets_412(reviewer, article):
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    fresh = api(reviewer).get(url)["ETag"]
    assert (
        api(reviewer).patch(url, {"claim": "a"}, format="json", HTTP_IF_MATCH=fresh).status_code
        == 200
    )
    response = api(reviewer).patch(url, {"claim": "b"}, format="json", HTTP_IF_MATCH=fresh)
    assert response.status_code == 412
    assert response.json()["current"]["claim"] == "a"


def test_the_etag_changes_when_the_article_title_or_the_verdict_label_does(reviewer, article):
    """Defect: the ETag named only id and version, so a renamed article or verdict label
    answered 304 to a copy that showed the old words."""
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    etag = api(reviewer).get(url)["ETag"]
    assert api(reviewer).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Article.objects.filter(pk=article.pk).update(title="A corrected headline")
    response = api(reviewer).get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["article"]["title"] == "A corrected headline"
    etag = response["ETag"]
    Verdict.objects.filter(slug="mostly-false").update(label="Largely false")
    response = api(reviewer).get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["verdict"]["label"] == "Largely false"


def test_the_etag_covers_what_the_reader_may_do(reviewer, editor, article):
    data = create(reviewer, article)
    claim_transition(claim=Claim.objects.get(pk=data["id"]), user=reviewer, action="submit")
    url = f"/api/v1/workspace/claims/{data['id']}/"
    mine, theirs = api(reviewer).get(url)["ETag"], api(editor).get(url)["ETag"]
    assert mine != theirs  # the same claim, but the body says different things about rights


def test_another_claims_etag_is_refused_not_read_as_a_version(reviewer, article):
    """Defect: If-Match "claim-99-v3" sent to claim 7 counted as version 3."""
    first, second = create(reviewer, article), create(reviewer, article, claim="Another")
    url = f"/api/v1/workspace/claims/{first['id']}/"
    foreign = api(reviewer).get(f"/api/v1/workspace/claims/{second['id']}/")["ETag"]
    response = api(reviewer).patch(url, {"claim": "x"}, format="json", HTTP_IF_MATCH=foreign)
    assert response.status_code == 412
    assert f"belongs to claim {second['id']}" in response.json()["detail"]
    assert response.json()["current"]["id"] == first["id"]
    legacy = f'"claim-{second["id"]}-v1"'
    response = api(reviewer).delete(url, HTTP_IF_MATCH=legacy)
    assert response.status_code == 412
    assert Claim.objects.filter(pk=first["id"]).exists()


@pytest.mark.parametrize(
    "header", ['"claim-1-v' + "9" * 5000 + '"', "claim-1-v1", '"something else"', "*"]
)
def test_an_if_match_that_is_not_our_etag_is_a_400_not_a_500(reviewer, article, header):
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    for response in [
        api(reviewer).patch(url, {"claim": "x"}, format="json", HTTP_IF_MATCH=header),
        api(reviewer).delete(url, HTTP_IF_MATCH=header),
        api(reviewer).post(
            f"{url}transitions/", {"action": "submit"}, format="json", HTTP_IF_MATCH=header
        ),
    ]:
        assert response.status_code == 400, response.content
        assert "Send the ETag you read" in response.json()["If-Match"][0]


def test_a_huge_version_field_is_a_400(reviewer, article):
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    response = api(reviewer).patch(url, {"claim": "x", "version": "9" * 5000}, format="json")
    assert response.status_code == 400
    assert "whole number" in response.json()["version"][0]


def test_someone_who_may_not_edit_hears_so_before_any_version_check(reviewer, reviewer2, article):
    """A stale version from a reader without the right got 409 with the claim first."""
    data = create(reviewer, article)
    claim_transition(claim=Claim.objects.get(pk=data["id"]), user=reviewer, action="submit")
    url = f"/api/v1/workspace/claims/{data['id']}/"
    response = api(reviewer2).patch(url, {"claim": "x", "version": 1}, format="json")
    assert response.status_code == 403
    assert "current" not in response.json()
    response = api(reviewer2).post(
        f"{url}transitions/", {"action": "approve", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_a_write_without_a_version_is_refused(reviewer, article):
    data = create(reviewer, article)
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/", {"claim": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "Say which version" in response.json()["version"][0]


def test_moving_a_claim_needs_start_and_end_together(reviewer, article):
    data = create(reviewer, article)
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/", {"start": 3, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "end" in response.json()


# Permissions


def test_anonymous_and_outsiders_cannot_use_the_workspace_api(client, outsider, article):
    url = f"/api/v1/workspace/articles/{article.pk}/claims/"
    assert api().get(url).status_code in {401, 403}
    assert api().post(url, payload(article), format="json").status_code in {401, 403}
    assert api(outsider).get(url).status_code == 403
    assert api(outsider).post(url, payload(article), format="json").status_code == 403
    assert not Claim.objects.exists()


def test_another_reviewer_cannot_see_or_change_a_draft(reviewer, reviewer2, article):
    data = create(reviewer, article)
    url = f"/api/v1/workspace/claims/{data['id']}/"
    assert api(reviewer2).get(url).status_code == 404
    assert api(reviewer2).patch(url, {"claim": "x", "version": 1}, format="json").status_code == 404
    assert api(reviewer2).delete(url, {"version": 1}, format="json").status_code == 404
    listed = api(reviewer2).get(f"/api/v1/workspace/articles/{article.pk}/claims/").json()
    assert listed == []


def test_another_reviewer_reads_but_cannot_change_a_submitted_claim(reviewer, reviewer2, article):
    data = create(reviewer, article)
    claim_transition(claim=Claim.objects.get(pk=data["id"]), user=reviewer, action="submit")
    url = f"/api/v1/workspace/claims/{data['id']}/"
    response = api(reviewer2).get(url)
    assert response.status_code == 200
    assert response.json()["permissions"] == {
        "edit": False,
        "delete": False,
        "actions": [],
        "blocked": [],
        "anchor": False,
    }
    response = api(reviewer2).patch(url, {"claim": "x", "version": 2}, format="json")
    assert response.status_code == 403
    assert "Only the claim's author or an editor" in response.json()["detail"]


def test_the_author_cannot_edit_while_the_claim_is_in_review(reviewer, article):
    data = create(reviewer, article)
    claim_transition(claim=Claim.objects.get(pk=data["id"]), user=reviewer, action="submit")
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/", {"claim": "x", "version": 2}, format="json"
    )
    assert response.status_code == 403


def test_an_editor_may_edit_a_reviewers_draft(reviewer, editor, article):
    data = create(reviewer, article)
    response = api(editor).patch(
        f"/api/v1/workspace/claims/{data['id']}/",
        {"claim": "tightened", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["claim"] == "tightened"


def test_session_writes_need_the_csrf_token(reviewer, article):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(
        f"/api/v1/workspace/articles/{article.pk}/claims/", payload(article), format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# Deleting


def test_the_author_deletes_a_draft_with_its_sources(reviewer, article):
    data = create(reviewer, article)
    response = api(reviewer).delete(
        f"/api/v1/workspace/claims/{data['id']}/", HTTP_IF_MATCH=f'"claim-{data["id"]}-v1"'
    )
    assert response.status_code == 204
    assert not Claim.objects.exists() and not Source.objects.exists()


def test_a_claim_that_was_submitted_cannot_be_deleted(reviewer, article):
    data = create(reviewer, article)
    claim = claim_transition(claim=Claim.objects.get(pk=data["id"]), user=reviewer, action="submit")
    response = api(reviewer).delete(
        f"/api/v1/workspace/claims/{claim.pk}/", {"version": claim.version}, format="json"
    )
    assert response.status_code == 403
    assert "never been submitted" in response.json()["detail"]
    assert Claim.objects.filter(pk=claim.pk).exists()


# History of published claims


def test_a_published_claim_is_not_patched_in_place(reviewer, editor, article):
    claim = submitted_and_approved(reviewer, editor, article)
    response = api(editor).patch(
        f"/api/v1/workspace/claims/{claim.pk}/",
        {"verdict": "false", "version": claim.version},
        format="json",
    )
    assert response.status_code == 403
    assert "Retract it with a reason, reopen it" in response.json()["detail"]
    assert Claim.objects.get(pk=claim.pk).verdict.slug == "mostly-false"
    assert not ClaimEvent.objects.filter(kind=ClaimEvent.Kind.EDIT).exists()


def test_an_editor_cannot_patch_submit_and_approve_a_reviewers_draft(
    reviewer, editor, editor2, article
):
    """Defect: all three answered 200, and the check was published under the reviewer's
    name with a history of only the editor's submit and approval."""
    claim = Claim.objects.get(pk=create(reviewer, article)["id"])
    client = api(editor)
    patched = client.patch(
        f"/api/v1/workspace/claims/{claim.pk}/",
        {"claim": "The editor's own words", "verdict": "true", "version": claim.version},
        format="json",
    )
    assert patched.status_code == 200
    transitions = f"/api/v1/workspace/claims/{claim.pk}/transitions/"
    submitted = client.post(transitions, {"action": "submit"}, format="json")
    assert submitted.status_code == 200
    refused = client.post(
        transitions, {"action": "approve", "version": submitted.json()["version"]}, format="json"
    )
    assert refused.status_code in (400, 403, 409), refused.json()
    assert "four-eyes" in str(refused.json())
    assert Claim.objects.get(pk=claim.pk).status == "submitted"
    history = client.get(f"/api/v1/workspace/claims/{claim.pk}/?expand=events").json()["events"]
    (edit,) = [e for e in history if e["kind"] == "edit"]
    assert edit["actor"] == "editor" and {"claim", "verdict"} <= set(edit["changes"])
    approved = api(editor2).post(transitions, {"action": "approve"}, format="json")
    assert approved.status_code == 200


# Query counts


def test_the_claim_list_costs_the_same_for_2_and_200_claims(
    reviewer, article, django_assert_num_queries
):
    verdict = Verdict.objects.get(slug="false")
    client = api(reviewer)
    url = f"/api/v1/workspace/articles/{article.pk}/claims/"

    def add_claims(n):
        for i in range(n):
            claim_create(
                article=article,
                user=reviewer,
                start=i,
                end=i + 20,
                verdict=verdict,
                sources=[{"url": f"https://example.org/{i}"}],
            )

    add_claims(2)
    client.get(url)  # the same user object serves every request: its permissions are cached
    full = {"expand": "sources,events"}
    # Lean (the default): one query, the appearances here with their claims, verdict
    # slugs, authors and source counts. Full: the claims with article/verdict/people and
    # source counts, sources, corrections, appearances, history with its actors, the
    # scale. A list with claims in it proves the article exists: no query for it.
    for params, queries in [({}, 1), (full, 6)]:
        with django_assert_num_queries(queries):
            assert len(client.get(url, params).json()) == 2
    add_claims(198)
    for params, queries in [({}, 1), (full, 6)]:
        with django_assert_num_queries(queries):
            assert len(client.get(url, params).json()) == 200


def test_an_article_with_no_claims_lists_none_and_a_missing_one_is_404(
    reviewer, article, django_assert_num_queries
):
    client = api(reviewer)
    client.get(f"/api/v1/workspace/articles/{article.pk}/claims/")
    with django_assert_num_queries(2):  # the (empty) list, then whether the article exists
        assert client.get(f"/api/v1/workspace/articles/{article.pk}/claims/").json() == []
    for params in [{}, {"expand": "sources"}]:
        response = client.get("/api/v1/workspace/articles/999999/claims/", params)
        assert response.status_code == 404
