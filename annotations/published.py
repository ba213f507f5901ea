"""The public fact-check pages: no login, only published (approved or withdrawn) claims.

A claim page embeds the same ClaimReview the API exports (``formats.claimreview``),
so the page and the feed can never disagree.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

from annotations.api.formats import claimreview
from annotations.api.serializers import claim_queryset, public_base, scale_bounds
from annotations.importers import classify_paragraph
from annotations.models import Article, Claim, Verdict
from annotations.spans import segments

PUBLISHED = [Claim.Status.APPROVED, Claim.Status.RETRACTED]
CHECKS_PER_PAGE = 20


def check_path(claim: Claim) -> str:
    return reverse("checks:detail", args=[claim.pk, claim.slug])


def json_ld(data: dict) -> SafeString:
    """A JSON-LD data block, escaped so that no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def check_list(request: HttpRequest) -> HttpResponse:
    checks = (
        Claim.objects.filter(status=Claim.Status.APPROVED)
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
    if verdict:
        checks = checks.filter(verdict__slug=verdict)
    if publisher:
        checks = checks.filter(article__publisher=publisher)
    if query:
        checks = checks.filter(
            Q(claim__icontains=query) | Q(exact__icontains=query) | Q(rationale__icontains=query)
        )
    page = Paginator(checks, CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    publishers = (
        Article.objects.filter(claims__status=Claim.Status.APPROVED)
        .exclude(publisher="")
        .values_list("publisher", flat=True)
        .distinct()
        .order_by("publisher")
    )
    return render(
        request,
        "checks/list.html",
        {
            "page": page,
            "verdicts": Verdict.objects.all(),
            "publishers": publishers,
            "verdict": verdict,
            "publisher": publisher,
            "query": query,
            "canonical": public_base() + reverse("checks:list"),
        },
    )


def check_redirect(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    """The stable URI (/checks/<id>/) and old slugs lead to the current URL."""
    claim = get_object_or_404(Claim.objects.only("id", "claim", "status"), pk=pk)
    if claim.status not in PUBLISHED:
        raise Http404("No published fact-check here.")
    return redirect(check_path(claim), permanent=True)


def check_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    claim = get_object_or_404(claim_queryset().filter(status__in=PUBLISHED), pk=pk)
    if slug != claim.slug:
        return redirect(check_path(claim), permanent=True)
    context: dict = {}
    worst, best = scale_bounds(context)
    withdrawn = claim.status == Claim.Status.RETRACTED
    return render(
        request,
        "checks/detail.html",
        {
            "claim": claim,
            "withdrawn": withdrawn,
            "worst": worst,
            "best": best,
            "json_ld": None if withdrawn else json_ld(claimreview(claim, scale=(worst, best))),
            "canonical": public_base() + check_path(claim),
            "article_path": reverse("checks:article", args=[claim.article_id]),
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    checks = list(
        Claim.objects.filter(article=article, status=Claim.Status.APPROVED)
        .select_related("verdict")
        .only("id", "start", "end", "claim", "verdict__label", "verdict__colour", "verdict__slug")
        .order_by("start", "end", "id")
    )
    if not checks:
        raise Http404("This article has no published fact-checks.")
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
        check.path = check_path(check)
    return render(
        request,
        "checks/article.html",
        {
            "article": article,
            "paragraphs": paragraphs,
            "checks": checks,
            "canonical": public_base() + reverse("checks:article", args=[article.pk]),
        },
    )
