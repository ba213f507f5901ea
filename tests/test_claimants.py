"""Claimants: one per real person or organisation, however the name is spelt; merges."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import claimants
from annotations.models import Claim, Claimant, claimant_key
from tests import factories

pytestmark = pytest.mark.django_db


def test_spellings_and_case_are_one_claimant(reviewer):
    first = claimants.claimant_find_or_create(user=reviewer, name="Jensen Huang")
    for spelling in ["jensen huang", "  Jensen   Huang ", "JENSEN HUANG.", "Jénsen Huang"]:
        assert claimants.claimant_find_or_create(user=reviewer, name=spelling) == first
    assert Claimant.objects.count() == 1
    assert claimant_key("Nvidia Corp.") == claimant_key("NVIDIA corp")


def test_a_claimant_needs_a_name_and_http_links(reviewer):
    with pytest.raises(ValidationError, match="name"):
        claimants.claimant_find_or_create(user=reviewer, name=" ... ")
    with pytest.raises(ValidationError):
        claimants.claimant_find_or_create(
            user=reviewer, name="Nvidia", same_as=["javascript:alert(1)"]
        )


def test_suggestions_as_you_type_put_names_starting_with_it_first(reviewer):
    for name in ["Nvidia", "Jensen Huang", "Huawei", "Huang Renxun"]:
        claimants.claimant_find_or_create(user=reviewer, name=name)
    names = [c.name for c in claimants.claimant_suggestions("hua")]
    assert names == ["Huang Renxun", "Huawei", "Jensen Huang"]


def test_merging_moves_claims_and_links_and_the_old_name_finds_the_survivor(
    article, reviewer, editor
):
    keep = claimants.claimant_find_or_create(
        user=reviewer, name="Jensen Huang", same_as=["https://www.wikidata.org/wiki/Q305177"]
    )
    merge = claimants.claimant_find_or_create(
        user=reviewer, name="Huang Renxun", same_as=["https://en.wikipedia.org/wiki/Jensen_Huang"]
    )
    claim = factories.draft(article, reviewer)
    Claim.objects.filter(pk=claim.pk).update(claimant=merge)
    claimants.claimants_merge(keep=keep, merge=merge, user=editor)
    assert Claim.objects.get(pk=claim.pk).claimant == keep
    keep.refresh_from_db()
    assert len(keep.same_as) == 2
    assert claimants.claimant_find_or_create(user=reviewer, name="huang renxun") == keep
    assert [c.name for c in claimants.claimant_suggestions("huang")] == ["Jensen Huang"]
    with pytest.raises(PermissionDenied):
        claimants.claimants_merge(keep=keep, merge=merge, user=reviewer)
