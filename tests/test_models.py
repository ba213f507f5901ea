"""The read rules on ClaimQuerySet: what is published, who sees what, what matches."""

from __future__ import annotations

import pytest

from annotations.models import Claim, ClaimEvent
from tests import factories

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "approved", "rejected", "changes_requested", "retracted",
          "reopened"]  # fmt: skip


@pytest.fixture
def one_of_each(seed_articles, reviewer, editor) -> dict[str, Claim]:
    body = seed_articles["003"]
    texts = [t[:30].strip() for _, t in body.paragraphs()]
    return {
        state: factories.in_state(state, body, reviewer, editor, texts[i])
        for i, state in enumerate(STATES)
    }


def states(queryset) -> set[str]:
    return set(queryset.values_list("status", flat=True))


def test_approved_is_what_the_export_shows(one_of_each):
    assert states(Claim.objects.approved()) == {"approved"}


def test_published_once_adds_what_was_withdrawn_after_publication(one_of_each):
    ids = set(Claim.objects.published_once().values_list("id", flat=True))
    assert ids == {one_of_each[s].pk for s in ("approved", "retracted", "reopened")}


def test_public_pages_are_approved_and_retracted_claims(one_of_each):
    assert states(Claim.objects.public_pages()) == {"approved", "retracted"}


def test_drafts_are_visible_to_their_author_and_editors_only(
    one_of_each, reviewer, reviewer2, editor, outsider
):
    everything = set(Claim.objects.values_list("id", flat=True))
    drafts = {one_of_each["draft"].pk, one_of_each["reopened"].pk}
    assert set(Claim.objects.visible_to(reviewer).values_list("id", flat=True)) == everything
    assert set(Claim.objects.visible_to(editor).values_list("id", flat=True)) == everything
    seen = set(Claim.objects.visible_to(reviewer2).values_list("id", flat=True))
    assert seen == everything - drafts
    assert not Claim.objects.visible_to(outsider).exists()


def test_search_matches_wording_quote_and_rationale_in_any_case(article, reviewer):
    claim = factories.draft(article, reviewer, claim="Huawei builds a FAB", rationale="<p>Zyx</p>")
    for term in ["huawei", "fab", "zyx", claim.exact[:8].upper()]:
        assert list(Claim.objects.search(term)) == [claim], term
    assert not Claim.objects.search("not in any claim").exists()


def test_every_event_is_made_by_one_recorder(article, reviewer, editor):
    claim = factories.approved(article, reviewer, editor)
    event = ClaimEvent.objects.record(
        claim=claim, actor=editor, kind=ClaimEvent.Kind.EDIT, comment="  note  ",
        correction_of="False",
    )  # fmt: skip
    assert (event.from_status, event.to_status) == ("approved", "approved")
    assert event.comment == "note" and event.is_correction and event.previous_verdict == "False"
