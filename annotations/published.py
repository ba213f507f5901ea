"""The public fact-check pages: no login, only published (approved or withdrawn) claims.

A check page is built by the export's own builder (``publishing.rows``) and embeds
the ClaimReview the API exports for it, so the page and the feed can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]  # private: the stubs leave it out
from django.utils.safestring import SafeString, mark_safe

from annotations.bounded import distinct_values
from annotations.listing import bad_page_link, keyset_list
from annotations.models import (
    AnchorState,
    Appearance,
    Article,
    Claim,
    Claimant,
    Verdict,
    claim_slug,
    claimant_slug,
)
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
        listed = keyset_list(
            request,
            checks,
            fields=("approved_at", "id"),
            size=CHECKS_PER_PAGE,
            # A search or a publisher (a join on every row counted) is estimated when
            # the planner expects many: "about 48,000".
            estimate=bool(query or publisher),
        )
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
    """The stable URI (/checks/<id>/) and old slugs lead to the current URL; a claim merged
    into another leads to the one that survived."""
    claim = get_object_or_404(
        Claim.objects.public_pages().only("id", "claim", "merged_into"), pk=pk
    )
    if claim.merged_into_id is not None:
        onward = merged_redirect(claim)
        if onward is not None:
            return onward
    return redirect(check_path(claim.pk, claim.slug), permanent=True)


def merged_redirect(claim: Claim) -> HttpResponse | None:
    """Where a merged claim's readers go: the claim that survived, once it is published.

    Until then, None: the merged claim's own page stays (the desk refuses such merges;
    this holds for any made before it did)."""
    survivor = cast(Claim, claim.merged_into)  # callers pass a merged claim
    while survivor.merged_into_id is not None:
        survivor = cast(Claim, survivor.merged_into)
    if survivor.status != Claim.Status.APPROVED:
        return None
    return redirect(check_path(survivor.pk, survivor.slug), permanent=True)


def check_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    row = claim_rows(Claim.objects.public_pages(), "merged_into_id").filter(pk=pk).first()
    if row is None:
        raise Http404("No published fact-check here.")
    if row["merged_into_id"] is not None:
        onward = merged_redirect(Claim.objects.get(pk=pk))
        if onward is not None:
            return onward
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
            "appeared": [
                {**a, "path": reverse("checks:article", args=[a["article"]["id"]])}
                for a in check["appearances"]
            ],
            "claimant_path": reverse(
                "checks:claimant", args=[row["claimant_id"], claimant_slug(row["claimant__name"])]
            )
            if row["claimant_id"]
            else None,
        },
    )


def published_article(pk: int) -> tuple[Article, Sequence[Claim]]:
    """The article and the approved checks that appear in it (every confirmed appearance,
    each with its span here), in text order; 404 if it has none."""
    article = get_object_or_404(Article, pk=pk)
    here = Appearance.objects.filter(
        article=article, state=Appearance.State.CONFIRMED, claim=OuterRef("pk")
    )
    checks = list(
        Claim.objects.approved()
        .filter(
            appearances__article=article,
            appearances__state=Appearance.State.CONFIRMED,
            # not on the current text any more: no highlight
            appearances__anchor_state__in=[AnchorState.ANCHORED, AnchorState.FUZZY],
        )
        .select_related("verdict")
        .annotate(
            here_start=Subquery(here.values("start")[:1]),
            here_end=Subquery(here.values("end")[:1]),
        )
        .only("id", "claim", "verdict__label", "verdict__colour", "verdict__slug")
        .order_by("here_start", "here_end", "id")
    )
    if not checks:
        raise Http404("This article has no published fact-checks.")
    for check in checks:
        check.start, check.end = check.here_start, check.here_end
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
        check.path = check_path(check.pk, check.slug)  # type: ignore[attr-defined]  # for the template
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


CLAIMANT_CHECKS = 50
NO_CLAIMANT_PAGE = "No published fact-check names this claimant."


def claimant_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A claimant's published checks, newest first, and their verdict mix at a glance.

    A claimant with no published check has no page (404), whatever the address: their
    name, slug and id are known only on the desk until a check naming them is approved.
    """
    claimant = get_object_or_404(Claimant, pk=pk)
    if claimant.merged_into_id is not None:
        survivor = cast(Claimant, claimant.merged_into)
        while survivor.merged_into_id is not None:
            survivor = cast(Claimant, survivor.merged_into)
        if not Claimant.objects.published().filter(pk=survivor.pk).exists():
            raise Http404(NO_CLAIMANT_PAGE)
        return redirect(survivor.get_absolute_url(), permanent=True)
    published = Claim.objects.approved().filter(claimant=claimant)
    checks = list(
        published.select_related("verdict", "article")
        .only(
            "id", "claim", "approved_at", "claim_date", "verdict__label", "verdict__colour",
            "article__id", "article__title", "article__publisher",
        )
        .order_by("-approved_at", "-id")[:CLAIMANT_CHECKS]
    )  # fmt: skip
    if not checks:
        raise Http404(NO_CLAIMANT_PAGE)
    if slug != claimant.slug:
        return redirect(claimant.get_absolute_url(), permanent=True)
    mix = list(
        published.values("verdict__label", "verdict__colour", "verdict__order")
        .annotate(n=Count("id"))
        .order_by("verdict__order", "verdict__label")
    )
    for check in checks:
        check.path = check_path(check.pk, check.slug)  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "checks/claimant.html",
        {
            "claimant": claimant,
            "checks": checks,
            "total": sum(m["n"] for m in mix),
            "chart": verdict_mix_chart(mix),
            "canonical": Links.for_request(request).base + claimant.get_absolute_url(),
        },
    )


def verdict_mix_chart(mix: Sequence[Mapping[str, Any]]) -> dict:
    """A horizontal bar per verdict, as numbers the SVG template lays out (and a table
    repeats for screen readers)."""
    width, bar, gap, label_width = 560, 22, 8, 150
    most = max((m["n"] for m in mix), default=0) or 1
    total = sum(m["n"] for m in mix) or 1
    bars = []
    for i, m in enumerate(mix):
        length = round((width - label_width - 60) * m["n"] / most)
        bars.append(
            {
                "label": m["verdict__label"] or "No verdict",
                "colour": m["verdict__colour"] or "#888888",
                "n": m["n"],
                "share": round(100 * m["n"] / total),
                "y": i * (bar + gap),
                "text_y": i * (bar + gap) + bar * 0.7,
                "x": label_width,
                "length": max(length, 2),
                "value_x": label_width + max(length, 2) + 6,
            }
        )
    return {"bars": bars, "width": width, "height": max(len(bars) * (bar + gap), bar),
            "bar": bar, "label_x": label_width - 8}  # fmt: skip
