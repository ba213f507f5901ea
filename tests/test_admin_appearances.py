"""The desk for claims as the world has them: appearances, merges, claimants."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from annotations import appearances, claimants
from annotations.models import Appearance, Claim, Claimant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(seed_articles, reviewer, editor):
    claim = factories.approved(seed_articles["000"], reviewer, editor, "the company lost")
    other = seed_articles["002"]
    start = other.body.index("Nvidia’s H20 chips")
    appearance = appearances.appearance_attach(
        claim=claim, user=editor, article=other, start=start, end=start + 18
    )
    return claim, appearance


def test_the_claim_page_lists_its_appearances_with_their_buttons(client, editor2, proposed):
    claim, appearance = proposed
    client.force_login(editor2)
    html = client.get(f"/admin/annotations/claim/{claim.pk}/change/").content.decode()
    assert "where the claim was made" in html.lower()
    assert f'value="confirm:{appearance.pk}"' in html
    assert 'id="appearance-form"' in html
    response = client.post(
        f"/admin/annotations/claim/{claim.pk}/appearance/",
        {"do": f"confirm:{appearance.pk}"},
        follow=True,
    )
    assert "Appearance confirmed" in response.content.decode()
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.CONFIRMED


def test_the_proposer_is_refused_with_the_reason(client, editor, proposed):
    claim, appearance = proposed
    client.force_login(editor)
    response = client.post(
        f"/admin/annotations/claim/{claim.pk}/appearance/",
        {"do": f"confirm:{appearance.pk}"},
        follow=True,
    )
    assert "another editor must" in response.content.decode()
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.PROPOSED


def test_the_queue_of_proposed_appearances_confirms_in_bulk(client, editor2, proposed):
    _, appearance = proposed
    client.force_login(editor2)
    listed = client.get("/admin/annotations/appearance/?state__exact=proposed").content.decode()
    assert "Nvidia’s H20 chips" in listed
    client.post(
        "/admin/annotations/appearance/",
        {"action": "confirm", ACTION_CHECKBOX_NAME: [appearance.pk]},
    )
    assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.CONFIRMED


def test_editors_merge_claims_choosing_the_survivor(client, seed_articles, reviewer, editor):
    keep = factories.approved(seed_articles["000"], reviewer, editor)
    gone = factories.approved(seed_articles["002"], reviewer, editor)
    client.force_login(editor)
    ask = client.post(
        "/admin/annotations/claim/",
        {"action": "merge_claims", ACTION_CHECKBOX_NAME: [keep.pk, gone.pk]},
    )
    assert "Keep this claim" in ask.content.decode()
    client.post(
        "/admin/annotations/claim/",
        {"action": "merge_claims", ACTION_CHECKBOX_NAME: [keep.pk, gone.pk], "apply": "1",
         "survivor": keep.pk},
    )  # fmt: skip
    assert Claim.objects.get(pk=gone.pk).merged_into == keep
    assert keep.appearances.count() == 2


def test_the_desk_refuses_to_merge_a_published_check_into_a_draft(
    client, seed_articles, reviewer, editor
):
    published = factories.approved(seed_articles["002"], reviewer, editor)
    draft = factories.draft(seed_articles["000"], reviewer)
    client.force_login(editor)
    response = client.post(
        "/admin/annotations/claim/",
        {"action": "merge_claims", ACTION_CHECKBOX_NAME: [draft.pk, published.pk],
         "apply": "1", "survivor": draft.pk},
        follow=True,
    )  # fmt: skip
    shown = " ".join(str(m) for m in response.context["messages"])
    assert f"have claim {draft.pk} approved first" in shown
    published.refresh_from_db()
    assert (published.status, published.merged_into) == (Claim.Status.APPROVED, None)


def test_editors_merge_claimants(client, reviewer, editor):
    keep = claimants.claimant_find_or_create(user=reviewer, name="Nvidia")
    gone = claimants.claimant_find_or_create(user=reviewer, name="Nvidia Corporation")
    client.force_login(editor)
    client.post(
        "/admin/annotations/claimant/",
        {"action": "merge_claimants", ACTION_CHECKBOX_NAME: [keep.pk, gone.pk], "apply": "1",
         "survivor": keep.pk},
    )  # fmt: skip
    assert Claimant.objects.get(pk=gone.pk).merged_into == keep
