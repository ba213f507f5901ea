"""Nothing unpublished shows in public: every public URL, fetched anonymously, after
drafts and other unpublished work with unique marker words are made.

A crawler starts at the public entry points, tries every id of every public route
(with the real slug, an old slug and none), every filter and search the list offers,
follows every link and every redirect, and reads bodies (JSON-LD included) and
``Location`` headers for the markers. The count of URLs tried goes into the suite's
figures.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client

from annotations import appearances, claimants, claims, workflow
from annotations.importers import import_bytes
from annotations.models import Article, Claim, Claimant, Verdict
from tests import factories, figures

pytestmark = pytest.mark.django_db

# One marker per thing that must stay on the desk: where it appears says what leaked.
MARKERS = {
    "quorvexdraft": "a draft's wording",
    "blintzrationale": "a draft's rationale",
    "snorkelsource": "a draft's source",
    "vambrisclaimant": "a claimant named only on a draft",
    "glimmersubmitted": "a submitted claim",
    "frobnitzrejected": "a rejected claim",
    "wuzzlechanges": "a claim sent back for changes",
    "plonkreopened": "a published check reopened and reworded",
    "zibbermerged": "a draft merged into another",
    "kroodlearticle": "an article with no published check",
    "mimsyproposal": "an appearance nobody has confirmed",
    "trellisaliased": "a claimant merged into a draft-only one",
}
ENTRY = ["/", "/checks/", "/robots.txt", "/sitemap.xml", "/checks/feed/", "/favicon.ico"]
HREF = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")


def words(article: Article, n: int) -> str:
    return article.paragraphs()[n][1][:30].strip()


@pytest.fixture
def desk(seed_articles, reviewer, reviewer2, editor, editor2):
    """One published check, and around it everything that must not be public."""
    article, other = seed_articles["000"], seed_articles["002"]
    public = claimants.claimant_find_or_create(user=reviewer, name="Publicly Named Person")
    published = factories.make_approved(
        article, reviewer, editor, quote=words(article, 1), claimant=public
    )
    secret = claimants.claimant_find_or_create(user=reviewer, name="Vambrisclaimant Person")
    aliased = claimants.claimant_find_or_create(user=reviewer, name="Trellisaliased Holdings")
    claimants.claimants_merge(keep=secret, merge=aliased, user=editor)
    draft = factories.make_draft(
        article, reviewer, quote=words(article, 2), text="Quorvexdraft wording",
        rationale="Blintzrationale reasons", claimant=secret,
        sources=[{"url": "https://snorkelsource.example.org/x", "title": "Snorkelsource"}],
    )  # fmt: skip
    factories.make_submitted(article, reviewer2, quote=words(article, 3), text="Glimmersubmitted")
    rejected = factories.make_submitted(
        article, reviewer, quote=words(article, 4), text="Frobnitzrejected"
    )
    workflow.claim_transition(claim=rejected, user=editor, action="reject", comment="No")
    changes = factories.make_submitted(
        article, reviewer, quote=words(article, 5), text="Wuzzlechanges"
    )
    workflow.claim_transition(claim=changes, user=editor, action="request_changes", comment="?")
    reopened = factories.make_approved(other, reviewer, editor, quote=words(other, 1))
    reopened = workflow.claim_transition(claim=reopened, user=editor, action="retract",
                                         comment="Checking again")  # fmt: skip
    reopened = workflow.claim_transition(claim=reopened, user=reviewer, action="reopen")
    claims.claim_update(claim=reopened, user=reviewer, version=None, text="Plonkreopened")
    merged = factories.make_draft(other, reviewer, quote=words(other, 2), text="Zibbermerged")
    appearances.claims_merge(survivor=draft, other=merged, user=editor)
    hidden = import_bytes(
        b"Kroodlearticle headline\n\nA company said Kroodlearticle sales rose 9 percent.",
        origin="kroodle.txt",
    ).article
    factories.make_draft(hidden, reviewer, quote="Kroodlearticle sales rose")
    proposal = import_bytes(
        b"Another story\n\nThe Mimsyproposal said the same thing again today.", origin="mimsy.txt"
    ).article
    start = proposal.body.index("Mimsyproposal said")
    appearances.appearance_attach(
        claim=published, user=editor2, article=proposal, start=start, end=start + 18
    )
    return {"published": Claim.objects.get(pk=published.pk), "draft": draft}


def ids_of(model) -> list[int]:
    """Every id the table holds, and the two past its end: what a visitor counting up
    from one would reach (PostgreSQL's sequences do not restart between tests)."""
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return ids + [ids[-1] + 1, ids[-1] + 2] if ids else [1, 2]


def candidate_urls() -> list[str]:
    """Every public route with every id there is (and one past the end), each with its
    real slug, an old one and none; every filter and search of the list."""
    urls = list(ENTRY)
    claim_ids, article_ids, claimant_ids = ids_of(Claim), ids_of(Article), ids_of(Claimant)
    for claim in Claim.objects.all():
        for slug in {claim.slug, "old-slug"}:
            urls.append(f"/checks/{claim.pk}/{slug}/")
        urls.append(f"/checks/{claim.pk}/")
    urls += [f"/checks/{pk}/{suffix}" for pk in claim_ids for suffix in ("", "x/")]
    for article_id in article_ids:
        urls += [f"/checks/articles/{article_id}/", f"/checks/articles/{article_id}/text"]
    for claimant in Claimant.objects.all():
        urls.append(f"/checks/claimants/{claimant.pk}/{claimant.slug}/")
    urls += [f"/checks/claimants/{pk}/x/" for pk in claimant_ids]
    for verdict in Verdict.objects.values_list("slug", flat=True):
        urls.append(f"/checks/?verdict={verdict}")
    for publisher in Article.objects.values_list("publisher", flat=True).distinct():
        urls.append(f"/checks/?publisher={publisher}")
    urls += [f"/checks/?q={marker}" for marker in MARKERS]
    urls += ["/checks/?q=company", "/checks/?q=chips", "/checks/?page=2", "/checks/?q="]
    # The export, which a setting can open to anyone (FACTCHECK_EXPORT_ANONYMOUS).
    since = "updated_since=2000-01-01T00:00:00Z"  # tombstones too
    for base in ("/api/v1/claims/", "/api/v1/claims/export.jsonl"):
        urls += [base, f"{base}?{since}"]
        urls += [f"{base}?format={f}&{since}" for f in ("claimreview", "webannotation")]
    urls += [f"/api/v1/claims/?q={marker}" for marker in MARKERS]
    for pk in claim_ids:
        urls += [f"/api/v1/claims/{pk}/"]
        urls += [f"/api/v1/claims/{pk}/?format={f}" for f in ("claimreview", "webannotation")]
    urls += ["/api/v1/articles/", f"/api/v1/articles/?{since}"]
    urls += [f"/api/v1/articles/{pk}/" for pk in article_ids]
    return urls


def leaks_in(text: str, asked: str) -> list[str]:
    """Markers in ``text`` that the request did not carry itself (a search echoes its
    words; an address made from a draft's slug holds that slug)."""
    lowered, asked = unescape(text).lower(), asked.lower()
    return [
        f"{marker} ({what})"
        for marker, what in MARKERS.items()
        if marker in lowered and marker not in asked
    ]


def crawl(client: Client, start: list[str], limit: int = 2000) -> tuple[int, list[str]]:
    seen: set[str] = set()
    queue = list(start)
    found: list[str] = []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        location = response.get("Location", "")
        body = b"" if response.streaming else response.content
        if response.streaming:
            body = b"".join(response.streaming_content)
        text = body.decode("utf-8", "replace")
        for leak in leaks_in(location + "\n" + text, url):
            found.append(f"{url} ({response.status_code}): {leak}")
        if location:
            queue.append(location)
        for link in re.findall(r'<([^>]+)>; rel="next"', response.get("Link", "")):
            queue.append(link.replace("http://testserver", ""))
        if "html" in response.get("Content-Type", ""):
            for href in HREF.findall(text):
                parts = urlsplit(unescape(href))
                ours = parts.netloc in ("", "testserver") and parts.path.startswith("/")
                if ours and not parts.path.startswith(("/static/", "/admin/", "/accounts/")):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return len(seen), found


@pytest.mark.parametrize("open_export", [False, True], ids=["export closed", "export open"])
def test_no_public_url_shows_anything_unpublished(client, desk, settings, open_export):
    settings.FACTCHECK_EXPORT_ANONYMOUS = open_export
    tried, found = crawl(client, candidate_urls())
    figures.add("public leaks", urls=tried, leaks=len(found))
    assert not found, "\n".join(found)
    # The crawl did reach what is public: the published check, its claimant and article.
    published = desk["published"]
    page = client.get(f"/checks/{published.pk}/{published.slug}/")
    assert page.status_code == 200 and b"Publicly Named Person" in page.content
    assert tried >= len(set(candidate_urls()))
    export = client.get("/api/v1/claims/")
    if open_export:  # the crawl read the export itself, not a 401
        assert [c["id"] for c in export.json()["results"]] == [published.pk]
    else:
        assert export.status_code == 401
