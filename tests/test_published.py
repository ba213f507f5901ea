"""The public fact-check pages: what readers and search engines see."""

import json
import re

import pytest

from annotations.models import Claim, Verdict
from annotations.publishing.claimreview import claimreview
from annotations.publishing.rows import ClaimBuilder, claim_rows
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links
from annotations.workflow import claim_transition
from tests import factories

pytestmark = pytest.mark.django_db

SENTENCE = "China's telecommunications giant is building an advanced chip production line"


def json_ld_blocks(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def scripts(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>", html)


@pytest.fixture
def check(article, reviewer, editor):
    return factories.approved(
        article,
        reviewer,
        editor,
        SENTENCE,
        sources=2,
        claim="Huawei is building a chip line in Shenzhen",
    )


def test_the_check_page_shows_claim_verdict_quote_sources_and_reviewers(client, check):
    response = client.get(f"/checks/{check.pk}/{check.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Huawei is building a chip line in Shenzhen" in html
    assert "Verdict: <strong>False</strong>" in html
    assert "Rated 1 on a scale from 1 (false) to 5 (true)." in html
    assert f"<mark>{SENTENCE.replace(chr(39), '&#x27;')}</mark>" in html
    assert "Source 0" in html and "Source 1" in html and "Refutes the claim" in html
    assert "Checked by reviewer, approved by editor" in html
    assert f'href="/checks/articles/{check.article_id}/#claim-{check.pk}"' in html
    assert (
        f'<link rel="canonical" href="http://testserver/checks/{check.pk}/{check.slug}/">' in html
    )
    assert '<meta property="og:title"' in html


def test_the_embedded_json_ld_is_the_apis_claimreview(client, check):
    html = client.get(f"/checks/{check.pk}/{check.slug}/").content.decode()
    (embedded,) = json_ld_blocks(html)
    row = claim_rows(Claim.objects.filter(pk=check.pk)).get()
    item = ClaimBuilder(verdict_scale()[1], Links("http://testserver")).build_one(row)
    assert embedded == json.loads(json.dumps(claimreview(item)))
    assert embedded["@type"] == "ClaimReview"
    assert embedded["claimReviewed"] == "Huawei is building a chip line in Shenzhen"
    assert embedded["url"] == f"http://testserver/checks/{check.pk}/"


def test_the_only_script_on_public_pages_is_the_json_ld_block(client, check):
    for url in [
        "/checks/",
        f"/checks/{check.pk}/{check.slug}/",
        f"/checks/articles/{check.article_id}/",
    ]:
        html = client.get(url).content.decode()
        assert all(tag == '<script type="application/ld+json">' for tag in scripts(html)), url


@pytest.mark.parametrize(
    "state", ["draft", "submitted", "rejected", "changes_requested", "reopened"]
)
def test_unpublished_claims_are_404_on_every_public_url(client, article, reviewer, editor, state):
    claim = factories.in_state(state, article, reviewer, editor, SENTENCE)
    client.force_login(reviewer)  # even for the reviewer who wrote it
    for url in [
        f"/checks/{claim.pk}/",
        f"/checks/{claim.pk}/{claim.slug}/",
        f"/checks/articles/{article.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert claim.claim not in client.get("/checks/").content.decode()


def test_a_withdrawn_check_keeps_its_page_with_a_notice_and_no_markup(client, check, editor):
    claim_transition(
        claim=check, user=editor, action="retract", comment="The FT misread the images."
    )
    response = client.get(f"/checks/{check.pk}/{check.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This fact-check was withdrawn" in html
    assert "The FT misread the images." in html
    assert json_ld_blocks(html) == []
    assert '<meta name="robots" content="noindex">' in html
    assert check.claim not in client.get("/checks/").content.decode()


def test_the_stable_uri_and_old_slugs_redirect_to_the_current_url(
    client, check, editor, editor2
):
    current = f"/checks/{check.pk}/{check.slug}/"
    response = client.get(f"/checks/{check.pk}/")
    assert (response.status_code, response["Location"]) == (301, current)
    factories.corrected(check, editor, editor2, text="A renamed claim")
    response = client.get(current)
    assert (response.status_code, response["Location"]) == (
        301,
        f"/checks/{check.pk}/a-renamed-claim/",
    )


def test_corrections_are_shown(client, check, editor, editor2):
    misleading = Verdict.objects.get(slug="misleading")
    check = factories.corrected(check, editor, editor2, verdict=misleading)
    html = client.get(f"/checks/{check.pk}/{check.slug}/").content.decode()
    assert "Corrections" in html
    assert "previously rated <strong>False</strong>" in html
    assert "Verdict: <strong>Misleading</strong>" in html


def test_user_text_is_escaped(client, article, reviewer, editor):
    check = factories.approved(
        article,
        reviewer,
        editor,
        SENTENCE,
        claim='</script><script>alert("x")</script><img src=x onerror=alert(1)>',
        rationale="ok <script>alert(2)</script> [x](javascript:alert(3))",
    )
    html = client.get(f"/checks/{check.pk}/{check.slug}/").content.decode()
    assert "<img src=x" not in html and "alert(2)" not in html.split("</head>")[1].split("Why")[0]
    assert all(tag == '<script type="application/ld+json">' for tag in scripts(html))
    (embedded,) = json_ld_blocks(html)  # the JSON-LD block cannot be closed early
    assert embedded["claimReviewed"].startswith("</script>")
    assert 'href="javascript:' not in html and "<script>alert(2)" not in html


def test_the_list_shows_newest_first_and_filters(client, seed_articles, reviewer, editor):
    first = factories.approved(seed_articles["000"], reviewer, editor, SENTENCE)
    second = factories.approved(
        seed_articles["003"], reviewer, editor, "Huang Renxun arrived in Taiwan", verdict="true"
    )
    factories.submitted(seed_articles["002"], reviewer, "Chinese regulators")
    page = client.get("/checks/").context["page"]
    assert [c.pk for c in page.rows] == [second.pk, first.pk]
    assert [c.pk for c in client.get("/checks/", {"verdict": "true"}).context["page"].rows] == [
        second.pk
    ]
    found = client.get("/checks/", {"publisher": "toutiao.com", "q": "Taiwan"}).context["page"]
    assert [c.pk for c in found.rows] == [second.pk]
    assert list(client.get("/checks/", {"q": "no such words"}).context["page"].rows) == []


def test_the_article_page_highlights_overlapping_checks_linking_to_each(
    client, article, reviewer, editor
):
    outer = factories.approved(article, reviewer, editor, SENTENCE)
    inner = factories.approved(
        article, reviewer, editor, "advanced chip production line in Shenzhen", verdict="half-true"
    )
    factories.draft(article, reviewer, "Chinese enterprises are stepping up")
    html = client.get(f"/checks/articles/{article.pk}/").content.decode()
    assert f'id="claim-{outer.pk}"' in html and f'id="claim-{inner.pk}"' in html
    assert html.count(f'href="/checks/{outer.pk}/{outer.slug}/"') >= 2  # highlight + list
    assert html.count(f'href="/checks/{inner.pk}/{inner.slug}/"') >= 2
    assert "Chinese enterprises are stepping up" in html  # the text is there…
    assert '<span class="hl-label">Half true</span>' in html  # …and the verdict as text


def test_the_check_page_costs_the_same_whatever_the_sources_and_corrections(
    client, article, reviewer, editor, editor2, django_assert_num_queries
):
    few = factories.approved(article, reviewer, editor, SENTENCE, sources=1)
    many = factories.approved(
        article, reviewer, editor, "Chinese enterprises are stepping up", sources=12
    )
    for slug in ["misleading", "unproven", "true"]:
        many = factories.corrected(many, editor, editor2, verdict=Verdict.objects.get(slug=slug))
    # claim with article/verdict/author/approver/claimant, sources, corrections,
    # appearances, scale bounds
    with django_assert_num_queries(5):
        client.get(f"/checks/{few.pk}/{few.slug}/")
    with django_assert_num_queries(5):
        client.get(f"/checks/{many.pk}/{many.slug}/")


def test_the_list_costs_the_same_for_1_and_30_checks(
    client, article, reviewer, editor, django_assert_num_queries
):
    factories.approved(article, reviewer, editor, SENTENCE)
    # count, page of checks with article and verdict, verdicts for the filter, publishers
    with django_assert_num_queries(4):
        client.get("/checks/")
    for i in range(29):
        factories.approved(
            article, reviewer, editor, article.body[i * 10 : i * 10 + 30].strip() or "China"
        )
    with django_assert_num_queries(4):
        client.get("/checks/")


def test_the_publisher_filter_is_case_insensitive_here_as_in_the_export(client, check, editor):
    from rest_framework.test import APIClient

    publisher = check.article.publisher
    assert publisher
    html = client.get("/checks/", {"publisher": publisher.upper()}).content.decode()
    assert check.claim in html
    api = APIClient()
    api.force_authenticate(editor)
    listed = api.get("/api/v1/claims/", {"publisher": publisher.upper()}).json()["results"]
    assert [item["id"] for item in listed] == [check.pk]


def test_the_article_text_is_served_exactly_as_the_selectors_index_it(client, check):
    response = client.get(f"/checks/articles/{check.article_id}/text")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text == check.article.body
    assert text[check.start : check.end] == check.exact


def test_an_article_without_published_checks_has_no_public_text(client, seed_articles):
    assert client.get(f"/checks/articles/{seed_articles['001'].pk}/text").status_code == 404


def test_the_public_article_shows_its_headline_once(client, check):
    html = client.get(f"/checks/articles/{check.article_id}/").content.decode()
    title = check.article.title.replace("'", "&#x27;")
    assert html.count(f"{title}</p>") == 1  # the body's own first paragraph
    assert f'<h1 class="visually-hidden">{title}</h1>' in html  # for screen readers and outline


def attached(claim, article, words, user, confirmer):
    from annotations import appearances

    start = article.body.index(words)
    appearance = appearances.appearance_attach(
        claim=claim, user=user, article=article, start=start, end=start + len(words)
    )
    return appearances.appearance_confirm(appearance=appearance, user=confirmer)


def test_a_claim_made_in_two_articles_is_highlighted_in_both_and_lists_them(
    client, check, seed_articles, editor, editor2
):
    other = seed_articles["002"]
    attached(check, other, "Nvidia’s H20 chips", editor, editor2)
    page = client.get(f"/checks/{check.pk}/{check.slug}/").content.decode()
    assert "Where this claim appeared" in page
    assert f'href="/checks/articles/{other.pk}/#claim-{check.pk}"' in page
    article_page = client.get(f"/checks/articles/{other.pk}/").content.decode()
    assert f'id="claim-{check.pk}"' in article_page
    assert ">Nvidia’s H20 chips</a>" in article_page


def test_a_proposed_appearance_is_not_published(client, check, seed_articles, editor):
    from annotations import appearances

    other = seed_articles["002"]
    start = other.body.index("Nvidia’s H20 chips")
    appearances.appearance_attach(
        claim=check, user=editor, article=other, start=start, end=start + 18
    )
    assert client.get(f"/checks/articles/{other.pk}/").status_code == 404
    assert (
        "Where this claim appeared"
        not in client.get(f"/checks/{check.pk}/{check.slug}/").content.decode()
    )


def test_the_claimant_page_shows_their_checks_and_the_verdict_mix(
    client, seed_articles, reviewer, editor
):
    from annotations import claimants

    huang = claimants.claimant_find_or_create(
        user=reviewer, name="Jensen Huang", same_as=["https://en.wikipedia.org/wiki/Jensen_Huang"]
    )
    made = [
        factories.approved(seed_articles[key], reviewer, editor, verdict=verdict)
        for key, verdict in [("001", "false"), ("003", "false"), ("002", "true")]
    ]
    Claim.objects.filter(pk__in=[c.pk for c in made]).update(claimant=huang)
    factories.draft(seed_articles["000"], reviewer)  # unpublished: not counted
    response = client.get(f"/checks/claimants/{huang.pk}/{huang.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verdicts on 3 published checks" in html
    title = "Verdicts on claims by Jensen Huang: True 1, False 2"
    assert f'<title id="mix-title">{title}</title>' in html
    assert '<tr><th scope="row">False</th><td>2</td><td>67%</td></tr>' in html
    assert html.count('class="check-item"') == 3
    page = client.get(f"/checks/{made[0].pk}/{made[0].slug}/").content.decode()
    assert f'href="/checks/claimants/{huang.pk}/{huang.slug}/">Jensen Huang</a>' in page
    (embedded,) = json_ld_blocks(page)
    assert embedded["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Jensen Huang",
        "sameAs": "https://en.wikipedia.org/wiki/Jensen_Huang",
    }


def test_merged_claimants_and_claims_lead_to_the_survivor(client, seed_articles, reviewer, editor):
    from annotations import appearances, claimants

    keep = claimants.claimant_find_or_create(user=reviewer, name="Nvidia")
    gone = claimants.claimant_find_or_create(user=reviewer, name="NVIDIA Corporation")
    claimants.claimants_merge(keep=keep, merge=gone, user=editor)
    survivor = factories.approved(seed_articles["000"], reviewer, editor)
    Claim.objects.filter(pk=survivor.pk).update(claimant=keep)
    response = client.get(f"/checks/claimants/{gone.pk}/{gone.slug}/")
    assert response.status_code == 301 and response["Location"] == keep.get_absolute_url()
    other = factories.approved(seed_articles["002"], reviewer, editor)
    appearances.claims_merge(survivor=survivor, other=other, user=editor)
    response = client.get(f"/checks/{other.pk}/{other.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/checks/{survivor.pk}/{survivor.slug}/"


def test_a_claimant_named_only_on_drafts_has_no_public_page(client, seed_articles, reviewer,
                                                           editor):  # fmt: skip
    """Defect: an anonymous visitor trying claimant ids was redirected to the slugs of
    claimants named only on drafts."""
    from annotations import claimants

    secret = claimants.claimant_find_or_create(user=reviewer, name="Zanzibar Quillfeather")
    merged = claimants.claimant_find_or_create(user=reviewer, name="Quillfeather Holdings")
    claimants.claimants_merge(keep=secret, merge=merged, user=editor)
    factories.make_submitted(seed_articles["000"], reviewer, claimant=secret)
    for pk in (secret.pk, merged.pk):
        for slug in ("x", secret.slug, merged.slug):
            response = client.get(f"/checks/claimants/{pk}/{slug}/")
            assert response.status_code == 404
            assert b"quillfeather" not in response.content.lower()
    check = factories.make_approved(seed_articles["002"], reviewer, editor, claimant=secret)
    assert client.get(f"/checks/claimants/{secret.pk}/{secret.slug}/").status_code == 200
    Claim.objects.filter(pk=check.pk).update(status=Claim.Status.RETRACTED)
    assert client.get(f"/checks/claimants/{secret.pk}/{secret.slug}/").status_code == 404


def test_merging_a_published_check_into_a_draft_is_refused(client, seed_articles, reviewer,
                                                           editor):  # fmt: skip
    """Defect: merging a published check into a draft sent its readers to the draft's page,
    under a slug of the draft's wording."""
    from django.core.exceptions import ValidationError

    from annotations import appearances

    published = factories.approved(seed_articles["002"], reviewer, editor)
    draft = factories.draft(seed_articles["000"], reviewer, claim="Wobblesnark draft wording")
    with pytest.raises(ValidationError, match="have claim .* approved first"):
        appearances.claims_merge(survivor=draft, other=published, user=editor)
    response = client.get(f"/checks/{published.pk}/{published.slug}/")
    assert response.status_code == 200 and b"Wobblesnark" not in response.content
    # A merge made before the refusal still sends no one to an unpublished survivor.
    Claim.objects.filter(pk=published.pk).update(merged_into=draft, status="retracted")
    for url in (f"/checks/{published.pk}/", f"/checks/{published.pk}/{published.slug}/"):
        response = client.get(url)
        assert str(draft.pk) not in response.get("Location", "")
        assert b"Wobblesnark" not in response.content


def test_a_draft_merged_away_never_gets_a_public_page(client, seed_articles, reviewer, editor):
    from annotations import appearances

    keep = factories.draft(seed_articles["000"], reviewer)
    gone = factories.draft(seed_articles["002"], reviewer, claim="Glimmerquatch wording")
    appearances.claims_merge(survivor=keep, other=gone, user=editor)
    assert Claim.objects.get(pk=gone.pk).status == Claim.Status.RETRACTED
    assert client.get(f"/checks/{gone.pk}/").status_code == 404
    assert client.get(f"/checks/{gone.pk}/{gone.slug}/").status_code == 404

