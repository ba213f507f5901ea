"""Revisions and re-anchoring of stored claims: what changes, what is kept, who sees it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations.importers import UPDATED, import_bytes
from annotations.models import AnchorState, AppendOnlyError, ArticleRevision, Claim, ClaimEvent
from annotations.revisions import NOTHING_TO_RESOLVE, ORPHAN_NEEDS_WORDS
from tests import factories

pytestmark = pytest.mark.django_db

TEXT = (
    "Chipmakers report record orders\n"
    "Chipmakers in Shenzhen reported record orders this spring, officials said.\n"
    "The company said its revenue grew 12 percent in 2024, beating forecasts.\n"
    "Analysts were cautious about the outlook for the next quarter.\n"
    "Exports to Europe fell slightly, according to customs data."
)
QUOTE = "its revenue grew 12 percent in 2024"
MOVED = "Analysts were cautious about the outlook"
GONE = "Exports to Europe fell slightly"


@pytest.fixture
def story(db):
    return import_bytes(TEXT.encode(), origin="story.txt").article


def revise(story, text: str, user=None):
    result = import_bytes(text.encode(), origin=story.origin, update=True, user=user)
    assert result.status == UPDATED, result.message
    story.refresh_from_db()
    return result


def test_every_revision_is_kept_and_the_article_moves_to_the_newest(story, editor):
    revise(story, "Breaking: an update.\n" + TEXT, user=editor)
    revise(story, TEXT.replace("12 percent", "9 percent"), user=editor)
    revisions = list(story.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[0].body == TEXT
    assert revisions[0].raw_text.encode() == TEXT.encode()
    assert revisions[2].body == story.body and "9 percent" in story.body
    assert revisions[2].created_by == editor
    assert len({r.content_hash for r in revisions}) == 3
    assert story.revised_at == revisions[2].created_at


def test_revisions_are_append_only(story):
    revision = story.revisions.get()
    revision.body = "changed"
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        ArticleRevision.objects.filter(pk=revision.pk).update(body="x")
    with pytest.raises(AppendOnlyError):
        revision.delete()


def test_claims_in_every_state_are_reanchored_and_none_deleted(story, reviewer, editor):
    approved = factories.approved(story, reviewer, editor, QUOTE)
    moved = factories.submitted(story, reviewer, MOVED)
    gone = factories.draft(story, reviewer, GONE)
    old = {c.pk: (c.start, c.end) for c in (approved, moved, gone)}
    new_text = (
        "Update: figures corrected on Monday.\n"
        + TEXT.replace("grew 12 percent", "grew 9 percent").replace("\n" + GONE, "")
        .replace(".\nExports to Europe fell slightly, according to customs data.", ".")
    )  # fmt: skip
    result = revise(story, new_text, user=editor)
    assert result.message == "revision 2; claims: 1 anchored, 1 fuzzy, 1 orphaned"
    approved.refresh_from_db()
    moved.refresh_from_db()
    gone.refresh_from_db()
    assert (approved.anchor_state, approved.exact) == (
        "fuzzy",
        "its revenue grew 9 percent in 2024",
    )
    assert story.body[approved.start : approved.end] == approved.exact
    assert 0.6 <= approved.anchor_score < 1
    assert approved.quote_as_checked == QUOTE and approved.text_changed_at is not None
    assert moved.anchor_state == "anchored" and story.body[moved.start : moved.end] == MOVED
    assert gone.anchor_state == "orphaned" and gone.exact == GONE
    assert Claim.objects.count() == 3
    # The first revision keeps the offsets that index it.
    first = story.revisions.get(number=1)
    kept = {a.claim_id: (a.start, a.end) for a in first.anchors.all()}
    assert kept == old
    assert all(first.body[a.start : a.end] == a.exact for a in first.anchors.all())
    # Each claim's history says what happened, with the revision.
    note = ClaimEvent.objects.filter(claim=approved, kind="anchor").get()
    assert note.changes["revision"] == 2 and "approximately" in note.comment
    assert note.actor == editor


def test_a_claim_moved_by_a_revision_is_a_new_version(story, reviewer):
    claim = factories.draft(story, reviewer, MOVED)
    revise(story, "A new first line.\n" + TEXT)
    claim.refresh_from_db()
    assert claim.version == 2  # an edit begun on version 1 is now stale


def test_the_public_page_of_an_approved_check_says_the_text_changed(
    story, reviewer, editor, client
):
    claim = factories.approved(story, reviewer, editor, QUOTE)
    page = reverse("checks:detail", args=[claim.pk, claim.slug])
    assert "edited after this check" not in client.get(page).content.decode()
    revise(story, TEXT.replace("grew 12 percent", "grew 9 percent"))
    html = client.get(page).content.decode()
    assert "The article was edited after this check, on" in html
    assert (
        'the quoted words now read “<span class="now-reads">its revenue grew 9 percent in 2024'
        in html
    )
    assert QUOTE in html
    revise(
        story,
        TEXT.replace(
            "\nThe company said its revenue grew 12 percent in 2024, beating forecasts.", ""
        ),
    )
    html = client.get(page).content.decode()
    assert "the quoted words are no longer in it" in html
    # The public article page no longer highlights words that are not in it.
    assert client.get(reverse("checks:article", args=[story.pk])).status_code == 404


def test_the_export_says_so_and_incremental_sync_sees_it(story, reviewer, editor, client):
    claim = factories.approved(story, reviewer, editor, QUOTE)
    client.force_login(editor)
    before = client.get(reverse("api:claim-detail", args=[claim.pk])).json()
    assert before["text_changed"] is None
    revise(story, TEXT.replace("grew 12 percent", "grew 9 percent"))
    changed = client.get(reverse("api:claim-list"), {"updated_since": before["updated_at"]}).json()[
        "results"
    ]
    item = next(i for i in changed if i["id"] == claim.pk)
    assert item["updated_at"] > before["updated_at"]
    assert item["text_changed"]["quote_as_checked"] == QUOTE
    assert item["text_changed"]["now_reads"] == "its revenue grew 9 percent in 2024"
    assert item["quote"]["exact"] == "its revenue grew 9 percent in 2024"
    revise(story, "Entirely different text about the weather today and tomorrow.")
    item = client.get(reverse("api:claim-detail", args=[claim.pk])).json()
    assert (
        item["quote"]["start"] is None
        and item["quote"]["exact"] == "its revenue grew 9 percent in 2024"
    )
    assert item["text_changed"]["now_reads"] is None
    annotation = client.get(
        reverse("api:claim-detail", args=[claim.pk]), {"format": "webannotation"}
    ).json()
    types = [s["type"] for s in annotation["target"]["selector"]]
    assert types == ["TextQuoteSelector"]


def test_the_workspace_shows_the_state_and_the_reviewer_accepts_or_reselects(
    story, reviewer, editor, client
):
    claim = factories.approved(story, reviewer, editor, QUOTE)
    other = factories.draft(story, reviewer, GONE)
    new_text = TEXT.replace("grew 12 percent", "grew 9 percent").replace(
        "\nExports to Europe fell slightly, according to customs data.", "\nExports rose."
    )
    revise(story, new_text)
    client.force_login(reviewer)
    lean = client.get(reverse("api:article-claims", args=[story.pk])).json()
    assert {c["id"]: c["anchor_state"] for c in lean} == {claim.pk: "fuzzy", other.pk: "orphaned"}
    url = reverse("api:claim-anchor", args=[claim.pk])
    full = client.get(reverse("api:workspace-claim", args=[claim.pk])).json()
    assert full["anchor_state"] == "fuzzy" and full["permissions"]["anchor"] is True
    assert full["text_changed"]["quote_as_checked"] == QUOTE
    # Accepting the place found.
    answer = client.post(url, {"version": full["version"]}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["anchor_state"] == "anchored"
    assert answer.json()["text_changed"]["quote_as_checked"] == QUOTE  # published: kept
    again = client.post(url, {"version": answer.json()["version"]}, content_type="application/json")
    assert again.status_code == 400 and NOTHING_TO_RESOLVE in str(again.json())
    # An orphan has no place to accept: select the words again.
    url = reverse("api:claim-anchor", args=[other.pk])
    version = client.get(reverse("api:workspace-claim", args=[other.pk])).json()["version"]
    refused = client.post(url, {"version": version}, content_type="application/json")
    assert refused.status_code == 400 and ORPHAN_NEEDS_WORDS in str(refused.json())
    start = story.body.index("Exports rose")
    answer = client.post(
        url, {"version": version, "start": start, "end": start + 12, "exact": "Exports rose"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["anchor_state"], data["quote"]["exact"]) == ("anchored", "Exports rose")
    assert data["text_changed"] is None  # never published: it will be checked on these words
    other.refresh_from_db()
    assert (other.start, other.end) == (start, start + 12)


def test_someone_else_cannot_resolve_a_reviewers_claim(story, reviewer, reviewer2, client):
    claim = factories.submitted(story, reviewer, QUOTE)
    revise(story, TEXT.replace("grew 12 percent", "grew 9 percent"))
    client.force_login(reviewer2)
    full = client.get(reverse("api:workspace-claim", args=[claim.pk])).json()
    assert full["permissions"]["anchor"] is False
    answer = client.post(
        reverse("api:claim-anchor", args=[claim.pk]), {"version": full["version"]},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 403


def test_an_unanchored_claim_cannot_be_approved_until_resolved(story, reviewer, editor):
    from annotations import workflow

    claim = factories.submitted(story, reviewer, QUOTE)
    revise(story, TEXT.replace("grew 12 percent", "grew 9 percent"))
    claim.refresh_from_db()
    with pytest.raises(workflow.TransitionError, match="text changed under this quote"):
        workflow.claim_transition(claim=claim, user=editor, action="approve")
    assert claim.anchor_state == AnchorState.FUZZY
