"""The workspace API for claims as the world has them: claimants, appearances, similar claims."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import Appearance, Claim, Claimant
from tests import factories

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_claim_is_written_with_its_claimant_and_date(article, reviewer):
    text = "China's telecommunications giant"
    start = article.body.index(text)
    response = api(reviewer).post(
        f"/api/v1/workspace/articles/{article.pk}/claims/",
        {
            "start": start,
            "end": start + len(text),
            "claim": "Huawei builds a chip line",
            "claimant": {"name": "Financial Times", "kind": "organisation",
                         "same_as": ["https://www.wikidata.org/wiki/Q183096"]},
            "claim_date": "2025-08-20",
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["claimant"] == {
        "name": "Financial Times",
        "kind": "organisation",
        "same_as": ["https://www.wikidata.org/wiki/Q183096"],
    }
    assert data["claim_date"] == "2025-08-20"
    assert data["appearances"][0]["primary"] and data["appearances"][0]["state"] == "confirmed"
    claimant = Claimant.objects.get()
    # The same claimant, spelt otherwise, by a second claim: no duplicate.
    response = api(reviewer).patch(
        f"/api/v1/workspace/claims/{data['id']}/",
        {"claimant": {"name": "financial  times"}, "version": data["version"]},
        format="json",
    )
    assert response.status_code == 200
    assert Claimant.objects.count() == 1 and Claim.objects.get().claimant == claimant


def test_claimants_are_offered_as_you_type_and_made_inline(reviewer):
    created = api(reviewer).post(
        "/api/v1/workspace/claimants/", {"name": "Jensen Huang"}, format="json"
    )
    assert created.status_code == 201
    again = api(reviewer).post(
        "/api/v1/workspace/claimants/", {"name": "JENSEN HUANG"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    suggested = api(reviewer).get("/api/v1/workspace/claimants/", {"q": "jen"}).json()
    assert [c["name"] for c in suggested] == ["Jensen Huang"]
    bad = api(reviewer).post(
        "/api/v1/workspace/claimants/", {"name": "X", "same_as": ["ftp://x"]}, format="json"
    )
    assert bad.status_code == 400 and "same_as" in bad.json()


def test_attach_then_a_second_editor_confirms(seed_articles, reviewer, editor, editor2):
    claim = factories.approved(seed_articles["000"], reviewer, editor, "the company lost")
    other = seed_articles["002"]
    words = "Nvidia’s H20 chips"
    start = other.body.index(words)
    body = {"article": other.pk, "start": start, "end": start + len(words), "exact": words}
    response = api(editor).post(
        f"/api/v1/workspace/claims/{claim.pk}/appearances/", body, format="json"
    )
    assert response.status_code == 201
    added = [a for a in response.json()["appearances"] if not a["primary"]][0]
    assert added["state"] == "proposed"
    url = f"/api/v1/workspace/appearances/{added['id']}/confirm/"
    refused = api(editor).post(url)
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
    confirmed = api(editor2).post(url)
    assert confirmed.status_code == 200
    assert {a["state"] for a in confirmed.json()["appearances"]} == {"confirmed"}
    again = api(reviewer).post(
        f"/api/v1/workspace/claims/{claim.pk}/appearances/", body, format="json"
    )
    assert again.status_code == 400 and "already appears" in again.json()["article"][0]
    removed = api(editor).delete(f"/api/v1/workspace/appearances/{added['id']}/")
    assert removed.status_code == 200 and len(removed.json()["appearances"]) == 1


def test_an_article_lists_the_claims_attached_to_it(seed_articles, reviewer, editor):
    claim = factories.approved(seed_articles["000"], reviewer, editor, "the company lost")
    other = seed_articles["002"]
    words = "Nvidia’s H20 chips"
    start = other.body.index(words)
    api(editor).post(
        f"/api/v1/workspace/claims/{claim.pk}/appearances/",
        {"article": other.pk, "start": start, "end": start + len(words)},
        format="json",
    )
    (listed,) = api(reviewer).get(f"/api/v1/workspace/articles/{other.pk}/claims/").json()
    assert listed["id"] == claim.pk and (listed["start"], listed["end"]) == (start, start + 18)
    assert listed["appearance_state"] == "proposed"


def test_similar_claims_best_first_only_those_the_caller_may_see(
    seed_articles, reviewer, reviewer2, editor
):
    published = factories.approved(
        seed_articles["000"], reviewer, editor, "the company lost",
        claim="Nvidia lost $5.5 billion in revenue because of export licences",
    )  # fmt: skip
    private = factories.draft(
        seed_articles["002"], reviewer, claim="Nvidia lost 5.5 billion dollars of H20 revenue"
    )
    factories.draft(seed_articles["003"], reviewer, claim="Huang arrived in Taiwan")
    url = "/api/v1/workspace/claims/similar/"
    text = "Export licensing cost the chipmaker $5.5bn of revenue"
    mine = api(reviewer).get(url, {"text": text, "limit": 5}).json()["results"]
    assert [r["id"] for r in mine][:2] in ([published.pk, private.pk], [private.pk, published.pk])
    first = mine[0]
    assert set(first) == {
        "id", "claim", "status", "verdict", "claimant", "score", "appearances", "url",
    }  # fmt: skip
    assert 0 < first["score"] <= 1
    theirs = api(reviewer2).get(url, {"text": text}).json()["results"]
    assert private.pk not in [r["id"] for r in theirs]  # a draft is its author's
    hit = next(r for r in theirs if r["id"] == published.pk)
    assert hit["url"].endswith(f"/checks/{published.pk}/{published.slug}/")
    assert hit["verdict"] == "False" and hit["appearances"] == 1
    assert api(reviewer).get(url).status_code == 400  # text is required
    assert APIClient().get(url, {"text": "x"}).status_code == 401


def test_the_workspace_page_hands_out_appearance_ids_for_attached_claims(
    client, seed_articles, reviewer
):
    claim = factories.draft(seed_articles["000"], reviewer)
    client.force_login(reviewer)
    response = client.get(f"/articles/{seed_articles['000'].pk}/")
    assert f'"appearance": {claim.appearances.get().pk}' in response.content.decode()
    assert Appearance.objects.count() == 1
