"""One claim, many appearances: attach, confirm with four eyes, remove, split and merge."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import appearances, workflow
from annotations.models import Appearance, Claim, ClaimEvent
from tests import factories

pytestmark = pytest.mark.django_db

H20 = "H20"


def span_of(article, words: str) -> dict:
    start = article.body.index(words)
    return {"article": article, "start": start, "end": start + len(words), "exact": words}


def exported(claim: Claim) -> dict:
    from annotations.publishing.rows import ClaimBuilder, claim_rows
    from annotations.publishing.uris import Links

    row = claim_rows(Claim.objects.filter(pk=claim.pk)).get()
    return ClaimBuilder((1, 5), Links("http://testserver")).build_one(row)


@pytest.fixture
def published(seed_articles, reviewer, editor) -> Claim:
    return factories.approved(seed_articles["000"], reviewer, editor, "the company lost")


def test_a_new_claim_has_its_span_as_its_first_appearance(article, reviewer):
    claim = factories.draft(article, reviewer)
    (first,) = claim.appearances.all()
    assert first.primary and first.state == Appearance.State.CONFIRMED
    assert (first.article_id, first.start, first.end, first.exact) == (
        claim.article_id, claim.start, claim.end, claim.exact,
    )  # fmt: skip


def test_attaching_to_a_draft_is_a_proposal_another_editor_confirms(
    seed_articles, reviewer, editor
):
    claim = factories.draft(seed_articles["000"], reviewer)
    other = seed_articles["002"]
    appearance = appearances.appearance_attach(
        claim=claim, user=reviewer, **span_of(other, "Nvidia’s H20 chips")
    )
    assert appearance.state == Appearance.State.PROPOSED and not appearance.primary
    assert appearance.exact == "Nvidia’s H20 chips"
    step = claim.events.get(kind=ClaimEvent.Kind.APPEARANCE)  # recorded, draft or not
    assert (step.actor, step.wrote_content) == (reviewer, True)
    with pytest.raises(ValidationError, match="already appears in this article"):
        appearances.appearance_attach(claim=claim, user=reviewer, **span_of(other, "Nvidia"))
    appearances.appearance_confirm(appearance=appearance, user=editor)
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.CONFIRMED


def test_an_appearance_a_reviewer_attaches_to_someone_elses_claim_waits_for_an_editor(
    seed_articles, reviewer, reviewer2, editor
):
    """Defect: a reviewer attached an already-confirmed appearance to another reviewer's
    submitted claim."""
    claim = factories.submitted(seed_articles["000"], reviewer)
    appearance = appearances.appearance_attach(
        claim=claim, user=reviewer2, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    assert appearance.state == Appearance.State.PROPOSED and appearance.confirmed_by is None
    approved = workflow.claim_transition(claim=claim, user=editor, action="approve")
    assert len(exported(approved)["appearances"]) == 1  # not published until confirmed


def test_an_editor_who_attached_an_appearance_cannot_approve_the_claim(
    seed_articles, reviewer, editor, editor2
):
    """Defect: an editor attached an appearance to a submitted claim, then approved it."""
    claim = factories.submitted(seed_articles["000"], reviewer)
    appearances.appearance_attach(
        claim=claim, user=editor, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    with pytest.raises(workflow.TransitionError, match="four-eyes"):
        workflow.claim_transition(claim=Claim.objects.get(pk=claim.pk), user=editor,
                                  action="approve")  # fmt: skip
    workflow.claim_transition(claim=Claim.objects.get(pk=claim.pk), user=editor2,
                              action="approve")  # fmt: skip


def test_an_appearance_of_a_published_claim_waits_for_another_editor(
    published, seed_articles, editor, editor2
):
    appearance = appearances.appearance_attach(
        claim=published, user=editor, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    assert appearance.state == Appearance.State.PROPOSED
    assert len(exported(published)["appearances"]) == 1  # nothing published yet
    before = Claim.objects.get(pk=published.pk).updated_at
    with pytest.raises(PermissionDenied, match="four-eyes"):
        appearances.appearance_confirm(appearance=appearance, user=editor)
    appearances.appearance_confirm(appearance=appearance, user=editor2)
    appearance.refresh_from_db()
    assert appearance.state == Appearance.State.CONFIRMED and appearance.confirmed_by == editor2
    assert Claim.objects.get(pk=published.pk).updated_at > before  # sync sends it again
    assert len(exported(published)["appearances"]) == 2
    steps = list(
        ClaimEvent.objects.filter(claim=published, kind=ClaimEvent.Kind.APPEARANCE)
        .order_by("at", "id")
        .values_list("actor__username", "comment")
    )
    assert [actor for actor, _ in steps] == ["editor", "editor2"]
    assert steps[0][1].startswith("Appearance proposed") and steps[1][1].startswith(
        "Appearance confirmed"
    )


def test_reviewers_cannot_confirm(published, seed_articles, editor, reviewer2):
    appearance = appearances.appearance_attach(
        claim=published, user=editor, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    with pytest.raises(PermissionDenied, match="Only editors"):
        appearances.appearance_confirm(appearance=appearance, user=reviewer2)


def test_removing_the_first_appearance_promotes_the_next(
    published, seed_articles, editor, editor2
):
    other = seed_articles["002"]
    added = appearances.appearance_attach(
        claim=published, user=editor, **span_of(other, "Nvidia’s H20 chips")
    )
    appearances.appearance_confirm(appearance=added, user=editor2)
    first = published.appearances.get(primary=True)
    appearances.appearance_remove(appearance=first, user=editor)
    claim = Claim.objects.get(pk=published.pk)
    assert (claim.article_id, claim.exact) == (other.pk, "Nvidia’s H20 chips")
    assert Appearance.objects.get(pk=added.pk).primary
    assert ClaimEvent.objects.filter(
        claim=claim, kind=ClaimEvent.Kind.APPEARANCE, comment__startswith="Appearance removed"
    ).exists()
    with pytest.raises(ValidationError, match="only confirmed appearance"):
        appearances.appearance_remove(appearance=Appearance.objects.get(pk=added.pk), user=editor)


def test_a_proposed_appearance_never_becomes_a_published_claims_quote(
    published, seed_articles, editor
):
    """Defect: removing a published claim's first appearance promoted an unconfirmed one,
    whose words then stood as the check's quote."""
    appearances.appearance_attach(
        claim=published, user=editor, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    first = published.appearances.get(primary=True)
    with pytest.raises(ValidationError, match="only confirmed appearance"):
        appearances.appearance_remove(appearance=first, user=editor)
    assert Claim.objects.get(pk=published.pk).exact == published.exact


def test_splitting_an_appearance_makes_a_new_draft(published, seed_articles, editor):
    added = appearances.appearance_attach(
        claim=published, user=editor, **span_of(seed_articles["002"], "Nvidia’s H20 chips")
    )
    new = appearances.appearance_split(appearance=added, user=editor)
    assert new.status == Claim.Status.DRAFT and new.author == editor
    assert new.exact == "Nvidia’s H20 chips" and new.article_id == seed_articles["002"].pk
    assert list(new.appearances.values_list("pk", flat=True)) == [added.pk]
    assert published.appearances.count() == 1


def test_merging_moves_appearances_and_leaves_a_tombstone(seed_articles, reviewer, editor):
    keep = factories.approved(seed_articles["000"], reviewer, editor, "the company lost")
    gone = factories.approved(seed_articles["002"], reviewer, editor, "Nvidia’s H20 chips")
    survivor = appearances.claims_merge(survivor=keep, other=gone, user=editor)
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk and gone.status == Claim.Status.RETRACTED
    moved = survivor.appearances.get(article=seed_articles["002"])
    assert moved.state == Appearance.State.PROPOSED  # a published claim: a second editor confirms
    assert gone.approved_at is not None  # published once: a tombstone in the export
    with pytest.raises(ValidationError, match="merged into"):
        appearances.claims_merge(survivor=keep, other=gone, user=editor)


def test_only_editors_merge_or_split(published, seed_articles, reviewer):
    other = factories.draft(seed_articles["002"], reviewer)
    with pytest.raises(PermissionDenied):
        appearances.claims_merge(survivor=published, other=other, user=reviewer)


def test_moving_a_claim_moves_its_appearance_in_that_article(seed_articles, reviewer):
    from annotations.claims import claim_update

    claim = factories.draft(seed_articles["000"], reviewer)
    other = seed_articles["002"]
    appearances.appearance_attach(claim=claim, user=reviewer, **span_of(other, "Nvidia’s H20"))
    start = other.body.index("H20 chips")
    claim_update(
        claim=claim, user=reviewer, version=None, article=other.pk, start=start, end=start + 9
    )
    assert claim.appearances.get(article=other).exact == "H20 chips"
    assert Claim.objects.get(pk=claim.pk).exact == claim.exact  # the first appearance stays
