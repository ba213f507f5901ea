"""Reviewer pages: the article list and the workspace for one article."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from annotations.importers import classify_paragraph
from annotations.models import Article

ARTICLES_PER_PAGE = 25


def home(request: HttpRequest) -> HttpResponse:
    return redirect("annotations:article-list")


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    articles = (
        Article.objects.defer("body", "raw_text")
        .select_related("assignee")
        .annotate(claim_count=Count("claims"))
        .order_by("-imported_at", "-id")
    )
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(body__icontains=query))
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "annotations/article_list.html", {"page": page, "query": query})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("assignee"), pk=pk)
    paragraphs = [
        {"offset": offset, "text": text, "kind": classify_paragraph(article, offset, text)}
        for offset, text in article.paragraphs()
    ]
    return render(
        request,
        "annotations/article_detail.html",
        {"article": article, "paragraphs": paragraphs},
    )
