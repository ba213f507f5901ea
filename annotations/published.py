"""The public fact-check pages: no login, only published (approved or withdrawn) claims.

A check page is built by the export's own builder (``publishing.rows``) and embeds
the ClaimReview the API exports for it, so the page and the feed can never disagree.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

from annotations.bounded import distinct_values
from annotations.listing import bad_page_link, keyset_list
from annotations.models import Article, Claim, Verdict, claim_slug
from annotations.publishing.claimreview import claimreview
from annotations.publishing.keyset import InvalidCursor
from annotations.publishing.paragraphs import classify_paragraph
from annotations.publishing.rows import ClaimBuilder, claim_rows
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links, check_path
from annotations.spans import segments

CHECKS_PER_PAGE = 20


def json_ld(data: dict) -> SafeString:
    """A JSON-LD data block, escaped so that no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def check_list(request: HttpRequest) -> HttpResponse:
    checks = (
        Claim.objects.approved()
        .select_related("article", "verdict")
        .only(
            "id",
            "claim",
            "approved_at",
            "exact",
            "status",
            "article__id",
            "article__title",
            "article__publisher",
            "verdict__label",
            "verdict__slug",
            "verdict__colour",
        )
        .order_by("-approved_at", "-id")
    )
    verdict = request.GET.get("verdict", "")
    publisher = request.GET.get("publisher", "")
    query = request.GET.get("q", "").strip()
    verdicts = list(Verdict.objects.all())
    if verdict:
        # By id, not by a join on the slug: PostgreSQL then knows how common this verdict
        # is and walks the (verdict, approved_at) index, however rare it is.
        chosen = [v.pk for v in verdicts if v.slug == verdict]
        checks = checks.filter(verdict_id=chosen[0]) if chosen else checks.none()
    if publisher:
        checks = checks.from_publisher(publisher)
    if query:
        checks = checks.search(query)
    try:
        listed = keyset_list(request, checks, fields=("approved_at", "id"), size=CHECKS_PER_PAGE)
    except InvalidCursor:
        return bad_page_link(request, "checks/bad_request.html")
    # Publishers with a published check, read from the publisher index one at a time.
    publishers = distinct_values(
        Article, "publisher", having=(Claim.objects.approved(), "article__publisher")
    )
    return render(
        request,
        "checks/list.html",
        {
            "page": listed,
            "verdicts": verdicts,
            "publishers": publishers,
            "verdict": verdict,
            "publisher": publisher,
            "query": query,
            "canonical": Links.for_request(request).base + reverse("checks:list"),
        },
    )


def check_redirect(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    """The stable URI (/checks/<id>/) and old slugs lead to the current URL."""
    claim = get_object_or_404(Claim.objects.public_pages().only("id", "claim"), pk=pk)
    return redirect(check_path(claim.pk, claim.slug), permanent=True)


def check_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    row = claim_rows(Claim.objects.public_pages()).filter(pk=pk).first()
    if row is None:
        raise Http404("No published fact-check here.")
    canonical_slug = claim_slug(row["claim"])
    if slug != canonical_slug:
        return redirect(check_path(pk, canonical_slug), permanent=True)
    links = Links.for_request(request)
    worst, best = verdict_scale()[1]
    check = ClaimBuilder((worst, best), links).build_one(row)
    withdrawn = row["status"] == Claim.Status.RETRACTED
    return render(
        request,
        "checks/detail.html",
        {
            "check": check,
            "withdrawn": withdrawn,
            "retracted_at": row["retracted_at"],
            "retraction_reason": row["retraction_reason"],
            "verdict_description": row["verdict__description"],
            "worst": worst,
            "best": best,
            "json_ld": None if withdrawn else json_ld(claimreview(check)),
            "canonical": links.base + check_path(pk, canonical_slug),
            "article_path": reverse("checks:article", args=[row["article_id"]]),
            "original_url": row["article__source_url"],
        },
    )


def published_article(pk: int) -> tuple[Article, list[Claim]]:
    """The article and its approved checks in text order; 404 if it has none."""
    article = get_object_or_404(Article, pk=pk)
    checks = list(
        Claim.objects.approved()
        .filter(article=article)
        .select_related("verdict")
        .only("id", "start", "end", "claim", "verdict__label", "verdict__colour", "verdict__slug")
        .order_by("start", "end", "id")
    )
    if not checks:
        raise Http404("This article has no published fact-checks.")
    return article, checks


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article, checks = published_article(pk)
    spans = [(c.start, c.end) for c in checks]
    paragraphs = []
    for offset, text in article.paragraphs():
        pieces = [
            {
                "text": piece.text,
                "checks": [checks[i] for i in piece.covering],
                # the piece where a check begins carries its anchor (#claim-<id>)
                "starts": [checks[i] for i in piece.covering if spans[i][0] == piece.start],
            }
            for piece in segments(text, spans, base=offset)
        ]
        kind = classify_paragraph(article, offset, text)
        paragraphs.append({"kind": kind, "pieces": pieces})
    for check in checks:
        check.path = check_path(check.pk, check.slug)
    return render(
        request,
        "checks/article.html",
        {
            "article": article,
            "paragraphs": paragraphs,
            "checks": checks,
            "canonical": Links.for_request(request).article(article.pk),
            "text_url": reverse("checks:article-text", args=[article.pk]),
        },
    )


def article_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's cleaned text, exactly: what a Web Annotation's selectors index."""
    article, _ = published_article(pk)
    response = HttpResponse(article.body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="article-{article.pk}.txt"'
    return response
